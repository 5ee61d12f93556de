//! UK bank holidays by nation, working days and the HEAT Track deadline (last working day of
//! November).
//!
//! Every regular holiday is a rule with its first (and last) year, as data:
//! `data/calendar/bank_holiday_rules.csv` (the Bank Holidays Act 1871, the Banking and Financial
//! Dealings Act 1971, the St Andrew's Day Bank Holiday (Scotland) Act 2007 and the proclamations
//! made each year since; see `data/calendar/SOURCE.md`). Easter is by the Gregorian computus; a
//! holiday that falls on a weekend or on another holiday moves to the next free weekday, in
//! date order. One-off changes (jubilees, a coronation, a state funeral, moved May holidays,
//! Scotland's World Cup day) are data too: `data/calendar/bank_holiday_changes.csv`. Load your
//! own with [`Calendar::from_csv`] or [`Calendar::with_changes_csv`].
//!
//! The calendar covers the years [`FIRST_YEAR`] to [`LAST_YEAR`]; other years are an error.
//!
//! ```
//! use heat_core::calendar::{heat_track_deadline, last_working_day};
//! use heat_core::cohort::Nation;
//! assert_eq!(heat_track_deadline(2025).unwrap().to_string(), "2025-11-28");
//! assert_eq!(last_working_day(2026, 11, Nation::Scotland).unwrap().to_string(), "2026-11-27");
//! // St Andrew's Day is a bank holiday only from 2007: 30 Nov 2006 was a working day.
//! assert_eq!(last_working_day(2006, 11, Nation::Scotland).unwrap().to_string(), "2006-11-30");
//! ```

use crate::error::{codes, ErrorKind, HeatError};
use crate::nation::Nation;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use once_cell::sync::Lazy;
use std::io::Read;

const RULES_CSV: &str = include_str!("../data/calendar/bank_holiday_rules.csv");
const CHANGES_CSV: &str = include_str!("../data/calendar/bank_holiday_changes.csv");

/// The first year the calendar covers (the first full year of the Bank Holidays Act 1871).
pub const FIRST_YEAR: i32 = 1872;
/// The last year the calendar covers.
pub const LAST_YEAR: i32 = 9999;

/// Why a calendar question or file cannot be answered or read.
///
/// ```
/// use heat_core::calendar::Calendar;
/// use heat_core::HeatError;
/// let err = Calendar::with_changes_csv("date,action\n2030-01-01,add\n".as_bytes()).unwrap_err();
/// assert_eq!(err.code(), "bad_changes_file");
/// assert_eq!(heat_core::calendar::heat_track_deadline(0).unwrap_err().code(), "year_out_of_range");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A row of a changes or rules file could not be read; names the spreadsheet row (header 1)
    /// and the reason.
    #[error("bank-holiday {file}, row {row}: {reason}")]
    BadFile {
        /// `changes` or `rules`.
        file: &'static str,
        /// Spreadsheet row (the header is row 1).
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// A year outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
    #[error("year {0} is outside the calendar ({FIRST_YEAR} to {LAST_YEAR})")]
    YearOutOfRange(i64),
    /// A month that is not 1 to 12.
    #[error("month {0} is not 1 to 12")]
    BadMonth(i64),
}

codes!(CalendarError {
    Self::BadFile { file: "rules", .. } => "bad_rules_file",
    Self::BadFile { .. } => "bad_changes_file",
    Self::YearOutOfRange(_) => "year_out_of_range",
    Self::BadMonth(_) => "bad_month",
});

impl HeatError for CalendarError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Cohort
    }
}

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(i64::from(year)))
    }
}

/// Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
///
/// ```
/// use heat_core::calendar::easter_sunday;
/// assert_eq!(easter_sunday(2025).unwrap().to_string(), "2025-04-20");
/// assert_eq!(easter_sunday(2024).unwrap().to_string(), "2024-03-31");
/// ```
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(year, (n / 31) as u32, (n % 31 + 1) as u32)
}

fn first_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 1)
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let mut d = last_day_of_month(year, month)?;
    while d.weekday() != weekday {
        d = d.pred_opt()?;
    }
    Some(d)
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) {
        return None;
    }
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    next.pred_opt()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Which nations a rule or change applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NationSet {
    england_wales: bool,
    scotland: bool,
    northern_ireland: bool,
}

impl NationSet {
    fn contains(self, nation: Nation) -> bool {
        match nation {
            Nation::England | Nation::Wales => self.england_wales,
            Nation::Scotland => self.scotland,
            Nation::NorthernIreland => self.northern_ireland,
        }
    }

    /// `all`, or any of `england_wales`, `scotland`, `northern_ireland` joined by `;`.
    fn parse(text: &str) -> Result<NationSet, String> {
        let mut set = NationSet {
            england_wales: false,
            scotland: false,
            northern_ireland: false,
        };
        for n in text.split(';').map(str::trim) {
            match n {
                "all" => {
                    set = NationSet {
                        england_wales: true,
                        scotland: true,
                        northern_ireland: true,
                    }
                }
                "england_wales" => set.england_wales = true,
                "scotland" => set.scotland = true,
                "northern_ireland" => set.northern_ireland = true,
                other => return Err(format!("unknown nation {other:?}")),
            }
        }
        Ok(set)
    }
}

/// When in the year a rule's holiday falls (before moving off weekends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateRule {
    /// A fixed month and day (`12-25`).
    Fixed(u32, u32),
    /// Days after Easter Sunday (`easter-2`, `easter+1`).
    Easter(i64),
    /// The first Monday of a month (`first monday of 05`).
    FirstMonday(u32),
    /// The last Monday of a month (`last monday of 08`).
    LastMonday(u32),
}

impl DateRule {
    fn parse(text: &str) -> Result<DateRule, String> {
        let t = text.trim();
        let bad = || {
            format!(
                "date rule {t:?} is not MM-DD, easter±N, first monday of MM or last monday of MM"
            )
        };
        if let Some(offset) = t.strip_prefix("easter") {
            let days: i64 = offset.trim_start_matches('+').parse().map_err(|_| bad())?;
            return Ok(DateRule::Easter(days));
        }
        let month = |m: &str| {
            m.trim()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=12).contains(m))
        };
        if let Some(m) = t.strip_prefix("first monday of ") {
            return month(m).map(DateRule::FirstMonday).ok_or_else(bad);
        }
        if let Some(m) = t.strip_prefix("last monday of ") {
            return month(m).map(DateRule::LastMonday).ok_or_else(bad);
        }
        let (m, d) = t.split_once('-').ok_or_else(bad)?;
        let (m, d) = (
            month(m).ok_or_else(bad)?,
            d.parse::<u32>().map_err(|_| bad())?,
        );
        // Checked against a leap year so 02-29 is allowed as a rule.
        NaiveDate::from_ymd_opt(2000, m, d).ok_or_else(bad)?;
        Ok(DateRule::Fixed(m, d))
    }

    fn date(self, year: i32) -> Option<NaiveDate> {
        match self {
            DateRule::Fixed(m, d) => NaiveDate::from_ymd_opt(year, m, d),
            DateRule::Easter(days) => {
                easter_sunday(year).and_then(|e| e.checked_add_signed(Duration::days(days)))
            }
            DateRule::FirstMonday(m) => first_weekday(year, m, Weekday::Mon),
            DateRule::LastMonday(m) => last_weekday(year, m, Weekday::Mon),
        }
    }
}

/// One regular bank holiday: where, when in the year, and the years it was in force.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    name: String,
    nations: NationSet,
    date: DateRule,
    first_year: i32,
    last_year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    date: NaiveDate,
    add: bool,
    nations: NationSet,
}

/// Bank-holiday rules plus one-off changes; [`Calendar::default`] holds the embedded ones.
///
/// ```
/// use heat_core::calendar::Calendar;
/// use heat_core::cohort::Nation;
/// let cal = Calendar::default();
/// assert_eq!(cal.bank_holidays(2023, Nation::England).unwrap().len(), 9); // incl. the Coronation
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    rules: Vec<Rule>,
    changes: Vec<Change>,
}

#[allow(clippy::expect_used)] // embedded data, not input: parsed by a unit test on every build
static DEFAULT: Lazy<Calendar> = Lazy::new(|| {
    Calendar::from_csv(RULES_CSV.as_bytes(), CHANGES_CSV.as_bytes())
        .expect("data/calendar/*.csv are valid (tested)")
});

impl Default for Calendar {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

/// A CSV's header positions for the named columns, or the file error naming the missing one.
fn columns<const N: usize>(
    headers: &csv::StringRecord,
    names: [&str; N],
    file: &'static str,
) -> Result<[usize; N], CalendarError> {
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{FEFF}') == name)
            .ok_or_else(|| CalendarError::BadFile {
                file,
                row: crate::rows::HEADER,
                reason: format!("no column {name}"),
            })?;
    }
    Ok(out)
}

/// The records of a small CSV with each one's spreadsheet row, or the error naming the row.
fn records<R: Read>(
    reader: R,
    file: &'static str,
) -> Result<(csv::StringRecord, Vec<(usize, csv::StringRecord)>), CalendarError> {
    let bad = |row: usize, reason: String| CalendarError::BadFile { file, row, reason };
    let mut rdr = csv::Reader::from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| bad(crate::rows::HEADER, e.to_string()))?
        .clone();
    let mut out = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let record = record.map_err(|e| bad(crate::rows::of_csv_error(&e, i), e.to_string()))?;
        out.push((crate::rows::of_record(&record, i), record));
    }
    Ok((headers, out))
}

impl Calendar {
    /// A calendar from a rules CSV (columns `name`, `nations`, `date` as `MM-DD`, `easter±N`,
    /// `first monday of MM` or `last monday of MM`, `first_year`, `last_year` (blank: still in
    /// force), as `data/calendar/bank_holiday_rules.csv`) and a changes CSV (see
    /// [`Calendar::with_changes_csv`]).
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let rules = "name,nations,date,first_year,last_year\nFounders' Day,all,03-02,2030,\n";
    /// let cal = Calendar::from_csv(rules.as_bytes(), "date,action,nations\n".as_bytes()).unwrap();
    /// assert_eq!(cal.bank_holidays(2031, Nation::Wales).unwrap().len(), 1);
    /// assert!(cal.bank_holidays(2029, Nation::Wales).unwrap().is_empty());
    /// ```
    pub fn from_csv<R: Read, C: Read>(rules: R, changes: C) -> Result<Calendar, CalendarError> {
        let (headers, rows) = records(rules, "rules")?;
        let [c_name, c_nations, c_date, c_first, c_last] = columns(
            &headers,
            ["name", "nations", "date", "first_year", "last_year"],
            "rules",
        )?;
        let mut parsed = Vec::with_capacity(rows.len());
        for (row, record) in rows {
            let bad = |reason: String| CalendarError::BadFile {
                file: "rules",
                row,
                reason,
            };
            let field = |c: usize| record.get(c).unwrap_or("").trim();
            let year = |c: usize, default: i32| -> Result<i32, CalendarError> {
                match field(c) {
                    "" => Ok(default),
                    t => t
                        .parse::<i32>()
                        .map_err(|_| bad(format!("{t:?} is not a year"))),
                }
            };
            parsed.push(Rule {
                name: field(c_name).to_string(),
                nations: NationSet::parse(field(c_nations)).map_err(&bad)?,
                date: DateRule::parse(field(c_date)).map_err(&bad)?,
                first_year: year(c_first, FIRST_YEAR)?,
                last_year: year(c_last, LAST_YEAR)?,
            });
        }
        let mut calendar = Calendar {
            rules: parsed,
            changes: Vec::new(),
        };
        calendar.changes = Calendar::read_changes(changes)?;
        Ok(calendar)
    }

    /// The embedded rules plus the changes in a CSV with columns `date` (YYYY-MM-DD), `action`
    /// (`add` or `remove`), `nations` (`all`, or any of `england_wales`, `scotland`,
    /// `northern_ireland` joined by `;`); other columns (name, source) are kept for people.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let csv = "date,action,nations,name\n2030-06-07,add,all,Example extra day\n";
    /// let cal = Calendar::with_changes_csv(csv.as_bytes()).unwrap();
    /// assert!(cal.is_bank_holiday("2030-06-07".parse().unwrap(), Nation::Wales));
    /// ```
    pub fn with_changes_csv<R: Read>(reader: R) -> Result<Calendar, CalendarError> {
        Ok(Calendar {
            rules: DEFAULT.rules.clone(),
            changes: Calendar::read_changes(reader)?,
        })
    }

    fn read_changes<R: Read>(reader: R) -> Result<Vec<Change>, CalendarError> {
        let (headers, rows) = records(reader, "changes")?;
        let [c_date, c_action, c_nations] =
            columns(&headers, ["date", "action", "nations"], "changes")?;
        let mut changes = Vec::with_capacity(rows.len());
        for (row, record) in rows {
            let bad = |reason: String| CalendarError::BadFile {
                file: "changes",
                row,
                reason,
            };
            let field = |c: usize| record.get(c).unwrap_or("").trim();
            let date: NaiveDate = field(c_date)
                .parse()
                .map_err(|_| bad("date is not YYYY-MM-DD".into()))?;
            let add = match field(c_action) {
                "add" => true,
                "remove" => false,
                _ => return Err(bad("action must be add or remove".into())),
            };
            let nations = NationSet::parse(field(c_nations)).map_err(&bad)?;
            changes.push(Change { date, add, nations });
        }
        Ok(changes)
    }

    /// The names of the regular holidays in force in `year` in `nation`, in date order (before
    /// one-off changes).
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let calendar = Calendar::default();
    /// let names = calendar.rules_in_force(2006, Nation::Scotland).unwrap();
    /// assert!(!names.contains(&"St Andrew's Day"));
    /// ```
    pub fn rules_in_force(&self, year: i32, nation: Nation) -> Result<Vec<&str>, CalendarError> {
        check_year(year)?;
        Ok(self
            .nominal(year, nation)
            .into_iter()
            .map(|(_, r)| r.name.as_str())
            .collect())
    }

    /// The rules in force in `year` and `nation` with each one's date before moving off
    /// weekends, in date order.
    fn nominal(&self, year: i32, nation: Nation) -> Vec<(NaiveDate, &Rule)> {
        let mut out: Vec<(NaiveDate, &Rule)> = self
            .rules
            .iter()
            .filter(|r| r.nations.contains(nation) && (r.first_year..=r.last_year).contains(&year))
            .filter_map(|r| r.date.date(year).map(|d| (d, r)))
            .collect();
        out.sort_by_key(|(d, _)| *d);
        out
    }

    /// The bank holidays of `year` in `nation`, sorted.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let days: Vec<String> = Calendar::default().bank_holidays(2021, Nation::England).unwrap()
    ///     .iter().map(|d| d.to_string()).collect();
    /// assert_eq!(days, ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31",
    ///                   "2021-08-30", "2021-12-27", "2021-12-28"]);
    /// ```
    pub fn bank_holidays(
        &self,
        year: i32,
        nation: Nation,
    ) -> Result<Vec<NaiveDate>, CalendarError> {
        check_year(year)?;
        // Each holiday in date order takes its own day, or the next free weekday.
        let mut days: Vec<NaiveDate> = Vec::with_capacity(12);
        for (nominal, _) in self.nominal(year, nation) {
            let mut d = nominal;
            while is_weekend(d) || days.contains(&d) {
                match d.succ_opt() {
                    Some(next) => d = next,
                    None => break,
                }
            }
            days.push(d);
        }
        for change in self.changes.iter().filter(|c| c.date.year() == year) {
            if !change.nations.contains(nation) {
                continue;
            }
            if change.add {
                days.push(change.date);
            } else {
                days.retain(|d| *d != change.date);
            }
        }
        days.sort();
        days.dedup();
        Ok(days)
    }

    /// Whether `date` is a bank holiday in `nation` (never, outside the calendar's years).
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let cal = Calendar::default();
    /// assert!(cal.is_bank_holiday("2024-12-02".parse().unwrap(), Nation::Scotland));
    /// assert!(!cal.is_bank_holiday("2024-12-02".parse().unwrap(), Nation::England));
    /// ```
    pub fn is_bank_holiday(&self, date: NaiveDate, nation: Nation) -> bool {
        self.bank_holidays(date.year(), nation)
            .is_ok_and(|days| days.contains(&date))
    }

    /// The latest weekday of the month that is not a bank holiday in `nation`.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let d = Calendar::default().last_working_day(2020, 11, Nation::Scotland).unwrap();
    /// assert_eq!(d.to_string(), "2020-11-27");
    /// ```
    pub fn last_working_day(
        &self,
        year: i32,
        month: u32,
        nation: Nation,
    ) -> Result<NaiveDate, CalendarError> {
        let holidays = self.bank_holidays(year, nation)?;
        let mut d =
            last_day_of_month(year, month).ok_or(CalendarError::BadMonth(i64::from(month)))?;
        while is_weekend(d) || holidays.contains(&d) {
            d = d
                .pred_opt()
                .ok_or(CalendarError::YearOutOfRange(i64::from(year)))?;
        }
        Ok(d)
    }
}

/// Bank holidays of `year` in `nation` with the embedded rules and changes.
///
/// ```
/// use heat_core::calendar::bank_holidays;
/// use heat_core::cohort::Nation;
/// assert_eq!(bank_holidays(2022, Nation::England).unwrap().len(), 10);
/// ```
pub fn bank_holidays(year: i32, nation: Nation) -> Result<Vec<NaiveDate>, CalendarError> {
    DEFAULT.bank_holidays(year, nation)
}

/// The last working day (Monday–Friday, not a bank holiday) of a month in `nation`.
///
/// ```
/// use heat_core::calendar::last_working_day;
/// use heat_core::cohort::Nation;
/// use heat_core::HeatError;
/// assert_eq!(last_working_day(2025, 12, Nation::England).unwrap().to_string(), "2025-12-31");
/// assert_eq!(last_working_day(2025, 13, Nation::England).unwrap_err().code(), "bad_month");
/// ```
pub fn last_working_day(year: i32, month: u32, nation: Nation) -> Result<NaiveDate, CalendarError> {
    DEFAULT.last_working_day(year, month, nation)
}

/// Deadlines for 1900–2199, computed once (batch work asks for the same few years repeatedly).
static DEADLINES: Lazy<Vec<Option<NaiveDate>>> = Lazy::new(|| {
    (1900..2200)
        .map(|y| DEFAULT.last_working_day(y, 11, Nation::England).ok())
        .collect()
});

/// The HEAT Track deadline of `year`: the last working day of November (England and Wales
/// working days: HEAT is run from England; INFERRED, `domain.md` §4).
///
/// ```
/// use heat_core::calendar::heat_track_deadline;
/// assert_eq!(heat_track_deadline(2024).unwrap().to_string(), "2024-11-29");
/// assert_eq!(heat_track_deadline(2026).unwrap().to_string(), "2026-11-30");
/// ```
pub fn heat_track_deadline(year: i32) -> Result<NaiveDate, CalendarError> {
    match usize::try_from(i64::from(year) - 1900) {
        Ok(i) if i < DEADLINES.len() => {
            DEADLINES[i].ok_or(CalendarError::YearOutOfRange(i64::from(year)))
        }
        _ => DEFAULT.last_working_day(year, 11, Nation::England),
    }
}

/// The next HEAT Track deadline on or after `date`.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::calendar::next_heat_track_deadline;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(next_heat_track_deadline(d(2025, 11, 28)).unwrap(), d(2025, 11, 28));
/// assert_eq!(next_heat_track_deadline(d(2025, 11, 29)).unwrap(), d(2026, 11, 30));
/// ```
pub fn next_heat_track_deadline(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    let this_year = heat_track_deadline(date.year())?;
    if date <= this_year {
        Ok(this_year)
    } else {
        heat_track_deadline(date.year() + 1)
    }
}

/// Today's date in the UK (Greenwich Mean Time, or British Summer Time from 01:00 UTC on the last
/// Sunday of March to 01:00 UTC on the last Sunday of October), from the system clock. Every
/// default that depends on "today" (the academic year, the next extract) starts here.
///
/// ```
/// let today = heat_core::calendar::today();
/// assert!(today.to_string() >= "2026-01-01".to_string());
/// ```
pub fn today() -> NaiveDate {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    uk_date_of_unix_seconds(now)
}

/// The UK local date at `seconds` after 1970-01-01 00:00 UTC (see [`today`]).
///
/// ```
/// use heat_core::calendar::uk_date_of_unix_seconds;
/// // 31 Aug 2025 23:30 UTC is 1 Sep 00:30 BST; 31 Dec 2025 23:30 UTC is still 31 Dec (GMT).
/// assert_eq!(uk_date_of_unix_seconds(1_756_683_000).to_string(), "2025-09-01");
/// assert_eq!(uk_date_of_unix_seconds(1_767_223_800).to_string(), "2025-12-31");
/// ```
pub fn uk_date_of_unix_seconds(seconds: i64) -> NaiveDate {
    let utc = chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .naive_utc();
    let year = utc.date().year();
    let switch =
        |month: u32| last_weekday(year, month, Weekday::Sun).and_then(|d| d.and_hms_opt(1, 0, 0));
    let summer = match (switch(3), switch(10)) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    if summer {
        (utc + Duration::hours(1)).date()
    } else {
        utc.date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    fn days(year: i32, nation: Nation) -> Vec<String> {
        bank_holidays(year, nation)
            .unwrap()
            .iter()
            .map(|d| d.format("%m-%d").to_string())
            .collect()
    }

    /// Oudin's algorithm (1940), written independently of `easter_sunday`.
    fn easter_oudin(y: i32) -> (u32, u32) {
        let c = y / 100;
        let n = y - 19 * (y / 19);
        let k = (c - 17) / 25;
        let mut i = c - c / 4 - (c - k) / 3 + 19 * n + 15;
        i -= 30 * (i / 30);
        i -= (i / 28) * (1 - (i / 28) * (29 / (i + 1)) * ((21 - n) / 11));
        let mut j = y + y / 4 + i + 2 - c + c / 4;
        j -= 7 * (j / 7);
        let l = i - j;
        let m = 3 + (l + 40) / 44;
        let d = l + 28 - 31 * (m / 4);
        (m as u32, d as u32)
    }

    #[test]
    fn easter_agrees_with_oudin_1900_2199() {
        for y in 1900..2200 {
            let e = easter_sunday(y).unwrap();
            assert_eq!((e.month(), e.day()), easter_oudin(y), "{y}");
            assert_eq!(e.weekday(), Weekday::Sun);
        }
    }

    #[test]
    fn easter_known_dates() {
        let known = [
            (2018, "04-01"),
            (2019, "04-21"),
            (2020, "04-12"),
            (2021, "04-04"),
            (2022, "04-17"),
            (2023, "04-09"),
            (2024, "03-31"),
            (2025, "04-20"),
            (2026, "04-05"),
            (2027, "03-28"),
            (1943, "04-25"),
            (2008, "03-23"),
            (2038, "04-25"),
        ];
        for (y, md) in known {
            assert_eq!(
                easter_sunday(y).unwrap().format("%m-%d").to_string(),
                md,
                "{y}"
            );
        }
    }

    #[test]
    fn england_and_wales_2018_to_2027_as_published() {
        let published: [(i32, &[&str]); 10] = [
            (
                2018,
                &[
                    "01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26",
                ],
            ),
            (
                2019,
                &[
                    "01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26",
                ],
            ),
            (
                2020,
                &[
                    "01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28",
                ],
            ),
            (
                2021,
                &[
                    "01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28",
                ],
            ),
            (
                2022,
                &[
                    "01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19",
                    "12-26", "12-27",
                ],
            ),
            (
                2023,
                &[
                    "01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26",
                ],
            ),
            (
                2024,
                &[
                    "01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26",
                ],
            ),
            (
                2025,
                &[
                    "01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26",
                ],
            ),
            (
                2026,
                &[
                    "01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28",
                ],
            ),
            (
                2027,
                &[
                    "01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28",
                ],
            ),
        ];
        for (year, expected) in published {
            assert_eq!(days(year, Nation::England), expected, "{year}");
            assert_eq!(days(year, Nation::Wales), expected, "{year}");
        }
    }

    #[test]
    fn scotland_and_northern_ireland() {
        assert_eq!(
            days(2024, Nation::Scotland),
            ["01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"]
        );
        assert_eq!(
            days(2022, Nation::Scotland),
            [
                "01-03", "01-04", "04-15", "05-02", "06-02", "06-03", "08-01", "09-19", "11-30",
                "12-26", "12-27"
            ]
        );
        assert_eq!(days(2023, Nation::Scotland)[..2], ["01-02", "01-03"]);
        assert_eq!(
            days(2024, Nation::NorthernIreland),
            [
                "01-01", "03-18", "03-29", "04-01", "05-06", "05-27", "07-12", "08-26", "12-25",
                "12-26"
            ]
        );
        assert_eq!(
            days(2020, Nation::NorthernIreland)[6..8],
            ["07-13", "08-31"]
        );
    }

    #[test]
    fn last_working_day_of_november_table() {
        // domain.md §4.1, computed with PyPI holidays 0.109.
        let table = [
            (2019, "11-29", "11-29", "11-29"),
            (2020, "11-30", "11-27", "11-30"),
            (2021, "11-30", "11-29", "11-30"),
            (2022, "11-30", "11-29", "11-30"),
            (2023, "11-30", "11-29", "11-30"),
            (2024, "11-29", "11-29", "11-29"),
            (2025, "11-28", "11-28", "11-28"),
            (2026, "11-30", "11-27", "11-30"),
            (2027, "11-30", "11-29", "11-30"),
            (2028, "11-30", "11-29", "11-30"),
            (2029, "11-30", "11-29", "11-30"),
            (2030, "11-29", "11-29", "11-29"),
            (2031, "11-28", "11-28", "11-28"),
        ];
        for (y, ew, sc, ni) in table {
            let f = |n| {
                last_working_day(y, 11, n)
                    .unwrap()
                    .format("%m-%d")
                    .to_string()
            };
            assert_eq!(
                (
                    f(Nation::England),
                    f(Nation::Scotland),
                    f(Nation::NorthernIreland)
                ),
                (ew.to_string(), sc.to_string(), ni.to_string()),
                "{y}"
            );
            assert_eq!(
                heat_track_deadline(y).unwrap().format("%m-%d").to_string(),
                ew
            );
        }
        assert_eq!(heat_track_deadline(2025).unwrap().weekday(), Weekday::Fri);
    }

    #[test]
    fn substitute_days() {
        // Christmas on a Saturday (2021): Mon 27 and Tue 28. On a Sunday (2022): Mon 26, Tue 27.
        assert_eq!(days(2021, Nation::England)[6..], ["12-27", "12-28"]);
        assert_eq!(days(2022, Nation::England)[8..], ["12-26", "12-27"]);
        // New Year's Day on a Saturday (2022): Mon 3 Jan; Scotland adds Tue 4 Jan.
        assert_eq!(days(2022, Nation::England)[0], "01-03");
    }

    #[test]
    fn bad_changes_files_name_the_row() {
        let err = Calendar::with_changes_csv(
            "date,action,nations\n2030-01-01,add,all\n2030-02-30,add,all\n".as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bank-holiday changes, row 3: date is not YYYY-MM-DD"
        );
        let err = Calendar::from_csv(
            "name,nations,date,first_year,last_year\nX,all,easter+x,,\n".as_bytes(),
            "date,action,nations\n".as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "bad_rules_file");
        assert!(err
            .to_string()
            .starts_with("bank-holiday rules, row 2: date rule"));
        let err =
            Calendar::with_changes_csv("date,action,nations\n2030-01-01,add,wales\n".as_bytes())
                .unwrap_err();
        assert!(err.to_string().contains("unknown nation"));
    }

    #[test]
    fn the_embedded_rules_and_changes_read() {
        let cal = Calendar::from_csv(RULES_CSV.as_bytes(), CHANGES_CSV.as_bytes()).unwrap();
        assert_eq!(cal, *DEFAULT);
        assert_eq!(cal.rules.len(), 19);
        assert!(cal.changes.len() >= 24);
    }

    #[test]
    fn st_andrews_day_only_from_2007() {
        // 30 November was a working day in Scotland until the 2007 Act.
        for (year, last) in [
            (2000, "11-30"),
            (2001, "11-30"),
            (2004, "11-30"),
            (2005, "11-30"),
            (2006, "11-30"),
            (2007, "11-29"),
            (2010, "11-29"),
        ] {
            let d = last_working_day(year, 11, Nation::Scotland).unwrap();
            assert_eq!(d.format("%m-%d").to_string(), last, "{year}");
        }
        assert!(!days(2006, Nation::Scotland).contains(&"11-30".to_string()));
        assert!(days(2007, Nation::Scotland).contains(&"11-30".to_string()));
        // Moved off a weekend: 30 Nov 2008 was a Sunday, so Monday 1 December.
        assert!(days(2008, Nation::Scotland).contains(&"12-01".to_string()));
    }

    #[test]
    fn scotland_world_cup_day_2026() {
        assert!(DEFAULT.is_bank_holiday(
            NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
            Nation::Scotland
        ));
        assert!(!DEFAULT.is_bank_holiday(
            NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
            Nation::England
        ));
        assert_eq!(days(2026, Nation::Scotland).len(), 10);
    }

    #[test]
    fn rules_start_and_end() {
        let names = |y, n| DEFAULT.rules_in_force(y, n).unwrap();
        assert!(!names(1973, Nation::England).contains(&"New Year's Day"));
        assert!(names(1974, Nation::England).contains(&"New Year's Day"));
        assert!(names(1970, Nation::England).contains(&"Whit Monday"));
        assert!(!names(1971, Nation::England).contains(&"Whit Monday"));
        assert!(names(1971, Nation::England).contains(&"Spring bank holiday"));
        assert!(!names(1977, Nation::NorthernIreland).contains(&"Early May bank holiday"));
        assert!(names(1978, Nation::NorthernIreland).contains(&"Early May bank holiday"));
        assert!(!names(1902, Nation::NorthernIreland).contains(&"St Patrick's Day"));
        assert!(!names(1973, Nation::Scotland).contains(&"Boxing Day"));
        assert_eq!(
            bank_holidays(FIRST_YEAR - 1, Nation::England)
                .unwrap_err()
                .code(),
            "year_out_of_range"
        );
        assert_eq!(
            heat_track_deadline(LAST_YEAR + 1).unwrap_err().code(),
            "year_out_of_range"
        );
        assert_eq!(
            last_working_day(2025, 0, Nation::England)
                .unwrap_err()
                .code(),
            "bad_month"
        );
    }

    /// An independent computation of the regular holidays, day by day: a day is a holiday when
    /// some rule in force falls on it, or when it is the first weekday after a run of rule days
    /// and weekends that holds more rule days than weekdays. Compared with the calendar for every
    /// year 1900-2100 in every nation (one-off changes aside).
    #[test]
    fn the_calendar_agrees_with_a_day_by_day_computation_1900_2100() {
        let no_changes = Calendar {
            rules: DEFAULT.rules.clone(),
            changes: Vec::new(),
        };
        for year in 1900..=2100 {
            for nation in [
                Nation::England,
                Nation::Wales,
                Nation::Scotland,
                Nation::NorthernIreland,
            ] {
                let rule_days: Vec<NaiveDate> = DEFAULT
                    .rules
                    .iter()
                    .filter(|r| {
                        r.nations.contains(nation) && (r.first_year..=r.last_year).contains(&year)
                    })
                    .filter_map(|r| r.date.date(year))
                    .collect();
                // Walk the year keeping a count of holidays owed: each rule day adds one, each
                // weekday pays one off.
                let mut owed = 0usize;
                let mut expected = Vec::new();
                let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
                while d.year() == year || owed > 0 {
                    owed += rule_days.iter().filter(|r| **r == d).count();
                    if owed > 0 && !is_weekend(d) {
                        expected.push(d);
                        owed -= 1;
                    }
                    d = d.succ_opt().unwrap();
                }
                let got = no_changes.bank_holidays(year, nation).unwrap();
                let expected: Vec<NaiveDate> =
                    expected.into_iter().filter(|d| d.year() == year).collect();
                assert_eq!(got, expected, "{year} {nation}");
                // And the deadline is the last November weekday that is not one of them.
                let deadline = no_changes.last_working_day(year, 11, nation).unwrap();
                let mut last = NaiveDate::from_ymd_opt(year, 11, 30).unwrap();
                while is_weekend(last) || expected.contains(&last) {
                    last = last.pred_opt().unwrap();
                }
                assert_eq!(deadline, last, "{year} {nation}");
            }
        }
    }
}
