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
mod context;
mod model;
mod record;
mod run;
mod scoring;
mod settings;
mod training;

use serde::{Deserialize, Serialize};

pub use block::{
    BlockKey, BlockingRule, RulePlan, RuleReport, TextKeys, BROAD_RULE_CAP, DOB_ALONE_CAP,
};
pub use cluster::{cluster, Clustering};
pub use compare::{
    DobLevel, Field, FirstNameLevel, GenderLevel, LastNameLevel, Levels, PostcodeLevel,
    SchoolLevel, FIELD_COUNT,
};
pub use context::MatchContext;
pub use model::{
    probability_of_weight, weight_of_probability, EmSession, FieldParams, Interaction, LevelParams,
    Model, ModelError,
};
pub use record::{Gender, StudentFields, StudentRecord, StudentRef, MAX_NAME_CHARS};
pub use run::{FieldExplanation, MatchRun, Matcher, RunSummary, TwinReport};
pub use scoring::Guard;
pub use scoring::ScoredPair;
pub use settings::{check_ids, MatchError, MatchSettings, Progress, Stage};

use crate::names::nicknames;
use block::Blocks;
use record::PreparedSet;

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
///
/// ```
/// use heat_core::matching::{blocking_recall, BlockingRule, StudentRecord};
/// let recs = vec![
///     StudentRecord::new("1").first_name("Ann").last_name("Lee"),
///     StudentRecord::new("2").first_name("Ann").last_name("Lee"),
/// ];
/// assert_eq!(blocking_recall(&recs, &BlockingRule::defaults(), &[(0, 1), (0, 9)], 5_000).found, 1);
/// ```
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
