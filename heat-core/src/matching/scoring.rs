//! Scoring candidate pairs with a model: field weights, term-frequency adjustment, household
//! corrections and the twin guard.

use super::compare::{
    compare, DobLevel, Field, FirstNameLevel, LastNameLevel, Levels, PostcodeLevel, SchoolLevel,
    FIELD_COUNT,
};
use super::model::{probability_of_weight, Model};
use super::record::{Prepared, PreparedSet};
use super::run::ScoredPair;
use super::settings::MatchSettings;

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
    twin_penalty: f64,
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
    let level = |n: u8, all: &[u8]| all.contains(&n);
    first == FirstNameLevel::Different as u8
        && level(
            last,
            &[LastNameLevel::Exact as u8, LastNameLevel::Close as u8],
        )
        && level(
            dob,
            &[
                DobLevel::Exact as u8,
                DobLevel::DayMonthSwap as u8,
                DobLevel::OneDigit as u8,
                DobLevel::WithinMonth as u8,
            ],
        )
        && (level(
            postcode,
            &[
                PostcodeLevel::Unit as u8,
                PostcodeLevel::Typo as u8,
                PostcodeLevel::Sector as u8,
            ],
        ) || school == SchoolLevel::Exact as u8)
}
