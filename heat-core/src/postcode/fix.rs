//! Repair of typing slips to the one nearest live postcode (see [`repair`](super::repair)).

use super::repair::{repair, Edit, Repair, RepairContext};
use super::{Level, Postcode, PostcodeError};
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
/// fewest typing slips away (see [`repair`](super::repair) for the slips). The identity on a
/// value valid at district level; never a postcode nobody lives at (where the live list covers
/// the area); an error when no live postcode or several are equally near. The error is the one
/// of the value as typed; [`candidates`](super::candidates) lists what it may have been.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::fix;
/// assert_eq!(fix("5W1A 1AA").unwrap().postcode.as_str(), "SW1A 1AA");
/// assert_eq!(fix("ecir iub").unwrap().postcode.as_str(), "EC1R 1UB");
/// assert_eq!(fix("L5 IYE").unwrap().postcode.as_str(), "L5 8YE"); // L5 1YE is not live
/// assert_eq!(fix("B81 4LS").unwrap_err().code(), "unknown_district"); // B71 4LS or B8 1LS?
/// ```
pub fn fix(input: &str) -> Result<Fixed, PostcodeError> {
    match repair(input, &RepairContext::default()) {
        Repair::AsTyped(postcode) => Ok(Fixed {
            postcode,
            edits: Vec::new(),
        }),
        Repair::Fixed(c) => Ok(Fixed {
            postcode: c.postcode,
            edits: c.edits,
        }),
        Repair::Check(_) => Err(Postcode::parse(input).err().unwrap_or(PostcodeError::Empty)),
        Repair::NotFound(e) => Err(e),
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
