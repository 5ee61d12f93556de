//! One call that says everything about a value: valid, fixed, special or invalid, and why.

use super::clean::clean;
use super::fix::fix_compact;
use super::special::recognise_compact;
use super::{validate_compact, Level, Liveness, PostcodeError, Substitution};
use crate::HeatError;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// The outcome class of [`check`].
///
/// ```
/// use heat_core::postcode::Status;
/// assert_eq!(Status::Fixed.as_str(), "fixed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Status {
    /// A valid postcode at the requested level.
    Valid,
    /// Invalid as typed, valid after repairing O/0, I/1 or S/5 slips.
    Fixed,
    /// A recognised special code (BFPO, overseas territory, pseudo postcode, ...), not geography.
    Special,
    /// Not a postcode; `code` says why.
    Invalid,
}

impl Status {
    /// The status as a lower-case word.
    ///
    /// ```
    /// use heat_core::postcode::Status;
    /// assert_eq!(Status::Special.as_str(), "special");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Fixed => "fixed",
            Status::Special => "special",
            Status::Invalid => "invalid",
        }
    }
}

/// Everything [`check`] found about one value.
///
/// `code` is the error code for `invalid`, the kind for `special`, the error of the value as typed
/// for `fixed`, and a warning (`not_live`) or nothing for `valid`.
///
/// ```
/// use heat_core::postcode::{check, Status};
/// let c = check("SW1A 9ZZ");
/// assert_eq!((c.status, c.code, c.postcode.as_deref()), (Status::Valid, Some("not_live"), Some("SW1A 9ZZ")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Check {
    /// The canonical postcode (valid or fixed), the canonical special code, or `None`.
    pub postcode: Option<String>,
    /// The outcome class.
    pub status: Status,
    /// A stable code: see the type's description.
    pub code: Option<&'static str>,
    /// A human sentence; never repeats the input.
    pub message: String,
    /// What [`fix`](super::fix) replaced (only for `fixed`).
    pub substitutions: Vec<Substitution>,
}

/// Check a value at [`Level::District`].
///
/// ```
/// use heat_core::postcode::{check, Status};
/// assert_eq!(check("BFPO 105").status, Status::Special);
/// assert_eq!(check("CRO 2YR").postcode.as_deref(), Some("CR0 2YR"));
/// assert_eq!(check("MA1 1AA").code, Some("unknown_area"));
/// ```
pub fn check(input: &str) -> Check {
    check_at(input, Level::District)
}

impl Check {
    /// The `invalid` outcome for an error (e.g. [`PostcodeError::Empty`] for a missing value).
    ///
    /// ```
    /// use heat_core::postcode::{Check, PostcodeError, Status};
    /// let c = Check::from_error(&PostcodeError::Empty);
    /// assert_eq!((c.status, c.code, c.message.as_str()), (Status::Invalid, Some("empty"), "no postcode given"));
    /// ```
    pub fn from_error(err: &PostcodeError) -> Check {
        Check {
            postcode: None,
            status: Status::Invalid,
            code: Some(err.code()),
            message: err.to_string(),
            substitutions: Vec::new(),
        }
    }
}

/// Check a value at `level`: special codes first, then validation, then typo repair.
///
/// ```
/// use heat_core::postcode::{check_at, Level, Status};
/// let c = check_at("SW1A 9ZZ", Level::Live);
/// assert_eq!((c.status, c.code), (Status::Invalid, Some("not_live")));
/// ```
pub fn check_at(input: &str, level: Level) -> Check {
    let compact = match clean(input) {
        Ok(c) => c,
        Err(e) => return Check::from_error(&e),
    };
    if let Some(special) = recognise_compact(&compact) {
        return Check {
            postcode: (!special.canonical.is_empty()).then_some(special.canonical),
            status: Status::Special,
            code: Some(special.kind.code()),
            message: special.kind.explain().to_string(),
            substitutions: Vec::new(),
        };
    }
    let err = match validate_compact(&compact, level) {
        Ok(p) => {
            let (code, message) = match (level, p.liveness()) {
                (Level::District, Liveness::NotLive) => (
                    Some("not_live"),
                    format!(
                        "valid, but not in the live postcode list ({}): new, terminated or mistyped",
                        super::data_version()
                    ),
                ),
                (_, Liveness::NotCovered) if level >= Level::District => (
                    None,
                    "valid (district checked; Northern Ireland units are not in the embedded live list)".to_string(),
                ),
                _ => (None, "valid postcode".to_string()),
            };
            return Check {
                postcode: Some(p.as_str().to_string()),
                status: Status::Valid,
                code,
                message,
                substitutions: Vec::new(),
            };
        }
        Err(e) => e,
    };
    if matches!(err, PostcodeError::NotLive(_)) {
        return Check::from_error(&err);
    }
    match fix_compact(&compact, level) {
        Ok(fixed) => {
            let slips: Vec<String> = fixed
                .substitutions
                .iter()
                .map(|s| format!("{}→{}", s.from, s.to))
                .collect();
            Check {
                postcode: Some(fixed.postcode.as_str().to_string()),
                status: Status::Fixed,
                code: Some(err.code()),
                message: format!("fixed typing slips ({}); as typed: {err}", slips.join(", ")),
                substitutions: fixed.substitutions,
            }
        }
        _ => Check::from_error(&err),
    }
}
