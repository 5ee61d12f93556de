//! UK bank holidays by nation, working days and the HEAT Track deadline (last working day of
//! November).
//!
//! Regular holidays are computed by rule (Easter by the Gregorian computus; fixed-date holidays
//! move to the next free weekday when they fall on a weekend or on another holiday). One-off
//! changes (jubilees, a coronation, a state funeral, moved May holidays) are data:
//! `data/calendar/bank_holiday_changes.csv`, with sources; load your own with
//! [`Calendar::with_changes_csv`].
//!
//! ```
//! use heat_core::calendar::{heat_track_deadline, last_working_day};
//! use heat_core::cohort::Nation;
//! assert_eq!(heat_track_deadline(2025).unwrap().to_string(), "2025-11-28");
//! assert_eq!(last_working_day(2026, 11, Nation::Scotland).unwrap().to_string(), "2026-11-27");
//! ```

use crate::cohort::Nation;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use once_cell::sync::Lazy;
use std::io::Read;

const CHANGES_CSV: &str = include_str!("../data/calendar/bank_holiday_changes.csv");

/// Why a bank-holiday changes file could not be read.
///
/// ```
/// use heat_core::calendar::Calendar;
/// let err = Calendar::with_changes_csv("date,action\n2030-01-01,add\n".as_bytes()).unwrap_err();
/// assert_eq!(err.code(), "bad_changes_file");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A row could not be read; names the 1-based data row and the reason.
    #[error("bank-holiday changes, row {row}: {reason}")]
    BadChangesFile {
        /// 1-based data row.
        row: usize,
        /// What is wrong.
        reason: String,
    },
}

impl CalendarError {
    /// The stable code.
    ///
    /// ```
    /// use heat_core::calendar::CalendarError;
    /// let e = CalendarError::BadChangesFile { row: 1, reason: "x".into() };
    /// assert_eq!(e.code(), "bad_changes_file");
    /// ```
    pub fn code(&self) -> &'static str {
        "bad_changes_file"
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
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let mut d = next_month.pred_opt()?;
    while d.weekday() != weekday {
        d = d.pred_opt()?;
    }
    Some(d)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Which nations a change applies to.
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    date: NaiveDate,
    add: bool,
    nations: NationSet,
}

/// Bank-holiday rules plus one-off changes; [`Calendar::default`] holds the embedded changes.
///
/// ```
/// use heat_core::calendar::Calendar;
/// use heat_core::cohort::Nation;
/// let cal = Calendar::default();
/// assert_eq!(cal.bank_holidays(2023, Nation::England).len(), 9); // incl. the Coronation
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    changes: Vec<Change>,
}

static DEFAULT: Lazy<Calendar> = Lazy::new(|| {
    Calendar::with_changes_csv(CHANGES_CSV.as_bytes()).unwrap_or(Calendar {
        changes: Vec::new(),
    })
});

impl Default for Calendar {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl Calendar {
    /// Rules plus the changes in a CSV with columns `date` (YYYY-MM-DD), `action` (`add` or
    /// `remove`), `nations` (`all`, or any of `england_wales`, `scotland`, `northern_ireland`
    /// joined by `;`); other columns (name, source) are kept for people.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let csv = "date,action,nations,name\n2030-06-07,add,all,Example extra day\n";
    /// let cal = Calendar::with_changes_csv(csv.as_bytes()).unwrap();
    /// assert!(cal.is_bank_holiday("2030-06-07".parse().unwrap(), Nation::Wales));
    /// ```
    pub fn with_changes_csv<R: Read>(reader: R) -> Result<Calendar, CalendarError> {
        let mut rdr = csv::Reader::from_reader(reader);
        let bad = |row: usize, reason: String| CalendarError::BadChangesFile { row, reason };
        let headers = rdr.headers().map_err(|e| bad(0, e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| bad(0, format!("no column {name}")))
        };
        let (c_date, c_action, c_nations) = (col("date")?, col("action")?, col("nations")?);
        let mut changes = Vec::new();
        for (i, record) in rdr.records().enumerate() {
            let row = i + 1;
            let record = record.map_err(|e| bad(row, e.to_string()))?;
            let field = |c: usize| record.get(c).unwrap_or("").trim();
            let date: NaiveDate = field(c_date)
                .parse()
                .map_err(|_| bad(row, "date is not YYYY-MM-DD".into()))?;
            let add = match field(c_action) {
                "add" => true,
                "remove" => false,
                _ => return Err(bad(row, "action must be add or remove".into())),
            };
            let mut nations = NationSet {
                england_wales: false,
                scotland: false,
                northern_ireland: false,
            };
            for n in field(c_nations).split(';').map(str::trim) {
                match n {
                    "all" => {
                        nations = NationSet {
                            england_wales: true,
                            scotland: true,
                            northern_ireland: true,
                        }
                    }
                    "england_wales" => nations.england_wales = true,
                    "scotland" => nations.scotland = true,
                    "northern_ireland" => nations.northern_ireland = true,
                    other => return Err(bad(row, format!("unknown nation {other:?}"))),
                }
            }
            changes.push(Change { date, add, nations });
        }
        Ok(Calendar { changes })
    }

    /// The bank holidays of `year` in `nation`, sorted.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let days: Vec<String> = Calendar::default().bank_holidays(2021, Nation::England)
    ///     .iter().map(|d| d.to_string()).collect();
    /// assert_eq!(days, ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31",
    ///                   "2021-08-30", "2021-12-27", "2021-12-28"]);
    /// ```
    pub fn bank_holidays(&self, year: i32, nation: Nation) -> Vec<NaiveDate> {
        let mut days = regular_holidays(year, nation);
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
        days
    }

    /// Whether `date` is a bank holiday in `nation`.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let cal = Calendar::default();
    /// assert!(cal.is_bank_holiday("2024-12-02".parse().unwrap(), Nation::Scotland));
    /// assert!(!cal.is_bank_holiday("2024-12-02".parse().unwrap(), Nation::England));
    /// ```
    pub fn is_bank_holiday(&self, date: NaiveDate, nation: Nation) -> bool {
        self.bank_holidays(date.year(), nation).contains(&date)
    }

    /// The latest weekday of the month that is not a bank holiday in `nation`.
    ///
    /// ```
    /// use heat_core::calendar::Calendar;
    /// use heat_core::cohort::Nation;
    /// let d = Calendar::default().last_working_day(2020, 11, Nation::Scotland).unwrap();
    /// assert_eq!(d.to_string(), "2020-11-27");
    /// ```
    pub fn last_working_day(&self, year: i32, month: u32, nation: Nation) -> Option<NaiveDate> {
        let holidays = self.bank_holidays(year, nation);
        let mut d = last_weekday_of_month(year, month)?;
        while is_weekend(d) || holidays.contains(&d) {
            d = d.pred_opt()?;
        }
        Some(d)
    }
}

fn last_weekday_of_month(year: i32, month: u32) -> Option<NaiveDate> {
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

/// Fixed-date holidays in order, each moved to the next weekday that is not already taken.
fn place_fixed(fixed: &[Option<NaiveDate>], taken: &mut Vec<NaiveDate>) {
    for day in fixed.iter().flatten() {
        let mut d = *day;
        while is_weekend(d) || taken.contains(&d) {
            match d.checked_add_signed(Duration::days(1)) {
                Some(next) => d = next,
                None => break,
            }
        }
        taken.push(d);
    }
}

/// The holidays every year has by rule, before one-off changes.
fn regular_holidays(year: i32, nation: Nation) -> Vec<NaiveDate> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter_sunday(year);
    let mut days: Vec<NaiveDate> = Vec::with_capacity(12);
    let mut moveable = vec![
        easter.and_then(|e| e.checked_sub_signed(Duration::days(2))),
        first_weekday(year, 5, Weekday::Mon),
        last_weekday(year, 5, Weekday::Mon),
    ];
    match nation {
        Nation::Scotland => moveable.push(first_weekday(year, 8, Weekday::Mon)),
        _ => {
            moveable.push(easter.and_then(|e| e.checked_add_signed(Duration::days(1))));
            moveable.push(last_weekday(year, 8, Weekday::Mon));
        }
    }
    days.extend(moveable.into_iter().flatten());
    let fixed: Vec<Option<NaiveDate>> = match nation {
        Nation::England | Nation::Wales => vec![ymd(1, 1), ymd(12, 25), ymd(12, 26)],
        Nation::Scotland => vec![ymd(1, 1), ymd(1, 2), ymd(11, 30), ymd(12, 25), ymd(12, 26)],
        Nation::NorthernIreland => {
            vec![ymd(1, 1), ymd(3, 17), ymd(7, 12), ymd(12, 25), ymd(12, 26)]
        }
    };
    place_fixed(&fixed, &mut days);
    days.sort();
    days
}

/// Bank holidays of `year` in `nation` with the embedded one-off changes.
///
/// ```
/// use heat_core::calendar::bank_holidays;
/// use heat_core::cohort::Nation;
/// assert_eq!(bank_holidays(2022, Nation::England).len(), 10);
/// ```
pub fn bank_holidays(year: i32, nation: Nation) -> Vec<NaiveDate> {
    DEFAULT.bank_holidays(year, nation)
}

/// The last working day (Monday–Friday, not a bank holiday) of a month in `nation`.
///
/// ```
/// use heat_core::calendar::last_working_day;
/// use heat_core::cohort::Nation;
/// assert_eq!(last_working_day(2025, 12, Nation::England).unwrap().to_string(), "2025-12-31");
/// assert_eq!(last_working_day(2025, 13, Nation::England), None);
/// ```
pub fn last_working_day(year: i32, month: u32, nation: Nation) -> Option<NaiveDate> {
    DEFAULT.last_working_day(year, month, nation)
}

/// Deadlines for 1900–2199, computed once (batch work asks for the same few years repeatedly).
static DEADLINES: Lazy<Vec<Option<NaiveDate>>> = Lazy::new(|| {
    (1900..2200)
        .map(|y| DEFAULT.last_working_day(y, 11, Nation::England))
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
pub fn heat_track_deadline(year: i32) -> Option<NaiveDate> {
    match usize::try_from(year - 1900) {
        Ok(i) if i < DEADLINES.len() => DEADLINES[i],
        _ => DEFAULT.last_working_day(year, 11, Nation::England),
    }
}

/// The next HEAT Track deadline on or after `date`.
///
/// ```
/// use chrono::NaiveDate;
/// use heat_core::calendar::next_heat_track_deadline;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(next_heat_track_deadline(d(2025, 11, 28)), Some(d(2025, 11, 28)));
/// assert_eq!(next_heat_track_deadline(d(2025, 11, 29)), Some(d(2026, 11, 30)));
/// ```
pub fn next_heat_track_deadline(date: NaiveDate) -> Option<NaiveDate> {
    let this_year = heat_track_deadline(date.year())?;
    if date <= this_year {
        Some(this_year)
    } else {
        heat_track_deadline(date.year() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(year: i32, nation: Nation) -> Vec<String> {
        bank_holidays(year, nation)
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
            "bank-holiday changes, row 2: date is not YYYY-MM-DD"
        );
        let err =
            Calendar::with_changes_csv("date,action,nations\n2030-01-01,add,wales\n".as_bytes())
                .unwrap_err();
        assert!(err.to_string().contains("unknown nation"));
    }
}
