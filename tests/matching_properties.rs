//! Properties of the matcher on arbitrary input: it never panics, every pair is well formed, and
//! a pair scores the same whichever record comes first.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::NaiveDate;
use heat_core::matching::{MatchSettings, Matcher, StudentRecord};
use heat_core::names::{jaro_winkler, normalise_name};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z' -]{0,12}",
        "\\PC{0,10}",
        Just(String::new()),
        prop::sample::select(vec![
            "Amelia", "Millie", "Smith", "SMYTH", "Zoë", "O'Neil", "李"
        ])
        .prop_map(String::from),
    ]
}

/// Records with distinct ids (a repeated id is refused before matching).
fn records(max: usize) -> impl Strategy<Value = Vec<StudentRecord>> {
    prop::collection::vec(record(), 0..max).prop_map(|mut v| {
        for (i, r) in v.iter_mut().enumerate() {
            r.id = i.to_string();
        }
        v
    })
}

fn record() -> impl Strategy<Value = StudentRecord> {
    (
        text(),
        text(),
        prop::option::of(0i64..6000),
        prop::sample::select(vec!["", "M", "f", "Other", "?"]),
        prop::sample::select(vec!["", "100001", "100002", "10000"]),
        prop::sample::select(vec![
            "", "SW1A 1AA", "sw1a1ab", "SW1A", "XX9 9XX", "£$%", "5W1A 1AA",
        ]),
    )
        .prop_map(|(first, last, dob, gender, school, postcode)| {
            let mut r = StudentRecord::new("x")
                .first_name(&first)
                .last_name(&last)
                .gender(gender)
                .school(school)
                .postcode(postcode);
            r.dob = dob
                .map(|d| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(d));
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pairs_are_well_formed(records in records(30)) {
        let run = Matcher::new(MatchSettings::default()).min_probability(0.0).dedupe(&records).unwrap();
        for p in &run.pairs {
            prop_assert!(p.left < p.right && (p.right as usize) < records.len());
            prop_assert!((0.0..=1.0).contains(&p.probability));
            prop_assert!(p.weight.is_finite());
        }
        let clusters = run.clusters(records.len(), &MatchSettings::default());
        prop_assert_eq!(clusters.labels.len(), records.len());
    }

    #[test]
    fn order_does_not_matter(mut a in record(), mut b in record()) {
        a.id = "a".into();
        b.id = "b".into();
        let one = Matcher::new(MatchSettings::default()).min_probability(0.0).dedupe(&[a.clone(), b.clone()]).unwrap();
        let two = Matcher::new(MatchSettings::default()).min_probability(0.0).dedupe(&[b, a]).unwrap();
        prop_assert_eq!(one.pairs.len(), two.pairs.len());
        if let (Some(x), Some(y)) = (one.pairs.first(), two.pairs.first()) {
            prop_assert_eq!(x.levels, y.levels);
            prop_assert!((x.weight - y.weight).abs() < 1e-9);
        }
    }

    #[test]
    fn names_normalise_idempotently(s in "\\PC{0,16}") {
        let once = normalise_name(&s);
        prop_assert_eq!(normalise_name(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn jaro_winkler_is_symmetric_and_bounded(a in "[a-z]{0,12}", b in "[a-z]{0,12}") {
        let (x, y) = (jaro_winkler(&a, &b), jaro_winkler(&b, &a));
        prop_assert!((x - y).abs() < 1e-12);
        prop_assert!((0.0..=1.0).contains(&x));
    }
}
