//! Repair of typing slips to the one nearest live postcode (see [`repair`](super::repair())).

use super::clean::clean;
use super::repair::{look_alike, repair, Edit, Repair, RepairContext};
use super::{validate_compact, Level, Postcode, PostcodeError};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// A postcode after [`fix`], with the slips that were undone (empty when none were needed).
///
/// ```
/// use heat_core::postcode::fix;
/// let fixed = fix("sw1a 1aa").unwrap();
/// assert_eq!(fixed.postcode.as_str(), "SW1A 1AA");
/// assert!(fixed.edits.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Fixed {
    /// The postcode: valid at [`Level::District`] as typed, or the one live postcode nearest to it.
    pub postcode: Postcode,
    /// What was undone, in position order.
    pub edits: Vec<Edit>,
}

/// Normalise `input` and, when it is not a postcode, repair it to the one live postcode the
/// fewest typing slips away (see [`repair`](super::repair()) for the slips). The identity on a
/// value valid at district level; never a postcode nobody lives at (where the live list covers
/// the area); an error when no live postcode or several are equally near. The error is that of the
/// nearest look-alike reading (`unknown_area` for `0W1 OAA`, whose reading `OW1 0AA` has no area
/// `OW`); [`candidates`](super::candidates()) lists what a value may have been.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::fix;
/// assert_eq!(fix("5W1A 1AA").unwrap().postcode.as_str(), "SW1A 1AA");
/// assert_eq!(fix("ecir iub").unwrap().postcode.as_str(), "EC1R 1UB");
/// assert_eq!(fix("L5 IYE").unwrap().postcode.as_str(), "L5 8YE"); // L5 1YE is not live
/// assert_eq!(fix("B81 4LS").unwrap_err().code(), "unknown_district"); // B71 4LS or B18 4LS?
/// assert_eq!(fix("0W1 OAA").unwrap_err().code(), "unknown_area");
/// ```
pub fn fix(input: &str) -> Result<Fixed, PostcodeError> {
    fix_in(input, &RepairContext::default())
}

/// [`fix`] with what is known about the student to break ties (see [`RepairContext`]).
///
/// ```
/// use heat_core::postcode::{fix_in, RepairContext};
/// let school_in_b18 = RepairContext::default().with_district("B18");
/// assert_eq!(fix_in("B81 4LS", &school_in_b18).unwrap().postcode.as_str(), "B18 4LS");
/// ```
pub fn fix_in(input: &str, context: &RepairContext) -> Result<Fixed, PostcodeError> {
    match repair(input, context) {
        Repair::AsTyped(postcode) => Ok(Fixed {
            postcode,
            edits: Vec::new(),
        }),
        Repair::Fixed(c) => Ok(Fixed {
            postcode: c.postcode,
            edits: c.edits,
        }),
        Repair::Check(_) | Repair::NotFound(_) => Err(nearest_error(input)),
    }
}

/// The error of the look-alike reading of `input` that validation takes furthest (the value as
/// typed when none goes further).
fn nearest_error(input: &str) -> PostcodeError {
    let compact = match clean(input) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let mut nearest = match Postcode::parse(input) {
        Ok(_) => return PostcodeError::Empty,
        Err(e) => e,
    };
    if !(5..=7).contains(&compact.len) {
        return nearest;
    }
    let places: Vec<usize> = (0..compact.len)
        .filter(|&i| look_alike(compact.bytes[i]).is_some())
        .collect();
    for mask in 1u32..(1 << places.len()) {
        let mut reading = compact;
        for (bit, &i) in places.iter().enumerate() {
            if mask >> bit & 1 == 1 {
                reading.bytes[i] = look_alike(compact.bytes[i]).unwrap_or(compact.bytes[i]);
            }
        }
        if let Err(e) = validate_compact(&reading, Level::District) {
            if depth(&e) > depth(&nearest) {
                nearest = e;
            }
        }
    }
    nearest
}

/// How far validation got before failing: deeper is nearer to a postcode.
fn depth(err: &PostcodeError) -> u8 {
    match err {
        PostcodeError::BadFormat { .. } => 0,
        PostcodeError::BadLetterPosition(_) => 1,
        PostcodeError::UnknownArea(_) => 2,
        PostcodeError::UnknownDistrict(_) => 3,
        _ => 4,
    }
}

/// [`fix`], then require the result to pass `level` too (at [`Level::Live`]: `not_live` when a
/// value valid as typed is not in the live list).
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::{fix_at, Level};
/// assert_eq!(fix_at("P016 7GZ", Level::Live).unwrap().postcode.as_str(), "PO16 7GZ");
/// assert_eq!(fix_at("W1A 9ZZ", Level::Live).unwrap_err().code(), "not_live");
/// ```
pub fn fix_at(input: &str, level: Level) -> Result<Fixed, PostcodeError> {
    let fixed = fix(input)?;
    fixed.postcode.require_live(level)?;
    Ok(fixed)
}
