//! Blocking: which pairs of records are compared at all.
//!
//! Each rule groups records that agree exactly on its keys; pairs inside a group are candidates.
//! A pair found by an earlier rule is not produced again by a later one, so every candidate pair is
//! compared once.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::compare::{Field, FIELD_COUNT};
use super::record::{Prepared, PreparedSet, NONE};

/// A value records can be grouped on.
///
/// ```
/// use heat_core::matching::BlockKey;
/// assert_eq!(BlockKey::PostcodeDistrict.name(), "postcode_district");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKey {
    /// Normalised first name.
    FirstName,
    /// Normalised last name.
    LastName,
    /// First letter of the normalised first name.
    FirstInitial,
    /// First and last name in either order (catches names entered in the wrong columns).
    NamesEitherOrder,
    /// Date of birth.
    Dob,
    /// School id.
    School,
    /// Whole postcode.
    Postcode,
    /// Outward code (postcode district).
    PostcodeDistrict,
}

impl BlockKey {
    /// The key's snake_case name.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::BlockKey::Dob.name(), "dob");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            BlockKey::FirstName => "first_name",
            BlockKey::LastName => "last_name",
            BlockKey::FirstInitial => "first_initial",
            BlockKey::NamesEitherOrder => "names_either_order",
            BlockKey::Dob => "dob",
            BlockKey::School => "school",
            BlockKey::Postcode => "postcode",
            BlockKey::PostcodeDistrict => "postcode_district",
        }
    }

    fn value(self, set: &PreparedSet, r: &Prepared) -> Option<u64> {
        let id = |x: u32| (x != NONE).then_some(x as u64);
        match self {
            BlockKey::FirstName => id(r.first),
            BlockKey::LastName => id(r.last),
            BlockKey::FirstInitial => set.name(r.first).chars().next().map(u64::from),
            BlockKey::NamesEitherOrder => {
                let (a, b) = (id(r.first)?, id(r.last)?);
                Some(a.min(b) << 32 | a.max(b))
            }
            BlockKey::Dob => r.dob.map(|d| d.days as u64),
            BlockKey::School => id(r.school),
            BlockKey::Postcode => r.postcode.filter(|p| p.full()).map(|p| p.hash()),
            BlockKey::PostcodeDistrict => r.postcode.map(|p| p.outward_hash()),
        }
    }
}

/// Records are candidates under a rule when they agree on all its keys (and none is missing).
///
/// ```
/// use heat_core::matching::{BlockingRule, BlockKey};
/// let rule = BlockingRule::on(&[BlockKey::Dob, BlockKey::School]);
/// assert_eq!(rule.name(), "dob+school");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingRule {
    /// The keys that must all agree.
    pub keys: Vec<BlockKey>,
}

impl BlockingRule {
    /// A rule on these keys.
    ///
    /// ```
    /// use heat_core::matching::{BlockingRule, BlockKey};
    /// assert_eq!(BlockingRule::on(&[BlockKey::Postcode]).keys, vec![BlockKey::Postcode]);
    /// ```
    pub fn on(keys: &[BlockKey]) -> Self {
        BlockingRule {
            keys: keys.to_vec(),
        }
    }

    /// The rule's name: its keys joined by `+`.
    ///
    /// ```
    /// use heat_core::matching::{BlockingRule, BlockKey};
    /// assert_eq!(BlockingRule::on(&[BlockKey::FirstName, BlockKey::Dob]).name(), "first_name+dob");
    /// ```
    pub fn name(&self) -> String {
        let names: Vec<&str> = self.keys.iter().map(|k| k.name()).collect();
        names.join("+")
    }

    /// The default rules: names, date of birth, school and postcode in pairs, chosen so that a
    /// duplicate with any two fields wrong is still usually found.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::BlockingRule::defaults().len(), 10);
    /// ```
    pub fn defaults() -> Vec<BlockingRule> {
        use BlockKey::*;
        [
            &[FirstName, LastName][..],
            &[Dob, School],
            &[Dob, PostcodeDistrict],
            &[LastName, School],
            &[FirstName, Dob],
            &[LastName, Dob],
            &[FirstName, Postcode],
            &[FirstName, School],
            &[Postcode],
            &[NamesEitherOrder],
        ]
        .iter()
        .map(|k| BlockingRule::on(k))
        .collect()
    }

    /// The compared fields this rule holds equal (so EM over its pairs cannot learn them).
    ///
    /// ```
    /// use heat_core::matching::{BlockingRule, BlockKey};
    /// let f = BlockingRule::on(&[BlockKey::Dob]).fixed_fields();
    /// assert_eq!(f, [false, false, true, false, false, false]);
    /// ```
    pub fn fixed_fields(&self) -> [bool; FIELD_COUNT] {
        let mut fixed = [false; FIELD_COUNT];
        for k in &self.keys {
            let fields: &[Field] = match k {
                BlockKey::FirstName | BlockKey::FirstInitial => &[Field::FirstName],
                BlockKey::LastName => &[Field::LastName],
                BlockKey::NamesEitherOrder => &[Field::FirstName, Field::LastName],
                BlockKey::Dob => &[Field::Dob],
                BlockKey::School => &[Field::School],
                BlockKey::Postcode | BlockKey::PostcodeDistrict => &[Field::Postcode],
            };
            for f in fields {
                if let Some(i) = Field::ALL.iter().position(|x| x == f) {
                    fixed[i] = true;
                }
            }
        }
        fixed
    }

    fn key(&self, set: &PreparedSet, r: &Prepared) -> u64 {
        let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
        for k in &self.keys {
            let Some(v) = k.value(set, r) else {
                return 0;
            };
            h = mix(h ^ v ^ ((*k as u64) << 56));
        }
        h | 1
    }
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// Pairs of records (across the split, when there is one) that agree on all of `rule`'s keys,
/// ignoring the group-size cap.
pub(crate) fn count_agreeing_pairs(
    set: &PreparedSet,
    rule: &BlockingRule,
    split: Option<u32>,
) -> u64 {
    let mut keyed: Vec<(u64, bool)> = set
        .records
        .par_iter()
        .enumerate()
        .with_min_len(4096)
        .map(|(i, r)| (rule.key(set, r), split.is_some_and(|s| i as u32 >= s)))
        .filter(|(k, _)| *k != 0)
        .collect();
    keyed.par_sort_unstable();
    let mut total = 0u64;
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start;
        let mut new = 0u64;
        while end < keyed.len() && keyed[end].0 == keyed[start].0 {
            new += u64::from(keyed[end].1);
            end += 1;
        }
        let k = (end - start) as u64;
        total += match split {
            None => k * (k - 1) / 2,
            Some(_) => new * (k - new),
        };
        start = end;
    }
    total
}

/// What one blocking rule produced.
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// let recs = vec![
///     StudentRecord::new("1").first_name("Ann").last_name("Lee"),
///     StudentRecord::new("2").first_name("Ann").last_name("Lee"),
/// ];
/// let run = dedupe(&recs).unwrap();
/// assert_eq!(run.blocking[0].rule, "first_name+last_name");
/// assert_eq!(run.blocking[0].new_pairs, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleReport {
    /// The rule's name.
    pub rule: String,
    /// Pairs this rule found that no earlier rule had.
    pub new_pairs: u64,
    /// Groups larger than the size cap, skipped.
    pub skipped_groups: u64,
    /// Records in skipped groups.
    pub skipped_records: u64,
}

/// Records grouped for every rule.
pub(crate) struct Blocks {
    /// `keys[rule][record]`: the record's key under each rule (0 = no key).
    keys: Vec<Vec<u64>>,
    /// Per rule, record indices sorted by key, with the group boundaries.
    order: Vec<Vec<u32>>,
    groups: Vec<Vec<(u32, u32)>>,
    pub reports: Vec<RuleReport>,
    /// Per rule, the keys of groups skipped for size.
    skipped: Vec<std::collections::HashSet<u64>>,
    /// Records from this index on are "new"; only pairs across the boundary are candidates.
    /// `None`: every pair is (dedupe within one file).
    split: Option<u32>,
}

impl Blocks {
    pub fn build(
        set: &PreparedSet,
        rules: &[BlockingRule],
        max_group: usize,
        split: Option<u32>,
    ) -> Blocks {
        let keys: Vec<Vec<u64>> = rules
            .iter()
            .map(|rule| {
                set.records
                    .par_iter()
                    .with_min_len(4096)
                    .map(|r| rule.key(set, r))
                    .collect()
            })
            .collect();
        let mut order = Vec::with_capacity(rules.len());
        let mut groups = Vec::with_capacity(rules.len());
        let mut reports = Vec::with_capacity(rules.len());
        let mut skipped = Vec::with_capacity(rules.len());
        for (rule, k) in rules.iter().zip(&keys) {
            let mut skipped_keys = std::collections::HashSet::new();
            let mut idx: Vec<u32> = (0..k.len() as u32)
                .filter(|&i| k[i as usize] != 0)
                .collect();
            idx.par_sort_unstable_by_key(|&i| k[i as usize]);
            let mut g = Vec::new();
            let mut report = RuleReport {
                rule: rule.name(),
                new_pairs: 0,
                skipped_groups: 0,
                skipped_records: 0,
            };
            let mut start = 0;
            while start < idx.len() {
                let key = k[idx[start] as usize];
                let mut end = start + 1;
                while end < idx.len() && k[idx[end] as usize] == key {
                    end += 1;
                }
                let size = end - start;
                if size > max_group {
                    skipped_keys.insert(key);
                    report.skipped_groups += 1;
                    report.skipped_records += size as u64;
                } else if size > 1 {
                    g.push((start as u32, end as u32));
                }
                start = end;
            }
            order.push(idx);
            groups.push(g);
            reports.push(report);
            skipped.push(skipped_keys);
        }
        Blocks {
            keys,
            order,
            groups,
            reports,
            skipped,
            split,
        }
    }

    /// Whether `a`–`b` is a candidate under an earlier rule than `rule`.
    #[inline]
    fn seen_before(&self, rule: usize, a: usize, b: usize) -> bool {
        self.keys[..rule].iter().any(|k| k[a] != 0 && k[a] == k[b])
    }

    #[inline]
    fn crosses(&self, a: u32, b: u32) -> bool {
        match self.split {
            None => true,
            Some(s) => (a < s) != (b < s),
        }
    }

    /// Calls `f(lower, higher)` for each pair of group `g` of `rule` that is a candidate (crosses
    /// the split, and no earlier rule already made it one).
    #[inline]
    fn group_pairs(&self, rule: usize, g: &[u32], mut f: impl FnMut(u32, u32)) {
        for (i, &a) in g.iter().enumerate() {
            for &b in &g[i + 1..] {
                if self.crosses(a, b) && !self.seen_before(rule, a as usize, b as usize) {
                    f(a.min(b), a.max(b));
                }
            }
        }
    }

    /// Folds `f` over every candidate pair (each once, lower index first), in parallel.
    pub fn fold<T, I, F, R>(&self, init: I, f: F, reduce: R) -> T
    where
        T: Send,
        I: Fn() -> T + Sync + Send,
        F: Fn(&mut T, u32, u32) + Sync + Send,
        R: Fn(T, T) -> T + Sync + Send,
    {
        self.fold_groups(init, reduce, |acc, rule, _, g| {
            self.group_pairs(rule, g, |a, b| f(acc, a, b))
        })
    }

    /// Folds `f` over a deterministic sample of about `share` of the candidate pairs, drawn group
    /// by group (so the work is proportional to the sample, not to all pairs). With `share >= 1`
    /// every pair is visited.
    pub fn fold_sample<T, I, F, R>(&self, share: f64, seed: u64, init: I, f: F, reduce: R) -> T
    where
        T: Send,
        I: Fn() -> T + Sync + Send,
        F: Fn(&mut T, u32, u32) + Sync + Send,
        R: Fn(T, T) -> T + Sync + Send,
    {
        if share >= 1.0 {
            return self.fold(init, f, reduce);
        }
        self.fold_groups(init, reduce, |acc, rule, s, g| {
            let k = g.len() as u64;
            let expected = share * (k * (k - 1) / 2) as f64;
            let mut state = mix(seed ^ ((rule as u64) << 40) ^ s as u64);
            // Whole pairs expected, plus one more with the leftover probability.
            let mut draws = expected as u64;
            if ((state >> 11) as f64 / (1u64 << 53) as f64) < expected.fract() {
                draws += 1;
            }
            for _ in 0..draws {
                state = mix(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
                let i = ((state as u32 as u64 * k) >> 32) as usize;
                let j = (((state >> 32) * (k - 1)) >> 32) as usize;
                let j = if j >= i { j + 1 } else { j };
                let (a, b) = (g[i], g[j]);
                if self.crosses(a, b) && !self.seen_before(rule, a as usize, b as usize) {
                    f(acc, a.min(b), a.max(b));
                }
            }
        })
    }

    /// Folds `visit(acc, rule, group_start, members)` over every blocking group of every rule, the
    /// groups of a rule in parallel.
    fn fold_groups<T, I, V, R>(&self, init: I, reduce: R, visit: V) -> T
    where
        T: Send,
        I: Fn() -> T + Sync + Send,
        V: Fn(&mut T, usize, u32, &[u32]) + Sync + Send,
        R: Fn(T, T) -> T + Sync + Send,
    {
        let per_rule = (0..self.order.len()).map(|rule| {
            let order = &self.order[rule];
            self.groups[rule]
                .par_iter()
                .with_min_len(64)
                .fold(&init, |mut acc, &(s, e)| {
                    visit(&mut acc, rule, s, &order[s as usize..e as usize]);
                    acc
                })
                .reduce(&init, &reduce)
        });
        per_rule.fold(init(), &reduce)
    }

    /// Counts new pairs per rule into the reports.
    pub fn count_pairs(&mut self) -> u64 {
        let n_rules = self.order.len();
        let mut counts = vec![0u64; n_rules];
        for (rule, count) in counts.iter_mut().enumerate() {
            let order = &self.order[rule];
            *count = self.groups[rule]
                .par_iter()
                .with_min_len(64)
                .map(|&(s, e)| {
                    let mut n = 0u64;
                    self.group_pairs(rule, &order[s as usize..e as usize], |_, _| n += 1);
                    n
                })
                .sum();
        }
        for (r, c) in self.reports.iter_mut().zip(&counts) {
            r.new_pairs = *c;
        }
        counts.iter().sum()
    }

    /// The first rule (by position) under which `a`–`b` is a candidate pair, if any.
    pub fn candidate_rule(&self, a: usize, b: usize) -> Option<usize> {
        if a == b || !self.crosses(a as u32, b as u32) {
            return None;
        }
        self.keys.iter().enumerate().position(|(rule, k)| {
            k.get(a).is_some_and(|&x| {
                x != 0 && Some(&x) == k.get(b) && !self.skipped[rule].contains(&x)
            })
        })
    }
}
