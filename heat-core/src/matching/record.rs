//! Student records as the matcher receives them, and their prepared (normalised, interned) form.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::names::{normalise_name, NicknameTable};

/// One student as recorded in a HEAT upload or export. Every field but `id` may be missing.
///
/// ```
/// use heat_core::matching::StudentRecord;
/// let r = StudentRecord::new("17")
///     .first_name("Alfie")
///     .last_name("Smith")
///     .dob_str("2009-09-01")
///     .unwrap()
///     .postcode("sw1a1aa");
/// assert_eq!(r.dob.unwrap().to_string(), "2009-09-01");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentRecord {
    /// The record's id in its file (HEAT student id, upload row id, ...).
    pub id: String,
    /// First (given) name, as entered.
    pub first_name: Option<String>,
    /// Last name (surname), as entered.
    pub last_name: Option<String>,
    /// Date of birth.
    pub dob: Option<NaiveDate>,
    /// Gender as entered (`M`, `Female`, `x`, ...); read by [`crate::fields::gender`].
    pub gender: Option<String>,
    /// School or college id (HEAT id or URN).
    pub school: Option<String>,
    /// Home postcode as entered.
    pub postcode: Option<String>,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl StudentRecord {
    /// A record with this id and every other field missing.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::StudentRecord::new("a1").first_name, None);
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        StudentRecord {
            id: id.into(),
            ..Default::default()
        }
    }

    /// Sets the first name (blank counts as missing).
    ///
    /// ```
    /// assert_eq!(heat_core::matching::StudentRecord::new("1").first_name("  ").first_name, None);
    /// ```
    pub fn first_name(mut self, v: &str) -> Self {
        self.first_name = non_empty(v);
        self
    }

    /// Sets the last name (blank counts as missing).
    ///
    /// ```
    /// let r = heat_core::matching::StudentRecord::new("1").last_name("Khan");
    /// assert_eq!(r.last_name.as_deref(), Some("Khan"));
    /// ```
    pub fn last_name(mut self, v: &str) -> Self {
        self.last_name = non_empty(v);
        self
    }

    /// Sets the date of birth.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2010, 2, 28).unwrap();
    /// assert_eq!(heat_core::matching::StudentRecord::new("1").dob(d).dob, Some(d));
    /// ```
    pub fn dob(mut self, v: NaiveDate) -> Self {
        self.dob = Some(v);
        self
    }

    /// Sets the date of birth from text, read by [`crate::fields::date`] (ISO, UK, `YYYYMMDD`,
    /// Excel serial ...); blank and placeholders count as missing.
    ///
    /// ```
    /// use heat_core::matching::StudentRecord;
    /// use heat_core::HeatError;
    /// let r = StudentRecord::new("1").dob_str("29/02/2012").unwrap();
    /// assert_eq!(r.dob.unwrap().to_string(), "2012-02-29");
    /// assert_eq!(StudentRecord::new("1").dob_str("41080").unwrap().dob.unwrap().to_string(), "2012-06-20");
    /// assert_eq!(StudentRecord::new("1").dob_str("31/02/2012").unwrap_err().code(), "bad_date");
    /// ```
    pub fn dob_str(mut self, v: &str) -> Result<Self, crate::cohort::CohortError> {
        self.dob = crate::fields::date(v)?;
        Ok(self)
    }

    /// Sets the gender as entered.
    ///
    /// ```
    /// let r = heat_core::matching::StudentRecord::new("1").gender("Female");
    /// assert_eq!(r.gender.as_deref(), Some("Female"));
    /// ```
    pub fn gender(mut self, v: &str) -> Self {
        self.gender = non_empty(v);
        self
    }

    /// Sets the school id.
    ///
    /// ```
    /// let r = heat_core::matching::StudentRecord::new("1").school("100000");
    /// assert_eq!(r.school.as_deref(), Some("100000"));
    /// ```
    pub fn school(mut self, v: &str) -> Self {
        self.school = non_empty(v);
        self
    }

    /// Sets the home postcode as entered.
    ///
    /// ```
    /// let r = heat_core::matching::StudentRecord::new("1").postcode("SW1A 1AA");
    /// assert_eq!(r.postcode.as_deref(), Some("SW1A 1AA"));
    /// ```
    pub fn postcode(mut self, v: &str) -> Self {
        self.postcode = non_empty(v);
        self
    }
}

/// The fields the matcher reads from a student, by reference. Implemented by [`StudentRecord`]
/// (owned text) and [`StudentRef`] (borrowed text, e.g. straight from an Arrow column), so large
/// files need not be copied into owned strings.
///
/// ```
/// use heat_core::matching::{StudentFields, StudentRef};
/// let r = StudentRef { first_name: Some("Ann"), ..Default::default() };
/// assert_eq!(r.first_name(), Some("Ann"));
/// assert_eq!(r.dob(), None);
/// ```
pub trait StudentFields: Sync {
    /// First name as entered.
    fn first_name(&self) -> Option<&str>;
    /// Last name as entered.
    fn last_name(&self) -> Option<&str>;
    /// Date of birth.
    fn dob(&self) -> Option<NaiveDate>;
    /// Gender as entered.
    fn gender(&self) -> Option<&str>;
    /// School id.
    fn school(&self) -> Option<&str>;
    /// Home postcode as entered.
    fn postcode(&self) -> Option<&str>;
    /// The record's id, when the records carry one (then every record needs its own: see
    /// [`super::check_ids`]); `None` by default (records are told apart by position).
    fn id(&self) -> Option<&str> {
        None
    }
}

impl StudentFields for StudentRecord {
    fn id(&self) -> Option<&str> {
        Some(&self.id)
    }
    fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }
    fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }
    fn dob(&self) -> Option<NaiveDate> {
        self.dob
    }
    fn gender(&self) -> Option<&str> {
        self.gender.as_deref()
    }
    fn school(&self) -> Option<&str> {
        self.school.as_deref()
    }
    fn postcode(&self) -> Option<&str> {
        self.postcode.as_deref()
    }
}

/// A student whose text fields are borrowed (blank text counts as missing).
///
/// ```
/// use heat_core::matching::{dedupe, Matcher, StudentRef};
/// let rows = [
///     StudentRef { first_name: Some("Ann"), last_name: Some("Lee"), ..Default::default() },
///     StudentRef { first_name: Some("ANN"), last_name: Some("Lee "), ..Default::default() },
/// ];
/// let run = Matcher::new(Default::default()).dedupe(&rows).unwrap();
/// assert_eq!(run.pairs[0].levels[0], 1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StudentRef<'a> {
    /// First name as entered.
    pub first_name: Option<&'a str>,
    /// Last name as entered.
    pub last_name: Option<&'a str>,
    /// Date of birth.
    pub dob: Option<NaiveDate>,
    /// Gender as entered.
    pub gender: Option<&'a str>,
    /// School id.
    pub school: Option<&'a str>,
    /// Home postcode as entered.
    pub postcode: Option<&'a str>,
}

impl StudentFields for StudentRef<'_> {
    fn first_name(&self) -> Option<&str> {
        self.first_name
    }
    fn last_name(&self) -> Option<&str> {
        self.last_name
    }
    fn dob(&self) -> Option<NaiveDate> {
        self.dob
    }
    fn gender(&self) -> Option<&str> {
        self.gender
    }
    fn school(&self) -> Option<&str> {
        self.school
    }
    fn postcode(&self) -> Option<&str> {
        self.postcode
    }
}

pub use crate::fields::Gender;

/// A postcode reduced to what comparison needs: compact upper-case text, whether the inward code
/// is present, and whether it is a UK postcode at all (a foreign or made-up code is compared as
/// text only (the same, or one key slipped), never by district or area).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PostcodeKey {
    pub bytes: [u8; 8],
    pub len: u8,
    /// Length of the outward code (the whole text when only the outward code was given).
    pub outward_len: u8,
    /// A UK postcode (or its outward code): it has sectors, districts and areas.
    pub uk: bool,
}

impl PostcodeKey {
    pub fn text(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
    /// A whole postcode (not an outward code alone); a non-UK code is always whole.
    pub fn full(&self) -> bool {
        !self.uk || self.outward_len < self.len
    }
    pub fn outward(&self) -> &[u8] {
        &self.bytes[..self.outward_len as usize]
    }
    pub fn area(&self) -> &[u8] {
        let o = self.outward();
        let n = o.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        &o[..n]
    }
    /// The outward code and the sector digit.
    pub fn sector(&self) -> Option<&[u8]> {
        self.full()
            .then(|| &self.bytes[..self.outward_len as usize + 1])
    }
    pub fn hash(&self) -> u64 {
        u64::from_le_bytes(self.bytes) ^ ((self.len as u64) << 59)
    }
    /// The outward code as a blocking key (none for a code that is not a UK postcode).
    pub fn outward_hash(&self) -> Option<u64> {
        if !self.uk {
            return None;
        }
        let mut b = [0u8; 8];
        b[..self.outward_len as usize].copy_from_slice(self.outward());
        Some(u64::from_le_bytes(b) | (1 << 63))
    }

    /// Reads a postcode as entered through [`crate::fields::postcode`]: placeholders (`N/A`,
    /// `none`) are missing; a valid (or fixable) postcode is used as normalised; a UK-shaped one
    /// that is not valid (a typo'd or made-up unit, or an outward code alone) is compared as its
    /// upper-case letters and digits; anything else (an Australian `2630`, a foreign code) is a
    /// non-UK code, compared as text only (the same, or one key slipped).
    pub fn read(raw: &str) -> Option<PostcodeKey> {
        let (compact, uk): (Vec<u8>, bool) = match crate::fields::postcode(raw) {
            Ok(None) => return None,
            Ok(Some(p)) => (
                p.postcode.as_str().bytes().filter(|b| *b != b' ').collect(),
                true,
            ),
            Err(_) => {
                let text: Vec<u8> = raw
                    .bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| b.to_ascii_uppercase())
                    .collect();
                let uk =
                    crate::postcode::Postcode::try_parse_at(raw, crate::postcode::Level::Shape)
                        .is_some()
                        || uk_outward_shape(&text);
                (text, uk)
            }
        };
        let len = compact.len();
        if !(2..=8).contains(&len) {
            return None;
        }
        let mut bytes = [0u8; 8];
        bytes[..len].copy_from_slice(&compact);
        let outward_len = if uk && len >= 5 { len - 3 } else { len };
        Some(PostcodeKey {
            bytes,
            len: len as u8,
            outward_len: outward_len as u8,
            uk,
        })
    }
}

/// Whether compact text looks like a UK outward code alone: one or two letters, a digit, and an
/// optional digit or letter (`WV14`, `SW1A`, `B1`).
fn uk_outward_shape(text: &[u8]) -> bool {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let rest = &text[letters..];
    (1..=2).contains(&letters)
        && (1..=2).contains(&rest.len())
        && rest[0].is_ascii_digit()
        && rest[1..].iter().all(u8::is_ascii_alphanumeric)
}

/// A date of birth split for the comparison levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dob {
    pub days: i32,
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Dob {
    pub fn of(d: NaiveDate) -> Dob {
        Dob {
            days: d.num_days_from_ce(),
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }
}

/// Index into the interned-name table; `NONE` means missing.
pub(crate) type NameId = u32;
pub(crate) const NONE: u32 = u32::MAX;

/// One record prepared for comparison.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub first: NameId,
    pub first_token: NameId,
    pub last: NameId,
    /// Range into `Prepared set`'s canonical-id arena.
    pub canon_start: u32,
    pub canon_len: u16,
    pub gender: Option<Gender>,
    pub dob: Option<Dob>,
    pub school: NameId,
    pub postcode: Option<PostcodeKey>,
}

/// All records of a run, prepared, with the interned strings and their frequencies.
#[derive(Debug)]
pub(crate) struct PreparedSet {
    pub records: Vec<Prepared>,
    pub names: Vec<String>,
    /// Soundex of each name, packed (0 = none).
    pub sounds: Vec<u32>,
    pub schools: Vec<String>,
    pub canon: Vec<NameId>,
    /// How many records have this name as first name / last name, by name id.
    pub first_count: Vec<u32>,
    pub last_count: Vec<u32>,
    pub school_count: Vec<u32>,
    /// How many different last names are borne with this first name, by name id: a name given
    /// in several families is a real name, not one record's typo copied into its duplicates.
    pub first_families: Vec<u32>,
    /// A number no other set built in this process has: the name-pair caches of
    /// [`super::compare`] are valid for one set's name ids only.
    pub generation: u64,
}

/// The next [`PreparedSet::generation`].
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Names longer than this many characters are cut to it before comparison: no real name is
/// longer, and string comparisons grow with the square of the length.
pub const MAX_NAME_CHARS: usize = 64;

/// `s` cut to [`MAX_NAME_CHARS`] characters.
fn capped(mut s: String) -> String {
    if let Some((i, _)) = s.char_indices().nth(MAX_NAME_CHARS) {
        s.truncate(i);
        s.truncate(s.trim_end().len());
    }
    s
}

struct Normalised {
    first: String,
    last: String,
    gender: Option<Gender>,
    dob: Option<Dob>,
    school: String,
    postcode: Option<PostcodeKey>,
}

#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    values: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return NONE;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }
}

fn count(counts: &mut Vec<u32>, id: u32) {
    if id == NONE {
        return;
    }
    let i = id as usize;
    if counts.len() <= i {
        counts.resize(i + 1, 0);
    }
    counts[i] += 1;
}

impl PreparedSet {
    pub fn build<R: StudentFields>(records: &[&R], nicknames: &NicknameTable) -> PreparedSet {
        let vocabulary = crate::fields::vocabulary();
        let normalised: Vec<Normalised> = records
            .par_iter()
            .with_min_len(4096)
            .map(|r| Normalised {
                first: r
                    .first_name()
                    .and_then(|v| vocabulary.text(v))
                    .map(|v| capped(normalise_name(v)))
                    .unwrap_or_default(),
                last: r
                    .last_name()
                    .and_then(|v| vocabulary.text(v))
                    .map(|v| capped(normalise_name(v)))
                    .unwrap_or_default(),
                gender: r
                    .gender()
                    .and_then(|g| vocabulary.gender(g).ok().flatten())
                    .and_then(Gender::known),
                dob: r.dob().map(Dob::of),
                school: r
                    .school()
                    .and_then(|v| vocabulary.text(v))
                    .map(str::to_uppercase)
                    .unwrap_or_default(),
                postcode: r.postcode().and_then(PostcodeKey::read),
            })
            .collect();
        let mut names = Interner::default();
        let mut schools = Interner::default();
        let mut canon = Vec::new();
        let mut first_count = Vec::new();
        let mut last_count = Vec::new();
        let mut school_count = Vec::new();
        let mut canon_of: HashMap<u32, (u32, u16)> = HashMap::new();
        let mut prepared = Vec::with_capacity(normalised.len());
        for n in normalised {
            let first = names.id(&n.first);
            let first_token = match n.first.split_once(' ') {
                Some((head, _)) => names.id(head),
                None => first,
            };
            let last = names.id(&n.last);
            let school = schools.id(&n.school);
            count(&mut first_count, first);
            count(&mut last_count, last);
            count(&mut school_count, school);
            let (canon_start, canon_len) = if first == NONE {
                (0, 0)
            } else if let Some(&c) = canon_of.get(&first) {
                c
            } else {
                let start = canon.len() as u32;
                let mut ids: Vec<u32> = vec![first];
                // Nickname equivalence is looked up for the whole name and for its first token.
                for key in [n.first.as_str(), n.first.split(' ').next().unwrap_or("")] {
                    for c in nicknames.canonicals_of(key) {
                        ids.push(names.id(c));
                    }
                }
                if first_token != first {
                    ids.push(first_token);
                }
                ids.sort_unstable();
                ids.dedup();
                canon.extend_from_slice(&ids);
                let c = (start, ids.len() as u16);
                canon_of.insert(first, c);
                c
            };
            prepared.push(Prepared {
                first,
                first_token,
                last,
                canon_start,
                canon_len,
                gender: n.gender,
                dob: n.dob,
                school,
                postcode: n.postcode,
            });
        }
        let n_names = names.values.len();
        let mut first_families = vec![0u32; n_names];
        let families: std::collections::HashSet<(u32, u32)> = prepared
            .iter()
            .filter(|p| p.first != NONE && p.last != NONE)
            .map(|p| (p.first, p.last))
            .collect();
        for (first, _) in families {
            first_families[first as usize] += 1;
        }
        first_count.resize(n_names, 0);
        last_count.resize(n_names, 0);
        school_count.resize(schools.values.len(), 0);
        let sounds = names
            .values
            .par_iter()
            .map(|n| {
                crate::names::soundex(n)
                    .and_then(|c| c.as_bytes().try_into().ok())
                    .map_or(0, u32::from_le_bytes)
            })
            .collect();
        PreparedSet {
            records: prepared,
            sounds,
            names: names.values,
            schools: schools.values,
            canon,
            first_count,
            last_count,
            school_count,
            first_families,
            generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    pub fn name(&self, id: NameId) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn sound(&self, id: NameId) -> u32 {
        self.sounds.get(id as usize).copied().unwrap_or(0)
    }

    pub fn school_text(&self, id: NameId) -> &str {
        self.schools
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn canonicals(&self, r: &Prepared) -> &[NameId] {
        let s = r.canon_start as usize;
        self.canon.get(s..s + r.canon_len as usize).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_keys() {
        let k = PostcodeKey::read("sw1a1aa").unwrap();
        assert_eq!(k.text(), b"SW1A1AA");
        assert_eq!(k.outward(), b"SW1A");
        assert_eq!(k.sector().unwrap(), b"SW1A1");
        assert_eq!(k.area(), b"SW");
        // Fixed slips and made-up postcodes both still compare.
        assert_eq!(PostcodeKey::read("5W1A 1AA").unwrap().text(), b"SW1A1AA");
        assert_eq!(PostcodeKey::read("ZB10 0ZS").unwrap().outward(), b"ZB10");
        let partial = PostcodeKey::read("wv14").unwrap();
        assert!(!partial.full());
        assert_eq!(partial.outward(), b"WV14");
        assert_eq!(PostcodeKey::read("x"), None);
        assert_eq!(PostcodeKey::read("—"), None);
    }

    #[test]
    fn prepared_set_interns_and_counts() {
        let recs = [
            StudentRecord::new("1")
                .first_name("Alfie")
                .last_name("Smith"),
            StudentRecord::new("2")
                .first_name("ALFIE ")
                .last_name("Smith-Jones"),
            StudentRecord::new("3").last_name("smith"),
        ];
        let refs: Vec<&StudentRecord> = recs.iter().collect();
        let set = PreparedSet::build(&refs, crate::names::nicknames());
        let r = &set.records;
        assert_eq!(r[0].first, r[1].first);
        assert_eq!(r[2].first, NONE);
        assert_eq!(set.first_count[r[0].first as usize], 2);
        assert_eq!(set.last_count[r[0].last as usize], 2);
        assert_eq!(set.name(r[1].last), "smith jones");
        let alfred = set.names.iter().position(|n| n == "alfred").unwrap() as u32;
        assert!(set.canonicals(&r[0]).contains(&alfred));
    }
}
