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
#[cfg(feature = "arrow")]
pub mod columns;
mod error;
mod facts;
mod formats;
#[cfg(feature = "arrow")]
mod interned;
mod read;
mod store;

pub use error::AreaError;
pub use facts::{AreaFacts, AreaStatus, Deprivation, OfsMeasures, YearMonth};

use std::path::{Path, PathBuf};

use crate::postcode::{Level, Postcode};
use crate::HeatError;

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
    ///
    /// ```
    /// use heat_core::areas::AreaSource;
    /// assert_eq!(AreaSource::file("downloads/NSPL_MAY_2022_UK.csv").name(), "NSPL_MAY_2022_UK.csv");
    /// ```
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
    ///
    /// ```
    /// use heat_core::areas::AreaSource;
    /// assert_eq!(AreaSource::bytes("l.csv", Vec::new()).name(), "l.csv");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A row of a look-up file that was not loaded, and why.
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource};
/// let (_, r) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\nnot a postcode,E08000035\n".to_vec())]).unwrap();
/// assert_eq!((r[0].rejected[0].row, r[0].rejected[0].reason.as_str()), (3, "\"not a postcode\" is not a postcode"));
/// ```
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
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource};
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
/// assert_eq!((i.sources()[0].name.as_str(), i.sources()[0].kind.as_str()), ("l.csv", "postcodes"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// What it is, in words (`ONS postcode look-up, May 2022`).
    pub description: String,
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
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource};
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
/// assert_eq!(i.lookup("ls1 4ap").lad, Some("E08000035"));
/// ```
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
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource, FileFormats};
    /// let source = AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec());
    /// let (i, _) = AreaIndex::build_with(&[source], FileFormats::embedded()).unwrap();
    /// assert_eq!(i.len(), 1);
    /// ```
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
    ///
    /// ```
    /// assert!(heat_core::areas::AreaIndex::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The files the index was built from.
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource};
    /// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
    /// assert_eq!(i.sources().len(), 1);
    /// ```
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
