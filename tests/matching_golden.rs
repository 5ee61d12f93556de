//! Hand-made duplicate and non-duplicate pairs (tests/cases/matching/pairs.csv): each pair is
//! matched on its own (so the embedded default model scores it) and must reach the expected
//! levels and verdict: nicknames, swapped names and dates, typos and moves match; twins,
//! siblings and namesakes do not.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use heat_core::matching::{Field, MatchSettings, Matcher, StudentRecord};

fn record(id: &str, row: &csv::StringRecord, offset: usize) -> StudentRecord {
    StudentRecord::new(id)
        .first_name(&row[offset])
        .last_name(&row[offset + 1])
        .dob_str(&row[offset + 2])
        .unwrap()
        .gender(&row[offset + 3])
        .school(&row[offset + 4])
        .postcode(&row[offset + 5])
}

#[test]
fn golden_pairs() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/cases/matching/pairs.csv"
    );
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut checked = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let case = &row[0];
        let records = [record("l", &row, 1), record("r", &row, 7)];
        let settings = MatchSettings::default();
        let run = Matcher::new(settings.clone())
            .min_probability(0.0)
            .dedupe(&records)
            .unwrap();
        let expect_match = &row[13] == "match";
        let pair = run.pairs.first();
        let levels: Vec<&str> = match pair {
            Some(p) => run
                .explain(p)
                .iter()
                .skip(1)
                .take(6)
                .map(|e| e.level)
                .collect(),
            // No blocking rule made them a candidate pair.
            None => vec!["not_compared"; 6],
        };
        let expected: Vec<&str> = (14..20).map(|i| &row[i]).collect();
        assert_eq!(levels, expected, "{case}: levels");
        let matched = pair.is_some_and(|p| p.probability >= settings.threshold);
        assert_eq!(
            matched,
            expect_match,
            "{case}: probability {:?}",
            pair.map(|p| p.probability)
        );
        checked += 1;
    }
    assert_eq!(checked, 14);
}

#[test]
fn explanation_weights_add_up_to_the_match_weight() {
    let r = |id: &str, first: &str| {
        StudentRecord::new(id)
            .first_name(first)
            .last_name("Nowak")
            .dob_str("2010-01-02")
            .unwrap()
            .postcode("PL4 8AA")
            .school("100100")
    };
    let run = Matcher::new(MatchSettings::default())
        .min_probability(0.0)
        .dedupe(&[r("1", "Kasia"), r("2", "Katarzyna"), r("3", "Kasia")])
        .unwrap();
    for p in &run.pairs {
        let fields: f64 = p.field_weights.iter().map(|w| *w as f64).sum();
        let interaction = run.model.interaction_adjustment(&p.levels, &[false; 6]);
        assert!((interaction - p.household_weight as f64).abs() < 1e-3);
        let total = run.prior_weight + fields + interaction + p.guard_weight as f64;
        assert!((total - p.weight).abs() < 1e-3, "{total} vs {}", p.weight);
        assert_eq!(Field::ALL.len(), p.levels.len());
    }
    // Exact duplicates come first, strongest first.
    assert_eq!((run.pairs[0].left, run.pairs[0].right), (0, 2));
}
