//! Spreadsheets in: `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods` workbooks, read with the
//! `calamine` crate. The sheet is the one named in [`ImportSettings::sheet`], or else the first
//! whose header row matches the template; the header row may sit below title rows (up to
//! [`MAX_TITLE_ROWS`]). Cells become text the field readers take: dates stored as dates come out
//! as `YYYY-MM-DD`, whole numbers without `.0`, formulas as their cached values, error cells as
//! their text (`#N/A`, which the field readers then refuse). Row numbers are the sheet's own.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader};

use super::headers::HeaderMap;
use super::{validate_table_at, ImportFileError, ImportOutcome, ImportSettings, Record, Template};

/// How many rows above the header a sheet may hold (a title, a date, a blank line…).
pub const MAX_TITLE_ROWS: usize = 30;

/// The workbook formats heatkit reads, by file extension (lower case).
pub const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether a file is a workbook rather than text: its extension, or its first bytes (a zip
/// archive, as `.xlsx`/`.xlsm`/`.xlsb`/`.ods` are, or an OLE compound file, as `.xls` and
/// password-protected workbooks are).
///
/// ```
/// use heat_core::import::is_workbook;
/// use std::path::Path;
/// assert!(is_workbook(Path::new("Students 2026.XLSX"), b""));
/// assert!(is_workbook(Path::new("export.csv"), b"PK\x03\x04rest"));
/// assert!(!is_workbook(Path::new("export.csv"), b"First name,Surname\n"));
/// ```
pub fn is_workbook(path: &std::path::Path, head: &[u8]) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    by_name || head.starts_with(b"PK\x03\x04") || head.starts_with(&OLE_MAGIC)
}

/// The first bytes of an OLE compound file (`.xls`, and any workbook saved with a password).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether an OLE file holds an encrypted Office document (the `EncryptedPackage` stream a
/// password-protected `.xlsx` is saved as).
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.starts_with(&OLE_MAGIC) && bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// A cell as the text a field reader takes.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if !d.is_duration() => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => number_text(d.as_f64()),
        },
        Data::DateTime(d) => number_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as a person typed it: whole numbers without a decimal point.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Required columns not found, each with the file header that looks like it.
type Missing = Vec<(String, Option<String>)>;

/// The header row of a sheet: its 0-based index in `rows` and its map, or (when none matches)
/// the row that came closest and what it lacks.
pub(crate) fn find_header(rows: &[Vec<String>], template: Template) -> Result<usize, Missing> {
    let columns = template.columns();
    let mut best: Option<(usize, Missing)> = None;
    for (i, cells) in rows.iter().enumerate().take(MAX_TITLE_ROWS + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let map = HeaderMap::build(cells, columns);
        let missing = map.missing(columns);
        if missing.is_empty() {
            return Ok(i);
        }
        let found = map.matched.len();
        if best.as_ref().is_none_or(|(n, _)| found > *n) {
            best = Some((found, missing));
        }
    }
    Err(best
        .map(|(_, m)| m)
        .unwrap_or_else(|| HeaderMap::build(&[], columns).missing(columns)))
}

/// The first rows of a range as text (enough to find the header).
fn head_rows(range: &Range<Data>) -> Vec<Vec<String>> {
    range
        .rows()
        .take(MAX_TITLE_ROWS + 1)
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

type Book<'a> = calamine::Sheets<Cursor<&'a [u8]>>;

/// Opens a workbook's bytes, and names its format.
fn open(bytes: &[u8]) -> Result<(Book<'_>, &'static str), ImportFileError> {
    if is_encrypted_package(bytes) {
        return Err(ImportFileError::ProtectedWorkbook);
    }
    let book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| match e {
        calamine::Error::Xls(calamine::XlsError::Password)
        | calamine::Error::Ods(calamine::OdsError::Password) => ImportFileError::ProtectedWorkbook,
        e => ImportFileError::BadWorkbook(e.to_string()),
    })?;
    let format = match &book {
        calamine::Sheets::Xlsx(_) => "xlsx",
        calamine::Sheets::Xlsb(_) => "xlsb",
        calamine::Sheets::Xls(_) => "xls",
        calamine::Sheets::Ods(_) => "ods",
    };
    Ok((book, format))
}

/// The sheet called `want` (exactly, else ignoring case).
fn choose(names: &[String], want: &str) -> Result<String, ImportFileError> {
    names
        .iter()
        .find(|n| n.as_str() == want)
        .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(want)))
        .cloned()
        .ok_or_else(|| ImportFileError::UnknownSheet {
            sheet: want.to_string(),
            sheets: names.to_vec(),
        })
}

fn range_of(book: &mut Book<'_>, name: &str) -> Result<Range<Data>, ImportFileError> {
    book.worksheet_range(name)
        .map_err(|e| ImportFileError::BadWorkbook(format!("sheet {name:?}: {e}")))
}

/// The names of a workbook's sheets, in order.
pub(crate) fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, ImportFileError> {
    open(bytes).map(|(book, _)| book.sheet_names())
}

/// One sheet of a workbook as text: its name, the workbook's format (`xlsx`, `xlsb`, `xls`,
/// `ods`), and its rows with their spreadsheet row numbers (blank rows above the first filled
/// one left out; rows inside the sheet kept, blank or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetText {
    /// The sheet's name.
    pub name: String,
    /// The workbook's format.
    pub format: &'static str,
    /// (spreadsheet row, cells as text), top to bottom.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads one sheet of a workbook (the one named, else the first) as text, cells read as
/// [`validate_workbook`] reads them: for look-up tables that follow no upload template.
///
/// ```
/// use heat_core::import::read_sheet;
/// use heat_core::HeatError;
/// assert_eq!(read_sheet(b"not a workbook", None).unwrap_err().code(), "bad_workbook");
/// ```
pub fn read_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<SheetText, ImportFileError> {
    let (mut book, format) = open(bytes)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(want) => choose(&names, want)?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| ImportFileError::BadWorkbook("it has no sheets".into()))?,
    };
    let range = range_of(&mut book, &name)?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells.iter().map(cell_text).collect()))
        .collect();
    Ok(SheetText { name, format, rows })
}

/// Validates a workbook's bytes against a template (see the module docs). `Err` when the
/// workbook cannot be opened (corrupt, password-protected), the chosen sheet is not there, or no
/// sheet has the template's header.
///
/// ```
/// use heat_core::import::{validate_workbook, ImportSettings, Template};
/// use heat_core::HeatError;
/// let e = validate_workbook(b"PK\x03\x04not really a zip", Template::Students, &ImportSettings::default()).unwrap_err();
/// assert_eq!(e.code(), "bad_workbook");
/// ```
pub fn validate_workbook(
    bytes: &[u8],
    template: Template,
    settings: &ImportSettings,
) -> Result<ImportOutcome, ImportFileError> {
    let (mut book, format) = open(bytes)?;
    let names = book.sheet_names();
    let candidates = match &settings.sheet {
        Some(want) => vec![choose(&names, want)?],
        None => names.clone(),
    };
    let mut first_missing = None;
    for name in &candidates {
        let range = range_of(&mut book, name)?;
        let head = head_rows(&range);
        let header = match find_header(&head, template) {
            Ok(i) => i,
            Err(missing) => {
                first_missing.get_or_insert(missing);
                continue;
            }
        };
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let header_row = first_row + header + 1;
        let headers = head[header].clone();
        let records = range
            .rows()
            .enumerate()
            .skip(header + 1)
            .map(|(i, cells)| -> Record {
                (first_row + i + 1, Ok(cells.iter().map(cell_text).collect()))
            });
        let mut outcome =
            validate_table_at(&headers, header_row, records, template, settings, format)?;
        outcome.summary.sheet = Some(name.clone());
        return Ok(outcome);
    }
    let missing = first_missing.unwrap_or_default();
    if candidates.len() == 1 {
        Err(ImportFileError::MissingColumns {
            template: template.name(),
            missing,
        })
    } else {
        Err(ImportFileError::NoHeaderRow {
            template: template.name(),
            sheets: candidates,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_a_person_typed_them() {
        assert_eq!(cell_text(&Data::Float(107956.0)), "107956");
        assert_eq!(cell_text(&Data::Float(0.5)), "0.5");
        assert_eq!(cell_text(&Data::Int(-3)), "-3");
        assert_eq!(cell_text(&Data::String(" Zoë ".into())), " Zoë ");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2011-02-03".into())),
            "2011-02-03"
        );
    }
}
