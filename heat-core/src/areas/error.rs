//! Why an area file or a saved index cannot be used: one coded error per reason.

use crate::error::{codes, ErrorKind, HeatError};
use crate::import::ImportFileError;

/// A look-up file or a saved index that cannot be used. Every variant names the file.
///
/// ```
/// use heat_core::{areas::{AreaIndex, AreaSource}, HeatError, ErrorKind};
/// let e = AreaIndex::build(&[AreaSource::bytes("x.csv", b"name,colour\nA,red\n".to_vec())]).unwrap_err();
/// assert_eq!((e.code(), e.kind()), ("unknown_area_file", ErrorKind::Area));
/// assert!(e.to_string().starts_with("x.csv: not a look-up file heatkit knows (its header: name, colour)"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    /// The file cannot be opened or read.
    #[error("{file}: cannot read the file: {why}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// A zip archive that cannot be opened (truncated or damaged), or holds no data file.
    #[error("{file}: the zip archive cannot be read ({why}); download it again")]
    BadZip {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// A workbook or text file the import rules refuse.
    #[error("{file}: {error}")]
    Import {
        /// The file.
        file: String,
        /// The import error.
        error: ImportFileError,
    },
    /// No header row with the columns of any kind of look-up file.
    #[error("{file}: not a look-up file heatkit knows (its header: {headers}); expected one of: {expected}")]
    UnknownFile {
        /// The file.
        file: String,
        /// The first header-like row seen.
        headers: String,
        /// The kinds of file and their required columns.
        expected: String,
    },
    /// A header and no data rows.
    #[error("{file}: the file has no data rows")]
    NoRows {
        /// The file.
        file: String,
    },
    /// One postcode given twice with different areas.
    #[error("{file}: postcode {postcode} is given twice with different areas (rows {first_row} and {row})")]
    ConflictingPostcode {
        /// The file.
        file: String,
        /// The postcode.
        postcode: String,
        /// The first row giving it.
        first_row: usize,
        /// The row that disagrees.
        row: usize,
    },
    /// One area given two different ranks.
    #[error("{file}: area {area} is given two different ranks (rows {first_row} and {row})")]
    ConflictingArea {
        /// The file.
        file: String,
        /// The area code.
        area: String,
        /// The first row giving it.
        first_row: usize,
        /// The row that disagrees.
        row: usize,
    },
    /// A ranks file that does not rank every area of its nation.
    #[error("{file}: ranks {found} areas, but {index} ranks {expected} ({unit}s of {nation}); is the file complete?")]
    RankCount {
        /// The file.
        file: String,
        /// The index.
        index: String,
        /// Its area unit.
        unit: String,
        /// Its nation.
        nation: String,
        /// Areas in the file.
        found: usize,
        /// Areas the index ranks.
        expected: u32,
    },
    /// A saved index that cannot be loaded.
    #[error("{file}: not a heatkit area index, or a damaged one ({why}); build it again")]
    BadIndexFile {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// No files were given.
    #[error(
        "no look-up files given: pass an ONS postcode look-up, the OfS look-up or a ranks file"
    )]
    NoSources,
    /// A `columns.csv` that cannot be read.
    #[error("bad column formats: {0}")]
    BadFormats(String),
}

codes!(AreaError {
    Self::Unreadable { .. } => "unreadable_file",
    Self::BadZip { .. } => "bad_zip",
    Self::UnknownFile { .. } => "unknown_area_file",
    Self::NoRows { .. } => "no_rows",
    Self::ConflictingPostcode { .. } => "conflicting_postcode",
    Self::ConflictingArea { .. } => "conflicting_area",
    Self::RankCount { .. } => "rank_count",
    Self::BadIndexFile { .. } => "bad_index_file",
    Self::NoSources => "no_sources",
    Self::BadFormats(_) => "bad_formats",
} delegate {
    Self::Import { error, .. } => error,
});

impl HeatError for AreaError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Area
    }
}
