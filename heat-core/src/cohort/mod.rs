//! School cohorts: date of birth → year group in each UK nation, academic years, exam years, the
//! HE-ready year, the HEAT tracking-data year and the DfE tracking-age rule.
//!
//! Cohort windows (the birth dates that share a school year), from `shared/domain.md` §3:
//! England and Wales 1 September – 31 August; Northern Ireland 2 July – 1 July; Scotland
//! 1 March – end of February. A pupil's *cohort year* `Y` is the year in which their window opens.
//!
//! ```
//! use chrono::NaiveDate;
//! use heat_core::cohort::{year_group, AcademicYear, Nation, YearGroupOutcome};
//! let dob = NaiveDate::from_ymd_opt(2011, 1, 2).unwrap();
//! let outcome = year_group(dob, AcademicYear::new(2025), Nation::England);
//! assert_eq!(outcome, YearGroupOutcome::InSchool(10));
//! assert_eq!(outcome.label(Nation::England), "Year 10");
//! ```

use crate::calendar::heat_track_deadline;
use crate::error::{codes, ErrorKind, HeatError};
use chrono::{Datelike, NaiveDate};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a cohort value could not be read.
///
/// ```
/// use heat_core::cohort::{AcademicYear, CohortError};
/// use heat_core::HeatError;
/// let err = "2025/27".parse::<AcademicYear>().unwrap_err();
/// assert_eq!(err.code(), "bad_academic_year");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CohortError {
    /// Not `2025/26`, `2025-26` or `2025/2026` with consecutive years.
    #[error("not an academic year (expected e.g. 2025/26)")]
    BadAcademicYear,
    /// A year group nobody could read.
    #[error("cannot read a year group from this value")]
    UnknownYearGroup,
    /// A year group that does not exist in the nation.
    #[error("{0} is not a year group in {1}")]
    YearGroupNotInNation(String, Nation),
    /// A date that cannot be read or does not exist.
    #[error("not a date (expected YYYY-MM-DD, DD/MM/YYYY, YYYYMMDD, 1 Sep 2010 or an Excel date number)")]
    BadDate,
    /// No date was given where one is needed.
    #[error("no date given")]
    MissingDate,
    /// A date outside the range heatkit covers (years 1 to 9999).
    #[error("date out of range (years 1 to 9999)")]
    DateOutOfRange,
    /// A phase adjustment outside the range HEAT can mean.
    #[error("phase adjustment {0} is outside -{max} to +{max} years", max = PhaseAdjustment::MAX)]
    BadPhaseAdjustment(i64),
}

codes!(CohortError {
    Self::BadAcademicYear => "bad_academic_year",
    Self::UnknownYearGroup => "unknown_year_group",
    Self::YearGroupNotInNation(..) => "year_group_not_in_nation",
    Self::BadDate => "bad_date",
    Self::MissingDate => "missing_date",
    Self::DateOutOfRange => "date_out_of_range",
    Self::BadPhaseAdjustment(_) => "bad_phase_adjustment",
});

impl HeatError for CohortError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Cohort
    }
}

pub use crate::nation::Nation;

#[cfg(feature = "arrow")]
pub mod columns;
mod tracking_age;
pub use tracking_age::{birthday, in_tracking_age, EhcpRule, LeapDayBirthday};

/// An academic year such as 2025/26, named by the calendar year it starts in.
///
/// ```
/// use heat_core::cohort::AcademicYear;
/// let y: AcademicYear = "2025-26".parse().unwrap();
/// assert_eq!((y.to_string(), y.start_year(), y.end_year()), ("2025/26".to_string(), 2025, 2026));
/// assert_eq!((y + 1).to_string(), "2026/27");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(into = "String", try_from = "String"))]
pub struct AcademicYear(i32);

impl AcademicYear {
    /// The academic year that starts in the autumn of `start_year`.
    ///
    /// ```
    /// use heat_core::cohort::AcademicYear;
    /// assert_eq!(AcademicYear::new(1999).to_string(), "1999/00");
    /// ```
    pub fn new(start_year: i32) -> AcademicYear {
        AcademicYear(start_year)
    }

    /// The academic year (1 September – 31 August) containing `date`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use heat_core::cohort::AcademicYear;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// assert_eq!(AcademicYear::containing(d(8, 31)).to_string(), "2024/25");
    /// assert_eq!(AcademicYear::containing(d(9, 1)).to_string(), "2025/26");
    /// ```
    pub fn containing(date: NaiveDate) -> AcademicYear {
        AcademicYear::containing_from(date, (9, 1))
    }

    /// The academic year containing `date` when years start on `(month, day)` (e.g. (8, 1) for
    /// the HESA reporting year).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use heat_core::cohort::AcademicYear;
    /// let d = NaiveDate::from_ymd_opt(2025, 8, 15).unwrap();
    /// assert_eq!(AcademicYear::containing_from(d, (8, 1)).to_string(), "2025/26");
    /// ```
    pub fn containing_from(date: NaiveDate, start: (u32, u32)) -> AcademicYear {
        if (date.month(), date.day()) >= start {
            AcademicYear(date.year())
        } else {
            AcademicYear(date.year() - 1)
        }
    }

    /// The school year containing `on`, by `nation`'s school-year start (1 September; Scotland
    /// 1 August): the default academic year everywhere in heatkit (import checks, year groups,
    /// the main job), with `on` = today ([`crate::calendar::today`]) unless a date is given.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use heat_core::cohort::{AcademicYear, Nation};
    /// let on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    /// assert_eq!(AcademicYear::school_year_of(on, Nation::England).to_string(), "2026/27");
    /// let aug = NaiveDate::from_ymd_opt(2026, 8, 15).unwrap();
    /// assert_eq!(AcademicYear::school_year_of(aug, Nation::Scotland).to_string(), "2026/27");
    /// ```
    pub fn school_year_of(on: NaiveDate, nation: Nation) -> AcademicYear {
        AcademicYear::containing_from(on, nation.school_year_starts())
    }

    /// The calendar year it starts in.
    ///
    /// ```
    /// use heat_core::cohort::AcademicYear;
    /// assert_eq!(AcademicYear::new(2025).start_year(), 2025);
    /// ```
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// The calendar year it ends in (the summer exams' year).
    ///
    /// ```
    /// use heat_core::cohort::AcademicYear;
    /// assert_eq!(AcademicYear::new(2025).end_year(), 2026);
    /// ```
    pub fn end_year(self) -> i32 {
        self.0.saturating_add(1)
    }

    /// 1 September of the start year.
    ///
    /// ```
    /// use heat_core::cohort::AcademicYear;
    /// assert_eq!(AcademicYear::new(2025).start_date().unwrap().to_string(), "2025-09-01");
    /// ```
    pub fn start_date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0, 9, 1)
    }

    /// 31 August of the end year.
    ///
    /// ```
    /// use heat_core::cohort::AcademicYear;
    /// assert_eq!(AcademicYear::new(2025).end_date().unwrap().to_string(), "2026-08-31");
    /// ```
    pub fn end_date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0.checked_add(1)?, 8, 31)
    }
}

impl std::ops::Add<i32> for AcademicYear {
    type Output = AcademicYear;
    fn add(self, years: i32) -> AcademicYear {
        AcademicYear(self.0.saturating_add(years))
    }
}

impl std::ops::Sub<i32> for AcademicYear {
    type Output = AcademicYear;
    fn sub(self, years: i32) -> AcademicYear {
        AcademicYear(self.0.saturating_sub(years))
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{:02}",
            self.0,
            self.0.saturating_add(1).rem_euclid(100)
        )
    }
}

impl From<AcademicYear> for String {
    fn from(y: AcademicYear) -> String {
        y.to_string()
    }
}

impl TryFrom<String> for AcademicYear {
    type Error = CohortError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for AcademicYear {
    type Err = CohortError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (a, b) = s
            .split_once(['/', '-'])
            .ok_or(CohortError::BadAcademicYear)?;
        let start: i32 = a.trim().parse().map_err(|_| CohortError::BadAcademicYear)?;
        let b = b.trim();
        let end: i32 = b.parse().map_err(|_| CohortError::BadAcademicYear)?;
        let ok = match b.len() {
            2 => end == (start + 1).rem_euclid(100),
            4 => end == start + 1,
            _ => false,
        };
        if !ok || a.trim().len() != 4 {
            return Err(CohortError::BadAcademicYear);
        }
        Ok(AcademicYear(start))
    }
}

/// First day (1900-01-01) and number of days (to 2099-12-31) of the precomputed cohort-year tables.
const TABLE_FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
const TABLE_DAYS: usize = 73_049;

/// Cohort year per day from 1900 to 2099, per nation, so batch work does one look-up per row.
static COHORT_TABLES: once_cell::sync::Lazy<[Vec<i16>; 4]> = once_cell::sync::Lazy::new(|| {
    let table = |nation: Nation| -> Vec<i16> {
        TABLE_FIRST_DAY
            .iter_days()
            .take(TABLE_DAYS)
            .map(|d| nation.cohort_year(d) as i16)
            .collect()
    };
    [
        table(Nation::England),
        table(Nation::Wales),
        table(Nation::Scotland),
        table(Nation::NorthernIreland),
    ]
});

/// Days from 1970-01-01 (Arrow's `date32`) to a date.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{date_from_epoch_days, epoch_days};
/// let d = NaiveDate::from_ymd_opt(2008, 2, 29).unwrap();
/// assert_eq!(date_from_epoch_days(epoch_days(d)), Some(d));
/// assert_eq!(epoch_days(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
/// ```
pub fn epoch_days(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - 719_163
}

/// The date `days` after 1970-01-01, if it exists.
///
/// ```
/// use heat_core::cohort::date_from_epoch_days;
/// assert_eq!(date_from_epoch_days(0).unwrap().to_string(), "1970-01-01");
/// ```
pub fn date_from_epoch_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(719_163)?)
}

impl Nation {
    /// [`Nation::cohort_year`] of the date `days` after 1970-01-01 (Arrow `date32`): a table
    /// look-up for 1900–2099, computed otherwise; `None` for a day that is not a date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use heat_core::cohort::{epoch_days, Nation};
    /// let d = NaiveDate::from_ymd_opt(2008, 8, 31).unwrap();
    /// assert_eq!(Nation::England.cohort_year_of_epoch_day(epoch_days(d)), Some(2007));
    /// ```
    pub fn cohort_year_of_epoch_day(self, days: i32) -> Option<i32> {
        self.cohort_years().get(days)
    }

    /// The precomputed cohort-year table of this nation, for batch work: fetch it once, then
    /// call [`CohortYears::get`] per row.
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// let table = Nation::Scotland.cohort_years();
    /// assert_eq!(table.get(0), Some(1969)); // 1970-01-01 is in the 1969 Scottish cohort
    /// ```
    pub fn cohort_years(self) -> CohortYears {
        CohortYears {
            nation: self,
            table: &COHORT_TABLES[self as usize],
            first: epoch_days(TABLE_FIRST_DAY),
        }
    }

    /// [`year_group_number`] from a cohort year.
    ///
    /// ```
    /// use heat_core::cohort::{AcademicYear, Nation};
    /// assert_eq!(Nation::England.year_group_of_cohort(2013, AcademicYear::new(2025)), 7);
    /// ```
    pub fn year_group_of_cohort(self, cohort_year: i32, year: AcademicYear) -> i32 {
        year.start_year() - cohort_year - self.first_year_offset() + self.first_year()
    }
}

/// A nation's cohort year for each day from 1900 to 2099 (see [`Nation::cohort_years`]).
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::Nation;
/// let years = Nation::England.cohort_years();
/// let days = |d: NaiveDate| (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32;
/// assert_eq!(years.get(days(NaiveDate::from_ymd_opt(2011, 8, 31).unwrap())), Some(2010));
/// assert_eq!(years.get(days(NaiveDate::from_ymd_opt(2011, 9, 1).unwrap())), Some(2011));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CohortYears {
    nation: Nation,
    table: &'static [i16],
    first: i32,
}

impl CohortYears {
    /// The cohort year of the date `days` after 1970-01-01; `None` for a day that is not a date.
    ///
    /// ```
    /// use heat_core::cohort::Nation;
    /// assert_eq!(Nation::England.cohort_years().get(-1), Some(1969));
    /// ```
    #[inline]
    pub fn get(&self, days: i32) -> Option<i32> {
        let offset = days.wrapping_sub(self.first) as u32 as usize;
        match self.table.get(offset) {
            Some(y) if days >= self.first => Some(i32::from(*y)),
            _ => date_from_epoch_days(days).map(|d| self.nation.cohort_year(d)),
        }
    }
}

/// Where a date of birth puts a child in an academic year.
///
/// ```
/// use heat_core::cohort::{Nation, YearGroupOutcome};
/// assert_eq!(YearGroupOutcome::BelowSchoolAge.label(Nation::England), "Below school age");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum YearGroupOutcome {
    /// Not yet in the first school year.
    BelowSchoolAge,
    /// In school: the year-group number as the nation counts (see [`Nation::first_year`]).
    InSchool(i32),
    /// Past the last school year.
    LeftSchool,
}

impl YearGroupOutcome {
    /// The label: the nation's year-group name, `Below school age` or `Left school`.
    ///
    /// ```
    /// use heat_core::cohort::{Nation, YearGroupOutcome};
    /// assert_eq!(YearGroupOutcome::InSchool(4).label(Nation::Scotland), "P4");
    /// ```
    pub fn label(self, nation: Nation) -> String {
        match self {
            YearGroupOutcome::BelowSchoolAge => "Below school age".to_string(),
            YearGroupOutcome::InSchool(n) => nation.label(n),
            YearGroupOutcome::LeftSchool => "Left school".to_string(),
        }
    }
}

/// The year-group number, as the nation counts, of a child born on `dob` in `year` (it may be below
/// the first or past the last school year).
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{year_group_number, AcademicYear, Nation};
/// let dob = NaiveDate::from_ymd_opt(2013, 9, 1).unwrap();
/// assert_eq!(year_group_number(dob, AcademicYear::new(2025), Nation::England), 7);
/// ```
pub fn year_group_number(dob: NaiveDate, year: AcademicYear, nation: Nation) -> i32 {
    nation.year_group_of_cohort(nation.cohort_year(dob), year)
}

/// The year group of a child born on `dob` in academic year `year`, in `nation`.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{year_group, AcademicYear, Nation, YearGroupOutcome};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let y = AcademicYear::new(2025);
/// assert_eq!(year_group(d(2013, 7, 25), y, Nation::England), YearGroupOutcome::InSchool(8));
/// assert_eq!(year_group(d(2023, 1, 1), y, Nation::England), YearGroupOutcome::BelowSchoolAge);
/// assert_eq!(year_group(d(2000, 1, 1), y, Nation::England), YearGroupOutcome::LeftSchool);
/// ```
pub fn year_group(dob: NaiveDate, year: AcademicYear, nation: Nation) -> YearGroupOutcome {
    YearGroupOutcome::of_number(year_group_number(dob, year, nation), nation)
}

impl YearGroupOutcome {
    /// The outcome of a year-group number in `nation`.
    ///
    /// ```
    /// use heat_core::cohort::{Nation, YearGroupOutcome};
    /// assert_eq!(YearGroupOutcome::of_number(14, Nation::England), YearGroupOutcome::LeftSchool);
    /// assert_eq!(YearGroupOutcome::of_number(14, Nation::NorthernIreland), YearGroupOutcome::InSchool(14));
    /// ```
    pub fn of_number(n: i32, nation: Nation) -> YearGroupOutcome {
        if n < nation.first_year() {
            YearGroupOutcome::BelowSchoolAge
        } else if n > nation.last_year() {
            YearGroupOutcome::LeftSchool
        } else {
            YearGroupOutcome::InSchool(n)
        }
    }
}

/// The first and last dates of birth of year-group number `n` in `year` (the inverse of
/// [`year_group`]).
///
/// ```
/// use heat_core::cohort::{dob_range, AcademicYear, Nation};
/// let (first, last) = dob_range(10, AcademicYear::new(2025), Nation::England).unwrap();
/// assert_eq!((first.to_string(), last.to_string()), ("2010-09-01".into(), "2011-08-31".into()));
/// let (first, last) = dob_range(1, AcademicYear::new(2024), Nation::Scotland).unwrap();
/// assert_eq!((first.to_string(), last.to_string()), ("2019-03-01".into(), "2020-02-29".into()));
/// ```
pub fn dob_range(n: i32, year: AcademicYear, nation: Nation) -> Option<(NaiveDate, NaiveDate)> {
    let cohort = year.start_year() - nation.first_year_offset() - (n - nation.first_year());
    let (m, d) = nation.cohort_opens();
    let first = NaiveDate::from_ymd_opt(cohort, m, d)?;
    let next = NaiveDate::from_ymd_opt(cohort + 1, m, d)?;
    Some((first, next.pred_opt()?))
}

/// A year group given as a number, as `nation` counts it: refused (`year_group_not_in_nation`)
/// outside the nation's years.
///
/// ```
/// use heat_core::cohort::{year_group_in_nation, Nation};
/// use heat_core::HeatError;
/// assert_eq!(year_group_in_nation(14, Nation::NorthernIreland), Ok(14));
/// let e = year_group_in_nation(14, Nation::England).unwrap_err();
/// assert_eq!((e.code(), e.to_string().as_str()), ("year_group_not_in_nation", "year 14 is not a year group in england"));
/// assert!(year_group_in_nation(i64::MAX, Nation::England).is_err());
/// ```
pub fn year_group_in_nation(number: i64, nation: Nation) -> Result<i32, CohortError> {
    i32::try_from(number)
        .ok()
        .filter(|n| (nation.first_year()..=nation.last_year()).contains(n))
        .ok_or_else(|| CohortError::YearGroupNotInNation(format!("year {number}"), nation))
}

/// Read a year group as people type it: `Y10`, `yr 10`, `Year 10`, `10`, `R`, `Rec`,
/// `Reception`, `P6`, `S4`, `Year 12 (L3)`, and form classes (`7B`, `11A`, `10X2`: the year, then
/// the form's letters). Returns the number as `nation` counts it. A minus sign (`-1`, `Year -1`,
/// `Y-1`) is never dropped: no nation has year −1. A form of just `O`, `I` or `L` after the digits
/// (`Y1O`) is refused: it is more likely a mistyped digit than a form. A value holding a control
/// character ([`crate::cells::control_character`]: binary data pasted in) is refused too; white
/// space at the ends, a vertical tab included, is trimmed first, as every reader trims it.
///
/// ```
/// use heat_core::cohort::{clean_year_group, Nation};
/// use heat_core::HeatError;
/// assert_eq!(clean_year_group("yr 10", Nation::England), Ok(10));
/// assert_eq!(clean_year_group("Rec", Nation::England), Ok(0));
/// assert_eq!(clean_year_group("S4", Nation::Scotland), Ok(11));
/// assert_eq!(clean_year_group("Year 12 (L3)", Nation::England), Ok(12));
/// assert_eq!(clean_year_group("10X2", Nation::England), Ok(10));
/// assert_eq!(clean_year_group("Year -1", Nation::England).unwrap_err().code(), "year_group_not_in_nation");
/// assert_eq!(clean_year_group("FE Level 3", Nation::England).unwrap_err().code(), "unknown_year_group");
/// assert_eq!(clean_year_group("11\u{7f}", Nation::England).unwrap_err().code(), "unknown_year_group");
/// assert_eq!(clean_year_group("\u{b}10", Nation::England), Ok(10));
/// ```
pub fn clean_year_group(input: &str, nation: Nation) -> Result<i32, CohortError> {
    // Binary data pasted into the cell is not a year group, whatever digits it holds; white
    // space at its ends (a vertical tab or form feed too) is trimmed, as every reader trims it.
    if crate::cells::control_character(input.trim()).is_some() {
        return Err(CohortError::UnknownYearGroup);
    }
    // Drop anything in brackets, then keep letters, digits and a minus sign.
    let mut depth = 0i32;
    let mut kept = String::new();
    for c in input.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '-' | '\u{2212}' | '\u{2013}' if depth == 0 => kept.push('-'),
            c if depth == 0 && c.is_alphanumeric() => kept.extend(c.to_lowercase()),
            _ => {}
        }
    }
    let digits_at = kept.find(|c: char| c.is_ascii_digit());
    let (word, rest) = match digits_at {
        Some(i) => kept.split_at(i),
        None => (kept.as_str(), ""),
    };
    let negative = word.ends_with('-');
    let word = word.trim_end_matches('-');
    if word.contains('-') {
        return Err(CohortError::UnknownYearGroup);
    }
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, form) = rest.split_at(digits_end);
    if !form.is_empty()
        && (matches!(form, "o" | "i" | "l")
            || form.contains('-')
            || !form.starts_with(|c: char| c.is_alphabetic()))
    {
        return Err(CohortError::UnknownYearGroup);
    }
    let number: Option<i32> = if digits.is_empty() {
        None
    } else {
        let n: i32 = digits.parse().map_err(|_| CohortError::UnknownYearGroup)?;
        Some(if negative { -n } else { n })
    };
    if negative && number.is_none() {
        return Err(CohortError::UnknownYearGroup);
    }
    let scottish_or_ni = matches!(nation, Nation::Scotland | Nation::NorthernIreland);
    let n = match (word, number) {
        ("r" | "rec" | "reception" | "yearr" | "yearrec" | "yearreception", None) => match nation {
            Nation::England | Nation::Wales => 0,
            _ => {
                return Err(CohortError::YearGroupNotInNation(
                    "Reception".into(),
                    nation,
                ))
            }
        },
        ("" | "y" | "yr" | "yrs" | "year" | "yeargroup" | "ncy" | "nc", Some(n)) => n,
        ("p" | "primary", Some(n)) if (1..=7).contains(&n) => {
            if scottish_or_ni {
                n
            } else {
                return Err(CohortError::YearGroupNotInNation(format!("P{n}"), nation));
            }
        }
        ("s" | "secondary", Some(n)) if (1..=6).contains(&n) => {
            if nation == Nation::Scotland {
                n + 7
            } else {
                return Err(CohortError::YearGroupNotInNation(format!("S{n}"), nation));
            }
        }
        _ => return Err(CohortError::UnknownYearGroup),
    };
    if n < nation.first_year() || n > nation.last_year() {
        return Err(CohortError::YearGroupNotInNation(
            format!("year {n}"),
            nation,
        ));
    }
    Ok(n)
}

/// The tracking years of a pupil, from their date of birth.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{track_cohort, Nation, PhaseAdjustment};
/// let t = track_cohort(NaiveDate::from_ymd_opt(2008, 8, 31).unwrap(), Nation::England, PhaseAdjustment::NONE);
/// assert_eq!((t.ks4_exam_year, t.ks5_exam_year, t.he_ready_year.to_string(), t.tracking_data_year),
///            (2024, 2026, "2026/27".to_string(), 2028));
/// assert_eq!(t.ks4_extract_deadline.unwrap().to_string(), "2024-11-29");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct TrackCohort {
    /// The cohort year `Y` (after any phase adjustment).
    pub cohort_year: i32,
    /// The summer of the KS4 exams (GCSE: end of Year 11 in England and Wales, Year 12 in NI;
    /// Scotland: National 5 in S4, INFERRED equivalent).
    pub ks4_exam_year: i32,
    /// The summer of the KS5 exams (A level: Year 13 / NI Year 14; Scotland: S6, INFERRED).
    pub ks5_exam_year: i32,
    /// The academic year the pupil can enter HE at 18.
    pub he_ready_year: AcademicYear,
    /// The year HEAT's HESA tracking data for the HE-ready year arrives (end year + 1).
    pub tracking_data_year: i32,
    /// The HEAT Track deadline (last working day of November) of the KS4 extract.
    pub ks4_extract_deadline: Option<NaiveDate>,
    /// The HEAT Track deadline of the KS5 extract.
    pub ks5_extract_deadline: Option<NaiveDate>,
}

/// HEAT's Phase Adjustment: whole years a pupil is behind (+) or ahead of (−) their
/// date-of-birth cohort (+1 = held back a year). Checked on the way in: at most
/// [`PhaseAdjustment::MAX`] years either way (INFERRED bound, `domain.md` §3.1 and open question
/// 4), so exam years can never wrap round.
///
/// ```
/// use heat_core::cohort::PhaseAdjustment;
/// use heat_core::HeatError;
/// assert_eq!(PhaseAdjustment::new(1).unwrap().years(), 1);
/// assert_eq!(PhaseAdjustment::new(2_147_483_647).unwrap_err().code(), "bad_phase_adjustment");
/// assert_eq!("-1".parse::<PhaseAdjustment>().unwrap(), PhaseAdjustment::new(-1).unwrap());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "i64", into = "i64"))]
pub struct PhaseAdjustment(i8);

impl PhaseAdjustment {
    /// No adjustment: the pupil is in their date-of-birth cohort.
    pub const NONE: PhaseAdjustment = PhaseAdjustment(0);
    /// The largest adjustment either way, in years.
    pub const MAX: i64 = 5;

    /// An adjustment of `years`, if within ±[`PhaseAdjustment::MAX`].
    ///
    /// ```
    /// assert!(heat_core::cohort::PhaseAdjustment::new(-6).is_err());
    /// ```
    pub fn new(years: i64) -> Result<PhaseAdjustment, CohortError> {
        if (-Self::MAX..=Self::MAX).contains(&years) {
            Ok(PhaseAdjustment(years as i8))
        } else {
            Err(CohortError::BadPhaseAdjustment(years))
        }
    }

    /// The adjustment in years.
    ///
    /// ```
    /// assert_eq!(heat_core::cohort::PhaseAdjustment::NONE.years(), 0);
    /// ```
    pub fn years(self) -> i32 {
        i32::from(self.0)
    }
}

impl TryFrom<i64> for PhaseAdjustment {
    type Error = CohortError;
    fn try_from(years: i64) -> Result<Self, CohortError> {
        PhaseAdjustment::new(years)
    }
}

impl From<PhaseAdjustment> for i64 {
    fn from(p: PhaseAdjustment) -> i64 {
        i64::from(p.0)
    }
}

impl FromStr for PhaseAdjustment {
    type Err = CohortError;
    /// A whole number of years, with an optional sign (`+1`, `-1`, `0`); blank is no adjustment.
    fn from_str(s: &str) -> Result<Self, CohortError> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(PhaseAdjustment::NONE);
        }
        let digits = t.strip_prefix('+').unwrap_or(t);
        match digits.parse::<i64>() {
            Ok(n) => PhaseAdjustment::new(n),
            // Not a whole number at all, or too many digits for one: either way out of range.
            Err(_) => Err(CohortError::BadPhaseAdjustment(
                if digits.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                },
            )),
        }
    }
}

/// KS4 and KS5 exam years, HE-ready year and tracking-data year for a date of birth.
///
/// `phase` shifts the cohort for pupils not in their date-of-birth year group (+1 = held back
/// a year; INFERRED meaning of HEAT's Phase Adjustment, `domain.md` §3.1).
/// Scotland's pupils sit National 5 in S4 (`Y + 16`) and enter HE after S6 (`(Y+18)/(Y+19)`);
/// that mapping is INFERRED (§3.3).
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{track_cohort, Nation, PhaseAdjustment};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let none = PhaseAdjustment::NONE;
/// assert_eq!(track_cohort(d(2008, 9, 1), Nation::England, none).ks4_exam_year, 2025);
/// let held_back = PhaseAdjustment::new(1).unwrap();
/// assert_eq!(track_cohort(d(2008, 8, 31), Nation::England, held_back).ks4_exam_year, 2025);
/// assert_eq!(track_cohort(d(2008, 7, 2), Nation::NorthernIreland, none).ks5_exam_year, 2027);
/// ```
pub fn track_cohort(dob: NaiveDate, nation: Nation, phase: PhaseAdjustment) -> TrackCohort {
    track_cohort_of_year(nation.cohort_year(dob) + phase.years(), nation)
}

/// [`track_cohort`] from a cohort year (already adjusted). Years far outside any date (beyond
/// ±262,000) saturate instead of wrapping.
///
/// ```
/// use heat_core::cohort::{track_cohort_of_year, Nation};
/// assert_eq!(track_cohort_of_year(2007, Nation::England).tracking_data_year, 2028);
/// assert_eq!(track_cohort_of_year(i32::MAX, Nation::England).ks4_exam_year, i32::MAX);
/// ```
pub fn track_cohort_of_year(y: i32, nation: Nation) -> TrackCohort {
    let after = |years: i32| y.saturating_add(years);
    let (ks4, ks5, he_start) = match nation {
        Nation::Scotland => (after(16), after(18), after(18)),
        _ => (after(17), after(19), after(19)),
    };
    let he_ready_year = AcademicYear::new(he_start);
    TrackCohort {
        cohort_year: y,
        ks4_exam_year: ks4,
        ks5_exam_year: ks5,
        he_ready_year,
        tracking_data_year: he_start.saturating_add(2),
        ks4_extract_deadline: heat_track_deadline(ks4).ok(),
        ks5_extract_deadline: heat_track_deadline(ks5).ok(),
    }
}

/// How a stated year group fits a date of birth.
///
/// ```
/// use heat_core::cohort::Plausibility;
/// assert_eq!(Plausibility::OutByOne(-1).code(), "out_by_one");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Plausibility {
    /// The date of birth gives the stated year group.
    Fits,
    /// One year off: +1 = the pupil is a year above their date-of-birth year group
    /// (accelerated), −1 = a year below (held back). Common and often right.
    OutByOne(i32),
    /// Swapping the day and month of the date of birth makes it fit: likely a typing slip.
    DayMonthSwap(NaiveDate),
    /// Two or more years off.
    Impossible(i32),
}

codes!(Plausibility {
    Self::Fits => "fits",
    Self::OutByOne(_) => "out_by_one",
    Self::DayMonthSwap(_) => "day_month_swap",
    Self::Impossible(_) => "impossible",
});

impl Plausibility {
    /// The outcome's stable code.
    ///
    /// ```
    /// use heat_core::cohort::Plausibility;
    /// assert_eq!(Plausibility::Fits.code(), "fits");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }
}

/// Does a date of birth fit a stated year-group number in `year`? Detects the likely day/month
/// swap (03/11 typed for 11/03) when the swapped date fits exactly and the date as typed does not.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::cohort::{check_year_group, AcademicYear, Nation, Plausibility};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let y = AcademicYear::new(2025);
/// assert_eq!(check_year_group(d(2011, 1, 2), 10, y, Nation::England), Plausibility::Fits);
/// assert_eq!(check_year_group(d(2011, 1, 2), 9, y, Nation::England), Plausibility::OutByOne(-1));
/// // 11 Mar 2011 is Year 10; a Year 9 pupil typed as 2011-03-11 was likely born 3 Nov 2011.
/// assert_eq!(check_year_group(d(2011, 3, 11), 9, y, Nation::England),
///            Plausibility::DayMonthSwap(d(2011, 11, 3)));
/// assert_eq!(check_year_group(d(2011, 1, 2), 12, y, Nation::England), Plausibility::Impossible(2));
/// ```
pub fn check_year_group(
    dob: NaiveDate,
    stated: i32,
    year: AcademicYear,
    nation: Nation,
) -> Plausibility {
    let expected = year_group_number(dob, year, nation);
    let diff = stated - expected;
    if diff == 0 {
        return Plausibility::Fits;
    }
    if dob.day() <= 12 && dob.day() != dob.month() {
        if let Some(swapped) = NaiveDate::from_ymd_opt(dob.year(), dob.day(), dob.month()) {
            if year_group_number(swapped, year, nation) == stated {
                return Plausibility::DayMonthSwap(swapped);
            }
        }
    }
    if diff.abs() == 1 {
        Plausibility::OutByOne(diff)
    } else {
        Plausibility::Impossible(diff)
    }
}

/// The month of an English month name or its abbreviation (`Sep`, `Sept`, `September`).
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) || (w == "sept" && *m == "september"))
        .map(|i| i as u32 + 1)
}

/// Whether `rest` (what follows a date) is a time of day: `00:00`, `00:00:00.000`, `T12:00Z`,
/// `09:30 AM`, `+01:00`.
fn is_time(rest: &str) -> bool {
    let t = rest.trim_start_matches(['T', ' ']).trim();
    let t = t
        .strip_suffix("AM")
        .or_else(|| t.strip_suffix("PM"))
        .or_else(|| t.strip_suffix("am"))
        .or_else(|| t.strip_suffix("pm"))
        .unwrap_or(t)
        .trim_end();
    t.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | '-' | 'Z' | ' '))
}

/// Day, month and year from `1 Sep 2010`, `01-Sep-2010`, `1st September 2010`.
fn named_month_date(s: &str) -> Option<(i64, u32, u32)> {
    let parts: Vec<&str> = s
        .split([' ', '-', '/', '.', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let d = d.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if y.len() != 4 || d.is_empty() || d.len() > 2 {
        return None;
    }
    Some((y.parse().ok()?, month_number(m)?, d.parse().ok()?))
}

/// An Excel serial day number (1900 date system): whole days since 30 December 1899, with an
/// optional fraction (the time of day). Serial 60 is Excel's phantom 29 February 1900 and is
/// refused; serials below 61 are not taken for dates at all (a `1` is not 1 January 1900).
fn excel_serial(s: &str) -> Option<Result<NaiveDate, CohortError>> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || whole.len() > 7
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n: i64 = whole.parse().ok()?;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    Some(if (61..=2_958_465).contains(&n) {
        base.checked_add_days(chrono::Days::new(n as u64))
            .ok_or(CohortError::DateOutOfRange)
    } else {
        Err(CohortError::BadDate)
    })
}

/// Read a date as people and spreadsheets leave them in UK files: `YYYY-MM-DD`, `DD/MM/YYYY`
/// (also `-` or `.` between, one-digit days and months), `YYYYMMDD`, `1 Sep 2010` /
/// `01-Sep-2010` / `1st September 2010`, or an Excel serial day number (`40422`); a time of day
/// after the date is ignored, and a date with a time zone is read as the date written (its local
/// date). Two-digit years and US month-first dates are refused, never guessed.
///
/// ```
/// use heat_core::cohort::parse_date;
/// use heat_core::HeatError;
/// for s in ["2008-02-29", "29/02/2008", "29.2.2008", "20080229", "29 Feb 2008", "39507", "2008-02-29T00:00:00+01:00"] {
///     assert_eq!(parse_date(s).unwrap().to_string(), "2008-02-29", "{s}");
/// }
/// assert_eq!(parse_date("29/02/2009").unwrap_err().code(), "bad_date");
/// assert_eq!(parse_date("01/09/10").unwrap_err().code(), "bad_date");
/// ```
pub fn parse_date(input: &str) -> Result<NaiveDate, CohortError> {
    let s = input.trim();
    if let Some(serial) = excel_serial(s) {
        return serial;
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (&s[..4], &s[4..6], &s[6..]);
        let num = |x: &str| x.parse::<u32>().map_err(|_| CohortError::BadDate);
        return NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)
            .ok_or(CohortError::BadDate);
    }
    if s.bytes().any(|b| b.is_ascii_alphabetic()) && !s.contains(':') {
        if let Some((y, m, d)) = named_month_date(s) {
            return i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
                .ok_or(CohortError::BadDate);
        }
    }
    // Numeric forms, with an optional time of day after a space or `T`.
    let end = s.find([' ', 'T']).unwrap_or(s.len());
    let (date_part, rest) = s.split_at(end);
    if !is_time(rest) {
        return Err(CohortError::BadDate);
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(CohortError::BadDate);
    };
    let num = |x: &str, most: usize| -> Result<u32, CohortError> {
        if x.is_empty() || x.len() > most || !x.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CohortError::BadDate);
        }
        x.parse().map_err(|_| CohortError::BadDate)
    };
    let (y, m, d) = if a.len() == 4 {
        (num(a, 4)?, num(b, 2)?, num(c, 2)?)
    } else if c.len() == 4 {
        (num(c, 4)?, num(b, 2)?, num(a, 2)?)
    } else {
        return Err(CohortError::BadDate);
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(CohortError::BadDate)
}

#[cfg(test)]
mod tests {

    #[cfg(feature = "serde")]
    #[test]
    fn tracking_rule_names_are_their_serde_names_and_parse_back() {
        for rule in EhcpRule::ALL {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.name()));
            assert_eq!(rule.name().parse::<EhcpRule>(), Ok(rule));
        }
        for leap in LeapDayBirthday::ALL {
            let json = serde_json::to_string(&leap).unwrap();
            assert_eq!(json, format!("\"{}\"", leap.name()));
            assert_eq!(leap.name().parse::<LeapDayBirthday>(), Ok(leap));
        }
        assert_eq!(
            serde_json::from_str::<EhcpRule>("\"end_of_academic_year_turning_25\"").unwrap(),
            EhcpRule::EndOfAcademicYearTurning25
        );
    }

    #[test]
    fn a_year_group_number_is_held_to_its_nation() {
        assert_eq!(year_group_in_nation(0, Nation::England), Ok(0));
        assert_eq!(year_group_in_nation(13, Nation::Wales), Ok(13));
        assert!(year_group_in_nation(0, Nation::Scotland).is_err());
        assert!(year_group_in_nation(-1, Nation::England).is_err());
        assert!(year_group_in_nation(i64::from(i32::MAX) + 1, Nation::England).is_err());
    }

    use super::*;
    use crate::HeatError;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn domain_examples_england_2025() {
        let y = AcademicYear::new(2025);
        let label = |dob| year_group(dob, y, Nation::England).label(Nation::England);
        assert_eq!(label(d(2011, 1, 2)), "Year 10");
        assert_eq!(label(d(2013, 9, 1)), "Year 7");
        assert_eq!(label(d(2013, 7, 25)), "Year 8");
        assert_eq!(label(d(2010, 9, 1)), "Year 10");
    }

    #[test]
    fn cut_offs_per_nation() {
        // 31 Aug vs 1 Sep (England/Wales), 1 Jul vs 2 Jul (NI), 28/29 Feb vs 1 Mar (Scotland).
        let y = AcademicYear::new(2025);
        for nation in [Nation::England, Nation::Wales] {
            assert_eq!(year_group_number(d(2013, 8, 31), y, nation), 8);
            assert_eq!(year_group_number(d(2013, 9, 1), y, nation), 7);
        }
        let ni = Nation::NorthernIreland;
        assert_eq!(year_group_number(d(2013, 7, 1), y, ni), 9);
        assert_eq!(year_group_number(d(2013, 7, 2), y, ni), 8);
        let sc = Nation::Scotland;
        assert_eq!(
            year_group_number(d(2012, 2, 29), y, sc),
            year_group_number(d(2011, 3, 1), y, sc)
        );
        assert_eq!(
            year_group_number(d(2012, 2, 29), y, sc) - 1,
            year_group_number(d(2012, 3, 1), y, sc)
        );
        // 29 Feb births sit with the rest of their cohort.
        assert_eq!(Nation::England.cohort_year(d(2008, 2, 29)), 2007);
    }

    #[test]
    fn milestones_table() {
        // domain.md §3.1 milestone table and seed 001 rows (HE-ready → tracking year).
        let a = track_cohort(d(2008, 8, 31), Nation::England, PhaseAdjustment::NONE);
        let b = track_cohort(d(2008, 9, 1), Nation::England, PhaseAdjustment::NONE);
        assert_eq!(
            (
                a.ks4_exam_year,
                a.ks5_exam_year,
                a.he_ready_year.to_string(),
                a.tracking_data_year
            ),
            (2024, 2026, "2026/27".into(), 2028)
        );
        assert_eq!(
            (
                b.ks4_exam_year,
                b.ks5_exam_year,
                b.he_ready_year.to_string(),
                b.tracking_data_year
            ),
            (2025, 2027, "2027/28".into(), 2029)
        );
        assert_eq!(b.ks4_extract_deadline, Some(d(2025, 11, 28)));
        for (he, tracking) in [
            ("2020/21", 2022),
            ("2021/22", 2023),
            ("2022/23", 2024),
            ("2023/24", 2025),
            ("2024/25", 2026),
        ] {
            let he: AcademicYear = he.parse().unwrap();
            let (first, last) = (
                d(he.start_year() - 19, 9, 1),
                d(he.start_year() - 18, 8, 31),
            );
            for dob in [first, last] {
                let t = track_cohort(dob, Nation::England, PhaseAdjustment::NONE);
                assert_eq!((t.he_ready_year, t.tracking_data_year), (he, tracking));
            }
        }
        // NI: 31 Aug 2008 is cohort 2008 there (HE 2027/28), 2007 in England.
        assert_eq!(
            track_cohort(
                d(2008, 8, 31),
                Nation::NorthernIreland,
                PhaseAdjustment::NONE
            )
            .he_ready_year
            .to_string(),
            "2027/28"
        );
        assert_eq!(
            track_cohort(
                d(2008, 7, 1),
                Nation::NorthernIreland,
                PhaseAdjustment::NONE
            )
            .ks4_exam_year,
            2024
        );
    }

    #[test]
    fn tracking_age_table() {
        let rules = (EhcpRule::Until25thBirthday, LeapDayBirthday::March1);
        for (dob, last) in [
            (d(2008, 3, 15), d(2026, 8, 31)),
            (d(2008, 8, 31), d(2026, 8, 31)),
            (d(2008, 9, 1), d(2027, 8, 31)),
            (d(2008, 2, 29), d(2026, 8, 31)),
        ] {
            assert!(in_tracking_age(dob, last, false, rules), "{dob}");
            assert!(
                !in_tracking_age(dob, last.succ_opt().unwrap(), false, rules),
                "{dob}"
            );
        }
        assert!(in_tracking_age(d(2008, 2, 29), d(2033, 2, 28), true, rules));
        assert!(!in_tracking_age(d(2008, 2, 29), d(2033, 3, 1), true, rules));
        let feb28 = (EhcpRule::Until25thBirthday, LeapDayBirthday::February28);
        assert!(!in_tracking_age(
            d(2008, 2, 29),
            d(2033, 2, 28),
            true,
            feb28
        ));
        let end_of_year = (
            EhcpRule::EndOfAcademicYearTurning25,
            LeapDayBirthday::March1,
        );
        assert!(in_tracking_age(
            d(2008, 3, 15),
            d(2033, 8, 31),
            true,
            end_of_year
        ));
        assert!(!in_tracking_age(
            d(2008, 3, 15),
            d(2033, 9, 1),
            true,
            end_of_year
        ));
        // Starts at academic age 16.
        assert!(!in_tracking_age(
            d(2008, 3, 15),
            d(2024, 8, 31),
            false,
            rules
        ));
        assert!(in_tracking_age(d(2008, 3, 15), d(2024, 9, 1), false, rules));
    }

    #[test]
    fn cohort_table_agrees_with_the_rule_on_every_day() {
        let first = d(1899, 12, 1);
        for day in first.iter_days().take(TABLE_DAYS + 60) {
            for nation in [
                Nation::England,
                Nation::Wales,
                Nation::Scotland,
                Nation::NorthernIreland,
            ] {
                assert_eq!(
                    nation.cohort_year_of_epoch_day(epoch_days(day)),
                    Some(nation.cohort_year(day)),
                    "{day}"
                );
            }
        }
        assert_eq!(Nation::England.cohort_year_of_epoch_day(i32::MAX), None);
    }

    #[test]
    fn academic_year_text() {
        assert_eq!(
            "2025/2026".parse::<AcademicYear>(),
            Ok(AcademicYear::new(2025))
        );
        assert_eq!(
            "1999/00".parse::<AcademicYear>(),
            Ok(AcademicYear::new(1999))
        );
        for bad in ["2025", "2025/25", "25/26", "2025/2027", "x/y", ""] {
            assert_eq!(
                bad.parse::<AcademicYear>(),
                Err(CohortError::BadAcademicYear),
                "{bad}"
            );
        }
    }

    #[test]
    fn year_group_typing() {
        let e = Nation::England;
        for (s, n) in [
            ("Y10", 10),
            ("yr 10", 10),
            ("Year 10", 10),
            ("10", 10),
            ("R", 0),
            ("Rec", 0),
            ("Reception", 0),
            ("Year 12 (L3)", 12),
            ("NCY 7", 7),
            (" year  13 ", 13),
        ] {
            assert_eq!(clean_year_group(s, e), Ok(n), "{s}");
        }
        assert_eq!(clean_year_group("P6", Nation::Scotland), Ok(6));
        assert_eq!(clean_year_group("S4", Nation::Scotland), Ok(11));
        assert_eq!(clean_year_group("Year 14", Nation::NorthernIreland), Ok(14));
        assert_eq!(
            clean_year_group("S4", e).unwrap_err().code(),
            "year_group_not_in_nation"
        );
        assert_eq!(
            clean_year_group("Year 14", e).unwrap_err().code(),
            "year_group_not_in_nation"
        );
        for bad in ["", "FE Level 3", "yr", "Year ten", "Y1O"] {
            assert_eq!(
                clean_year_group(bad, e).unwrap_err().code(),
                "unknown_year_group",
                "{bad}"
            );
        }
    }
}
