//! Postcode throughput: `cargo bench -p heat-core --bench postcode`.
//! Inputs are built from the embedded outcode list (deterministic), as people type them.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use heat_core::postcode::{self, candidates, check, fix, Level, Postcode};
use std::hint::black_box;

const UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A mix: canonical, lower-case compact, padded, and one O/0 I/1 S/5 slip in every tenth row.
fn inputs(n: usize) -> Vec<String> {
    let outcodes = postcode::outcodes();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let r = next();
            let out = outcodes[(r % outcodes.len() as u64) as usize];
            let a = UNIT_LETTERS[(r >> 20) as usize % 20] as char;
            let b = UNIT_LETTERS[(r >> 30) as usize % 20] as char;
            let pc = format!("{out} {}{a}{b}", (r >> 40) % 10);
            match i % 10 {
                0 => pc.replacen('0', "O", 1).replacen('1', "I", 1),
                1..=3 => pc.to_lowercase().replace(' ', ""),
                4 => format!("  {pc} "),
                _ => pc,
            }
        })
        .collect()
}

/// Values one slip away from a valid postcode and not valid themselves: each kind of slip in
/// turn (a look-alike, a digit keyed as a letter under it, a neighbour digit, a swap, a character
/// left out, one doubled), at a position that moves through the value.
fn slipped(n: usize) -> Vec<String> {
    let look_alike = |b: u8| {
        let pairs = b"O0I1S5";
        let i = pairs.iter().position(|&c| c == b)?;
        Some(pairs[i ^ 1])
    };
    // The letter under a digit (0 counted as the tenth key).
    let key_under = |b: u8| {
        b.is_ascii_digit()
            .then(|| b"QWERTYUIOP"[(usize::from(b - b'0') + 9) % 10])
    };
    let digit_beside = |b: u8| {
        b.is_ascii_digit()
            .then(|| if b == b'9' { b'8' } else { b + 1 })
    };
    let mut out = Vec::with_capacity(n);
    for (i, pc) in inputs(4 * n).iter().enumerate() {
        let Ok(p) = Postcode::parse(pc) else { continue };
        let mut v = p.as_str().as_bytes().to_vec();
        let at = (i / 6) % v.len();
        let typed = v[at];
        let replace = |v: &mut Vec<u8>, b: Option<u8>| b.map(|b| v[at] = b).is_some();
        let changed = match i % 6 {
            0 => replace(&mut v, look_alike(typed)),
            1 => replace(&mut v, key_under(typed)),
            2 => replace(&mut v, digit_beside(typed)),
            3 if at + 1 < v.len() => {
                v.swap(at, at + 1);
                true
            }
            3 => false,
            4 => {
                v.remove(at);
                true
            }
            _ => {
                v.insert(at, typed);
                true
            }
        };
        let s = String::from_utf8(v).unwrap();
        if changed && !postcode::is_valid(&s, Level::District) {
            out.push(s);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let data = inputs(100_000);
    let _ = postcode::is_valid("SW1A 1AA", Level::Live); // load reference data outside timing
    let mut g = c.benchmark_group("postcode");
    g.throughput(Throughput::Elements(data.len() as u64));
    g.bench_function("normalise", |b| {
        b.iter(|| {
            data.iter()
                .filter(|s| postcode::normalise(black_box(s)).is_ok())
                .count()
        })
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            data.iter()
                .filter(|s| Postcode::parse(black_box(s)).is_ok())
                .count()
        })
    });
    // The batch case: values side by side in one buffer (as in an Arrow column), no reason wanted.
    let mut buffer = String::new();
    let mut bounds = Vec::with_capacity(data.len());
    for s in &data {
        bounds.push((buffer.len(), buffer.len() + s.len()));
        buffer.push_str(s);
    }
    g.bench_function("try_parse_contiguous", |b| {
        b.iter(|| {
            bounds
                .iter()
                .filter(|(start, end)| {
                    Postcode::try_parse_at(black_box(&buffer[*start..*end]), Level::District)
                        .is_some()
                })
                .count()
        })
    });
    g.bench_function("parse_live", |b| {
        b.iter(|| {
            data.iter()
                .filter(|s| Postcode::parse_at(black_box(s), Level::Live).is_ok())
                .count()
        })
    });
    g.bench_function("fix", |b| {
        b.iter(|| data.iter().filter(|s| fix(black_box(s)).is_ok()).count())
    });
    g.bench_function("check", |b| {
        b.iter(|| {
            data.iter()
                .map(|s| check(black_box(s)).status as u8 as usize)
                .sum::<usize>()
        })
    });
    g.finish();
    let slips = slipped(20_000);
    let mut g = c.benchmark_group("postcode_repair");
    g.throughput(Throughput::Elements(slips.len() as u64));
    g.bench_function("candidates", |b| {
        b.iter(|| {
            slips
                .iter()
                .map(|s| candidates(black_box(s)).map_or(0, |c| c.len()))
                .sum::<usize>()
        })
    });
    g.bench_function("check", |b| {
        b.iter(|| {
            slips
                .iter()
                .map(|s| check(black_box(s)).status as u8 as usize)
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
