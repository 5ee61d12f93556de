//! What an upload may claim, and how it is held to it. Every limit is the format's own (Excel's
//! grid and cell size) or a documented budget in [`ImportLimits`]; each is checked **while the
//! file is read**, before anything is allocated for what the file claims, so time and memory follow
//! the cells really present, never the coordinates, `dimension` or sizes a file states.
//!
//! - a zipped workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`): its parts are counted and their
//!   unpacked sizes checked against the budgets before the workbook is opened (the zip reader
//!   stops any part at its stated size, so a part cannot unpack to more than it states); its XML
//!   parts are read once for a document type (entity definitions, as in "billion laughs") and for
//!   runs of text longer than any cell may hold;
//! - a cell outside the grid (`A1:XFD1048576`) is an error naming the sheet and cell;
//! - a value longer than a cell holds is a problem on its row (see [`MAX_CELL_CHARS`]).
//!
//! ```
//! use heat_core::import::{ImportLimits, MAX_CELL_CHARS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};
//! assert_eq!((MAX_SHEET_ROWS, MAX_SHEET_COLUMNS, MAX_CELL_CHARS), (1_048_576, 16_384, 32_767));
//! assert_eq!(ImportLimits::default().max_part_bytes, 2 << 30);
//! ```

/// Rows in a sheet (Excel's grid): a cell below row 1,048,576 is refused.
pub const MAX_SHEET_ROWS: usize = 1_048_576;

/// Columns in a sheet (Excel's grid, `A` to `XFD`); also the most columns a CSV row may have.
pub const MAX_SHEET_COLUMNS: usize = 16_384;

/// Characters in one cell (Excel's limit). A longer value is a problem on its row; the cleaned
/// workbook shows it cut to this length with a note, the CSV files keep it whole.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The longest run of text between two XML tags a workbook part may hold: a cell's 32,767
/// characters, each written as a character reference of up to 10 bytes, and room to spare.
pub const MAX_XML_TEXT_RUN: usize = 1 << 20;

/// Budgets for what a file may unpack to (part of [`super::ImportSettings`]).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let mut settings = ImportSettings::default();
/// settings.limits.max_field_chars = 40_000;
/// let csv = format!("urn,name,postcode\n107956,{},LS1 4AP\n", "x".repeat(50_000));
/// let out = validate_import(csv.as_bytes(), Template::Schools, &settings).unwrap();
/// assert_eq!(out.rejected[0].get("name").len(), 40_000); // cut on reading, and the row refused
/// assert_eq!(out.issues[0].code, "too_long");
/// assert_eq!(out.issues[0].message, "row 2, name: is over 40000 characters long, more than a spreadsheet cell holds (32767); two columns run together, or a quote left open?");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLimits {
    /// The most bytes one part of a zipped workbook (a sheet's XML, say) may unpack to; default
    /// 2 GiB, about twice what a full 1,048,576-row sheet of twenty columns unpacks to. Over it:
    /// `workbook_too_large`.
    pub max_part_bytes: u64,
    /// The most bytes a workbook's shared strings (the text of every cell, held in memory while
    /// the sheet is read) may unpack to; default 256 MiB. Over it: `workbook_too_large`.
    pub max_shared_strings_bytes: u64,
    /// The most parts a zipped workbook may hold; default 10,000 (a workbook of a hundred sheets
    /// has a few hundred). Over it: `workbook_too_large`.
    pub max_parts: usize,
    /// The most characters of one value kept when a file is read; default 1,048,576, and never
    /// less than one more than [`MAX_CELL_CHARS`] (see [`ImportLimits::kept_chars`]). A longer
    /// value is cut to this length on reading; its row is refused as `too_long`, as any value
    /// over [`MAX_CELL_CHARS`] is, so no cut goes unsaid.
    pub max_field_chars: usize,
}

impl ImportLimits {
    /// The characters of one value kept on reading: [`ImportLimits::max_field_chars`], but at
    /// least one more than a cell holds, so that every value cut is also refused as too long.
    ///
    /// ```
    /// use heat_core::import::ImportLimits;
    /// let limits = ImportLimits { max_field_chars: 5, ..ImportLimits::default() };
    /// assert_eq!(limits.kept_chars(), 32_768);
    /// ```
    pub fn kept_chars(&self) -> usize {
        self.max_field_chars.max(MAX_CELL_CHARS + 1)
    }
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_part_bytes: 2 << 30,
            max_shared_strings_bytes: 256 << 20,
            max_parts: 10_000,
            max_field_chars: 1 << 20,
        }
    }
}

/// At most `keep` characters of `s`.
pub(crate) fn cut(s: &str, keep: usize) -> String {
    if s.len() <= keep {
        return s.to_string();
    }
    match s.char_indices().nth(keep) {
        Some((at, _)) => s[..at].to_string(),
        None => s.to_string(),
    }
}

/// A cell's text as a problem shows it: whole up to 200 characters, else its start.
pub(crate) fn preview(s: &str) -> String {
    const SHOWN: usize = 200;
    if s.len() <= SHOWN || s.chars().nth(SHOWN).is_none() {
        return s.to_string();
    }
    format!("{}…", cut(s, SHOWN))
}

/// Whether a CSV record is a quote left open: it runs to the end of the file across lines, and
/// the quotes from its start to there do not pair up. Returns the lines it swallowed.
pub(crate) fn unclosed_quote(
    record: &csv::StringRecord,
    after: &csv::Position,
    text: &[u8],
) -> Option<usize> {
    if after.byte() < text.len() as u64 || !record.iter().any(|f| f.contains(['\n', '\r'])) {
        return None;
    }
    let start = usize::try_from(record.position()?.byte()).ok()?;
    let rest = text.get(start..)?;
    if memchr::memchr_iter(b'"', rest).count().is_multiple_of(2) {
        return None;
    }
    Some(memchr::memchr_iter(b'\n', rest).count())
}
