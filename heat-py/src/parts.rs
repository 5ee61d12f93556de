//! Matching in parts (Spark): a file's `MatchContext`, its records' blocking keys as text, pairs
//! scored with only their own records, and the run those pairs make together.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, Float32Array, Float64Array, Int8Array, StringArray, UInt32Array, UInt8Array,
};
use heat_core::matching::{Field, Guard, MatchContext, Matcher, ScoredPair, FIELD_COUNT};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::raise;
use crate::matching::{
    check_issues, chunked, model_of, run_output, settings_of, Columns, FieldIssue, RunOutput,
};

const GUARDS: [Guard; 3] = [Guard::DifferentNames, Guard::Twin, Guard::PossibleTwin];

fn context_of(py: Python<'_>, json: &str) -> PyResult<MatchContext> {
    MatchContext::from_json(json).map_err(|e| raise(py, &e))
}

fn matcher(
    py: Python<'_>,
    settings: Option<&str>,
    min_probability: Option<f64>,
) -> PyResult<Matcher<'static>> {
    let m = Matcher::new(settings_of(py, settings)?);
    Ok(match min_probability {
        Some(p) => m.min_probability(p),
        None => m,
    })
}

/// The file's match context as JSON, and the rows whose dates of birth did not read.
#[pyfunction]
#[pyo3(signature = (n, columns, *, settings=None, model=None, errors="null", workers=None))]
fn _match_context(
    py: Python<'_>,
    n: usize,
    columns: Vec<Option<Bound<'_, PyAny>>>,
    settings: Option<&str>,
    model: Option<&str>,
    errors: &str,
    workers: Option<i64>,
) -> PyResult<(String, Vec<FieldIssue>)> {
    let mut issues = Vec::new();
    let columns = Columns::read(n, &columns, &mut issues)?;
    check_issues(py, errors, &issues)?;
    let recs = columns.students()?;
    let mut m = matcher(py, settings, None)?;
    if let Some(model) = model_of(py, model)? {
        m = m.model(model);
    }
    let context =
        crate::workers::detach(py, workers, || m.context(&recs))?.map_err(|e| raise(py, &e))?;
    Ok((context.to_json(), issues))
}

/// Blocking keys as text: (rule plans as (name, cap, split, refinement indices), keys per rule
/// (Arrow text, null = in no group), refinements as (name, Arrow text)).
#[pyfunction]
#[pyo3(signature = (n, columns, *, settings=None, workers=None))]
fn _text_keys<'py>(
    py: Python<'py>,
    n: usize,
    columns: Vec<Option<Bound<'py, PyAny>>>,
    settings: Option<&str>,
    workers: Option<i64>,
) -> PyResult<TextKeysOutput> {
    let mut issues = Vec::new();
    let columns = Columns::read(n, &columns, &mut issues)?;
    let recs = columns.students()?;
    let m = matcher(py, settings, None)?;
    let keys = crate::workers::detach(py, workers, || m.text_keys(&recs))?;
    let plans = keys
        .rules
        .iter()
        .map(|r| (r.name.clone(), r.cap, r.split, r.refinements.clone()))
        .collect();
    let per_rule = keys
        .keys
        .into_iter()
        .map(|k| chunked(py, Arc::new(StringArray::from(k)) as ArrayRef))
        .collect::<PyResult<_>>()?;
    let refinements = keys
        .refinements
        .into_iter()
        .map(|(name, v)| {
            Ok((
                name,
                chunked(py, Arc::new(StringArray::from(v)) as ArrayRef)?,
            ))
        })
        .collect::<PyResult<_>>()?;
    Ok((plans, per_rule, refinements))
}

type TextKeysOutput = (
    Vec<(String, usize, bool, Vec<usize>)>,
    Vec<Py<PyAny>>,
    Vec<(&'static str, Py<PyAny>)>,
);

/// Scores pairs of rows of this table (positions from 0) with a file's context. Returns the kept
/// pairs as plain Arrow columns (see `raw_columns`).
#[pyfunction]
#[pyo3(signature = (n, columns, left, right, context, *, settings=None, min_probability=None, errors="null", workers=None))]
#[allow(clippy::too_many_arguments)]
fn _score_pairs<'py>(
    py: Python<'py>,
    n: usize,
    columns: Vec<Option<Bound<'py, PyAny>>>,
    left: Vec<u32>,
    right: Vec<u32>,
    context: &str,
    settings: Option<&str>,
    min_probability: Option<f64>,
    errors: &str,
    workers: Option<i64>,
) -> PyResult<(Bound<'py, PyDict>, Vec<FieldIssue>)> {
    if left.len() != right.len() {
        return Err(crate::matching::column_length(
            left.len(),
            right.len(),
            "right",
        ));
    }
    let mut issues = Vec::new();
    let columns = Columns::read(n, &columns, &mut issues)?;
    check_issues(py, errors, &issues)?;
    let recs = columns.students()?;
    let context = context_of(py, context)?;
    let m = matcher(py, settings, min_probability)?;
    let pairs: Vec<(u32, u32)> = left.into_iter().zip(right).collect();
    let scored = crate::workers::detach(py, workers, || m.score_pairs(&context, &recs, &pairs))?
        .map_err(|e| raise(py, &e))?;
    Ok((raw_columns(py, &scored)?, issues))
}

/// Scored pairs as plain columns (no dictionaries, so Spark's Arrow exchange takes them):
/// `row_l`, `row_r`, `match_weight`, `<field>_level` (level number), `<field>_weight`,
/// `household_weight`, `guard` (-1 none, else the guard's number) and `guard_weight`.
fn raw_columns<'py>(py: Python<'py>, pairs: &[ScoredPair]) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let put =
        |name: &str, array: ArrayRef| -> PyResult<()> { out.set_item(name, chunked(py, array)?) };
    let floats = |f: &dyn Fn(&ScoredPair) -> f32| -> ArrayRef {
        Arc::new(pairs.iter().map(f).collect::<Float32Array>())
    };
    put(
        "row_l",
        Arc::new(pairs.iter().map(|p| p.left).collect::<UInt32Array>()),
    )?;
    put(
        "row_r",
        Arc::new(pairs.iter().map(|p| p.right).collect::<UInt32Array>()),
    )?;
    put(
        "match_weight",
        Arc::new(pairs.iter().map(|p| p.weight).collect::<Float64Array>()),
    )?;
    for (k, field) in Field::ALL.iter().enumerate() {
        put(
            &format!("{}_level", field.name()),
            Arc::new(pairs.iter().map(|p| p.levels[k]).collect::<UInt8Array>()),
        )?;
        put(
            &format!("{}_weight", field.name()),
            floats(&|p| p.field_weights[k]),
        )?;
    }
    put("household_weight", floats(&|p| p.household_weight))?;
    let guard = |p: &ScoredPair| {
        p.guard
            .and_then(|g| GUARDS.iter().position(|x| *x == g))
            .map_or(-1, |i| i as i8)
    };
    put(
        "guard",
        Arc::new(pairs.iter().map(guard).collect::<Int8Array>()),
    )?;
    put("guard_weight", floats(&|p| p.guard_weight))?;
    Ok(out)
}

/// The run that scored pairs (plain columns, rows of the whole file) make together: the same
/// output as `_find_duplicates`.
#[pyfunction]
#[pyo3(signature = (context, left, right, weight, levels, field_weights, household_weight, guard, guard_weight, *, settings=None, min_probability=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn _finish_pairs<'py>(
    py: Python<'py>,
    context: &str,
    left: Vec<u32>,
    right: Vec<u32>,
    weight: Vec<f64>,
    levels: Vec<Vec<u8>>,
    field_weights: Vec<Vec<f32>>,
    household_weight: Vec<f32>,
    guard: Vec<i8>,
    guard_weight: Vec<f32>,
    settings: Option<&str>,
    min_probability: Option<f64>,
    workers: Option<i64>,
) -> PyResult<RunOutput<'py>> {
    let n = left.len();
    let lengths = [
        right.len(),
        weight.len(),
        household_weight.len(),
        guard.len(),
        guard_weight.len(),
    ];
    if lengths.iter().any(|&l| l != n)
        || levels.len() != FIELD_COUNT
        || field_weights.len() != FIELD_COUNT
        || levels.iter().any(|c| c.len() != n)
        || field_weights.iter().any(|c| c.len() != n)
    {
        return Err(crate::matching::column_length(n, 0, "scored pair columns"));
    }
    let context = context_of(py, context)?;
    let m = matcher(py, settings, min_probability)?;
    let pairs: Vec<ScoredPair> = (0..n)
        .map(|i| {
            let mut l = [0u8; FIELD_COUNT];
            let mut w = [0f32; FIELD_COUNT];
            for k in 0..FIELD_COUNT {
                l[k] = levels[k][i];
                w[k] = field_weights[k][i];
            }
            ScoredPair {
                left: left[i],
                right: right[i],
                weight: weight[i],
                probability: heat_core::matching::probability_of_weight(weight[i]),
                levels: l,
                field_weights: w,
                household_weight: household_weight[i],
                guard: usize::try_from(guard[i])
                    .ok()
                    .and_then(|g| GUARDS.get(g).copied()),
                guard_weight: guard_weight[i],
            }
        })
        .collect();
    let run = crate::workers::detach(py, workers, || m.finish(&context, pairs))?;
    run_output(py, &run, Vec::new())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_match_context, m)?)?;
    m.add_function(wrap_pyfunction!(_text_keys, m)?)?;
    m.add_function(wrap_pyfunction!(_score_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(_finish_pairs, m)?)?;
    Ok(())
}
