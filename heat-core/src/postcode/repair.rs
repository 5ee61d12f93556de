//! Repair of typing slips against the live postcode list: every live postcode one slip away from
//! what was typed, ranked, and a repair only when exactly one is nearest.
//!
//! The slips searched are the ones people make on a UK keyboard: a letter for the digit it looks
//! like (O/0, I/1, S/5, at any number of places), a digit for a letter under it on a QWERTY
//! keyboard or the reverse (4 for E or R), a digit for the digit beside it, two neighbouring
//! characters swapped, a character left out and one typed too many. A missing space is not a
//! slip: spaces are ignored. Where the live list does not cover the area (Northern Ireland's BT,
//! unless a list was loaded with [`load_live_postcodes`](super::load_live_postcodes)), only the
//! look-alike slips are repaired, to a live district, as before the live list was used.

use super::accept::{accept, has_shape};
use super::clean::{clean, Compact};
use super::data::{DATA, INWARD_LETTERS};
use super::special::recognise_compact;
use super::{Level, Liveness, Postcode, PostcodeError};
use crate::error::codes;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The kind of typing slip a repair undoes.
///
/// ```
/// use heat_core::postcode::{candidates, Slip};
/// let c = candidates("AL7 REF").unwrap(); // typed R for 4
/// assert_eq!((c[0].postcode.as_str(), c[0].slip()), ("AL7 4EF", Slip::KeyboardNeighbour));
/// assert_eq!(Slip::KeyboardNeighbour.code(), "keyboard_neighbour");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Slip {
    /// A letter typed for the digit it looks like, or the reverse: O/0, I/1, S/5.
    LookAlike,
    /// A digit typed as a letter under it on a QWERTY keyboard, or the reverse (E or R for 4).
    KeyboardNeighbour,
    /// A digit typed as the digit beside it on the keyboard (7 for 8).
    NeighbourDigit,
    /// Two neighbouring characters typed the other way round.
    Transposed,
    /// A character left out.
    Missing,
    /// A character typed that does not belong (often twice).
    Extra,
}

codes!(unit Slip in "heat_core::postcode" {
    LookAlike => "look_alike",
    KeyboardNeighbour => "keyboard_neighbour",
    NeighbourDigit => "neighbour_digit",
    Transposed => "transposed",
    Missing => "missing",
    Extra => "extra",
});

impl Slip {
    /// The slip's stable code.
    ///
    /// ```
    /// assert_eq!(heat_core::postcode::Slip::Transposed.code(), "transposed");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }

    /// The slip in a few plain words.
    ///
    /// ```
    /// assert_eq!(heat_core::postcode::Slip::Missing.describe(), "a character left out");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Slip::LookAlike => "a letter for a look-alike digit",
            Slip::KeyboardNeighbour => "a key next to the right one",
            Slip::NeighbourDigit => "the digit beside the right one",
            Slip::Transposed => "two characters swapped",
            Slip::Missing => "a character left out",
            Slip::Extra => "a character too many",
        }
    }
}

/// One slip undone: where, what was typed and what it became.
///
/// `position` counts the letters and digits as typed (spaces and punctuation not counted, from
/// 0). `typed` is the character typed there (`None` for [`Slip::Missing`]) and `repaired` what it
/// became (`None` for [`Slip::Extra`]); for [`Slip::Transposed`] they are the first of the two
/// characters as typed and as repaired.
///
/// ```
/// use heat_core::postcode::{fix, Edit, Slip};
/// assert_eq!(fix("P016 7GZ").unwrap().edits,
///            vec![Edit { slip: Slip::LookAlike, position: 1, typed: Some('0'), repaired: Some('O') }]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Edit {
    /// The kind of slip.
    pub slip: Slip,
    /// Index among the typed letters and digits.
    pub position: usize,
    /// The character typed there, upper-cased.
    pub typed: Option<char>,
    /// The character it became.
    pub repaired: Option<char>,
}

impl Edit {
    /// The edit as `slip:position:typed>repaired` (a missing character blank): the form of the
    /// `edits` column in tables and the golden cases.
    ///
    /// ```
    /// use heat_core::postcode::fix;
    /// assert_eq!(fix("SW1A1AAA").unwrap().edits[0].tagged(), "extra:5:A>");
    /// ```
    pub fn tagged(&self) -> String {
        let c = |x: Option<char>| x.map(String::from).unwrap_or_default();
        format!(
            "{}:{}:{}>{}",
            self.slip.code(),
            self.position,
            c(self.typed),
            c(self.repaired)
        )
    }
}

impl std::fmt::Display for Edit {
    /// `0→O`, `+4`, `-X`, `RE→ER`.
    ///
    /// ```
    /// use heat_core::postcode::fix;
    /// assert_eq!(fix("P016 7GZ").unwrap().edits[0].to_string(), "0→O");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.slip, self.typed, self.repaired) {
            (Slip::Transposed, Some(a), Some(b)) => write!(f, "{a}{b}→{b}{a}"),
            (_, Some(a), Some(b)) => write!(f, "{a}→{b}"),
            (_, None, Some(b)) => write!(f, "+{b}"),
            (_, Some(a), None) => write!(f, "-{a}"),
            (_, None, None) => Ok(()),
        }
    }
}

/// How a candidate fits what is known about the student (see [`RepairContext`]).
///
/// ```
/// use heat_core::postcode::{ContextFit, RepairContext, repair, Repair};
/// let context = RepairContext::default().with_postcode("AL7 4EF".parse().unwrap());
/// match repair("AL7 REF", &context) {
///     Repair::Fixed(c) => assert_eq!(c.context, Some(ContextFit::SamePostcode)),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ContextFit {
    /// The same postcode as one the context gives (the student's other records).
    SamePostcode,
    /// In a district the context gives (the school's).
    SameDistrict,
    /// In an area the context gives.
    SameArea,
}

codes!(unit ContextFit in "heat_core::postcode" {
    SamePostcode => "same_postcode",
    SameDistrict => "same_district",
    SameArea => "same_area",
});

impl ContextFit {
    /// The fit's stable code.
    ///
    /// ```
    /// assert_eq!(heat_core::postcode::ContextFit::SameDistrict.code(), "same_district");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }
}

/// A live postcode one slip (or several look-alike slips) away from what was typed.
///
/// ```
/// use heat_core::postcode::{candidates, Slip};
/// let c = &candidates("DY4 URP").unwrap()[0]; // U is under 7 and 8: DY4 7RP or DY4 8RP
/// assert_eq!((c.postcode.as_str(), c.slip(), c.cost()), ("DY4 7RP", Slip::KeyboardNeighbour, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Candidate {
    /// The postcode the slips lead to: live, or in a district the live list does not cover.
    pub postcode: Postcode,
    /// The slips undone, in position order.
    pub edits: Vec<Edit>,
    /// How it fits the context given to [`repair`] (`None`: no fit, or no context).
    pub context: Option<ContextFit>,
    /// Whether [`repair`] may choose it: false for a slip other than a look-alike that makes
    /// another area when the area typed is one (`LS`), or that adds or drops a letter of an area
    /// typed that is none (`TL9 7AQ` read as L9 7AQ: the letters may be wrong in ways not
    /// searched), or that moves the space typed (`WA60 5PH` read as WA6 0PH). Such a candidate is
    /// listed and counts as a rival (no repair is made beside it), but only a person may pick it:
    /// on outside data, such repairs were mostly wrong.
    pub repairable: bool,
}

impl Candidate {
    /// The number of slips undone: fewer is nearer.
    ///
    /// ```
    /// assert_eq!(heat_core::postcode::candidates("ECIR IUB").unwrap()[0].cost(), 2);
    /// ```
    pub fn cost(&self) -> usize {
        self.edits.len()
    }

    /// The kind of the first slip (all are the same kind but for several look-alikes).
    ///
    /// ```
    /// use heat_core::postcode::{candidates, Slip};
    /// assert_eq!(candidates("OL25 8PE").unwrap().iter().map(|c| c.slip()).next(), Some(Slip::NeighbourDigit));
    /// ```
    pub fn slip(&self) -> Slip {
        self.edits.first().map_or(Slip::LookAlike, |e| e.slip)
    }

    /// `AL7 4EF (a key next to the right one: R→4)`.
    ///
    /// ```
    /// let c = &heat_core::postcode::candidates("AL7 REF").unwrap()[0];
    /// assert_eq!(c.describe(), "AL7 4EF (a key next to the right one: R→4)");
    /// ```
    pub fn describe(&self) -> String {
        let edits: Vec<String> = self.edits.iter().map(Edit::to_string).collect();
        format!(
            "{} ({}: {})",
            self.postcode,
            self.slip().describe(),
            edits.join(", ")
        )
    }
}

/// What is known about the student that can break a tie between candidates: postcodes from their
/// other records, the school's district, an expected area. It never makes a candidate of a
/// postcode no slip leads to, and never outranks a nearer candidate.
///
/// ```
/// use heat_core::postcode::RepairContext;
/// let c = RepairContext::default().with_district("LS10").with_area("LS");
/// assert!(!c.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct RepairContext {
    /// Postcodes of the same student's other records.
    pub postcodes: Vec<Postcode>,
    /// Postcode districts (outward codes) where the student is expected (the school's).
    pub districts: Vec<String>,
    /// Postcode areas where the student is expected (`LS`).
    pub areas: Vec<String>,
}

impl RepairContext {
    /// Adds a postcode from the student's other records.
    ///
    /// ```
    /// let c = heat_core::postcode::RepairContext::default().with_postcode("LS1 4AP".parse().unwrap());
    /// assert_eq!(c.postcodes.len(), 1);
    /// ```
    pub fn with_postcode(mut self, postcode: Postcode) -> Self {
        self.postcodes.push(postcode);
        self
    }

    /// Adds an expected district (outward code, any case or spacing).
    ///
    /// ```
    /// let c = heat_core::postcode::RepairContext::default().with_district(" ls10 ");
    /// assert_eq!(c.districts, ["LS10"]);
    /// ```
    pub fn with_district(mut self, district: &str) -> Self {
        self.districts.push(tidy(district));
        self
    }

    /// Adds an expected area (`LS`).
    ///
    /// ```
    /// let c = heat_core::postcode::RepairContext::default().with_area("ls");
    /// assert_eq!(c.areas, ["LS"]);
    /// ```
    pub fn with_area(mut self, area: &str) -> Self {
        self.areas.push(tidy(area));
        self
    }

    /// Whether nothing is known.
    ///
    /// ```
    /// assert!(heat_core::postcode::RepairContext::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.postcodes.is_empty() && self.districts.is_empty() && self.areas.is_empty()
    }

    fn fit(&self, p: &Postcode) -> Option<ContextFit> {
        if self.postcodes.contains(p) {
            Some(ContextFit::SamePostcode)
        } else if self.districts.iter().any(|d| d == p.outward()) {
            Some(ContextFit::SameDistrict)
        } else if self.areas.iter().any(|a| a == p.area()) {
            Some(ContextFit::SameArea)
        } else {
            None
        }
    }
}

fn tidy(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The outcome of [`repair`].
///
/// ```
/// use heat_core::postcode::{repair, Repair, RepairContext};
/// assert!(matches!(repair("ls1 4ap", &RepairContext::default()), Repair::AsTyped(_)));
/// assert!(matches!(repair("AL7 REF", &RepairContext::default()), Repair::Fixed(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Valid as typed (at district level; it may still not be live: see [`Postcode::liveness`]).
    AsTyped(Postcode),
    /// One candidate is nearest (or the context picks one out among the nearest): the repair.
    Fixed(Candidate),
    /// Several candidates are equally near: a person must choose. Nearest first.
    Check(Vec<Candidate>),
    /// No live postcode is one slip away; the error of the value as typed.
    NotFound(PostcodeError),
}

/// Every candidate for `input`, nearest first (then those that fit the context, then by the kind
/// of slip in [`Slip`]'s order, then in postcode order); empty when `input` is valid at district
/// level or nothing is near. The error is for a value with nothing to repair (empty, or a
/// character no postcode has).
///
/// ```
/// use heat_core::postcode::{candidates, Slip};
/// let found: Vec<(String, Slip)> = candidates("B81 4LS").unwrap().iter()
///     .map(|c| (c.postcode.to_string(), c.slip())).collect();
/// assert!(found.contains(&("B71 4LS".to_string(), Slip::NeighbourDigit)));
/// assert!(candidates("LS1 4AP").unwrap().is_empty());
/// ```
pub fn candidates(input: &str) -> Result<Vec<Candidate>, PostcodeError> {
    candidates_in(input, &RepairContext::default())
}

/// [`candidates`], each marked with how it fits `context` and ranked by it after nearness.
///
/// ```
/// use heat_core::postcode::{candidates_in, RepairContext};
/// let near_b18 = RepairContext::default().with_district("B18");
/// assert_eq!(candidates_in("B81 4LS", &near_b18).unwrap()[0].postcode.as_str(), "B18 4LS");
/// ```
pub fn candidates_in(
    input: &str,
    context: &RepairContext,
) -> Result<Vec<Candidate>, PostcodeError> {
    let Some(typed) = typed_letters(input)? else {
        return Ok(Vec::new());
    };
    if let Some(p) = typed.compact().and_then(|c| accept(c, Level::District)) {
        if p.liveness() != Liveness::NotLive {
            return Ok(Vec::new());
        }
    }
    let mut found = search(typed, typed_split(input));
    for c in &mut found {
        c.context = context.fit(&c.postcode);
    }
    found.sort_by(|a, b| {
        let key = |c: &Candidate| {
            let unrepairable = !c.repairable;
            (
                c.cost(),
                c.context.is_none(),
                c.context,
                unrepairable,
                c.slip(),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.postcode.as_str().cmp(b.postcode.as_str()))
    });
    Ok(found)
}

/// Repair `input` with `context`: valid as typed, one nearest live candidate (fixed), several
/// (check), or none. Among several equally near, the context picks one out when exactly one fits
/// it best (same postcode, then same district, then same area); without context, one look-alike
/// is chosen over readings that add or drop a character (`NR1O 3EZ` is NR10 3EZ, not NR1 3EZ),
/// never over another key or a swap (`SW10 OAA`: SW10 0AA or SW10 9AA, O being under 9). A value
/// that is valid in shape but not live is returned as typed: [`candidates`] lists what it may
/// have been, but such a value is never changed on its own (it may be a new postcode).
///
/// ```
/// use heat_core::postcode::{repair, Repair, RepairContext};
/// match repair("B81 4LS", &RepairContext::default()) {
///     Repair::Check(c) => assert!(c.len() > 1),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn repair(input: &str, context: &RepairContext) -> Repair {
    let as_typed = match Postcode::parse(input) {
        Ok(p) => return Repair::AsTyped(p),
        Err(e) => e,
    };
    let found = match candidates_in(input, context) {
        Ok(found) => found,
        Err(e) => return Repair::NotFound(e),
    };
    choose(found, as_typed)
}

/// The one nearest candidate, or the one the context picks out among the nearest, or the one
/// look-alike among them when every other adds or drops a character; a tie otherwise (a
/// candidate only a person may choose is never chosen, and ties as any other).
fn choose(mut found: Vec<Candidate>, as_typed: PostcodeError) -> Repair {
    let Some(best) = found.first().map(Candidate::cost) else {
        return Repair::NotFound(as_typed);
    };
    let nearest: Vec<usize> = (0..found.len())
        .take_while(|&i| found[i].cost() == best)
        .collect();
    let only = |keep: &dyn Fn(&Candidate) -> bool| -> Option<usize> {
        let mut fits = nearest.iter().copied().filter(|&i| keep(&found[i]));
        match (fits.next(), fits.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    };
    let top = nearest.iter().filter_map(|&i| found[i].context).min();
    let changes_length = |c: &Candidate| {
        c.edits
            .iter()
            .any(|e| matches!(e.slip, Slip::Missing | Slip::Extra))
    };
    let chosen = match top {
        Some(top) => only(&|c| c.context == Some(top)),
        None => only(&|_| true).or_else(|| {
            only(&|c| !changes_length(c)).filter(|&i| found[i].slip() == Slip::LookAlike)
        }),
    };
    match chosen {
        Some(i) if found[i].repairable => Repair::Fixed(found.swap_remove(i)),
        _ => Repair::Check(found),
    }
}

/// One reading of what was typed: up to eight upper-case letters and digits, on the stack (the
/// search tries about a hundred and fifty of them per value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Letters {
    bytes: [u8; 8],
    len: usize,
}

impl Letters {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn replaced(mut self, i: usize, b: u8) -> Letters {
        self.bytes[i] = b;
        self
    }

    fn swapped(mut self, i: usize) -> Letters {
        self.bytes.swap(i, i + 1);
        self
    }

    fn removed(mut self, i: usize) -> Letters {
        self.bytes.copy_within(i + 1..self.len, i);
        self.len -= 1;
        self.bytes[self.len] = 0;
        self
    }

    /// `b` inserted at `i`; only called on a reading shorter than eight.
    fn inserted(mut self, i: usize, b: u8) -> Letters {
        self.bytes.copy_within(i..self.len, i + 1);
        self.bytes[i] = b;
        self.len += 1;
        self
    }

    /// The reading as a compact postcode form, when it has a postcode's length.
    fn compact(&self) -> Option<Compact> {
        (5..=7).contains(&self.len).then(|| {
            let mut bytes = self.bytes;
            bytes[7] = 0;
            Compact {
                bytes,
                len: self.len,
            }
        })
    }
}

/// The letters and digits as typed, upper-cased; `None` when there are more than eight (nothing
/// one slip away is a postcode).
fn typed_letters(input: &str) -> Result<Option<Letters>, PostcodeError> {
    let compact = clean(input)?;
    let mut letters = Letters {
        bytes: compact.bytes,
        len: compact.len.min(7),
    };
    match compact.len {
        0..=7 => Ok(Some(letters)),
        8 => {
            // `clean` keeps seven: the eighth is the last letter or digit of the value.
            let text: String = if input.is_ascii() {
                input.to_string()
            } else {
                input.nfkc().collect()
            };
            let last = text.bytes().rev().find(u8::is_ascii_alphanumeric);
            letters.bytes[7] = last.map_or(0, |b| b.to_ascii_uppercase());
            letters.len = 8;
            Ok(Some(letters))
        }
        _ => Ok(None),
    }
}

/// How many letters and digits come before the one space inside a value typed with one space
/// and only letters and digits around it (`WA60 5PH`: 4); `None` otherwise.
fn typed_split(input: &str) -> Option<usize> {
    let mut parts = input.split_whitespace();
    let (outward, inward) = (parts.next()?, parts.next()?);
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    (parts.next().is_none() && plain(outward) && plain(inward)).then_some(outward.len())
}

/// The other half of a look-alike pair.
pub(super) fn look_alike(b: u8) -> Option<u8> {
    match b {
        b'O' => Some(b'0'),
        b'0' => Some(b'O'),
        b'I' => Some(b'1'),
        b'1' => Some(b'I'),
        b'S' => Some(b'5'),
        b'5' => Some(b'S'),
        _ => None,
    }
}

/// The top letter row of a QWERTY keyboard; the digit row sits half a key to its left, so digit
/// `d` (0 counted as 10) is over the letters at `d - 2` and `d - 1`.
const LETTER_ROW: &[u8; 10] = b"QWERTYUIOP";
const DIGIT_ROW: &[u8; 10] = b"1234567890";

/// Keys next to `b` that people hit for it: letters under a digit, digits over a letter, and the
/// digits beside a digit (at most four).
fn neighbours(b: u8) -> impl Iterator<Item = (u8, Slip)> {
    let mut out = [(0u8, Slip::KeyboardNeighbour); 4];
    let mut count = 0;
    let mut push = |key: u8, slip: Slip| {
        out[count] = (key, slip);
        count += 1;
    };
    if let Some(i) = DIGIT_ROW.iter().position(|&d| d == b) {
        // Digit i+1 (1-based) is over letters i-1 and i, and beside digits i-1 and i+1.
        if i > 0 {
            push(LETTER_ROW[i - 1], Slip::KeyboardNeighbour);
        }
        push(LETTER_ROW[i], Slip::KeyboardNeighbour);
        if i > 0 {
            push(DIGIT_ROW[i - 1], Slip::NeighbourDigit);
        }
        if i + 1 < 10 {
            push(DIGIT_ROW[i + 1], Slip::NeighbourDigit);
        }
    } else if let Some(j) = LETTER_ROW.iter().position(|&l| l == b) {
        push(DIGIT_ROW[j], Slip::KeyboardNeighbour);
        if j + 1 < 10 {
            push(DIGIT_ROW[j + 1], Slip::KeyboardNeighbour);
        }
    }
    out.into_iter().take(count)
}

const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LETTERS: &[u8] = ALPHABET.split_at(26).0;
const DIGITS: &[u8] = ALPHABET.split_at(26).1;

/// The characters that may be inserted at `at` into `shorter` to make a postcode, or `None` when
/// the characters already in place cannot make a postcode's ends whatever goes in: the inward
/// code is a digit and two letters, a postcode starts with a letter, and an insertion in the
/// inward code or at its digit needs the outward code before it to be a live district.
fn insertable(shorter: &[u8], at: usize) -> Option<&'static [u8]> {
    let m = shorter.len() + 1;
    // The character at `p` of the longer reading.
    let at_longer = |p: usize| if p < at { shorter[p] } else { shorter[p - 1] };
    let fits = |p: usize| match p {
        _ if p == at => true,
        _ if p == m - 3 => at_longer(p).is_ascii_digit(),
        _ if p > m - 3 => INWARD_LETTERS.contains(&at_longer(p)),
        0 => at_longer(p).is_ascii_uppercase(),
        _ => true,
    };
    if !(fits(0) && (m - 3..m).all(fits)) {
        return None;
    }
    if at >= m - 3 && DATA.outcode_index(&shorter[..m - 3]).is_none() {
        return None;
    }
    Some(if at > m - 3 {
        INWARD_LETTERS
    } else if at == m - 3 {
        DIGITS
    } else if at == 0 {
        LETTERS
    } else {
        ALPHABET
    })
}

/// Every candidate one slip away from `typed`, and those several look-alike slips away.
fn search(typed: Letters, split: Option<usize>) -> Vec<Candidate> {
    let letters = typed.as_slice();
    let n = letters.len();
    let area: Vec<u8> = letters
        .iter()
        .take(2)
        .take_while(|b| b.is_ascii_alphabetic())
        .copied()
        .collect();
    let mut found = Found {
        list: Vec::new(),
        typed,
        // Northern Ireland's units are not in the embedded list: a value typed there keeps the
        // look-alike repairs it had before the list was used, and nothing else.
        look_alikes_only: letters.starts_with(UNCOVERED_AREA),
        typed_area: DATA.area_name(&area).is_some().then_some(area),
        split,
    };
    if !(4..=8).contains(&n) {
        return found.list;
    }
    // Look-alikes, at any number of places.
    let mut places = [(0usize, 0u8); 8];
    let mut count = 0;
    for (i, &b) in letters.iter().enumerate() {
        if let Some(other) = look_alike(b) {
            places[count] = (i, other);
            count += 1;
        }
    }
    let mut near_special = false;
    let mut edits = Vec::with_capacity(count);
    for mask in 1u32..(1 << count) {
        let mut reading = typed;
        edits.clear();
        for (bit, &(i, other)) in places[..count].iter().enumerate() {
            if mask >> bit & 1 == 1 {
                reading.bytes[i] = other;
                edits.push(edit(Slip::LookAlike, i, Some(letters[i]), Some(other)));
            }
        }
        near_special |= reading
            .compact()
            .is_some_and(|c| recognise_compact(&c).is_some());
        found.consider(reading, &edits);
    }
    // A special code with a look-alike slip (G1R 0AA for Girobank's GIR 0AA), and no postcode
    // with one, is not repaired into a postcode nobody meant.
    if near_special && found.list.is_empty() {
        return Vec::new();
    }
    for (i, &b) in letters.iter().enumerate() {
        for (other, slip) in neighbours(b) {
            found.consider(
                typed.replaced(i, other),
                &[edit(slip, i, Some(b), Some(other))],
            );
        }
    }
    for i in 0..n - 1 {
        if letters[i] != letters[i + 1] {
            let e = edit(Slip::Transposed, i, Some(letters[i]), Some(letters[i + 1]));
            found.consider(typed.swapped(i), &[e]);
        }
    }
    if n >= 6 {
        for (i, &b) in letters.iter().enumerate() {
            found.consider(typed.removed(i), &[edit(Slip::Extra, i, Some(b), None)]);
        }
    }
    if n <= 6 {
        for i in 0..=n {
            let Some(choices) = insertable(letters, i) else {
                continue;
            };
            // A letter, or a digit, in that place may make no postcode's pattern at all.
            let fits = |b: u8| {
                typed
                    .inserted(i, b)
                    .compact()
                    .is_some_and(|c| has_shape(&c))
            };
            let (letter, digit) = (fits(b'A'), fits(b'0'));
            for &b in choices {
                if (b.is_ascii_digit() && digit) || (b.is_ascii_uppercase() && letter) {
                    let e = edit(Slip::Missing, i, None, Some(b));
                    found.consider(typed.inserted(i, b), &[e]);
                }
            }
        }
    }
    found.list
}

fn edit(slip: Slip, position: usize, typed: Option<u8>, repaired: Option<u8>) -> Edit {
    Edit {
        slip,
        position,
        typed: typed.map(char::from),
        repaired: repaired.map(char::from),
    }
}

/// The area whose units the embedded live list leaves out (Northern Ireland).
const UNCOVERED_AREA: &[u8] = b"BT";

/// The candidates found so far, one per postcode (its fewest slips).
struct Found {
    list: Vec<Candidate>,
    /// What was typed.
    typed: Letters,
    /// Whether only look-alike slips are repaired (a value typed in Northern Ireland).
    look_alikes_only: bool,
    /// The leading letters as typed, when they are a postcode area.
    typed_area: Option<Vec<u8>>,
    /// How many letters and digits were typed before the one space inside the value, if any.
    split: Option<usize>,
}

impl Found {
    fn consider(&mut self, reading: Letters, edits: &[Edit]) {
        let Some(postcode) = reading.compact().and_then(|c| accept(c, Level::District)) else {
            return;
        };
        let look_alikes = edits.iter().all(|e| e.slip == Slip::LookAlike);
        if self.look_alikes_only && !look_alikes {
            return;
        }
        let fits = match postcode.liveness() {
            Liveness::Live => true,
            // Where the live list does not reach, only look-alikes, as before it was used.
            Liveness::NotCovered => look_alikes,
            Liveness::NotLive => false,
        };
        if !fits {
            return;
        }
        let repairable =
            look_alikes || (self.keeps_area(&postcode, edits) && self.keeps_a_half(&postcode));
        match self.list.iter_mut().find(|c| c.postcode == postcode) {
            Some(c) if (c.cost(), !c.repairable) <= (edits.len(), !repairable) => {}
            Some(c) => {
                c.edits = edits.to_vec();
                c.repairable = repairable;
            }
            None => self.list.push(Candidate {
                postcode,
                edits: edits.to_vec(),
                context: None,
                repairable,
            }),
        }
    }

    /// Whether a slip other than a look-alike may lead to `postcode`'s area: the area typed is
    /// kept, or it is no postcode area and the slip is one that keeps the number of characters
    /// (a swap, a key beside the right one) or a character typed twice. Adding or dropping
    /// another letter is not chosen into another area: the area letters may be wrong in ways not
    /// searched (on outside data, such repairs were mostly wrong).
    fn keeps_area(&self, postcode: &Postcode, edits: &[Edit]) -> bool {
        let Some(area) = &self.typed_area else {
            return edits.iter().all(|e| match e.slip {
                Slip::Missing => false,
                Slip::Extra => self.doubled(e.position),
                _ => true,
            });
        };
        postcode.area().as_bytes() == area.as_slice()
    }

    /// Whether the character typed at `i` repeats one beside it.
    fn doubled(&self, i: usize) -> bool {
        let typed = self.typed.as_slice();
        let at = |j: usize| typed.get(j).copied();
        at(i).is_some() && (at(i + 1) == at(i) || (i > 0 && at(i - 1) == at(i)))
    }

    /// A value typed with a space says where its halves are: a slip keeps one of them.
    fn keeps_a_half(&self, postcode: &Postcode) -> bool {
        let Some(split) = self.split else {
            return true;
        };
        let (outward, inward) = self.typed.as_slice().split_at(split.min(self.typed.len));
        postcode.outward().as_bytes() == outward || postcode.inward().as_bytes() == inward
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    fn nearest(input: &str) -> Vec<(String, Slip)> {
        let found = candidates(input).unwrap();
        let best = found.first().map_or(0, Candidate::cost);
        found
            .iter()
            .take_while(|c| c.cost() == best)
            .map(|c| (c.postcode.to_string(), c.slip()))
            .collect()
    }

    fn fixed(input: &str) -> Option<String> {
        match repair(input, &RepairContext::default()) {
            Repair::Fixed(c) => Some(c.postcode.to_string()),
            _ => None,
        }
    }

    #[test]
    fn each_kind_of_slip_is_repaired_to_the_live_postcode() {
        let cases = [
            ("CRO 2YR", "CR0 2YR", Slip::LookAlike, "O→0"),
            ("AL7 REF", "AL7 4EF", Slip::KeyboardNeighbour, "R→4"),
            ("TQ1W 8DF", "TQ13 8DF", Slip::KeyboardNeighbour, "W→3"),
            ("SW1A1AAA", "SW1A 1AA", Slip::Extra, "-A"),
            ("LS1 A4P", "LS1 4AP", Slip::Transposed, "A4→4A"),
        ];
        for (typed, right, slip, edit) in cases {
            match repair(typed, &RepairContext::default()) {
                Repair::Fixed(c) => {
                    assert_eq!(
                        (
                            c.postcode.as_str(),
                            c.slip(),
                            c.edits[0].to_string().as_str()
                        ),
                        (right, slip, edit),
                        "{typed}"
                    );
                }
                other => panic!("{typed}: {other:?}"),
            }
        }
        // A digit keyed as its neighbour, and a character left out: listed with the others as near.
        assert!(nearest("OL25 8PE").contains(&("OL15 8PE".into(), Slip::NeighbourDigit)));
        assert!(nearest("SW1A1A").contains(&("SW1A 1AA".into(), Slip::Missing)));
    }

    #[test]
    fn a_repair_never_lands_on_a_postcode_nobody_lives_at() {
        // I for 1 gives L5 1YE, not live; I is the key under 8: L5 8YE is.
        assert_eq!(fixed("L5 IYE").as_deref(), Some("L5 8YE"));
        assert_eq!(
            Postcode::parse("L5 1YE").unwrap().liveness(),
            Liveness::NotLive
        );
        // O for 0 gives W10 1AA, not live, and nothing else one slip away is.
        assert_eq!(fixed("W1O 1AA"), None);
        assert!(candidates("W1O 1AA")
            .unwrap()
            .iter()
            .all(|c| c.postcode.liveness() == Liveness::Live));
    }

    #[test]
    fn ties_are_left_to_a_person_with_the_candidates_ranked() {
        assert_eq!(
            nearest("B81 4LS"),
            [
                ("B71 4LS".to_string(), Slip::NeighbourDigit),
                ("B18 4LS".to_string(), Slip::Transposed),
                // Deleting the 4 moves the space typed: listed, never chosen.
                ("B8 1LS".to_string(), Slip::Extra),
            ]
        );
        assert!(
            matches!(repair("B81 4LS", &RepairContext::default()), Repair::Check(c) if c.len() == 3)
        );
        assert_eq!(
            nearest("DY4 URP"),
            [
                ("DY4 7RP".to_string(), Slip::KeyboardNeighbour),
                ("DY4 8RP".to_string(), Slip::KeyboardNeighbour),
            ]
        );
        // 5 for S, or an extra 5 before W1A 1AA (another area: listed, not chosen).
        assert_eq!(
            nearest("5W1A 1AA"),
            [
                ("SW1A 1AA".to_string(), Slip::LookAlike),
                ("W1A 1AA".to_string(), Slip::Extra)
            ]
        );
        assert_eq!(fixed("5W1A 1AA").as_deref(), Some("SW1A 1AA"));
    }

    #[test]
    fn context_breaks_ties_and_never_outranks_a_nearer_candidate() {
        let by = |context: RepairContext| match repair("B81 4LS", &context) {
            Repair::Fixed(c) => Some((c.postcode.to_string(), c.context)),
            _ => None,
        };
        let d = RepairContext::default();
        assert_eq!(
            by(d.clone().with_postcode(Postcode::parse("B71 4LS").unwrap())),
            Some(("B71 4LS".into(), Some(ContextFit::SamePostcode)))
        );
        assert_eq!(
            by(d.clone().with_district("B18")),
            Some(("B18 4LS".into(), Some(ContextFit::SameDistrict)))
        );
        // Every candidate is in area B: the area does not pick one out.
        assert_eq!(by(d.clone().with_area("B")), None);
        // A context postcode no slip leads to is never made a candidate.
        assert_eq!(
            by(d.clone().with_postcode(Postcode::parse("LS1 4AP").unwrap())),
            None
        );
        // The same postcode outranks the same district.
        assert_eq!(
            by(d.with_district("B18")
                .with_postcode(Postcode::parse("B71 4LS").unwrap())),
            Some(("B71 4LS".into(), Some(ContextFit::SamePostcode)))
        );
    }

    #[test]
    fn northern_ireland_keeps_look_alikes_only_and_specials_are_left_alone() {
        assert_eq!(fixed("BT1 IAA").as_deref(), Some("BT1 1AA"));
        assert!(candidates("BT99 1AA").unwrap().is_empty());
        // G1R 0AA is Girobank's GIR 0AA with a look-alike: not repaired into G14 0AA.
        assert!(candidates("G1R 0AA").unwrap().is_empty());
        // KY10 3SS is live though a look-alike of it reads as a Cayman code.
        assert_eq!(fixed("KYI0 3SS").as_deref(), Some("KY10 3SS"));
    }

    #[test]
    fn the_area_and_the_typed_halves_are_kept_by_slips_other_than_look_alikes() {
        let listed = |typed: &str, postcode: &str| {
            candidates(typed)
                .unwrap()
                .into_iter()
                .find(|c| c.postcode.as_str() == postcode)
                .map(|c| c.repairable)
        };
        // Dropping the T of TL9 makes area L: listed for a person, never repaired into.
        assert_eq!(listed("TL9 7AQ", "L9 7AQ"), Some(false));
        assert!(
            matches!(repair("TL9 7AQ", &RepairContext::default()), Repair::Check(c) if c.len() == 1)
        );
        // WA60 5PH: deleting the 5 gives WA6 0PH, whose halves are both unlike those typed.
        assert_eq!(listed("WA60 5PH", "WA6 0PH"), Some(false));
        // Without the space the split is unknown, and the same deletion may be repaired.
        assert_eq!(listed("WA605PH", "WA6 0PH"), Some(true));
        // A rival that may not be chosen ties as any other: 5W1A 1AA is the look-alike SW1A 1AA
        // or W1A 1AA with a 5 too many; the look-alike, keeping every character, is chosen.
        assert_eq!(listed("5W1A 1AA", "W1A 1AA"), Some(false));
        assert_eq!(fixed("5W1A 1AA").as_deref(), Some("SW1A 1AA"));
    }

    #[test]
    fn a_look_alike_is_chosen_over_a_character_added_or_dropped_but_not_over_another_key() {
        // NR10 3EZ (O for 0) or NR1 3EZ (an O too many): the look-alike keeps every character.
        assert_eq!(
            nearest("NR1O 3EZ"),
            [
                ("NR10 3EZ".to_string(), Slip::LookAlike),
                ("NR1 3EZ".to_string(), Slip::Extra)
            ]
        );
        assert_eq!(fixed("NR1O 3EZ").as_deref(), Some("NR10 3EZ"));
        // O is also the key under 9, and I the key under 8: both readings live, a person chooses.
        for (typed, look, key) in [
            ("SW10 OAA", "SW10 0AA", "SW10 9AA"),
            ("LSI 4AP", "LS1 4AP", "LS8 4AP"),
        ] {
            assert_eq!(
                nearest(typed),
                [
                    (look.to_string(), Slip::LookAlike),
                    (key.to_string(), Slip::KeyboardNeighbour)
                ],
                "{typed}"
            );
            assert_eq!(fixed(typed), None, "{typed}");
        }
    }

    #[test]
    fn an_area_typed_that_is_no_area_may_be_mended_by_a_swap_a_key_or_a_doubled_letter() {
        for (typed, right) in [
            ("TC15 7PJ", "CT15 7PJ"),  // swapped: TC is no area
            ("H02 7PB", "HP2 7PB"),    // 0 for the P under it
            ("CCF15 7JP", "CF15 7JP"), // C typed twice
        ] {
            assert_eq!(fixed(typed).as_deref(), Some(right), "{typed}");
        }
        // A letter dropped from the area, or another added, may be any letter: listed, not chosen.
        let only = |typed: &str| {
            candidates(typed)
                .unwrap()
                .into_iter()
                .map(|c| (c.postcode.to_string(), c.repairable))
                .collect::<Vec<_>>()
        };
        assert_eq!(only("V37 8RY"), [("CV37 8RY".to_string(), false)]);
        assert_eq!(only("BJ4 7BJ"), [("B4 7BJ".to_string(), false)]);
        assert_eq!(fixed("BJ4 7BJ"), None);
        // E is an area: no slip but a look-alike moves a value typed in it to NE61.
        assert_eq!(fixed("E61 9TJ"), None);
    }

    #[test]
    fn nothing_to_repair() {
        assert!(candidates("LS1 4AP").unwrap().is_empty());
        assert_eq!(candidates("").unwrap_err().code(), "empty");
        assert!(candidates("SW1A 1AA SW1A 1AA").unwrap().is_empty());
        assert!(matches!(
            repair("nope", &RepairContext::default()),
            Repair::NotFound(_)
        ));
        // A long value costs what its first characters cost: nothing is searched past 8.
        assert!(candidates(&"A".repeat(100_000)).unwrap().is_empty());
    }
}
