//! How a matching run is set up: settings, the errors that stop a run, and progress reports.

use serde::{Deserialize, Serialize};

use super::block::{BlockKey, BlockingRule};
use super::model::ModelError;
use crate::error::{codes, ErrorKind, HeatError};

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
    /// Pairs at or above this probability join clusters (default 0.95: stricter than
    /// `threshold`, because one weak link joins two whole clusters, and every pair between them
    /// then counts as one student).
    pub cluster_threshold: f64,
    /// A cluster never grows beyond this many records (guard against chains of weak links
    /// making a giant cluster); the weakest links are the ones left out.
    pub max_cluster_size: usize,
    /// Blocking groups with more records than this are split on further keys (date of birth,
    /// initials, district) until they fit; what still does not fit is skipped and reported.
    pub max_block_size: usize,
    /// Random pairs compared to estimate `u`.
    pub u_sample_pairs: u64,
    /// At most this many candidate pairs (a deterministic sample) train EM.
    pub em_max_pairs: u64,
    /// How many pseudo matches the embedded model's `m` counts for in EM (MAP estimation): a file
    /// with few duplicates keeps `m` near the embedded model, one with many learns its own
    /// (default 50).
    pub em_prior_strength: f64,
    /// A session whose estimated `m` at the "different" level of a name or the date of birth is
    /// above this (strangers' rate is near 1, true duplicates' a few percent) found households,
    /// not duplicates: its fields keep the embedded model's `m` (reported in the model's
    /// sessions as `fell_back`).
    pub max_different_m: f64,
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
    /// Bits added by a guard that vetoes (negative; the default, -40, vetoes the pair unless the
    /// settings are changed): the twin guard and the different-names guard.
    pub twin_penalty: f64,
    /// Different-names guard: first names clearly different and last names clearly different
    /// too, with no swap, nickname or initial to explain it, are two children, never one
    /// student, whatever the date of birth, school and postcode say.
    pub name_guard: bool,
    /// Merge twins with similar names (two real first names spelt alike, e.g. Aiden and Ayden,
    /// with the same last name, date of birth and home). Off by default: such pairs are reported
    /// as possible twins, held at probability 0.5.
    pub merge_possible_twins: bool,
    /// Twin pairs expected per student in a file: about 15 in 1,000 maternities in England and
    /// Wales are multiple births, so a file holding whole year groups has about 0.015 twin pairs
    /// per student (INFERRED from the ONS birth statistics; a file of a few selected students has
    /// fewer). The twin guard holds twin patterns while at least half of them could be twins
    /// (from this count, and from gender when the file records it); a file with far more (a data
    /// set whose duplicates had first names replaced, e.g. FEBRL) holds each at the probability
    /// the excess implies. Set it near 0 for data known to hold no twins (adult learners).
    pub expected_twin_share: f64,
    /// Twin pairs with similar names (Aiden and Ayden) expected per student (INFERRED: about one
    /// twin pair in five): the possible-twin guard holds such pairs at probability 0.5 while a
    /// file holds no more than twice this many.
    pub expected_similar_twin_share: f64,
    /// Share of twin pairs that are a boy and a girl (INFERRED: about a third of UK twins are
    /// boy/girl pairs; identical twins, about a third, are always one sex). When twin patterns
    /// record gender, the twin guard reads how many of them are twins from how many are boy/girl
    /// (one student's records almost never are), blended with the `expected_twin_share` count
    /// as ten patterns' worth.
    pub twin_opposite_sex_share: f64,
    /// Correct for last name, postcode and school agreeing together among different students
    /// (siblings, neighbours) by measuring how often they do ([`Interaction`](crate::matching::Interaction)).
    pub household_adjustment: bool,
    /// Files with fewer records than this are matched with the embedded default model
    /// ([`Model::default_trained`](crate::matching::Model::default_trained)) instead of training one, and without term-frequency
    /// adjustment.
    pub min_training_records: usize,
    /// Seed of the random-pair sampler (results are reproducible for a seed).
    pub seed: u64,
    /// Threads the run uses ([`crate::workers`]): `None` the default (`HEATKIT_WORKERS`, else
    /// every core); the pairs are the same whatever the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
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
            cluster_threshold: 0.95,
            max_cluster_size: 50,
            max_block_size: 500,
            u_sample_pairs: 500_000,
            em_max_pairs: 500_000,
            em_prior_strength: 50.0,
            max_different_m: 0.2,
            em_max_iterations: 100,
            em_tolerance: 1e-5,
            term_frequency: true,
            twin_guard: true,
            twin_penalty: -40.0,
            name_guard: true,
            merge_possible_twins: false,
            expected_twin_share: 0.015,
            expected_similar_twin_share: 0.002,
            twin_opposite_sex_share: 1.0 / 3.0,
            household_adjustment: true,
            min_training_records: 500,
            seed: 42,
            workers: None,
        }
    }
}

/// A problem that stops a matching run.
///
/// ```
/// use heat_core::{matching::{dedupe, StudentRecord}, HeatError};
/// let e = dedupe(&[StudentRecord::new("7"), StudentRecord::new("7")]).unwrap_err();
/// assert_eq!((e.code(), e.to_string().as_str()),
///            ("duplicate_id", "row 3: the record id is the same as row 2's (every record needs its own id)"));
/// ```
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
    /// Two records share an id, so a pair of them could not be told apart.
    #[error(
        "row {row}: the record id is the same as row {first_row}'s (every record needs its own id)"
    )]
    DuplicateId {
        /// The later row (spreadsheet numbering: the first record is row 2).
        row: usize,
        /// The row that first had the id.
        first_row: usize,
    },
    /// A record has no id.
    #[error("row {row}: the record id is missing (every record needs its own id)")]
    MissingId {
        /// The row (spreadsheet numbering: the first record is row 2).
        row: usize,
    },
    /// A pair to score names a record that is not there, or one record twice.
    #[error("pair {pair} ({left}, {right}): each side must be a different record of the {records} given (positions from 0)")]
    BadPair {
        /// The pair's position in the list (from 0).
        pair: usize,
        /// Its left record.
        left: u32,
        /// Its right record.
        right: u32,
        /// How many records were given.
        records: usize,
    },
    /// A saved match context could not be read.
    #[error("the match context could not be read: {0}")]
    BadContext(String),
}

/// Checks that every record has an id and no two share one (blank ids count as missing); rows
/// are numbered as in a spreadsheet, the first record being row 2.
///
/// ```
/// use heat_core::matching::check_ids;
/// use heat_core::HeatError;
/// assert!(check_ids([Some("a"), Some("b")]).is_ok());
/// let e = check_ids([Some("a"), Some("b"), Some("a")]).unwrap_err();
/// assert_eq!((e.code(), e.to_string().as_str()),
///     ("duplicate_id", "row 4: the record id is the same as row 2's (every record needs its own id)"));
/// assert_eq!(check_ids([Some("a"), Some(" ")]).unwrap_err().code(), "missing_id");
/// ```
pub fn check_ids<'a>(ids: impl IntoIterator<Item = Option<&'a str>>) -> Result<(), MatchError> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        let row = i + 2;
        let id = match id.map(str::trim) {
            Some(t) if !t.is_empty() => t,
            _ => return Err(MatchError::MissingId { row }),
        };
        if let Some(&first_row) = seen.get(id) {
            return Err(MatchError::DuplicateId { row, first_row });
        }
        seen.insert(id, row);
    }
    Ok(())
}

codes!(MatchError {
    Self::BadSetting { .. } => "bad_setting",
    Self::DuplicateId { .. } => "duplicate_id",
    Self::MissingId { .. } => "missing_id",
    Self::BadPair { .. } => "bad_pair",
    Self::BadContext(_) => "bad_context",
} delegate {
    Self::Model(e) => e,
});

impl HeatError for MatchError {
    fn code(&self) -> &'static str {
        self.stable_code()
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
