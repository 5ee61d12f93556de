//! UK postcodes: normalise, validate in layers, parse into parts, fix common typos, and label
//! special codes (BFPO, overseas territories, pseudo postcodes).
//!
//! ```
//! use heat_core::postcode::{self, Level, Postcode};
//!
//! assert_eq!(postcode::normalise(" sw1a1aa ").unwrap(), "SW1A 1AA");
//! let p: Postcode = "EC1A 1BB".parse().unwrap();
//! assert_eq!((p.area(), p.district(), p.sub_district()), ("EC", "EC1", Some("EC1A")));
//! assert!(!postcode::is_valid("SW1A 1AC", Level::Shape));
//! assert_eq!(postcode::fix("SWIA IAA").unwrap().postcode.as_str(), "SW1A 1AA");
//! ```

mod accept;
mod check;
mod clean;
mod data;
mod error;
mod fix;
#[cfg(feature = "csv")]
mod live;
mod part;
mod repair;
mod special;

pub use check::{check, check_at, Check, Status};
#[cfg(feature = "import")]
pub(crate) use check::{did_you_mean, nearest};
pub use error::{LetterRule, PostcodeError};
pub use fix::{fix, fix_at, fix_in, Fixed};
#[cfg(feature = "csv")]
pub use live::{load_live_postcodes, LiveListError, LiveListSummary};
pub use part::PostcodePart;
pub use repair::{
    candidates, candidates_in, repair, Candidate, ContextFit, Edit, Repair, RepairContext, Slip,
};
pub use special::{recognise_special, Special, SpecialKind};

use crate::error::codes;
use clean::{clean, shape_of, Compact};
use data::DATA;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How strictly a postcode is checked; each level includes the ones before it.
///
/// ```
/// use heat_core::postcode::Level;
/// assert_eq!("live".parse::<Level>().unwrap(), Level::Live);
/// assert_eq!(Level::default(), Level::District);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Level {
    /// Letters and digits in a UK shape, obeying the letter-position rules.
    Shape,
    /// ... and the area (the leading letters) exists.
    Area,
    /// ... and the outward code is a live district or sub-district (the default).
    #[default]
    District,
    /// ... and the full postcode is in the live list (Northern Ireland: district only).
    Live,
}

/// A strictness level name that is not `shape`, `area`, `district` or `live`.
///
/// ```
/// use heat_core::postcode::Level;
/// let err = "strict".parse::<Level>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown level 'strict': expected shape, area, district or live");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level '{0}': expected shape, area, district or live")]
pub struct UnknownLevel(pub String);

codes!(UnknownLevel {
    Self { .. } => "unknown_level",
});

impl crate::HeatError for UnknownLevel {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::Argument
    }
}

impl FromStr for Level {
    type Err = UnknownLevel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "shape" => Ok(Level::Shape),
            "area" => Ok(Level::Area),
            "district" => Ok(Level::District),
            "live" => Ok(Level::Live),
            _ => Err(UnknownLevel(s.to_string())),
        }
    }
}

/// Whether a valid postcode is in the live list.
///
/// ```
/// use heat_core::postcode::{Liveness, Postcode};
/// assert_eq!("SW1A 1AA".parse::<Postcode>().unwrap().liveness(), Liveness::Live);
/// assert_eq!("SW1A 9ZZ".parse::<Postcode>().unwrap().liveness(), Liveness::NotLive);
/// assert_eq!("BT35 8GE".parse::<Postcode>().unwrap().liveness(), Liveness::NotCovered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Liveness {
    /// In the embedded live list (or a list the user loaded).
    Live,
    /// Not in any live list.
    NotLive,
    /// The embedded list does not cover this area's units (Northern Ireland, BT).
    NotCovered,
}

/// A valid UK postcode in its canonical form: upper case, one space before the inward code.
///
/// ```
/// use heat_core::postcode::Postcode;
/// let p: Postcode = "sw1a1aa".parse().unwrap();
/// assert_eq!(p.to_string(), "SW1A 1AA");
/// assert_eq!((p.outward(), p.inward(), p.sector(), p.unit()), ("SW1A", "1AA", "SW1A 1", "AA"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode {
    /// Canonical display form, e.g. `SW1A 1AA`, padded with zero bytes.
    display: [u8; 8],
    len: u8,
    area_len: u8,
}

impl Postcode {
    /// Parse at [`Level::District`]: normalise, then check shape, letters, area and district.
    ///
    /// ```
    /// use heat_core::HeatError;
    /// use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("m1 1ad").unwrap().as_str(), "M1 1AD");
    /// assert_eq!(Postcode::parse("MA1 1AA").unwrap_err().code(), "unknown_area");
    /// ```
    pub fn parse(input: &str) -> Result<Postcode, PostcodeError> {
        Postcode::parse_at(input, Level::District)
    }

    /// Parse at the given strictness.
    ///
    /// ```
    /// use heat_core::HeatError;
    /// use heat_core::postcode::{Level, Postcode};
    /// assert!(Postcode::parse_at("SO1 1AA", Level::Area).is_ok());
    /// assert_eq!(Postcode::parse_at("SO1 1AA", Level::District).unwrap_err().code(), "unknown_district");
    /// ```
    #[inline(always)]
    pub fn parse_at(input: &str, level: Level) -> Result<Postcode, PostcodeError> {
        match clean::clean_fast(input.as_bytes()).and_then(|c| accept::accept(c, level)) {
            Some(postcode) => postcode.require_live(level),
            None => Postcode::explain_rejection(input, level),
        }
    }

    /// Parse at the given strictness, or `None`, without working out why a value is not a
    /// postcode (the fastest check, for when the reason is not needed).
    ///
    /// ```
    /// use heat_core::postcode::{Level, Postcode};
    /// assert_eq!(Postcode::try_parse_at(" sw1a1aa", Level::District).unwrap().as_str(), "SW1A 1AA");
    /// assert_eq!(Postcode::try_parse_at("SO1 1AA", Level::District), None);
    /// ```
    #[inline(always)]
    pub fn try_parse_at(input: &str, level: Level) -> Option<Postcode> {
        let compact = match clean::clean_fast(input.as_bytes()) {
            Some(compact) => compact,
            // The fast pass is exact on ASCII: what it refuses is not a postcode.
            None if input.is_ascii() => return None,
            None => clean(input).ok()?,
        };
        accept::accept(compact, level).and_then(|postcode| postcode.require_live(level).ok())
    }

    /// `self`, or `not_live` when `level` is [`Level::Live`] and it is not in the live list.
    #[inline(always)]
    fn require_live(self, level: Level) -> Result<Postcode, PostcodeError> {
        if level == Level::Live && self.liveness() == Liveness::NotLive {
            return Err(PostcodeError::NotLive(PostcodePart::new(self.as_str())));
        }
        Ok(self)
    }

    /// The layered path, for what the fast path did not accept: non-ASCII input (which may still
    /// be a postcode once normalised) and failures, with the reason.
    #[cold]
    #[inline(never)]
    fn explain_rejection(input: &str, level: Level) -> Result<Postcode, PostcodeError> {
        validate_in_layers(&clean(input)?, level)
    }

    /// The canonical form as eight bytes padded with zero bytes, and how many of them it uses:
    /// for writing many postcodes into one buffer with fixed-size copies.
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("M1 1AD").unwrap().padded(), (*b"M1 1AD\0\0", 6));
    /// ```
    #[inline]
    pub fn padded(&self) -> ([u8; 8], usize) {
        (self.display, self.len as usize)
    }

    /// The canonical form, e.g. `SW1A 1AA`.
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("e1w1aa").unwrap().as_str(), "E1W 1AA");
    /// ```
    #[inline]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.display[..self.len as usize]).unwrap_or("")
    }

    fn outward_len(&self) -> usize {
        self.len as usize - 4
    }

    /// The outward code, before the space (`SW1A`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("SW1A 1AA").unwrap().outward(), "SW1A");
    /// ```
    pub fn outward(&self) -> &str {
        &self.as_str()[..self.outward_len()]
    }

    /// The inward code, after the space (`1AA`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("SW1A 1AA").unwrap().inward(), "1AA");
    /// ```
    pub fn inward(&self) -> &str {
        &self.as_str()[self.outward_len() + 1..]
    }

    /// The postcode area: the leading one or two letters (`SW`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("M1 1AD").unwrap().area(), "M");
    /// ```
    pub fn area(&self) -> &str {
        &self.as_str()[..self.area_len as usize]
    }

    /// The district: the outward code without a trailing sub-district letter (`SW1` for `SW1A`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("SW1A 1AA").unwrap().district(), "SW1");
    /// assert_eq!(Postcode::parse("GL50 3DA").unwrap().district(), "GL50");
    /// ```
    pub fn district(&self) -> &str {
        match self.sub_district() {
            Some(out) => &out[..out.len() - 1],
            None => self.outward(),
        }
    }

    /// The sub-district, when the outward code ends in a letter (`SW1A`, `E1W`); otherwise `None`.
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("E1W 2BG").unwrap().sub_district(), Some("E1W"));
    /// assert_eq!(Postcode::parse("E16 1XL").unwrap().sub_district(), None);
    /// ```
    pub fn sub_district(&self) -> Option<&str> {
        let out = self.outward();
        out.as_bytes()
            .last()
            .is_some_and(u8::is_ascii_uppercase)
            .then_some(out)
    }

    /// The sector: outward code, space, and the inward digit (`SW1A 1`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("GL50 3DA").unwrap().sector(), "GL50 3");
    /// ```
    pub fn sector(&self) -> &str {
        &self.as_str()[..self.outward_len() + 2]
    }

    /// The unit: the last two letters (`AA`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("GL50 3DA").unwrap().unit(), "DA");
    /// ```
    pub fn unit(&self) -> &str {
        &self.as_str()[self.len as usize - 2..]
    }

    /// The name of the postcode area (`Gloucester` for `GL`).
    ///
    /// ```
    /// # use heat_core::postcode::Postcode;
    /// assert_eq!(Postcode::parse("GL50 3DA").unwrap().area_name(), Some("Gloucester"));
    /// ```
    pub fn area_name(&self) -> Option<&'static str> {
        DATA.area_name(self.area().as_bytes())
    }

    /// Whether this postcode is in the live list (see [`Liveness`]).
    ///
    /// ```
    /// # use heat_core::postcode::{Liveness, Postcode};
    /// assert_eq!(Postcode::parse("N1C 0AB").unwrap().liveness(), Liveness::NotLive);
    /// ```
    pub fn liveness(&self) -> Liveness {
        // On the bytes: the repair asks this of about a hundred readings per value.
        let len = usize::from(self.len);
        let Some(index) = DATA.outcode_index(&self.display[..len - 4]) else {
            return self.extra_liveness(Liveness::NotLive);
        };
        if !DATA.live_covered(index) {
            return self.extra_liveness(Liveness::NotCovered);
        }
        let inward = &self.display[len - 3..len];
        if DATA.is_live_unit(index, inward[0], [inward[1], inward[2]]) {
            Liveness::Live
        } else {
            self.extra_liveness(Liveness::NotLive)
        }
    }

    fn extra_liveness(&self, otherwise: Liveness) -> Liveness {
        match data::in_extra_live(|| self.compact_key()) {
            Some(true) => Liveness::Live,
            Some(false) if otherwise == Liveness::NotCovered => Liveness::NotLive,
            _ => otherwise,
        }
    }

    /// The compact form padded with zero bytes: the key of user-loaded live lists.
    pub(crate) fn compact_key(&self) -> [u8; 7] {
        let mut key = [0u8; 7];
        for (k, b) in key
            .iter_mut()
            .zip(self.as_str().bytes().filter(|b| *b != b' '))
        {
            *k = b;
        }
        key
    }
}

impl Postcode {
    /// The postcode whose compact form (letters and digits, little-endian, zero-padded) is
    /// `compact`, already validated, with an outward code of `outward_len` bytes.
    #[inline(always)]
    fn from_compact(compact: u64, outward_len: usize, area_len: usize) -> Postcode {
        // Insert the space with word arithmetic (see `clean_ascii` on why not byte stores).
        let low = (1u64 << (8 * outward_len)) - 1;
        let display =
            (compact & low) | (u64::from(b' ') << (8 * outward_len)) | ((compact & !low) << 8);
        Postcode {
            display: display.to_le_bytes(),
            len: (outward_len + 4) as u8,
            area_len: area_len as u8,
        }
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.as_str())
    }
}

impl FromStr for Postcode {
    type Err = PostcodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Postcode::parse(s)
    }
}

#[cfg(feature = "serde")]
impl Serialize for Postcode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Postcode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Postcode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Normalise a postcode to its canonical form, validating it at [`Level::District`].
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::normalise;
/// assert_eq!(normalise("ｓｗ１ａ１ａａ").unwrap(), "SW1A 1AA");
/// assert_eq!(normalise("SW1A").unwrap_err().code(), "too_short");
/// ```
pub fn normalise(input: &str) -> Result<String, PostcodeError> {
    normalise_at(input, Level::District)
}

/// Normalise a postcode to its canonical form, validating it at `level`.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::{normalise_at, Level};
/// assert_eq!(normalise_at("b1 6sr", Level::District).unwrap(), "B1 6SR");
/// assert_eq!(normalise_at("b1 6sr", Level::Live).unwrap_err().code(), "not_live");
/// ```
pub fn normalise_at(input: &str, level: Level) -> Result<String, PostcodeError> {
    Postcode::parse_at(input, level).map(|p| p.as_str().to_string())
}

/// Whether `input` is a valid postcode at `level`. Never fails.
///
/// ```
/// use heat_core::postcode::{is_valid, Level};
/// assert!(is_valid("GL50 3DA", Level::Live));
/// assert!(!is_valid("", Level::Shape));
/// ```
pub fn is_valid(input: &str, level: Level) -> bool {
    Postcode::parse_at(input, level).is_ok()
}

/// The reference data in force: the embedded vintage, plus any postcodes added by
/// [`load_live_postcodes`] (every message that names the live list says this).
///
/// ```
/// assert!(heat_core::postcode::data_version().starts_with("ONSPD February 2025"));
/// ```
pub fn data_version() -> String {
    match data::extra_live_count() {
        0 => data::DATA_VERSION.to_string(),
        n => format!(
            "{} + {n} postcodes from a loaded live list",
            data::DATA_VERSION
        ),
    }
}

/// Every outcode (district or sub-district) with live postcodes, sorted.
///
/// ```
/// let outcodes = heat_core::postcode::outcodes();
/// assert_eq!(outcodes.len(), 2977);
/// assert!(outcodes.contains(&"SW1A") && !outcodes.contains(&"SW1"));
/// ```
pub fn outcodes() -> &'static [&'static str] {
    &DATA.outcode_names
}

/// Counts of the embedded reference data: (areas, outcodes, live postcodes).
///
/// ```
/// assert_eq!(heat_core::postcode::reference_counts(), (124, 2977, 1_749_487));
/// ```
pub fn reference_counts() -> (usize, usize, usize) {
    (DATA.area_count, DATA.outcode_count(), DATA.live_count)
}

const FIRST_NEVER: &[u8] = b"QVX";
const SECOND_NEVER: &[u8] = b"IJZ";
const A9A_THIRD: &[u8] = b"ABCDEFGHJKPSTUW";
const AA9A_FOURTH: &[u8] = b"ABEHMNPRVWXY";
const INWARD_NEVER: &[u8] = b"CIKMOV";

/// Check letters and digits at `level` and build the canonical [`Postcode`]: the table-driven
/// [`accept`](accept::accept) first, and the layered checks (which name the failure) when it
/// does not accept.
#[inline(always)]
fn validate_compact(compact: &Compact, level: Level) -> Result<Postcode, PostcodeError> {
    match accept::accept(*compact, level) {
        Some(postcode) => postcode.require_live(level),
        None => validate_in_layers(compact, level),
    }
}

/// Check letters and digits at `level` layer by layer, failing with the first layer broken.
#[cold]
#[inline(never)]
fn validate_in_layers(compact: &Compact, level: Level) -> Result<Postcode, PostcodeError> {
    let n = compact.len;
    if n < 5 {
        return Err(PostcodeError::TooShort(n));
    }
    if n > clean::MAX_LEN {
        return Err(PostcodeError::TooLong(n));
    }
    let b = compact.as_bytes();
    let (out, inw) = b.split_at(n - 3);
    let letter = |x: u8| x.is_ascii_uppercase();
    let digit = |x: u8| x.is_ascii_digit();
    let inward_ok = digit(inw[0]) && letter(inw[1]) && letter(inw[2]);
    // area_len, and whether the outward code ends in a sub-district letter
    let outward_shape = match *out {
        [a, d] if letter(a) && digit(d) => Some((1, false)),
        [a, d, e] if letter(a) && digit(d) && digit(e) => Some((1, false)),
        [a, c, d] if letter(a) && letter(c) && digit(d) => Some((2, false)),
        [a, d, s] if letter(a) && digit(d) && letter(s) => Some((1, true)),
        [a, c, d, e] if letter(a) && letter(c) && digit(d) && digit(e) => Some((2, false)),
        [a, c, d, s] if letter(a) && letter(c) && digit(d) && letter(s) => Some((2, true)),
        _ => None,
    };
    let (area_len, has_sub) = match outward_shape {
        Some(shape) if inward_ok => shape,
        _ => return Err(PostcodeError::BadFormat { shape: shape_of(b) }),
    };
    if FIRST_NEVER.contains(&out[0]) {
        return Err(PostcodeError::BadLetterPosition(LetterRule::FirstLetterQvx));
    }
    if area_len == 2 && SECOND_NEVER.contains(&out[1]) {
        return Err(PostcodeError::BadLetterPosition(
            LetterRule::SecondLetterIjz,
        ));
    }
    if has_sub {
        let (last, allowed, rule) = if area_len == 1 {
            (out[2], A9A_THIRD, LetterRule::A9aThirdLetter)
        } else {
            (out[3], AA9A_FOURTH, LetterRule::Aa9aFourthLetter)
        };
        if !allowed.contains(&last) {
            return Err(PostcodeError::BadLetterPosition(rule));
        }
    }
    if INWARD_NEVER.contains(&inw[1]) || INWARD_NEVER.contains(&inw[2]) {
        return Err(PostcodeError::BadLetterPosition(
            LetterRule::InwardLetterCikmov,
        ));
    }
    let postcode = Postcode::from_compact(u64::from_le_bytes(compact.bytes), out.len(), area_len);
    // Every live outcode lies in a known area, so a found outcode settles the area check too.
    let outcode_known = level >= Level::District && DATA.outcode_index(out).is_some();
    if level >= Level::Area && !outcode_known && DATA.area_name(&out[..area_len]).is_none() {
        return Err(PostcodeError::UnknownArea(PostcodePart::new(
            postcode.area(),
        )));
    }
    if level >= Level::District && !outcode_known {
        return Err(PostcodeError::UnknownDistrict(PostcodePart::new(
            postcode.outward(),
        )));
    }
    postcode.require_live(level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Postcode>();
        assert_send_sync::<PostcodeError>();
        assert_send_sync::<Check>();
        assert_send_sync::<Fixed>();
    }

    #[test]
    fn layers_fail_in_order() {
        assert_eq!(
            normalise("ZZ9 9ZZ").unwrap_err().code(),
            "bad_letter_position"
        );
        assert_eq!(
            normalise("JA1 1AA").unwrap_err(),
            PostcodeError::UnknownArea("JA".into())
        );
        assert_eq!(
            normalise("CR1 1AA").unwrap_err(),
            PostcodeError::UnknownDistrict("CR1".into())
        );
    }

    #[test]
    fn reference_data_decodes_fully() {
        assert_eq!(reference_counts(), (124, 2977, 1_749_487));
    }

    #[test]
    fn every_outcode_lies_in_a_known_area() {
        // validate_compact relies on this to skip the area look-up when the outcode is found.
        for outcode in outcodes() {
            let area: String = outcode
                .chars()
                .take_while(char::is_ascii_uppercase)
                .collect();
            assert!(DATA.area_name(area.as_bytes()).is_some(), "{outcode}");
        }
    }

    #[test]
    fn every_error_code_is_listed() {
        let errors = [
            PostcodeError::Empty,
            PostcodeError::BadCharacter('/'),
            PostcodeError::TooShort(1),
            PostcodeError::TooLong(9),
            normalise("1A1 1AA").unwrap_err(),
            PostcodeError::BadLetterPosition(LetterRule::FirstLetterQvx),
            normalise("MA1 1AA").unwrap_err(),
            normalise("ZE9 9AA").unwrap_err(),
            normalise_at("SW1A 9ZZ", Level::Live).unwrap_err(),
        ];
        let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
        assert_eq!(codes, PostcodeError::CODES);
    }
}
