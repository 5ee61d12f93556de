//! Spreadsheets in: `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods` workbooks, read with the
//! `calamine` crate. The sheet is the one named in [`ImportSettings::sheet`], or else the first
//! whose header row matches the template; the header row may sit below title rows (up to
//! [`MAX_TITLE_ROWS`]). Cells become text the field readers take: dates stored as dates come out
//! as `YYYY-MM-DD`, whole numbers without `.0`, formulas as their cached values, error cells as
//! their text (`#N/A`, which the field readers then refuse). Row numbers are the sheet's own.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::format::OLE_MAGIC;
use super::headers::{find_header, Missing, MAX_TITLE_ROWS};
use super::limits::cut;
use super::table::SheetText;
use super::xls_span::check_xls;
use super::zip_parts::{check_zip, ZipKind};
use super::{
    column_letter, validate_table_at, ImportFileError, ImportIssue, ImportLimits, ImportOutcome,
    ImportSettings, Layout, Record, Template, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS,
};

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

type Book<'a> = calamine::Sheets<Cursor<&'a [u8]>>;

/// Runs a workbook reader's step, turning a panic inside it (a reader bug on a malformed file)
/// into an error: a damaged upload must never take down the service that reads it.
fn guarded<T>(step: impl FnOnce() -> Result<T, ImportFileError>) -> Result<T, ImportFileError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|_| {
        Err(ImportFileError::BadWorkbook(
            "the workbook reader failed on its contents".into(),
        ))
    })
}

/// Opens a workbook's bytes, and names its format. A zipped workbook is first held to
/// `limits` ([`super::limits`]) and opened as the format its parts name.
fn open<'a>(
    bytes: &'a [u8],
    limits: &ImportLimits,
) -> Result<(Book<'a>, &'static str), ImportFileError> {
    if is_encrypted_package(bytes) {
        return Err(ImportFileError::ProtectedWorkbook);
    }
    let kind = if bytes.starts_with(&OLE_MAGIC) {
        check_xls(bytes)?;
        None
    } else {
        Some(check_zip(bytes, limits)?)
    };
    let bad = |e: &dyn std::fmt::Display| ImportFileError::BadWorkbook(e.to_string());
    guarded(|| {
        let cursor = Cursor::new(bytes);
        Ok(match kind {
            Some(ZipKind::Xlsx) => (
                calamine::Sheets::Xlsx(calamine::Xlsx::new(cursor).map_err(|e| bad(&e))?),
                "xlsx",
            ),
            Some(ZipKind::Xlsb) => (
                calamine::Sheets::Xlsb(calamine::Xlsb::new(cursor).map_err(|e| bad(&e))?),
                "xlsb",
            ),
            Some(ZipKind::Ods) => (
                calamine::Sheets::Ods(calamine::Ods::new(cursor).map_err(|e| match e {
                    calamine::OdsError::Password => ImportFileError::ProtectedWorkbook,
                    calamine::OdsError::CellLimitExceeded { requested, max } => {
                        ImportFileError::WorkbookTooLarge {
                            part: "content.xml".into(),
                            what: "cells (repeated rows and columns counted)",
                            size: requested as u64,
                            limit: max as u64,
                        }
                    }
                    e => bad(&e),
                })?),
                "ods",
            ),
            None => (
                calamine::Sheets::Xls(calamine::Xls::new(cursor).map_err(|e| match e {
                    calamine::XlsError::Password => ImportFileError::ProtectedWorkbook,
                    e => bad(&e),
                })?),
                "xls",
            ),
        })
    })
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

/// The names of a workbook's sheets, in order.
#[cfg(feature = "areas")]
pub(crate) fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, ImportFileError> {
    open(bytes, &ImportLimits::default()).map(|(book, _)| book.sheet_names())
}

/// Reads one sheet of a workbook (the one named, else the first) as text, cells read as
/// [`validate_workbook`] reads them: for look-up tables that follow no upload template. Rows
/// start at the sheet's first filled column and are all as wide as the widest
/// (256 columns at most), as a spreadsheet's used range is.
///
/// ```
/// use heat_core::import::read_sheet;
/// use heat_core::HeatError;
/// assert_eq!(read_sheet(b"not a workbook", None).unwrap_err().code(), "bad_workbook");
/// ```
pub fn read_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<SheetText, ImportFileError> {
    let limits = ImportLimits::default();
    let (mut book, format) = open(bytes, &limits)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(want) => choose(&names, want)?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| ImportFileError::BadWorkbook("it has no sheets".into()))?,
    };
    let mut rows = guarded(|| {
        let mut sheet_rows = Vec::new();
        let mut read = |sorted: bool, rows: &mut Vec<SheetRow>| {
            rows.clear();
            read_rows(&mut book, &name, &limits, sorted, &mut |row| {
                rows.push(row);
                Ok(())
            })
        };
        match read(false, &mut sheet_rows) {
            Err(ReadStop::OutOfOrder) => read(true, &mut sheet_rows),
            other => other,
        }
        .map_err(|stop| stop.into_error(&name))?;
        Ok(sheet_rows)
    })?;
    // As a used range: from the first filled column, every row as wide as the widest.
    let first = rows
        .iter()
        .filter_map(|(_, cells)| cells.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    let width = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    for (_, cells) in &mut rows {
        cells.resize(width, String::new());
        cells.drain(..first);
    }
    Ok(SheetText { name, format, rows })
}

/// Validates a workbook's bytes against a template (see the module docs). `Err` when the
/// workbook cannot be opened (corrupt, password-protected, over a limit of
/// [`ImportSettings::limits`]), the chosen sheet is not there, a cell lies outside the grid, or
/// no sheet has the template's header.
///
/// Cells are placed by their column from `A`; a header cell left blank is no column (values under
/// it, or past the last header, are reported as `unnamed_column`; values past column
/// `IV` (the 256th) are not read, and reported). A sheet is read on a thread of its own while the
/// rows already read are checked, so the whole sheet is never held.
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
    let (mut book, format) = open(bytes, &settings.limits)?;
    let names = book.sheet_names();
    let candidates = match &settings.sheet {
        Some(want) => vec![choose(&names, want)?],
        None => names.clone(),
    };
    let mut first_missing = None;
    for name in &candidates {
        let checked = guarded(|| validate_sheet(&mut book, name, template, settings, format))?;
        match checked {
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

/// One sheet checked against a template: read on a thread of its own while this one checks
/// the rows already read.
fn validate_sheet(
    book: &mut Book<'_>,
    name: &str,
    template: Template,
    settings: &ImportSettings,
    format: &'static str,
) -> Checked {
    // A sheet stored out of order is read again, sorted; the first reading's checks are dropped.
    match validate_read(book, name, template, settings, format, false) {
        Err(ReadStop::OutOfOrder) => validate_read(book, name, template, settings, format, true),
        other => other,
    }
    .unwrap_or_else(|stop| Err(stop.into_error(name)))
}

/// [`validate_sheet`] with the cells in stored or sorted order.
fn validate_read(
    book: &mut Book<'_>,
    name: &str,
    template: Template,
    settings: &ImportSettings,
    format: &'static str,
    sorted: bool,
) -> Result<Checked, ReadStop> {
    let (send, batches) = std::sync::mpsc::sync_channel::<Vec<SheetRow>>(8);
    let (checked, read) = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch: Vec<SheetRow> = Vec::with_capacity(STREAM_BATCH);
            let far = read_rows(book, name, &settings.limits, sorted, &mut |row| {
                batch.push(row);
                if batch.len() >= STREAM_BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(STREAM_BATCH));
                    send.send(full).map_err(|_| ReadStop::NotWanted)?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                send.send(batch).map_err(|_| ReadStop::NotWanted)?;
            }
            Ok(far)
        });
        let checked = validate_rows(batches.into_iter().flatten(), template, settings, format);
        // The reader stops at its next batch once the rows are no longer wanted.
        let read = reader.join().unwrap_or_else(|_| {
            Err(ReadStop::Failed(
                "the workbook reader failed on its contents".into(),
            ))
        });
        (checked, read)
    });
    let far = match read {
        Ok(far) => far,
        Err(ReadStop::NotWanted) => FarCells::default(),
        Err(stop) => return Err(stop),
    };
    let mut checked = match checked {
        Ok(checked) => checked,
        Err(e) => return Ok(Err(e)),
    };
    if let (Ok(outcome), Some((row, col))) = (&mut checked, far.first) {
        let header_row = outcome.summary.header_row;
        outcome.issues.insert(
            outcome.issues.partition_point(|e| e.row <= header_row),
            ImportIssue::unnamed_column(
                header_row,
                format!(
                    "{} value{} past column {} (the first at {}{row}) {} not read; a template's columns are never that far right",
                    far.count,
                    if far.count == 1 { "" } else { "s" },
                    column_letter(READ_COLUMNS - 1),
                    column_letter(col),
                    if far.count == 1 { "was" } else { "were" },
                ),
                column_letter(col),
            ),
        );
        outcome.summary.warnings += 1;
    }
    Ok(Ok(checked))
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

/// Rows sent from the reading thread at a time.
const STREAM_BATCH: usize = 4096;

/// Columns read into a row, `A` to `IV`: values further right are counted and reported, not
/// placed, so a stray cell at `XFD` costs one count, not 16,384 empty cells on every row.
pub const READ_COLUMNS: usize = 256;

/// Why reading a sheet stopped early.
#[derive(Debug)]
enum ReadStop {
    /// Its cells are stored out of order: to be read again and sorted.
    OutOfOrder,
    /// A cell outside the grid (its column and 1-based row).
    OutOfGrid(usize, usize),
    /// Its data could not be read (the reader's message).
    Failed(String),
    /// The rows were no longer wanted (no header row in the sheet).
    NotWanted,
}

impl ReadStop {
    fn into_error(self, sheet: &str) -> ImportFileError {
        match self {
            ReadStop::OutOfGrid(col, row) => ImportFileError::CellOutOfGrid {
                sheet: sheet.to_string(),
                cell: format!("{}{row}", column_letter(col)),
                grid: "spreadsheet grid (A1:XFD1048576: 1,048,576 rows, 16,384 columns)",
            },
            ReadStop::Failed(e) => ImportFileError::BadWorkbook(format!("sheet {sheet:?}: {e}")),
            ReadStop::OutOfOrder | ReadStop::NotWanted => ImportFileError::BadWorkbook(format!(
                "sheet {sheet:?}: its cells could not be put in order"
            )),
        }
    }
}

/// Values found past [`READ_COLUMNS`]: how many, and where the first was (row, column).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct FarCells {
    count: usize,
    first: Option<(usize, usize)>,
}

/// A cell as stored: 0-based row and column, and its text (cut to the longest value kept).
type FoundCell = (u32, u32, String);

/// Sends a sheet's rows to `out` (from its first filled row, blank rows inside sent empty), each
/// cell in its column from `A`: the cells in the order the file stores them, or (`sorted`) all
/// of them read first and sorted, for a sheet stored out of order (its cells, never its claimed
/// size, held).
fn read_rows(
    book: &mut Book<'_>,
    name: &str,
    limits: &ImportLimits,
    sorted: bool,
    out: &mut dyn FnMut(SheetRow) -> Result<(), ReadStop>,
) -> Result<FarCells, ReadStop> {
    if !sorted {
        return cells_of(book, name, limits, &mut |cells| {
            assemble(cells.map(|c| c.map(Some)), out)
        });
    }
    let mut all: Vec<FoundCell> = Vec::new();
    cells_of(book, name, limits, &mut |cells| {
        for cell in cells {
            let cell = cell?;
            check_grid(&cell)?;
            all.push(cell);
        }
        Ok(FarCells::default())
    })?;
    all.sort_by_key(|c| (c.0, c.1));
    all.dedup_by_key(|c| (c.0, c.1));
    assemble(all.into_iter().map(|c| Ok(Some(c))), out)
}

/// A sheet's cells as they are read.
type FoundCells<'c> = dyn Iterator<Item = Result<FoundCell, ReadStop>> + 'c;

/// Reads a sheet's cells, in the order stored, and hands them to `take`.
fn cells_of(
    book: &mut Book<'_>,
    name: &str,
    limits: &ImportLimits,
    take: &mut dyn FnMut(&mut FoundCells<'_>) -> Result<FarCells, ReadStop>,
) -> Result<FarCells, ReadStop> {
    let keep = limits.kept_chars();
    match book {
        calamine::Sheets::Xlsx(xlsx) => {
            let failed = |e: calamine::XlsxError| ReadStop::Failed(e.to_string());
            let mut reader = xlsx.worksheet_cells_reader(name).map_err(failed)?;
            let mut next = || reader.next_cell().map_err(failed);
            take(&mut std::iter::from_fn(|| next_found(&mut next, keep)))
        }
        calamine::Sheets::Xlsb(xlsb) => {
            let failed = |e: calamine::XlsbError| ReadStop::Failed(e.to_string());
            let mut reader = xlsb.worksheet_cells_reader(name).map_err(failed)?;
            let mut next = || reader.next_cell().map_err(failed);
            take(&mut std::iter::from_fn(|| next_found(&mut next, keep)))
        }
        book => {
            let range = book
                .worksheet_range(name)
                .map_err(|e| ReadStop::Failed(e.to_string()))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut cells = range.used_cells().map(|(r, c, v)| {
                let text = match v {
                    Data::String(s) => cut(s, keep),
                    other => cell_text(other),
                };
                Ok((r0 + r as u32, c0 + c as u32, text))
            });
            take(&mut cells)
        }
    }
}

/// The next cell that holds a value, from a cells reader's `next` (its text cut to `keep`
/// characters).
fn next_found<'d>(
    next: &mut dyn FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'d>>>, ReadStop>,
    keep: usize,
) -> Option<Result<FoundCell, ReadStop>> {
    loop {
        let cell = match next() {
            Ok(None) => return None,
            Ok(Some(cell)) => cell,
            Err(e) => return Some(Err(e)),
        };
        let text = match cell.get_value() {
            calamine::DataRef::Empty => continue,
            calamine::DataRef::SharedString(s) => cut(s, keep),
            calamine::DataRef::String(s) => cut(s, keep),
            other => cell_text(&Data::from(other.clone())),
        };
        let (row, col) = cell.get_position();
        return Some(Ok((row, col, text)));
    }
}

/// A cell outside Excel's grid stops the reading.
fn check_grid(cell: &FoundCell) -> Result<(), ReadStop> {
    let (r, c) = (cell.0 as usize, cell.1 as usize);
    if r >= MAX_SHEET_ROWS || c >= MAX_SHEET_COLUMNS {
        return Err(ReadStop::OutOfGrid(c, r + 1));
    }
    Ok(())
}

/// Puts cells (in row order) into rows and sends them: each row as it ends, blank rows between
/// sent empty, values past [`READ_COLUMNS`] counted. A cell above the row being filled, or a
/// second value in one cell, stops it as out of order.
fn assemble(
    cells: impl Iterator<Item = Result<Option<FoundCell>, ReadStop>>,
    out: &mut dyn FnMut(SheetRow) -> Result<(), ReadStop>,
) -> Result<FarCells, ReadStop> {
    let mut far = FarCells::default();
    let mut current: Option<SheetRow> = None;
    for cell in cells {
        let Some(cell) = cell? else { continue };
        check_grid(&cell)?;
        let (r, c, text) = (cell.0 as usize + 1, cell.1 as usize, cell.2);
        let row = match &mut current {
            Some((at, row)) if *at == r => row,
            Some((at, _)) if *at > r => return Err(ReadStop::OutOfOrder),
            _ => {
                if let Some((at, done)) = current.take() {
                    out((at, done))?;
                    for blank in at + 1..r {
                        out((blank, Vec::new()))?;
                    }
                }
                &mut current.insert((r, Vec::new())).1
            }
        };
        // A cell holding empty text still places its row in the sheet.
        if text.is_empty() {
            continue;
        }
        if c >= READ_COLUMNS {
            far.count += 1;
            far.first.get_or_insert((r, c));
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
        out(last)?;
    }
    Ok(far)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook's sheet read as the import reads it (in stored order, else sorted).
    fn streamed(bytes: &[u8], sheet: &str) -> Result<Vec<SheetRow>, &'static str> {
        let (mut book, _) = open(bytes, &ImportLimits::default()).unwrap();
        let mut rows = Vec::new();
        let mut take = |row| {
            rows.push(row);
            Ok(())
        };
        match read_rows(&mut book, sheet, &ImportLimits::default(), false, &mut take) {
            Ok(_) => Ok(rows),
            Err(ReadStop::OutOfOrder) => Err("out of order"),
            Err(_) => Err("failed"),
        }
    }

    /// The sheet as calamine's whole range gives it, each row from column `A` to its last
    /// filled cell.
    fn whole(bytes: &[u8], sheet: &str) -> Vec<SheetRow> {
        let (mut book, _) = open(bytes, &ImportLimits::default()).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        let (first_row, first_col) = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut text = vec![String::new(); first_col];
                text.extend(cells.iter().map(cell_text));
                while text.last().is_some_and(String::is_empty) {
                    text.pop();
                }
                (first_row + i + 1, text)
            })
            .collect()
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
