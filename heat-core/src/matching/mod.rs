//! Duplicate students: find, explain and cluster likely duplicate student records, within one file
//! ([`dedupe`]) and between a new upload and an existing export ([`link`]).
//!
//! The matcher is an unsupervised Fellegi–Sunter model ([`Model`]):
//! 1. records are prepared (names normalised, nicknames looked up, postcodes normalised or fixed);
//! 2. blocking rules ([`BlockingRule`]) pick the candidate pairs, so the work is not O(n²);
//! 3. `u` is estimated from random pairs and `m` with the candidate prior by EM over the candidate
//!    pairs' level patterns (bounded memory: a histogram, never a list of pairs);
//! 4. every candidate pair gets a match weight, a probability and a per-field explanation, with
//!    term-frequency adjustment of exact name and school agreement and a twin guard;
//! 5. [`cluster`] joins pairs above a cluster threshold into students, with a size guard.
//!
//! ```
//! use heat_core::matching::{dedupe, StudentRecord};
//! let rec = |id: &str, first: &str, dob: &str| {
//!     StudentRecord::new(id).first_name(first).last_name("Okafor").dob_str(dob).unwrap()
//!         .school("100001").postcode("LS1 4AP").gender("F")
//! };
//! let records = vec![
//!     rec("1", "Chioma", "2009-03-04"),
//!     rec("2", "CHIOMA", "04/03/2009"), // the same girl, date typed the UK way
//!     rec("3", "Adaeze", "2009-03-04"), // her twin sister
//! ];
//! let run = dedupe(&records).unwrap();
//! let likely: Vec<(usize, usize)> = run.matches().map(|p| (p.left as usize, p.right as usize)).collect();
//! assert_eq!(likely, vec![(0, 1)]);
//! ```

mod block;
mod cluster;
mod compare;
mod model;
mod record;

use crate::error::{ErrorKind, HeatError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use block::{BlockKey, BlockingRule, RuleReport};
pub use cluster::{cluster, Clustering};
pub use compare::{Field, Levels, FIELD_COUNT};
pub use model::{
    probability_of_weight, weight_of_probability, EmSession, FieldParams, Interaction, LevelParams,
    Model, ModelError,
};
pub use record::{Gender, StudentFields, StudentRecord, StudentRef};

use crate::names::{nicknames, NicknameTable};
use block::Blocks;
use compare::{compare, FIRST_DIFFERENT};
use record::{Prepared, PreparedSet};

/// How the matcher runs. The defaults are the ones the benchmarks report.
///
/// ```
/// use heat_core::matching::MatchSettings;
/// let s = MatchSettings::default();
/// assert_eq!(s.threshold, 0.9);
/// assert!(s.twin_guard);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchSettings {
    /// Blocking rules, in order.
    pub blocking_rules: Vec<BlockingRule>,
    /// Rules whose pairs train `m` by EM, one session each; a session estimates the fields its
    /// rule does not fix.
    pub training_rules: Vec<BlockingRule>,
    /// Pairs at or above this match probability are reported as likely duplicates.
    pub threshold: f64,
    /// Pairs at or above this probability join clusters.
    pub cluster_threshold: f64,
    /// A cluster never grows beyond this many records (guard against chains of weak links
    /// making a giant cluster); the weakest links are the ones left out.
    pub max_cluster_size: usize,
    /// Blocking groups with more records than this are skipped (and reported).
    pub max_block_size: usize,
    /// Random pairs compared to estimate `u`.
    pub u_sample_pairs: u64,
    /// At most this many candidate pairs (a deterministic sample) train EM.
    pub em_max_pairs: u64,
    /// EM stops after this many iterations ...
    pub em_max_iterations: u32,
    /// ... or when no parameter moves by more than this.
    pub em_tolerance: f64,
    /// Scale exact name and school agreement by how common the value is.
    pub term_frequency: bool,
    /// Twin and sibling guard: when last name, date of birth (exactly, or within one slip or a
    /// month) and home (postcode or school) agree but the first names are clearly different (not
    /// a typo, nickname, initial or swap), add `twin_penalty` bits to the match weight.
    pub twin_guard: bool,
    /// Bits added by the twin guard (negative; the default, -40, vetoes the pair unless the
    /// settings are changed).
    pub twin_penalty: f64,
    /// Correct for last name, postcode and school agreeing together among different students
    /// (siblings, neighbours) by measuring how often they do ([`Interaction`]).
    pub household_adjustment: bool,
    /// Files with fewer records than this are matched with the embedded default model
    /// ([`Model::default_trained`]) instead of training one, and without term-frequency
    /// adjustment.
    pub min_training_records: usize,
    /// Seed of the random-pair sampler (results are reproducible for a seed).
    pub seed: u64,
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            blocking_rules: BlockingRule::defaults(),
            training_rules: vec![
                BlockingRule::on(&[BlockKey::FirstName, BlockKey::LastName]),
                BlockingRule::on(&[BlockKey::Dob]),
            ],
            threshold: 0.9,
            cluster_threshold: 0.9,
            max_cluster_size: 50,
            max_block_size: 5_000,
            u_sample_pairs: 500_000,
            em_max_pairs: 500_000,
            em_max_iterations: 100,
            em_tolerance: 1e-5,
            term_frequency: true,
            twin_guard: true,
            twin_penalty: -40.0,
            household_adjustment: true,
            min_training_records: 2_000,
            seed: 42,
        }
    }
}

/// A problem that stops a matching run.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// A setting is out of range.
    #[error("bad setting {setting}: {reason}")]
    BadSetting {
        /// The setting's name.
        setting: &'static str,
        /// Why it is wrong.
        reason: String,
    },
    /// The supplied model does not fit.
    #[error(transparent)]
    Model(#[from] ModelError),
}

impl HeatError for MatchError {
    fn code(&self) -> &'static str {
        match self {
            MatchError::BadSetting { .. } => "bad_setting",
            MatchError::Model(e) => e.code(),
        }
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Matching
    }
}

/// A stage of a matching run, reported to a progress callback.
///
/// ```
/// assert_eq!(heat_core::matching::Stage::Scoring.name(), "scoring");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Normalising and interning the records.
    Preparing,
    /// Grouping records by the blocking rules and counting candidate pairs.
    Blocking,
    /// Comparing random pairs for `u`.
    EstimatingU,
    /// Expectation-maximisation for `m`.
    TrainingEm,
    /// Scoring every candidate pair.
    Scoring,
    /// Finished.
    Done,
}

impl Stage {
    /// The stage's snake_case name.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::Stage::TrainingEm.name(), "training_em");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Stage::Preparing => "preparing",
            Stage::Blocking => "blocking",
            Stage::EstimatingU => "estimating_u",
            Stage::TrainingEm => "training_em",
            Stage::Scoring => "scoring",
            Stage::Done => "done",
        }
    }
}

/// A progress report: the stage starting, with a count where one is known (records or pairs).
///
/// ```
/// use heat_core::matching::{Matcher, MatchSettings, Progress, StudentRecord};
/// use std::sync::Mutex;
/// let seen = Mutex::new(Vec::new());
/// let records = vec![StudentRecord::new("1"), StudentRecord::new("2")];
/// Matcher::new(MatchSettings::default())
///     .progress(&|p: &Progress| seen.lock().unwrap().push(p.stage.name()))
///     .dedupe(&records)
///     .unwrap();
/// assert_eq!(seen.lock().unwrap().last(), Some(&"done"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The stage starting.
    pub stage: Stage,
    /// Records or pairs this stage works on.
    pub items: u64,
}

/// One scored candidate pair. `left`/`right` are row positions: in [`dedupe`] both are rows of
/// the one file (`left < right`); in [`link`] `left` is the new row and `right` the existing one.
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// let r = |id: &str| StudentRecord::new(id).first_name("Zainab").last_name("Hussain").dob_str("2010-01-02").unwrap();
/// let run = dedupe(&[r("a"), r("b")]).unwrap();
/// let p = &run.pairs[0];
/// assert_eq!((p.left, p.right), (0, 1));
/// assert_eq!(run.explain(p)[2].level, "exact");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredPair {
    /// Row of the left record.
    pub left: u32,
    /// Row of the right record.
    pub right: u32,
    /// Match weight in bits (prior included).
    pub weight: f64,
    /// Match probability.
    pub probability: f64,
    /// The level each field reached.
    pub levels: Levels,
    /// Each field's contribution in bits (term-frequency adjustment included).
    pub field_weights: [f32; FIELD_COUNT],
    /// Whether the twin guard applied.
    pub twin_guard: bool,
}

/// One field's part of a pair's explanation.
///
/// ```
/// use heat_core::matching::{FieldExplanation, Field};
/// let e = FieldExplanation { field: Field::Dob, level: "exact", weight: 7.5 };
/// assert_eq!(e.to_string(), "exact (+7.50)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldExplanation {
    /// The field.
    pub field: Field,
    /// The level it reached.
    pub level: &'static str,
    /// Its contribution in bits.
    pub weight: f64,
}

impl std::fmt::Display for FieldExplanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:+.2})", self.level, self.weight)
    }
}

/// The outcome of a [`dedupe`] or [`link`] run.
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// let r = |id: &str| StudentRecord::new(id).first_name("Ife").last_name("Bello").dob_str("2010-10-10").unwrap();
/// let run = dedupe(&[r("1"), r("2")]).unwrap();
/// assert_eq!((run.candidate_pairs, run.matches().count()), (1, 1));
/// assert_eq!(run.blocking.len(), 10);
/// ```
#[derive(Debug, Clone)]
pub struct MatchRun {
    /// Scored pairs at or above the run's `min_probability`, strongest first.
    pub pairs: Vec<ScoredPair>,
    /// The model used (trained in this run unless one was supplied).
    pub model: Model,
    /// What each blocking rule produced.
    pub blocking: Vec<RuleReport>,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// The threshold for [`MatchRun::matches`].
    pub threshold: f64,
    /// The twin penalty used (for explanations).
    twin_penalty: f64,
}

impl MatchRun {
    /// Pairs at or above the threshold.
    ///
    /// ```
    /// use heat_core::matching::{dedupe, StudentRecord};
    /// let run = dedupe(&[StudentRecord::new("1"), StudentRecord::new("2")]).unwrap();
    /// assert_eq!(run.matches().count(), 0);
    /// ```
    pub fn matches(&self) -> impl Iterator<Item = &ScoredPair> {
        let t = self.threshold;
        self.pairs.iter().filter(move |p| p.probability >= t)
    }

    /// Keeps only each left row's strongest pair (pairs are strongest first): in a [`link`] run,
    /// each new student's best match in the existing records.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let r = |id: &str, first: &str| StudentRecord::new(id).first_name(first).last_name("Hall").dob_str("2008-06-07").unwrap();
    /// let existing = [r("H1", "Ruby"), r("H2", "Ruby")];
    /// let mut run = Matcher::new(Default::default()).link(&[r("n1", "RUBY")], &existing).unwrap();
    /// assert_eq!(run.pairs.len(), 2);
    /// run.keep_best_per_left();
    /// assert_eq!(run.pairs.len(), 1);
    /// ```
    pub fn keep_best_per_left(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.pairs.retain(|p| seen.insert(p.left));
    }

    /// Per-field explanation of a pair (and the twin guard, when it applied, as the last entry
    /// with field `FirstName` and level `twin_guard`).
    ///
    /// ```
    /// use heat_core::matching::{dedupe, StudentRecord};
    /// let r = |id: &str| StudentRecord::new(id).first_name("Ola").last_name("Nowak");
    /// let run = dedupe(&[r("1"), r("2")]).unwrap();
    /// assert_eq!(run.explain(&run.pairs[0])[0].level, "exact");
    /// ```
    pub fn explain(&self, pair: &ScoredPair) -> Vec<FieldExplanation> {
        let mut out: Vec<FieldExplanation> = Field::ALL
            .iter()
            .zip(pair.levels)
            .zip(pair.field_weights)
            .map(|((&field, level), weight)| FieldExplanation {
                field,
                level: field.levels()[level as usize],
                weight: weight as f64,
            })
            .collect();
        if pair.twin_guard {
            out.push(FieldExplanation {
                field: Field::FirstName,
                level: "twin_guard",
                weight: self.twin_penalty,
            });
        }
        out
    }

    /// Clusters the records of a [`dedupe`] run at the settings' cluster threshold.
    ///
    /// ```
    /// use heat_core::matching::{dedupe, MatchSettings, StudentRecord};
    /// let r = |id: &str| StudentRecord::new(id).first_name("Ola").last_name("Nowak").dob_str("2011-05-06").unwrap();
    /// let recs = [r("1"), r("2"), StudentRecord::new("3").first_name("Ben")];
    /// let run = dedupe(&recs).unwrap();
    /// let c = run.clusters(recs.len(), &MatchSettings::default());
    /// assert_eq!(c.labels, vec![0, 0, 1]);
    /// ```
    pub fn clusters(&self, n_records: usize, settings: &MatchSettings) -> Clustering {
        let edges: Vec<(u32, u32, f64)> = self
            .pairs
            .iter()
            .map(|p| (p.left, p.right, p.probability))
            .collect();
        cluster(
            n_records,
            &edges,
            settings.cluster_threshold,
            settings.max_cluster_size,
        )
    }
}

/// A configured matcher: settings, an optional pre-trained model, the nickname table and an
/// optional progress callback.
///
/// ```
/// use heat_core::matching::{Matcher, MatchSettings, StudentRecord};
/// let r = |id: &str| StudentRecord::new(id).first_name("Jo").last_name("Bloggs");
/// let trained = Matcher::new(MatchSettings::default()).dedupe(&[r("1"), r("2")]).unwrap().model;
/// // Reuse the model: no training this time.
/// let again = Matcher::new(MatchSettings::default()).model(trained.clone()).dedupe(&[r("3"), r("4")]).unwrap();
/// assert_eq!(again.model, trained);
/// ```
pub struct Matcher<'a> {
    settings: MatchSettings,
    model: Option<Model>,
    nicknames: &'a NicknameTable,
    progress: Option<&'a (dyn Fn(&Progress) + Sync)>,
    min_probability: Option<f64>,
}

impl<'a> Matcher<'a> {
    /// A matcher with these settings, the embedded nickname table and no model (one is trained).
    ///
    /// ```
    /// let m = heat_core::matching::Matcher::new(Default::default());
    /// ```
    pub fn new(settings: MatchSettings) -> Matcher<'static> {
        Matcher {
            settings,
            model: None,
            nicknames: nicknames(),
            progress: None,
            min_probability: None,
        }
    }

    /// Uses this model instead of training one.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, Model};
    /// let m = Matcher::new(Default::default()).model(Model::untrained());
    /// ```
    pub fn model(mut self, model: Model) -> Self {
        self.model = Some(model);
        self
    }

    /// Uses another nickname table.
    ///
    /// ```
    /// use heat_core::matching::Matcher;
    /// use heat_core::names::NicknameTable;
    /// let table = NicknameTable::from_csv_reader("a,b,c\n".as_bytes()).unwrap();
    /// let m = Matcher::new(Default::default()).nicknames(&table);
    /// ```
    pub fn nicknames<'b>(self, table: &'b NicknameTable) -> Matcher<'b>
    where
        'a: 'b,
    {
        Matcher {
            nicknames: table,
            ..self
        }
    }

    /// Calls `f` at the start of each stage (on the calling thread).
    ///
    /// ```
    /// let m = heat_core::matching::Matcher::new(Default::default()).progress(&|p| eprintln!("{:?}", p.stage));
    /// ```
    pub fn progress<'b>(self, f: &'b (dyn Fn(&Progress) + Sync)) -> Matcher<'b>
    where
        'a: 'b,
    {
        Matcher {
            progress: Some(f),
            ..self
        }
    }

    /// Keeps every scored pair at or above this probability (default: the threshold). Use 0.0 to
    /// get every candidate pair, e.g. to evaluate against known duplicates.
    ///
    /// ```
    /// let m = heat_core::matching::Matcher::new(Default::default()).min_probability(0.0);
    /// ```
    pub fn min_probability(mut self, p: f64) -> Self {
        self.min_probability = Some(p);
        self
    }

    fn report(&self, stage: Stage, items: u64) {
        if let Some(f) = self.progress {
            f(&Progress { stage, items });
        }
    }

    fn check_settings(&self) -> Result<(), MatchError> {
        let s = &self.settings;
        let prob = |name: &'static str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(MatchError::BadSetting {
                    setting: name,
                    reason: format!("{v} is not a probability"),
                })
            }
        };
        prob("threshold", s.threshold)?;
        prob("cluster_threshold", s.cluster_threshold)?;
        if let Some(p) = self.min_probability {
            prob("min_probability", p)?;
        }
        if s.blocking_rules
            .iter()
            .chain(&s.training_rules)
            .any(|r| r.keys.is_empty())
        {
            return Err(MatchError::BadSetting {
                setting: "blocking_rules",
                reason: "a rule has no keys".into(),
            });
        }
        if s.max_block_size < 2 || s.max_cluster_size < 1 {
            return Err(MatchError::BadSetting {
                setting: "max_block_size",
                reason: "max_block_size must be at least 2 and max_cluster_size at least 1".into(),
            });
        }
        if s.twin_penalty.is_nan() || s.twin_penalty > 0.0 {
            return Err(MatchError::BadSetting {
                setting: "twin_penalty",
                reason: "must be zero or negative".into(),
            });
        }
        if let Some(m) = &self.model {
            m.check_shape()?;
        }
        Ok(())
    }

    /// Finds likely duplicates within one file.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let run = Matcher::new(Default::default()).dedupe(&[StudentRecord::new("1")]).unwrap();
    /// assert!(run.pairs.is_empty());
    /// ```
    pub fn dedupe<R: StudentFields>(&self, records: &[R]) -> Result<MatchRun, MatchError> {
        let refs: Vec<&R> = records.iter().collect();
        self.run(&refs, None)
    }

    /// Finds each new record's likely match(es) among existing records. Pairs have
    /// `left` = row in `new`, `right` = row in `existing`.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let existing = vec![
    ///     StudentRecord::new("H1").first_name("Ruby").last_name("Hall").dob_str("2008-06-07").unwrap().postcode("M1 1AE"),
    ///     StudentRecord::new("H2").first_name("Rubén").last_name("Díaz").dob_str("2008-06-07").unwrap().postcode("M1 1AE"),
    /// ];
    /// let new = vec![StudentRecord::new("n1").first_name("RUBY").last_name("HALL").dob_str("07/06/2008").unwrap()];
    /// let run = Matcher::new(Default::default()).link(&new, &existing).unwrap();
    /// let best: Vec<(u32, u32)> = run.matches().map(|p| (p.left, p.right)).collect();
    /// assert_eq!(best, vec![(0, 0)]);
    /// ```
    pub fn link<R: StudentFields>(
        &self,
        new: &[R],
        existing: &[R],
    ) -> Result<MatchRun, MatchError> {
        let refs: Vec<&R> = existing.iter().chain(new).collect();
        let split = existing.len() as u32;
        let mut run = self.run(&refs, Some(split))?;
        for p in &mut run.pairs {
            // Internally the lower index is existing; report new first.
            let (e, n) = (p.left, p.right);
            p.left = n - split;
            p.right = e;
        }
        Ok(run)
    }

    fn run<R: StudentFields>(
        &self,
        records: &[&R],
        split: Option<u32>,
    ) -> Result<MatchRun, MatchError> {
        self.check_settings()?;
        let s = &self.settings;
        self.report(Stage::Preparing, records.len() as u64);
        let set = PreparedSet::build(records, self.nicknames);
        self.report(Stage::Blocking, records.len() as u64);
        let mut blocks = Blocks::build(&set, &s.blocking_rules, s.max_block_size, split);
        let candidates = blocks.count_pairs();
        let trainable = records.len() >= s.min_training_records;
        let model = match &self.model {
            Some(m) => m.clone(),
            None if trainable => self.train(&set, split),
            None => Model::default_trained().rescaled(effective_records(records.len(), split)),
        };
        self.report(Stage::Scoring, candidates);
        let scorer = Scorer::new(&set, &model, s, trainable);
        let min_p = self.min_probability.unwrap_or(s.threshold);
        let min_weight = weight_of_probability(min_p);
        let mut pairs = blocks.fold(
            Vec::new,
            |acc: &mut Vec<ScoredPair>, a, b| {
                let pair = scorer.score(a, b);
                if pair.weight >= min_weight || min_p <= 0.0 {
                    acc.push(pair);
                }
            },
            |mut x, mut y| {
                if x.len() < y.len() {
                    std::mem::swap(&mut x, &mut y);
                }
                x.append(&mut y);
                x
            },
        );
        pairs.par_sort_unstable_by(|x, y| {
            y.weight
                .total_cmp(&x.weight)
                .then(x.left.cmp(&y.left))
                .then(x.right.cmp(&y.right))
        });
        self.report(Stage::Done, pairs.len() as u64);
        Ok(MatchRun {
            pairs,
            model,
            blocking: blocks.reports,
            candidate_pairs: candidates,
            threshold: s.threshold,
            twin_penalty: s.twin_penalty,
        })
    }

    fn train(&self, set: &PreparedSet, split: Option<u32>) -> Model {
        let s = &self.settings;
        let mut model = Model::untrained();
        self.report(Stage::EstimatingU, s.u_sample_pairs);
        let counts = random_level_counts(set, split, s.u_sample_pairs, s.seed);
        model.set_u_from_counts(&counts);
        let records = &set.records;
        let mut histograms = Vec::new();
        debug_assert!(!records.is_empty());
        for rule in &s.training_rules {
            let mut blocks =
                Blocks::build(set, std::slice::from_ref(rule), s.max_block_size, split);
            let pairs = blocks.count_pairs();
            self.report(Stage::TrainingEm, pairs.min(s.em_max_pairs));
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
        let n = records.len() as f64;
        let all_pairs = match split {
            None => n * (n - 1.0) / 2.0,
            Some(e) => e as f64 * (n - e as f64),
        };
        let household: Vec<(Vec<Field>, u64)> = if s.household_adjustment {
            household_sets()
                .into_iter()
                .map(|(fields, keys)| {
                    let count = block::count_agreeing_pairs(set, &BlockingRule::on(&keys), split);
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
            for (rule, patterns, pairs) in &histograms {
                let fixed = rule.fixed_fields();
                let (m, session) = model.fit_em(
                    rule.name(),
                    patterns,
                    &fixed,
                    s.em_max_iterations,
                    s.em_tolerance,
                );
                fitted.push((m, fixed, *pairs));
                model.sessions.push(session);
            }
            combine_sessions(&mut model, &fitted, all_pairs);
        }
        if !household.is_empty() {
            model.interactions = estimate_interactions(&model, &household, all_pairs);
        }
        model.trained_records = effective_records(records.len(), split);
        model
    }
}

/// The file size a model's prior is scaled by: the records of a dedupe, or for a link with `e`
/// existing records the dedupe size with the same pairs per new record (`2e + 1`).
fn effective_records(n: usize, split: Option<u32>) -> u64 {
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

/// Joint `u` of each field set: pairs agreeing on all of it, less the matches expected among them,
/// over all pairs; never below the product of the fields' own `u`.
fn estimate_interactions(
    model: &Model,
    sets: &[(Vec<Field>, u64)],
    all_pairs: f64,
) -> Vec<Interaction> {
    sets.iter()
        .map(|(fields, count)| {
            let level1 = |f: &Field| &model.fields[model::field_index(*f)].levels[1];
            let u_product: f64 = fields.iter().map(|f| level1(f).u).product();
            let m_product: f64 = fields.iter().map(|f| level1(f).m).product();
            let expected_matches = model.prior * all_pairs * m_product;
            let non_matches = (*count as f64 - expected_matches).max(0.0);
            let u = if all_pairs > 0.0 {
                (non_matches / all_pairs).max(u_product)
            } else {
                u_product
            };
            Interaction {
                fields: fields.clone(),
                pairs_agreeing: *count,
                u,
                adjustment: (u_product / u).log2(),
            }
        })
        .collect()
}

/// Sets each field's m to the mean over the sessions that estimated it, and the prior from each
/// session's matches divided by the share of all matches its rule can see (the product of m at
/// full agreement over the fields it fixes).
fn combine_sessions(model: &mut Model, fitted: &[FittedSession], all_pairs: f64) {
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
            .map(|k| model.fields[k].levels[1].m)
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

/// Finds likely duplicates within one file with the default settings (training a model).
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// assert!(dedupe(&[]).unwrap().pairs.is_empty());
/// ```
pub fn dedupe(records: &[StudentRecord]) -> Result<MatchRun, MatchError> {
    Matcher::new(MatchSettings::default()).dedupe(records)
}

/// Finds each new record's likely match(es) among existing records, with the default settings.
///
/// ```
/// use heat_core::matching::{link, StudentRecord};
/// let run = link(&[StudentRecord::new("n")], &[StudentRecord::new("e")]).unwrap();
/// assert_eq!(run.candidate_pairs, 0);
/// ```
pub fn link(new: &[StudentRecord], existing: &[StudentRecord]) -> Result<MatchRun, MatchError> {
    Matcher::new(MatchSettings::default()).link(new, existing)
}

/// How many known duplicate pairs the blocking rules would compare (the recall check).
///
/// ```
/// use heat_core::matching::{blocking_recall, BlockingRule, StudentRecord};
/// let recs = vec![
///     StudentRecord::new("1").first_name("Ann").last_name("Lee"),
///     StudentRecord::new("2").first_name("Ann").last_name("Lee"),
///     StudentRecord::new("3").first_name("Anne").last_name("Leigh"),
/// ];
/// let r = blocking_recall(&recs, &BlockingRule::defaults(), &[(0, 1), (0, 2)], 5_000);
/// assert_eq!((r.found, r.known), (1, 2));
/// assert_eq!(r.by_rule[0], 1);
/// assert_eq!(r.recall(), 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingRecall {
    /// Known pairs given.
    pub known: u64,
    /// Known pairs some rule makes candidates.
    pub found: u64,
    /// Known pairs first found by each rule, in rule order.
    pub by_rule: Vec<u64>,
}

impl BlockingRecall {
    /// `found / known` (1.0 when nothing is known).
    ///
    /// ```
    /// use heat_core::matching::BlockingRecall;
    /// assert_eq!(BlockingRecall { known: 0, found: 0, by_rule: vec![] }.recall(), 1.0);
    /// ```
    pub fn recall(&self) -> f64 {
        if self.known == 0 {
            1.0
        } else {
            self.found as f64 / self.known as f64
        }
    }
}

/// Checks blocking rules against known duplicate pairs (row positions): how many would be
/// compared at all. Pairs outside the rows are counted as not found.
pub fn blocking_recall<R: StudentFields>(
    records: &[R],
    rules: &[BlockingRule],
    known_pairs: &[(usize, usize)],
    max_block_size: usize,
) -> BlockingRecall {
    let refs: Vec<&R> = records.iter().collect();
    let set = PreparedSet::build(&refs, nicknames());
    let blocks = Blocks::build(&set, rules, max_block_size.max(2), None);
    let mut by_rule = vec![0u64; rules.len()];
    for &(a, b) in known_pairs {
        if let Some(rule) = blocks.candidate_rule(a, b) {
            by_rule[rule] += 1;
        }
    }
    BlockingRecall {
        known: known_pairs.len() as u64,
        found: by_rule.iter().sum(),
        by_rule,
    }
}

/// Where a new record belongs among existing clusters.
///
/// ```
/// use heat_core::matching::Assignment;
/// let a = Assignment { cluster: None, existing_row: None, probability: 0.0 };
/// assert!(a.cluster.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The existing cluster, or `None` for a new student.
    pub cluster: Option<u64>,
    /// The existing row that matched best.
    pub existing_row: Option<u32>,
    /// Its match probability (0 when nothing matched).
    pub probability: f64,
}

/// Incremental scoring: assigns each new record to the existing cluster holding its best match at
/// or above the cluster threshold, with a trained model (no retraining).
///
/// ```
/// use heat_core::matching::{assign_to_clusters, dedupe, MatchSettings, StudentRecord};
/// let r = |id: &str, first: &str| StudentRecord::new(id).first_name(first).last_name("Begum").dob_str("2007-02-03").unwrap().postcode("E1 6AN");
/// let existing = vec![r("1", "Amina"), r("2", "AMINA"), r("3", "Sadia")];
/// let run = dedupe(&existing).unwrap();
/// let clusters = run.clusters(3, &MatchSettings::default()).labels;
/// let ids: Vec<u64> = clusters.iter().map(|&c| c as u64).collect();
/// let out = assign_to_clusters(&run.model, &MatchSettings::default(), &[r("n", "Amina")], &existing, &ids).unwrap();
/// assert_eq!(out[0].cluster, Some(ids[0]));
/// ```
pub fn assign_to_clusters<R: StudentFields>(
    model: &Model,
    settings: &MatchSettings,
    new: &[R],
    existing: &[R],
    existing_clusters: &[u64],
) -> Result<Vec<Assignment>, MatchError> {
    if existing_clusters.len() != existing.len() {
        return Err(MatchError::BadSetting {
            setting: "existing_clusters",
            reason: format!(
                "{} cluster ids for {} existing records",
                existing_clusters.len(),
                existing.len()
            ),
        });
    }
    let run = Matcher::new(settings.clone())
        .model(model.clone())
        .min_probability(settings.cluster_threshold)
        .link(new, existing)?;
    let mut out = vec![
        Assignment {
            cluster: None,
            existing_row: None,
            probability: 0.0,
        };
        new.len()
    ];
    // Pairs come strongest first, so the first pair seen for a new row is its best.
    for p in &run.pairs {
        let slot = &mut out[p.left as usize];
        if slot.cluster.is_none() {
            *slot = Assignment {
                cluster: existing_clusters.get(p.right as usize).copied(),
                existing_row: Some(p.right),
                probability: p.probability,
            };
        }
    }
    Ok(out)
}

/// Scores candidate pairs with a model.
struct Scorer<'a> {
    set: &'a PreparedSet,
    model: &'a Model,
    /// `weights[field][level]`.
    weights: Vec<Vec<f64>>,
    /// `log2(u)` of each term-frequency-adjusted field's exact level.
    tf_base: [f64; FIELD_COUNT],
    n: f64,
    prior: f64,
    term_frequency: bool,
    twin_guard: bool,
    twin_penalty: f64,
}

impl<'a> Scorer<'a> {
    fn new(set: &'a PreparedSet, model: &'a Model, s: &MatchSettings, large: bool) -> Self {
        let weights = model
            .fields
            .iter()
            .map(|f| {
                f.levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| if i == 0 { 0.0 } else { l.weight() })
                    .collect()
            })
            .collect();
        let mut tf_base = [0.0; FIELD_COUNT];
        for (k, f) in model.fields.iter().enumerate() {
            if let Some(l) = f.levels.get(1) {
                tf_base[k] = l.u.log2();
            }
        }
        Scorer {
            set,
            model,
            weights,
            tf_base,
            n: set.records.len().max(1) as f64,
            prior: model.prior_weight(),
            // Value frequencies in a small file say little about the population.
            term_frequency: s.term_frequency && large,
            twin_guard: s.twin_guard,
            twin_penalty: s.twin_penalty,
        }
    }

    /// `log2(u / share of records with this value)`, the term-frequency adjustment.
    fn tf_adjustment(&self, field: usize, a: &Prepared) -> f64 {
        let count = match Field::ALL[field] {
            Field::FirstName => self.set.first_count.get(a.first as usize),
            Field::LastName => self.set.last_count.get(a.last as usize),
            Field::School => self.set.school_count.get(a.school as usize),
            _ => None,
        };
        match count {
            Some(&c) if c > 0 => self.tf_base[field] - (c as f64 / self.n).log2(),
            _ => 0.0,
        }
    }

    fn score(&self, a: u32, b: u32) -> ScoredPair {
        let (ra, rb) = (&self.set.records[a as usize], &self.set.records[b as usize]);
        let levels = compare(self.set, ra, rb);
        let mut field_weights = [0f32; FIELD_COUNT];
        let mut weight = self.prior;
        for (k, &l) in levels.iter().enumerate() {
            let mut w = self.weights[k].get(l as usize).copied().unwrap_or(0.0);
            if l == 1 && self.term_frequency && Field::ALL[k].term_frequency_adjusted() {
                w += self.tf_adjustment(k, ra);
            }
            field_weights[k] = w as f32;
            weight += w;
        }
        weight += self
            .model
            .interaction_adjustment(&levels, &[false; FIELD_COUNT]);
        let twin = self.twin_guard && is_twin_pattern(&levels);
        if twin {
            weight += self.twin_penalty;
        }
        ScoredPair {
            left: a,
            right: b,
            weight,
            probability: probability_of_weight(weight),
            levels,
            field_weights,
            twin_guard: twin,
        }
    }
}

/// Same last name, the same (or all but the same) date of birth, the same home (postcode to
/// sector, or school), and first names that are clearly different people: twins, or siblings
/// whose dates were mistyped. Brothers and sisters are born months apart, so a date within a
/// month or one slip away does not make them one child.
fn is_twin_pattern(l: &Levels) -> bool {
    let [first, last, dob, postcode, school, _] = *l;
    first == FIRST_DIFFERENT
        && matches!(last, 1 | 2)
        && matches!(dob, 1 | 2 | 3 | 5)
        && (matches!(postcode, 1..=3) || school == 1)
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
