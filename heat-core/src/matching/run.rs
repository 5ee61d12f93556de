//! A matching run and its results: the configured [`Matcher`], scored pairs, explanations and the
//! run's report.

use rayon::prelude::*;
use serde::Serialize;

use super::block::{Blocks, RuleReport, TextKeys};
use super::cluster::{cluster, Clustering, UnionFind};
use super::compare::{Field, GenderLevel};
use super::context::MatchContext;
use super::model::{weight_of_probability, Model};
use super::record::{PreparedSet, StudentFields};
use super::scoring::{Guard, ScoredPair, Scorer};
use super::settings::{check_ids, MatchError, MatchSettings, Progress, Stage};
use super::training::{effective_records, train};
use crate::names::{nicknames, NicknameTable};

/// How strongly a twin guard held in a run. Twin patterns (same last name, date of birth and
/// home; first names different, or two real names spelt alike) are held while at least half of
/// them look like twins; a file where most look like one student (a data set whose duplicates
/// had first names replaced, and few twins) gives each the probability that implies, never more
/// than its fields say. The share of twins is read from gender when enough patterns record it
/// (about a third of twins are boy/girl pairs; one student's records almost never are),
/// otherwise from how many patterns twins could explain.
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// let run = dedupe(&[StudentRecord::new("1"), StudentRecord::new("2")]).unwrap();
/// assert_eq!((run.twins.observed, run.twins.held, run.twins.method), (0, true, "count"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TwinReport {
    /// Pairs of students (records joined by the run's other matches count as one) with the
    /// pattern.
    pub observed: u64,
    /// Such pairs twins would explain among the file's students (the expected share × students).
    /// Patterns no more than `expected + 2·√expected + 1` (about a 95% upper limit) are held
    /// whatever the share.
    pub expected: f64,
    /// The estimated share of the patterns that are twins (1 when there are none).
    pub twin_share: f64,
    /// How `twin_share` was estimated: `gender` (the share of boy/girl patterns, blended with
    /// the count, and never above the upper limit of `expected` over `observed`) or `count`
    /// (`expected` over `observed`, at least 1 over `observed`).
    pub method: &'static str,
    /// Whether the pattern was held (`twin_share` at least one half, or by count no more
    /// patterns than twins could give).
    pub held: bool,
    /// When not held, the probability a pattern without gender was capped at (`1 -
    /// twin_share`; boy/girl patterns get less, same-sex ones a little more); 0 when held.
    pub probability: f64,
}

/// One step of a pair's explanation, in the order a waterfall chart draws them: the prior, each
/// field, the household correction, then a guard.
///
/// ```
/// use heat_core::matching::FieldExplanation;
/// let e = FieldExplanation { step: "dob", level: "exact", weight: 7.5 };
/// assert_eq!(e.to_string(), "dob: exact (+7.50)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldExplanation {
    /// `prior`, a field's name (`first_name` ...), `household` or `guard`.
    pub step: &'static str,
    /// The level the field reached (for the prior: `prior`; for a guard: its name).
    pub level: &'static str,
    /// Its contribution in bits.
    pub weight: f64,
}

impl std::fmt::Display for FieldExplanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({:+.2})", self.step, self.level, self.weight)
    }
}

/// The outcome of a [`dedupe`](crate::matching::dedupe) or [`link`](crate::matching::link) run.
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// let r = |id: &str| StudentRecord::new(id).first_name("Ife").last_name("Bello").dob_str("2010-10-10").unwrap();
/// let run = dedupe(&[r("1"), r("2")]).unwrap();
/// assert_eq!((run.candidate_pairs, run.matches().count()), (1, 1));
/// assert_eq!(run.blocking.len(), 14);
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
    /// The prior's part of every pair's weight, in bits.
    pub prior_weight: f64,
    /// How strongly the twin guard held (first names clearly different).
    pub twins: TwinReport,
    /// How strongly the possible-twin guard held (two real first names spelt alike).
    pub possible_twins: TwinReport,
    /// How the model was obtained: `trained` (EM on this file; see its sessions for any that
    /// fell back to the embedded model), `embedded` (a file too small to train) or `supplied`.
    pub model_source: &'static str,
    /// Records matched (both files' in a [`link`](crate::matching::link)).
    pub records: u64,
}

/// What a run did, for a log, a report or a notebook: sizes, how the model was obtained, what
/// each blocking rule found and skipped, and how the twin guards held. Holds no personal values.
///
/// ```
/// use heat_core::matching::{dedupe, StudentRecord};
/// let r = |id: &str| StudentRecord::new(id).first_name("Ife").last_name("Bello");
/// let s = dedupe(&[r("1"), r("2")]).unwrap().summary();
/// assert_eq!((s.records, s.candidate_pairs, s.matches, s.skipped_pairs), (2, 1, 1, 0));
/// assert!(s.to_json().contains("\"model_source\":\"embedded\""));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    /// Records matched.
    pub records: u64,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Pairs at or above the threshold.
    pub matches: u64,
    /// The threshold.
    pub threshold: f64,
    /// `trained`, `embedded` or `supplied` ([`MatchRun::model_source`]).
    pub model_source: &'static str,
    /// The training sessions (empty unless trained), with any fallback.
    pub sessions: Vec<super::model::EmSession>,
    /// The prior's part of every pair's weight, in bits.
    pub prior_weight: f64,
    /// What each blocking rule found, split and skipped.
    pub blocking: Vec<RuleReport>,
    /// Pairs in groups a rule could not compare even after splitting (summed over rules, leaving
    /// out small-groups-only rules; another rule may still have found some of them).
    pub skipped_pairs: u64,
    /// Records in such groups under the rule that skipped the most.
    pub skipped_records: u64,
    /// The twin guard.
    pub twins: TwinReport,
    /// The possible-twin guard.
    pub possible_twins: TwinReport,
}

impl RunSummary {
    /// The summary as JSON.
    ///
    /// ```
    /// use heat_core::matching::{dedupe, StudentRecord};
    /// let s = dedupe(&[StudentRecord::new("1")]).unwrap().summary();
    /// assert!(s.to_json().starts_with("{\"records\":1,"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl MatchRun {
    /// What the run did ([`RunSummary`]).
    ///
    /// ```
    /// use heat_core::matching::{dedupe, StudentRecord};
    /// let s = dedupe(&[StudentRecord::new("1"), StudentRecord::new("2")]).unwrap().summary();
    /// assert_eq!(s.blocking.len(), 14);
    /// ```
    pub fn summary(&self) -> RunSummary {
        RunSummary {
            records: self.records,
            candidate_pairs: self.candidate_pairs,
            matches: self.matches().count() as u64,
            threshold: self.threshold,
            model_source: self.model_source,
            sessions: self.model.sessions.clone(),
            prior_weight: self.prior_weight,
            blocking: self.blocking.clone(),
            skipped_pairs: self.counted().map(|r| r.skipped_pairs).sum(),
            skipped_records: self.counted().map(|r| r.skipped_records).max().unwrap_or(0),
            twins: self.twins,
            possible_twins: self.possible_twins,
        }
    }

    /// The rules whose skipped groups count as lost pairs (not small-groups-only rules).
    fn counted(&self) -> impl Iterator<Item = &RuleReport> {
        self.blocking.iter().filter(|r| !r.small_groups_only)
    }

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

    /// Keeps only each left row's strongest pair (pairs are strongest first): in a [`link`](crate::matching::link) run,
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

    /// The explanation of a pair, in waterfall order: the prior, each field's level and weight,
    /// the household correction (when one applied) and the guard (when one applied); the
    /// weights add up to the pair's weight.
    ///
    /// ```
    /// use heat_core::matching::{dedupe, StudentRecord};
    /// let r = |id: &str| StudentRecord::new(id).first_name("Ola").last_name("Nowak");
    /// let run = dedupe(&[r("1"), r("2")]).unwrap();
    /// let steps = run.explain(&run.pairs[0]);
    /// assert_eq!((steps[0].step, steps[1].step, steps[1].level), ("prior", "first_name", "exact"));
    /// let total: f64 = steps.iter().map(|s| s.weight).sum();
    /// assert!((total - run.pairs[0].weight).abs() < 1e-3);
    /// ```
    pub fn explain(&self, pair: &ScoredPair) -> Vec<FieldExplanation> {
        let mut out = vec![FieldExplanation {
            step: "prior",
            level: "prior",
            weight: self.prior_weight,
        }];
        out.extend(
            Field::ALL
                .iter()
                .zip(pair.levels)
                .zip(pair.field_weights)
                .map(|((&field, level), weight)| FieldExplanation {
                    step: field.name(),
                    level: field.levels()[level as usize],
                    weight: weight as f64,
                }),
        );
        if pair.household_weight != 0.0 {
            out.push(FieldExplanation {
                step: "household",
                level: "household",
                weight: pair.household_weight as f64,
            });
        }
        if let Some(g) = pair.guard {
            out.push(FieldExplanation {
                step: "guard",
                level: g.name(),
                weight: pair.guard_weight as f64,
            });
        }
        out
    }

    /// Clusters the records of a [`dedupe`](crate::matching::dedupe) run at the settings' cluster threshold.
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
        prob("expected_twin_share", s.expected_twin_share)?;
        prob("expected_similar_twin_share", s.expected_similar_twin_share)?;
        prob("max_different_m", s.max_different_m)?;
        prob("twin_opposite_sex_share", s.twin_opposite_sex_share)?;
        if s.twin_opposite_sex_share <= 0.1 {
            return Err(MatchError::BadSetting {
                setting: "twin_opposite_sex_share",
                reason: "must be above 0.1 (about a third of twins are boy/girl pairs)".into(),
            });
        }
        if !(s.em_prior_strength >= 0.0 && s.em_prior_strength.is_finite()) {
            return Err(MatchError::BadSetting {
                setting: "em_prior_strength",
                reason: "must be zero or a positive number".into(),
            });
        }
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
        check_record_ids(records)?;
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
        check_record_ids(new)?;
        check_record_ids(existing)?;
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

    /// A run on the settings' threads ([`MatchSettings::workers`]).
    fn run<R: StudentFields>(
        &self,
        records: &[&R],
        split: Option<u32>,
    ) -> Result<MatchRun, MatchError> {
        crate::workers::run_with(self.settings.workers, || self.run_here(records, split)).map_err(
            |e| MatchError::BadSetting {
                setting: "workers",
                reason: e.to_string(),
            },
        )?
    }

    fn run_here<R: StudentFields>(
        &self,
        records: &[&R],
        split: Option<u32>,
    ) -> Result<MatchRun, MatchError> {
        let Preparation {
            set,
            blocks,
            candidates,
            model,
            trainable,
        } = self.prepare(records, split)?;
        self.report(Stage::Scoring, candidates);
        let scorer = Scorer::new(&set, &model, &self.settings, trainable);
        let keep = self.keep();
        let pairs = blocks.fold(
            Vec::new,
            |acc: &mut Vec<ScoredPair>, a, b| {
                let pair = scorer.score(a, b);
                if keep(&pair) {
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
        drop(scorer);
        let source = self.model_source(trainable);
        let run = self.finish_run(pairs, model, records.len() as u64, source);
        Ok(MatchRun {
            blocking: blocks.reports,
            candidate_pairs: candidates,
            ..run
        })
    }

    /// Everything before scoring: the records prepared, grouped by the blocking rules (pairs
    /// counted), and the model (supplied, trained on this file, or the embedded one).
    fn prepare<R: StudentFields>(
        &self,
        records: &[&R],
        split: Option<u32>,
    ) -> Result<Preparation, MatchError> {
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
        Ok(Preparation {
            set,
            blocks,
            candidates,
            model,
            trainable,
        })
    }

    /// Which scored pairs a run keeps until the twin guards are settled: those at or above
    /// `min_probability`, and twin patterns (held by [`Matcher::finish`]'s count).
    fn keep(&self) -> impl Fn(&ScoredPair) -> bool + Sync {
        let min_p = self.min_probability.unwrap_or(self.settings.threshold);
        let min_weight = weight_of_probability(min_p);
        move |pair: &ScoredPair| pair.weight >= min_weight || min_p <= 0.0 || pair.twin_guard()
    }

    fn model_source(&self, trainable: bool) -> &'static str {
        match (&self.model, trainable) {
            (Some(_), _) => "supplied",
            (None, true) => "trained",
            (None, false) => "embedded",
        }
    }

    /// A file's [`MatchContext`]: its size, value counts and model, which
    /// [`Matcher::score_pairs`] needs to score any of its pairs as one run would. The blocking
    /// report and candidate count are this machine's; the pairs themselves may be made elsewhere
    /// (by joins on Spark) from the same rules.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let r = |id: &str, first: &str| StudentRecord::new(id).first_name(first).last_name("Bello");
    /// let recs = [r("1", "Ife"), r("2", "Ife"), r("3", "Tolu")];
    /// let context = Matcher::new(Default::default()).context(&recs).unwrap();
    /// assert_eq!((context.records, context.last_names["bello"], context.first_names["ife"]), (3, 3, 2));
    /// ```
    pub fn context<R: StudentFields>(&self, records: &[R]) -> Result<MatchContext, MatchError> {
        check_record_ids(records)?;
        let refs: Vec<&R> = records.iter().collect();
        let p = self.prepare(&refs, None)?;
        let source = self.model_source(p.trainable).to_string();
        Ok(MatchContext::of(
            &p.set,
            p.model,
            p.trainable,
            source,
            p.candidates,
            p.blocks.reports,
        ))
    }

    /// Every record's blocking keys as text, with the rules' caps (see [`TextKeys`]).
    pub fn text_keys<R: StudentFields>(&self, records: &[R]) -> TextKeys {
        let refs: Vec<&R> = records.iter().collect();
        let set = PreparedSet::build(&refs, self.nicknames);
        TextKeys::of(
            &set,
            &self.settings.blocking_rules,
            self.settings.max_block_size,
        )
    }

    /// Scores `pairs` (positions in `records`) as the run over the whole file described by
    /// `context` would: the records may be any part of that file (a Spark partition's pairs,
    /// say), since value counts and the model come from the context. Returns the pairs a run
    /// keeps (see [`Matcher::min_probability`]); [`Matcher::finish`] settles the twin guards
    /// once every part's pairs are together.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let r = |id: &str| StudentRecord::new(id).first_name("Ife").last_name("Bello").dob_str("2010-10-10").unwrap();
    /// let m = Matcher::new(Default::default());
    /// let all = [r("1"), r("2"), r("3")];
    /// let context = m.context(&all).unwrap();
    /// let part = m.score_pairs(&context, &all[1..], &[(0, 1)]).unwrap();
    /// assert_eq!((part.len(), part[0].levels[0]), (1, 1)); // first names exact
    /// assert!(m.score_pairs(&context, &all[1..], &[(0, 2)]).is_err()); // no record 2 here
    /// ```
    pub fn score_pairs<R: StudentFields>(
        &self,
        context: &MatchContext,
        records: &[R],
        pairs: &[(u32, u32)],
    ) -> Result<Vec<ScoredPair>, MatchError> {
        self.check_settings()?;
        context.model.check_shape()?;
        if let Some((i, &(a, b))) = pairs
            .iter()
            .enumerate()
            .find(|(_, &(a, b))| a.max(b) as usize >= records.len() || a == b)
        {
            return Err(MatchError::BadPair {
                pair: i,
                left: a,
                right: b,
                records: records.len(),
            });
        }
        let refs: Vec<&R> = records.iter().collect();
        let mut set = PreparedSet::build(&refs, self.nicknames);
        context.apply_counts(&mut set);
        let scorer = Scorer::new(&set, &context.model, &self.settings, context.trained)
            .of_records(context.records);
        let keep = self.keep();
        Ok(pairs
            .par_iter()
            .with_min_len(1024)
            .map(|&(a, b)| scorer.score(a, b))
            .filter(|p| keep(p))
            .collect())
    }

    /// The run that pairs scored apart by [`Matcher::score_pairs`] (with positions in the whole
    /// file) make together: twin guards settled over all of them, the kept pairs strongest
    /// first. Equal to [`Matcher::dedupe`] of the file when the pairs are its candidate pairs.
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let r = |id: &str| StudentRecord::new(id).first_name("Ife").last_name("Bello").dob_str("2010-10-10").unwrap();
    /// let m = Matcher::new(Default::default());
    /// let all = [r("1"), r("2"), r("3")];
    /// let context = m.context(&all).unwrap();
    /// let pairs = m.score_pairs(&context, &all, &[(0, 1), (1, 2), (0, 2)]).unwrap();
    /// let run = m.finish(&context, pairs);
    /// assert_eq!(run.pairs, m.dedupe(&all).unwrap().pairs);
    /// ```
    pub fn finish(&self, context: &MatchContext, pairs: Vec<ScoredPair>) -> MatchRun {
        let source = match context.model_source.as_str() {
            "supplied" => "supplied",
            "trained" => "trained",
            _ => "embedded",
        };
        let run = self.finish_run(pairs, context.model.clone(), context.records, source);
        MatchRun {
            blocking: context.blocking.clone(),
            candidate_pairs: context.candidate_pairs,
            ..run
        }
    }

    /// Settles the twin guards over a run's kept pairs and orders them strongest first.
    fn finish_run(
        &self,
        mut pairs: Vec<ScoredPair>,
        model: Model,
        records: u64,
        model_source: &'static str,
    ) -> MatchRun {
        let s = &self.settings;
        let prior_weight = model.prior_weight();
        let (mut joined, students) = students_left(&pairs, records as usize, s.threshold);
        let twins = hold_twins(
            &mut pairs,
            &mut joined,
            Guard::Twin,
            students,
            s.expected_twin_share,
            &model,
            s,
        );
        let possible_twins = hold_twins(
            &mut pairs,
            &mut joined,
            Guard::PossibleTwin,
            students,
            s.expected_similar_twin_share,
            &model,
            s,
        );
        let min_p = self.min_probability.unwrap_or(s.threshold);
        let min_weight = weight_of_probability(min_p);
        pairs.retain(|p| p.weight >= min_weight || min_p <= 0.0);
        pairs.par_sort_unstable_by(|x, y| {
            y.weight
                .total_cmp(&x.weight)
                .then(x.left.cmp(&y.left))
                .then(x.right.cmp(&y.right))
        });
        self.report(Stage::Done, pairs.len() as u64);
        MatchRun {
            pairs,
            model,
            blocking: Vec::new(),
            candidate_pairs: 0,
            threshold: s.threshold,
            prior_weight,
            twins,
            possible_twins,
            records,
            model_source,
        }
    }
}

/// A file prepared for scoring (see [`Matcher::prepare`]).
struct Preparation {
    set: PreparedSet,
    blocks: Blocks,
    candidates: u64,
    model: Model,
    trainable: bool,
}

/// [`check_ids`] on records that carry ids.
fn check_record_ids<R: StudentFields>(records: &[R]) -> Result<(), MatchError> {
    if records.iter().any(|r| r.id().is_some()) {
        check_ids(records.iter().map(StudentFields::id))?;
    }
    Ok(())
}

/// The students a file holds, as the sets the pairs above the threshold join (guarded pairs
/// left out), and how many there are.
fn students_left(pairs: &[ScoredPair], n_records: usize, threshold: f64) -> (UnionFind, f64) {
    let mut joined = UnionFind::new(n_records);
    let merges = pairs
        .iter()
        .filter(|p| p.guard.is_none() && p.probability >= threshold)
        .filter(|p| joined.union(p.left as usize, p.right as usize))
        .count();
    (joined, n_records.saturating_sub(merges) as f64)
}

/// How many twin patterns the count-based estimate is worth when the file's gender is blended in.
const GENDER_PSEUDO_PATTERNS: f64 = 10.0;

/// Sets a twin guard's strength from the file. The share `t` of its patterns that are twins is
/// estimated from the count twins could explain (`share` x `students`, against the patterns
/// observed) and, for the twin guard when patterns record gender, from how many are boy/girl
/// (twins are about a third of the time, one student's records almost never). While `t` is at least one half, each
/// pattern is held (the twin guard vetoes, the possible-twin guard holds at probability 0.5);
/// below that, each is capped at the probability of being one student that `t` and the pair's
/// own gender imply, never above what its fields say.
fn hold_twins(
    pairs: &mut [ScoredPair],
    students_of: &mut UnionFind,
    guard: Guard,
    students: f64,
    share: f64,
    model: &Model,
    s: &MatchSettings,
) -> TwinReport {
    let gender = Field::Gender as usize;
    let (same, different) = (GenderLevel::Same as u8, GenderLevel::Different as u8);
    // Patterns are counted once per pair of students (a twin's duplicates repeat the pattern);
    // a pair of students is boy/girl when any of its patterns is, gendered when any records it.
    let mut between: std::collections::HashMap<(u32, u32), u8> = std::collections::HashMap::new();
    for p in pairs.iter().filter(|p| p.guard == Some(guard)) {
        let (a, b) = (
            students_of.root(p.left as usize),
            students_of.root(p.right as usize),
        );
        let g = between.entry((a.min(b), a.max(b))).or_insert(0);
        let level = p.levels[gender];
        if level == different || *g == 0 {
            *g = level;
        }
    }
    let observed = between.len() as u64;
    let gendered = between.values().filter(|&&g| g != 0).count();
    let boy_girl = between.values().filter(|&&g| g == different).count();
    let expected = share * students;
    // At most this many twin pairs, at about 95% (a Poisson upper limit of the expected count).
    // No more patterns than that: the count alone is no evidence against twins (held). More:
    // twins are at most this share of them, whatever gender suggests (a file whose duplicates
    // had first names replaced may have had the gender replaced with them).
    let most_twins = expected + 2.0 * expected.sqrt() + 1.0;
    let consistent_with_twins = observed as f64 <= most_twins;
    let most_share = if observed == 0 {
        1.0
    } else {
        (most_twins / observed as f64).min(1.0)
    };
    // How often one student's records disagree on gender (a typing slip), bounded.
    let slip = model.m(Field::Gender, different).clamp(0.001, 0.2);
    let opposite = s.twin_opposite_sex_share.max(slip + 0.05);
    let by_count = if observed == 0 {
        1.0
    } else {
        (expected.max(1.0) / observed as f64).min(1.0)
    };
    let (twin_share, method) = if guard == Guard::Twin && gendered > 0 {
        // The boy/girl share the count implies, as `GENDER_PSEUDO_PATTERNS` pseudo patterns,
        // and the file's own: the file's outweighs the count once it has a few dozen.
        let implied = slip + by_count * (opposite - slip);
        let d = (boy_girl as f64 + GENDER_PSEUDO_PATTERNS * implied)
            / (gendered as f64 + GENDER_PSEUDO_PATTERNS);
        (
            ((d - slip) / (opposite - slip)).clamp(0.0, most_share),
            "gender",
        )
    } else {
        (by_count, "count")
    };
    let held = twin_share >= 0.5 || (method == "count" && consistent_with_twins);
    let student = 1.0 - twin_share;
    // P(one student | pattern, the pair's gender level).
    let posterior = |level: u8| {
        let (d, t) = match level {
            l if l == same => (student * (1.0 - slip), twin_share * (1.0 - opposite)),
            l if l == different => (student * slip, twin_share * opposite),
            _ => return student,
        };
        if d + t > 0.0 {
            d / (d + t)
        } else {
            0.0
        }
    };
    let possible_twin_cap = weight_of_probability(super::scoring::POSSIBLE_TWIN_PROBABILITY);
    for p in pairs.iter_mut().filter(|p| p.guard == Some(guard)) {
        let new = match (held, guard) {
            (true, Guard::PossibleTwin) => p.weight.min(possible_twin_cap),
            (true, _) => p.weight + s.twin_penalty,
            (false, _) => p
                .weight
                .min(weight_of_probability(posterior(p.levels[gender]))),
        };
        p.guard_weight = (new - p.weight) as f32;
        p.weight = new;
        p.probability = super::model::probability_of_weight(new);
    }
    TwinReport {
        observed,
        expected,
        twin_share,
        method,
        held,
        probability: if held { 0.0 } else { student },
    }
}
