//! The Fellegi–Sunter model: per-field m and u probabilities, trained without labels.
//!
//! `u` (how often two *different* students agree at a level) comes from comparing random pairs;
//! `m` (how often two records of the *same* student do) and the share of candidate pairs that
//! match come from expectation-maximisation over the candidate pairs. A pair's match weight is
//! `log2` of its prior odds plus the sum of `log2(m/u)` over its fields' levels.

use crate::error::{codes, ErrorKind, HeatError};
use serde::{Deserialize, Serialize};

use super::compare::{Field, Levels, FIELD_COUNT};

/// One level's parameters.
///
/// ```
/// use heat_core::matching::LevelParams;
/// let l = LevelParams { level: "exact".into(), m: 0.9, u: 0.01 };
/// assert!((l.weight() - (0.9f64 / 0.01).log2()).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelParams {
    /// The level's label (see [`Field::levels`]).
    pub level: String,
    /// P(level | same student).
    pub m: f64,
    /// P(level | different students), from comparing random pairs.
    pub u: f64,
}

impl LevelParams {
    /// `log2(m / u)`: the evidence this level gives, in bits.
    ///
    /// ```
    /// use heat_core::matching::LevelParams;
    /// let l = LevelParams { level: "different".into(), m: 0.01, u: 0.5 };
    /// assert!(l.weight() < 0.0);
    /// ```
    pub fn weight(&self) -> f64 {
        (self.m / self.u).log2()
    }
}

/// One field's parameters, a [`LevelParams`] per level (level 0, `missing`, has weight 0).
///
/// ```
/// use heat_core::matching::{Field, Model};
/// let m = Model::untrained();
/// assert_eq!(m.fields[0].field, Field::FirstName);
/// assert_eq!(m.fields[0].levels.len(), Field::FirstName.levels().len());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParams {
    /// The field.
    pub field: Field,
    /// Parameters by level, in [`Field::levels`] order.
    pub levels: Vec<LevelParams>,
}

/// One expectation-maximisation session: EM over the pairs one training rule blocks together,
/// estimating `m` for the fields the rule does not fix.
///
/// ```
/// use heat_core::matching::EmSession;
/// let s = EmSession { rule: "dob".into(), pairs: 10, iterations: 3, converged: true,
///     match_share: 0.2, fell_back: None };
/// assert_eq!(s.rule, "dob");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmSession {
    /// The training rule's name.
    pub rule: String,
    /// Pairs EM ran over (a deterministic sample when the rule makes more).
    pub pairs: u64,
    /// Iterations run.
    pub iterations: u32,
    /// Whether EM stopped because the parameters stopped changing.
    pub converged: bool,
    /// Estimated share of the rule's pairs that are the same student.
    pub match_share: f64,
    /// Why this session's estimate was not used, when it was not: EM found a "match" class that
    /// cannot be duplicates (different names or dates of birth as common among its "matches" as
    /// among strangers: households, twins or classmates), so the session's fields keep the
    /// embedded model's `m` and only the match share was estimated. `None`: the estimate stood.
    #[serde(default)]
    pub fell_back: Option<String>,
}

/// A correction for fields that agree together more often than chance among *different*
/// students: siblings share a last name, an address and often a school, and neighbours a
/// school. When every field of the set agrees exactly, the pair's weight gets `adjustment` bits
/// (negative), replacing the product of the fields' `u` by the measured joint rate.
///
/// ```
/// use heat_core::matching::{Field, Interaction};
/// let i = Interaction { fields: vec![Field::LastName, Field::Postcode], pairs_agreeing: 10, u: 1e-5, adjustment: -7.0 };
/// assert_eq!(i.fields.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// The fields (each at its exact level).
    pub fields: Vec<Field>,
    /// Pairs of records agreeing exactly on all of them, in the training data.
    pub pairs_agreeing: u64,
    /// Estimated P(all agree | different students).
    pub u: f64,
    /// `log2(product of the fields' u / u)`, added to the weight when all agree.
    pub adjustment: f64,
}

/// A trained (or starting) model. Save it with [`Model::to_json`] and reuse it with
/// [`Model::from_json`] so that a model is trained once.
///
/// ```
/// use heat_core::matching::Model;
/// let m = Model::untrained();
/// let again = Model::from_json(&m.to_json()).unwrap();
/// assert_eq!(m, again);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Format version of the saved model.
    pub version: u32,
    /// Probability that two records drawn at random are the same student (the prior).
    pub prior: f64,
    /// Parameters by field, in [`Field::ALL`] order.
    pub fields: Vec<FieldParams>,
    /// The EM sessions that trained `m`.
    pub sessions: Vec<EmSession>,
    /// Household corrections, largest field set first.
    pub interactions: Vec<Interaction>,
    /// Records in the file the model was trained on (0 when unknown).
    #[serde(default)]
    pub trained_records: u64,
}

/// A problem with a saved model.
///
/// ```
/// use heat_core::{matching::Model, HeatError};
/// assert_eq!(Model::from_json("{}").unwrap_err().code(), "bad_model");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The text is not a model (bad JSON or missing parts).
    #[error("not a heatkit matching model: {0}")]
    Format(String),
    /// The model does not have the fields and levels this version compares.
    #[error("model does not fit this version: {0}")]
    Shape(String),
}

codes!(ModelError {
    Self::Format(_) => "bad_model",
    Self::Shape(_) => "model_mismatch",
});

impl HeatError for ModelError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Matching
    }
}

pub(crate) const MODEL_VERSION: u32 = 1;

/// The smallest m, u or prior a model may hold: every weight then stays within ±50 bits, so
/// probabilities are never NaN or exactly 0 or 1 by overflow.
pub const MIN_PROBABILITY: f64 = 1e-15;
/// The largest household correction a model may hold, in bits.
const MAX_ADJUSTMENT_BITS: f64 = 60.0;

#[allow(clippy::expect_used)] // embedded data, not input: parsed by a unit test on every build
static DEFAULT_MODEL: once_cell::sync::Lazy<Model> = once_cell::sync::Lazy::new(|| {
    Model::from_json(include_str!("../../data/matching/default_model.json"))
        .expect("data/matching/default_model.json is a valid model (tested)")
});

/// Starting `m` for levels 1.. of each field (before EM): most mass on full agreement.
fn starting_m(field: Field) -> &'static [f64] {
    match field {
        Field::FirstName => &[0.80, 0.06, 0.03, 0.01, 0.03, 0.04, 0.03],
        Field::LastName => &[0.85, 0.06, 0.02, 0.03, 0.04],
        Field::Dob => &[0.88, 0.02, 0.04, 0.02, 0.02, 0.02],
        Field::Postcode => &[0.75, 0.05, 0.03, 0.05, 0.04, 0.08],
        Field::School => &[0.85, 0.02, 0.13],
        Field::Gender => &[0.95, 0.05],
    }
}

impl Model {
    /// A model with starting values only (m from a prior, u uniform); train it before use.
    ///
    /// ```
    /// assert!(heat_core::matching::Model::untrained().sessions.is_empty());
    /// ```
    pub fn untrained() -> Model {
        let fields = Field::ALL
            .iter()
            .map(|&field| {
                let labels = field.levels();
                let m0 = starting_m(field);
                let n = (labels.len() - 1) as f64;
                let levels = labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| LevelParams {
                        level: (*l).to_string(),
                        m: if i == 0 { 1.0 } else { m0[i - 1] },
                        u: if i == 0 { 1.0 } else { 1.0 / n },
                    })
                    .collect();
                FieldParams { field, levels }
            })
            .collect();
        Model {
            version: MODEL_VERSION,
            prior: 1e-5,
            fields,
            sessions: Vec::new(),
            interactions: Vec::new(),
            trained_records: 0,
        }
    }

    /// The embedded default model (`data/matching/SOURCE.md`), used for files too small to train
    /// their own.
    ///
    /// ```
    /// let m = heat_core::matching::Model::default_trained();
    /// assert_eq!(m.trained_records, 100_000);
    /// assert!(m.fields[2].levels[1].m > 0.8);
    /// ```
    pub fn default_trained() -> Model {
        DEFAULT_MODEL.clone()
    }

    /// The model with its prior moved to a file of `records` records (for [`crate::matching::link`],
    /// `existing` records), holding the number of duplicates per record constant, and at most
    /// 0.001 (a small file is not mostly duplicates); the household corrections' joint rates move
    /// by the same factor (siblings per record held constant).
    ///
    /// ```
    /// let m = heat_core::matching::Model::default_trained();
    /// let small = m.rescaled(10_000);
    /// assert!((small.prior / m.prior - 99_999.0 / 9_999.0).abs() < 1e-6);
    /// assert_eq!(m.rescaled(3).prior, 0.001);
    /// ```
    pub fn rescaled(&self, records: u64) -> Model {
        let mut m = self.clone();
        if self.trained_records > 1 && records > 1 {
            let factor = (self.trained_records - 1) as f64 / (records - 1) as f64;
            m.prior = (self.prior * factor).clamp(1e-15, 0.001);
            // Siblings per record are held constant too: the joint rates of the household
            // corrections move with the prior, so a shared home is no stronger evidence in a
            // small file than in a large one.
            let effective = m.prior / self.prior;
            for i in &mut m.interactions {
                let u_product: f64 = i
                    .fields
                    .iter()
                    .map(|f| {
                        self.fields
                            .get(field_index(*f))
                            .and_then(|p| p.levels.get(1))
                            .map_or(1.0, |l| l.u)
                    })
                    .product();
                i.u = (i.u * effective).clamp(u_product, 1.0);
                i.adjustment = (u_product / i.u).log2();
            }
        }
        m
    }

    /// The model as JSON.
    ///
    /// ```
    /// assert!(heat_core::matching::Model::untrained().to_json().contains("\"first_name\""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a model saved with [`Model::to_json`], checking it fits this version's fields.
    ///
    /// ```
    /// use heat_core::HeatError;
    /// use heat_core::matching::Model;
    /// let mut m = Model::untrained();
    /// m.fields.pop();
    /// assert_eq!(Model::from_json(&m.to_json()).unwrap_err().code(), "model_mismatch");
    /// ```
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        let model: Model =
            serde_json::from_str(text).map_err(|e| ModelError::Format(e.to_string()))?;
        model.check_shape()?;
        Ok(model)
    }

    pub(crate) fn check_shape(&self) -> Result<(), ModelError> {
        if self.fields.len() != FIELD_COUNT {
            return Err(ModelError::Shape(format!(
                "{} fields, expected {FIELD_COUNT}",
                self.fields.len()
            )));
        }
        for (f, want) in self.fields.iter().zip(Field::ALL) {
            if f.field != want || f.levels.len() != want.levels().len() {
                return Err(ModelError::Shape(format!(
                    "field {} has {} levels, expected {} for {}",
                    f.field.name(),
                    f.levels.len(),
                    want.levels().len(),
                    want.name()
                )));
            }
            for l in &f.levels {
                for (name, p) in [("m", l.m), ("u", l.u)] {
                    if !(MIN_PROBABILITY..=1.0).contains(&p) {
                        return Err(ModelError::Shape(format!(
                            "field {} level {}: {name} = {p} is not a probability from {MIN_PROBABILITY:e} to 1",
                            f.field.name(),
                            l.level
                        )));
                    }
                }
            }
        }
        if !(self.prior >= MIN_PROBABILITY && self.prior < 1.0) {
            return Err(ModelError::Shape(format!(
                "prior = {} is not a probability from {MIN_PROBABILITY:e} to below 1",
                self.prior
            )));
        }
        for i in &self.interactions {
            let sane = i.adjustment.is_finite()
                && i.adjustment.abs() <= MAX_ADJUSTMENT_BITS
                && (MIN_PROBABILITY..=1.0).contains(&i.u);
            if !sane {
                return Err(ModelError::Shape(format!(
                    "household correction for {:?}: u = {}, adjustment = {} bits is out of range",
                    i.fields, i.u, i.adjustment
                )));
            }
        }
        Ok(())
    }

    /// `log2(m/u)` for a field at a level (0 for `missing`).
    ///
    /// ```
    /// use heat_core::matching::{Field, Model};
    /// assert_eq!(Model::untrained().level_weight(Field::Dob, 0), 0.0);
    /// ```
    pub fn level_weight(&self, field: Field, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        self.fields
            .iter()
            .find(|f| f.field == field)
            .and_then(|f| f.levels.get(level as usize))
            .map_or(0.0, LevelParams::weight)
    }

    /// `m` (the share of one student's record pairs) for a field at a level (1 for `missing`,
    /// 0 for a level the model lacks).
    ///
    /// ```
    /// use heat_core::matching::{Field, Model};
    /// let m = Model::default_trained();
    /// assert!(m.m(Field::Gender, 2) < 0.1);
    /// assert_eq!(m.m(Field::Gender, 0), 1.0);
    /// ```
    pub fn m(&self, field: Field, level: u8) -> f64 {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .and_then(|f| f.levels.get(level as usize))
            .map_or(0.0, |l| l.m)
    }

    /// Prior log-odds, in bits, that two records are one student.
    ///
    /// ```
    /// let m = heat_core::matching::Model::untrained();
    /// assert!((m.prior_weight() - (1e-5f64 / (1.0 - 1e-5)).log2()).abs() < 1e-12);
    /// ```
    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// The adjustment for a pair's levels: the first interaction (largest first) whose fields all
    /// agree exactly and none of which is in `skip`.
    ///
    /// ```
    /// use heat_core::matching::{Field, Interaction, Model};
    /// let mut m = Model::untrained();
    /// m.interactions.push(Interaction { fields: vec![Field::LastName, Field::Postcode], pairs_agreeing: 1, u: 1e-5, adjustment: -6.5 });
    /// assert_eq!(m.interaction_adjustment(&[1, 1, 6, 1, 0, 0], &[false; 6]), -6.5);
    /// assert_eq!(m.interaction_adjustment(&[1, 2, 6, 1, 0, 0], &[false; 6]), 0.0);
    /// ```
    pub fn interaction_adjustment(&self, levels: &Levels, skip: &[bool; FIELD_COUNT]) -> f64 {
        self.interactions
            .iter()
            .find(|i| {
                i.fields.iter().all(|f| {
                    let k = field_index(*f);
                    levels[k] == 1 && !skip[k]
                })
            })
            .map_or(0.0, |i| i.adjustment)
    }

    /// Sets `u` from level counts over random pairs, with add-half smoothing.
    pub(crate) fn set_u_from_counts(&mut self, counts: &[Vec<u64>]) {
        for (f, c) in self.fields.iter_mut().zip(counts) {
            let compared: u64 = c.iter().skip(1).sum();
            let n_levels = (c.len() - 1) as f64;
            for (l, &k) in f.levels.iter_mut().zip(c).skip(1) {
                let u = (k as f64 + 0.5) / (compared as f64 + 0.5 * n_levels);
                l.u = u;
            }
        }
    }

    /// Expectation-maximisation over a histogram of level patterns with `u` held fixed:
    /// estimates `m` for the fields not in `fixed` and the share of the pairs that match.
    /// Level `missing` carries no evidence and is skipped. Returns the fitted `m` (levels 0..)
    /// and the session report.
    ///
    /// `m` is estimated MAP-style: `prior` (the embedded model's `m`) counts as `strength` pseudo
    /// matches, so a file with few duplicates cannot pull `m` far from sane values.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fit_em(
        &self,
        rule: String,
        patterns: &[(Levels, u64)],
        fixed: &[bool; FIELD_COUNT],
        max_iter: u32,
        tol: f64,
        prior: &Model,
        strength: f64,
    ) -> (Vec<Vec<f64>>, EmSession) {
        let total: u64 = patterns.iter().map(|p| p.1).sum();
        let mut m: Vec<Vec<f64>> = self
            .fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.m).collect())
            .collect();
        let u: Vec<Vec<f64>> = self
            .fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.u).collect())
            .collect();
        let prior_m: Vec<Vec<f64>> = prior
            .fields
            .iter()
            .map(|f| f.levels.iter().map(|l| l.m).collect())
            .collect();
        let mut session = EmSession {
            rule,
            pairs: total,
            iterations: 0,
            converged: false,
            match_share: 0.0,
            fell_back: None,
        };
        if total == 0 {
            return (m, session);
        }
        let mut p: f64 = 0.5;
        for iter in 1..=max_iter {
            let mut m_acc: Vec<Vec<f64>> = m.iter().map(|v| vec![0.0; v.len()]).collect();
            let mut matched = 0.0;
            for (levels, count) in patterns {
                let (mut lm, mut lu) = (p.ln(), (1.0 - p).ln());
                for (k, &l) in levels.iter().enumerate() {
                    if l != 0 && !fixed[k] {
                        lm += m[k][l as usize].ln();
                        lu += u[k][l as usize].ln();
                    }
                }
                lu -= self.interaction_adjustment(levels, fixed) * std::f64::consts::LN_2;
                let w = 1.0 / (1.0 + (lu - lm).exp());
                let c = *count as f64;
                matched += w * c;
                for (k, &l) in levels.iter().enumerate() {
                    m_acc[k][l as usize] += w * c;
                }
            }
            let new_p = (matched / total as f64).clamp(1e-9, 1.0 - 1e-9);
            let mut change = (new_p - p).abs();
            for k in (0..FIELD_COUNT).filter(|&k| !fixed[k]) {
                let acc = &m_acc[k];
                let s: f64 = acc.iter().skip(1).sum();
                for l in 1..acc.len() {
                    // The prior's pseudo matches keep every level possible and the estimate sane.
                    let pseudo = strength * prior_m[k].get(l).copied().unwrap_or(0.0);
                    let v = ((acc[l] + pseudo) / (s + strength)).max(1e-7);
                    change = change.max((v - m[k][l]).abs());
                    m[k][l] = v;
                }
            }
            p = new_p;
            session.iterations = iter;
            if change < tol {
                session.converged = true;
                break;
            }
        }
        session.match_share = p;
        (m, session)
    }

    /// EM for the match share alone, with `m` held at `m` (used when a session fell back).
    pub(crate) fn fit_share(
        &self,
        patterns: &[(Levels, u64)],
        fixed: &[bool; FIELD_COUNT],
        m: &[Vec<f64>],
        max_iter: u32,
        tol: f64,
    ) -> f64 {
        let total: u64 = patterns.iter().map(|p| p.1).sum();
        if total == 0 {
            return 0.0;
        }
        // Each pattern's likelihood ratio is fixed; only the share moves.
        let ratios: Vec<(f64, f64)> = patterns
            .iter()
            .map(|(levels, count)| {
                let mut lr = 0.0;
                for (k, &l) in levels.iter().enumerate() {
                    if l != 0 && !fixed[k] {
                        lr += (m[k][l as usize] / self.fields[k].levels[l as usize].u).ln();
                    }
                }
                lr += self.interaction_adjustment(levels, fixed) * std::f64::consts::LN_2;
                (lr, *count as f64)
            })
            .collect();
        let mut p: f64 = 0.01;
        for _ in 0..max_iter {
            let odds = (p / (1.0 - p)).ln();
            let matched: f64 = ratios
                .iter()
                .map(|(lr, c)| c / (1.0 + (-(lr + odds)).exp()))
                .sum();
            let new_p = (matched / total as f64).clamp(1e-9, 1.0 - 1e-9);
            let done = (new_p - p).abs() < tol;
            p = new_p;
            if done {
                break;
            }
        }
        p
    }
}

/// Position of a field in [`Field::ALL`].
pub(crate) fn field_index(f: Field) -> usize {
    Field::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

/// Match probability from a match weight in bits.
///
/// ```
/// use heat_core::matching::probability_of_weight;
/// assert_eq!(probability_of_weight(0.0), 0.5);
/// assert!((probability_of_weight(10.0) - 1024.0 / 1025.0).abs() < 1e-12);
/// ```
pub fn probability_of_weight(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Match weight in bits of a probability (clamped away from 0 and 1).
///
/// ```
/// use heat_core::matching::weight_of_probability;
/// assert!((weight_of_probability(0.5)).abs() < 1e-12);
/// assert!(weight_of_probability(1.0).is_finite());
/// ```
pub fn weight_of_probability(p: f64) -> f64 {
    let p = p.clamp(1e-15, 1.0 - 1e-15);
    (p / (1.0 - p)).log2()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    #[test]
    fn em_separates_two_clear_classes() {
        let mut model = Model::untrained();
        let random: Vec<Vec<u64>> = Field::ALL
            .iter()
            .map(|f| {
                let mut v = vec![0u64; f.levels().len()];
                v[1] = 10;
                let last = v.len() - 1;
                v[last] = 10_000;
                v
            })
            .collect();
        model.set_u_from_counts(&random);
        // 1,000 pairs agreeing on everything, 9,000 disagreeing on everything but the dob.
        let agree: Levels = [1, 1, 1, 1, 1, 1];
        let differ: Levels = [7, 5, 1, 6, 3, 2];
        let mut fixed = [false; FIELD_COUNT];
        fixed[2] = true;
        let (m, s) = model.fit_em(
            "dob".into(),
            &[(agree, 1_000), (differ, 9_000)],
            &fixed,
            200,
            1e-9,
            &Model::untrained(),
            1.0,
        );
        assert!(s.converged);
        assert!((s.match_share - 0.1).abs() < 1e-3);
        assert!(m[0][1] > 0.99);
        assert!(m[3][6] < 0.01);
        // The fixed field keeps its starting m.
        assert_eq!(m[2][1], model.fields[2].levels[1].m);
        assert_eq!(s.pairs, 10_000);
    }

    #[test]
    fn absurd_or_non_finite_models_are_refused() {
        let good = Model::default_trained().to_json();
        for (from, to) in [
            ("\"m\": 0.", "\"m\": 1e308, \"was\": 0."),
            ("\"u\": 0.", "\"u\": 1e-320, \"was\": 0."),
            ("\"prior\": ", "\"prior\": 2.0, \"was\": "),
            ("\"adjustment\": ", "\"adjustment\": 1e300, \"was\": "),
        ] {
            let bad = good.replacen(from, to, 1);
            assert_ne!(bad, good, "{from}");
            let e = Model::from_json(&bad).unwrap_err();
            assert!(
                matches!(e.code(), "model_mismatch" | "bad_model"),
                "{from}: {e}"
            );
        }
        // NaN and infinity are not JSON numbers at all.
        let e = Model::from_json(&good.replacen("\"prior\": ", "\"prior\": NaN, \"was\": ", 1))
            .unwrap_err();
        assert_eq!(e.code(), "bad_model");
    }

    #[test]
    fn embedded_default_model_reads() {
        let m = Model::from_json(include_str!("../../data/matching/default_model.json")).unwrap();
        assert_eq!(m.trained_records, 100_000);
        assert_eq!(m.interactions.len(), 4);
        assert_eq!(m, Model::default_trained());
    }

    #[test]
    fn u_counts_are_smoothed() {
        let mut model = Model::untrained();
        let counts: Vec<Vec<u64>> = Field::ALL
            .iter()
            .map(|f| {
                let mut v = vec![0u64; f.levels().len()];
                let last = v.len() - 1;
                v[last] = 100;
                v
            })
            .collect();
        model.set_u_from_counts(&counts);
        let gender = &model.fields[5].levels;
        assert!((gender[1].u - 0.5 / 101.0).abs() < 1e-12);
        assert!((gender[2].u - 100.5 / 101.0).abs() < 1e-12);
    }
}
