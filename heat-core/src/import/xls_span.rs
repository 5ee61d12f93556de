//! What the sheets of an `.xls` workbook span, read from its records before it is opened. The
//! `.xls` reader fills every cell between a sheet's first and last value, so two values at
//! opposite corners of a 5 KB file would cost gigabytes; here the workbook stream is found in the
//! compound file, its cell records are walked once, and a sheet is refused when a value lies
//! outside the format's own grid (`IV65536`: 65,536 rows, 256 columns) or when it spans far more
//! cells than it holds values ([`MAX_SPARSE_SPAN`]).

use super::ImportFileError;

/// The most cells a sheet's values may span when the span is also more than
/// [`SPARSE_FACTOR`] times the values it holds: 4,194,304 (a sheet of 65,536 rows by 64 columns,
/// about 130 MB once the reader fills it).
pub const MAX_SPARSE_SPAN: u64 = 1 << 22;

/// How many cells a sheet may span for each value it holds, past [`MAX_SPARSE_SPAN`].
pub const SPARSE_FACTOR: u64 = 16;

/// The `.xls` grid: rows and columns.
const XLS_ROWS: u32 = 65_536;
const XLS_COLUMNS: u32 = 256;

/// Checks an `.xls` (OLE compound file) before it is opened. A file whose structure cannot be
/// followed here passes: the reader then says what is wrong with it.
pub(crate) fn check_xls(bytes: &[u8]) -> Result<(), ImportFileError> {
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    let mut sheets: Vec<(u32, String)> = Vec::new();
    let mut span: Option<Span> = None;
    let mut at = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let start = at + 4;
        let Some(data) = stream.get(start..start + usize::from(len)) else {
            break;
        };
        match kind {
            // BOUNDSHEET: where a sheet's records start, and its name.
            0x0085 => {
                if let Some(offset) = u32_at(data, 0) {
                    sheets.push((offset, short_name(data.get(6..).unwrap_or_default())));
                }
            }
            // BOF: a sheet's records begin (the first BOF is the workbook's own).
            0x0809 => {
                if let Some(done) = span.take() {
                    done.check()?;
                }
                let name = sheets
                    .iter()
                    .find(|(o, _)| *o as usize == at)
                    .map(|(_, n)| n.clone());
                span = Some(Span::new(name.unwrap_or_else(|| "(a sheet)".into())));
            }
            // Values: NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA, RSTRING.
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00D6 => {
                if let (Some(s), Some(row), Some(col)) =
                    (&mut span, u16_at(data, 0), u16_at(data, 2))
                {
                    s.add(u32::from(row), u32::from(col), u32::from(col));
                }
            }
            // MULRK: several numbers along one row.
            0x00BD => {
                let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i));
                if let (Some(s), Some(row), Some(first), Some(last)) =
                    (&mut span, u16_at(data, 0), u16_at(data, 2), last)
                {
                    s.add(u32::from(row), u32::from(first), u32::from(last.max(first)));
                }
            }
            _ => {}
        }
        at = start + usize::from(len);
    }
    span.map_or(Ok(()), Span::check)
}

/// The values of one sheet: how many, and the rows and columns they span.
struct Span {
    sheet: String,
    values: u64,
    rows: (u32, u32),
    columns: (u32, u32),
}

impl Span {
    fn new(sheet: String) -> Span {
        Span {
            sheet,
            values: 0,
            rows: (u32::MAX, 0),
            columns: (u32::MAX, 0),
        }
    }

    fn add(&mut self, row: u32, first: u32, last: u32) {
        self.values += u64::from(last - first + 1);
        self.rows = (self.rows.0.min(row), self.rows.1.max(row));
        self.columns = (self.columns.0.min(first), self.columns.1.max(last));
    }

    fn check(self) -> Result<(), ImportFileError> {
        if self.values == 0 {
            return Ok(());
        }
        if self.columns.1 >= XLS_COLUMNS || self.rows.1 >= XLS_ROWS {
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
        let span = u64::from(self.rows.1 - self.rows.0 + 1)
            * u64::from(self.columns.1 - self.columns.0 + 1);
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

/// Sector numbers at or above this end a chain or mark a free sector.
const END: u32 = 0xFFFF_FFFA;

/// A compound file whose chain of sectors comes back on itself: the reader would follow it for
/// ever, holding more at each turn.
fn looping_chain() -> ImportFileError {
    ImportFileError::BadWorkbook(
        "a chain of sectors in the .xls file loops back on itself (a damaged or hostile file)"
            .into(),
    )
}

/// The `Workbook` (or BIFF5 `Book`) stream of a compound file, `None` where its structure
/// cannot be followed, or an error where a chain of sectors loops (in the allocation table, the
/// directory or any stream the directory lists).
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, ImportFileError> {
    let looped = std::cell::Cell::new(false);
    let found = follow(bytes, &looped);
    if looped.get() {
        return Err(looping_chain());
    }
    Ok(found)
}

fn follow(bytes: &[u8], looped: &std::cell::Cell<bool>) -> Option<Vec<u8>> {
    let shift = u16_at(bytes, 0x1E)?;
    if !(7..=16).contains(&shift) {
        return None;
    }
    let size = 1usize << shift;
    let sector = |n: u32| -> Option<&[u8]> {
        let start = (n as usize).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..start.checked_add(size)?)
    };
    let most = bytes.len() / size + 1;
    // The allocation table's own sectors: 109 in the header, the rest in a chain of DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|k| u32_at(bytes, 0x4C + 4 * k))
        .filter(|s| *s < END)
        .collect();
    let mut difat = u32_at(bytes, 0x44)?;
    for turn in 0..=most {
        if difat >= END {
            break;
        }
        if turn == most {
            looped.set(true);
            return None;
        }
        let s = sector(difat)?;
        let entries: Vec<u32> = s
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let (next, list) = entries.split_last()?;
        fat_sectors.extend(list.iter().filter(|s| **s < END));
        difat = *next;
    }
    let fat: Vec<u32> = fat_sectors
        .iter()
        .filter_map(|s| sector(*s))
        .flat_map(|s| {
            s.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        })
        .collect();
    // A chain is followed for at most as many links as its table has: one longer comes back on
    // itself, and is marked.
    let chain = |start: u32, table: &[u32]| -> Vec<u32> {
        let mut out = Vec::new();
        let mut s = start;
        while s < END {
            if out.len() > table.len() {
                looped.set(true);
                break;
            }
            out.push(s);
            s = table.get(s as usize).copied().unwrap_or(u32::MAX);
        }
        out
    };
    let read = |start: u32| -> Vec<u8> {
        chain(start, &fat)
            .into_iter()
            .filter_map(sector)
            .flatten()
            .copied()
            .collect()
    };
    let directory = read(u32_at(bytes, 0x30)?);
    let mut root_start = None;
    let mut found = None;
    for entry in directory.chunks_exact(128) {
        // The name up to its first NUL (as the reader takes it; the stated length is not trusted).
        let name: Vec<u16> = entry[..64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|u| *u != 0)
            .collect();
        let (kind, start, len) = (entry[0x42], u32_at(entry, 0x74)?, u32_at(entry, 0x78)?);
        match kind {
            5 => root_start = Some(start),
            2 if matches!(
                String::from_utf16_lossy(&name).as_str(),
                "Workbook" | "Book"
            ) =>
            {
                found = Some((start, len as usize));
            }
            _ => {}
        }
    }
    // Every stream the directory lists is followed, as the reader may read any of them.
    let cutoff = u32_at(bytes, 0x38)? as usize;
    let mini_fat_table: Vec<u32> = read(u32_at(bytes, 0x3C)?)
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    for entry in directory.chunks_exact(128) {
        let (kind, start, len) = (entry[0x42], u32_at(entry, 0x74)?, u32_at(entry, 0x78)?);
        match kind {
            5 => drop(chain(start, &fat)),
            2 if (len as usize) < cutoff => drop(chain(start, &mini_fat_table)),
            2 => drop(chain(start, &fat)),
            _ => {}
        }
    }
    if looped.get() {
        return None;
    }
    let (start, len) = found?;
    if len >= cutoff {
        let mut stream = read(start);
        stream.truncate(len);
        return Some(stream);
    }
    // A small stream lives in the mini stream, in sectors of its own.
    let mini_size = 1usize << u16_at(bytes, 0x20)?.min(16);
    let mini_stream = read(root_start?);
    let mut stream: Vec<u8> = chain(start, &mini_fat_table)
        .into_iter()
        .filter_map(|s| mini_stream.get(s as usize * mini_size..(s as usize + 1) * mini_size))
        .flatten()
        .copied()
        .collect();
    stream.truncate(len);
    Some(stream)
}
