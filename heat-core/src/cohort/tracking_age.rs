//! The DfE participation-tracking age: who is in the cohort a local authority tracks on a date,
//! with the two readings of "until 25" for a young person with an EHC plan and the two ways a
//! 29 February birthday is kept.

use super::{AcademicYear, Nation};
use chrono::{Datelike, NaiveDate};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How a 29 February birthday is kept in common years.
///
/// ```
/// use heat_core::cohort::LeapDayBirthday;
/// assert_eq!(LeapDayBirthday::default(), LeapDayBirthday::March1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub enum LeapDayBirthday {
    /// 28 February.
    #[cfg_attr(feature = "serde", serde(rename = "february_28"))]
    February28,
    /// 1 March (the convention Scots law states; the default).
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "march_1"))]
    March1,
}

impl LeapDayBirthday {
    /// Every choice, in the order the docs list them.
    pub const ALL: [LeapDayBirthday; 2] = [LeapDayBirthday::March1, LeapDayBirthday::February28];

    /// Its name in settings and in the bindings (the serde name too).
    ///
    /// ```
    /// assert_eq!(heat_core::cohort::LeapDayBirthday::February28.name(), "february_28");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            LeapDayBirthday::February28 => "february_28",
            LeapDayBirthday::March1 => "march_1",
        }
    }
}

impl FromStr for LeapDayBirthday {
    type Err = crate::ArgumentError;

    /// `march_1` or `february_28`.
    ///
    /// ```
    /// use heat_core::cohort::LeapDayBirthday;
    /// use heat_core::HeatError;
    /// assert_eq!("february_28".parse::<LeapDayBirthday>().unwrap(), LeapDayBirthday::February28);
    /// let e = "feb_29".parse::<LeapDayBirthday>().unwrap_err();
    /// assert_eq!((e.code(), e.to_string().as_str()),
    ///            ("unknown_value", "leap_day must be one of 'march_1' or 'february_28', not \"feb_29\""));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        choice("leap_day", s, &Self::ALL, |c| c.name())
    }
}

/// The choice in `all` whose name is `s`, or an `unknown_value` error for `argument` listing them.
fn choice<T: Copy>(
    argument: &str,
    s: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T, crate::ArgumentError> {
    all.iter().copied().find(|c| name(*c) == s).ok_or_else(|| {
        let names: Vec<String> = all.iter().map(|c| format!("'{}'", name(*c))).collect();
        crate::ArgumentError::unknown_value(argument, s, &names.join(" or "))
    })
}

/// The date a person born on `dob` turns `age`.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{birthday, LeapDayBirthday};
/// let dob = NaiveDate::from_ymd_opt(2008, 2, 29).unwrap();
/// assert_eq!(birthday(dob, 25, LeapDayBirthday::March1).unwrap().to_string(), "2033-03-01");
/// assert_eq!(birthday(dob, 25, LeapDayBirthday::February28).unwrap().to_string(), "2033-02-28");
/// ```
pub fn birthday(dob: NaiveDate, age: i32, leap: LeapDayBirthday) -> Option<NaiveDate> {
    let year = dob.year() + age;
    NaiveDate::from_ymd_opt(year, dob.month(), dob.day()).or_else(|| match leap {
        LeapDayBirthday::February28 => NaiveDate::from_ymd_opt(year, 2, 28),
        LeapDayBirthday::March1 => NaiveDate::from_ymd_opt(year, 3, 1),
    })
}

/// How long a young person with an EHC plan stays in the tracking cohort.
///
/// ```
/// use heat_core::cohort::EhcpRule;
/// assert_eq!(EhcpRule::default(), EhcpRule::Until25thBirthday);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub enum EhcpRule {
    /// Until the day before the 25th birthday (KCC wording; the default).
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "until_25th_birthday"))]
    Until25thBirthday,
    /// To the end of the academic year in which they turn 25.
    #[cfg_attr(feature = "serde", serde(rename = "end_of_academic_year_turning_25"))]
    EndOfAcademicYearTurning25,
}

impl EhcpRule {
    /// Every choice, in the order the docs list them.
    pub const ALL: [EhcpRule; 2] = [
        EhcpRule::Until25thBirthday,
        EhcpRule::EndOfAcademicYearTurning25,
    ];

    /// Its name in settings and in the bindings (the serde name too).
    ///
    /// ```
    /// assert_eq!(heat_core::cohort::EhcpRule::default().name(), "until_25th_birthday");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            EhcpRule::Until25thBirthday => "until_25th_birthday",
            EhcpRule::EndOfAcademicYearTurning25 => "end_of_academic_year_turning_25",
        }
    }
}

impl FromStr for EhcpRule {
    type Err = crate::ArgumentError;

    /// `until_25th_birthday` or `end_of_academic_year_turning_25`.
    ///
    /// ```
    /// use heat_core::cohort::EhcpRule;
    /// use heat_core::HeatError;
    /// assert_eq!("end_of_academic_year_turning_25".parse::<EhcpRule>().unwrap(),
    ///            EhcpRule::EndOfAcademicYearTurning25);
    /// assert_eq!("25".parse::<EhcpRule>().unwrap_err().code(), "unknown_value");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        choice("ehcp_rule", s, &Self::ALL, |c| c.name())
    }
}

/// Whether a young person born on `dob` is in the DfE/local-authority participation-tracking
/// cohort on `on` (England): from 1 September of the academic year in which their academic age is
/// 16 to 31 August of the academic year in which they turn 18; with an EHC plan, to 25 (`rule`).
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{in_tracking_age, EhcpRule, LeapDayBirthday};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let rules = (EhcpRule::default(), LeapDayBirthday::default());
/// assert!(in_tracking_age(d(2008, 3, 15), d(2026, 8, 31), false, rules));
/// assert!(!in_tracking_age(d(2008, 3, 15), d(2026, 9, 1), false, rules));
/// assert!(in_tracking_age(d(2008, 3, 15), d(2033, 3, 14), true, rules));
/// assert!(!in_tracking_age(d(2008, 3, 15), d(2033, 3, 15), true, rules));
/// ```
pub fn in_tracking_age(
    dob: NaiveDate,
    on: NaiveDate,
    ehcp: bool,
    (rule, leap): (EhcpRule, LeapDayBirthday),
) -> bool {
    let y = Nation::England.cohort_year(dob);
    let Some(start) = NaiveDate::from_ymd_opt(y + 17, 9, 1) else {
        return false;
    };
    let end = if ehcp {
        match rule {
            EhcpRule::Until25thBirthday => birthday(dob, 25, leap).and_then(|d| d.pred_opt()),
            EhcpRule::EndOfAcademicYearTurning25 => {
                birthday(dob, 25, leap).and_then(|d| AcademicYear::containing(d).end_date())
            }
        }
    } else {
        NaiveDate::from_ymd_opt(y + 19, 8, 31)
    };
    end.is_some_and(|end| on >= start && on <= end)
}
