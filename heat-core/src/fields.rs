//! One reader per field. Every path that reads a student or activity value — bulk import,
//! tracking status, duplicate matching, activity validation, the Python bindings — calls the
//! reader here, so the same text always means the same thing.
//!
//! Each reader takes any text and gives `Ok(Some(value))`, `Ok(None)` for a blank cell or a
//! placeholder (`N/A`, `none`, `-`, `TBC`, `unknown`, …), or a coded error; it never panics.
//! The words are data (`data/fields/vocabulary.csv`, see its `SOURCE.md`): [`Vocabulary`].
//!
//! ```
//! use heat_core::fields::{self, Gender};
//! assert_eq!(fields::date("20100901").unwrap().unwrap().to_string(), "2010-09-01");
//! assert_eq!(fields::date("40422").unwrap().unwrap().to_string(), "2010-09-01"); // Excel serial
//! assert_eq!(fields::date("N/A").unwrap(), None);
//! assert_eq!(fields::yes_no("Consented").unwrap(), Some(true));
//! assert_eq!(fields::gender("Prefer not to say").unwrap(), Some(Gender::NotKnown));
//! assert_eq!(fields::year_group("10X2", heat_core::nation::Nation::England).unwrap(), Some(10));
//! assert_eq!(fields::postcode("tbc").unwrap(), None);
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use once_cell::sync::Lazy;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::cohort::{clean_year_group, parse_date, CohortError, PhaseAdjustment};
use crate::error::{codes, ErrorKind, HeatError};
use crate::nation::Nation;
use crate::postcode::{self, Candidate, Edit, Postcode, PostcodeError, Repair, RepairContext};

const VOCABULARY_CSV: &str = include_str!("../data/fields/vocabulary.csv");

/// A field value that cannot be read.
///
/// ```
/// use heat_core::HeatError;
/// let e = heat_core::fields::yes_no("maybe").unwrap_err();
/// assert_eq!((e.code(), e.to_string().as_str()), ("not_yes_no", "\"maybe\" is not yes or no"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// Not one of the yes/no words.
    #[error("{0:?} is not yes or no")]
    NotYesNo(String),
    /// Not one of the gender words.
    #[error("{0:?} is not a gender heatkit reads (M, F, X for another gender, U for not known)")]
    UnknownGender(String),
    /// Not a whole number of 0 or more.
    #[error("{0:?} is not a whole number")]
    NotAWholeNumber(String),
    /// Not a number.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// Not one of the delivery modes.
    #[error("{0:?} is not a delivery mode (in person, online or blended)")]
    UnknownDeliveryMode(String),
    /// A vocabulary file that cannot be read (the spreadsheet row: header 1, first data row 2).
    #[error("vocabulary row {row}: {reason}")]
    BadVocabulary {
        /// Data row, from 1.
        row: usize,
        /// What is wrong.
        reason: String,
    },
}

codes!(FieldError {
    Self::NotYesNo(_) => "not_yes_no",
    Self::UnknownGender(_) => "unknown_gender",
    Self::NotAWholeNumber(_) => "not_a_whole_number",
    Self::NotANumber(_) => "not_a_number",
    Self::UnknownDeliveryMode(_) => "unknown_delivery_mode",
    Self::BadVocabulary { .. } => "bad_vocabulary",
});

impl HeatError for FieldError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Field
    }
}

/// One row of text cells looked up by column name: a bulk-upload row, a table row from Python, a
/// map. The record readers ([`crate::activity::ActivityInput::from_row`],
/// [`crate::student::StudentInput::from_row`]) take any of them.
///
/// ```
/// use heat_core::fields::TextRow;
/// let row = [("title", "Taster"), ("sessions", "2")];
/// assert_eq!((row.cell("title"), row.cell("owner")), (Some("Taster"), None));
/// ```
pub trait TextRow {
    /// The cell of `column`, if the row has that column.
    ///
    /// ```
    /// use heat_core::fields::TextRow;
    /// assert_eq!([("dob", "2011-01-02")].cell("dob"), Some("2011-01-02"));
    /// ```
    fn cell(&self, column: &str) -> Option<&str>;
}

impl TextRow for [(&str, &str)] {
    fn cell(&self, column: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == column).map(|(_, v)| *v)
    }
}

impl<const N: usize> TextRow for [(&str, &str); N] {
    fn cell(&self, column: &str) -> Option<&str> {
        self.as_slice().cell(column)
    }
}

impl<S: AsRef<str>> TextRow for HashMap<String, S> {
    fn cell(&self, column: &str) -> Option<&str> {
        self.get(column).map(AsRef::as_ref)
    }
}

impl<S: AsRef<str>> TextRow for std::collections::BTreeMap<String, S> {
    fn cell(&self, column: &str) -> Option<&str> {
        self.get(column).map(AsRef::as_ref)
    }
}

/// Gender as heatkit reads and writes it: one of four codes.
///
/// ```
/// use heat_core::fields::Gender;
/// assert_eq!(Gender::Other.code(), "X");
/// assert_eq!(heat_core::fields::gender("Non-binary").unwrap(), Some(Gender::Other));
/// assert_eq!(Gender::NotKnown.known(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub enum Gender {
    /// Male (`M`).
    Male,
    /// Female (`F`).
    Female,
    /// Another gender: non-binary, other (`X`).
    Other,
    /// Recorded as not known: prefer not to say, not stated (`U`).
    NotKnown,
}

impl Gender {
    /// The code heatkit writes: `M`, `F`, `X` or `U` (each reads back as itself).
    ///
    /// ```
    /// assert_eq!(heat_core::fields::Gender::NotKnown.code(), "U");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::Other => "X",
            Gender::NotKnown => "U",
        }
    }

    /// The gender when one is stated (`None` for [`Gender::NotKnown`]), for comparing students.
    ///
    /// ```
    /// use heat_core::fields::Gender;
    /// assert_eq!(Gender::Female.known(), Some(Gender::Female));
    /// ```
    pub fn known(self) -> Option<Gender> {
        (self != Gender::NotKnown).then_some(self)
    }
}

/// What a vocabulary word means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Missing,
    Yes,
    No,
    Gender(Gender),
}

/// The words the readers know: placeholders, yes/no and gender. The embedded default is
/// `data/fields/vocabulary.csv`; a team can load its own with [`Vocabulary::from_csv_reader`]
/// and put it in force with [`set_vocabulary`].
///
/// ```
/// use heat_core::fields::Vocabulary;
/// let v = Vocabulary::from_csv_reader("field,text,reading\nyes_no,oui,yes\nmissing,?,missing\n".as_bytes()).unwrap();
/// assert_eq!(v.yes_no("OUI").unwrap(), Some(true));
/// assert!(v.yes_no("yes").is_err()); // only the words in the file
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vocabulary {
    missing: HashMap<String, ()>,
    /// For each first byte of a placeholder's key, a bit per key length (63: that or longer):
    /// most cells (names, postcodes) are ruled out here without hashing.
    missing_shapes: Vec<u64>,
    yes_no: HashMap<String, bool>,
    gender: HashMap<String, Gender>,
}

/// Calls `f` with [`key`]`(s)`, built on the stack for short ASCII text (most cells), so a
/// lookup makes no allocation.
fn with_key<T>(s: &str, f: impl FnOnce(&str) -> T) -> T {
    const ROOM: usize = 48;
    let t = s.trim();
    if t.len() <= ROOM && t.is_ascii() {
        let mut buf = [0u8; ROOM];
        let mut n = 0;
        for word in t.split_ascii_whitespace() {
            if n > 0 {
                buf[n] = b' ';
                n += 1;
            }
            for b in word.bytes() {
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            }
        }
        // Only ASCII bytes were written, so this never fails.
        if let Ok(k) = std::str::from_utf8(&buf[..n]) {
            return f(k);
        }
    }
    f(&key(s))
}

/// The lookup key of a typed value: trimmed, lower case, inner whitespace collapsed.
fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

impl Vocabulary {
    /// Reads a vocabulary CSV: columns `field` (`missing`, `yes_no` or `gender`), `text` and
    /// `reading` (`missing`; `yes` or `no`; `M`, `F`, `X` or `U`).
    ///
    /// ```
    /// use heat_core::{fields::Vocabulary, HeatError};
    /// let e = Vocabulary::from_csv_reader("field,text,reading\ngender,z,Z\n".as_bytes()).unwrap_err();
    /// assert_eq!(e.to_string(), "vocabulary row 2: gender reading \"Z\" is not M, F, X or U");
    /// assert_eq!(e.code(), "bad_vocabulary");
    /// ```
    pub fn from_csv_reader<R: std::io::Read>(reader: R) -> Result<Vocabulary, FieldError> {
        let bad = |row: usize, reason: String| FieldError::BadVocabulary { row, reason };
        let mut rdr = csv::Reader::from_reader(reader);
        let headers = rdr.headers().map_err(|e| bad(0, e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| bad(0, format!("no {name} column")))
        };
        let (c_field, c_text, c_reading) = (col("field")?, col("text")?, col("reading")?);
        let mut v = Vocabulary::default();
        for (i, record) in rdr.records().enumerate() {
            let record =
                record.map_err(|e| bad(crate::rows::of_csv_error(&e, i), e.to_string()))?;
            let row = crate::rows::of_record(&record, i);
            let get = |c: usize| record.get(c).unwrap_or("").trim();
            let (field, text, reading) = (get(c_field), key(get(c_text)), get(c_reading));
            if text.is_empty() {
                return Err(bad(row, "text is blank".into()));
            }
            match field {
                "missing" => {
                    v.note_missing_shape(&text);
                    v.missing.insert(text, ());
                }
                "yes_no" => {
                    let yes = match reading {
                        "yes" => true,
                        "no" => false,
                        _ => {
                            return Err(bad(
                                row,
                                format!("yes_no reading {reading:?} is not yes or no"),
                            ))
                        }
                    };
                    v.yes_no.insert(text, yes);
                }
                "gender" => {
                    let g = match reading {
                        "M" => Gender::Male,
                        "F" => Gender::Female,
                        "X" => Gender::Other,
                        "U" => Gender::NotKnown,
                        _ => {
                            return Err(bad(
                                row,
                                format!("gender reading {reading:?} is not M, F, X or U"),
                            ))
                        }
                    };
                    v.gender.insert(text, g);
                }
                other => {
                    return Err(bad(
                        row,
                        format!("field {other:?} is not missing, yes_no or gender"),
                    ))
                }
            }
        }
        Ok(v)
    }

    /// The embedded default vocabulary.
    ///
    /// ```
    /// let v = heat_core::fields::Vocabulary::embedded();
    /// assert!(v.is_placeholder("#N/A"));
    /// ```
    pub fn embedded() -> &'static Vocabulary {
        &EMBEDDED
    }

    fn reading(&self, k: &str, field: Option<Reading>) -> Option<Reading> {
        let own = match field {
            Some(Reading::Yes) => {
                self.yes_no
                    .get(k)
                    .map(|&y| if y { Reading::Yes } else { Reading::No })
            }
            Some(Reading::Gender(_)) => self.gender.get(k).map(|&g| Reading::Gender(g)),
            _ => None,
        };
        own.or_else(|| self.is_missing_key(k).then_some(Reading::Missing))
    }

    /// Whether `s` is blank or a placeholder meaning "no value".
    ///
    /// ```
    /// let v = heat_core::fields::Vocabulary::embedded();
    /// assert!(v.is_placeholder("  N/A ") && v.is_placeholder("") && !v.is_placeholder("Ann"));
    /// ```
    pub fn is_placeholder(&self, s: &str) -> bool {
        let t = s.trim();
        match t.as_bytes().first() {
            None => return true,
            // No placeholder starts with this letter: no key to build (most names).
            Some(b) if b.is_ascii() && self.starting_with(b.to_ascii_lowercase()) == 0 => {
                return false
            }
            Some(_) => {}
        }
        with_key(t, |k| k.is_empty() || self.is_missing_key(k))
    }

    /// The length bits of the placeholders whose key starts with `first`.
    fn starting_with(&self, first: u8) -> u64 {
        self.missing_shapes
            .get(first as usize)
            .copied()
            .unwrap_or(0)
    }

    /// `k` (a lookup key) is one of the placeholders.
    fn is_missing_key(&self, k: &str) -> bool {
        let (first, bit) = Self::shape(k);
        self.starting_with(first) & bit != 0 && self.missing.contains_key(k)
    }

    fn note_missing_shape(&mut self, k: &str) {
        let (first, bit) = Self::shape(k);
        if self.missing_shapes.len() < 256 {
            self.missing_shapes.resize(256, 0);
        }
        if let Some(bits) = self.missing_shapes.get_mut(first as usize) {
            *bits |= bit;
        }
    }

    /// A key's first byte and its length bit.
    fn shape(k: &str) -> (u8, u64) {
        let first = k.as_bytes().first().copied().unwrap_or(0);
        (first, 1u64 << k.len().min(63))
    }

    /// The text of a cell, trimmed; `None` when blank or a placeholder.
    ///
    /// ```
    /// let v = heat_core::fields::Vocabulary::embedded();
    /// assert_eq!((v.text(" Ann "), v.text("none")), (Some("Ann"), None));
    /// ```
    pub fn text<'a>(&self, s: &'a str) -> Option<&'a str> {
        let t = s.trim();
        (!self.is_placeholder(t)).then_some(t)
    }

    /// A yes/no answer (consent and every yes/no column).
    ///
    /// ```
    /// let v = heat_core::fields::Vocabulary::embedded();
    /// assert_eq!((v.yes_no("t").unwrap(), v.yes_no("Not given").unwrap()), (Some(true), Some(false)));
    /// ```
    pub fn yes_no(&self, s: &str) -> Result<Option<bool>, FieldError> {
        let reading = with_key(s, |k| {
            (!k.is_empty()).then(|| self.reading(k, Some(Reading::Yes)))
        });
        let Some(reading) = reading else {
            return Ok(None);
        };
        match reading {
            Some(Reading::Yes) => Ok(Some(true)),
            Some(Reading::No) => Ok(Some(false)),
            Some(_) => Ok(None),
            None => Err(FieldError::NotYesNo(s.trim().to_string())),
        }
    }

    /// A gender.
    ///
    /// ```
    /// use heat_core::fields::{Gender, Vocabulary};
    /// let v = Vocabulary::embedded();
    /// assert_eq!(v.gender("X").unwrap(), Some(Gender::Other));
    /// assert_eq!(v.gender("n/a").unwrap(), None);
    /// assert!(v.gender("1").is_err());
    /// ```
    pub fn gender(&self, s: &str) -> Result<Option<Gender>, FieldError> {
        let reading = with_key(s, |k| {
            (!k.is_empty()).then(|| self.reading(k, Some(Reading::Gender(Gender::NotKnown))))
        });
        let Some(reading) = reading else {
            return Ok(None);
        };
        match reading {
            Some(Reading::Gender(g)) => Ok(Some(g)),
            Some(_) => Ok(None),
            None => Err(FieldError::UnknownGender(s.trim().to_string())),
        }
    }
}

#[allow(clippy::expect_used)] // embedded data, not input: parsed by a unit test on every build
static EMBEDDED: Lazy<Vocabulary> = Lazy::new(|| {
    Vocabulary::from_csv_reader(VOCABULARY_CSV.as_bytes())
        .expect("data/fields/vocabulary.csv is valid (tested)")
});

static IN_FORCE: Lazy<RwLock<Arc<Vocabulary>>> =
    Lazy::new(|| RwLock::new(Arc::new(EMBEDDED.clone())));

/// The vocabulary in force (the embedded one unless [`set_vocabulary`] replaced it). Batch work
/// fetches it once and calls its methods per row.
///
/// ```
/// assert!(heat_core::fields::vocabulary().is_placeholder("TBC"));
/// ```
pub fn vocabulary() -> Arc<Vocabulary> {
    match IN_FORCE.read() {
        Ok(v) => Arc::clone(&v),
        Err(poisoned) => Arc::clone(&poisoned.into_inner()),
    }
}

/// Bumped by [`set_vocabulary`], so each thread knows when its copy is stale.
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's handle on the vocabulary in force, and its generation: the per-cell
    /// functions read it without touching the shared lock or reference count (which, hit by
    /// every cell on every core, cost more than the lookups themselves).
    static LOCAL: RefCell<Option<(u64, Arc<Vocabulary>)>> = const { RefCell::new(None) };
}

/// Calls `f` with the vocabulary in force.
fn with_vocabulary<T>(f: impl FnOnce(&Vocabulary) -> T) -> T {
    let generation = GENERATION.load(Ordering::Acquire);
    LOCAL.with(|local| {
        if let Ok(mut slot) = local.try_borrow_mut() {
            if slot.as_ref().is_none_or(|(g, _)| *g != generation) {
                *slot = Some((generation, vocabulary()));
            }
        }
        match local.try_borrow() {
            Ok(slot) => match slot.as_ref() {
                Some((_, v)) => f(v),
                None => f(&vocabulary()),
            },
            Err(_) => f(&vocabulary()),
        }
    })
}

/// Puts a vocabulary in force for every reader (`None` restores the embedded one).
///
/// ```
/// use heat_core::fields::{self, set_vocabulary, Vocabulary};
/// set_vocabulary(None);
/// assert_eq!(fields::yes_no("yes").unwrap(), Some(true));
/// ```
pub fn set_vocabulary(v: Option<Vocabulary>) {
    let v = Arc::new(v.unwrap_or_else(|| EMBEDDED.clone()));
    match IN_FORCE.write() {
        Ok(mut slot) => *slot = v,
        Err(poisoned) => *poisoned.into_inner() = v,
    }
    GENERATION.fetch_add(1, Ordering::Release);
}

/// [`Vocabulary::text`] with the vocabulary in force.
///
/// ```
/// assert_eq!(heat_core::fields::text("-"), None);
/// ```
pub fn text(s: &str) -> Option<&str> {
    with_vocabulary(|v| v.text(s))
}

/// [`Vocabulary::yes_no`] with the vocabulary in force.
///
/// ```
/// assert_eq!(heat_core::fields::yes_no("Seen").unwrap(), Some(true));
/// ```
pub fn yes_no(s: &str) -> Result<Option<bool>, FieldError> {
    with_vocabulary(|v| v.yes_no(s))
}

/// [`Vocabulary::gender`] with the vocabulary in force.
///
/// ```
/// assert_eq!(heat_core::fields::gender("girl").unwrap(), Some(heat_core::fields::Gender::Female));
/// ```
pub fn gender(s: &str) -> Result<Option<Gender>, FieldError> {
    with_vocabulary(|v| v.gender(s))
}

/// A date (of birth, of an activity): every form [`parse_date`] reads (ISO, UK, `YYYYMMDD`,
/// `1 Sep 2010`, an Excel serial number), or `None` for a blank cell or placeholder.
///
/// ```
/// assert_eq!(heat_core::fields::date("01/09/2010 00:00").unwrap().unwrap().to_string(), "2010-09-01");
/// assert!(heat_core::fields::date("2010-13-01").is_err());
/// ```
pub fn date(s: &str) -> Result<Option<NaiveDate>, CohortError> {
    if with_vocabulary(|v| v.is_placeholder(s)) {
        return Ok(None);
    }
    parse_date(s).map(Some)
}

/// A home or school postcode as typed, read once for every path: placeholders are missing; a
/// valid postcode is normalised; one a few typing slips from one live postcode is fixed (and says so); anything
/// else is the first failing check's error.
///
/// ```
/// let p = heat_core::fields::postcode("5W1A 1AA").unwrap().unwrap();
/// assert_eq!((p.postcode.as_str(), p.fixed()), ("SW1A 1AA", true));
/// assert_eq!(heat_core::fields::postcode("N/A").unwrap(), None);
/// ```
pub fn postcode(s: &str) -> Result<Option<PostcodeReading>, PostcodeError> {
    read_postcode(s).map_err(|(e, _)| e)
}

/// [`postcode()`], keeping the candidates of a value it cannot read (several live postcodes
/// equally near), so that they are searched once.
pub(crate) fn read_postcode(
    s: &str,
) -> Result<Option<PostcodeReading>, (PostcodeError, Vec<Candidate>)> {
    if with_vocabulary(|v| v.is_placeholder(s)) {
        return Ok(None);
    }
    let reading = |postcode, edits| Ok(Some(PostcodeReading { postcode, edits }));
    match postcode::repair(s, &RepairContext::default()) {
        Repair::AsTyped(p) => reading(p, Vec::new()),
        Repair::Fixed(c) => reading(c.postcode, c.edits),
        // The error of the value as typed, not of a repair.
        Repair::Check(found) => match Postcode::parse(s) {
            Ok(p) => reading(p, Vec::new()),
            Err(e) => Err((e, found)),
        },
        Repair::NotFound(e) => Err((e, Vec::new())),
    }
}

/// A postcode read by [`postcode()`]: the postcode, and the slips repaired to get it.
///
/// ```
/// let p = heat_core::fields::postcode("ls1 4ap").unwrap().unwrap();
/// assert!(!p.fixed());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostcodeReading {
    /// The postcode, normalised.
    pub postcode: Postcode,
    /// The typing slips undone (empty when it was valid as typed).
    pub edits: Vec<Edit>,
}

impl PostcodeReading {
    /// Whether slips were repaired.
    ///
    /// ```
    /// assert!(heat_core::fields::postcode("P016 7GZ").unwrap().unwrap().fixed());
    /// ```
    pub fn fixed(&self) -> bool {
        !self.edits.is_empty()
    }
}

/// A year group as typed (`Y10`, `Year 10`, `10`, `Rec`, `P6`, `S4`, form classes `7B`, `11A`,
/// `10X2`), as the number `nation` counts it; `None` for a placeholder. See
/// [`clean_year_group`].
///
/// ```
/// use heat_core::{fields, nation::Nation, HeatError};
/// assert_eq!(fields::year_group("11A", Nation::England).unwrap(), Some(11));
/// assert_eq!(fields::year_group("Y-1", Nation::England).unwrap_err().code(), "year_group_not_in_nation");
/// ```
pub fn year_group(s: &str, nation: Nation) -> Result<Option<i32>, CohortError> {
    if with_vocabulary(|v| v.is_placeholder(s)) {
        return Ok(None);
    }
    clean_year_group(s, nation).map(Some)
}

/// A whole number of 0 or more (headcounts, sessions, students registered). Spreadsheet forms
/// `12.0` and `1,200` are read; `None` for a placeholder.
///
/// ```
/// use heat_core::fields::whole_number;
/// assert_eq!((whole_number("30").unwrap(), whole_number("30.0").unwrap(), whole_number("1,200").unwrap()),
///            (Some(30), Some(30), Some(1200)));
/// assert!(whole_number("x").is_err() && whole_number("-2").is_err() && whole_number("2.5").is_err());
/// ```
pub fn whole_number(s: &str) -> Result<Option<u32>, FieldError> {
    let Some(t) = text(s) else {
        return Ok(None);
    };
    let bad = || FieldError::NotAWholeNumber(t.to_string());
    let plain: String = t.chars().filter(|c| *c != ',').collect();
    let whole = plain.strip_suffix(".0").unwrap_or(&plain);
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    whole.parse().map(Some).map_err(|_| bad())
}

/// A number (contact hours): decimals allowed; `None` for a placeholder.
///
/// ```
/// use heat_core::fields::number;
/// assert_eq!(number("2.5").unwrap(), Some(2.5));
/// assert!(number("two").is_err() && number("inf").is_err());
/// ```
pub fn number(s: &str) -> Result<Option<f64>, FieldError> {
    let Some(t) = text(s) else {
        return Ok(None);
    };
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && !t.chars().any(char::is_alphabetic))
        .map(Some)
        .ok_or_else(|| FieldError::NotANumber(t.to_string()))
}

/// A phase adjustment (`+1`, `-1`, `0`); blank or a placeholder is no adjustment.
///
/// ```
/// use heat_core::HeatError;
/// assert_eq!(heat_core::fields::phase_adjustment("+1").unwrap().years(), 1);
/// assert_eq!(heat_core::fields::phase_adjustment("99").unwrap_err().code(), "bad_phase_adjustment");
/// ```
pub fn phase_adjustment(s: &str) -> Result<PhaseAdjustment, CohortError> {
    match text(s) {
        None => Ok(PhaseAdjustment::NONE),
        Some(t) => t.parse(),
    }
}

/// What [`list_cell`] writes between a list's items ([`list`] also reads `;`).
pub const LIST_SEPARATOR: char = '|';

/// The text of a list cell from its items, as [`list`] reads it back: what a list given as a
/// list (Python, JSON) becomes before a record reader reads the row.
///
/// ```
/// use heat_core::fields::{list, list_cell};
/// assert_eq!(list_cell(["Year 10", "Year 11"]), "Year 10|Year 11");
/// assert_eq!(list(&list_cell(["Year 10", "Year 11"])), ["Year 10", "Year 11"]);
/// assert_eq!(list_cell(Vec::<String>::new()), "");
/// ```
pub fn list_cell<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(LIST_SEPARATOR);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// The items of a list cell (`Year 10|Year 11`, `a; b`), trimmed, placeholders dropped.
///
/// ```
/// assert_eq!(heat_core::fields::list("Year 10| Y11;;n/a"), vec!["Year 10", "Y11"]);
/// ```
pub fn list(s: &str) -> Vec<&str> {
    with_vocabulary(|v| s.split(['|', ';']).filter_map(|x| v.text(x)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_past_the_first_letter_and_length_filter() {
        let v = Vocabulary::from_csv_reader(
            "field,text,reading\nmissing,zzz,missing\nmissing,z z,missing\nmissing,—,missing\n"
                .as_bytes(),
        )
        .unwrap();
        for typed in ["zzz", " ZZZ ", "Z  z", "—", "", "  "] {
            assert!(v.is_placeholder(typed), "{typed:?}");
        }
        for typed in ["Zara", "zz", "zzzz", "a", "–", "Zoë", "ÉMILE"] {
            assert!(!v.is_placeholder(typed), "{typed:?}");
        }
        let none = Vocabulary::default();
        assert!(none.is_placeholder(" ") && !none.is_placeholder("n/a"));
        assert_eq!(v.reading("zzz", None), Some(Reading::Missing));
    }

    #[test]
    fn the_embedded_vocabulary_reads_and_is_complete() {
        let v =
            Vocabulary::from_csv_reader(VOCABULARY_CSV.as_bytes()).expect("embedded vocabulary");
        assert_eq!(&v, Vocabulary::embedded());
        assert!(v.missing.len() >= 30 && v.yes_no.len() >= 30 && v.gender.len() >= 25);
        // Every code heatkit writes reads back as itself.
        for g in [
            Gender::Male,
            Gender::Female,
            Gender::Other,
            Gender::NotKnown,
        ] {
            assert_eq!(v.gender(g.code()), Ok(Some(g)));
        }
        for (b, word) in [(true, "yes"), (false, "no")] {
            assert_eq!(v.yes_no(word), Ok(Some(b)));
        }
    }

    #[test]
    fn placeholders_are_missing_in_every_field() {
        for p in [
            "N/A", "none", "-", "TBC", " n/a ", "#N/A", "?", "Unknown", "NULL",
        ] {
            assert_eq!(text(p), None, "{p}");
            assert_eq!(date(p), Ok(None), "{p}");
            assert_eq!(postcode(p), Ok(None), "{p}");
            assert_eq!(year_group(p, Nation::England), Ok(None), "{p}");
            assert_eq!(whole_number(p), Ok(None), "{p}");
            assert!(
                matches!(gender(p), Ok(None) | Ok(Some(Gender::NotKnown))),
                "{p}"
            );
        }
        // A field's own word wins over the placeholders.
        assert_eq!(yes_no("not given"), Ok(Some(false)));
        assert_eq!(gender("unknown"), Ok(Some(Gender::NotKnown)));
    }

    #[test]
    fn the_five_old_yes_no_vocabularies_are_one() {
        for yes in ["y", "Yes", "TRUE", "1", "t", "consented", "seen", "Agreed"] {
            assert_eq!(yes_no(yes), Ok(Some(true)), "{yes}");
        }
        for no in [
            "n", "No", "false", "0", "f", "refused", "not seen", "declined",
        ] {
            assert_eq!(yes_no(no), Ok(Some(false)), "{no}");
        }
        assert_eq!(yes_no("maybe").unwrap_err().code(), "not_yes_no");
    }

    #[test]
    fn gender_words() {
        let cases = [
            ("M", Gender::Male),
            ("female", Gender::Female),
            ("Non-binary", Gender::Other),
            ("Other", Gender::Other),
            ("X", Gender::Other),
            ("Prefer not to say", Gender::NotKnown),
            ("prefer  not to say", Gender::NotKnown),
            ("U", Gender::NotKnown),
        ];
        for (s, g) in cases {
            assert_eq!(gender(s), Ok(Some(g)), "{s}");
        }
        assert_eq!(gender("2").unwrap_err().code(), "unknown_gender");
    }

    #[test]
    fn postcodes_are_normalised_fixed_or_refused() {
        let p = postcode("CRO 2YR").unwrap().unwrap();
        assert_eq!(p.postcode.as_str(), "CR0 2YR");
        assert_eq!(p.edits.len(), 1);
        assert_eq!(
            postcode("SW1A 1AC").unwrap_err().code(),
            "bad_letter_position"
        );
        assert_eq!(postcode("MA1 1AA").unwrap_err().code(), "unknown_area");
    }

    #[test]
    fn a_vocabulary_put_in_force_is_read_by_threads_that_read_the_old_one() {
        // The embedded words plus one, so tests running beside this one read as before.
        let extra = format!("{VOCABULARY_CSV}missing,zzqx placeholder,missing\n");
        let v = Vocabulary::from_csv_reader(extra.as_bytes()).expect("vocabulary");
        let before = std::thread::spawn(|| (text("zzqx  Placeholder"), text("ZZQX")));
        assert_eq!(
            before.join().ok(),
            Some((Some("zzqx  Placeholder"), Some("ZZQX")))
        );
        // This thread has read (and kept) the old vocabulary...
        assert_eq!(text(" ZZQX placeholder "), Some("ZZQX placeholder"));
        set_vocabulary(Some(v));
        // ...and reads the new one from the next cell on, as does every other thread.
        let mine = text(" ZZQX placeholder ");
        let other = std::thread::spawn(|| text("zzqx\tplaceholder")).join().ok();
        set_vocabulary(None);
        assert_eq!((mine, other), (None, Some(None)));
        assert_eq!(text(" ZZQX placeholder "), Some("ZZQX placeholder"));
        // Long and non-ASCII text takes the allocating path with the same answer.
        assert_eq!(text(&"Ann ".repeat(20)), Some("Ann ".repeat(20).trim()));
        assert_eq!((text("  N/Ａ "), text(" n/a ")), (Some("N/Ａ"), None));
    }
}
