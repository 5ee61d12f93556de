//! Why a postcode is bad: one variant per validation layer, each with a stable code.

use super::PostcodePart;
use crate::error::{codes, ErrorKind, HeatError};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// The letter-position rule a postcode broke.
///
/// ```
/// use heat_core::postcode::LetterRule;
/// assert_eq!(LetterRule::FirstLetterQvx.name(), "first_letter_qvx");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LetterRule {
    /// The first letter is never Q, V or X.
    FirstLetterQvx,
    /// The second letter of a two-letter area is never I, J or Z.
    SecondLetterIjz,
    /// The third character of an A9A outward code is one of ABCDEFGHJKPSTUW.
    A9aThirdLetter,
    /// The fourth character of an AA9A outward code is one of ABEHMNPRVWXY.
    Aa9aFourthLetter,
    /// The two inward letters are never C, I, K, M, O or V.
    InwardLetterCikmov,
}

impl LetterRule {
    /// The rule's stable snake_case name.
    ///
    /// ```
    /// use heat_core::postcode::LetterRule;
    /// assert_eq!(LetterRule::InwardLetterCikmov.name(), "inward_letter_cikmov");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            LetterRule::FirstLetterQvx => "first_letter_qvx",
            LetterRule::SecondLetterIjz => "second_letter_ijz",
            LetterRule::A9aThirdLetter => "a9a_third_letter",
            LetterRule::Aa9aFourthLetter => "aa9a_fourth_letter",
            LetterRule::InwardLetterCikmov => "inward_letter_cikmov",
        }
    }

    /// A sentence explaining the rule.
    ///
    /// ```
    /// use heat_core::postcode::LetterRule;
    /// assert!(LetterRule::SecondLetterIjz.explain().contains("I, J or Z"));
    /// ```
    pub fn explain(self) -> &'static str {
        match self {
            LetterRule::FirstLetterQvx => "the first letter of a postcode is never Q, V or X",
            LetterRule::SecondLetterIjz => "the second letter of a postcode is never I, J or Z",
            LetterRule::A9aThirdLetter => {
                "the letter after the digit in an A9A outward code must be one of ABCDEFGHJKPSTUW"
            }
            LetterRule::Aa9aFourthLetter => {
                "the letter after the digit in an AA9A outward code must be one of ABEHMNPRVWXY"
            }
            LetterRule::InwardLetterCikmov => {
                "the last two letters of a postcode are never C, I, K, M, O or V"
            }
        }
    }
}

/// Why a string is not a valid UK postcode. Each variant is one validation layer, checked in
/// declaration order; [`PostcodeError::code`] is stable, the message may improve.
///
/// Messages never repeat the input, so they are safe to log.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::{normalise, PostcodeError};
/// let err = normalise("SW1A 1AC").unwrap_err();
/// assert_eq!(err.code(), "bad_letter_position");
/// assert_eq!(err.detail().as_deref(), Some("inward_letter_cikmov"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PostcodeError {
    /// Nothing left after trimming whitespace and edge punctuation.
    #[error("no postcode given")]
    Empty,
    /// A character that cannot be part of a postcode.
    #[error("postcode contains a character that cannot appear in a postcode ({})", codepoint(*.0))]
    BadCharacter(char),
    /// Fewer than 5 letters and digits.
    #[error("postcode is too short: {0} letters and digits, a full postcode has 5 to 7")]
    TooShort(usize),
    /// More than 7 letters and digits.
    #[error("postcode is too long: {0} letters and digits, a full postcode has 5 to 7")]
    TooLong(usize),
    /// Letters and digits in an order no UK postcode has.
    #[error(
        "postcode has the shape {shape}, not one of A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA"
    )]
    BadFormat {
        /// The input's shape: letters as `A`, digits as `9`, no space.
        shape: PostcodePart,
    },
    /// A letter in a position where Royal Mail never uses it.
    #[error("postcode breaks a letter rule: {}", .0.explain())]
    BadLetterPosition(LetterRule),
    /// The postcode area (the leading letters) does not exist.
    #[error("postcode area {0} does not exist")]
    UnknownArea(PostcodePart),
    /// The outward code is not one of the live postcode districts.
    #[error("postcode district {0} does not exist or has no live postcodes")]
    UnknownDistrict(PostcodePart),
    /// The full postcode is not in the live list (only an error at [`Level::Live`](super::Level::Live)).
    #[error(
        "postcode is not in the live postcode list ({})",
        super::data_version()
    )]
    NotLive(PostcodePart),
}

fn codepoint(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

codes!(PostcodeError {
    Self::Empty => "empty",
    Self::BadCharacter(_) => "bad_character",
    Self::TooShort(_) => "too_short",
    Self::TooLong(_) => "too_long",
    Self::BadFormat { .. } => "bad_format",
    Self::BadLetterPosition(_) => "bad_letter_position",
    Self::UnknownArea(_) => "unknown_area",
    Self::UnknownDistrict(_) => "unknown_district",
    Self::NotLive(_) => "not_live",
});

impl HeatError for PostcodeError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }

    fn kind(&self) -> ErrorKind {
        ErrorKind::Postcode
    }

    /// The machine-readable detail: the character (`U+002F`), the length, the shape,
    /// the letter rule's name, the unknown area or district, or the postcode that is not live.
    fn detail(&self) -> Option<String> {
        match self {
            PostcodeError::Empty => None,
            PostcodeError::BadCharacter(c) => Some(codepoint(*c)),
            PostcodeError::TooShort(n) | PostcodeError::TooLong(n) => Some(n.to_string()),
            PostcodeError::BadFormat { shape } => Some(shape.to_string()),
            PostcodeError::BadLetterPosition(rule) => Some(rule.name().to_string()),
            PostcodeError::UnknownArea(s)
            | PostcodeError::UnknownDistrict(s)
            | PostcodeError::NotLive(s) => Some(s.to_string()),
        }
    }
}
