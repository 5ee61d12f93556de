//! Accuracy on the shared synthetic 10k student file (`../shared/data/students/`, beside the repo
//! in CI): pair F1 at the default threshold, blocking recall, linking duplicates back to their
//! originals, model save/reload, and cluster quality. Speed is measured in benches, not here.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::{HashMap, HashSet};

use heat_core::matching::{
    assign_to_clusters, blocking_recall, BlockingRule, Guard, MatchSettings, Matcher, Model,
};

#[path = "common/students.rs"]
mod students;
use students::{read_records, DIR};

fn truth_pairs(name: &str) -> Vec<(usize, usize)> {
    let mut reader = csv::Reader::from_path(format!("{DIR}{name}_truth_pairs.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[1].parse().unwrap())
        })
        .collect()
}

fn entities(name: &str) -> Vec<(u64, bool)> {
    let mut reader = csv::Reader::from_path(format!("{DIR}{name}_truth.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].parse().unwrap(), &r[3] == "1")
        })
        .collect()
}

fn f1(predicted: &HashSet<(usize, usize)>, truth: &HashSet<(usize, usize)>) -> (f64, f64, f64) {
    let tp = predicted.intersection(truth).count() as f64;
    let p = tp / predicted.len().max(1) as f64;
    let r = tp / truth.len().max(1) as f64;
    (p, r, 2.0 * p * r / (p + r))
}

#[test]
fn students_10k_pair_f1_at_the_default_threshold() {
    let records = read_records("students_10k");
    // Record ids are row numbers in this file.
    assert!(records
        .iter()
        .enumerate()
        .all(|(i, r)| r.id == i.to_string()));
    let truth: HashSet<(usize, usize)> = truth_pairs("students_10k")
        .into_iter()
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let run = Matcher::new(MatchSettings::default())
        .dedupe(&records)
        .unwrap();
    let predicted: HashSet<(usize, usize)> = run
        .matches()
        .map(|p| (p.left as usize, p.right as usize))
        .collect();
    let (p, r, f) = f1(&predicted, &truth);
    assert!(f >= 0.96, "precision {p:.4} recall {r:.4} F1 {f:.4}");
    assert!(p >= 0.97 && r >= 0.96, "precision {p:.4} recall {r:.4}");

    // Save and reload the model: the same pairs without training.
    let reloaded = Model::from_json(&run.model.to_json()).unwrap();
    assert_eq!(reloaded, run.model);
    let again = Matcher::new(MatchSettings::default())
        .model(reloaded)
        .dedupe(&records)
        .unwrap();
    assert_eq!(again.pairs.len(), run.pairs.len());
    for (a, b) in again.pairs.iter().zip(&run.pairs) {
        assert_eq!((a.left, a.right), (b.left, b.right));
        assert!((a.weight - b.weight).abs() < 1e-9, "{a:?} vs {b:?}");
    }

    // The twin guard vetoes different children (checked against the truth); the possible-twin
    // guard (two real names spelt alike) costs a handful of true duplicates in a file where a
    // spelling variant was the duplicate's only change.
    let ents = entities("students_10k");
    let all = Matcher::new(MatchSettings::default())
        .min_probability(0.0)
        .dedupe(&records)
        .unwrap();
    let count = |g: Guard| {
        let guarded: Vec<_> = all.pairs.iter().filter(|p| p.guard == Some(g)).collect();
        let one_child = guarded
            .iter()
            .filter(|p| ents[p.left as usize].0 == ents[p.right as usize].0)
            .count();
        (guarded.len(), one_child)
    };
    let (twins, wrong) = count(Guard::Twin);
    assert!(twins >= 100, "{twins} twin-guarded pairs");
    assert!(
        wrong * 20 <= twins,
        "{wrong} of {twins} twin-guarded pairs were one child"
    );
    assert!(all.twins.held && all.possible_twins.held);
    let (possible, _) = count(Guard::PossibleTwin);
    assert!(possible <= 10, "{possible} possible twins");
}

#[test]
fn students_10k_blocking_recall() {
    let records = read_records("students_10k");
    let truth = truth_pairs("students_10k");
    let r = blocking_recall(&records, &BlockingRule::defaults(), &truth, 5_000);
    assert_eq!(r.known, 2_928);
    assert!(r.recall() >= 0.98, "blocking recall {:.4}", r.recall());
    assert_eq!(r.by_rule.iter().sum::<u64>(), r.found);
    // The first rule (same first and last name) finds the most.
    assert_eq!(r.by_rule.iter().max(), r.by_rule.first());
}

#[test]
fn students_10k_duplicates_link_back_and_cluster() {
    let records = read_records("students_10k");
    let ents = entities("students_10k");
    let (mut existing, mut new) = (Vec::new(), Vec::new());
    let (mut existing_entity, mut new_entity) = (Vec::new(), Vec::new());
    for (r, (e, original)) in records.iter().zip(&ents) {
        if *original {
            existing.push(r.clone());
            existing_entity.push(*e);
        } else {
            new.push(r.clone());
            new_entity.push(*e);
        }
    }
    let run = Matcher::new(MatchSettings::default())
        .link(&new, &existing)
        .unwrap();
    // Best match per new record.
    let mut best: HashMap<u32, u32> = HashMap::new();
    for p in run.matches() {
        best.entry(p.left).or_insert(p.right);
    }
    let right = best
        .iter()
        .filter(|(n, e)| new_entity[**n as usize] == existing_entity[**e as usize])
        .count();
    let precision = right as f64 / best.len() as f64;
    let recall = right as f64 / new.len() as f64;
    assert!(
        precision >= 0.98 && recall >= 0.93,
        "precision {precision:.4} recall {recall:.4}"
    );

    // Incremental: cluster the originals (one student each), then place the duplicates into
    // those clusters with the trained model and no retraining.
    let labels: Vec<u64> = (0..existing.len() as u64).collect();
    let placed = assign_to_clusters(
        &run.model,
        &MatchSettings::default(),
        &new,
        &existing,
        &labels,
    )
    .unwrap();
    let placed_right = placed
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            a.cluster
                .is_some_and(|c| existing_entity[c as usize] == new_entity[*i])
        })
        .count();
    assert!(
        placed_right as f64 >= 0.93 * new.len() as f64,
        "{placed_right} of {}",
        new.len()
    );

    // Clusters of the whole file: pairwise F1 of the clusters against the entities.
    let dedupe = Matcher::new(MatchSettings::default())
        .dedupe(&records)
        .unwrap();
    let clusters = dedupe.clusters(records.len(), &MatchSettings::default());
    let mut same_cluster = 0u64;
    let mut same_entity = 0u64;
    let mut both = 0u64;
    let mut by_cluster: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, c) in clusters.labels.iter().enumerate() {
        by_cluster.entry(*c).or_default().push(i);
    }
    for members in by_cluster.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                same_cluster += 1;
                both += u64::from(ents[a].0 == ents[b].0);
            }
        }
    }
    let mut by_entity: HashMap<u64, u64> = HashMap::new();
    for (e, _) in &ents {
        *by_entity.entry(*e).or_default() += 1;
    }
    for k in by_entity.values() {
        same_entity += k * (k - 1) / 2;
    }
    let (p, r) = (
        both as f64 / same_cluster as f64,
        both as f64 / same_entity as f64,
    );
    let f = 2.0 * p * r / (p + r);
    assert!(
        f >= 0.95,
        "cluster precision {p:.4} recall {r:.4} F1 {f:.4}"
    );
    assert!(clusters.largest <= 50);
}
