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

/// The candidate pairs [`TextKeys`] describe, made as a Spark job makes them: per rule, split
/// oversized groups on the refinement values in turn, then pair records in groups within the
/// cap that share no key under an earlier rule.
fn pairs_from_text_keys(keys: &heat_core::matching::TextKeys) -> Vec<(u32, u32)> {
    let mut finals: Vec<Vec<Option<String>>> = Vec::new();
    let mut pairs = Vec::new();
    for (rule, plan) in keys.rules.iter().enumerate() {
        let mut k = keys.keys[rule].clone();
        let mut depth = 0;
        let groups = loop {
            let mut groups: HashMap<&str, Vec<u32>> = HashMap::new();
            for (i, key) in k.iter().enumerate() {
                if let Some(key) = key {
                    groups.entry(key.as_str()).or_default().push(i as u32);
                }
            }
            let over: Vec<Vec<u32>> = groups
                .values()
                .filter(|g| g.len() > plan.cap)
                .cloned()
                .collect();
            if over.is_empty() || !plan.split || depth == plan.refinements.len() {
                break groups
                    .into_values()
                    .filter(|g| g.len() > 1 && g.len() <= plan.cap)
                    .collect::<Vec<_>>();
            }
            let values = &keys.refinements[plan.refinements[depth]].1;
            for g in over {
                for i in g {
                    let key = k[i as usize].take().unwrap_or_default();
                    k[i as usize] = Some(format!("{key}\u{1d}{depth}:{}", values[i as usize]));
                }
            }
            depth += 1;
        };
        for g in groups {
            for (x, &a) in g.iter().enumerate() {
                for &b in &g[x + 1..] {
                    let seen = finals
                        .iter()
                        .any(|f| f[a as usize].is_some() && f[a as usize] == f[b as usize]);
                    if !seen {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            }
        }
        finals.push(k);
    }
    pairs.sort_unstable();
    pairs
}

#[test]
fn text_keys_make_the_runs_candidate_pairs_on_the_shared_10k_file() {
    let records = read_records("students_10k");
    // A small cap, so that groups are split and skipped as at national scale.
    let settings = MatchSettings {
        max_block_size: 12,
        ..MatchSettings::default()
    };
    let every = Matcher::new(settings.clone())
        .min_probability(0.0)
        .dedupe(&records)
        .unwrap();
    let mut expected: Vec<(u32, u32)> = every.pairs.iter().map(|p| (p.left, p.right)).collect();
    expected.sort_unstable();
    let keys = Matcher::new(settings).text_keys(&records);
    assert!(every.blocking.iter().any(|r| r.split_groups > 0));
    assert!(every.blocking.iter().any(|r| r.skipped_groups > 0));
    assert_eq!(pairs_from_text_keys(&keys), expected);
}

#[test]
fn the_pairs_are_the_same_on_one_thread_and_on_two() {
    let records = read_records("students_10k");
    let on = |workers| {
        let settings = MatchSettings {
            workers: Some(workers),
            ..MatchSettings::default()
        };
        let run = Matcher::new(settings).dedupe(&records).unwrap();
        run.pairs
            .iter()
            .map(|p| (p.left, p.right, p.weight.to_bits()))
            .collect::<Vec<_>>()
    };
    let one = on(1);
    assert!(one.len() > 100);
    assert_eq!(one, on(2));
}
