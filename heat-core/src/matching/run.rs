//! A matching run and its results: the configured [`Matcher`], scored pairs, explanations and the
//! run's report.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::block::{Blocks, RuleReport};
use super::cluster::{cluster, Clustering};
use super::compare::{Field, Levels, FIELD_COUNT};
use super::model::{weight_of_probability, Model};
use super::record::{PreparedSet, StudentFields};
use super::scoring::Scorer;
use super::settings::{MatchError, MatchSettings, Progress, Stage};
use super::training::{effective_records, train};
use crate::names::{nicknames, NicknameTable};

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
            None if trainable => train(s, &set, split, &|stage, items| self.report(stage, items)),
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
}
