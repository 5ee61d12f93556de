//! Property tests for cohorts: year group is monotone in date of birth, and `dob_range` and
//! `year_group_number` are inverse, in every nation; exact edges are in the unit tests.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::{Duration, NaiveDate};
use heat_core::cohort::{dob_range, parse_date, year_group_number, AcademicYear, Nation};
use proptest::prelude::*;

fn nation() -> impl Strategy<Value = Nation> {
    prop::sample::select(vec![
        Nation::England,
        Nation::Wales,
        Nation::Scotland,
        Nation::NorthernIreland,
    ])
}

fn date() -> impl Strategy<Value = NaiveDate> {
    // 1950-01-01 .. 2049-12-31
    (0i64..36524).prop_map(|d| NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Duration::days(d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn year_group_is_monotone_in_dob(a in date(), b in date(), start in 1990i32..2040, n in nation()) {
        let y = AcademicYear::new(start);
        let (older, younger) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(year_group_number(older, y, n) >= year_group_number(younger, y, n));
    }

    #[test]
    fn dob_range_inverts_year_group(dob in date(), start in 1990i32..2040, n in nation()) {
        let y = AcademicYear::new(start);
        let g = year_group_number(dob, y, n);
        let (first, last) = dob_range(g, y, n).unwrap();
        prop_assert!(first <= dob && dob <= last);
        prop_assert_eq!(year_group_number(first, y, n), g);
        prop_assert_eq!(year_group_number(last, y, n), g);
        prop_assert_eq!(year_group_number(first.pred_opt().unwrap(), y, n), g + 1);
        prop_assert_eq!(year_group_number(last.succ_opt().unwrap(), y, n), g - 1);
    }

    #[test]
    fn academic_year_roundtrips_through_text(start in 1000i32..9998) {
        let y = AcademicYear::new(start);
        prop_assert_eq!(y.to_string().parse::<AcademicYear>(), Ok(y));
    }

    #[test]
    fn iso_and_uk_dates_agree(d in date()) {
        prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%d/%m/%Y").to_string()), Ok(d));
    }

    #[test]
    fn parse_date_never_panics(s in "\\PC{0,20}") {
        let _ = parse_date(&s);
    }
}
