//! Repair of the common typing slips O/0, I/1 and S/5, by position.

use super::clean::{clean, Compact};
use super::{validate_compact, Level, Liveness, Postcode, PostcodeError};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// One character replaced by [`fix`].
///
/// ```
/// use heat_core::postcode::{fix, Substitution};
/// let fixed = fix("P016 7GZ").unwrap();
/// assert_eq!(fixed.substitutions, vec![Substitution { position: 1, from: '0', to: 'O' }]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Substitution {
    /// Index of the character in the fixed postcode's canonical form (`SW1A 1AA`).
    pub position: usize,
    /// The character that was typed (upper-cased).
    pub from: char,
    /// The character it was replaced with.
    pub to: char,
}

/// A postcode after [`fix`], with the substitutions that were made (empty when none were needed).
///
/// ```
/// use heat_core::postcode::fix;
/// let fixed = fix("sw1a 1aa").unwrap();
/// assert_eq!(fixed.postcode.as_str(), "SW1A 1AA");
/// assert!(fixed.substitutions.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Fixed {
    /// The repaired postcode, valid at [`Level::District`].
    pub postcode: Postcode,
    /// What was replaced, in position order.
    pub substitutions: Vec<Substitution>,
}

/// The other half of a confusable pair.
fn swap(b: u8) -> Option<u8> {
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

/// Normalise `input` and repair O/0, I/1 and S/5 slips so that it becomes a postcode whose outward
/// code is a live district. The identity on valid input; never invents a district.
///
/// When no repair works the error is the one of the nearest attempt (e.g. `unknown_area` for
/// `0W1 OAA`, whose nearest reading `OW1 0AA` has no area `OW`).
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::fix;
/// assert_eq!(fix("5W1A 1AA").unwrap().postcode.as_str(), "SW1A 1AA");
/// assert_eq!(fix("ecir iub").unwrap().postcode.as_str(), "EC1R 1UB");
/// assert_eq!(fix("0W1 OAA").unwrap_err().code(), "unknown_area");
/// ```
pub fn fix(input: &str) -> Result<Fixed, PostcodeError> {
    fix_compact(&clean(input)?, Level::District)
}

/// [`fix`], then require the result to pass `level` too (at [`Level::Live`]: `not_live` when the
/// repaired postcode is not in the live list).
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::{fix_at, Level};
/// assert_eq!(fix_at("P016 7GZ", Level::Live).unwrap().postcode.as_str(), "PO16 7GZ");
/// assert_eq!(fix_at("W1O 1AA", Level::Live).unwrap_err().code(), "not_live");
/// ```
pub fn fix_at(input: &str, level: Level) -> Result<Fixed, PostcodeError> {
    fix_compact(&clean(input)?, level)
}

pub(super) fn fix_compact(compact: &Compact, level: Level) -> Result<Fixed, PostcodeError> {
    let fixed = fix_district(compact)?;
    fixed.postcode.require_live(level)?;
    Ok(fixed)
}

fn fix_district(compact: &Compact) -> Result<Fixed, PostcodeError> {
    let original = match validate_compact(compact, Level::District) {
        Ok(postcode) => {
            return Ok(Fixed {
                postcode,
                substitutions: Vec::new(),
            })
        }
        Err(e) => e,
    };
    if !(5..=7).contains(&compact.len) {
        return Err(original);
    }
    let bytes = compact.as_bytes();
    let n = bytes.len();
    // Positions that may be swapped. Inward: the digit place takes only digits, the letter places
    // only letters, so each can only move one way. Outward places can be either.
    let mut swappable = Vec::with_capacity(n);
    for (i, &b) in bytes.iter().enumerate() {
        let Some(other) = swap(b) else { continue };
        let allowed = if i == n - 3 {
            other.is_ascii_digit()
        } else if i > n - 3 {
            other.is_ascii_uppercase()
        } else {
            true
        };
        if allowed {
            swappable.push((i, other));
        }
    }
    let mut valid: Vec<(Postcode, u32)> = Vec::new();
    let mut nearest = original;
    for mask in 1u32..(1 << swappable.len()) {
        let mut candidate = *compact;
        for (bit, &(i, other)) in swappable.iter().enumerate() {
            if mask >> bit & 1 == 1 {
                candidate.bytes[i] = other;
            }
        }
        match validate_compact(&candidate, Level::District) {
            Ok(p) => {
                if !valid.iter().any(|(q, _)| *q == p) {
                    valid.push((p, mask));
                }
            }
            Err(e) => {
                if depth(&e) > depth(&nearest) {
                    nearest = e;
                }
            }
        }
    }
    let chosen = match valid.len() {
        0 => None,
        1 => valid.first(),
        _ => {
            let mut live = valid
                .iter()
                .filter(|(p, _)| p.liveness() != Liveness::NotLive);
            match (live.next(), live.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        }
    };
    let Some(&(postcode, mask)) = chosen else {
        return Err(nearest);
    };
    let outward_len = n - 3;
    let substitutions = swappable
        .iter()
        .enumerate()
        .filter(|(bit, _)| mask >> bit & 1 == 1)
        .map(|(_, &(i, other))| Substitution {
            position: if i < outward_len { i } else { i + 1 },
            from: bytes[i] as char,
            to: other as char,
        })
        .collect();
    Ok(Fixed {
        postcode,
        substitutions,
    })
}
