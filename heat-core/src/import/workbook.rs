//! Spreadsheets in: `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods` workbooks, read with the
//! `calamine` crate. The sheet is the one named in [`ImportSettings::sheet`], or else the first
//! whose header row matches the template; the header row may sit below title rows (up to
//! [`MAX_TITLE_ROWS`]). Cells become text the field readers take: dates stored as dates come out
//! as `YYYY-MM-DD`, whole numbers without `.0`, formulas as their cached values, error cells as
//! their text (`#N/A`, which the field readers then refuse). Row numbers are the sheet's own.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader};

use super::headers::HeaderMap;
use super::{
    validate_table_at, ImportFileError, ImportOutcome, ImportSettings, Layout, Record, Template,
};

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
/// Cells are placed by their column from `A`; a header cell left blank is no column (values under
/// it, or past the last header, are reported as `unnamed_column`). An `.xlsx` sheet is read on a
/// thread of its own while the rows already read are checked, so the whole sheet is never held.
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
        let streamed = match &mut book {
            calamine::Sheets::Xlsx(xlsx) => validate_streamed(xlsx, name, template, settings),
            _ => Err(ReadStop::OutOfOrder),
        };
        let checked = match streamed {
            Ok(checked) => checked,
            Err(ReadStop::Failed(e)) => {
                return Err(ImportFileError::BadWorkbook(format!("sheet {name:?}: {e}")))
            }
            // Rows stored out of order (or not an xlsx sheet): read whole, then checked.
            Err(_) => {
                let range = range_of(&mut book, name)?;
                validate_rows(rows_of_range(&range), template, settings, format)
            }
        };
        match checked? {
            Ok(mut outcome) => {
                outcome.summary.sheet = Some(name.clone());
                return Ok(outcome);
            }
            Err(missing) => {
                first_missing.get_or_insert(missing);
            }
        }
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

/// One row of a sheet: its spreadsheet row and its cells as text, from column `A` to its last
/// filled cell.
type SheetRow = (usize, Vec<String>);

/// A sheet's rows checked against a template: the outcome, or (no header row among the first
/// rows) the columns missing from the row that came closest.
type Checked = Result<Result<ImportOutcome, Missing>, ImportFileError>;

/// Checks a sheet's rows (from its first filled row, blank rows inside kept) against a template.
fn validate_rows(
    rows: impl Iterator<Item = SheetRow> + Send,
    template: Template,
    settings: &ImportSettings,
    format: &'static str,
) -> Checked {
    let mut rows = rows;
    let head: Vec<SheetRow> = rows.by_ref().take(MAX_TITLE_ROWS + 1).collect();
    let cells: Vec<Vec<String>> = head.iter().map(|(_, c)| c.clone()).collect();
    let at = match find_header(&cells, template) {
        Ok(at) => at,
        Err(missing) => return Ok(Err(missing)),
    };
    let (header_row, mut headers) = cells
        .into_iter()
        .nth(at)
        .map_or((0, Vec::new()), |h| (head[at].0, h));
    while headers.last().is_some_and(|h| h.trim().is_empty()) {
        headers.pop();
    }
    let records = head
        .into_iter()
        .skip(at + 1)
        .chain(rows)
        .map(|(row, cells)| -> Record { (row, Ok(cells)) });
    validate_table_at(
        &headers,
        header_row,
        records,
        template,
        settings,
        format,
        Layout::Cells,
    )
    .map(Ok)
}

/// A range's rows with their spreadsheet row numbers, each cell in its column from `A`.
fn rows_of_range(range: &Range<Data>) -> impl Iterator<Item = SheetRow> + '_ {
    let (first_row, first_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    range.rows().enumerate().map(move |(i, cells)| {
        let mut text = vec![String::new(); first_col];
        text.extend(cells.iter().map(cell_text));
        while text.last().is_some_and(String::is_empty) {
            text.pop();
        }
        (first_row + i + 1, text)
    })
}

/// Rows sent from the reading thread at a time.
const STREAM_BATCH: usize = 4096;

/// Reads an `.xlsx` sheet on a thread of its own, sending its rows in batches, while this thread
/// checks them (the reader parses XML on one core; the checks use the others).
fn validate_streamed(
    xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
    template: Template,
    settings: &ImportSettings,
) -> Result<Checked, ReadStop> {
    let (send, batches) = std::sync::mpsc::sync_channel::<Vec<SheetRow>>(8);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_xlsx_rows(xlsx, name, send));
        let rows = batches.into_iter().flatten();
        let checked = validate_rows(rows, template, settings, "xlsx");
        // The reader stops at its next batch once the rows are no longer wanted.
        match reader.join() {
            Ok(Ok(()) | Err(ReadStop::NotWanted)) => Ok(checked),
            Ok(Err(stop)) => Err(stop),
            Err(_) => Err(ReadStop::Failed(
                "the sheet reader stopped unexpectedly".into(),
            )),
        }
    })
}

/// Why reading a sheet as a stream stopped early.
enum ReadStop {
    /// Its rows are stored out of order (or it is not an `.xlsx` sheet): to be read whole.
    OutOfOrder,
    /// Its data could not be read (the reader's message).
    Failed(String),
    /// The rows were no longer wanted (no header row in the sheet).
    NotWanted,
}

/// Sends an `.xlsx` sheet's rows (from its first filled row, blank rows inside sent empty) in
/// batches, as [`rows_of_range`] gives them from the whole sheet.
fn read_xlsx_rows(
    xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
    send: std::sync::mpsc::SyncSender<Vec<SheetRow>>,
) -> Result<(), ReadStop> {
    let failed = |e: calamine::XlsxError| ReadStop::Failed(e.to_string());
    let mut cells = xlsx.worksheet_cells_reader(name).map_err(failed)?;
    let mut batch: Vec<SheetRow> = Vec::with_capacity(STREAM_BATCH);
    let mut current: Option<SheetRow> = None;
    let push = |batch: &mut Vec<SheetRow>, row: SheetRow| -> Result<(), ReadStop> {
        batch.push(row);
        if batch.len() >= STREAM_BATCH {
            let full = std::mem::replace(batch, Vec::with_capacity(STREAM_BATCH));
            send.send(full).map_err(|_| ReadStop::NotWanted)?;
        }
        Ok(())
    };
    while let Some(cell) = cells.next_cell().map_err(failed)? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize + 1, c as usize);
        // A cell holding empty text still places its row in the sheet, as in a whole range.
        let text = match cell.get_value() {
            calamine::DataRef::Empty => continue,
            calamine::DataRef::SharedString(s) => s.to_string(),
            calamine::DataRef::String(s) => s.clone(),
            other => cell_text(&Data::from(other.clone())),
        };
        let row = match &mut current {
            Some((at, row)) if *at == r => row,
            Some((at, _)) if *at > r => return Err(ReadStop::OutOfOrder),
            _ => {
                if let Some((at, done)) = current.take() {
                    push(&mut batch, (at, done))?;
                    for blank in at + 1..r {
                        push(&mut batch, (blank, Vec::new()))?;
                    }
                }
                &mut current.insert((r, Vec::new())).1
            }
        };
        if text.is_empty() {
            continue;
        }
        if row.len() <= c {
            row.resize(c + 1, String::new());
        } else if !row[c].is_empty() {
            return Err(ReadStop::OutOfOrder);
        }
        row[c] = text;
    }
    if let Some(last) = current.take() {
        push(&mut batch, last)?;
    }
    if !batch.is_empty() {
        send.send(batch).map_err(|_| ReadStop::NotWanted)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook's sheet read as a stream, all of it.
    fn streamed(bytes: &[u8], sheet: &str) -> Result<Vec<SheetRow>, &'static str> {
        let (mut book, _) = open(bytes).unwrap();
        let calamine::Sheets::Xlsx(xlsx) = &mut book else {
            panic!("not an xlsx")
        };
        let (send, batches) = std::sync::mpsc::sync_channel(1 << 20);
        match read_xlsx_rows(xlsx, sheet, send) {
            Ok(()) => Ok(batches.try_iter().flatten().collect()),
            Err(ReadStop::OutOfOrder) => Err("out of order"),
            Err(ReadStop::Failed(_)) => Err("failed"),
            Err(ReadStop::NotWanted) => Err("not wanted"),
        }
    }

    fn whole(bytes: &[u8], sheet: &str) -> Vec<SheetRow> {
        let (mut book, _) = open(bytes).unwrap();
        rows_of_range(&range_of(&mut book, sheet).unwrap()).collect()
    }

    #[test]
    fn a_sheet_read_as_a_stream_gives_the_rows_of_the_whole_range() {
        use rust_xlsxwriter::{Format, Formula, Workbook};
        let mut book = Workbook::new();
        let ws = book.add_worksheet().set_name("S").unwrap();
        // A title in C2, the header from B4, a gap, a blank-but-formatted row, a stray value far
        // right, numbers, a boolean and a formula's cached value.
        ws.write_string(1, 2, "Title").unwrap();
        for (c, h) in ["first", "last", "dob"].iter().enumerate() {
            ws.write_string(3, c as u16 + 1, *h).unwrap();
        }
        ws.write_string(4, 1, "Zoë").unwrap();
        ws.write_number(4, 3, 40787.0).unwrap();
        ws.write_boolean(4, 4, true).unwrap();
        ws.write_blank(6, 2, &Format::new().set_bold()).unwrap();
        ws.write_string(7, 1, "Ann").unwrap();
        ws.write_string(8, 9, "stray").unwrap();
        ws.write_formula(9, 1, Formula::new("=1+1").set_result("2"))
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = streamed(&bytes, "S").unwrap();
        assert_eq!(rows, whole(&bytes, "S"));
        let text = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows,
            [
                (2, text(&["", "", "Title"])),
                (3, vec![]),
                (4, text(&["", "first", "last", "dob"])),
                (5, text(&["", "Zoë", "", "40787", "TRUE"])),
                (6, vec![]),
                (7, vec![]),
                (8, text(&["", "Ann"])),
                (9, text(&["", "", "", "", "", "", "", "", "", "stray"])),
                (10, text(&["", "2"])),
            ]
        );
    }

    /// A real workbook nobody here wrote (../shared: Scotland's SIMD 2020v2), streamed.
    #[test]
    fn a_published_workbook_streams_as_its_whole_range() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/areas/SIMD+2020v2+-+ranks.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let rows = streamed(&bytes, "SIMD 2020v2 ranks").unwrap();
        assert_eq!(rows.len(), 6_977);
        assert_eq!(rows, whole(&bytes, "SIMD 2020v2 ranks"));
    }

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
