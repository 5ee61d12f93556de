//! Postcode → area → widening-participation measure, from the team's own look-up files.
//!
//! heatkit embeds no area data. A team loads the files it downloads — an ONS postcode look-up
//! (ONSPD, NSPL, or the PCD→OA/LSOA/MSOA/LAD look-up, any release), the OfS postcode look-up
//! (POLAR4, TUNDRA, Adult HE, GAPS, Uni Connect target wards), and the deprivation ranks of each
//! nation (IoD2019/IoD2025 File 1 or File 7, WIMD 2019, SIMD 2020v2, NIMDM 2017) — as CSV,
//! workbook or zip, into an [`AreaIndex`], saves it once and loads it in a fraction of a second.
//! Columns are found by name ([`FileFormats`], `data/areas/columns.csv`), never by position.
//!
//! ```
//! use heat_core::areas::{AreaIndex, AreaSource, AreaStatus};
//! let lookup = "pcds,doterm,oa11cd,lsoa11cd,msoa11cd,ladcd,ladnm\n\
//!               LS1 4AP,,E00170000,E01033010,E02006875,E08000035,Leeds\n\
//!               LS1 9ZZ,200912,E00170000,E01033010,E02006875,E08000035,Leeds\n";
//! let (index, reports) = AreaIndex::build(&[AreaSource::bytes("nspl.csv", lookup.as_bytes().to_vec())]).unwrap();
//! assert_eq!((reports[0].rows_read, reports[0].rows_loaded), (2, 2));
//! let facts = index.lookup("ls14ap");
//! assert_eq!((facts.status, facts.lsoa11, facts.lad_name), (AreaStatus::Live, Some("E01033010"), Some("Leeds")));
//! assert_eq!(index.lookup("LS1 9ZZ").terminated.map(|t| t.to_string()).as_deref(), Some("2009-12"));
//! assert_eq!(index.lookup("M1 1AD").status, AreaStatus::Unknown);
//! assert_eq!(index.lookup("not one").status, AreaStatus::Invalid);
//! ```

mod build;
mod formats;
mod read;
mod store;

use crate::error::codes;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::import::ImportFileError;
use crate::postcode::{Level, Postcode};
use crate::{ErrorKind, HeatError};

pub use formats::{ColumnMap, DeprivationIndex, FieldFormat, FileFormats};

/// One look-up file to load: from disk or from bytes, optionally naming the sheet to read.
///
/// ```
/// use heat_core::areas::AreaSource;
/// let s = AreaSource::file("data/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
/// assert_eq!(s.name(), "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
/// ```
#[derive(Debug, Clone)]
pub struct AreaSource {
    name: String,
    data: SourceData,
    sheet: Option<String>,
}

#[derive(Debug, Clone)]
enum SourceData {
    File(PathBuf),
    Bytes(Vec<u8>),
}

impl AreaSource {
    /// A file on disk (CSV, workbook or zip), named in results by its file name.
    pub fn file(path: impl AsRef<Path>) -> AreaSource {
        let path = path.as_ref().to_path_buf();
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        AreaSource {
            name,
            data: SourceData::File(path),
            sheet: None,
        }
    }

    /// A file's bytes, under the name results report.
    ///
    /// ```
    /// let s = heat_core::areas::AreaSource::bytes("ofs.csv", b"postcode,polar4_quintile\n".to_vec());
    /// assert_eq!(s.name(), "ofs.csv");
    /// ```
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> AreaSource {
        AreaSource {
            name: name.into(),
            data: SourceData::Bytes(bytes),
            sheet: None,
        }
    }

    /// Reads this sheet of a workbook (otherwise the first sheet whose header heatkit knows).
    ///
    /// ```
    /// let s = heat_core::areas::AreaSource::file("simd.xlsx").sheet("SIMD 2020v2 ranks");
    /// assert_eq!(s.name(), "simd.xlsx");
    /// ```
    pub fn sheet(mut self, sheet: impl Into<String>) -> AreaSource {
        self.sheet = Some(sheet.into());
        self
    }

    /// The name results report for this file.
    pub fn name(&self) -> &str {
        &self.name
    }
}

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

/// A row of a look-up file that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The row number, as a spreadsheet shows it.
    pub row: usize,
    /// The field (`postcode`, `rank`, ...).
    pub field: String,
    /// Why.
    pub reason: String,
}

/// What loading one file did: rows read = rows loaded + rows rejected.
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource};
/// let csv = "pcds,lsoa11cd\nLS1 4AP,E01033010\nnot a postcode,E01033010\n";
/// let (_, r) = AreaIndex::build(&[AreaSource::bytes("l.csv", csv.as_bytes().to_vec())]).unwrap();
/// assert_eq!((r[0].rows_read, r[0].rows_loaded, r[0].rows_rejected), (2, 1, 1));
/// assert_eq!((r[0].rejected[0].row, r[0].rejected[0].field.as_str()), (3, "postcode"));
/// assert_eq!(r[0].kind, "postcodes");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    /// The file (`archive.zip › entry.csv`, `book.xlsx › sheet`).
    pub file: String,
    /// Its kind: `postcodes`, `ofs`, or the index id (`imd2019`, ...).
    pub kind: String,
    /// What it is, in words, with the release where the file name gives one.
    pub description: String,
    /// Non-blank rows below the header.
    pub rows_read: usize,
    /// Rows loaded.
    pub rows_loaded: usize,
    /// Rows not loaded.
    pub rows_rejected: usize,
    /// The first rejected rows (up to 200), with the reason.
    pub rejected: Vec<RejectedRow>,
    /// Ranks files with a decile column: rows whose decile was compared with the one computed
    /// from the rank, and how many differed (the file's own decile is kept).
    pub deciles_checked: usize,
    /// See `deciles_checked`.
    pub deciles_differing: usize,
}

impl LoadReport {
    fn reject(&mut self, row: usize, field: &str, reason: String) {
        self.rows_rejected += 1;
        if self.rejected.len() < 200 {
            self.rejected.push(RejectedRow {
                row,
                field: field.to_string(),
                reason,
            });
        }
    }
}

/// A loaded file as results name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// What it is, in words (`ONS postcode look-up, May 2022`).
    pub description: String,
}

/// The year and month a postcode was terminated.
///
/// ```
/// let t = heat_core::areas::YearMonth { year: 2006, month: 10 };
/// assert_eq!(t.to_string(), "2006-10");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl YearMonth {
    /// From the look-ups' `yyyymm` (`200610`); 0 is "not terminated".
    fn from_code(code: u16) -> Option<YearMonth> {
        (code > 0).then(|| YearMonth {
            year: 1900 + (code - 1) / 12,
            month: ((code - 1) % 12 + 1) as u8,
        })
    }

    /// `yyyymm` text to the stored code, `None` when it is not a month.
    fn parse_code(text: &str) -> Option<u16> {
        let t = text.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = t[..4].parse().ok()?;
        let month: u16 = t[4..].parse().ok()?;
        ((1900..=2999).contains(&year) && (1..=12).contains(&month))
            .then(|| (year - 1900) * 12 + month)
    }
}

/// Where a postcode stands in the loaded look-ups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AreaStatus {
    /// In a look-up and not terminated.
    Live,
    /// In a look-up, terminated (it may have been live when the student's record was made).
    Terminated,
    /// A postcode, but in no loaded look-up.
    Unknown,
    /// Not a postcode (see `problem`).
    Invalid,
}

impl AreaStatus {
    /// `live`, `terminated`, `unknown` or `invalid`.
    ///
    /// ```
    /// assert_eq!(heat_core::areas::AreaStatus::Terminated.as_str(), "terminated");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AreaStatus::Live => "live",
            AreaStatus::Terminated => "terminated",
            AreaStatus::Unknown => "unknown",
            AreaStatus::Invalid => "invalid",
        }
    }
}

/// A nation's own deprivation index for one postcode's area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprivation<'a> {
    /// The index (`IMD 2019`, `SIMD 2020v2`, ...).
    pub index: &'a str,
    /// The area it ranks.
    pub area: &'a str,
    /// Rank, 1 = most deprived.
    pub rank: u32,
    /// Decile, 1 = most deprived tenth.
    pub decile: u8,
    /// IDACI decile (England, when File 7 or another file with IDACI was loaded).
    pub idaci_decile: Option<u8>,
    /// The file that gave the rank.
    pub source: &'a str,
}

impl Deprivation<'_> {
    /// Quintile (1 = most deprived fifth), from the decile.
    ///
    /// ```
    /// let d = heat_core::areas::Deprivation { index: "IMD 2019", area: "E01000001", rank: 29199, decile: 9, idaci_decile: None, source: "f" };
    /// assert_eq!(d.quintile(), 5);
    /// ```
    pub fn quintile(&self) -> u8 {
        self.decile.div_ceil(2)
    }
}

/// The OfS measures of one postcode: quintiles 1–5 (1 = lowest participation), `None` where the
/// look-up gives none, with the look-up's reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OfsMeasures<'a> {
    /// POLAR4 quintile.
    pub polar4: Option<u8>,
    /// POLAR3 quintile.
    pub polar3: Option<u8>,
    /// Why POLAR was removed.
    pub reason_removed_polar: Option<&'a str>,
    /// TUNDRA (MSOA) quintile.
    pub tundra_msoa: Option<u8>,
    /// Why TUNDRA (MSOA) was removed.
    pub reason_removed_tundra_msoa: Option<&'a str>,
    /// TUNDRA (LSOA) quintile.
    pub tundra_lsoa: Option<u8>,
    /// Why TUNDRA (LSOA) was removed.
    pub reason_removed_tundra_lsoa: Option<&'a str>,
    /// Adult HE 2011 quintile.
    pub adult_he_2011: Option<u8>,
    /// Why Adult HE was removed.
    pub reason_removed_adult_he_2011: Option<&'a str>,
    /// GAPS GCSE quintile.
    pub gaps_gcse: Option<u8>,
    /// GAPS GCSE ethnicity quintile.
    pub gaps_gcse_ethnicity: Option<u8>,
    /// Why GAPS was removed.
    pub reason_removed_gaps: Option<&'a str>,
    /// Whether the postcode is in a Uni Connect target ward.
    pub uni_connect_target_ward: Option<bool>,
    /// The look-up's postcode status.
    pub postcode_status: Option<&'a str>,
    /// MSOA, LSOA and CAS ward the OfS file gives.
    pub msoa: Option<&'a str>,
    /// See `msoa`.
    pub lsoa: Option<&'a str>,
    /// See `msoa`.
    pub cas_ward: Option<&'a str>,
    /// The file.
    pub source: &'a str,
}

/// Everything the loaded files say about one postcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaFacts<'a> {
    /// The postcode as normalised (`None` when it is not one).
    pub postcode: Option<Postcode>,
    /// Live, terminated, unknown or invalid.
    pub status: AreaStatus,
    /// Why it is not a postcode (the postcode rule's code), when invalid.
    pub problem: Option<&'static str>,
    /// When it was terminated.
    pub terminated: Option<YearMonth>,
    /// Its nation (`England`, `Wales`, `Scotland`, `Northern Ireland`, `Channel Islands`,
    /// `Isle of Man`).
    pub country: Option<&'static str>,
    /// Output area 2011.
    pub oa11: Option<&'a str>,
    /// LSOA 2011 (Scotland: data zone; Northern Ireland: SOA).
    pub lsoa11: Option<&'a str>,
    /// MSOA 2011 (Scotland: intermediate zone).
    pub msoa11: Option<&'a str>,
    /// Output area 2021.
    pub oa21: Option<&'a str>,
    /// LSOA 2021.
    pub lsoa21: Option<&'a str>,
    /// MSOA 2021.
    pub msoa21: Option<&'a str>,
    /// Local authority district.
    pub lad: Option<&'a str>,
    /// Its name.
    pub lad_name: Option<&'a str>,
    /// The postcode look-up that gave the areas.
    pub area_source: Option<&'a str>,
    /// The nation's own deprivation index.
    pub deprivation: Option<Deprivation<'a>>,
    /// The OfS measures.
    pub ofs: Option<OfsMeasures<'a>>,
    /// Why a measure is missing (never a guess): one line per missing measure.
    pub notes: Vec<Cow<'a, str>>,
}

impl AreaFacts<'_> {
    /// Facts of a value that is not a postcode, with nothing found (the start of every lookup).
    fn unknown() -> Self {
        AreaFacts {
            postcode: None,
            status: AreaStatus::Invalid,
            problem: None,
            terminated: None,
            country: None,
            oa11: None,
            lsoa11: None,
            msoa11: None,
            oa21: None,
            lsoa21: None,
            msoa21: None,
            lad: None,
            lad_name: None,
            area_source: None,
            deprivation: None,
            ofs: None,
            notes: Vec::new(),
        }
    }
}

const NONE: u32 = u32::MAX;

/// The note of a postcode only the OfS look-up holds.
const NOT_IN_LOOKUP: &str = "deprivation: the postcode is in no postcode look-up loaded";

/// Geography codes of a postcode, as ids into the index's strings: OA11, LSOA11, MSOA11, OA21,
/// LSOA21, MSOA21, LAD.
const GEO_FIELDS: [&str; 7] = [
    "oa11", "lsoa11", "msoa11", "oa21", "lsoa21", "msoa21", "lad",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Geo {
    codes: [u32; 7],
    country: u8,
    /// Rank from the look-up's own `imd` column (0 = none), and which index it is.
    imd_rank: u32,
    imd_index: u8,
    source: u8,
}

const QUINTILES: usize = 7;
const REASONS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Ofs {
    /// POLAR4, POLAR3, TUNDRA MSOA, TUNDRA LSOA, Adult HE, GAPS GCSE, GAPS ethnicity (0 = none).
    quintiles: [u8; QUINTILES],
    /// Reasons removed: POLAR, TUNDRA MSOA, TUNDRA LSOA, Adult HE, GAPS (string ids).
    reasons: [u32; REASONS],
    /// 0 = not given, 1 = no, 2 = yes.
    target_ward: u8,
    /// Postcode status, MSOA, LSOA, CAS ward, country (string ids).
    texts: [u32; 5],
    source: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ranked {
    rank: u32,
    decile: u8,
    /// 0 = none.
    idaci_decile: u8,
    source: u8,
}

/// Why a postcode's deprivation index is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    NoIndexFor(u8),
    NoIndexLoaded(u8),
    NoArea(u8),
    NotRanked(u8, u32),
}

/// The nations' names, by the id stored per postcode (0 = not known).
const COUNTRIES: [&str; 7] = [
    "",
    "England",
    "Wales",
    "Scotland",
    "Northern Ireland",
    "Channel Islands",
    "Isle of Man",
];

/// The nation of an area or country code (`E…`, `W…`, `S…`, `N…`/`95…`, `L…`, `M…`) or name.
fn country_of(code: &str) -> u8 {
    let c = code.trim();
    if c.starts_with("95") {
        return 4;
    }
    if let Some(i) = COUNTRIES
        .iter()
        .skip(1)
        .position(|n| n.eq_ignore_ascii_case(c))
    {
        return i as u8 + 1;
    }
    match c.as_bytes().first().map(u8::to_ascii_uppercase) {
        Some(b'E') => 1,
        Some(b'W') => 2,
        Some(b'S') => 3,
        Some(b'N') => 4,
        Some(b'L') => 5,
        Some(b'M') => 6,
        _ => 0,
    }
}

/// A postcode packed into a sortable number: up to seven upper-case letters and digits.
fn pack(compact: &[u8]) -> Option<u64> {
    if !(2..=7).contains(&compact.len()) || !compact.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut key = 0u64;
    for i in 0..7 {
        key = (key << 8) | u64::from(compact.get(i).map_or(0, u8::to_ascii_uppercase));
    }
    Some(key)
}

/// A look-up file's postcode cell as a key (spaces dropped), `None` when it cannot be one.
fn key_of_cell(cell: &str) -> Option<u64> {
    let mut compact = [0u8; 8];
    let mut n = 0;
    for b in cell.bytes().filter(|b| *b != b' ') {
        if n == compact.len() {
            return None;
        }
        compact[n] = b;
        n += 1;
    }
    (n >= 5).then(|| pack(&compact[..n])).flatten()
}

/// The postcode a key packs, in its canonical form.
fn unpack(key: u64) -> String {
    let bytes: Vec<u8> = (0..7)
        .map(|i| ((key >> (8 * (6 - i))) & 0xFF) as u8)
        .filter(|b| *b != 0)
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match Postcode::parse_at(&text, Level::Shape) {
        Ok(p) => p.to_string(),
        Err(_) => text,
    }
}

/// Postcodes and their areas and measures, built from a team's look-up files. Build once with
/// [`AreaIndex::build`], [`save`](AreaIndex::save) it, [`load`](AreaIndex::load) it where it is
/// used, and [`lookup`](AreaIndex::lookup) or [`enrich_postcodes`].
#[derive(Debug, Clone, Default)]
pub struct AreaIndex {
    strings: Texts,
    keys: Vec<u64>,
    /// Each postcode's geography, OfS row and termination, in key order (one place: one cache
    /// miss, not three).
    entries: Vec<Entry>,
    geos: Vec<Geo>,
    ofs_rows: Vec<Ofs>,
    /// (area code id, index position, rank), sorted.
    ranks: Vec<(u32, u8, Ranked)>,
    /// (area code id, name id), sorted.
    names: Vec<(u32, u32)>,
    sources: Vec<SourceInfo>,
    /// Derived at build and load: the distinct notes of geographies without deprivation.
    missing_notes: Vec<String>,
    /// Derived at build and load: positions of the keys by hash (open addressing), so a
    /// lookup costs a cache miss or two instead of a binary search's twenty.
    slots: Vec<Slot>,
    /// Derived at build and load: what a lookup reads about each geography, in one place.
    views: Vec<GeoView>,
    /// Derived at build and load: whether an OfS look-up was loaded.
    has_ofs: bool,
}

/// How to find a value in the index once it is read.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Look this key up.
    Key(u64),
    /// Already found: its entry.
    Found(Entry),
    /// Nothing to look up (not a postcode).
    Done,
}

/// Everything a lookup reads about one geography, in one place (one or two cache lines, where
/// the tables it is made from would cost a cache miss each).
#[derive(Debug, Clone, Copy, Default)]
struct GeoView {
    /// Spans of the text buffer: the seven codes, the LAD's name, the ranked area.
    spans: [(u32, u32); 9],
    country: u8,
    source: u8,
    /// The deprivation index (position in [`DeprivationIndex::all`]), `u8::MAX` for none.
    index: u8,
    ranked: Option<Ranked>,
    /// Why there is no deprivation: a position in `missing_notes`, `NONE` for none.
    note: u32,
}

/// A value read, before the index is visited.
#[derive(Debug, Clone, Copy)]
struct ReadValue {
    postcode: Option<Postcode>,
    problem: Option<&'static str>,
    /// Found as written, not in today's shape.
    legacy: bool,
    step: Step,
}

/// One postcode's geography, OfS row and termination code.
#[derive(Debug, Clone, Copy)]
struct Entry {
    geo: u32,
    ofs: u32,
    terminated: u16,
}

/// A slot of the hash table of keys: the key and its entry together, so that finding a postcode
/// reads one place in memory, not the slot and then the entry.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u64,
    entry: Entry,
}

/// An empty slot (no postcode packs to key 0: a key holds at least two letters or digits).
const EMPTY_SLOT: Slot = Slot {
    key: 0,
    entry: Entry {
        geo: NONE,
        ofs: NONE,
        terminated: 0,
    },
};

/// Interned texts in one buffer, each id's bytes beside the ids made with it (a geography's
/// codes are interned together, so reading them touches one or two cache lines).
#[derive(Debug, Clone, Default)]
struct Texts {
    buffer: String,
    ends: Vec<u32>,
}

impl Texts {
    fn from_strings(strings: &[String]) -> Texts {
        let mut t = Texts::default();
        for s in strings {
            t.push(s);
        }
        t
    }

    fn push(&mut self, s: &str) {
        self.buffer.push_str(s);
        self.ends.push(self.buffer.len() as u32);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, id: usize) -> Option<&str> {
        let end = *self.ends.get(id)? as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        self.buffer.get(start..end)
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// The slot of a key in a table of `1 << bits` slots.
#[inline]
fn slot_of(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl AreaIndex {
    /// Builds an index from look-up files (each file's kind is found from its header). Returns
    /// the index and one [`LoadReport`] per file.
    ///
    /// ```
    /// use heat_core::{areas::{AreaIndex, AreaSource}, HeatError};
    /// let e = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,lsoa11cd\nLS1 4AP,E01\nLS14AP,E02\n".to_vec())]).unwrap_err();
    /// assert_eq!(e.code(), "conflicting_postcode");
    /// assert_eq!(e.to_string(), "l.csv: postcode LS1 4AP is given twice with different areas (rows 2 and 3)");
    /// ```
    pub fn build(sources: &[AreaSource]) -> Result<(AreaIndex, Vec<LoadReport>), AreaError> {
        AreaIndex::build_with(sources, FileFormats::embedded())
    }

    /// [`AreaIndex::build`] reading columns by the formats given (a user's `columns.csv`).
    pub fn build_with(
        sources: &[AreaSource],
        formats: &FileFormats,
    ) -> Result<(AreaIndex, Vec<LoadReport>), AreaError> {
        build::build(sources, formats)
    }

    /// How many postcodes the index holds.
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource};
    /// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
    /// assert_eq!(i.len(), 1);
    /// assert!(!i.is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the index holds no postcodes (it may still hold ranks).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The files the index was built from.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    fn text(&self, id: u32) -> Option<&str> {
        if id == NONE {
            return None;
        }
        self.strings.get(id as usize)
    }

    fn source_name(&self, id: u8) -> &str {
        self.sources
            .get(id as usize)
            .map_or("", |s| s.name.as_str())
    }

    fn rank_of(&self, code: u32, index: u8) -> Option<Ranked> {
        self.ranks
            .binary_search_by_key(&(code, index), |(c, i, _)| (*c, *i))
            .ok()
            .map(|i| self.ranks[i].2)
    }

    /// Works out each geography's deprivation (after build and load).
    fn resolve(&mut self) {
        self.index_keys();
        self.has_ofs = self.sources.iter().any(|s| s.kind == "ofs");
        let loaded: Vec<u8> = {
            let mut v: Vec<u8> = self.ranks.iter().map(|(_, i, _)| *i).collect();
            v.dedup();
            v.sort_unstable();
            v.dedup();
            v
        };
        let resolved: Vec<Result<(u8, u32, Ranked), Missing>> = self
            .geos
            .iter()
            .map(|g| self.resolve_geo(g, &loaded))
            .collect();
        let span = |t: &Texts, id: u32| -> (u32, u32) {
            let i = id as usize;
            match (id != NONE).then(|| t.ends.get(i)).flatten() {
                Some(end) => (if i == 0 { 0 } else { t.ends[i - 1] }, *end),
                None => (0, 0),
            }
        };
        let mut notes: Vec<String> = Vec::new();
        let mut views = Vec::with_capacity(self.geos.len());
        for (g, r) in self.geos.iter().zip(&resolved) {
            let mut v = GeoView {
                country: g.country,
                source: g.source,
                index: u8::MAX,
                note: NONE,
                ..GeoView::default()
            };
            for (slot, code) in v.spans.iter_mut().zip(g.codes) {
                *slot = span(&self.strings, code);
            }
            let name = self
                .names
                .binary_search_by_key(&g.codes[6], |(c, _)| *c)
                .map_or(NONE, |i| self.names[i].1);
            v.spans[7] = span(&self.strings, name);
            match r {
                Ok((index, area, ranked)) => {
                    v.spans[8] = span(&self.strings, *area);
                    v.index = *index;
                    v.ranked = Some(*ranked);
                }
                Err(m) => {
                    let text = self.describe_missing(*m);
                    v.note = match notes.iter().position(|n| *n == text) {
                        Some(i) => i as u32,
                        None => {
                            notes.push(text);
                            notes.len() as u32 - 1
                        }
                    };
                }
            }
            views.push(v);
        }
        self.views = views;
        self.missing_notes = notes;
    }

    /// Fills the hash table of keys and their entries (load factor at most 2/3).
    fn index_keys(&mut self) {
        let bits = (self.keys.len() * 3 / 2)
            .max(16)
            .next_power_of_two()
            .trailing_zeros();
        let mask = (1usize << bits) - 1;
        let mut slots = vec![EMPTY_SLOT; 1 << bits];
        for (&key, &entry) in self.keys.iter().zip(&self.entries) {
            let mut at = slot_of(key, bits);
            while slots[at].key != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = Slot { key, entry };
        }
        self.slots = slots;
    }

    /// The entry of a key, if the index holds it.
    #[inline]
    fn entry(&self, key: u64) -> Option<Entry> {
        let bits = self.slots.len().trailing_zeros();
        if bits == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = slot_of(key, bits);
        loop {
            let slot = *self.slots.get(at)?;
            if slot.key == 0 {
                return None;
            }
            if slot.key == key {
                return Some(slot.entry);
            }
            at = (at + 1) & mask;
        }
    }

    fn resolve_geo(&self, g: &Geo, loaded: &[u8]) -> Result<(u8, u32, Ranked), Missing> {
        let nation = COUNTRIES[g.country as usize % COUNTRIES.len()];
        let indices: Vec<(u8, &DeprivationIndex)> = DeprivationIndex::all()
            .iter()
            .enumerate()
            .filter(|(_, d)| d.nation == nation)
            .map(|(i, d)| (i as u8, d))
            .collect();
        if indices.is_empty() {
            return Err(Missing::NoIndexFor(g.country));
        }
        let mut first_missing = None;
        for &(i, d) in &indices {
            if !loaded.contains(&i) {
                continue;
            }
            let code = match d.postcode_column.as_str() {
                "lsoa21" => g.codes[4],
                _ => g.codes[1],
            };
            if code == NONE {
                first_missing.get_or_insert(Missing::NoArea(i));
                continue;
            }
            match self.rank_of(code, i) {
                Some(r) => return Ok((i, code, r)),
                None => {
                    first_missing.get_or_insert(Missing::NotRanked(i, code));
                }
            }
        }
        if g.imd_rank > 0 {
            if let Some(d) = DeprivationIndex::all().get(g.imd_index as usize) {
                let code = match d.postcode_column.as_str() {
                    "lsoa21" => g.codes[4],
                    _ => g.codes[1],
                };
                let ranked = Ranked {
                    rank: g.imd_rank,
                    decile: d.decile(g.imd_rank),
                    idaci_decile: 0,
                    source: g.source,
                };
                if ranked.decile > 0 {
                    return Ok((g.imd_index, code, ranked));
                }
            }
        }
        Err(first_missing.unwrap_or(Missing::NoIndexLoaded(indices[0].0)))
    }

    fn describe_missing(&self, m: Missing) -> String {
        let index = |i: u8| DeprivationIndex::all().get(i as usize);
        match m {
            Missing::NoIndexFor(c) => format!(
                "deprivation: no index covers {}",
                match COUNTRIES[c as usize % COUNTRIES.len()] {
                    "" => "an unknown nation",
                    n => n,
                }
            ),
            Missing::NoIndexLoaded(i) => index(i).map_or_else(String::new, |d| {
                let names: Vec<&str> = DeprivationIndex::all()
                    .iter()
                    .filter(|x| x.nation == d.nation)
                    .map(|x| x.name.as_str())
                    .collect();
                format!(
                    "deprivation: no {} ranks file loaded ({})",
                    d.nation,
                    names.join(" or ")
                )
            }),
            Missing::NoArea(i) => index(i).map_or_else(String::new, |d| {
                format!(
                    "deprivation: the postcode look-up gives no {} for this postcode",
                    d.area_unit
                )
            }),
            Missing::NotRanked(i, code) => index(i).map_or_else(String::new, |d| {
                format!(
                    "deprivation: {} is not ranked in {}",
                    self.text(code).unwrap_or(""),
                    d.name
                )
            }),
        }
    }

    /// Everything the loaded files say about one postcode (normalised first: case and spaces
    /// do not matter). Measures that are missing say why in `notes`.
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource, AreaStatus};
    /// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,lsoa11cd\nCF10 1AA,W01001939\n".to_vec())]).unwrap();
    /// let f = i.lookup("cf10 1aa");
    /// assert_eq!((f.status, f.country), (AreaStatus::Live, Some("Wales")));
    /// assert_eq!(f.notes, vec!["deprivation: no Wales ranks file loaded (WIMD 2019)", "OfS measures: no OfS look-up loaded"]);
    /// let bad = i.lookup("CF10");
    /// assert_eq!((bad.status, bad.problem), (AreaStatus::Invalid, Some("too_short")));
    /// ```
    pub fn lookup(&self, input: &str) -> AreaFacts<'_> {
        let read = self.read(input);
        let entry = match read.step {
            Step::Key(key) => self.entry(key),
            Step::Found(entry) => Some(entry),
            Step::Done => None,
        };
        self.facts(read, entry)
    }

    /// What the value alone says, and how to find it in the index.
    fn read(&self, input: &str) -> ReadValue {
        match Postcode::parse_at(input, Level::Shape) {
            Ok(postcode) => {
                let mut compact = [0u8; 8];
                let mut n = 0;
                for b in postcode.as_str().bytes().filter(|b| *b != b' ') {
                    compact[n.min(7)] = b;
                    n += 1;
                }
                ReadValue {
                    postcode: Some(postcode),
                    problem: None,
                    legacy: false,
                    step: pack(&compact[..n.min(8)]).map_or(Step::Done, Step::Key),
                }
            }
            Err(e) => {
                // Old forms the look-ups still hold (NPT 0AE, from before Newport's NP): found
                // as written, and said so.
                let found =
                    key_of_cell(&input.trim().to_ascii_uppercase()).and_then(|k| self.entry(k));
                ReadValue {
                    postcode: None,
                    problem: found.is_none().then(|| e.code()),
                    legacy: found.is_some(),
                    step: found.map_or(Step::Done, Step::Found),
                }
            }
        }
    }

    /// Reads the geography, OfS row and texts the entries lead to, so that the facts read
    /// next find them in the cache (each read independent of the others; the sum is only
    /// there so the reads are not left out).
    fn touch(&self, entries: &[Option<Entry>]) -> u64 {
        let mut sum = 0u64;
        for e in entries.iter().flatten() {
            if let Some(v) = self.views.get(e.geo as usize) {
                sum += u64::from(v.country) + u64::from(v.note);
            }
            if let Some(o) = self.ofs_rows.get(e.ofs as usize) {
                sum += u64::from(o.source);
            }
        }
        let bytes = self.strings.buffer.as_bytes();
        for e in entries.iter().flatten() {
            if let Some(v) = self.views.get(e.geo as usize) {
                let (first, last) = (v.spans[0].0 as usize, v.spans[6].1 as usize);
                sum += u64::from(bytes.get(first).copied().unwrap_or(0));
                sum += u64::from(bytes.get(last.saturating_sub(1)).copied().unwrap_or(0));
            }
        }
        sum
    }

    /// Every fact about a value read, from its entry in the index (`None`: not in it).
    fn facts(&self, read: ReadValue, entry: Option<Entry>) -> AreaFacts<'_> {
        let mut facts = AreaFacts::unknown();
        self.facts_into(&mut facts, read, entry);
        facts
    }

    /// [`AreaIndex::facts`] written over `facts` (its notes' room kept: no allocation per row).
    fn facts_into<'a>(&'a self, facts: &mut AreaFacts<'a>, read: ReadValue, entry: Option<Entry>) {
        let mut notes = std::mem::take(&mut facts.notes);
        notes.clear();
        *facts = AreaFacts {
            postcode: read.postcode,
            problem: read.problem,
            notes,
            ..AreaFacts::unknown()
        };
        if read.legacy {
            facts.notes.push(Cow::Borrowed(
                "not in today's postcode shape; found in the look-up as written",
            ));
        }
        if !matches!(read.step, Step::Done) {
            self.fill_entry(facts, entry);
        }
    }

    /// The facts from the postcode's entry in the index (`None`: not in it).
    fn fill_entry<'a>(&'a self, facts: &mut AreaFacts<'a>, entry: Option<Entry>) {
        let Some(entry) = entry else {
            facts.status = AreaStatus::Unknown;
            facts.notes.push(Cow::Borrowed(
                "the postcode is in no look-up loaded (a new postcode, or a mistyped one)",
            ));
            return;
        };
        facts.terminated = YearMonth::from_code(entry.terminated);
        facts.status = if facts.terminated.is_some() {
            AreaStatus::Terminated
        } else {
            AreaStatus::Live
        };
        match self.views.get(entry.geo as usize) {
            Some(v) => {
                let code = |k: usize| {
                    let (a, b) = v.spans[k];
                    (b > a)
                        .then(|| self.strings.buffer.get(a as usize..b as usize))
                        .flatten()
                };
                facts.oa11 = code(0);
                facts.lsoa11 = code(1);
                facts.msoa11 = code(2);
                facts.oa21 = code(3);
                facts.lsoa21 = code(4);
                facts.msoa21 = code(5);
                facts.lad = code(6);
                facts.lad_name = code(7);
                facts.country =
                    Some(COUNTRIES[v.country as usize % COUNTRIES.len()]).filter(|c| !c.is_empty());
                facts.area_source = Some(self.source_name(v.source));
                if let Some(r) = v.ranked {
                    facts.deprivation = Some(Deprivation {
                        index: DeprivationIndex::all()
                            .get(v.index as usize)
                            .map_or("", |d| d.name.as_str()),
                        area: code(8).unwrap_or(""),
                        rank: r.rank,
                        decile: r.decile,
                        idaci_decile: (r.idaci_decile > 0).then_some(r.idaci_decile),
                        source: self.source_name(r.source),
                    });
                } else if let Some(note) = self.missing_notes.get(v.note as usize) {
                    facts.notes.push(Cow::Borrowed(note));
                }
            }
            None => facts.notes.push(Cow::Borrowed(NOT_IN_LOOKUP)),
        }
        let ofs_id = entry.ofs;
        match self.ofs_rows.get(ofs_id as usize) {
            Some(o) => {
                let m = self.ofs_measures(o);
                if facts.country.is_none() {
                    facts.country = self
                        .text(o.texts[4])
                        .map(country_of)
                        .filter(|c| *c > 0)
                        .map(|c| COUNTRIES[c as usize]);
                }
                self.note_removed(&m, &mut facts.notes);
                facts.ofs = Some(m);
            }
            None => facts.notes.push(Cow::Borrowed(if self.has_ofs {
                "OfS measures: the postcode is not in the OfS look-up"
            } else {
                "OfS measures: no OfS look-up loaded"
            })),
        }
    }

    fn ofs_measures(&self, o: &Ofs) -> OfsMeasures<'_> {
        let q = |k: usize| (o.quintiles[k] > 0).then_some(o.quintiles[k]);
        let r = |k: usize| self.text(o.reasons[k]);
        OfsMeasures {
            polar4: q(0),
            polar3: q(1),
            reason_removed_polar: r(0),
            tundra_msoa: q(2),
            reason_removed_tundra_msoa: r(1),
            tundra_lsoa: q(3),
            reason_removed_tundra_lsoa: r(2),
            adult_he_2011: q(4),
            reason_removed_adult_he_2011: r(3),
            gaps_gcse: q(5),
            gaps_gcse_ethnicity: q(6),
            reason_removed_gaps: r(4),
            uni_connect_target_ward: match o.target_ward {
                1 => Some(false),
                2 => Some(true),
                _ => None,
            },
            postcode_status: self.text(o.texts[0]),
            msoa: self.text(o.texts[1]),
            lsoa: self.text(o.texts[2]),
            cas_ward: self.text(o.texts[3]),
            source: self.source_name(o.source),
        }
    }

    /// A note for each OfS quintile the look-up leaves blank, with its reason.
    fn note_removed<'a>(&'a self, m: &OfsMeasures<'a>, notes: &mut Vec<Cow<'a, str>>) {
        let measures = [
            ("POLAR4", m.polar4, m.reason_removed_polar),
            ("TUNDRA MSOA", m.tundra_msoa, m.reason_removed_tundra_msoa),
            ("TUNDRA LSOA", m.tundra_lsoa, m.reason_removed_tundra_lsoa),
            (
                "Adult HE 2011",
                m.adult_he_2011,
                m.reason_removed_adult_he_2011,
            ),
        ];
        for (name, quintile, reason) in measures {
            if quintile.is_none() {
                notes.push(Cow::Owned(match reason {
                    Some(r) => format!("{name}: removed by OfS ({r})"),
                    None => format!("{name}: the OfS look-up gives no quintile and no reason"),
                }));
            }
        }
    }

    /// What this index is built from, one line per file, for a summary.
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource};
    /// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
    /// assert_eq!(i.describe(), "1 postcodes from: l.csv (ONS postcode look-up)");
    /// ```
    pub fn describe(&self) -> String {
        let files: Vec<String> = self
            .sources
            .iter()
            .map(|s| format!("{} ({})", s.name, s.description))
            .collect();
        format!("{} postcodes from: {}", self.len(), files.join("; "))
    }

    /// The rank, decile and source of one area in one index, if loaded (for checks).
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource};
    /// let (i, _) = AreaIndex::build(&[AreaSource::bytes("n.csv", {
    ///     let mut s = String::from("SOA2001,MDM_rank\n");
    ///     for r in 1..=890 { s += &format!("95X{r},{r}\n"); }
    ///     s.into_bytes()
    /// })]).unwrap();
    /// assert_eq!(i.area_rank("nimdm2017", "95X90"), Some((90, 2)));
    /// ```
    pub fn area_rank(&self, index: &str, area: &str) -> Option<(u32, u8)> {
        let i = DeprivationIndex::position(index)?;
        let code = self.strings.iter().position(|s| s == area)?;
        self.rank_of(u32::try_from(code).ok()?, i)
            .map(|r| (r.rank, r.decile))
    }
}

/// Looks up many postcodes at once (in parallel): one [`AreaFacts`] per value, in order.
///
/// ```
/// use heat_core::areas::{enrich_postcodes, AreaIndex, AreaSource};
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
/// let out = enrich_postcodes(&["LS1 4AP", "", "ls14ap"], &i);
/// assert_eq!(out.iter().map(|f| f.status.as_str()).collect::<Vec<_>>(), ["live", "invalid", "live"]);
/// ```
pub fn enrich_postcodes<'a, S: AsRef<str> + Sync>(
    values: &[S],
    index: &'a AreaIndex,
) -> Vec<AreaFacts<'a>> {
    use rayon::prelude::*;
    values
        .par_chunks(1 << 15)
        .flat_map_iter(|chunk| {
            let mut out = Vec::with_capacity(chunk.len());
            enrich_each(chunk, index, |facts| out.push(facts.clone()));
            out
        })
        .collect()
}

/// [`enrich_postcodes`] showing each value's facts to `each` (one value reused, so a row costs no
/// allocation), in order, on this thread (for
/// callers that write them out at once and need not hold them all).
///
/// ```
/// use heat_core::areas::{enrich_each, AreaIndex, AreaSource};
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
/// let mut lads = Vec::new();
/// enrich_each(&["ls1 4ap", "M1 1AD"], &i, |f| lads.push(f.lad));
/// assert_eq!(lads, [Some("E08000035"), None]);
/// ```
pub fn enrich_each<'a, S: AsRef<str>>(
    values: &[S],
    index: &'a AreaIndex,
    mut each: impl FnMut(&AreaFacts<'a>),
) {
    // The index is far larger than the caches, so a lookup mostly waits for memory. Values
    // are found a group at a time in steps (key → position → entry → geography → its texts),
    // each step's reads independent of one another: the processor overlaps their waits, and
    // each step brings into the cache what the next one reads.
    const GROUP: usize = 512;
    let mut reads: Vec<ReadValue> = Vec::with_capacity(GROUP);
    let mut found: Vec<Option<Entry>> = Vec::with_capacity(GROUP);
    let mut facts = AreaFacts::unknown();
    for group in values.chunks(GROUP) {
        reads.clear();
        reads.extend(group.iter().map(|v| index.read(v.as_ref())));
        found.clear();
        found.extend(reads.iter().map(|r| match r.step {
            Step::Key(k) => index.entry(k),
            Step::Found(entry) => Some(entry),
            Step::Done => None,
        }));
        std::hint::black_box(index.touch(&found));
        for (read, entry) in reads.drain(..).zip(found.drain(..)) {
            index.facts_into(&mut facts, read, entry);
            each(&facts);
        }
    }
}

/// Counts of a set of areas, for reports: how many postcodes fall in each quintile.
///
/// ```
/// assert_eq!(heat_core::areas::quintile_shares(&[Some(1), Some(2), Some(5), None]), ([1, 1, 0, 0, 1], 1));
/// ```
pub fn quintile_shares(quintiles: &[Option<u8>]) -> ([usize; 5], usize) {
    let mut counts = [0usize; 5];
    let mut missing = 0;
    for q in quintiles {
        match q {
            Some(q @ 1..=5) => counts[*q as usize - 1] += 1,
            _ => missing += 1,
        }
    }
    (counts, missing)
}
