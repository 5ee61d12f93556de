//! Every field reader takes any text and gives a value, a blank, or a coded error (never a
//! panic), and the same text is read the same way by every path that reads it: bulk import,
//! tracking status, duplicate matching and activity validation.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::NaiveDate;
use heat_core::activity::{validate_activity, ActivityInput, ActivitySettings};
use heat_core::fields::{self, Gender};
use heat_core::import::{validate_table, ImportSettings, Template};
use heat_core::matching::StudentRecord;
use heat_core::nation::Nation;
use heat_core::student::{student_tracking_status, StudentInput, TrackingSettings};
use heat_core::HeatError;
use proptest::prelude::*;

/// Text like what people type into a date, postcode, gender, consent or year-group cell, plus
/// anything at all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,8}",
        "[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}( 00:00(:00)?)?",
        "[0-9]{1,2} (Jan|Feb|Sep|Sept|September|dec) [0-9]{4}",
        "[A-Za-z]{1,2}[0-9O]{1,2}[A-Za-z]? ?[0-9OSI][A-Za-z]{2}",
        "(Y|Yr|Year|P|S|R|Rec)? ?-?[0-9]{1,2}[A-Z]?[0-9]?",
        "(M|F|X|U|male|Female|Non-binary|Prefer not to say|other|boy|2)",
        "(yes|No|Y|n|consented|seen|refused|not seen|maybe|1|0|t|true)",
        "(N/A|none|-|TBC|unknown|#N/A| |)",
        ".{0,12}",
        any::<String>(),
    ]
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).expect("a date")
}

fn import_one(header: &[&str], cells: &[&str]) -> heat_core::import::ImportOutcome {
    let headers: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let record = (2, Ok(cells.iter().map(|c| c.to_string()).collect()));
    let settings = ImportSettings {
        check_duplicates: false,
        ..ImportSettings::on(on())
    };
    validate_table(
        &headers,
        std::iter::once(record),
        Template::Students,
        &settings,
        "table",
    )
    .expect("the header has every required column")
}

/// The import's issue code for `column`, if any.
fn issue<'a>(out: &'a heat_core::import::ImportOutcome, column: &str) -> Option<&'a str> {
    out.issues
        .iter()
        .find(|i| i.column == column)
        .map(|i| i.code)
}

fn student(dob: &str, postcode: &str, gender: &str, consent: &str) -> StudentInput {
    StudentInput {
        id: "1".into(),
        first_name: Some("Ann".into()),
        last_name: Some("Lee".into()),
        dob: Some(dob.into()),
        gender: Some(gender.into()),
        postcode: Some(postcode.into()),
        school: Some("100001".into()),
        consent: Some(consent.into()),
        phase_adjustment: None,
    }
}

fn tracking_problem(s: &StudentInput, field: &str) -> bool {
    student_tracking_status(s, &TrackingSettings::on(on()))
        .problems
        .contains(&field)
}

const HEADER: [&str; 7] = [
    "first_name",
    "last_name",
    "dob",
    "postcode",
    "gender",
    "year_group",
    "consent",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn every_reader_gives_a_value_a_blank_or_a_coded_error(s in cell()) {
        if let Err(e) = fields::date(&s) { prop_assert!(!e.code().is_empty()); }
        if let Err(e) = fields::postcode(&s) { prop_assert!(!e.code().is_empty()); }
        if let Err(e) = fields::gender(&s) { prop_assert_eq!(e.code(), "unknown_gender"); }
        if let Err(e) = fields::yes_no(&s) { prop_assert_eq!(e.code(), "not_yes_no"); }
        for nation in [Nation::England, Nation::Scotland, Nation::NorthernIreland] {
            match fields::year_group(&s, nation) {
                Ok(Some(n)) => prop_assert!((nation.first_year()..=nation.last_year()).contains(&n)),
                Ok(None) => {}
                Err(e) => prop_assert!(!e.code().is_empty()),
            }
        }
        if let Err(e) = fields::whole_number(&s) { prop_assert_eq!(e.code(), "not_a_whole_number"); }
        if let Ok(Some(x)) = fields::number(&s) { prop_assert!(x.is_finite()); }
        let _ = fields::phase_adjustment(&s);
        let _ = fields::list(&s);
    }

    #[test]
    fn a_date_reads_the_same_in_import_tracking_matching_and_activities(s in cell()) {
        let reading = fields::date(&s);
        // Import: the cleaned date, blank (missing: an error, the column is required) or the code.
        let out = import_one(&HEADER, &["Ann", "Lee", &s, "LS1 4AP", "", "", ""]);
        match &reading {
            Ok(Some(d)) => {
                prop_assert_eq!(issue(&out, "date_of_birth"), None);
                prop_assert_eq!(out.rows[0].get("date_of_birth"), d.to_string());
            }
            Ok(None) => prop_assert_eq!(issue(&out, "date_of_birth"), Some("missing")),
            Err(e) => prop_assert_eq!(issue(&out, "date_of_birth"), Some(e.code())),
        }
        // Tracking: a problem exactly when there is no date.
        let unreadable = !matches!(reading, Ok(Some(_)));
        prop_assert_eq!(tracking_problem(&student(&s, "LS1 4AP", "F", "yes"), "dob"), unreadable);
        // Matching: the same date (or missing), or the same error.
        match StudentRecord::new("1").dob_str(&s) {
            Ok(r) => prop_assert_eq!(Ok(r.dob), reading.clone()),
            Err(e) => prop_assert_eq!(Err(e), reading.clone()),
        }
        // Activities: an unreadable start date is rule ACT005.
        let a = ActivityInput {
            title: Some("Talk".into()),
            activity_type: Some("HE talk".into()),
            start_date: Some(s.clone()),
            contact_hours: Some("1".into()),
            unknown_beneficiary_headcount: Some(30),
            ..Default::default()
        };
        let act005 = validate_activity(&a, &ActivitySettings::default())
            .iter()
            .any(|v| v.rule_id == "ACT005");
        prop_assert_eq!(act005, unreadable);
    }

    #[test]
    fn postcode_gender_consent_and_year_group_read_the_same_everywhere(s in cell()) {
        let out = import_one(&HEADER, &["Ann", "Lee", "2010-09-01", &s, &s, &s, &s]);
        // Postcode: import cleans to the reading; tracking has a problem exactly when none.
        match fields::postcode(&s) {
            Ok(Some(p)) => {
                prop_assert_eq!(out.rows[0].get("postcode"), p.postcode.as_str());
                prop_assert!(!tracking_problem(&student("2010-09-01", &s, "F", "yes"), "postcode"));
            }
            Ok(None) => {
                prop_assert_eq!(issue(&out, "postcode"), Some("missing"));
                prop_assert!(tracking_problem(&student("2010-09-01", &s, "F", "yes"), "postcode"));
            }
            Err(e) => {
                prop_assert_eq!(issue(&out, "postcode"), Some(e.code()));
                prop_assert!(tracking_problem(&student("2010-09-01", &s, "F", "yes"), "postcode"));
            }
        }
        // Gender: import writes the code (and a cleaned file reads back the same); tracking needs
        // a known one.
        let row = out.rows.first();
        match fields::gender(&s) {
            Ok(g) => {
                if let Some(r) = row {
                    prop_assert_eq!(r.get("gender"), g.map_or("", |g| g.code()));
                    prop_assert_eq!(fields::gender(r.get("gender")), Ok(g));
                }
                let known = g.and_then(Gender::known).is_some();
                prop_assert_eq!(tracking_problem(&student("2010-09-01", "LS1 4AP", &s, "yes"), "gender"), !known);
            }
            Err(e) => {
                prop_assert_eq!(issue(&out, "gender"), Some(e.code()));
                prop_assert!(tracking_problem(&student("2010-09-01", "LS1 4AP", &s, "yes"), "gender"));
            }
        }
        // Consent: yes, no or blank in import; tracking takes only yes.
        match fields::yes_no(&s) {
            Ok(v) => {
                if let Some(r) = row {
                    let written = match v { Some(true) => "yes", Some(false) => "no", None => "" };
                    prop_assert_eq!(r.get("tracking_consent"), written);
                }
                prop_assert_eq!(tracking_problem(&student("2010-09-01", "LS1 4AP", "F", &s), "consent"), v != Some(true));
            }
            Err(e) => {
                prop_assert_eq!(issue(&out, "tracking_consent"), Some(e.code()));
                prop_assert!(tracking_problem(&student("2010-09-01", "LS1 4AP", "F", &s), "consent"));
            }
        }
        // Year group: import and activity validation agree on what is readable.
        let a = ActivityInput {
            title: Some("Talk".into()),
            activity_type: Some("HE talk".into()),
            start_date: Some("2026-11-02".into()),
            contact_hours: Some("1".into()),
            unknown_beneficiary_headcount: Some(30),
            year_groups: vec![s.clone()],
            ..Default::default()
        };
        let act014: Vec<String> = validate_activity(&a, &ActivitySettings::default())
            .into_iter()
            .filter(|v| v.rule_id == "ACT014")
            .map(|v| v.message)
            .collect();
        match fields::year_group(&s, Nation::England) {
            Ok(reading) => {
                if let (Some(r), Some(n)) = (row, reading) {
                    prop_assert_eq!(r.get("year_group"), Nation::England.label(n));
                }
                prop_assert!(!matches!(issue(&out, "year_group"), Some(c) if c != "year_group_mismatch"));
            }
            Err(e) => prop_assert_eq!(issue(&out, "year_group"), Some(e.code())),
        }
        // An activity's year groups are a list: each item is read by the same reader,
        // and an item is reported unreadable exactly when that reader refuses it.
        for g in fields::list(&s) {
            let unreadable = format!("year group {g:?}: ");
            let reported = act014.iter().any(|m| m.starts_with(&unreadable));
            match fields::year_group(g, Nation::England) {
                Err(e) => {
                    let message = format!("year group {g:?}: {e}");
                    prop_assert!(act014.contains(&message));
                }
                Ok(_) => prop_assert!(!reported),
            }
        }
    }
}

#[test]
fn the_points_the_issue_names() {
    // Excel serials and YYYYMMDD are dates everywhere.
    assert_eq!(
        fields::date("41080").unwrap().unwrap().to_string(),
        "2012-06-20"
    );
    assert_eq!(
        fields::date("20100901").unwrap().unwrap().to_string(),
        "2010-09-01"
    );
    // Form classes are year groups; minus signs are never dropped.
    for (s, n) in [("7B", 7), ("11A", 11), ("10X2", 10)] {
        assert_eq!(fields::year_group(s, Nation::England), Ok(Some(n)), "{s}");
    }
    for s in ["-1", "Year -1", "Y-1"] {
        assert!(fields::year_group(s, Nation::England).is_err(), "{s}");
    }
    // Junk placeholders are missing everywhere, so two of them never compare as one address.
    for s in ["N/A", "none", "-", "TBC"] {
        assert_eq!(fields::postcode(s), Ok(None), "{s}");
    }
    assert_eq!(
        fields::gender("Prefer not to say"),
        Ok(Some(Gender::NotKnown))
    );
}
