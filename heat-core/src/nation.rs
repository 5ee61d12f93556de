//! The four UK nations: each has its own school-year cut-off, first school year and year-group
//! names (used by [`cohort`](crate::cohort)) and its own bank holidays (used by
//! [`calendar`](crate::calendar)).
//!
//! ```
//! use heat_core::nation::Nation;
//! let n: Nation = "Northern Ireland".parse().unwrap();
//! assert_eq!((n, n.cohort_opens()), (Nation::NorthernIreland, (7, 2)));
//! ```

use chrono::{Datelike, NaiveDate};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::error::{codes, ErrorKind, HeatError};

/// A nation name that is not England, Wales, Scotland or Northern Ireland.
///
/// ```
/// use heat_core::HeatError;
/// let e = "Cornwall".parse::<heat_core::nation::Nation>().unwrap_err();
/// assert_eq!(e.code(), "unknown_nation");
/// assert_eq!(e.to_string(), "unknown nation \"Cornwall\" (expected england, wales, scotland or northern_ireland)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown nation {0:?} (expected england, wales, scotland or northern_ireland)")]
pub struct UnknownNation(pub String);

codes!(UnknownNation {
    Self { .. } => "unknown_nation",
});

impl HeatError for UnknownNation {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Cohort
    }
}

/// A UK nation: each has its own school-year cut-off and year-group names.
///
/// ```
/// use heat_core::cohort::Nation;
/// assert_eq!("Northern Ireland".parse::<Nation>().unwrap(), Nation::NorthernIreland);
/// assert_eq!(Nation::Scotland.to_string(), "scotland");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Nation {
    /// England (cohort 1 Sep – 31 Aug; Reception, Year 1–13).
    #[default]
    England,
    /// Wales (as England).
    Wales,
    /// Scotland (cohort 1 Mar – end Feb; P1–P7, S1–S6).
    Scotland,
    /// Northern Ireland (cohort 2 Jul – 1 Jul; P1–P7, Year 8–14).
    NorthernIreland,
}

impl Nation {
    /// The nation's snake_case name.
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!(Nation::NorthernIreland.as_str(), "northern_ireland");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Nation::England => "england",
            Nation::Wales => "wales",
            Nation::Scotland => "scotland",
            Nation::NorthernIreland => "northern_ireland",
        }
    }

    /// The (month, day) on which a cohort's birth-date window opens.
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!(Nation::NorthernIreland.cohort_opens(), (7, 2));
    /// ```
    pub fn cohort_opens(self) -> (u32, u32) {
        match self {
            Nation::England | Nation::Wales => (9, 1),
            Nation::Scotland => (3, 1),
            Nation::NorthernIreland => (7, 2),
        }
    }

    /// The cohort year `Y` of a date of birth: the year in which its window opens.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use heat_core::cohort::Nation;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(Nation::England.cohort_year(d(2008, 8, 31)), 2007);
    /// assert_eq!(Nation::England.cohort_year(d(2008, 9, 1)), 2008);
    /// assert_eq!(Nation::Scotland.cohort_year(d(2009, 2, 28)), 2008);
    /// ```
    pub fn cohort_year(self, dob: NaiveDate) -> i32 {
        // Compare (month, day) pairs: never go through "age on a date", which mishandles 29 Feb.
        if (dob.month(), dob.day()) >= self.cohort_opens() {
            dob.year()
        } else {
            dob.year() - 1
        }
    }

    /// How the nation numbers its first school year: Reception = 0 (England, Wales); P1 = 1
    /// (Scotland, Northern Ireland). Year-group numbers run from this to [`Nation::last_year`].
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!((Nation::England.first_year(), Nation::Scotland.first_year()), (0, 1));
    /// ```
    pub fn first_year(self) -> i32 {
        match self {
            Nation::England | Nation::Wales => 0,
            Nation::Scotland | Nation::NorthernIreland => 1,
        }
    }

    /// The last school year's number: 13 (England, Wales, Scotland S6), 14 (NI Year 14).
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!(Nation::NorthernIreland.last_year(), 14);
    /// ```
    pub fn last_year(self) -> i32 {
        match self {
            Nation::NorthernIreland => 14,
            _ => 13,
        }
    }

    /// Offset between the academic year's start and the cohort year for the first school year:
    /// Reception (England, Wales) and P1 (NI, Scotland) start in the autumn of `Y + 5`.
    /// (domain.md §3.1's milestone table says Reception `S = Y+4`; its own formula `N = S − Y − 5`
    /// and the DfE age rule — a child born 31 Aug 2008 starts Reception in September 2012 — give
    /// `Y + 5`, which we follow.)
    pub(crate) fn first_year_offset(self) -> i32 {
        5
    }

    /// The label of year-group number `n` (`Reception`, `Year 10`, `P4`, `S2`).
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!(Nation::Scotland.label(9), "S2");
    /// assert_eq!(Nation::NorthernIreland.label(8), "Year 8");
    /// assert_eq!(Nation::England.label(0), "Reception");
    /// ```
    pub fn label(self, n: i32) -> String {
        match (self, n) {
            (Nation::England | Nation::Wales, 0) => "Reception".to_string(),
            (Nation::England | Nation::Wales, _) => format!("Year {n}"),
            (Nation::Scotland, 1..=7) | (Nation::NorthernIreland, 1..=7) => format!("P{n}"),
            (Nation::Scotland, _) => format!("S{}", n - 7),
            (Nation::NorthernIreland, _) => format!("Year {n}"),
        }
    }

    /// The month and day on which the nation's school year starts, used to find the academic year
    /// of a date: 1 September, except Scotland 1 August (Scottish terms start mid-August;
    /// INFERRED, see `domain.md` §3.3).
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!(Nation::Scotland.school_year_starts(), (8, 1));
    /// ```
    pub fn school_year_starts(self) -> (u32, u32) {
        match self {
            Nation::Scotland => (8, 1),
            _ => (9, 1),
        }
    }
}

impl fmt::Display for Nation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Nation {
    type Err = UnknownNation;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        match key.as_str() {
            "england" | "eng" | "e" => Ok(Nation::England),
            "wales" | "wal" | "w" | "cymru" => Ok(Nation::Wales),
            "scotland" | "sco" | "s" => Ok(Nation::Scotland),
            "northernireland" | "ni" | "n" => Ok(Nation::NorthernIreland),
            _ => Err(UnknownNation(s.to_string())),
        }
    }
}
