//! How a matching run is set up: settings, the errors that stop a run, and progress reports.

use serde::{Deserialize, Serialize};

use super::block::{BlockKey, BlockingRule};
use super::model::ModelError;
use crate::error::{ErrorKind, HeatError};

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
