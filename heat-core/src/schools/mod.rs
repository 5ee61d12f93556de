//! Schools by name: a school typed as a name (`St Mary's C of E High`, `Castle Hill School
//! (Leeds)`) found in the team's own Get Information About Schools (GIAS) extract, and its HEAT
//! institution id in the member's HEAT institution export. A name matches when it is the same
//! after tidying (case, accents, punctuation, `St`/`Saint`, `C of E`/`CE`, `RC`, `&`/`and`), the
//! same once generic words (`school`, `academy`, `the`) are left out, or spelt close to one
//! school's name. The whole name typed is tried before a comma or bracket suffix is read as a
//! place, and a suffix narrows the candidates only when it is a postcode or a place the extract
//! names; among open schools that fit equally, the student's home postcode can pick the nearest
//! ([`SchoolDirectory::find_near`]). Only an id, an exact or a tidied name is certain
//! ([`SchoolMatch::is_certain`]); two open schools that fit, or only a closed one, are never a
//! silent guess: the result lists the candidates.
//!
//! ```
//! use heat_core::schools::{SchoolDirectory, SchoolMatch};
//! let gias = "URN,EstablishmentName,LA (code),EstablishmentNumber,Postcode,Town,EstablishmentStatus (name),PhaseOfEducation (name)\n\
//!             107956,St Mary's Catholic High School,383,4001,LS1 4AP,Leeds,Open,Secondary\n\
//!             107957,Castle Hill School,383,4002,LS6 2AB,Leeds,Closed,Secondary\n\
//!             149999,Castle Hill Academy,383,4003,LS6 2AB,Leeds,Open,Secondary\n";
//! let schools = SchoolDirectory::from_gias(gias.as_bytes()).unwrap();
//! match schools.find("st marys catholic high") {
//!     SchoolMatch::Found { school, .. } => assert_eq!(school.laestab.as_deref(), Some("3834001")),
//!     other => panic!("{other:?}"),
//! }
//! // The closed school is not taken: the open one of the same name is listed beside it.
//! let SchoolMatch::Closed { school, open } = schools.find("Castle Hill School") else { panic!() };
//! assert_eq!((school.urn.as_str(), open[0].urn.as_str()), ("107957", "149999"));
//! ```

use crate::error::codes;
use std::collections::HashMap;

use serde::Serialize;

use crate::import::{
    header_key, read_table, read_table_file, ImportFileError, SheetText, MAX_TITLE_ROWS,
};
use crate::names::normalise_name;
use crate::postcode::Postcode;

mod read;
mod spellings;
use spellings::Spellings;

/// One school or college.
///
/// ```
/// use heat_core::schools::SchoolDirectory;
/// let d = SchoolDirectory::from_gias(
///     b"URN,EstablishmentName,Town,Postcode\n107983,Leeds Grammar School,Leeds,LS17 8GS\n",
/// ).unwrap();
/// let school = d.by_id("107983").unwrap();
/// assert_eq!((school.town.as_deref(), school.postcode.as_deref(), school.open), (Some("Leeds"), Some("LS17 8GS"), true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct School {
    /// Its URN (GIAS), blank for an institution known only to HEAT.
    pub urn: String,
    /// Its LAESTAB (3-digit LA code and 4-digit establishment number), when GIAS gives both.
    pub laestab: Option<String>,
    /// Its HEAT institution id, when the HEAT export gives it (as HEAT shows it, `#` + digits).
    pub heat_id: Option<String>,
    /// Its name as GIAS (or HEAT) spells it.
    pub name: String,
    /// Its postcode.
    pub postcode: Option<String>,
    /// Its town.
    pub town: Option<String>,
    /// Open (GIAS status `Open` or `Open, but proposed to close`; an institution only in the
    /// HEAT export counts as open).
    pub open: bool,
    /// Its phase of education (`Primary`, `Secondary`, `16 plus`...).
    pub phase: Option<String>,
}

impl School {
    /// The id heatkit writes for it: the HEAT id when known, else the URN.
    ///
    /// ```
    /// let mut s = heat_core::schools::School { urn: "107956".into(), laestab: None, heat_id: None,
    ///     name: "Leeds High".into(), postcode: None, town: None, open: true, phase: None };
    /// assert_eq!(s.id(), "107956");
    /// s.heat_id = Some("#012345".into());
    /// assert_eq!(s.id(), "#012345");
    /// ```
    pub fn id(&self) -> &str {
        self.heat_id.as_deref().unwrap_or(&self.urn)
    }

    /// Name, id, town and postcode, for a message listing candidates.
    ///
    /// ```
    /// let s = heat_core::schools::School { urn: "107956".into(), laestab: None, heat_id: None,
    ///     name: "Leeds High".into(), postcode: Some("LS1 4AP".into()), town: Some("Leeds".into()),
    ///     open: false, phase: None };
    /// assert_eq!(s.describe(), "Leeds High (107956, Leeds, LS1 4AP, closed)");
    /// ```
    pub fn describe(&self) -> String {
        let mut parts = vec![self.id().to_string()];
        parts.extend(self.town.iter().cloned());
        parts.extend(self.postcode.iter().cloned());
        if !self.open {
            parts.push("closed".into());
        }
        format!("{} ({})", self.name, parts.join(", "))
    }
}

/// How a name reached its school: the reason written beside every school found by name. Only
/// [`NameMatch::Id`], [`NameMatch::Exact`] and [`NameMatch::Tidied`] are certain; the others
/// are a choice a person should check.
///
/// ```
/// use heat_core::schools::{NameMatch, SchoolDirectory, SchoolMatch};
/// let d = SchoolDirectory::from_gias(b"URN,EstablishmentName,Town,Postcode\n1,Leeds High,Leeds,LS6 2AB\n2,Leeds High,Otley,LS21 1AA\n3,St Mary's School,Leeds,LS1 4AP\n").unwrap();
/// let how = |typed: &str| match d.find(typed) { SchoolMatch::Found { how, .. } => Some(how), _ => None };
/// assert_eq!((how("St Mary's School"), how("st marys school"), how("St Mary's")),
///            (Some(NameMatch::Exact), Some(NameMatch::Tidied), Some(NameMatch::WithoutGenericWords)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMatch {
    /// Typed as an id the directory holds (URN, LAESTAB or HEAT id).
    Id,
    /// Typed exactly as the register spells it (spaces at the ends aside).
    Exact,
    /// The same name once tidied (case, accents, punctuation, `St`, `C of E`, `&`).
    Tidied,
    /// The same once generic words (`school`, `academy`, `the`) are left out.
    WithoutGenericWords,
    /// Spelt close to the school's name.
    CloseSpelling,
}

codes!(NameMatch {
    Self::Id => "id",
    Self::Exact => "exact",
    Self::Tidied => "tidied",
    Self::WithoutGenericWords => "without_generic_words",
    Self::CloseSpelling => "close_spelling",
});

impl NameMatch {
    /// The reason as a stable code (`exact`, `tidied`, `without_generic_words`, ...).
    ///
    /// ```
    /// use heat_core::schools::NameMatch;
    /// assert_eq!(NameMatch::WithoutGenericWords.code(), "without_generic_words");
    /// assert!(NameMatch::Tidied.is_certain() && !NameMatch::CloseSpelling.is_certain());
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }

    /// Whether a school reached this way can be written without a person checking it.
    ///
    /// ```
    /// use heat_core::schools::NameMatch;
    /// assert!(NameMatch::Exact.is_certain() && !NameMatch::WithoutGenericWords.is_certain());
    /// ```
    pub fn is_certain(self) -> bool {
        matches!(self, NameMatch::Id | NameMatch::Exact | NameMatch::Tidied)
    }

    /// The reason in words, for messages.
    ///
    /// ```
    /// assert_eq!(heat_core::schools::NameMatch::CloseSpelling.describe(), "a close spelling");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            NameMatch::Id => "its number",
            NameMatch::Exact => "the exact name",
            NameMatch::Tidied => "the same name once tidied",
            NameMatch::WithoutGenericWords => "the same name without words like \"School\"",
            NameMatch::CloseSpelling => "a close spelling",
        }
    }
}

/// What made one school the nearest of several that fit a name equally.
///
/// ```
/// use heat_core::schools::{Nearness, SchoolDirectory, SchoolMatch};
/// let d = SchoolDirectory::from_gias(b"URN,EstablishmentName,Town,Postcode\n1,Leeds High,Leeds,LS6 2AB\n2,Leeds High,Otley,LS21 1AA\n3,St Mary's School,Leeds,LS1 4AP\n").unwrap();
/// let SchoolMatch::Nearest { by, .. } = d.find_near("Leeds High", Some("LS6 3QS")) else { panic!() };
/// assert_eq!(by, Nearness::HomeDistrict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nearness {
    /// The only one in the home postcode's district (`LS6`).
    HomeDistrict,
    /// The only one in the home postcode's area (`LS`), none being in its district.
    HomeArea,
}

codes!(Nearness {
    Self::HomeDistrict => "home_district",
    Self::HomeArea => "home_area",
});

impl Nearness {
    /// The reason as a stable code (`home_district`, `home_area`).
    ///
    /// ```
    /// assert_eq!(heat_core::schools::Nearness::HomeArea.code(), "home_area");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }
}

/// What a typed school became.
///
/// ```
/// use heat_core::schools::{SchoolDirectory, SchoolMatch};
/// let d = SchoolDirectory::from_gias(b"URN,EstablishmentName,Town,Postcode\n1,Leeds High,Leeds,LS6 2AB\n2,Leeds High,Otley,LS21 1AA\n3,St Mary's School,Leeds,LS1 4AP\n").unwrap();
/// assert!(matches!(d.find("Leeds High"), SchoolMatch::Ambiguous { ref candidates } if candidates.len() == 2));
/// assert!(matches!(d.find("Hogwarts"), SchoolMatch::NotFound { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SchoolMatch<'a> {
    /// One open school fits best.
    Found {
        /// The school.
        school: &'a School,
        /// How the name reached it.
        how: NameMatch,
        /// Other open schools whose names differ from it only by generic words (`St Joseph's
        /// Catholic Primary` typed, which is one school's whole name and sixty others' without
        /// "School"): the choice is then for a person to check.
        others: Vec<&'a School>,
    },
    /// Several open schools fit equally and one is clearly nearest the student's home: a choice
    /// for a person to check, with the others listed.
    Nearest {
        /// The nearest school.
        school: &'a School,
        /// How the name reached it (and the others).
        how: NameMatch,
        /// What made it the nearest.
        by: Nearness,
        /// The other open schools that fit as well.
        others: Vec<&'a School>,
    },
    /// Only a closed school fits; open schools with the same name, if any, are listed.
    Closed {
        /// The closed school.
        school: &'a School,
        /// Open schools whose names fit as well (a successor academy, say).
        open: Vec<&'a School>,
    },
    /// More than one open school fits: the candidates, best first.
    Ambiguous {
        /// The candidates.
        candidates: Vec<&'a School>,
    },
    /// No school fits; the nearest names, if any come close.
    NotFound {
        /// Up to three schools with the nearest names.
        nearest: Vec<&'a School>,
    },
}

/// Why a schools file could not be read.
///
/// ```
/// use heat_core::{schools::SchoolDirectory, HeatError};
/// assert_eq!(SchoolDirectory::from_gias(b"Name,Town\nX,Y\n").unwrap_err().code(), "no_header_row");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum SchoolsError {
    /// The file cannot be read.
    #[error(transparent)]
    Read(#[from] ImportFileError),
    /// No row in the first rows holds the columns needed.
    #[error("no header row with {needed} in the first {MAX_TITLE_ROWS} rows of the {file}")]
    NoHeader {
        /// Which file (`GIAS extract`, `HEAT institution export`).
        file: &'static str,
        /// The columns needed.
        needed: &'static str,
    },
}

codes!(SchoolsError {
    Self::NoHeader { .. } => "no_header_row",
} delegate {
    Self::Read(e) => e,
});

impl crate::HeatError for SchoolsError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> crate::ErrorKind {
        match self {
            SchoolsError::Read(e) => e.kind(),
            SchoolsError::NoHeader { .. } => crate::ErrorKind::Import,
        }
    }
}

/// The schools a team's files know, indexed for finding by name or id.
///
/// ```
/// use heat_core::schools::{SchoolDirectory, SchoolMatch};
/// let d = SchoolDirectory::from_gias(
///     b"URN,EstablishmentName,Town,Postcode\n107983,Leeds Grammar School,Leeds,LS17 8GS\n",
/// ).unwrap();
/// assert_eq!(d.by_id("107983").map(|s| s.name.as_str()), Some("Leeds Grammar School"));
/// assert!(matches!(d.find("leeds grammar school"), SchoolMatch::Found { .. }));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SchoolDirectory {
    schools: Vec<School>,
    /// Tidied name → schools.
    same: HashMap<String, Vec<usize>>,
    /// Tidied name without generic words → schools.
    core: HashMap<String, Vec<usize>>,
    /// URN, LAESTAB and HEAT id (digits only) → school.
    ids: HashMap<String, usize>,
    /// Places the extract names (towns, localities, local authorities, counties), tidied: a
    /// suffix after a comma or in brackets is read as a place only when it is one of these or a
    /// postcode.
    places: std::collections::HashSet<String>,
    /// For each school, the places the extract gives it (town, locality, ...), tidied.
    school_places: Vec<Vec<String>>,
    /// The core names ready for spelling comparison (made on first use after a change).
    spellings: once_cell::sync::OnceCell<Spellings>,
}

/// Words left out of a name's core: they say what kind of place it is, not which.
const GENERIC: &[&str] = &["school", "academy", "the", "and", "of"];

/// Spelling closeness (Jaro-Winkler on the core name) a close match needs.
const CLOSE_NAME: f64 = 0.93;

/// Spelling closeness a name needs to be listed as a nearest name when none fits.
const NEAR_NAME: f64 = 0.8;

impl SchoolDirectory {
    /// How many schools it holds.
    ///
    /// ```
    /// assert_eq!(heat_core::schools::SchoolDirectory::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.schools.len()
    }

    /// Whether it holds no school.
    ///
    /// ```
    /// assert!(heat_core::schools::SchoolDirectory::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.schools.is_empty()
    }

    /// The school with this URN, LAESTAB or HEAT id (a leading `#` and zeros are ignored).
    ///
    /// ```
    /// let d = heat_core::schools::SchoolDirectory::from_gias(b"URN,EstablishmentName\n107956,Leeds High\n").unwrap();
    /// assert_eq!(d.by_id("#107956").unwrap().name, "Leeds High");
    /// assert!(d.by_id("999999").is_none());
    /// ```
    pub fn by_id(&self, id: &str) -> Option<&School> {
        self.ids.get(&id_key(id)).map(|&i| &self.schools[i])
    }

    /// Finds what was typed for a school: an id, or a name, perhaps with a town or postcode
    /// after a comma or in brackets (`Castle Hill School, Leeds`, `Leeds High (LS1 4AP)`). See
    /// [`Self::find_near`]; this is that without a home postcode.
    ///
    /// ```
    /// use heat_core::schools::{SchoolDirectory, SchoolMatch};
    /// let d = SchoolDirectory::from_gias(b"URN,EstablishmentName,Town\n1,Leeds High,Leeds\n2,Leeds High,Otley\n").unwrap();
    /// assert!(matches!(d.find("Leeds High"), SchoolMatch::Ambiguous { .. }));
    /// assert_eq!(d.find("Leeds High (Otley)").school().unwrap().urn, "2");
    /// assert!(matches!(d.find("Leeds Hihg"), SchoolMatch::Ambiguous { .. }));
    /// assert!(matches!(d.find("Nowhere Primary"), SchoolMatch::NotFound { .. }));
    /// ```
    pub fn find(&self, typed: &str) -> SchoolMatch<'_> {
        self.find_near(typed, None)
    }

    /// Finds what was typed for a school, for a student living at `home` (a postcode, if known).
    ///
    /// 1. An id the directory holds wins, then the whole name as typed, tidied: a register name
    ///    with a comma or brackets in it (`Folkestone, St Mary's Church of England Primary
    ///    School`) is never split.
    /// 2. Otherwise a suffix after the last comma, or in brackets at the end, is read as a place
    ///    when it is a postcode or a place the extract names (its towns, localities, local
    ///    authorities, counties), and narrows the schools that fit; a school that does not fit
    ///    a place given is not chosen. Any other suffix is part of the name.
    /// 3. The name is matched tidied, then without generic words, then by close spelling; the
    ///    first that fits any school decides.
    /// 4. When several open schools fit equally, the only one in `home`'s postcode district
    ///    (else area) is [`SchoolMatch::Nearest`], for a person to check; otherwise all are
    ///    [`SchoolMatch::Ambiguous`].
    ///
    /// ```
    /// use heat_core::schools::{Nearness, SchoolDirectory, SchoolMatch};
    /// let d = SchoolDirectory::from_gias(b"URN,EstablishmentName,Town,Postcode\n1,Leeds High,Leeds,LS6 2AB\n2,Leeds High,Otley,LS21 1AA\n").unwrap();
    /// let SchoolMatch::Nearest { school, by, others, .. } = d.find_near("Leeds High", Some("ls21 3bd")) else { panic!() };
    /// assert_eq!((school.urn.as_str(), by, others[0].urn.as_str()), ("2", Nearness::HomeDistrict, "1"));
    /// assert!(matches!(d.find_near("Leeds High", Some("M1 1AE")), SchoolMatch::Ambiguous { .. }));
    /// ```
    pub fn find_near(&self, typed: &str, home: Option<&str>) -> SchoolMatch<'_> {
        let typed = typed.trim();
        if let Some(s) = self.by_id(typed).filter(|_| id_like(typed)) {
            return SchoolMatch::Found {
                school: s,
                how: NameMatch::Id,
                others: Vec::new(),
            };
        }
        let home = home.and_then(|h| Postcode::parse(h).ok());
        let whole = self.lookup(&self.same, &tidy(typed));
        if !whole.is_empty() {
            let how = if whole.iter().any(|&i| self.schools[i].name.trim() == typed) {
                NameMatch::Exact
            } else {
                NameMatch::Tidied
            };
            let also = self.lookup(&self.core, &core(typed));
            return self.choose(whole, how, also, None, home.as_ref());
        }
        let (name, place) = match split_hint(typed) {
            (name, Some(hint)) if self.is_place(hint) => (name, Some(hint)),
            _ => (typed, None),
        };
        let name_core = core(name);
        // Each way of matching is tried only when the one before it fits no school.
        let tiers: [(NameMatch, &dyn Fn() -> Vec<usize>); 3] = [
            (NameMatch::Tidied, &|| self.lookup(&self.same, &tidy(name))),
            (NameMatch::WithoutGenericWords, &|| {
                self.lookup(&self.core, &name_core)
            }),
            (NameMatch::CloseSpelling, &|| self.close_to(&name_core)),
        ];
        for (how, find) in tiers {
            let found = find();
            if found.is_empty() {
                continue;
            }
            let also = match how {
                NameMatch::Tidied => self.lookup(&self.core, &name_core),
                _ => Vec::new(),
            };
            return self.choose(found, how, also, place, home.as_ref());
        }
        SchoolMatch::NotFound {
            nearest: self
                .spellings()
                .nearest(&name_core, NEAR_NAME, 3)
                .into_iter()
                .map(|i| &self.schools[i])
                .collect(),
        }
    }

    fn spellings(&self) -> &Spellings {
        self.spellings.get_or_init(|| Spellings::new(&self.core))
    }

    /// The outcome for the schools a name fits equally (`found`, not empty), narrowed by a
    /// place typed with it and, among open ones, by the student's home; `also`: schools the name
    /// fits less well, which make a single school found a choice to check.
    fn choose(
        &self,
        found: Vec<usize>,
        how: NameMatch,
        also: Vec<usize>,
        place: Option<&str>,
        home: Option<&Postcode>,
    ) -> SchoolMatch<'_> {
        let found = match place {
            Some(p) => {
                let there: Vec<usize> = found
                    .iter()
                    .copied()
                    .filter(|&i| self.fits_hint(i, p))
                    .collect();
                if there.is_empty() {
                    // None is in the place given: not this name's school, whichever it is.
                    return SchoolMatch::NotFound {
                        nearest: found.iter().map(|&i| &self.schools[i]).collect(),
                    };
                }
                there
            }
            None => found,
        };
        let open: Vec<&School> = found
            .iter()
            .map(|&i| &self.schools[i])
            .filter(|s| s.open)
            .collect();
        match open.as_slice() {
            [one] => SchoolMatch::Found {
                school: one,
                how,
                others: also
                    .into_iter()
                    .filter(|i| !found.contains(i) && place.is_none_or(|p| self.fits_hint(*i, p)))
                    .map(|i| &self.schools[i])
                    .filter(|s| s.open)
                    .collect(),
            },
            [] => {
                let school = &self.schools[found[0]];
                let open = self
                    .lookup(&self.core, &core(&school.name))
                    .into_iter()
                    .map(|i| &self.schools[i])
                    .filter(|s| s.open)
                    .collect();
                SchoolMatch::Closed { school, open }
            }
            _ => match home.and_then(|h| nearest_home(&open, h)) {
                Some((at, by)) => {
                    let mut others = open;
                    let school = others.remove(at);
                    SchoolMatch::Nearest {
                        school,
                        how,
                        by,
                        others,
                    }
                }
                None => SchoolMatch::Ambiguous { candidates: open },
            },
        }
    }

    /// Whether a suffix typed after a name is a place: a postcode or outward code, or a place
    /// the extract names.
    fn is_place(&self, hint: &str) -> bool {
        postcode_shaped(hint) || self.places.contains(&tidy(hint))
    }

    fn lookup(&self, index: &HashMap<String, Vec<usize>>, key: &str) -> Vec<usize> {
        if key.is_empty() {
            return Vec::new();
        }
        index.get(key).cloned().unwrap_or_default()
    }

    /// Schools whose core names are spelt closest to `key` (all that tie for the best score).
    fn close_to(&self, key: &str) -> Vec<usize> {
        if key.chars().count() < 4 {
            return Vec::new();
        }
        let mut found = self.spellings().best(key, CLOSE_NAME);
        found.sort_unstable();
        found
    }

    /// Whether school `i` is in the place typed: one of its places, or its postcode.
    fn fits_hint(&self, i: usize, hint: &str) -> bool {
        let h = tidy(hint);
        self.school_places[i].contains(&h)
            || same_postcode(self.schools[i].postcode.as_deref(), Some(hint))
    }
}

impl<'a> SchoolMatch<'a> {
    /// The school found, when exactly one open school was.
    ///
    /// ```
    /// use heat_core::schools::SchoolMatch;
    /// assert!(SchoolMatch::NotFound { nearest: vec![] }.school().is_none());
    /// ```
    pub fn school(&self) -> Option<&'a School> {
        match self {
            SchoolMatch::Found { school, .. } => Some(school),
            _ => None,
        }
    }

    /// Whether the school found may be written without a person checking it: found by id, or
    /// by its exact or tidied name with no other open school differing from it only by
    /// generic words.
    ///
    /// ```
    /// use heat_core::schools::SchoolDirectory;
    /// let d = SchoolDirectory::from_gias(b"URN,EstablishmentName\n1,Leeds High\n2,Leeds High School\n3,Otley Grammar\n").unwrap();
    /// assert!(d.find("OTLEY GRAMMAR").is_certain());
    /// assert!(!d.find("Leeds High").is_certain()); // also "Leeds High School" without "School"
    /// assert!(!d.find("Otley Grammer").is_certain()); // a close spelling
    /// ```
    pub fn is_certain(&self) -> bool {
        matches!(self, SchoolMatch::Found { how, others, .. } if how.is_certain() && others.is_empty())
    }

    /// The school chosen, found or nearest (a choice to check unless [`Self::is_certain`]).
    ///
    /// ```
    /// use heat_core::schools::SchoolMatch;
    /// assert!(SchoolMatch::Ambiguous { candidates: vec![] }.chosen().is_none());
    /// ```
    pub fn chosen(&self) -> Option<&'a School> {
        match self {
            SchoolMatch::Found { school, .. } | SchoolMatch::Nearest { school, .. } => Some(school),
            _ => None,
        }
    }
}

/// Among open schools that fit a name equally, the one clearly nearest `home`: the only one in
/// its postcode district, else the only one in its postcode area.
fn nearest_home(open: &[&School], home: &Postcode) -> Option<(usize, Nearness)> {
    let school_postcodes: Vec<Option<Postcode>> = open
        .iter()
        .map(|s| s.postcode.as_deref().and_then(|p| Postcode::parse(p).ok()))
        .collect();
    let only = |same: &dyn Fn(&Postcode) -> bool| -> Option<usize> {
        let mut hits = school_postcodes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.as_ref().is_some_and(same))
            .map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    };
    let in_district = school_postcodes
        .iter()
        .flatten()
        .filter(|p| p.district() == home.district())
        .count();
    if in_district > 0 {
        return only(&|p| p.district() == home.district()).map(|i| (i, Nearness::HomeDistrict));
    }
    only(&|p| p.area() == home.area()).map(|i| (i, Nearness::HomeArea))
}

/// Shaped like a postcode (`LS12 3CD`, `ls123cd`) or an outward code alone (`LS6`, `SW1A`):
/// the shape is enough for a suffix to be read as a place, whether or not the postcode exists.
fn postcode_shaped(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if is_outward_code(&compact) {
        return true;
    }
    let b = compact.as_bytes();
    b.len() >= 5
        && b.len() <= 7
        && b[b.len() - 3].is_ascii_digit()
        && b[b.len() - 2..].iter().all(u8::is_ascii_alphabetic)
        && compact.is_char_boundary(b.len() - 3)
        && is_outward_code(&compact[..b.len() - 3])
}

/// Typed like an outward code alone (`LS6`, `SW1A`, `M1`).
fn is_outward_code(s: &str) -> bool {
    let s = s.trim().as_bytes();
    let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let rest = &s[letters..];
    (1..=2).contains(&letters)
        && (1..=2).contains(&rest.len())
        && rest[0].is_ascii_digit()
        && rest[1..].iter().all(|b| b.is_ascii_alphanumeric())
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Typed like an id: digits, perhaps after a `#`.
fn id_like(s: &str) -> bool {
    digits(s.trim_start_matches('#'))
}

/// An id as a key: `#` and leading zeros dropped.
fn id_key(id: &str) -> String {
    let t = id.trim().trim_start_matches('#').trim_start_matches('0');
    t.to_string()
}

/// A name tidied for comparison: lower case, accents folded, punctuation gone, and the usual
/// short forms written one way (`st` → `saint`, `c of e` / `church of england` → `ce`, `r c`
/// / `roman catholic` → `rc`, `&` left out).
fn tidy(name: &str) -> String {
    let words: Vec<String> = normalise_name(&name.replace('&', " and "))
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = |k: usize| words.get(i + k).map(String::as_str);
        let (word, used) = match (w(0), w(1), w(2)) {
            (Some("c"), Some("of"), Some("e")) => ("ce", 3),
            (Some("church"), Some("of"), Some("england")) => ("ce", 3),
            (Some("r"), Some("c"), _) => ("rc", 2),
            (Some("roman"), Some("catholic"), _) => ("rc", 2),
            (Some("c"), Some("e"), _) => ("ce", 2),
            (Some("cofe"), _, _) => ("ce", 1),
            (Some("st"), _, _) => ("saint", 1),
            (Some(x), _, _) => (x, 1),
            _ => break,
        };
        out.push(word);
        i += used;
    }
    out.join(" ")
}

/// [`tidy`] without the generic words.
fn core(name: &str) -> String {
    tidy(name)
        .split(' ')
        .filter(|w| !GENERIC.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name and the town or postcode typed after it (`Leeds High, Otley`, `Leeds High (LS1)`).
fn split_hint(typed: &str) -> (&str, Option<&str>) {
    if let Some(open) = typed.rfind('(') {
        if typed.ends_with(')') && open > 0 {
            let hint = typed[open + 1..typed.len() - 1].trim();
            return (typed[..open].trim(), (!hint.is_empty()).then_some(hint));
        }
    }
    if let Some((name, hint)) = typed.rsplit_once(',') {
        let hint = hint.trim();
        if !name.trim().is_empty() && !hint.is_empty() {
            return (name.trim(), Some(hint));
        }
    }
    (typed, None)
}

/// Two postcodes the same (compact, any case), or the hint an outward code the school's starts
/// with.
fn same_postcode(school: Option<&str>, hint: Option<&str>) -> bool {
    let compact = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    match (school, hint) {
        (Some(s), Some(h)) => {
            let (s, h) = (compact(s), compact(h));
            !h.is_empty() && (s == h || (s.len() == h.len() + 3 && s.starts_with(&h)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::spellings::SAME_SCORE;
    use super::*;
    use crate::names::jaro_winkler;

    #[test]
    fn tidying_writes_short_forms_one_way() {
        assert_eq!(
            tidy("St. Mary's C of E (VA) School"),
            "saint marys ce va school"
        );
        assert_eq!(
            tidy("Saint Marys Church of England School"),
            "saint marys ce school"
        );
        assert_eq!(tidy("Notre Dame R.C. High"), "notre dame rc high");
        assert_eq!(
            tidy("Holy Family & St Joseph"),
            "holy family and saint joseph"
        );
        assert_eq!(core("The Castle Hill Academy"), "castle hill");
        assert_eq!(tidy("École Française"), "ecole francaise");
    }

    #[test]
    fn the_spelling_bound_gives_the_answers_of_comparing_every_name() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/cases/schools/register_names.csv"
        );
        let Ok(d) = SchoolDirectory::from_gias_file(path.as_ref()) else {
            panic!("{path}")
        };
        let mut keys: Vec<String> = vec!["".into(), "zzzz".into(), "saint".into(), "ŵyr".into()];
        for name in d.core.keys() {
            let chars: Vec<char> = name.chars().collect();
            for cut in [1, chars.len() / 2, chars.len().saturating_sub(2)] {
                let mut typo = chars.clone();
                if cut < typo.len() {
                    typo.remove(cut);
                }
                keys.push(typo.into_iter().collect());
            }
            keys.push(format!("{name} leeds"));
            keys.push(name.replace('a', "e"));
        }
        spelling_answers_are_those_of_every_name(&d, &keys);
    }

    #[test]
    fn on_the_real_register_the_spelling_bound_gives_the_answers_of_comparing_every_name() {
        // The register of English schools (benches/data, OGL): 26,235 names, many alike.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../benches/data/gias_openregister_2015.csv.gz"
        );
        let mut bytes = Vec::new();
        let read = std::fs::File::open(path).and_then(|f| {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(f), &mut bytes)
        });
        assert!(read.is_ok(), "{path}");
        let Ok(d) = SchoolDirectory::from_gias(&bytes) else {
            panic!("{path}")
        };
        let mut names: Vec<&String> = d.core.keys().collect();
        names.sort();
        let mut keys = Vec::new();
        for (n, name) in names.iter().step_by(500).enumerate() {
            let chars: Vec<char> = name.chars().collect();
            let at = 1 + n % chars.len().saturating_sub(2).max(1);
            let mut dropped = chars.clone();
            let mut swapped = chars.clone();
            if at + 1 < chars.len() {
                dropped.remove(at);
                swapped.swap(at, at + 1);
            }
            keys.push(dropped.into_iter().collect());
            keys.push(swapped.into_iter().collect());
            keys.push(name.split(' ').rev().collect::<Vec<_>>().join(" "));
            keys.push(chars[..chars.len() / 2].iter().collect());
        }
        spelling_answers_are_those_of_every_name(&d, &keys);
    }

    fn spelling_answers_are_those_of_every_name(d: &SchoolDirectory, keys: &[String]) {
        let brute_best = |key: &str, at_least: f64| -> Vec<usize> {
            let mut best = at_least;
            let mut found = Vec::new();
            for (other, schools) in &d.core {
                let score = jaro_winkler(key, other);
                if score > best + SAME_SCORE {
                    best = score;
                    found.clear();
                }
                if (score - best).abs() <= SAME_SCORE {
                    found.extend(schools.iter().copied());
                }
            }
            found.sort_unstable();
            found
        };
        let brute_nearest = |key: &str| -> Vec<usize> {
            let mut scored: Vec<(f64, usize)> = d
                .core
                .iter()
                .map(|(other, found)| (jaro_winkler(key, other), found))
                .filter(|(score, _)| *score >= NEAR_NAME)
                .flat_map(|(score, found)| found.iter().map(move |&i| (score, i)))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(3).map(|(_, i)| i).collect()
        };
        for key in keys {
            let mut best = d.spellings().best(key, CLOSE_NAME);
            best.sort_unstable();
            assert_eq!(best, brute_best(key, CLOSE_NAME), "{key}");
            assert_eq!(
                d.spellings().nearest(key, NEAR_NAME, 3),
                brute_nearest(key),
                "{key}"
            );
        }
    }

    #[test]
    fn hints_after_commas_and_in_brackets() {
        assert_eq!(
            split_hint("Leeds High (Otley)"),
            ("Leeds High", Some("Otley"))
        );
        assert_eq!(
            split_hint("Leeds High, LS1 4AP"),
            ("Leeds High", Some("LS1 4AP"))
        );
        assert_eq!(split_hint("Leeds High"), ("Leeds High", None));
        assert_eq!(split_hint("(Otley)"), ("(Otley)", None));
        assert!(same_postcode(Some("LS1 4AP"), Some("ls14ap")));
        assert!(same_postcode(Some("LS1 4AP"), Some("LS1")));
        assert!(!same_postcode(Some("LS14 4AP"), Some("LS1")));
        assert!(!same_postcode(Some("LS1 4AP"), None));
    }
}
