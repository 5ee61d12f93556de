//! Look-up tables a team supplies (a Get Information About Schools extract, a HEAT institution
//! export, an area look-up): a CSV in any encoding heatkit reads, or one sheet of a workbook, as
//! rows of text with their spreadsheet row numbers.

use super::{decode, is_workbook, ImportFileError};

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

/// Reads a look-up table's bytes: a workbook's sheet (the one named, else the first) or a CSV
/// file (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252, as GIAS saves its
/// extracts). Rows keep the numbers a spreadsheet shows (the first line is row 1); a CSV line
/// that cannot be read is an error naming its row.
///
/// ```
/// use heat_core::import::read_table;
/// let t = read_table(b"URN,EstablishmentName\n107956,Leeds High\n", None).unwrap();
/// assert_eq!(t.format, "csv");
/// assert_eq!(t.rows[1], (2, vec!["107956".to_string(), "Leeds High".to_string()]));
/// // Windows-1252, as GIAS saves it: 0xF6 is ö.
/// let t = read_table(b"URN,EstablishmentName\n1,K\xf6ln School\n", None).unwrap();
/// assert_eq!(t.rows[1].1[1], "Köln School");
/// ```
pub fn read_table(bytes: &[u8], sheet: Option<&str>) -> Result<SheetText, ImportFileError> {
    if bytes.is_empty() {
        return Err(ImportFileError::Empty);
    }
    if is_workbook(std::path::Path::new(""), bytes) {
        return super::read_workbook_sheet(bytes, sheet);
    }
    let (text, _) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter {
        counted: 0,
        line: 1,
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let row = record
                    .position()
                    .and_then(|p| usize::try_from(p.byte()).ok())
                    .map_or(rows.len() + 1, |byte| lines.line_of(text.as_bytes(), byte));
                rows.push((row, record.iter().map(|c| c.trim().to_string()).collect()));
            }
            Err(e) => {
                let row = e.position().map_or(rows.len() + 1, |p| p.line() as usize);
                return Err(ImportFileError::Unreadable(format!(
                    "row {row} cannot be read as CSV: {e}"
                )));
            }
        }
    }
    Ok(SheetText {
        name: String::new(),
        format: "csv",
        rows,
    })
}

/// Numbers a CSV's records by line, counting each stretch of text once.
struct LineCounter {
    /// Bytes counted so far, and the line the next byte is on.
    counted: usize,
    line: usize,
}

impl LineCounter {
    /// The line (from 1) of the record the reader places at byte `at` of `text` (records come
    /// in order): the line of its first character, as the reader may place it at a line end or
    /// before blank lines it skipped. `\r\n`, `\n` and a lone `\r` each end a line.
    fn line_of(&mut self, text: &[u8], at: usize) -> usize {
        let start = text
            .iter()
            .skip(at)
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(text.len(), |k| at + k)
            .max(self.counted);
        self.line += text[self.counted..start]
            .iter()
            .enumerate()
            .filter(|&(i, &b)| {
                b == b'\n' || (b == b'\r' && text.get(self.counted + i + 1) != Some(&b'\n'))
            })
            .count();
        self.counted = start;
        self.line
    }
}

/// [`read_table`] on a file.
///
/// ```
/// use heat_core::{import::read_table_file, HeatError};
/// let e = read_table_file(std::path::Path::new("/no/such/gias.csv"), None).unwrap_err();
/// assert_eq!(e.code(), "unreadable_file");
/// ```
pub fn read_table_file(
    path: &std::path::Path,
    sheet: Option<&str>,
) -> Result<SheetText, ImportFileError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ImportFileError::Unreadable(format!("{}: {e}", path.display())))?;
    read_table(&bytes, sheet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    #[test]
    fn rows_keep_their_numbers() {
        let t = read_table(b"a,b\r\n\r\n1,2\r\n", None).unwrap();
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 3]);
        let t = read_table(b"a,b\r\n1,2\r\n3,4\r\n", None).unwrap();
        assert_eq!(
            t.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        // A quoted cell over two lines: the next record is on the line after both.
        let t = read_table(b"a\n\"x\ny\"\nz\n", None).unwrap();
        assert_eq!(
            t.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 2, 4]
        );
        let t = read_table(b"a\rb\r", None).unwrap();
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(read_table(b"", None).unwrap_err().code(), "empty_file");
        // An unclosed quote runs to the end of the file: one row, not a lost one.
        let t = read_table(b"a\n\"open\nmore\n", None).unwrap();
        assert_eq!(t.rows.len(), 2);
    }
}
