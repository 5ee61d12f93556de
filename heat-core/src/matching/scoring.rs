//! Scoring candidate pairs with a model: field weights, term-frequency adjustment, household
//! corrections, and the guards that keep two children apart.

use serde::{Deserialize, Serialize};

use super::compare::{
    close_names, compare, DobLevel, Field, FirstNameLevel, LastNameLevel, Levels, PostcodeLevel,
    SchoolLevel, FIELD_COUNT,
};
use super::model::{probability_of_weight, Model};
use super::record::NONE;
use super::record::{Prepared, PreparedSet};
use super::settings::MatchSettings;
use crate::names::is_known_given_name;

/// A rule that kept a pair from being taken for one student whatever its other fields say.
///
/// ```
/// use heat_core::matching::Guard;
/// assert_eq!(Guard::DifferentNames.name(), "different_names");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// First names clearly different and the last names clearly different too, with no swap,
    /// nickname or initial to explain it: two different children.
    DifferentNames,
    /// Same last name, date of birth (or all but) and home, first names clearly different:
    /// twins, or siblings whose dates were mistyped.
    Twin,
    /// Same last name, date of birth and home, and two real first names spelt alike (Aiden and
    /// Ayden, Jack and Jake, Ella and Ellie): possibly twins, so never merged by default.
    PossibleTwin,
}

impl Guard {
    /// The guard's snake_case name.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::Guard::PossibleTwin.name(), "possible_twin");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Guard::DifferentNames => "different_names",
            Guard::Twin => "twin",
            Guard::PossibleTwin => "possible_twin",
        }
    }
}

/// Scores candidate pairs with a model.
pub(super) struct Scorer<'a> {
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
    name_guard: bool,
    merge_possible_twins: bool,
    guard_penalty: f64,
}

impl<'a> Scorer<'a> {
    pub(super) fn new(
        set: &'a PreparedSet,
        model: &'a Model,
        s: &MatchSettings,
        large: bool,
    ) -> Self {
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
            name_guard: s.name_guard,
            merge_possible_twins: s.merge_possible_twins,
            guard_penalty: s.twin_penalty,
        }
    }

    /// The scorer of pairs from a file of `records` records, of which `set` holds only some
    /// (its value counts already the whole file's: see `MatchContext`).
    pub(super) fn of_records(self, records: u64) -> Self {
        Scorer {
            n: records.max(1) as f64,
            ..self
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

    /// A real name: on the embedded list, or given here in at least [`ESTABLISHED_FAMILIES`]
    /// families (different last names; one student's misspelling copied into its duplicates
    /// does not count).
    fn established(&self, name: u32) -> bool {
        self.set
            .first_families
            .get(name as usize)
            .is_some_and(|&c| c >= ESTABLISHED_FAMILIES)
            || is_known_given_name(self.set.name(name))
    }

    /// One record's first name is (or is spelt close to) the other's last name: a name typed in
    /// the wrong column, which explains names that otherwise look different.
    fn cross_match(&self, a: &Prepared, b: &Prepared) -> bool {
        let alike = |x: u32, y: u32| x != NONE && y != NONE && close_names(self.set, x, y);
        alike(a.first, b.last) || alike(a.last, b.first)
    }

    /// The two first names are one child's two names: one is a nickname or full form of the
    /// other (Millie / Amelia, Jon / John) or starts with it (Tom / Tommy, Alex / Alexander).
    /// Two diminutives of a third name (Ella / Ellie, both of Eleanor) can be twins.
    fn one_name_for_both(&self, a: &Prepared, b: &Prepared) -> bool {
        let (fa, fb) = (self.set.name(a.first), self.set.name(b.first));
        let (short, long) = if fa.len() <= fb.len() {
            (fa, fb)
        } else {
            (fb, fa)
        };
        self.set.canonicals(a).binary_search(&b.first).is_ok()
            || self.set.canonicals(b).binary_search(&a.first).is_ok()
            || (short.chars().count() >= 3 && long.starts_with(short))
    }

    /// The guard this pattern falls under, if any (the twin guard's strength is set by the run).
    fn guard(&self, l: &Levels, a: &Prepared, b: &Prepared) -> Option<Guard> {
        if self.name_guard && different_names(l) && !self.cross_match(a, b) {
            return Some(Guard::DifferentNames);
        }
        if self.twin_guard && is_twin_pattern(l) {
            return Some(Guard::Twin);
        }
        if self.twin_guard
            && !self.merge_possible_twins
            && is_possible_twin_pattern(l)
            && self.established(a.first)
            && self.established(b.first)
            && !self.one_name_for_both(a, b)
        {
            return Some(Guard::PossibleTwin);
        }
        None
    }

    pub(super) fn score(&self, a: u32, b: u32) -> ScoredPair {
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
        let household = self
            .model
            .interaction_adjustment(&levels, &[false; FIELD_COUNT]);
        weight += household;
        let guard = self.guard(&levels, ra, rb);
        let guard_weight = match guard {
            Some(Guard::DifferentNames) => self.guard_penalty,
            // Twin patterns are held by the run once it has counted them (see `TwinReport`).
            Some(Guard::Twin | Guard::PossibleTwin) | None => 0.0,
        };
        weight += guard_weight;
        ScoredPair {
            left: a,
            right: b,
            weight,
            probability: probability_of_weight(weight),
            levels,
            field_weights,
            household_weight: household as f32,
            guard,
            guard_weight: guard_weight as f32,
        }
    }
}

/// A first name not on the embedded list counts as a real name when this many families (last
/// names) in the file give it.
pub(super) const ESTABLISHED_FAMILIES: u32 = 3;

/// The probability a possible twin (two real names spelt alike) is held at while the file holds
/// no more such patterns than twins explain: reported, below any sensible threshold.
pub(super) const POSSIBLE_TWIN_PROBABILITY: f64 = 0.5;

/// First names clearly different (no swap, nickname, initial or close spelling) and last names
/// clearly different too: nothing says these are one child. (A missing name is no evidence
/// either way: the other fields decide.)
fn different_names(l: &Levels) -> bool {
    l[0] == FirstNameLevel::Different as u8 && l[1] == LastNameLevel::Different as u8
}

/// The same home: postcode to sector, or the same school.
fn same_home(postcode: u8, school: u8) -> bool {
    [
        PostcodeLevel::Unit as u8,
        PostcodeLevel::Typo as u8,
        PostcodeLevel::Sector as u8,
    ]
    .contains(&postcode)
        || school == SchoolLevel::Exact as u8
}

/// Same last name, the same (or all but the same) date of birth, the same home (postcode to
/// sector, or school), and first names that are clearly different people: twins, or siblings
/// whose dates were mistyped. Brothers and sisters are born months apart, so a date within a
/// month or one slip away does not make them one child.
pub(super) fn is_twin_pattern(l: &Levels) -> bool {
    let [first, last, dob, postcode, school, _] = *l;
    first == FirstNameLevel::Different as u8
        && [LastNameLevel::Exact as u8, LastNameLevel::Close as u8].contains(&last)
        && [
            DobLevel::Exact as u8,
            DobLevel::DayMonthSwap as u8,
            DobLevel::OneDigit as u8,
            DobLevel::WithinMonth as u8,
        ]
        .contains(&dob)
        && same_home(postcode, school)
}

/// Same last name, date of birth and home, and first names spelt alike but not the same (close,
/// similar, or two nicknames of one name): twins with similar names (Aiden / Ayden, Ella /
/// Ellie) when both names are real and neither is a form of the other (`one_name_for_both`).
fn is_possible_twin_pattern(l: &Levels) -> bool {
    let [first, last, dob, postcode, school, _] = *l;
    [
        FirstNameLevel::Close as u8,
        FirstNameLevel::Similar as u8,
        FirstNameLevel::Nickname as u8,
    ]
    .contains(&first)
        && last == LastNameLevel::Exact as u8
        && dob == DobLevel::Exact as u8
        && same_home(postcode, school)
}

/// One scored candidate pair. `left`/`right` are row positions: in [`dedupe`](super::dedupe) both are rows of
/// the one file (`left < right`); in [`link`](super::link) `left` is the new row and `right` the existing one.
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
    /// The household correction in bits (last name, postcode and school agreeing together are
    /// weaker evidence than apart: siblings share them); 0 when none applied.
    pub household_weight: f32,
    /// The guard that applied to this pair, if one did.
    pub guard: Option<Guard>,
    /// What the guard did to the weight, in bits (0 when none applied).
    pub guard_weight: f32,
}

impl ScoredPair {
    /// Whether a guard that keeps twins apart (the twin guard or the possible-twin guard)
    /// applied.
    ///
    /// ```
    /// use heat_core::matching::{dedupe, StudentRecord};
    /// let r = |id: &str, first: &str| StudentRecord::new(id).first_name(first).last_name("Okafor")
    ///     .dob_str("2009-03-04").unwrap().postcode("LS1 4AP");
    /// let run = heat_core::matching::Matcher::new(Default::default()).min_probability(0.0)
    ///     .dedupe(&[r("1", "Chioma"), r("2", "Adaeze")]).unwrap();
    /// assert!(run.pairs[0].twin_guard());
    /// ```
    pub fn twin_guard(&self) -> bool {
        matches!(self.guard, Some(Guard::Twin | Guard::PossibleTwin))
    }
}
