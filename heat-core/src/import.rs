//! Bulk-import validation of HEAT's three upload templates (students, activities,
//! schools/colleges) from CSV: encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252),
//! header checking with suggestions for near-miss names, Excel date serials, and per-row,
//! per-field errors. **Nothing is lost**: every data row comes back either as a cleaned row or
//! with its errors, and `rows_in = rows_ok + rows_with_errors`.
//!
//! ```
//! use heat_core::import::{validate_import, ImportSettings, Template};
//! let csv = "First Name,Surname,DOB,Postcode,Gender\nAmelia,Khan,45000,ls1 4ap,F\n,Reid,2009-02-30,XX,?\n";
//! let out = validate_import(csv.as_bytes(), Template::Students, &ImportSettings::default()).unwrap();
//! assert_eq!((out.summary.rows_in, out.summary.rows_ok, out.summary.rows_with_errors), (2, 1, 1));
//! assert_eq!(out.rows[0].values[3], "2023-03-15"); // an Excel date serial, read as a date
//! assert_eq!(out.rows[0].values[4], "LS1 4AP");
//! let bad: Vec<(usize, &str, &str)> = out.issues.iter().map(|e| (e.row, e.column.as_str(), e.code)).collect();
//! assert_eq!(bad, vec![(2, "first_name", "missing"), (2, "date_of_birth", "bad_date"),
//!                      (2, "postcode", "too_short"), (2, "gender", "unknown_gender")]);
//! ```

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::activity::{validate_activity, ActivityInput, ActivitySettings, Beneficiary, Severity};
use crate::cohort::{check_year_group, clean_year_group, parse_date, AcademicYear, Nation};
use crate::matching::{Gender, MatchSettings, Matcher, StudentRef};
use crate::names::{jaro_winkler, normalise_name};

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
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "students" | "student" => Ok(Template::Students),
            "activities" | "activity" => Ok(Template::Activities),
            "schools" | "school" | "institutions" | "schools_colleges" => Ok(Template::Schools),
            _ => Err(format!(
                "unknown template {s:?} (students, activities or schools)"
            )),
        }
    }
}

/// One template column: its name, whether it must be present, and other names it goes by.
struct Column {
    name: &'static str,
    required: bool,
    aliases: &'static [&'static str],
}

const fn col(name: &'static str, required: bool, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        required,
        aliases,
    }
}

const STUDENT_COLUMNS: &[Column] = &[
    col(
        "student_ref",
        false,
        &[
            "id",
            "record_id",
            "student_id",
            "reference",
            "heat_id",
            "student_heat_id",
        ],
    ),
    col(
        "first_name",
        true,
        &["forename", "firstname", "given_name", "first"],
    ),
    col(
        "last_name",
        true,
        &["surname", "lastname", "family_name", "last"],
    ),
    col(
        "date_of_birth",
        true,
        &["dob", "birth_date", "date_birth", "birthdate"],
    ),
    col(
        "postcode",
        true,
        &["home_postcode", "post_code", "postal_code"],
    ),
    col("gender", false, &["sex"]),
    col(
        "school_id",
        false,
        &[
            "school",
            "school_heat_id",
            "institution",
            "institution_id",
            "urn",
            "college",
        ],
    ),
    col(
        "year_group",
        false,
        &["year", "yeargroup", "year_group_at_activity"],
    ),
    col(
        "tracking_consent",
        false,
        &[
            "consent",
            "permission",
            "tracking_statement",
            "saw_tracking_statement",
        ],
    ),
];

const ACTIVITY_COLUMNS: &[Column] = &[
    col("activity_id", false, &["id", "activity_ref", "reference"]),
    col(
        "title",
        true,
        &[
            "programme_title",
            "activity_title",
            "name",
            "activity_name",
            "descriptor",
        ],
    ),
    col("category", false, &["activity_category"]),
    col("activity_type", true, &["type", "sub_type", "subtype"]),
    col(
        "start_date",
        true,
        &["start", "date", "activity_date", "date_from"],
    ),
    col("end_date", false, &["end", "date_to"]),
    col(
        "contact_hours",
        false,
        &["hours", "duration_hours", "contact_time"],
    ),
    col("sessions", false, &["number_of_sessions", "no_of_sessions"]),
    col(
        "delivery_mode",
        false,
        &["delivery", "mode", "delivery_method"],
    ),
    col("academic_year", false, &["year", "academic_year_filed"]),
    col("owner", false, &["owner_member", "member"]),
    col(
        "owner_is_uni_connect",
        false,
        &["uni_connect", "uni_connect_owner"],
    ),
    col("funding", false, &["funding_source", "funder"]),
    col(
        "collaborative",
        false,
        &["collaboration", "is_collaborative"],
    ),
    col(
        "partners",
        false,
        &["partner", "partner_hep", "delivery_partners"],
    ),
    col("shared_with", false, &["shared", "sharing"]),
    col(
        "beneficiaries",
        false,
        &["beneficiary", "beneficiary_institutions", "institutions"],
    ),
    col(
        "students_registered",
        false,
        &["registered_students", "students"],
    ),
    col(
        "unknown_beneficiary_headcount",
        false,
        &["headcount", "unknown_headcount"],
    ),
    col("year_groups", false, &["target_year_groups", "year_group"]),
];

const SCHOOL_COLUMNS: &[Column] = &[
    col(
        "institution_id",
        true,
        &["heat_id", "urn", "school_id", "id", "laestab", "ukprn"],
    ),
    col(
        "name",
        true,
        &["school_name", "institution_name", "school", "college"],
    ),
    col("postcode", true, &["post_code", "school_postcode"]),
    col(
        "phase",
        false,
        &["phase_of_education", "type_of_establishment", "school_type"],
    ),
];

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
            Template::Students => STUDENT_COLUMNS,
            Template::Activities => ACTIVITY_COLUMNS,
            Template::Schools => SCHOOL_COLUMNS,
        }
    }

    /// The template's column names, in output order.
    ///
    /// ```
    /// let c = heat_core::import::Template::Schools.column_names();
    /// assert_eq!(c, vec!["institution_id", "name", "postcode", "phase"]);
    /// ```
    pub fn column_names(self) -> Vec<&'static str> {
        self.columns().iter().map(|c| c.name).collect()
    }
}

/// Why a whole file cannot be imported (no row-level result is possible).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let e = validate_import(b"", Template::Schools, &ImportSettings::default()).unwrap_err();
/// assert_eq!((e.code(), e.to_string().as_str()), ("empty_file", "the file is empty"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
    /// Nothing in the file, or only a header.
    #[error("the file is empty")]
    Empty,
    /// Binary data (NUL bytes), not a CSV.
    #[error("the file is not text (binary data at byte {0}); save it as CSV")]
    Binary(usize),
    /// Larger than the configured limit.
    #[error("the file is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// File size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The text could not be decoded.
    #[error("the file's text cannot be read: {0}")]
    BadEncoding(String),
    /// The header row could not be read as CSV.
    #[error("the header row cannot be read: {0}")]
    BadHeader(String),
    /// The file cannot be opened or read.
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    /// Required columns are missing (with suggestions from the columns that are there).
    #[error("{template} file is missing required columns: {}", describe_missing(.missing))]
    MissingColumns {
        /// The template.
        template: &'static str,
        /// Missing column and, where one is close, the file's column that looks like it.
        missing: Vec<(String, Option<String>)>,
    },
}

fn describe_missing(missing: &[(String, Option<String>)]) -> String {
    missing
        .iter()
        .map(|(m, s)| match s {
            Some(s) => format!("{m} (is {s:?} meant to be {m}?)"),
            None => m.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl ImportFileError {
    /// Stable snake_case code.
    ///
    /// ```
    /// assert_eq!(heat_core::import::ImportFileError::Empty.code(), "empty_file");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ImportFileError::Empty => "empty_file",
            ImportFileError::Binary(_) => "binary_file",
            ImportFileError::TooLarge { .. } => "file_too_large",
            ImportFileError::BadEncoding(_) => "bad_encoding",
            ImportFileError::BadHeader(_) => "bad_header",
            ImportFileError::MissingColumns { .. } => "missing_columns",
            ImportFileError::Unreadable(_) => "unreadable_file",
        }
    }
}

/// One problem with one row (or, with `row` 0, with the header).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"urn,name,postcode,colour\n107956,,LS1 4AP,red\n", Template::Schools, &ImportSettings::default()).unwrap();
/// let e = &out.issues[1];
/// assert_eq!((e.row, e.column.as_str(), e.code), (1, "name", "missing"));
/// assert_eq!(e.message, "row 1, name: missing");
/// assert_eq!(out.issues[0].code, "unknown_column"); // row 0: the header
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportIssue {
    /// 1-based data row (the header is row 0; the first data row is row 1).
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
}

/// A cleaned row, in template column order.
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"name,urn,postcode\nLeeds High,107956,ls14ap\n", Template::Schools, &ImportSettings::default()).unwrap();
/// assert_eq!(out.rows[0].values, vec!["107956", "Leeds High", "LS1 4AP", ""]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CleanRow {
    /// 1-based data row it came from.
    pub row: usize,
    /// Values in [`Template::column_names`] order (blank where absent).
    pub values: Vec<String>,
}

/// Counts that reconcile: `rows_in == rows_ok + rows_with_errors`.
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let out = validate_import(b"name,urn,postcode\nA,107956,LS1 4AP\nB,x,LS1 4AP\n", Template::Schools, &ImportSettings::default()).unwrap();
/// let s = &out.summary;
/// assert_eq!((s.rows_in, s.rows_ok, s.rows_with_errors, s.encoding), (2, 1, 1, "utf-8"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// The template.
    pub template: &'static str,
    /// The encoding the file was read as.
    pub encoding: &'static str,
    /// Data rows read.
    pub rows_in: usize,
    /// Rows imported (warnings allowed).
    pub rows_ok: usize,
    /// Rows with at least one error (not imported).
    pub rows_with_errors: usize,
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
/// assert_eq!(out.columns, vec!["institution_id", "name", "postcode", "phase"]);
/// assert!(out.issues.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportOutcome {
    /// Template column names (the order of [`CleanRow::values`]).
    pub columns: Vec<&'static str>,
    /// Rows without errors, cleaned.
    pub rows: Vec<CleanRow>,
    /// Every error and warning, by row.
    pub issues: Vec<ImportIssue>,
    /// Counts.
    pub summary: ImportSummary,
}

/// Settings for imports.
///
/// ```
/// let s = heat_core::import::ImportSettings::default();
/// assert_eq!(s.max_bytes, 512 * 1024 * 1024);
/// assert!(s.check_duplicates);
/// ```
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Files larger than this are refused (default 512 MiB).
    pub max_bytes: usize,
    /// Academic year for the year-group check (students).
    pub academic_year: AcademicYear,
    /// Nation for year groups.
    pub nation: Nation,
    /// Rules for activity rows.
    pub activity: ActivitySettings,
    /// Flag likely duplicate students (warnings) with the duplicate matcher.
    pub check_duplicates: bool,
}

impl Default for ImportSettings {
    fn default() -> Self {
        ImportSettings {
            max_bytes: 512 * 1024 * 1024,
            academic_year: AcademicYear::new(2025),
            nation: Nation::England,
            activity: ActivitySettings::default(),
            check_duplicates: true,
        }
    }
}

/// Windows-1252 characters for bytes 0x80–0x9F (the rest of the high half is Latin-1).
const CP1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Decodes a file's bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or Windows-1252.
///
/// ```
/// use heat_core::import::decode;
/// assert_eq!(decode(b"\xEF\xBB\xBFname\n").unwrap(), ("name\n".to_string(), "utf-8-sig"));
/// assert_eq!(decode(b"Zo\xEB \x93x\x94").unwrap(), ("Zoë “x”".to_string(), "windows-1252"));
/// assert_eq!(decode(b"\xFF\xFEa\x00b\x00").unwrap(), ("ab".to_string(), "utf-16le"));
/// assert_eq!(decode(b"PK\x03\x04\x00\x00").unwrap_err().code(), "binary_file");
/// ```
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), ImportFileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .map(|s| (s, "utf-8-sig"))
            .map_err(|e| {
                ImportFileError::BadEncoding(format!(
                    "invalid UTF-8 at byte {}",
                    e.utf8_error().valid_up_to() + 3
                ))
            });
    }
    for (bom, le, name) in [
        (b"\xFF\xFE", true, "utf-16le"),
        (b"\xFE\xFF", false, "utf-16be"),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            if rest.len() % 2 != 0 {
                return Err(ImportFileError::BadEncoding(format!(
                    "{name} with an odd number of bytes (truncated?)"
                )));
            }
            let units = rest.chunks_exact(2).map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            return char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map(|s| (s, name))
                .map_err(|e| ImportFileError::BadEncoding(format!("{name}: {e}")));
        }
    }
    if let Some(at) = bytes.iter().take(1 << 16).position(|b| *b == 0) {
        return Err(ImportFileError::Binary(at));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "utf-8")),
        Err(_) => Ok((
            bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252[(b - 0x80) as usize],
                    _ => b as char,
                })
                .collect(),
            "windows-1252",
        )),
    }
}

fn header_key(h: &str) -> String {
    normalise_name(h.trim_start_matches('\u{FEFF}')).replace(' ', "_")
}

/// Reads a date the way spreadsheets leave them: text (`YYYY-MM-DD`, `DD/MM/YYYY`, with or without
/// a time) or an Excel serial day number (1900 date system).
///
/// ```
/// use heat_core::import::read_date;
/// assert_eq!(read_date("45000").unwrap().to_string(), "2023-03-15");
/// assert_eq!(read_date("2025-10-14 00:00:00").unwrap().to_string(), "2025-10-14");
/// assert_eq!(read_date("14/10/2025").unwrap().to_string(), "2025-10-14");
/// assert!(read_date("45000.5x").is_err());
/// ```
pub fn read_date(s: &str) -> Result<NaiveDate, crate::cohort::CohortError> {
    let t = s.trim();
    let whole = t.split('.').next().unwrap_or(t);
    let is_serial = !whole.is_empty()
        && whole.len() <= 6
        && whole.bytes().all(|b| b.is_ascii_digit())
        && t[whole.len()..]
            .trim_start_matches('.')
            .bytes()
            .all(|b| b.is_ascii_digit());
    if is_serial {
        if let Ok(n) = whole.parse::<i64>() {
            // Serial 60 is Excel's phantom 29 February 1900; day 1 is 1 January 1900.
            if (61..=2_958_465).contains(&n) {
                if let Some(base) = NaiveDate::from_ymd_opt(1899, 12, 30) {
                    return Ok(base + Duration::days(n));
                }
            }
        }
        return Err(crate::cohort::CohortError::BadDate);
    }
    parse_date(t)
}

struct RowCheck<'a> {
    row: usize,
    issues: &'a mut Vec<ImportIssue>,
}

impl RowCheck<'_> {
    fn push(&mut self, column: &str, code: &'static str, severity: Severity, why: String) {
        self.issues.push(ImportIssue {
            row: self.row,
            column: column.to_string(),
            code,
            severity,
            rule_id: None,
            message: format!("row {}, {column}: {why}", self.row),
        });
    }
    fn error(&mut self, column: &str, code: &'static str, why: String) {
        self.push(column, code, Severity::Error, why);
    }
    fn warn(&mut self, column: &str, code: &'static str, why: String) {
        self.push(column, code, Severity::Warning, why);
    }
}

/// Validates a bulk-import file against a template. `Err` only when the whole file cannot be read
/// (empty, binary, too large, undecodable, required columns missing); otherwise every data row is
/// in `rows` or has errors in `issues`.
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
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportFileError::BadHeader(e.to_string()))?
        .clone();
    let columns = template.columns();
    // Match file headers to template columns (exact name or alias, after normalising).
    let mut position: Vec<Option<usize>> = vec![None; columns.len()];
    let mut matched = Vec::new();
    let mut ignored = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let k = header_key(h);
        let hit = columns
            .iter()
            .position(|c| c.name == k || c.aliases.contains(&k.as_str()));
        match hit {
            Some(c) if position[c].is_none() => {
                position[c] = Some(i);
                matched.push((h.to_string(), columns[c].name.to_string()));
            }
            _ => ignored.push(h.to_string()),
        }
    }
    let suggest = |name: &str, aliases: &[&str], pool: &[String]| -> Option<String> {
        pool.iter()
            .map(|h| {
                let k = header_key(h);
                let score = std::iter::once(name)
                    .chain(aliases.iter().copied())
                    .map(|n| jaro_winkler(&k, n))
                    .fold(0.0, f64::max);
                (score, h)
            })
            .filter(|(s, _)| *s >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, h)| h.clone())
    };
    let missing: Vec<(String, Option<String>)> = columns
        .iter()
        .zip(&position)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| (c.name.to_string(), suggest(c.name, c.aliases, &ignored)))
        .collect();
    if !missing.is_empty() {
        return Err(ImportFileError::MissingColumns {
            template: template.name(),
            missing,
        });
    }
    let mut issues = Vec::new();
    for h in &ignored {
        let near = columns
            .iter()
            .zip(&position)
            .filter(|(_, p)| p.is_none())
            .find_map(|(c, _)| suggest(c.name, c.aliases, std::slice::from_ref(h)).map(|_| c.name));
        issues.push(ImportIssue {
            row: 0,
            column: h.clone(),
            code: "unknown_column",
            severity: Severity::Warning,
            rule_id: None,
            message: match near {
                Some(n) => format!("header: column {h:?} is not in the {} template and was ignored; did you mean {n}?", template.name()),
                None => format!("header: column {h:?} is not in the {} template and was ignored", template.name()),
            },
        });
    }

    let n_cols = headers.len();
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 1;
        let mut check = RowCheck {
            row,
            issues: &mut issues,
        };
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                check.error("-", "unreadable_row", format!("cannot be read as CSV: {e}"));
                rows.push((row, Vec::new()));
                continue;
            }
        };
        if rec.iter().all(|v| v.trim().is_empty()) && rec.len() <= 1 {
            // A blank line is not a row.
            continue;
        }
        if rec.len() != n_cols {
            check.error(
                "-",
                "wrong_field_count",
                format!(
                    "has {} fields, the header has {n_cols} (a truncated or shifted line?)",
                    rec.len()
                ),
            );
        }
        let values: Vec<String> = position
            .iter()
            .map(|p| p.and_then(|p| rec.get(p)).unwrap_or("").trim().to_string())
            .collect();
        rows.push((row, values));
    }
    // Every data row read (blank lines are not rows); unreadable ones have no values but count.
    let rows_in = rows.len();
    let mut cleaned: Vec<(usize, Vec<String>)> = Vec::with_capacity(rows.len());
    for (row, values) in rows {
        if values.is_empty() {
            continue;
        }
        let mut check = RowCheck {
            row,
            issues: &mut issues,
        };
        let clean = match template {
            Template::Students => clean_student(&values, &mut check, settings),
            Template::Activities => clean_activity(&values, &mut check, settings),
            Template::Schools => clean_school(&values, &mut check),
        };
        cleaned.push((row, clean));
    }
    if template == Template::Students && settings.check_duplicates {
        flag_duplicates(&cleaned, &mut issues);
    }
    let error_rows: HashSet<usize> = issues
        .iter()
        .filter(|e| e.severity == Severity::Error && e.row > 0)
        .map(|e| e.row)
        .collect();
    let rows: Vec<CleanRow> = cleaned
        .into_iter()
        .filter(|(r, _)| !error_rows.contains(r))
        .map(|(row, values)| CleanRow { row, values })
        .collect();
    issues.sort_by_key(|e| e.row);
    let summary = ImportSummary {
        template: template.name(),
        encoding,
        rows_in,
        rows_ok: rows.len(),
        rows_with_errors: error_rows.len(),
        warnings: issues
            .iter()
            .filter(|e| e.severity == Severity::Warning)
            .count(),
        errors: issues
            .iter()
            .filter(|e| e.severity == Severity::Error)
            .count(),
        columns_matched: matched,
        columns_ignored: ignored,
    };
    Ok(ImportOutcome {
        columns: template.column_names(),
        rows,
        issues,
        summary,
    })
}

/// [`validate_import`] on a file: refuses a file over the size limit before reading it, and a
/// binary file or one without the template's columns after reading only its first 64 KiB.
///
/// ```
/// use heat_core::import::{validate_import_file, ImportSettings, Template};
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
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    if (head.len() as u64) < size {
        // Check the start first, so garbage fails fast; the header must be in the first 64 KiB.
        let (text, _) = decode(&head[..head.len() - head.len() % 2])?;
        let first_line = text.lines().next().unwrap_or("");
        validate_import(
            format!("{first_line}\n").as_bytes(),
            template,
            &ImportSettings {
                check_duplicates: false,
                ..settings.clone()
            },
        )
        .map(|_| ())
        .or_else(|e| {
            if e.code() == "empty_file" {
                Ok(())
            } else {
                Err(e)
            }
        })?;
        file.read_to_end(&mut head).map_err(unreadable)?;
    }
    validate_import(&head, template, settings)
}

fn clean_student(v: &[String], c: &mut RowCheck<'_>, s: &ImportSettings) -> Vec<String> {
    let mut out = v.to_vec();
    for (i, name) in [(1, "first_name"), (2, "last_name")] {
        if v[i].is_empty() {
            c.error(name, "missing", "missing".into());
        }
    }
    let dob = if v[3].is_empty() {
        c.error("date_of_birth", "missing", "missing".into());
        None
    } else {
        match read_date(&v[3]) {
            Ok(d) => {
                out[3] = d.to_string();
                Some(d)
            }
            Err(e) => {
                c.error("date_of_birth", e.code(), format!("{:?}: {e}", v[3]));
                None
            }
        }
    };
    if v[4].is_empty() {
        c.error("postcode", "missing", "missing".into());
    } else {
        match crate::postcode::normalise(&v[4]) {
            Ok(p) => out[4] = p,
            Err(e) => match crate::postcode::fix(&v[4]) {
                Ok(f) => {
                    out[4] = f.postcode.as_str().to_string();
                    c.warn(
                        "postcode",
                        "fixed",
                        format!("{:?} read as {} ({e})", v[4], out[4]),
                    );
                }
                Err(_) => c.error("postcode", e.code(), format!("{:?}: {e}", v[4])),
            },
        }
    }
    if !v[5].is_empty() {
        match Gender::parse(&v[5]) {
            Some(Gender::Male) => out[5] = "M".into(),
            Some(Gender::Female) => out[5] = "F".into(),
            Some(Gender::Other)
                if v[5]
                    .chars()
                    .all(|ch| ch.is_alphabetic() || ch == ' ' || ch == '-')
                    && v[5].len() > 1 =>
            {
                out[5] = "X".into()
            }
            _ => c.warn(
                "gender",
                "unknown_gender",
                format!(
                    "{:?} is not a gender heatkit reads (M, F or another word)",
                    v[5]
                ),
            ),
        }
    }
    if !v[6].is_empty()
        && !v[6]
            .trim_start_matches('#')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        c.warn(
            "school_id",
            "bad_school_id",
            format!("{:?} is not a HEAT id, URN or LAESTAB (digits)", v[6]),
        );
    }
    if !v[7].is_empty() {
        match clean_year_group(&v[7], s.nation) {
            Ok(g) => {
                out[7] = crate::cohort::YearGroupOutcome::of_number(g, s.nation).label(s.nation);
                if let Some(d) = dob {
                    let p = check_year_group(d, g, s.academic_year, s.nation);
                    if p.code() != "fits" {
                        c.warn(
                            "year_group",
                            "year_group_mismatch",
                            format!(
                                "{:?} does not fit the date of birth in {} ({})",
                                v[7],
                                s.academic_year,
                                p.code()
                            ),
                        );
                    }
                }
            }
            Err(e) => c.warn("year_group", e.code(), format!("{:?}: {e}", v[7])),
        }
    }
    if !v[8].is_empty() {
        match v[8].to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" => out[8] = "yes".into(),
            "n" | "no" | "false" | "0" => out[8] = "no".into(),
            _ => c.warn(
                "tracking_consent",
                "bad_consent",
                format!("{:?} is not yes or no", v[8]),
            ),
        }
    }
    out
}

fn clean_activity(v: &[String], c: &mut RowCheck<'_>, s: &ImportSettings) -> Vec<String> {
    let mut out = v.to_vec();
    let opt = |i: usize| (!v[i].is_empty()).then(|| v[i].clone());
    let list = |i: usize| -> Vec<String> {
        v[i].split(['|', ';'])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    let flag = |i: usize| {
        matches!(
            v[i].to_ascii_lowercase().as_str(),
            "y" | "yes" | "true" | "1"
        )
    };
    // Dates: Excel serials become ISO text before the rules read them.
    for i in [4, 5] {
        if let Ok(d) = read_date(&v[i]) {
            out[i] = d.to_string();
        }
    }
    let number = |i: usize, c: &mut RowCheck<'_>, name: &str| -> Option<u32> {
        if v[i].is_empty() {
            return None;
        }
        v[i].parse()
            .map_err(|_| {
                c.error(
                    name,
                    "bad_number",
                    format!("{:?} is not a whole number", v[i]),
                )
            })
            .ok()
    };
    let students = number(17, c, "students_registered").unwrap_or(0);
    let headcount = number(18, c, "unknown_beneficiary_headcount");
    let mut beneficiaries = Vec::new();
    for b in list(16) {
        let (inst, count) = match b.split_once(':') {
            Some((i, n)) => (i.trim().to_string(), Some(n.trim())),
            None => (b.clone(), None),
        };
        let headcount = match count {
            None => None,
            Some(n) => match n.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    c.error(
                        "beneficiaries",
                        "bad_number",
                        format!("headcount {n:?} for {inst:?} is not a whole number"),
                    );
                    None
                }
            },
        };
        beneficiaries.push(Beneficiary {
            institution: inst,
            headcount,
        });
    }
    let input = ActivityInput {
        id: v[0].clone(),
        title: opt(1),
        category: opt(2),
        activity_type: opt(3),
        start_date: (!out[4].is_empty()).then(|| out[4].clone()),
        end_date: (!out[5].is_empty()).then(|| out[5].clone()),
        contact_hours: opt(6),
        sessions: opt(7),
        delivery_mode: opt(8),
        academic_year: opt(9),
        owner: opt(10),
        owner_is_uni_connect: flag(11),
        funding: opt(12),
        collaborative: flag(13),
        partners: list(14),
        shared_with: list(15),
        beneficiaries,
        students_registered: students,
        unknown_beneficiary_headcount: headcount,
        year_groups: list(19),
    };
    for violation in validate_activity(&input, &s.activity) {
        let column = match violation.field {
            "unknown_beneficiary_headcount" if headcount.is_none() => "beneficiaries",
            f => f,
        };
        c.push(
            column,
            violation.code,
            violation.severity,
            violation.message,
        );
        if let Some(last) = c.issues.last_mut() {
            last.rule_id = Some(violation.rule_id);
        }
    }
    out
}

fn clean_school(v: &[String], c: &mut RowCheck<'_>) -> Vec<String> {
    let mut out = v.to_vec();
    let id = v[0].trim_start_matches('#');
    if id.is_empty() {
        c.error("institution_id", "missing", "missing".into());
    } else if !id.bytes().all(|b| b.is_ascii_digit()) || !(6..=8).contains(&id.len()) {
        c.error(
            "institution_id",
            "bad_institution_id",
            format!(
                "{:?} is not a HEAT id, URN (6 digits), LAESTAB (7) or UKPRN (8)",
                v[0]
            ),
        );
    }
    if v[1].is_empty() {
        c.error("name", "missing", "missing".into());
    }
    if v[2].is_empty() {
        c.error("postcode", "missing", "missing".into());
    } else {
        match crate::postcode::normalise(&v[2]) {
            Ok(p) => out[2] = p,
            Err(e) => c.error("postcode", e.code(), format!("{:?}: {e}", v[2])),
        }
    }
    out
}

/// Warnings for rows that are likely the same student as an earlier row (duplicate matcher).
fn flag_duplicates(rows: &[(usize, Vec<String>)], issues: &mut Vec<ImportIssue>) {
    let students: Vec<StudentRef<'_>> = rows
        .iter()
        .map(|(_, v)| StudentRef {
            first_name: Some(v[1].as_str()),
            last_name: Some(v[2].as_str()),
            dob: parse_date(&v[3]).ok(),
            postcode: Some(v[4].as_str()),
            gender: Some(v[5].as_str()),
            school: Some(v[6].as_str()),
        })
        .collect();
    let Ok(run) = Matcher::new(MatchSettings::default()).dedupe(&students) else {
        return;
    };
    let mut seen = HashSet::new();
    for p in run.matches() {
        let (a, b) = (rows[p.left as usize].0, rows[p.right as usize].0);
        if seen.insert(b) {
            issues.push(ImportIssue {
                row: b,
                column: "student".into(),
                code: "likely_duplicate",
                severity: Severity::Warning,
                rule_id: None,
                message: format!(
                    "row {b}: likely the same student as row {a} (match probability {:.3})",
                    p.probability
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn students(text: &str) -> Result<ImportOutcome, ImportFileError> {
        validate_import(
            text.as_bytes(),
            Template::Students,
            &ImportSettings::default(),
        )
    }

    #[test]
    fn bad_files_give_clear_errors() {
        assert_eq!(students("").unwrap_err().code(), "empty_file");
        assert_eq!(students(" \n\n").unwrap_err().code(), "empty_file");
        let e = students("Frist Name,Surname,DOB,Postcode\n").unwrap_err();
        assert_eq!(e.code(), "missing_columns");
        assert_eq!(e.to_string(), "students file is missing required columns: first_name (is \"Frist Name\" meant to be first_name?)");
        let garbage: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        assert!(matches!(
            validate_import(&garbage, Template::Students, &ImportSettings::default())
                .unwrap_err()
                .code(),
            "binary_file" | "missing_columns" | "bad_header"
        ));
        let small = ImportSettings {
            max_bytes: 10,
            ..Default::default()
        };
        assert_eq!(
            validate_import(b"first_name,last_name\n", Template::Students, &small)
                .unwrap_err()
                .code(),
            "file_too_large"
        );
        assert_eq!(decode(b"\xFF\xFEa").unwrap_err().code(), "bad_encoding");
    }

    #[test]
    fn large_and_garbage_files_fail_fast() {
        let dir = std::env::temp_dir().join(format!("heatkit_import_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A sparse 1 GiB file: refused on its size, never read.
        let big = dir.join("big.csv");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let e =
            validate_import_file(&big, Template::Students, &ImportSettings::default()).unwrap_err();
        assert_eq!(e.code(), "file_too_large");
        // 3 MB of printable garbage: refused on its header after reading 64 KiB.
        let junk: String = (0..3_000_000u32)
            .map(|i| (b'!' + ((i.wrapping_mul(2_654_435_761) >> 26) as u8 % 90)) as char)
            .collect();
        let path = dir.join("junk.csv");
        std::fs::write(&path, junk).unwrap();
        let e = validate_import_file(&path, Template::Students, &ImportSettings::default())
            .unwrap_err();
        assert_eq!(e.code(), "missing_columns");
        // Zeros (a sparse or corrupted file under the limit): binary.
        let zeros = dir.join("zeros.csv");
        std::fs::File::create(&zeros)
            .unwrap()
            .set_len(200_000)
            .unwrap();
        assert_eq!(
            validate_import_file(&zeros, Template::Students, &ImportSettings::default())
                .unwrap_err()
                .code(),
            "binary_file"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_row_is_accounted_for() {
        let text = "first_name,last_name,dob,postcode,year_group,Notes\n\
                    Ann,Lee,01/09/2010,LS1 4AP,Year 10,x\n\
                    Bob,Ray,2010-13-01,LS1 4AP\n\
                    \n\
                    Cat,Day,2011-01-01,5W1A 1AA,Y10,,extra\n\
                    Dan,Eve,2011-02-02,SW1A 1AA,Year 9,\n";
        let out = students(text).unwrap();
        let s = &out.summary;
        assert_eq!((s.rows_in, s.rows_ok, s.rows_with_errors), (4, 2, 2));
        assert_eq!(s.rows_in, s.rows_ok + s.rows_with_errors);
        assert_eq!(s.columns_ignored, vec!["Notes"]);
        let got: Vec<(usize, &str, &str)> = out
            .issues
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "Notes", "unknown_column"),
                (2, "-", "wrong_field_count"),
                (2, "date_of_birth", "bad_date"),
                (3, "-", "wrong_field_count"),
                (3, "postcode", "fixed"),
                (4, "year_group", "year_group_mismatch"),
            ]
        );
        assert_eq!(
            out.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            vec![1, 4]
        );
        assert_eq!(out.rows[0].values[7], "Year 10");
        assert_eq!(out.rows[1].values[4], "SW1A 1AA");
    }

    #[test]
    fn windows_1252_and_utf16_files() {
        let mut bytes = b"first_name,last_name,dob,postcode\n".to_vec();
        bytes.extend_from_slice(b"Zo\xEB,O\x92Brien,2010-01-01,LS1 4AP\n");
        let out = validate_import(&bytes, Template::Students, &ImportSettings::default()).unwrap();
        assert_eq!(out.summary.encoding, "windows-1252");
        assert_eq!(out.rows[0].values[1], "Zoë");
        assert_eq!(out.rows[0].values[2], "O’Brien");
        let text = "first_name,last_name,dob,postcode\nÅsa,Ng,2010-01-01,LS1 4AP\n";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let out = validate_import(&utf16, Template::Students, &ImportSettings::default()).unwrap();
        assert_eq!(
            (out.summary.encoding, out.rows[0].values[1].as_str()),
            ("utf-16le", "Åsa")
        );
    }

    #[test]
    fn duplicates_are_flagged_not_dropped() {
        let text = "first_name,last_name,dob,postcode\nAmelia,Khan,2010-03-01,LS1 4AP\nMillie,KHAN,01/03/2010,ls14ap\n";
        let out = students(text).unwrap();
        assert_eq!(out.summary.rows_ok, 2);
        let dup: Vec<&ImportIssue> = out
            .issues
            .iter()
            .filter(|e| e.code == "likely_duplicate")
            .collect();
        assert_eq!(dup.len(), 1);
        assert_eq!(dup[0].row, 2);
        assert!(dup[0]
            .message
            .starts_with("row 2: likely the same student as row 1"));
    }

    #[test]
    fn activities_and_schools_templates() {
        let text = "Title,Type,Start Date,End Date,Contact Hours,Beneficiaries,Students Registered,Year Groups\n\
                    Masterclass,Masterclass,45944,,2,100001,25,Year 10|Year 11\n\
                    ,Quidditch,2025-10-14,2025-10-13,x,,,\n\
                    Talk,HE talk,2025-11-01,,1,052923:60,,Y9\n";
        let out = validate_import(
            text.as_bytes(),
            Template::Activities,
            &ImportSettings::default(),
        )
        .unwrap();
        assert_eq!((out.summary.rows_ok, out.summary.rows_with_errors), (2, 1));
        assert_eq!(out.rows[0].values[4], "2025-10-14");
        let row2: Vec<&str> = out
            .issues
            .iter()
            .filter(|e| e.row == 2)
            .map(|e| e.code)
            .collect();
        assert_eq!(
            row2,
            vec![
                "missing_title",
                "unknown_type",
                "end_before_start",
                "bad_contact_hours",
                "no_beneficiaries"
            ]
        );
        let schools = "URN,School Name,Postcode\n107956,Leeds High,LS1 4AP\nABC,,LS1\n";
        let out = validate_import(
            schools.as_bytes(),
            Template::Schools,
            &ImportSettings::default(),
        )
        .unwrap();
        let codes: Vec<&str> = out.issues.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["bad_institution_id", "missing", "too_short"]);
        assert_eq!(out.summary.rows_ok, 1);
    }
}
