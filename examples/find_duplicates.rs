//! Finds likely duplicate students in a CSV file and writes the scored pairs.
//!
//! ```text
//! cargo run --release --example find_duplicates -- [students.csv] [pairs.csv] [--all] [--truth truth_pairs.csv]
//! ```
//!
//! Input columns: `record_id, first_name, last_name, dob, gender, school_id, postcode` (dob as
//! `YYYY-MM-DD` or `DD/MM/YYYY`). Output: `id_l, id_r, match_probability, match_weight` and one
//! explanation column per field, for pairs at or above the default threshold (`--all`: every
//! candidate pair). With `--truth` (columns `record_id_l, record_id_r`) it prints precision,
//! recall and F1 at the default threshold.

#[path = "common/sheet.rs"]
mod sheet;
#[path = "common/console.rs"]
#[macro_use]
mod console;

use std::collections::HashSet;
use std::error::Error;
use std::time::Instant;

use heat_core::matching::{Field, MatchSettings, Matcher, StudentRecord};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let truth_path = args
        .iter()
        .position(|a| a == "--truth")
        .and_then(|i| args.get(i + 1));
    let positional: Vec<&String> = positional
        .into_iter()
        .filter(|p| Some(*p) != truth_path)
        .collect();
    let input = positional
        .first()
        .map(|s| s.as_str())
        .unwrap_or("examples/data/students.csv");
    let output = positional
        .get(1)
        .map(|s| s.as_str())
        .unwrap_or("target/duplicate_pairs.csv");
    let all = args.iter().any(|a| a == "--all");

    let started = Instant::now();
    let mut reader = csv::Reader::from_path(input)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (id, first, last, dob, gender, school, postcode) = (
        col("record_id").ok_or("no record_id column")?,
        col("first_name"),
        col("last_name"),
        col("dob"),
        col("gender"),
        col("school_id"),
        col("postcode"),
    );
    let mut records = Vec::new();
    let mut bad_dates = 0usize;
    for (row, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", row + 1))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        let base = StudentRecord::new(get(Some(id)))
            .first_name(get(first))
            .last_name(get(last))
            .gender(get(gender))
            .school(get(school))
            .postcode(get(postcode));
        let record = match base.clone().dob_str(get(dob)) {
            Ok(r) => r,
            Err(e) => {
                bad_dates += 1;
                eprintln!(
                    "row {}: dob: {e}; compared without a date of birth",
                    row + 1
                );
                base
            }
        };
        records.push(record);
    }
    let read = started.elapsed();
    let settings = MatchSettings::default();
    let mut matcher = Matcher::new(settings.clone());
    if all {
        matcher = matcher.min_probability(0.0);
    }
    let run = matcher.dedupe(&records)?;
    let matched = started.elapsed();

    let mut out = csv::Writer::from_path(output)?;
    let mut header = vec!["id_l", "id_r", "match_probability", "match_weight"];
    header.extend(Field::ALL.iter().map(|f| f.name()));
    sheet::write(&mut out, header.iter().map(|c| c.as_ref()))?;
    for p in &run.pairs {
        let mut row = vec![
            records[p.left as usize].id.clone(),
            records[p.right as usize].id.clone(),
            format!("{:.6}", p.probability),
            format!("{:.4}", p.weight),
        ];
        row.extend(run.explain(p).iter().take(6).map(|e| e.to_string()));
        sheet::write(&mut out, row.iter().map(|c| c.as_ref()))?;
    }
    out.flush()?;
    std::fs::write("target/duplicate_model.json", run.model.to_json())?;
    let clusters = run.clusters(records.len(), &settings);
    let mut out = csv::Writer::from_path("target/duplicate_clusters.csv")?;
    sheet::write(&mut out, ["record_id", "cluster_id"])?;
    for (r, c) in records.iter().zip(&clusters.labels) {
        sheet::write(&mut out, [r.id.as_str(), c.to_string().as_str()])?;
    }
    out.flush()?;

    say!(
        "{} records ({} dates of birth unreadable), {} candidate pairs, {} likely duplicates at p >= {}",
        records.len(),
        bad_dates,
        run.candidate_pairs,
        run.matches().count(),
        settings.threshold
    );
    say!(
        "read {:.2} s, matched {:.2} s; pairs written to {output}",
        read.as_secs_f64(),
        (matched - read).as_secs_f64(),
    );
    for r in &run.blocking {
        say!(
            "  rule {:<28} {:>10} new pairs  {:>4} groups split  {:>4} skipped ({} pairs)",
            r.rule,
            r.new_pairs,
            r.split_groups,
            r.skipped_groups,
            r.skipped_pairs
        );
    }
    say!(
        "formula-like cells written as text (a leading '): {}",
        sheet::neutralised()
    );
    let summary = run.summary();
    say!(
        "skipped pairs: {} (records in skipped groups: {}); twins held: {}, possible twins held: {}",
        summary.skipped_pairs,
        summary.skipped_records,
        summary.twins.held,
        summary.possible_twins.held
    );
    if let Some(path) = truth_path {
        let mut truth = HashSet::new();
        for rec in csv::Reader::from_path(path)?.records() {
            let rec = rec?;
            let (a, b) = (rec.get(0).unwrap_or(""), rec.get(1).unwrap_or(""));
            truth.insert(if a < b {
                (a.to_string(), b.to_string())
            } else {
                (b.to_string(), a.to_string())
            });
        }
        let predicted: HashSet<(String, String)> = run
            .matches()
            .map(|p| {
                let (a, b) = (&records[p.left as usize].id, &records[p.right as usize].id);
                if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                }
            })
            .collect();
        let tp = predicted.intersection(&truth).count() as f64;
        let (p, r) = (
            tp / predicted.len().max(1) as f64,
            tp / truth.len().max(1) as f64,
        );
        say!(
            "at the default threshold: precision {p:.4} recall {r:.4} F1 {:.4}",
            2.0 * p * r / (p + r).max(1e-12)
        );
    }
    Ok(())
}
