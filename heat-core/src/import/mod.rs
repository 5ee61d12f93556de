//! Bulk-import validation of HEAT's three upload templates (students, activities,
//! schools/colleges): encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252), header
//! matching with suggestions for near-miss names, every field read by its [`crate::fields`]
//! reader, and per-row, per-field errors. **Nothing is lost**: every data row comes back either
//! as a cleaned row or with its errors (`rows_in = rows_ok + rows_with_errors`), and rows that
//! hold nothing at all are counted as skipped. Rows are numbered as a spreadsheet shows them
//! ([`crate::rows`]: the header is row 1).
//!
//! The pipeline: [`encoding`](decode) → header matching → one cleaner per template
//! (`students`, `activities`, `schools`) → duplicate flags → the [`ImportOutcome`].
//!
//! ```
//! use heat_core::import::{validate_import, ImportSettings, Template};
//! let csv = "First Name,Surname,DOB,Postcode,Gender\nAmelia,Khan,45000,ls1 4ap,F\n,Reid,2009-02-30,XX,?\n";
//! let out = validate_import(csv.as_bytes(), Template::Students, &ImportSettings::default()).unwrap();
//! assert_eq!((out.summary.rows_in, out.summary.rows_ok, out.summary.rows_with_errors), (2, 1, 1));
//! assert_eq!(out.rows[0].get("date_of_birth"), "2023-03-15"); // an Excel date serial, read as a date
//! assert_eq!(out.rows[0].get("postcode"), "LS1 4AP");
//! let bad: Vec<(usize, &str, &str)> = out.issues.iter().map(|e| (e.row, e.column.as_str(), e.code)).collect();
//! assert_eq!(bad, vec![(3, "first_name", "missing"), (3, "date_of_birth", "bad_date"),
//!                      (3, "postcode", "too_short")]);
//! ```

mod activities;
mod check;
#[cfg(feature = "excel")]
mod compound_file;
mod encoding;
mod error;
mod format;
mod headers;
mod limits;
#[cfg(feature = "excel")]
mod ods_span;
mod record;
mod row_code;
mod schools;
mod students;
mod table;
#[cfg(feature = "excel")]
mod workbook;
#[cfg(feature = "excel")]
mod xls_span;
#[cfg(feature = "excel")]
mod zip_parts;

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use serde::Serialize;

use crate::activity::{ActivitySettings, Severity};
use crate::cohort::AcademicYear;
use crate::error::ArgumentError;
use crate::fields::TextRow;
use crate::nation::Nation;
use crate::rows::{self, CsvRows};

pub(crate) use check::{validate_table_at, Layout};
pub use encoding::{decode, decode_prefix, Encoding};
pub use error::ImportFileError;
pub use format::{is_workbook, WORKBOOK_EXTENSIONS};
#[cfg(any(feature = "areas", feature = "schools"))]
pub(crate) use headers::header_key;
use headers::Column;
pub use headers::MAX_TITLE_ROWS;
pub use limits::{
    ImportLimits, MAX_CELL_CHARS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_XML_TEXT_RUN,
};
pub(crate) use record::RowCheck;
pub use record::{total_row_label, TOTAL_ROW_LABELS};
pub use row_code::RowCode;
pub use table::{read_table, read_table_file, SheetText};
#[cfg(feature = "areas")]
pub(crate) use workbook::sheet_names;
#[cfg(feature = "excel")]
pub use workbook::{read_sheet, validate_workbook};
#[cfg(feature = "excel")]
pub use xls_span::{MAX_SPARSE_SPAN, SPARSE_FACTOR};

/// Which upload template a file follows.
///
/// ```
/// use heat_core::import::Template;
/// assert_eq!("activities".parse::<Template>().unwrap(), Template::Activities);
/// assert_eq!(Template::Schools.name(), "schools");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Students (learners).
    Students,
    /// Activities.
    Activities,
    /// Schools and colleges.
    Schools,
}

impl std::str::FromStr for Template {
    type Err = ArgumentError;
    /// `students`, `activities` or `schools` (singulars too).
    ///
    /// ```
    /// use heat_core::HeatError;
    /// assert_eq!("staff".parse::<heat_core::import::Template>().unwrap_err().code(), "unknown_value");
    /// ```
    fn from_str(s: &str) -> Result<Self, ArgumentError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "students" | "student" => Ok(Template::Students),
            "activities" | "activity" => Ok(Template::Activities),
            "schools" | "school" | "institutions" | "schools_colleges" => Ok(Template::Schools),
            _ => Err(ArgumentError::unknown_value(
                "template",
                s,
                "students, activities or schools",
            )),
        }
    }
}

static COLUMN_NAMES: Lazy<[Vec<&'static str>; 3]> = Lazy::new(|| {
    let names = |cols: &[Column]| cols.iter().map(|c| c.name).collect();
    [
        names(students::COLUMNS),
        names(activities::COLUMNS),
        names(schools::COLUMNS),
    ]
});

impl Template {
    /// The template's name.
    ///
    /// ```
    /// assert_eq!(heat_core::import::Template::Students.name(), "students");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Template::Students => "students",
            Template::Activities => "activities",
            Template::Schools => "schools",
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            Template::Students => students::COLUMNS,
            Template::Activities => activities::COLUMNS,
            Template::Schools => schools::COLUMNS,
        }
    }

    /// The template's column names, in output order.
    ///
    /// ```
    /// let c = heat_core::import::Template::Schools.column_names();
    /// assert_eq!(c, ["institution_id", "name", "postcode", "phase"]);
    /// ```
    pub fn column_names(self) -> &'static [&'static str] {
        &COLUMN_NAMES[self as usize]
    }
}

/// One problem with one row (or, with `row` 1, with the header).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"urn,name,postcode,colour\n107956,,LS1 4AP,red\n", Template::Schools, &ImportSettings::default()).unwrap();
/// let e = &out.issues[1];
/// assert_eq!((e.row, e.column.as_str(), e.code), (2, "name", "missing"));
/// assert_eq!((e.message.as_str(), e.reason.as_str()), ("row 2, name: missing", "missing"));
/// assert_eq!((out.issues[0].row, out.issues[0].code), (1, "unknown_column")); // the header
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportIssue {
    /// The spreadsheet row ([`crate::rows`]): the header is row 1, the first data row row 2.
    pub row: usize,
    /// The template column (or the file's header for header issues).
    pub column: String,
    /// Stable snake_case code.
    pub code: &'static str,
    /// Error or warning; a row with an error is not imported.
    pub severity: Severity,
    /// The activity rule (`ACT…`) behind the issue, for activity rows.
    pub rule_id: Option<&'static str>,
    /// What is wrong, naming the row and column.
    pub message: String,
    /// What is wrong, without the row and column: the message's own words, from which the
    /// plain-English text is made (never by cutting the message).
    #[serde(skip)]
    pub reason: String,
    /// Machine-readable detail, where the code has one: for `year_group_mismatch`, how far out the
    /// year group is ([`Plausibility::code`](crate::cohort::Plausibility::code)).
    #[serde(skip)]
    pub detail: Option<&'static str>,
    /// What the cell may have been meant to hold, nearest first, for a person to choose from
    /// (a postcode's live neighbours a typing slip away); empty for most issues.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// The file's text in that cell (blank for header and whole-row issues).
    pub value: String,
}

impl ImportIssue {
    /// The header's warning that values stand where no column is read (under a blank header,
    /// or past the columns read), naming the column's letters.
    pub(crate) fn unnamed_column(header_row: usize, reason: String, letters: String) -> Self {
        ImportIssue::header(header_row, "-", RowCode::UnnamedColumn, reason, letters)
    }

    /// A warning about the header row (`header: ` before the reason in the message).
    fn header(
        header_row: usize,
        column: &str,
        code: RowCode,
        reason: String,
        value: String,
    ) -> Self {
        ImportIssue {
            row: header_row,
            column: column.into(),
            code: code.code(),
            severity: Severity::Warning,
            rule_id: None,
            message: format!("header: {reason}"),
            reason,
            detail: None,
            candidates: Vec::new(),
            value,
        }
    }
}

/// A cleaned row: values in template column order, read by column name.
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"name,urn,postcode\nLeeds High,107956,ls14ap\n", Template::Schools, &ImportSettings::default()).unwrap();
/// assert_eq!(out.rows[0].values, vec!["107956", "Leeds High", "LS1 4AP", ""]);
/// assert_eq!((out.rows[0].row, out.rows[0].get("postcode")), (2, "LS1 4AP"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CleanRow {
    /// The spreadsheet row it came from.
    pub row: usize,
    /// Values in [`Template::column_names`] order (blank where absent).
    pub values: Vec<String>,
    #[serde(skip)]
    columns: &'static [&'static str],
}

impl CleanRow {
    fn new(row: usize, template: Template, values: Vec<String>) -> CleanRow {
        CleanRow {
            row,
            values,
            columns: template.column_names(),
        }
    }

    /// Where template column `column` is in [`values`](Self::values), if it is in the template.
    #[cfg(feature = "report")]
    pub(crate) fn column_index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == column)
    }

    /// The value of template column `column` (blank when the column is not in the template).
    ///
    /// ```
    /// use heat_core::import::{validate_import, ImportSettings, Template};
    /// let out = validate_import(b"name,urn,postcode\nA,107956,LS1 4AP\n", Template::Schools, &ImportSettings::default()).unwrap();
    /// assert_eq!((out.rows[0].get("name"), out.rows[0].get("nope")), ("A", ""));
    /// ```
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.values.get(i))
            .map_or("", String::as_str)
    }

    pub(crate) fn set(&mut self, column: &str, value: String) {
        if let Some(i) = self.columns.iter().position(|c| *c == column) {
            if let Some(slot) = self.values.get_mut(i) {
                *slot = value;
            }
        }
    }
}

impl TextRow for CleanRow {
    fn cell(&self, column: &str) -> Option<&str> {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.values.get(i))
            .map(String::as_str)
    }
}

/// Counts that reconcile: `rows_in == rows_ok + rows_with_errors`, and every record of the file is
/// one of those or one of `rows_skipped`.
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"name,urn,postcode\nA,107956,LS1 4AP\n,,\nB,x,LS1 4AP\n", Template::Schools, &ImportSettings::default()).unwrap();
/// let s = &out.summary;
/// assert_eq!((s.rows_in, s.rows_ok, s.rows_with_errors, s.rows_skipped, s.encoding), (2, 1, 1, 1, "utf-8"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// The template.
    pub template: &'static str,
    /// The encoding the file was read as (`table` for a table given in memory; for a workbook
    /// its format: `xlsx`, `xlsb`, `xls` or `ods`).
    pub encoding: &'static str,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// The spreadsheet row of the header (1 unless title rows sit above it).
    pub header_row: usize,
    /// Data rows read.
    pub rows_in: usize,
    /// Rows imported (warnings allowed).
    pub rows_ok: usize,
    /// Rows with at least one error (not imported).
    pub rows_with_errors: usize,
    /// Rows that hold nothing (every cell blank) or are a total or footer line
    /// ([`total_row_label`], with a `total_row_skipped` warning): not students, not errors.
    pub rows_skipped: usize,
    /// Warnings, over all rows.
    pub warnings: usize,
    /// Errors, over all rows.
    pub errors: usize,
    /// File columns matched to template columns: (file header, template column).
    pub columns_matched: Vec<(String, String)>,
    /// File columns ignored.
    pub columns_ignored: Vec<String>,
}

/// The outcome of [`validate_import`].
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"name,urn,postcode\nA,107956,LS1 4AP\n", Template::Schools, &ImportSettings::default()).unwrap();
/// assert_eq!(out.columns, ["institution_id", "name", "postcode", "phase"]);
/// assert!(out.issues.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportOutcome {
    /// Template column names (the order of [`CleanRow::values`]).
    pub columns: &'static [&'static str],
    /// Rows without errors, cleaned.
    pub rows: Vec<CleanRow>,
    /// Rows with errors (not imported), cleaned as far as their fields could be read; a
    /// field that could not be read keeps the file's text.
    pub rejected: Vec<CleanRow>,
    /// Every error and warning, by row.
    pub issues: Vec<ImportIssue>,
    /// Counts.
    pub summary: ImportSummary,
}

/// Settings for imports.
///
/// ```
/// use heat_core::import::ImportSettings;
/// use heat_core::cohort::AcademicYear;
/// let s = ImportSettings::on("2026-12-01".parse().unwrap());
/// assert_eq!(s.max_bytes, 512 * 1024 * 1024);
/// assert_eq!(s.academic_year(), AcademicYear::new(2026)); // the school year containing `on`
/// assert!(s.check_duplicates);
/// ```
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Files larger than this are refused (default 512 MiB).
    pub max_bytes: usize,
    /// The day the upload is checked for (default today, [`crate::calendar::today`]).
    pub on: NaiveDate,
    /// Academic year for the year-group check (students); `None` (the default): the school year
    /// containing `on` ([`AcademicYear::school_year_of`]).
    pub academic_year: Option<AcademicYear>,
    /// Nation for year groups.
    pub nation: Nation,
    /// Rules for activity rows.
    pub activity: ActivitySettings,
    /// Flag likely duplicate students (warnings) with the duplicate matcher.
    pub check_duplicates: bool,
    /// The workbook sheet to read; `None` (the default): the first whose header matches.
    pub sheet: Option<String>,
    /// Budgets for what a file may unpack to and how long a value may be ([`ImportLimits`]).
    pub limits: ImportLimits,
}

impl ImportSettings {
    /// The defaults for a day: England, duplicates flagged, the school year containing `on`.
    ///
    /// ```
    /// let s = heat_core::import::ImportSettings::on("2026-08-31".parse().unwrap());
    /// assert_eq!(s.academic_year().to_string(), "2025/26");
    /// ```
    pub fn on(on: NaiveDate) -> ImportSettings {
        ImportSettings {
            max_bytes: 512 * 1024 * 1024,
            on,
            academic_year: None,
            nation: Nation::England,
            activity: ActivitySettings::default(),
            check_duplicates: true,
            sheet: None,
            limits: ImportLimits::default(),
        }
    }

    /// The academic year the year-group check uses.
    ///
    /// ```
    /// use heat_core::cohort::AcademicYear;
    /// let mut s = heat_core::import::ImportSettings::default();
    /// s.academic_year = Some(AcademicYear::new(2024));
    /// assert_eq!(s.academic_year().to_string(), "2024/25");
    /// ```
    pub fn academic_year(&self) -> AcademicYear {
        self.academic_year
            .unwrap_or_else(|| AcademicYear::school_year_of(self.on, self.nation))
    }
}

impl Default for ImportSettings {
    fn default() -> Self {
        ImportSettings::on(crate::calendar::today())
    }
}

/// One data record of a table, as the pipeline takes it: its spreadsheet row and its cells, or
/// why it could not be read.
pub type Record = (usize, Result<Vec<String>, String>);

/// A workbook upload: read with the `excel` feature, refused in a build without it.
fn validate_workbook_upload(
    bytes: &[u8],
    template: Template,
    settings: &ImportSettings,
) -> Result<ImportOutcome, ImportFileError> {
    #[cfg(feature = "excel")]
    return validate_workbook(bytes, template, settings);
    #[cfg(not(feature = "excel"))]
    {
        let _ = (bytes, template, settings);
        Err(ImportFileError::WorkbookNotBuilt)
    }
}

/// One sheet of a workbook as text: read with the `excel` feature, refused in a build without it.
pub(crate) fn read_workbook_sheet(
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<SheetText, ImportFileError> {
    #[cfg(feature = "excel")]
    return read_sheet(bytes, sheet);
    #[cfg(not(feature = "excel"))]
    {
        let _ = (bytes, sheet);
        Err(ImportFileError::WorkbookNotBuilt)
    }
}

/// Validates a bulk-import file (its bytes) against a template. `Err` only when the whole file
/// cannot be read (empty, binary, too large, undecodable, required columns missing); otherwise
/// every data row is in `rows` or has errors in `issues`.
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"Title,Type,Start Date,Headcount\nTalk,HE talk,2025-11-03,120\n";
/// let out = validate_import(csv, Template::Activities, &ImportSettings::default()).unwrap();
/// assert_eq!(out.summary.rows_ok, 1);
/// ```
pub fn validate_import(
    bytes: &[u8],
    template: Template,
    settings: &ImportSettings,
) -> Result<ImportOutcome, ImportFileError> {
    if bytes.len() > settings.max_bytes {
        return Err(ImportFileError::TooLarge {
            size: bytes.len(),
            limit: settings.max_bytes,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportFileError::Empty);
    }
    if is_workbook(std::path::Path::new(""), bytes) {
        return validate_workbook_upload(bytes, template, settings);
    }
    validate_text(decode(bytes)?, template, settings)
}

/// [`validate_import`] of a CSV file's decoded text.
fn validate_text(
    (text, encoding): (String, Encoding),
    template: Template,
    settings: &ImportSettings,
) -> Result<ImportOutcome, ImportFileError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut numbering = CsvRows::from_first_line();
    let mut record = csv::StringRecord::new();
    let bytes = text.as_bytes();
    let keep = settings.limits.kept_chars();
    // The first record wider than a sheet: (row, fields).
    let too_wide = std::sync::Arc::new(std::sync::Mutex::new(None));
    let wide = too_wide.clone();
    // Blank lines (which the CSV reader skips) come out as empty records, so they are counted.
    let mut pending: std::collections::VecDeque<Record> = Default::default();
    let mut next = move || -> Option<Record> {
        if let Some(r) = pending.pop_front() {
            return Some(r);
        }
        match reader.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let (row, blank) = numbering.row_of(&record, bytes);
                pending.extend(blank.map(|b| (b, Ok(Vec::new()))));
                let cells = if record.len() > MAX_SHEET_COLUMNS {
                    if let Ok(mut first) = wide.lock() {
                        first.get_or_insert((row, record.len()));
                    }
                    Err(format!(
                        "has {} fields, more than a spreadsheet's {MAX_SHEET_COLUMNS} columns",
                        record.len()
                    ))
                } else if let Some(lines) =
                    limits::unclosed_quote(&record, reader.position(), bytes)
                {
                    Err(format!("cannot be read as CSV: a quote (\") opens in it and is never closed, so the {lines} lines after it, to the end of the file, were read as one row; close the quote, or remove it, and save again"))
                } else {
                    Ok(record.iter().map(|f| limits::cut(f, keep)).collect())
                };
                pending.push_back((row, cells));
                pending.pop_front()
            }
            Err(e) => {
                let row = numbering.row_of_unreadable();
                Some((row, Err(format!("cannot be read as CSV: {e}"))))
            }
        }
    };
    // The header is the first line, or the first below title lines (an export's title, a date)
    // that holds the template's columns.
    let mut head: Vec<Record> = Vec::new();
    while head.len() <= MAX_TITLE_ROWS {
        match next() {
            Some(r) => head.push(r),
            None => break,
        }
    }
    let cells: Vec<Vec<String>> = head
        .iter()
        .map(|(_, r)| r.clone().unwrap_or_default())
        .collect();
    let found = headers::find_header(&cells, template);
    let first_too_wide = too_wide.lock().ok().and_then(|w| *w);
    if let (Err(_), Some((row, columns))) = (&found, first_too_wide) {
        return Err(ImportFileError::TooManyColumns { row, columns });
    }
    let at = found.unwrap_or_else(|_| {
        // No line holds the header: read the first filled one as it, to report what is missing.
        cells
            .iter()
            .position(|c| c.iter().any(|v| !v.trim().is_empty()))
            .unwrap_or(0)
    });
    let mut head = head.into_iter().skip(at);
    let Some((header_row, header)) = head.next() else {
        return Err(ImportFileError::Empty);
    };
    let headers = header.map_err(ImportFileError::BadHeader)?;
    let records = head.chain(std::iter::from_fn(next));
    validate_table_at(
        &headers,
        header_row,
        records,
        template,
        settings,
        encoding.name(),
        Layout::Fields,
    )
}

/// Validates a table's header cells and records (from a file, a spreadsheet or memory) against a
/// template: the pipeline after decoding. `source` is what the summary reports as the
/// encoding (`table` for an in-memory table).
///
/// ```
/// use heat_core::import::{validate_table, ImportSettings, Template};
/// let headers = vec!["name".to_string(), "urn".to_string(), "postcode".to_string()];
/// let records = vec![(2, Ok(vec!["Leeds High".to_string(), "107956".to_string(), "ls14ap".to_string()]))];
/// let out = validate_table(&headers, records.into_iter(), Template::Schools, &ImportSettings::default(), "table").unwrap();
/// assert_eq!(out.rows[0].get("postcode"), "LS1 4AP");
/// ```
pub fn validate_table(
    headers: &[String],
    records: impl Iterator<Item = Record> + Send,
    template: Template,
    settings: &ImportSettings,
    source: &'static str,
) -> Result<ImportOutcome, ImportFileError> {
    validate_table_at(
        headers,
        rows::HEADER,
        records,
        template,
        settings,
        source,
        Layout::Fields,
    )
}

/// A column's spreadsheet letters from its 0-based position (`A`, `Z`, `AA`...).
///
/// ```
/// # use heat_core::import::column_letter;
/// assert_eq!([column_letter(0), column_letter(7), column_letter(26), column_letter(701)], ["A", "H", "AA", "ZZ"]);
/// ```
pub fn column_letter(position: usize) -> String {
    let mut n = position + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// Bytes read first from a file, to refuse binary or header-less files before reading the rest.
const HEAD_BYTES: u64 = 1 << 16;

/// [`validate_import`] on a file: refuses a file over the size limit before reading it, and a
/// binary file or one without the template's columns after reading only its first 64 KiB (cut
/// at a character boundary, so a UTF-8 or UTF-16 file of any size is sniffed correctly).
///
/// ```
/// use heat_core::import::{validate_import_file, ImportSettings, Template};
/// use heat_core::HeatError;
/// let path = std::env::temp_dir().join("heatkit_doc_import.csv");
/// std::fs::write(&path, "name,urn,postcode\nLeeds High,107956,LS1 4AP\n").unwrap();
/// let out = validate_import_file(&path, Template::Schools, &ImportSettings::default()).unwrap();
/// assert_eq!(out.summary.rows_ok, 1);
/// let missing = std::env::temp_dir().join("heatkit_no_such_file.csv");
/// assert_eq!(validate_import_file(&missing, Template::Schools, &ImportSettings::default()).unwrap_err().code(), "unreadable_file");
/// ```
pub fn validate_import_file(
    path: &std::path::Path,
    template: Template,
    settings: &ImportSettings,
) -> Result<ImportOutcome, ImportFileError> {
    use std::io::Read;
    let unreadable =
        |e: std::io::Error| ImportFileError::Unreadable(format!("{}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > settings.max_bytes as u64 {
        return Err(ImportFileError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            limit: settings.max_bytes,
        });
    }
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mut head = Vec::new();
    (&mut file)
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    if is_workbook(path, &head) {
        if head.is_empty() {
            return Err(ImportFileError::Empty);
        }
        file.read_to_end(&mut head).map_err(unreadable)?;
        return validate_workbook_upload(&head, template, settings);
    }
    if (head.len() as u64) < size {
        // Check the start first, so garbage fails fast; the header (below any title lines) must
        // be in the first 64 KiB.
        let (text, _) = decode_prefix(&head)?;
        let first_lines: String = text
            .lines()
            .take(MAX_TITLE_ROWS + 1)
            .map(|l| format!("{l}\n"))
            .collect();
        validate_import(
            first_lines.as_bytes(),
            template,
            &ImportSettings {
                check_duplicates: false,
                ..settings.clone()
            },
        )
        .map(|_| ())
        .or_else(|e| match e {
            ImportFileError::Empty => Ok(()),
            e => Err(e),
        })?;
        file.read_to_end(&mut head).map_err(unreadable)?;
    }
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportFileError::Empty);
    }
    validate_text(encoding::decode_owned(head)?, template, settings)
}

#[cfg(test)]
mod tests;
