//! Blocking: which pairs of records are compared at all.
//!
//! Each rule groups records that agree exactly on its keys; pairs inside a group are candidates.
//! A pair found by an earlier rule is not produced again by a later one, so every candidate pair is
//! compared once. A group larger than the size cap is never dropped whole: it is split on further
//! keys ([`REFINEMENTS`]: date of birth, then first and last initials, then the postcode district)
//! until its parts fit, and only what still does not fit is skipped and reported
//! ([`RuleReport::skipped_records`], [`RuleReport::skipped_pairs`]).

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
    /// Soundex code of the first name (catches spelling slips that keep the sound).
    FirstSound,
    /// Soundex code of the last name.
    LastSound,
    /// Soundex codes of the first and last name in either order (swapped and misspelt).
    NameSoundsEitherOrder,
    /// First letter of the normalised last name.
    LastInitial,
}

/// The group-size cap of the default date-of-birth-alone rule: every pair in files up to about
/// 200,000 records (a date holds fewer than 40 of them), split by initials above that.
pub const DOB_ALONE_CAP: usize = 40;

/// Group-size caps of the other broad default rules (small groups only): first initial with
/// the school (30), and last name with first initial or both name sounds (50). Their large
/// groups (a big school's "J"s, every J. Smith in a national file) cost most of a national
/// run's pairs and find little the other rules miss (measured on the shared 100k and a 1M file).
pub const BROAD_RULE_CAP: (usize, usize) = (30, 50);

/// The keys an oversized group is split on, in order (a key the rule already uses is skipped).
pub const REFINEMENTS: [BlockKey; 4] = [
    BlockKey::Dob,
    BlockKey::FirstInitial,
    BlockKey::LastInitial,
    BlockKey::PostcodeDistrict,
];

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
            BlockKey::FirstSound => "first_sound",
            BlockKey::LastSound => "last_sound",
            BlockKey::NameSoundsEitherOrder => "name_sounds_either_order",
            BlockKey::LastInitial => "last_initial",
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
            BlockKey::PostcodeDistrict => r.postcode.and_then(|p| p.outward_hash()),
            BlockKey::FirstSound => sound(set, r.first),
            BlockKey::LastSound => sound(set, r.last),
            BlockKey::NameSoundsEitherOrder => {
                let (a, b) = (sound(set, r.first)?, sound(set, r.last)?);
                Some(a.min(b) << 32 | a.max(b))
            }
            BlockKey::LastInitial => set.name(r.last).chars().next().map(u64::from),
        }
    }
}

/// The Soundex code of a name as a key (none for a missing name or one without letters).
impl BlockKey {
    /// The key as text that any machine derives alike from the record alone (names, not the
    /// ids one run gives them): two records share this text exactly when they share the key.
    fn text(self, set: &PreparedSet, r: &Prepared) -> Option<String> {
        let value = self.value(set, r)?;
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Some(match self {
            BlockKey::FirstName => set.name(r.first).to_string(),
            BlockKey::LastName => set.name(r.last).to_string(),
            BlockKey::School => set.school_text(r.school).to_string(),
            BlockKey::NamesEitherOrder => {
                let (a, b) = (set.name(r.first), set.name(r.last));
                format!("{}\u{1f}{}", a.min(b), a.max(b))
            }
            BlockKey::Postcode => r
                .postcode
                .as_ref()
                .map_or_else(String::new, |p| lossy(p.text())),
            BlockKey::PostcodeDistrict => r
                .postcode
                .as_ref()
                .map_or_else(String::new, |p| lossy(p.outward())),
            _ => value.to_string(),
        })
    }
}

/// How a blocking rule's groups are made and capped, for a caller that groups records itself
/// (Spark joins) from [`TextKeys`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulePlan {
    /// The rule's name.
    pub name: String,
    /// Groups larger than this are split, or skipped.
    pub cap: usize,
    /// Oversized groups are split on [`RulePlan::refinements`] in turn (else skipped whole).
    pub split: bool,
    /// The keys an oversized group is split on, in order (indices into [`TextKeys::refinements`]).
    pub refinements: Vec<usize>,
}

/// Every record's blocking keys as text, with the rules' caps and the values oversized groups
/// are split on: what a Spark job needs to make, by joins, exactly the candidate pairs one run
/// makes. A pair is a candidate of the first rule under which both records have the same
/// (final) key, if that rule's group is within its cap.
///
/// ```
/// use heat_core::matching::{Matcher, StudentRecord};
/// let recs = [StudentRecord::new("1").first_name("Ann").last_name("Lee"), StudentRecord::new("2")];
/// let keys = Matcher::new(Default::default()).text_keys(&recs);
/// assert_eq!(keys.rules[0].name, "first_name+last_name");
/// assert_eq!(keys.keys[0][0].as_deref(), Some("0:ann\u{1e}1:lee"));
/// assert_eq!(keys.keys[0][1], None); // no names: in no group of this rule
/// assert_eq!(keys.refinements[0].0, "dob");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TextKeys {
    /// The rules, in order.
    pub rules: Vec<RulePlan>,
    /// `keys[rule][record]`: the record's key under the rule (`None`: in no group).
    pub keys: Vec<Vec<Option<String>>>,
    /// Each refinement key's name and every record's value (a missing value is its own text,
    /// so records missing it stay together, as in one run).
    pub refinements: Vec<(&'static str, Vec<String>)>,
}

impl TextKeys {
    pub(crate) fn of(set: &PreparedSet, rules: &[BlockingRule], max_group: usize) -> TextKeys {
        let plans = rules
            .iter()
            .map(|rule| RulePlan {
                name: rule.name(),
                cap: rule
                    .max_block_size
                    .map_or(max_group, |c| c.clamp(2, max_group)),
                split: rule.max_block_size.is_none(),
                refinements: REFINEMENTS
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !rule.keys.contains(r))
                    .map(|(i, _)| i)
                    .collect(),
            })
            .collect();
        let keys = rules
            .iter()
            .map(|rule| {
                set.records
                    .par_iter()
                    .with_min_len(4096)
                    .map(|r| {
                        let parts: Option<Vec<String>> = rule
                            .keys
                            .iter()
                            .map(|k| k.text(set, r).map(|t| format!("{}:{t}", *k as u8)))
                            .collect();
                        parts.map(|p| p.join("\u{1e}"))
                    })
                    .collect()
            })
            .collect();
        let refinements = REFINEMENTS
            .iter()
            .map(|k| {
                let values = set
                    .records
                    .par_iter()
                    .with_min_len(4096)
                    .map(|r| k.text(set, r).unwrap_or_else(|| "\u{0}".to_string()))
                    .collect();
                (k.name(), values)
            })
            .collect();
        TextKeys {
            rules: plans,
            keys,
            refinements,
        }
    }
}

fn sound(set: &PreparedSet, name: u32) -> Option<u64> {
    (name != NONE)
        .then(|| set.sound(name))
        .filter(|s| *s != 0)
        .map(u64::from)
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
    /// Makes this a small-groups-only rule: groups up to this size are compared, larger ones are
    /// left to the other rules (not split, and not counted as skipped in the run summary). For
    /// a broad rule, such as the date of birth alone, worth every pair in a small file and
    /// nothing but cost in a large one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_block_size: Option<usize>,
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
            max_block_size: None,
        }
    }

    /// The same rule with its own group-size cap.
    ///
    /// ```
    /// use heat_core::matching::{BlockingRule, BlockKey};
    /// let rule = BlockingRule::on(&[BlockKey::Dob]).capped(40);
    /// assert_eq!(rule.max_block_size, Some(40));
    /// ```
    pub fn capped(mut self, max_block_size: usize) -> Self {
        self.max_block_size = Some(max_block_size);
        self
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

    /// The default rules: names, date of birth, school and postcode in pairs (names also by their
    /// sound or initial, and in either order), chosen so that a duplicate with any two fields wrong, or with
    /// a name misspelt and a date or postcode missing, is still usually found; last, the date of
    /// birth alone in groups of at most [`DOB_ALONE_CAP`] (both names mistyped, in a small file).
    /// The broad initial and sound rules compare small groups only ([`BROAD_RULE_CAP`]).
    ///
    /// ```
    /// assert_eq!(heat_core::matching::BlockingRule::defaults().len(), 14);
    /// ```
    pub fn defaults() -> Vec<BlockingRule> {
        use BlockKey::*;
        let rule = |keys: &[BlockKey], cap: Option<usize>| BlockingRule {
            keys: keys.to_vec(),
            max_block_size: cap,
        };
        vec![
            rule(&[FirstName, LastName], None),
            rule(&[Dob, School], None),
            rule(&[Dob, PostcodeDistrict], None),
            rule(&[LastName, School], None),
            rule(&[FirstSound, Dob], None),
            rule(&[LastSound, Dob], None),
            rule(&[FirstName, Postcode], None),
            rule(&[FirstInitial, School], Some(BROAD_RULE_CAP.0)),
            rule(&[LastName, FirstInitial], Some(BROAD_RULE_CAP.1)),
            rule(&[Postcode], None),
            rule(&[NamesEitherOrder], None),
            rule(&[FirstSound, LastSound], Some(BROAD_RULE_CAP.1)),
            rule(&[NameSoundsEitherOrder], None),
            rule(&[Dob], Some(DOB_ALONE_CAP)),
        ]
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
                BlockKey::FirstName | BlockKey::FirstInitial | BlockKey::FirstSound => {
                    &[Field::FirstName]
                }
                BlockKey::LastName | BlockKey::LastInitial | BlockKey::LastSound => {
                    &[Field::LastName]
                }
                BlockKey::NamesEitherOrder | BlockKey::NameSoundsEitherOrder => {
                    &[Field::FirstName, Field::LastName]
                }
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

/// The pairs of records (across the split, when there is one) that agree on all of `rule`'s
/// keys, ignoring the group-size cap, and an estimate of how many of them `clear` says are
/// different students.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct AgreeingPairs {
    /// Pairs agreeing on every key.
    pub pairs: u64,
    /// Estimated pairs among them where `clear` could tell (`Some`).
    pub determinable: f64,
    /// Estimated pairs among them `clear` called clearly different students (`Some(true)`).
    pub different: f64,
}

/// Pairs compared per group when counting [`AgreeingPairs`] (larger groups are sampled).
const AGREEING_SAMPLE: u64 = 2_000;

/// Counts [`AgreeingPairs`] for `rule`: every group's pairs, with `clear(a, b)` asked of all
/// of them in groups up to [`AGREEING_SAMPLE`] pairs and of a deterministic sample in larger
/// ones (scaled up).
pub(crate) fn agreeing_pairs(
    set: &PreparedSet,
    rule: &BlockingRule,
    split: Option<u32>,
    clear: &(dyn Fn(u32, u32) -> Option<bool> + Sync),
) -> AgreeingPairs {
    let mut keyed: Vec<(u64, u32)> = set
        .records
        .par_iter()
        .enumerate()
        .with_min_len(4096)
        .map(|(i, r)| (rule.key(set, r), i as u32))
        .filter(|(k, _)| *k != 0)
        .collect();
    keyed.par_sort_unstable();
    let mut bounds = Vec::new();
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == keyed[start].0 {
            end += 1;
        }
        if end - start > 1 {
            bounds.push((start, end));
        }
        start = end;
    }
    let is_new = |i: u32| split.is_some_and(|s| i >= s);
    let crosses = |a: u32, b: u32| split.is_none() || is_new(a) != is_new(b);
    bounds
        .par_iter()
        .with_min_len(64)
        .map(|&(s0, e0)| {
            let g: Vec<u32> = keyed[s0..e0].iter().map(|x| x.1).collect();
            let k = g.len() as u64;
            let new = g.iter().filter(|&&i| is_new(i)).count() as u64;
            let pairs = match split {
                None => k * (k - 1) / 2,
                Some(_) => new * (k - new),
            };
            // (pairs asked, pairs clear could tell, pairs clearly different)
            let mut t = (0u64, 0u64, 0u64);
            let tally = |t: &mut (u64, u64, u64), a: u32, b: u32| {
                t.0 += 1;
                if let Some(d) = clear(a, b) {
                    t.1 += 1;
                    t.2 += u64::from(d);
                }
            };
            if pairs <= AGREEING_SAMPLE {
                for (i, &a) in g.iter().enumerate() {
                    for &b in &g[i + 1..] {
                        if crosses(a, b) {
                            tally(&mut t, a, b);
                        }
                    }
                }
            } else {
                let mut state = mix(keyed[s0].0);
                let mut draws = 0;
                while draws < AGREEING_SAMPLE * 4 && t.0 < AGREEING_SAMPLE {
                    draws += 1;
                    state = mix(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
                    let i = ((state as u32 as u64 * k) >> 32) as usize;
                    let j = (((state >> 32) * (k - 1)) >> 32) as usize;
                    let j = if j >= i { j + 1 } else { j };
                    if crosses(g[i], g[j]) {
                        tally(&mut t, g[i], g[j]);
                    }
                }
            }
            let scale = if t.0 == 0 {
                0.0
            } else {
                pairs as f64 / t.0 as f64
            };
            AgreeingPairs {
                pairs,
                determinable: t.1 as f64 * scale,
                different: t.2 as f64 * scale,
            }
        })
        .reduce(AgreeingPairs::default, |x, y| AgreeingPairs {
            pairs: x.pairs + y.pairs,
            determinable: x.determinable + y.determinable,
            different: x.different + y.different,
        })
}

/// A run of records sharing one key: (start, end) positions in the sorted index.
type Span = (u32, u32);

/// The groups of at least two and at most `max_group` records in `keyed` (sorted by key), and
/// the groups over the cap.
fn group_bounds(keyed: &[(u64, u32)], max_group: usize) -> (Vec<Span>, Vec<Span>) {
    let (mut fit, mut over) = (Vec::new(), Vec::new());
    let mut start = 0;
    for run in keyed.chunk_by(|x, y| x.0 == y.0) {
        let end = start + run.len();
        if run.len() > max_group {
            over.push((start as u32, end as u32));
        } else if run.len() > 1 {
            fit.push((start as u32, end as u32));
        }
        start = end;
    }
    (fit, over)
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
    /// Groups larger than the size cap that were split on further keys.
    pub split_groups: u64,
    /// Groups still larger than the size cap after every split, skipped.
    pub skipped_groups: u64,
    /// Records in skipped groups.
    pub skipped_records: u64,
    /// Pairs in skipped groups (not compared under this rule; another rule may still find some).
    pub skipped_pairs: u64,
    /// The rule compares small groups only ([`BlockingRule::max_block_size`]): its skipped
    /// groups are by design, and left out of the run summary's totals.
    #[serde(default)]
    pub small_groups_only: bool,
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
        let mut keys: Vec<Vec<u64>> = rules
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
        for (rule, k) in rules.iter().zip(keys.iter_mut()) {
            let mut report = RuleReport {
                rule: rule.name(),
                new_pairs: 0,
                split_groups: 0,
                skipped_groups: 0,
                skipped_records: 0,
                skipped_pairs: 0,
                small_groups_only: rule.max_block_size.is_some(),
            };
            let refinements: Vec<BlockKey> = REFINEMENTS
                .iter()
                .copied()
                .filter(|r| !rule.keys.contains(r))
                .collect();
            // Split oversized groups on the next refinement key until they fit (or none is left).
            let mut depth = 0;
            // (key, record) side by side: sorting needs no look-ups into the key table, and
            // a group lists its records in index order.
            let mut keyed: Vec<(u64, u32)> = k
                .iter()
                .enumerate()
                .filter(|(_, &key)| key != 0)
                .map(|(i, &key)| (key, i as u32))
                .collect();
            let cap = rule
                .max_block_size
                .map_or(max_group, |c| c.clamp(2, max_group));
            let (g, oversized) = loop {
                keyed.par_sort_unstable();
                let (g, oversized) = group_bounds(&keyed, cap);
                if oversized.is_empty() || depth == refinements.len() || report.small_groups_only {
                    break (g, oversized);
                }
                let refine = refinements[depth];
                for &(s0, e0) in &oversized {
                    if depth == 0 {
                        report.split_groups += 1;
                    }
                    for (key, i) in &mut keyed[s0 as usize..e0 as usize] {
                        let r = &set.records[*i as usize];
                        let v = refine.value(set, r).unwrap_or(u64::MAX);
                        *key = mix(*key ^ v ^ ((depth as u64 + 1) << 58)) | 1;
                        k[*i as usize] = *key;
                    }
                }
                depth += 1;
            };
            let mut skipped_keys = std::collections::HashSet::new();
            for &(s0, e0) in &oversized {
                let size = (e0 - s0) as u64;
                skipped_keys.insert(keyed[s0 as usize].0);
                report.skipped_groups += 1;
                report.skipped_records += size;
                report.skipped_pairs += size * (size - 1) / 2;
            }
            let idx: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
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
