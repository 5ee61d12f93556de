//! What a look-up says about one postcode: its status, areas, deprivation and OfS measures.

use std::borrow::Cow;

use super::{
    country_of, AreaIndex, DeprivationIndex, Entry, Geo, Missing, Ofs, Ranked, ReadValue, Step,
    COUNTRIES, NONE, NOT_IN_LOOKUP,
};
use crate::postcode::Postcode;

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
    pub(super) fn from_code(code: u16) -> Option<YearMonth> {
        (code > 0).then(|| YearMonth {
            year: 1900 + (code - 1) / 12,
            month: ((code - 1) % 12 + 1) as u8,
        })
    }

    /// `yyyymm` text to the stored code, `None` when it is not a month.
    pub(super) fn parse_code(text: &str) -> Option<u16> {
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
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource, AreaStatus};
/// let csv = b"pcds,doterm,ladcd\nLS1 4AP,,E08000035\nLS1 9ZZ,200912,E08000035\n";
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", csv.to_vec())]).unwrap();
/// let status = |p: &str| i.lookup(p).status;
/// assert_eq!((status("LS1 4AP"), status("LS1 9ZZ"), status("M1 1AE"), status("M1")),
///            (AreaStatus::Live, AreaStatus::Terminated, AreaStatus::Unknown, AreaStatus::Invalid));
/// ```
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
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource};
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
/// assert_eq!(i.lookup("LS1 4AP").deprivation, None); // no ranks file loaded
/// ```
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
///
/// ```
/// use heat_core::areas::OfsMeasures;
/// let none = OfsMeasures::default();
/// assert_eq!((none.polar4, none.polar3), (None, None));
/// ```
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
///
/// ```
/// use heat_core::areas::{AreaIndex, AreaSource};
/// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,ladcd\nLS1 4AP,E08000035\n".to_vec())]).unwrap();
/// let f = i.lookup("ls14ap");
/// assert_eq!((f.postcode.map(|p| p.to_string()), f.lad), (Some("LS1 4AP".to_string()), Some("E08000035")));
/// ```
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
    pub(super) fn unknown() -> Self {
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

/// Filling in a postcode's facts from the index.
impl AreaIndex {
    pub(super) fn resolve_geo(&self, g: &Geo, loaded: &[u8]) -> Result<(u8, u32, Ranked), Missing> {
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

    pub(super) fn describe_missing(&self, m: Missing) -> String {
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

    /// Every fact about a value read, from its entry in the index (`None`: not in it).
    pub(super) fn facts(&self, read: ReadValue, entry: Option<Entry>) -> AreaFacts<'_> {
        let mut facts = AreaFacts::unknown();
        self.facts_into(&mut facts, read, entry);
        facts
    }

    /// [`AreaIndex::facts`] written over `facts` (its notes' room kept: no allocation per row).
    pub(super) fn facts_into<'a>(
        &'a self,
        facts: &mut AreaFacts<'a>,
        read: ReadValue,
        entry: Option<Entry>,
    ) {
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
    pub(super) fn fill_entry<'a>(&'a self, facts: &mut AreaFacts<'a>, entry: Option<Entry>) {
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

    pub(super) fn ofs_measures(&self, o: &Ofs) -> OfsMeasures<'_> {
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
    pub(super) fn note_removed<'a>(&'a self, m: &OfsMeasures<'a>, notes: &mut Vec<Cow<'a, str>>) {
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
}
