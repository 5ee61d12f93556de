//! Schools by name against the real register (benches/data, OGL): `cargo bench -p heat-core
//! --bench schools`. Each group finds one name per open school, typed one way: as the register
//! spells it, with one typing slip (the spelling step), and as no school is named (the nearest
//! names listed). Inputs are deterministic.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use heat_core::schools::SchoolDirectory;
use std::hint::black_box;
use std::io::Read;

fn register() -> (SchoolDirectory, Vec<String>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../benches/data/gias_openregister_2015.csv.gz"
    );
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let directory = SchoolDirectory::from_gias(&bytes).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let names = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[5] == "Open")
        .map(|r| r[1].to_string())
        .collect();
    (directory, names)
}

/// One slip in the first word of five letters or more: two letters swapped, one dropped or
/// one typed twice, in turn.
fn slipped(name: &str, i: usize) -> String {
    let mut words: Vec<String> = name.split(' ').map(str::to_string).collect();
    if let Some(w) = words
        .iter_mut()
        .find(|w| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        let b = w.as_bytes().to_vec();
        let j = 1 + i % (b.len() - 2);
        let mut out = b[..j].to_vec();
        match i % 3 {
            0 => out.extend([b[j + 1], b[j]].iter().chain(&b[j + 2..])),
            1 => out.extend(&b[j + 1..]),
            _ => out.extend([b[j]].iter().chain(&b[j..])),
        }
        *w = String::from_utf8(out).unwrap();
    }
    words.join(" ")
}

/// The name's words in reverse order: most such names are no school's.
fn unknown(name: &str) -> String {
    name.split(' ').rev().collect::<Vec<_>>().join(" ")
}

fn bench(c: &mut Criterion) {
    let (directory, names) = register();
    // Every 20th open school: about 1,100 names a group.
    let sample: Vec<&String> = names.iter().step_by(20).collect();
    let slips: Vec<String> = sample
        .iter()
        .enumerate()
        .map(|(i, n)| slipped(n, i))
        .collect();
    let unknowns: Vec<String> = sample.iter().map(|n| unknown(n)).collect();
    directory.find("warm the spelling index");
    let mut g = c.benchmark_group("schools_find");
    g.sample_size(10);
    for (label, typed) in [
        (
            "exact",
            sample.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ),
        ("one_slip", slips),
        ("unknown", unknowns),
    ] {
        g.throughput(Throughput::Elements(typed.len() as u64));
        g.bench_function(label, |b| {
            b.iter(|| {
                for t in &typed {
                    black_box(directory.find_near(black_box(t), Some("LS6 2AB")));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
