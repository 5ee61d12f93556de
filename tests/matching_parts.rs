//! Pairs scored apart and finished together equal one run over the file: each chunk of pairs is
//! scored with only its own records and the file's `MatchContext` (as a Spark executor would),
//! then `Matcher::finish` settles the twin guards over all of them.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/students.rs"]
mod students;

use std::collections::HashMap;

use heat_core::matching::{MatchContext, MatchSettings, Matcher, StudentRecord};
use students::read_records;

/// Scores `pairs` of `records` in chunks of `size` pairs, each chunk given only its own records
/// (in the order it first names them), and finishes them together.
fn in_parts(
    m: &Matcher,
    context: &MatchContext,
    records: &[StudentRecord],
    pairs: &[(u32, u32)],
    size: usize,
) -> heat_core::matching::MatchRun {
    let mut scored = Vec::new();
    for chunk in pairs.chunks(size) {
        let mut local: Vec<StudentRecord> = Vec::new();
        let mut global: Vec<u32> = Vec::new();
        let mut at: HashMap<u32, u32> = HashMap::new();
        let mut place = |g: u32| -> u32 {
            *at.entry(g).or_insert_with(|| {
                local.push(records[g as usize].clone());
                global.push(g);
                global.len() as u32 - 1
            })
        };
        let local_pairs: Vec<(u32, u32)> =
            chunk.iter().map(|&(a, b)| (place(a), place(b))).collect();
        for mut p in m.score_pairs(context, &local, &local_pairs).unwrap() {
            p.left = global[p.left as usize];
            p.right = global[p.right as usize];
            scored.push(p);
        }
    }
    m.finish(context, scored)
}

#[test]
fn pairs_scored_in_parts_equal_one_run_on_the_shared_10k_file() {
    let records = read_records("students_10k");
    let m = Matcher::new(MatchSettings::default());
    let one = m.dedupe(&records).unwrap();
    let context = m.context(&records).unwrap();
    assert_eq!(context.records, 10_000);
    // Every candidate pair, in an order unlike the run's (the run's order must not matter).
    let every = Matcher::new(MatchSettings::default())
        .min_probability(0.0)
        .dedupe(&records)
        .unwrap();
    assert_eq!(every.pairs.len() as u64, context.candidate_pairs);
    let mut pairs: Vec<(u32, u32)> = every.pairs.iter().map(|p| (p.left, p.right)).collect();
    pairs.sort_by_key(|&(a, b)| (u64::from(a) * 2_654_435_761 + u64::from(b)) % 1_000_003);
    // The context survives JSON (a broadcast) unchanged.
    let context = MatchContext::from_json(&context.to_json()).unwrap();
    let parts = in_parts(&m, &context, &records, &pairs, 997);
    assert!(one.pairs.len() > 100, "{}", one.pairs.len());
    assert_eq!(parts.pairs, one.pairs, "pairs and weights, bit for bit");
    assert_eq!(parts.summary(), one.summary());
    assert_eq!(parts.twins, one.twins);
}

#[test]
fn a_pair_outside_the_records_is_refused_with_its_position() {
    let records = read_records("students_10k");
    let few = &records[..3];
    let m = Matcher::new(MatchSettings::default());
    let context = m.context(few).unwrap();
    let e = m.score_pairs(&context, few, &[(0, 1), (2, 3)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "pair 1 (2, 3): each side must be a different record of the 3 given (positions from 0)"
    );
    assert!(m.score_pairs(&context, few, &[(1, 1)]).is_err());
    assert!(m.score_pairs(&context, few, &[]).unwrap().is_empty());
}
