//! Duplicate-matching speed in Rust: `cargo bench -p heat-core --bench matching`.
//! The whole run (prepare, block, train, score) on the shared synthetic 10k and 100k student files
//! (`../shared/data/students/`), and the per-pair comparison on the 10k file's candidate pairs.
//! The Python comparison with Splink and recordlinkage is `bash benches/python/run.sh matching`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use heat_core::matching::{MatchSettings, Matcher};
use std::hint::black_box;

#[path = "../tests/common/students.rs"]
mod students;
use students::read_records as read;

fn dedupe(c: &mut Criterion) {
    let mut group = c.benchmark_group("dedupe");
    group.sample_size(10);
    for name in ["students_10k", "students_100k"] {
        let records = read(name);
        group.throughput(Throughput::Elements(records.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let run = Matcher::new(MatchSettings::default())
                    .dedupe(black_box(&records))
                    .unwrap();
                black_box(run.pairs.len())
            })
        });
    }
    // Scoring only, with a trained model (the incremental case).
    let records = read("students_100k");
    let model = Matcher::new(MatchSettings::default())
        .dedupe(&records)
        .unwrap()
        .model;
    group.bench_function("students_100k_pretrained", |b| {
        b.iter(|| {
            let run = Matcher::new(MatchSettings::default())
                .model(model.clone())
                .dedupe(black_box(&records))
                .unwrap();
            black_box(run.pairs.len())
        })
    });
    group.finish();
}

criterion_group!(benches, dedupe);
criterion_main!(benches);
