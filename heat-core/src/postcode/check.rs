//! One call that says everything about a value: valid, fixed, special or invalid, and why.

use super::clean::clean;
use super::repair::{candidates, repair, Candidate, Edit, Repair, RepairContext};
use super::special::recognise_compact;
use super::{validate_compact, Level, Liveness, PostcodeError};
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
    /// Invalid as typed; one live postcode is nearest (the fewest typing slips away): the repair.
    Fixed,
    /// Invalid as typed; several live postcodes are equally near: a person must choose one of the
    /// `candidates`.
    Check,
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
            Status::Check => "check",
            Status::Special => "special",
            Status::Invalid => "invalid",
        }
    }
}

/// Everything [`check`] found about one value.
///
/// `code` is the error code for `invalid`, the kind for `special`, the error of the value as typed
/// for `fixed` and `check`, and a warning (`not_live`) or nothing for `valid`. `candidates` lists
/// what a `check` value may have been, and what a value valid in shape but not live may have been.
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
    /// The slips undone (only for `fixed`).
    pub edits: Vec<Edit>,
    /// Live postcodes one slip away, nearest first (for `check`, and for a value that is not live).
    pub candidates: Vec<Candidate>,
}

/// Check a value at [`Level::District`].
///
/// ```
/// use heat_core::postcode::{check, Status};
/// assert_eq!(check("BFPO 105").status, Status::Special);
/// assert_eq!(check("CRO 2YR").postcode.as_deref(), Some("CR0 2YR"));
/// assert_eq!(check("MA1 1AA").code, Some("unknown_area"));
/// assert_eq!((check("B81 4LS").status, check("B81 4LS").candidates.len()), (Status::Check, 3));
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
            edits: Vec::new(),
            candidates: Vec::new(),
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
            edits: Vec::new(),
            candidates: Vec::new(),
        };
    }
    let err = match validate_compact(&compact, level) {
        Ok(p) => {
            let mut suggestions = Vec::new();
            let (code, message) = match (level, p.liveness()) {
                (Level::District, Liveness::NotLive) => {
                    suggestions = candidates(input).unwrap_or_default();
                    (
                        Some("not_live"),
                        format!(
                            "valid, but not in the live postcode list ({}): new, terminated or mistyped{}",
                            super::data_version(),
                            did_you_mean(&suggestions)
                        ),
                    )
                }
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
                edits: Vec::new(),
                candidates: suggestions,
            };
        }
        Err(e) => e,
    };
    if matches!(err, PostcodeError::NotLive(_)) {
        let suggestions = candidates(input).unwrap_or_default();
        return Check {
            message: format!("{err}{}", did_you_mean(&suggestions)),
            candidates: suggestions,
            ..Check::from_error(&err)
        };
    }
    match repair(input, &RepairContext::default()) {
        Repair::Fixed(fixed) => {
            let slips: Vec<String> = fixed.edits.iter().map(Edit::to_string).collect();
            Check {
                postcode: Some(fixed.postcode.as_str().to_string()),
                status: Status::Fixed,
                code: Some(err.code()),
                message: format!(
                    "fixed a typing slip ({}: {}); as typed: {err}",
                    slips.join(", "),
                    fixed.slip().describe()
                ),
                edits: fixed.edits,
                candidates: Vec::new(),
            }
        }
        Repair::Check(found) => Check {
            postcode: None,
            status: Status::Check,
            code: Some(err.code()),
            message: format!("{err}{}", did_you_mean(&found)),
            edits: Vec::new(),
            candidates: found,
        },
        Repair::AsTyped(_) | Repair::NotFound(_) => Check::from_error(&err),
    }
}

/// The nearest candidates' postcodes (all of the fewest slips), nearest first.
#[cfg(feature = "import")]
pub(crate) fn nearest(found: &[Candidate]) -> Vec<String> {
    let best = found.first().map_or(0, Candidate::cost);
    found
        .iter()
        .take_while(|c| c.cost() == best)
        .map(|c| c.postcode.to_string())
        .collect()
}

/// `; did you mean A or B?` for the nearest candidates (at most five), or nothing.
pub(crate) fn did_you_mean(found: &[Candidate]) -> String {
    let Some(best) = found.first().map(Candidate::cost) else {
        return String::new();
    };
    let nearest: Vec<String> = found
        .iter()
        .take_while(|c| c.cost() == best)
        .take(5)
        .map(|c| c.postcode.to_string())
        .collect();
    let last = nearest.len() - 1;
    let list = match last {
        0 => nearest[0].clone(),
        _ => format!("{} or {}", nearest[..last].join(", "), nearest[last]),
    };
    let all = found.iter().take_while(|c| c.cost() == best).count();
    if all > nearest.len() {
        format!("; did you mean {list} ({all} in all)?")
    } else {
        format!("; did you mean {list}?")
    }
}
