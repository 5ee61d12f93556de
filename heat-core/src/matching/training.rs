//! Training a model without labels: `u` from random pairs, `m` and the prior by EM per training
//! rule (bounded memory: histograms of level patterns), and household corrections.

use rayon::prelude::*;

use super::block::{self, AgreeingPairs, BlockKey, BlockingRule, Blocks};
use super::compare::{compare, DobLevel, Field, FirstNameLevel, Levels, FIELD_COUNT};
use super::model::{self, Interaction, Model};
use super::record::{Prepared, PreparedSet, NONE};
use super::settings::{MatchSettings, Stage};

/// Trains a model on the run's own records: `u` from random pairs, `m` and the prior by EM over
/// each training rule's pairs, then the household corrections.
pub(super) fn train(
    s: &MatchSettings,
    set: &PreparedSet,
    split: Option<u32>,
    report: &dyn Fn(Stage, u64),
) -> Model {
    let mut model = Model::untrained();
    report(Stage::EstimatingU, s.u_sample_pairs);
    let counts = random_level_counts(set, split, s.u_sample_pairs, s.seed);
    model.set_u_from_counts(&counts);
    let records = &set.records;
    let mut histograms = Vec::new();
    debug_assert!(!records.is_empty());
    for rule in &s.training_rules {
        // Training samples pairs from each group, so groups are not split (a split by date of
        // birth or initial would bias what EM sees); only truly enormous groups are left out.
        let cap = s.max_block_size.max(TRAINING_GROUP_CAP);
        let mut blocks = Blocks::build(set, std::slice::from_ref(rule), cap, split);
        let pairs = blocks.count_pairs();
        report(Stage::TrainingEm, pairs.min(s.em_max_pairs));
        // A deterministic sample when the rule makes more pairs than EM needs.
        let share = s.em_max_pairs as f64 / pairs.max(1) as f64;
        let histogram = blocks.fold_sample(
            share,
            s.seed,
            PatternCounts::default,
            |acc, a, b| acc.add(compare(set, &records[a as usize], &records[b as usize])),
            PatternCounts::merge,
        );
        histograms.push((rule, histogram.into_patterns(), pairs));
    }
    let presence = field_presence(records, split);
    let n = records.len() as f64;
    let all_pairs = match split {
        None => n * (n - 1.0) / 2.0,
        Some(e) => e as f64 * (n - e as f64),
    };
    // Household pairs are told from duplicates by a first name and a date of birth that both
    // differ (brothers and sisters; one student's records almost never).
    let first = model::field_index(Field::FirstName);
    let dob = model::field_index(Field::Dob);
    let clear = |a: u32, b: u32| {
        let l = compare(set, &records[a as usize], &records[b as usize]);
        (l[first] != 0 && l[dob] != 0).then(|| {
            l[first] == FirstNameLevel::Different as u8 && l[dob] == DobLevel::Different as u8
        })
    };
    let household: Vec<(Vec<Field>, AgreeingPairs)> = if s.household_adjustment {
        household_sets()
            .into_iter()
            .map(|(fields, keys)| {
                let count = block::agreeing_pairs(set, &BlockingRule::on(&keys), split, &clear);
                (fields, count)
            })
            .collect()
    } else {
        Vec::new()
    };
    // EM once without household corrections, then again with corrections estimated from the
    // first pass's m and prior.
    for pass in 0..2 {
        if pass == 1 {
            if household.is_empty() {
                break;
            }
            model.interactions = estimate_interactions(&model, &household, all_pairs);
        }
        let mut fitted: Vec<FittedSession> = Vec::new();
        model.sessions.clear();
        let embedded = Model::default_trained();
        for (rule, patterns, pairs) in &histograms {
            let fixed = rule.fixed_fields();
            let (mut m, mut session) = model.fit_em(
                rule.name(),
                patterns,
                &fixed,
                s.em_max_iterations,
                s.em_tolerance,
                &embedded,
                s.em_prior_strength,
            );
            if let Some(why) = under_identified(&m, &fixed, s.max_different_m) {
                // Keep the embedded model's m for this session's fields; estimate the share only.
                for (k, f) in embedded.fields.iter().enumerate() {
                    if !fixed[k] {
                        m[k] = f.levels.iter().map(|l| l.m).collect();
                    }
                }
                session.match_share =
                    model.fit_share(patterns, &fixed, &m, s.em_max_iterations, s.em_tolerance);
                session.fell_back = Some(why);
            }
            fitted.push((m, fixed, *pairs));
            model.sessions.push(session);
        }
        combine_sessions(&mut model, &fitted, all_pairs, &presence);
    }
    if !household.is_empty() {
        model.interactions = estimate_interactions(&model, &household, all_pairs);
    }
    model.trained_records = effective_records(records.len(), split);
    model
}

/// Groups of training pairs larger than this are left out of EM (samples are drawn within
/// groups, so size costs nothing until a group is a sizeable share of all records).
const TRAINING_GROUP_CAP: usize = 20_000;

/// Why an EM session's `m` cannot describe duplicates, if it cannot: a "match" class in which
/// different first names, last names or dates of birth are common is households or classmates.
fn under_identified(
    m: &[Vec<f64>],
    fixed: &[bool; FIELD_COUNT],
    max_different: f64,
) -> Option<String> {
    [Field::FirstName, Field::LastName, Field::Dob]
        .iter()
        .map(|f| (*f, model::field_index(*f)))
        .filter(|(_, k)| !fixed[*k])
        .find_map(|(f, k)| {
            let different = m[k].last().copied().unwrap_or(0.0);
            (different > max_different).then(|| {
                format!(
                    "{} different in {:.0}% of the pairs EM took for duplicates (households or classmates, not duplicates)",
                    f.name(),
                    different * 100.0
                )
            })
        })
}

/// The file size a model's prior is scaled by: the records of a dedupe, or for a link with `e`
/// existing records the dedupe size with the same pairs per new record (`2e + 1`).
pub(super) fn effective_records(n: usize, split: Option<u32>) -> u64 {
    match split {
        None => n as u64,
        Some(e) => 2 * e as u64 + 1,
    }
}

/// One EM session's fitted `m` (by field and level), the fields its rule fixes, and the rule's
/// pair count.
type FittedSession = (Vec<Vec<f64>>, [bool; FIELD_COUNT], u64);

/// The field sets checked for household correlation, largest first, with their blocking keys.
fn household_sets() -> Vec<(Vec<Field>, Vec<BlockKey>)> {
    use BlockKey as K;
    use Field as F;
    vec![
        (
            vec![F::LastName, F::Postcode, F::School],
            vec![K::LastName, K::Postcode, K::School],
        ),
        (
            vec![F::LastName, F::Postcode],
            vec![K::LastName, K::Postcode],
        ),
        (vec![F::Postcode, F::School], vec![K::Postcode, K::School]),
        (vec![F::LastName, F::School], vec![K::LastName, K::School]),
    ]
}

/// Joint `u` of each field set: the different students among the pairs agreeing on all of it,
/// over all pairs; never below the product of the fields' own `u`. Different students are
/// counted directly (first name and date of birth both different), divided by how often two
/// different students differ on both (`u` of both "different" levels), so the estimate does not
/// lean on `m` or the prior (a small error in either once turned a file's duplicates into
/// "households").
fn estimate_interactions(
    model: &Model,
    sets: &[(Vec<Field>, AgreeingPairs)],
    all_pairs: f64,
) -> Vec<Interaction> {
    let u_different = |f: Field| {
        let levels = &model.fields[model::field_index(f)].levels;
        levels.last().map_or(1.0, |l| l.u)
    };
    let both_differ = (u_different(Field::FirstName) * u_different(Field::Dob)).clamp(0.5, 1.0);
    sets.iter()
        .map(|(fields, count)| {
            let level1 = |f: &Field| &model.fields[model::field_index(*f)].levels[1];
            let u_product: f64 = fields.iter().map(|f| level1(f).u).product();
            let different_share = if count.determinable > 0.0 {
                (count.different / count.determinable / both_differ).min(1.0)
            } else {
                0.0
            };
            let non_matches = count.pairs as f64 * different_share;
            let u = if all_pairs > 0.0 {
                (non_matches / all_pairs).max(u_product)
            } else {
                u_product
            };
            Interaction {
                fields: fields.clone(),
                pairs_agreeing: count.pairs,
                u,
                adjustment: (u_product / u).log2(),
            }
        })
        .collect()
}

/// The share of pairs (across the split, when there is one) with each field given on both
/// records: a blocking rule on a field sees only those pairs, duplicates among them.
fn field_presence(records: &[Prepared], split: Option<u32>) -> [f64; FIELD_COUNT] {
    let given = |r: &Prepared| -> [bool; FIELD_COUNT] {
        [
            r.first != NONE,
            r.last != NONE,
            r.dob.is_some(),
            r.postcode.is_some(),
            r.school != NONE,
            r.gender.is_some(),
        ]
    };
    let share = |part: &[Prepared]| -> [f64; FIELD_COUNT] {
        let mut counts = [0u64; FIELD_COUNT];
        for r in part {
            for (c, g) in counts.iter_mut().zip(given(r)) {
                *c += u64::from(g);
            }
        }
        counts.map(|c| c as f64 / part.len().max(1) as f64)
    };
    let (a, b) = match split {
        Some(e) => {
            let (existing, new) = records.split_at((e as usize).min(records.len()));
            (share(existing), share(new))
        }
        None => {
            let all = share(records);
            (all, all)
        }
    };
    std::array::from_fn(|k| a[k] * b[k])
}

/// Sets each field's m to the mean over the sessions that estimated it, and the prior from each
/// session's matches divided by the share of all matches its rule can see: the product, over
/// the fields it fixes, of m at full agreement and the share of pairs with the field on both
/// records (`presence`; a rule on the date of birth never sees duplicates missing one).
fn combine_sessions(
    model: &mut Model,
    fitted: &[FittedSession],
    all_pairs: f64,
    presence: &[f64; FIELD_COUNT],
) {
    for (k, f) in model.fields.iter_mut().enumerate() {
        let from: Vec<&Vec<Vec<f64>>> = fitted
            .iter()
            .filter(|(_, fixed, _)| !fixed[k])
            .map(|(m, _, _)| m)
            .collect();
        if from.is_empty() {
            continue;
        }
        for (l, lp) in f.levels.iter_mut().enumerate().skip(1) {
            lp.m = from.iter().map(|m| m[k][l]).sum::<f64>() / from.len() as f64;
        }
    }
    let mut log_priors = Vec::new();
    for ((_, fixed, pairs), session) in fitted.iter().zip(&model.sessions) {
        let recall: f64 = (0..FIELD_COUNT)
            .filter(|&k| fixed[k])
            .map(|k| model.fields[k].levels[1].m * presence[k])
            .product();
        let matches = session.match_share * *pairs as f64 / recall.max(1e-6);
        if matches > 0.0 && all_pairs > 0.0 {
            log_priors.push((matches / all_pairs).ln());
        }
    }
    if !log_priors.is_empty() {
        let mean = log_priors.iter().sum::<f64>() / log_priors.len() as f64;
        model.prior = mean.exp().clamp(1e-15, 0.5);
    }
}

fn pair_hash(a: u32, b: u32, seed: u64) -> u64 {
    let mut x = ((a as u64) << 32 | b as u64) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Level counts per field over random pairs (for `u`).
fn random_level_counts(
    set: &PreparedSet,
    split: Option<u32>,
    pairs: u64,
    seed: u64,
) -> Vec<Vec<u64>> {
    let n = set.records.len() as u64;
    let empty = || -> Vec<Vec<u64>> {
        Field::ALL
            .iter()
            .map(|f| vec![0u64; f.levels().len()])
            .collect()
    };
    let (lo_n, hi_n, offset) = match split {
        None => (n, n, 0),
        Some(e) => (e as u64, n - e as u64, e as u64),
    };
    if lo_n == 0 || hi_n == 0 || (split.is_none() && n < 2) {
        return empty();
    }
    let chunks = 64u64;
    let per_chunk = pairs.div_ceil(chunks);
    (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut counts = empty();
            let mut state = seed ^ (c + 1).wrapping_mul(0xA076_1D64_78BD_642F);
            for _ in 0..per_chunk {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let r = pair_hash(state as u32, (state >> 32) as u32, seed);
                let a = (r as u32 as u64 * lo_n) >> 32;
                let mut b = ((r >> 32) * hi_n) >> 32;
                b += offset;
                if a == b {
                    continue;
                }
                let l = compare(set, &set.records[a as usize], &set.records[b as usize]);
                for (k, &lv) in l.iter().enumerate() {
                    counts[k][lv as usize] += 1;
                }
            }
            counts
        })
        .reduce(empty, |mut x, y| {
            for (a, b) in x.iter_mut().zip(y) {
                for (p, q) in a.iter_mut().zip(b) {
                    *p += q;
                }
            }
            x
        })
}

/// A histogram of level patterns (bounded: at most the product of the level counts).
#[derive(Default)]
struct PatternCounts {
    counts: std::collections::HashMap<Levels, u64>,
}

impl PatternCounts {
    fn add(&mut self, l: Levels) {
        *self.counts.entry(l).or_insert(0) += 1;
    }
    fn merge(mut self, other: Self) -> Self {
        for (k, v) in other.counts {
            *self.counts.entry(k).or_insert(0) += v;
        }
        self
    }
    fn into_patterns(self) -> Vec<(Levels, u64)> {
        let mut v: Vec<(Levels, u64)> = self.counts.into_iter().collect();
        v.sort_unstable();
        v
    }
}
