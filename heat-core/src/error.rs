//! One error family. Every error heatkit returns implements [`HeatError`]: a stable snake_case
//! [`code`](HeatError::code) beside a human message that may improve, and the
//! [`kind`](HeatError::kind) of input it is about (the Python bindings raise one exception class
//! per kind, with the same code and message).
//!
//! ```
//! use heat_core::{ErrorKind, HeatError};
//! let e = heat_core::postcode::normalise("SW1A 1AC").unwrap_err();
//! assert_eq!((e.code(), e.kind()), ("bad_letter_position", ErrorKind::Postcode));
//! let boxed: Box<dyn HeatError> = Box::new(e);
//! assert_eq!(boxed.detail().as_deref(), Some("inward_letter_cikmov"));
//! ```

/// What an error is about; the Python bindings raise one exception class per kind.
///
/// ```
/// assert_eq!(heat_core::ErrorKind::Matching.name(), "matching");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A postcode, or a postcode list (Python `InvalidPostcodeError`).
    Postcode,
    /// A date, academic year, year group, nation, phase adjustment or calendar file (Python
    /// `CohortError`).
    Cohort,
    /// One field of a student or activity that cannot be read: consent, gender, a number, a
    /// yes/no flag (Python `FieldError`).
    Field,
    /// Duplicate-matching settings or a saved model (Python `MatchingError`).
    Matching,
    /// An activity, a typology, a nickname table or a sharing decision (Python `ActivityError`).
    Activity,
    /// A whole upload file that cannot be imported (Python `ImportFileError`).
    Import,
    /// An area look-up file or a saved area index (Python `AreaLookupError`).
    Area,
    /// An argument of the wrong type, out of range or not one of the allowed values (Python
    /// `ArgumentError`, also a `TypeError`).
    Argument,
}

impl ErrorKind {
    /// The kind's snake_case name.
    ///
    /// ```
    /// assert_eq!(heat_core::ErrorKind::Import.name(), "import");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Postcode => "postcode",
            ErrorKind::Cohort => "cohort",
            ErrorKind::Field => "field",
            ErrorKind::Matching => "matching",
            ErrorKind::Activity => "activity",
            ErrorKind::Import => "import",
            ErrorKind::Area => "area",
            ErrorKind::Argument => "argument",
        }
    }

    /// The exception class the bindings raise for the kind (`heatkit.errors` in Python).
    ///
    /// ```
    /// assert_eq!(heat_core::ErrorKind::Postcode.exception(), "InvalidPostcodeError");
    /// ```
    pub fn exception(self) -> &'static str {
        match self {
            ErrorKind::Postcode => "InvalidPostcodeError",
            ErrorKind::Cohort => "CohortError",
            ErrorKind::Field => "FieldError",
            ErrorKind::Matching => "MatchingError",
            ErrorKind::Activity => "ActivityError",
            ErrorKind::Import => "ImportFileError",
            ErrorKind::Area => "AreaLookupError",
            ErrorKind::Argument => "ArgumentError",
        }
    }
}

/// An error with a stable code: implemented by every error type in heatkit.
///
/// ```
/// use heat_core::HeatError;
/// fn describe(e: &dyn HeatError) -> String { format!("[{}] {e}", e.code()) }
/// let e = "2025/27".parse::<heat_core::cohort::AcademicYear>().unwrap_err();
/// assert_eq!(describe(&e), "[bad_academic_year] not an academic year (expected e.g. 2025/26)");
/// ```
pub trait HeatError: std::error::Error + Send + Sync + 'static {
    /// The stable snake_case code (never changes between releases).
    ///
    /// ```
    /// use heat_core::HeatError;
    /// assert_eq!(heat_core::postcode::Postcode::parse("LS1").unwrap_err().code(), "too_short");
    /// ```
    fn code(&self) -> &'static str;
    /// What the error is about.
    ///
    /// ```
    /// use heat_core::{ErrorKind, HeatError};
    /// assert_eq!(heat_core::postcode::Postcode::parse("LS1").unwrap_err().kind(), ErrorKind::Postcode);
    /// ```
    fn kind(&self) -> ErrorKind;
    /// Machine-readable detail (the character, length, rule, row ...), where there is one.
    ///
    /// ```
    /// use heat_core::{ArgumentError, HeatError};
    /// assert_eq!(ArgumentError::unknown_value("nation", "mars", "england").detail().as_deref(), Some("nation"));
    /// assert_eq!(heat_core::postcode::Postcode::parse("LS1").unwrap_err().detail().as_deref(), Some("3")); // its length
    /// ```
    fn detail(&self) -> Option<String> {
        None
    }
}

/// Declares a type's stable codes once: each variant's pattern beside its code. It makes
/// `CODES` (every code the type has, in declaration order; the table in `docs/codes.md` is made
/// from these lists) and a private `stable_code` that the type's `code()` returns. Variants that
/// wrap another heatkit error take that error's code (`delegate`). The match is exhaustive, so a
/// new variant cannot be added without its code. A `unit` enum (no data in its variants) also
/// gets `ALL` and `from_code` (`unit T in "path" {...}`: the path names `T` in its doctest).
macro_rules! codes {
    (unit $ty:ident in $path:literal { $($variant:ident => $code:literal),* $(,)? }) => {
        impl $ty {
            #[doc = concat!("Every stable code a `", stringify!($ty), "` can have, in declaration order.")]
            pub const CODES: &'static [&'static str] = &[$($code),*];
            #[doc = concat!("Every `", stringify!($ty), "`, in declaration order.")]
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            fn stable_code(&self) -> &'static str {
                match self {
                    $($ty::$variant => $code,)*
                }
            }

            #[doc = concat!("The `", stringify!($ty), "` whose code this is, if any.")]
            ///
            #[doc = concat!("```\nuse ", $path, "::", stringify!($ty), ";\nfor c in ", stringify!($ty),
                "::ALL {\n    assert_eq!(", stringify!($ty), "::from_code(c.code()), Some(*c));\n}\nassert_eq!(",
                stringify!($ty), "::from_code(\"no_such_code\"), None);\n```")]
            pub fn from_code(code: &str) -> Option<$ty> {
                match code {
                    $($code => Some($ty::$variant),)*
                    _ => None,
                }
            }
        }
    };
    ($ty:ident { $($pat:pat => $code:literal),* $(,)? } $(delegate { $($dpat:pat => $inner:ident),* $(,)? })?) => {
        impl $ty {
            #[doc = concat!("Every stable code a `", stringify!($ty), "` can have, in declaration order.")]
            pub const CODES: &'static [&'static str] = &[$($code),*];

            #[allow(unused_variables)]
            fn stable_code(&self) -> &'static str {
                match self {
                    $($pat => $code,)*
                    $($($dpat => $crate::HeatError::code($inner),)*)?
                }
            }
        }
    };
}
// A build without features uses it only in this file.
#[allow(unused_imports)]
pub(crate) use codes;

/// An argument that cannot be used: the wrong type, out of range, or not one of the values
/// allowed. Used by the bindings for every argument check, so no code is invented there.
///
/// ```
/// use heat_core::{ArgumentError, HeatError};
/// let e = ArgumentError::out_of_range("workers", -2, "-1 (all cores) or 1 to 1024");
/// assert_eq!(e.code(), "out_of_range");
/// assert_eq!(e.to_string(), "workers must be -1 (all cores) or 1 to 1024, not -2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArgumentError {
    /// A value of the wrong type.
    #[error("{name} must be {expected}, not {got}")]
    WrongType {
        /// The argument.
        name: String,
        /// What it must be.
        expected: String,
        /// The type given.
        got: String,
    },
    /// A number outside its range.
    #[error("{name} must be {range}, not {value}")]
    OutOfRange {
        /// The argument.
        name: String,
        /// The value given.
        value: String,
        /// The allowed range, in words.
        range: String,
    },
    /// An argument the bindings could not convert (the reason is the host language's).
    #[error("{name}: {reason}")]
    Unusable {
        /// The function or argument.
        name: String,
        /// Why it could not be used.
        reason: String,
    },
    /// Not one of the allowed values.
    #[error("{name} must be one of {expected}, not {value:?}")]
    UnknownValue {
        /// The argument.
        name: String,
        /// The value given.
        value: String,
        /// The allowed values.
        expected: String,
    },
}

impl ArgumentError {
    /// A value outside its range.
    ///
    /// ```
    /// let e = heat_core::ArgumentError::out_of_range("year", 0, "1872 to 9999");
    /// assert_eq!(e.to_string(), "year must be 1872 to 9999, not 0");
    /// ```
    pub fn out_of_range(name: &str, value: impl std::fmt::Display, range: &str) -> Self {
        ArgumentError::OutOfRange {
            name: name.to_string(),
            value: value.to_string(),
            range: range.to_string(),
        }
    }

    /// A value that is not one of `expected`.
    ///
    /// ```
    /// let e = heat_core::ArgumentError::unknown_value("template", "staff", "students, activities or schools");
    /// assert_eq!(e.to_string(), "template must be one of students, activities or schools, not \"staff\"");
    /// ```
    pub fn unknown_value(name: &str, value: &str, expected: &str) -> Self {
        ArgumentError::UnknownValue {
            name: name.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    /// A value of the wrong type.
    ///
    /// ```
    /// let e = heat_core::ArgumentError::wrong_type("dob", "a date or text", "int");
    /// assert_eq!(e.to_string(), "dob must be a date or text, not int");
    /// ```
    pub fn wrong_type(name: &str, expected: &str, got: &str) -> Self {
        ArgumentError::WrongType {
            name: name.to_string(),
            expected: expected.to_string(),
            got: got.to_string(),
        }
    }
}

codes!(ArgumentError {
    Self::WrongType { .. } => "wrong_type",
    Self::OutOfRange { .. } => "out_of_range",
    Self::UnknownValue { .. } => "unknown_value",
    Self::Unusable { .. } => "bad_argument",
});

impl HeatError for ArgumentError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Argument
    }
    fn detail(&self) -> Option<String> {
        match self {
            ArgumentError::WrongType { name, .. }
            | ArgumentError::OutOfRange { name, .. }
            | ArgumentError::UnknownValue { name, .. }
            | ArgumentError::Unusable { name, .. } => Some(name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every public error type is a `HeatError` and can cross threads.
    #[test]
    fn every_error_type_is_a_heat_error() {
        fn is_heat_error<E: HeatError>() {}
        is_heat_error::<ArgumentError>();
        #[cfg(feature = "postcode")]
        is_heat_error::<crate::postcode::PostcodeError>();
        #[cfg(feature = "postcode")]
        is_heat_error::<crate::postcode::UnknownLevel>();
        #[cfg(all(feature = "postcode", feature = "csv"))]
        is_heat_error::<crate::postcode::LiveListError>();
        #[cfg(feature = "cohort")]
        is_heat_error::<crate::cohort::CohortError>();
        #[cfg(feature = "cohort")]
        is_heat_error::<crate::nation::UnknownNation>();
        #[cfg(feature = "cohort")]
        is_heat_error::<crate::calendar::CalendarError>();
        #[cfg(feature = "fields")]
        is_heat_error::<crate::fields::FieldError>();
        #[cfg(feature = "names")]
        is_heat_error::<crate::names::NicknameTableError>();
        #[cfg(feature = "matching")]
        is_heat_error::<crate::matching::MatchError>();
        #[cfg(feature = "matching")]
        is_heat_error::<crate::matching::ModelError>();
        #[cfg(feature = "activity")]
        is_heat_error::<crate::activity::TypologyError>();
        #[cfg(feature = "activity")]
        is_heat_error::<crate::activity::SharingRefusal>();
        #[cfg(feature = "import")]
        is_heat_error::<crate::import::ImportFileError>();
    }
}
