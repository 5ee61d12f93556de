//! What the sheets of an `.xls` workbook span, read from its records before it is opened. The
//! `.xls` reader fills every cell between a sheet's first and last value, so two values at
//! opposite corners of a 5 KB file would cost gigabytes; here the workbook stream is found in the
//! compound file, its cell records are walked once, and a sheet is refused when a value lies
//! outside the format's own grid (`IV65536`: 65,536 rows, 256 columns) or when it spans far more
//! cells than it holds values ([`MAX_SPARSE_SPAN`]).

use super::compound_file::{workbook_stream, Stream};
use super::ImportFileError;

/// The most cells a sheet's values may span when the span is also more than
/// [`SPARSE_FACTOR`] times the values it holds: 4,194,304 (a sheet of 65,536 rows by 64 columns,
/// about 130 MB once the reader fills it).
///
/// ```
/// use heat_core::import::{MAX_SPARSE_SPAN, SPARSE_FACTOR};
/// assert_eq!(MAX_SPARSE_SPAN, 65_536 * 64);
/// // A span over the limit is refused only when under one value in 16 cells fills it.
/// assert_eq!(MAX_SPARSE_SPAN / SPARSE_FACTOR, 262_144);
/// ```
pub const MAX_SPARSE_SPAN: u64 = 1 << 22;

/// How many cells a sheet may span for each value it holds, past [`MAX_SPARSE_SPAN`].
///
/// ```
/// assert_eq!(heat_core::import::SPARSE_FACTOR, 16);
/// ```
pub const SPARSE_FACTOR: u64 = 16;

/// The `.xls` grid: rows and columns.
const XLS_ROWS: u32 = 65_536;
const XLS_COLUMNS: u32 = 256;

/// Checks an `.xls` (OLE compound file) before it is opened. A file whose structure cannot be
/// followed here passes: the reader then says what is wrong with it.
///
/// The sheets are walked as the reader walks them: from the offset each `BOUNDSHEET` record
/// gives, to the sheet's `EOF`, skipping embedded substreams (charts). Each sheet is held to the
/// grid and to [`MAX_SPARSE_SPAN`]; so is the workbook as a whole, since the reader fills every
/// sheet at once; and two sheets may not share records, or one set of values could be filled
/// once per sheet that points at it.
pub(crate) fn check_xls(bytes: &[u8]) -> Result<(), ImportFileError> {
    let Stream::Read(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    let mut sheets = sheets_of(&stream);
    let values: u64 = sheets.iter().map(|(_, span)| span.values).sum();
    let cells = sheets
        .iter()
        .fold(0u64, |sum, (_, span)| sum.saturating_add(span.cells()));
    let count = sheets.len();
    sheets.sort_unstable_by_key(|(records, _)| (records.start, records.end));
    if sheets.windows(2).any(|w| w[0].0.end > w[1].0.start) {
        return Err(ImportFileError::BadWorkbook(
            "two sheets of the .xls file point at the same records (a damaged or hostile file)"
                .into(),
        ));
    }
    for (_, span) in sheets {
        span.check()?;
    }
    if cells > MAX_SPARSE_SPAN && cells > SPARSE_FACTOR * values {
        return Err(ImportFileError::SparseWorkbook {
            sheets: count,
            span: cells,
            values,
        });
    }
    Ok(())
}

/// Each sheet the globals list, in their order: where its records lie in the stream, and what
/// its values span.
fn sheets_of(stream: &[u8]) -> Vec<(std::ops::Range<usize>, Span)> {
    bound_sheets(stream)
        .into_iter()
        .filter_map(|(offset, name)| {
            let (span, len) = walk_sheet(stream.get(offset..)?, name);
            Some((offset..offset + len, span))
        })
        .collect()
}

/// The records of a BIFF stream from its start: (type, data, offset of the next record). The
/// walk ends where a record runs past the stream.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8], usize)> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let (kind, len) = (u16_at(stream, at)?, u16_at(stream, at + 2)?);
        let start = at + 4;
        let data = stream.get(start..start + usize::from(len))?;
        at = start + usize::from(len);
        Some((kind, data, at))
    })
}

/// The sheets the workbook's globals list (up to their `EOF`): where each sheet's records
/// start, and its name.
fn bound_sheets(stream: &[u8]) -> Vec<(usize, String)> {
    let mut sheets = Vec::new();
    for (kind, data, _) in records(stream) {
        match kind {
            0x0085 => {
                if let Some(offset) = u32_at(data, 0) {
                    let name = short_name(data.get(6..).unwrap_or_default());
                    sheets.push((offset as usize, name));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    sheets
}

/// One sheet's records, walked as the reader walks them: what they span, and how many bytes
/// the walk took.
fn walk_sheet(records_from: &[u8], name: String) -> (Span, usize) {
    let mut span = Span::new(name);
    let (mut seen_bof, mut depth, mut len) = (false, 0usize, 0usize);
    // A formula's string value (STRING) is placed where the last formula was, else at A1.
    let mut formula_at = (0u32, 0u32);
    for (kind, data, next) in records(records_from) {
        len = next;
        if depth > 0 {
            match kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = || Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)));
        match kind {
            // BOF: the sheet's own, then any embedded substream's.
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            // DIMENSIONS: the reader sets room aside for every cell it declares.
            0x0200 => span.reserved = span.reserved.max(declared_cells(data)),
            // Values: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let Some((row, col)) = at() {
                    span.add(row, col, col);
                }
            }
            // FORMULA, then its STRING value.
            0x0006 => {
                if let Some(cell) = at() {
                    formula_at = cell;
                    span.add(cell.0, cell.1, cell.1);
                }
            }
            0x0207 => span.add(formula_at.0, formula_at.1, formula_at.1),
            // MULRK: several numbers along one row.
            0x00BD => {
                let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i));
                if let (Some((row, first)), Some(last)) = (at(), last) {
                    span.add(row, first, u32::from(last).max(first));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    (span, len)
}

/// The cells a DIMENSIONS record declares, counted as the reader counts them (its row and
/// column arithmetic wraps, so a first row past the last declares billions).
fn declared_cells(data: &[u8]) -> u64 {
    let fields = match data.len() {
        10 => (
            u16_at(data, 0).map(u32::from),
            u16_at(data, 2).map(u32::from),
            u16_at(data, 4),
            u16_at(data, 6),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        ),
        _ => return 0,
    };
    let (Some(first_row), Some(row_past), Some(first_col), Some(col_past)) = fields else {
        return 0;
    };
    let (first_col, col_past) = (u32::from(first_col), u32::from(col_past));
    let first_col = if first_col > 0xFF || col_past < first_col {
        0
    } else {
        first_col
    };
    let (last_row, last_col) = if row_past >= 1 && col_past >= 1 {
        (row_past - 1, col_past - 1)
    } else {
        (first_row, first_col)
    };
    let rows = last_row.wrapping_sub(first_row).wrapping_add(1);
    let cols = last_col.wrapping_sub(first_col).wrapping_add(1);
    u64::from(rows).saturating_mul(u64::from(cols))
}

/// The values of one sheet: how many, the rows and columns they span, and the cells its
/// DIMENSIONS record has the reader set aside.
struct Span {
    sheet: String,
    values: u64,
    rows: (u32, u32),
    columns: (u32, u32),
    reserved: u64,
}

impl Span {
    fn new(sheet: String) -> Span {
        Span {
            sheet,
            values: 0,
            rows: (u32::MAX, 0),
            columns: (u32::MAX, 0),
            reserved: 0,
        }
    }

    fn add(&mut self, row: u32, first: u32, last: u32) {
        self.values += u64::from(last - first + 1);
        self.rows = (self.rows.0.min(row), self.rows.1.max(row));
        self.columns = (self.columns.0.min(first), self.columns.1.max(last));
    }

    /// The cells the reader fills between the first and last value, or sets aside, whichever
    /// is more.
    fn cells(&self) -> u64 {
        let filled = if self.values == 0 {
            0
        } else {
            u64::from(self.rows.1 - self.rows.0 + 1)
                * u64::from(self.columns.1 - self.columns.0 + 1)
        };
        filled.max(self.reserved)
    }

    fn check(self) -> Result<(), ImportFileError> {
        if self.values > 0 && (self.columns.1 >= XLS_COLUMNS || self.rows.1 >= XLS_ROWS) {
            return Err(ImportFileError::CellOutOfGrid {
                sheet: self.sheet,
                cell: format!(
                    "{}{}",
                    super::column_letter(self.columns.1 as usize),
                    self.rows.1 + 1
                ),
                grid: "grid of an .xls sheet (A1:IV65536: 65,536 rows, 256 columns)",
            });
        }
        let span = self.cells();
        if span > MAX_SPARSE_SPAN && span > SPARSE_FACTOR * self.values {
            return Err(ImportFileError::SparseSheet {
                sheet: self.sheet,
                span,
                values: self.values,
            });
        }
        Ok(())
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A BIFF8 short string (length, flags, then Latin-1 or UTF-16 characters).
fn short_name(b: &[u8]) -> String {
    let (Some(&n), Some(&flags)) = (b.first(), b.get(1)) else {
        return String::new();
    };
    let chars = b.get(2..).unwrap_or_default();
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(usize::from(n))
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        chars
            .iter()
            .take(usize::from(n))
            .map(|&c| char::from(c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;
    use std::path::Path;

    /// Every `.xls` beside the tests (and any under `HEATKIT_XLS_DIR`, such as a fuzzing
    /// corpus): where the reader opens one, each sheet it fills spans exactly what the walk here
    /// found, so the check counts what the reader will hold.
    #[test]
    fn the_walk_finds_the_span_the_reader_fills() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs = vec![
            root.join("fuzz/regressions/workbook_import"),
            root.join("../shared/data/areas"),
        ];
        dirs.extend(std::env::var_os("HEATKIT_XLS_DIR").map(Into::into));
        let mut compared = 0;
        for dir in dirs {
            let Ok(files) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in files.flatten().map(|f| f.path()) {
                let bytes = std::fs::read(&path).unwrap();
                if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || check_xls(&bytes).is_err() {
                    continue;
                }
                let Stream::Read(stream) = workbook_stream(&bytes).unwrap() else {
                    continue;
                };
                let opened = std::panic::catch_unwind(|| {
                    calamine::Xls::new(std::io::Cursor::new(&bytes)).ok()
                });
                let Ok(Some(mut book)) = opened else {
                    continue;
                };
                let mut names = std::collections::HashMap::new();
                for (_, span) in sheets_of(&stream) {
                    *names.entry(span.sheet.clone()).or_insert(0) += 1;
                    let Ok(range) = book.worksheet_range(&span.sheet) else {
                        continue;
                    };
                    if names[&span.sheet] > 1 {
                        continue;
                    }
                    let filled = range.start().zip(range.end());
                    let walked = (span.values > 0)
                        .then_some(((span.rows.0, span.columns.0), (span.rows.1, span.columns.1)));
                    assert_eq!(filled, walked, "{} sheet {:?}", path.display(), span.sheet);
                    compared += 1;
                }
            }
        }
        assert!(compared >= 5, "{compared} sheets compared");
    }
}
