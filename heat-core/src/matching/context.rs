//! What scoring a pair needs from the whole file: its size, how often each name and school
//! occurs in it, and the model. Computed once ([`Matcher::context`](super::Matcher::context))
//! and handed to every scorer, so pairs scored apart (on Spark executors, in chunks) score
//! exactly as one run over the file would.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::block::RuleReport;
use super::model::Model;
use super::record::PreparedSet;
use super::settings::MatchError;

/// A file's value counts and model, keyed by the normalised text of each value (so any part of
/// the file, prepared on its own, finds its values' counts). Saved and read as JSON.
///
/// ```
/// use heat_core::matching::{Matcher, MatchContext, StudentRecord};
/// let recs = [StudentRecord::new("1").first_name("Zoë").last_name("Lee").school("100001")];
/// let context = Matcher::new(Default::default()).context(&recs).unwrap();
/// let again = MatchContext::from_json(&context.to_json()).unwrap();
/// assert_eq!(again, context);
/// // Keys are the normalised values the matcher compares (accents folded).
/// assert_eq!((again.first_names["zoe"], again.schools["100001"]), (1, 1));
/// assert!(MatchContext::from_json("{}").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchContext {
    /// Records in the file.
    pub records: u64,
    /// The file was large enough to train on: value frequencies adjust the weights.
    pub trained: bool,
    /// How the model was obtained (`trained`, `embedded` or `supplied`).
    pub model_source: String,
    /// The model every pair is scored with.
    pub model: Model,
    /// Records with each first name.
    pub first_names: BTreeMap<String, u32>,
    /// Records with each last name.
    pub last_names: BTreeMap<String, u32>,
    /// Records at each school.
    pub schools: BTreeMap<String, u32>,
    /// Different last names borne with each first name (a name given in several families is a
    /// real name, not one record's typo copied into its duplicates).
    pub first_name_families: BTreeMap<String, u32>,
    /// Candidate pairs the blocking rules make in the whole file.
    pub candidate_pairs: u64,
    /// What each blocking rule produced over the whole file.
    pub blocking: Vec<RuleReport>,
}

impl MatchContext {
    pub(super) fn of(
        set: &PreparedSet,
        model: Model,
        trained: bool,
        model_source: String,
        candidate_pairs: u64,
        blocking: Vec<RuleReport>,
    ) -> MatchContext {
        let counted = |texts: &[String], counts: &[u32]| -> BTreeMap<String, u32> {
            texts
                .iter()
                .zip(counts)
                .filter(|(_, &c)| c > 0)
                .map(|(t, &c)| (t.clone(), c))
                .collect()
        };
        MatchContext {
            records: set.records.len() as u64,
            trained,
            model_source,
            model,
            first_names: counted(&set.names, &set.first_count),
            last_names: counted(&set.names, &set.last_count),
            schools: counted(&set.schools, &set.school_count),
            first_name_families: counted(&set.names, &set.first_families),
            candidate_pairs,
            blocking,
        }
    }

    /// Gives `set` (some of the file's records) the whole file's counts of its values.
    pub(super) fn apply_counts(&self, set: &mut PreparedSet) {
        let look_up = |table: &BTreeMap<String, u32>, texts: &[String]| -> Vec<u32> {
            texts
                .iter()
                .map(|t| table.get(t).copied().unwrap_or(0))
                .collect()
        };
        set.first_count = look_up(&self.first_names, &set.names);
        set.last_count = look_up(&self.last_names, &set.names);
        set.school_count = look_up(&self.schools, &set.schools);
        set.first_families = look_up(&self.first_name_families, &set.names);
    }

    /// The context as JSON (for a file, or a Spark broadcast).
    ///
    /// ```
    /// use heat_core::matching::{Matcher, StudentRecord};
    /// let context = Matcher::new(Default::default()).context(&[StudentRecord::new("1")]).unwrap();
    /// assert!(context.to_json().contains("\"records\":1"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a context saved with [`MatchContext::to_json`], checking its model fits.
    ///
    /// ```
    /// use heat_core::HeatError;
    /// use heat_core::matching::MatchContext;
    /// assert_eq!(MatchContext::from_json("not json").unwrap_err().code(), "bad_context");
    /// ```
    pub fn from_json(text: &str) -> Result<MatchContext, MatchError> {
        let context: MatchContext =
            serde_json::from_str(text).map_err(|e| MatchError::BadContext(e.to_string()))?;
        context.model.check_shape()?;
        Ok(context)
    }
}
