//! Row numbers. Every row number heatkit reports, in every message and result, is **the row a
//! person sees in a spreadsheet**: the header is row 1 and the first data row is row 2.
//!
//! - CSV files: the record's line in the file, so blank lines count as a spreadsheet counts them;
//!   a quoted cell that spans lines is still one row (as in Excel), so later rows are numbered by
//!   records, not lines, after it.
//! - Tables and columns passed in memory (Python lists, pandas, polars, Arrow): the position
//!   plus 2, as if the table were saved to a spreadsheet with its header in row 1. (The Python
//!   results give the 0-based `position` beside `row`.)
//!
//! ```
//! use heat_core::rows;
//! assert_eq!(rows::of_position(0), 2);
//! assert_eq!(rows::HEADER, 1);
//! ```

/// The header's row.
pub const HEADER: usize = 1;

/// The spreadsheet row of the data row at 0-based `position` of an in-memory table.
///
/// ```
/// assert_eq!(heat_core::rows::of_position(9), 11);
/// ```
pub fn of_position(position: usize) -> usize {
    position.saturating_add(2)
}

/// The 0-based position of spreadsheet row `row` (the inverse of [`of_position`]).
///
/// ```
/// assert_eq!(heat_core::rows::position_of(2), Some(0));
/// assert_eq!(heat_core::rows::position_of(1), None); // the header
/// ```
pub fn position_of(row: usize) -> Option<usize> {
    row.checked_sub(2)
}

/// Numbers the records of a CSV file as spreadsheet rows: one row per record, blank lines
/// counted (the `csv` reader skips them), a record whose quoted cells span lines still one row.
///
/// ```
/// let text = "a,b\n1,2\n\n\"x\ny\",3\n4,5\n";
/// let mut rdr = csv::Reader::from_reader(text.as_bytes());
/// rdr.headers().unwrap();
/// let mut counter = heat_core::rows::CsvRows::default();
/// let mut rows = Vec::new();
/// let mut record = csv::StringRecord::new();
/// while rdr.read_record(&mut record).unwrap() {
///     let (row, blank) = counter.row_of(&record, text.as_bytes());
///     rows.push((row, blank));
/// }
/// // The blank line is row 3 (reported beside the record after it); the two-line cell is one row.
/// assert_eq!(rows, vec![(2, 2..2), (4, 3..4), (5, 5..5)]);
///
/// // Windows line ends (as Excel saves a CSV) number the same way.
/// let text = "a,b\r\n1,2\r\n\r\n3,4\r\n";
/// let mut rdr = csv::Reader::from_reader(text.as_bytes());
/// rdr.headers().unwrap();
/// let mut counter = heat_core::rows::CsvRows::default();
/// let mut rows = Vec::new();
/// while rdr.read_record(&mut record).unwrap() {
///     rows.push(counter.row_of(&record, text.as_bytes()));
/// }
/// assert_eq!(rows, vec![(2, 2..2), (4, 3..4)]);
/// ```
#[derive(Debug, Clone)]
pub struct CsvRows {
    /// The spreadsheet row of the last record numbered (at first, the header's).
    last_row: usize,
}

impl Default for CsvRows {
    fn default() -> Self {
        CsvRows { last_row: HEADER }
    }
}

impl CsvRows {
    /// A counter for a reader that returns the header line as a record too (`has_headers(false)`):
    /// the first record read is on row 1.
    ///
    /// ```
    /// let text = "a\n\nb\n";
    /// let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    /// let mut record = csv::StringRecord::new();
    /// let mut counter = heat_core::rows::CsvRows::from_first_line();
    /// let mut rows = Vec::new();
    /// while rdr.read_record(&mut record).unwrap() {
    ///     rows.push(counter.row_of(&record, text.as_bytes()).0);
    /// }
    /// assert_eq!(rows, vec![1, 3]);
    /// ```
    pub fn from_first_line() -> CsvRows {
        CsvRows { last_row: 0 }
    }

    /// The row of the next `record` read from `text` (the bytes the reader reads), and the rows
    /// of the blank lines just before it.
    ///
    /// ```
    /// let text = "h\nx\n\n\ny\n";
    /// let mut rdr = csv::Reader::from_reader(text.as_bytes());
    /// let mut record = csv::StringRecord::new();
    /// let mut counter = heat_core::rows::CsvRows::default();
    /// rdr.read_record(&mut record).unwrap();
    /// assert_eq!(counter.row_of(&record, text.as_bytes()), (2, 2..2));
    /// rdr.read_record(&mut record).unwrap();
    /// assert_eq!(counter.row_of(&record, text.as_bytes()), (5, 3..5)); // rows 3 and 4 blank
    /// ```
    pub fn row_of(
        &mut self,
        record: &csv::StringRecord,
        text: &[u8],
    ) -> (usize, std::ops::Range<usize>) {
        let blank_lines = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .and_then(|start| {
                // After a `\r\n` line end the reader may place the record at its `\n`, which
                // ends the line before, not a blank line.
                let rest = text.get(start..)?;
                let split_crlf = start > 0
                    && text.get(start - 1) == Some(&b'\r')
                    && rest.first() == Some(&b'\n');
                Some(if split_crlf { &rest[1..] } else { rest })
            })
            .map_or(0, leading_line_ends);
        let blank = self.last_row + 1..self.last_row + 1 + blank_lines;
        self.last_row = blank.end;
        (self.last_row, blank)
    }

    /// The row of a record that could not be read.
    ///
    /// ```
    /// let mut counter = heat_core::rows::CsvRows::default();
    /// assert_eq!((counter.row_of_unreadable(), counter.row_of_unreadable()), (2, 3));
    /// ```
    pub fn row_of_unreadable(&mut self) -> usize {
        self.last_row += 1;
        self.last_row
    }
}

/// Line ends (`\n`, `\r\n`, `\r`) at the start of `bytes`: the blank lines before a record.
fn leading_line_ends(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        n += 1;
    }
    n
}

/// The spreadsheet row of the record at 0-based `index` of a small reference file (a typology,
/// vocabulary, nickname or bank-holiday file): its line in the file.
///
/// ```
/// let mut rdr = csv::Reader::from_reader("a\n1\n2\n".as_bytes());
/// let rows: Vec<usize> = rdr.records().enumerate()
///     .map(|(i, r)| heat_core::rows::of_record(&r.unwrap(), i)).collect();
/// assert_eq!(rows, vec![2, 3]);
/// ```
pub fn of_record(record: &csv::StringRecord, index: usize) -> usize {
    record
        .position()
        .map_or(of_position(index), |p| p.line() as usize)
}

/// The spreadsheet row a CSV reading error is on (at 0-based record `index` when it says none).
///
/// ```
/// let mut rdr = csv::Reader::from_reader("a,b\n1,2\n3\n".as_bytes());
/// let e = rdr.records().nth(1).unwrap().unwrap_err();
/// assert_eq!(heat_core::rows::of_csv_error(&e, 1), 3);
/// ```
pub fn of_csv_error(error: &csv::Error, index: usize) -> usize {
    error
        .position()
        .map_or(of_position(index), |p| p.line() as usize)
}
