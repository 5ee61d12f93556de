//! Duplicate-student bindings: columns in, scored pairs out as Arrow columns. The Python layer
//! picks the columns out of the caller's table and builds the result table of the same kind.

use std::sync::{Arc, Mutex};

use arrow_array::builder::{Float32Builder, StringDictionaryBuilder};
use arrow_array::types::Int8Type;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, UInt32Array};
use heat_core::cohort::date_from_epoch_days;
use heat_core::matching::{
    cluster, Field, MatchRun, MatchSettings, Matcher, Model, Progress, StudentRecord,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::PyChunkedArray;

use crate::columns::{Text, TextColumn};
use crate::dates::{DateCell, DateColumn};
use crate::errors::heat_error;

/// A failed row: (row, field, code, message).
type FieldIssue = (usize, &'static str, &'static str, String);

fn texts(values: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Vec<Option<String>>> {
    let Some(values) = values else {
        return Ok(vec![None; n]);
    };
    let column = TextColumn::from_py(values)?;
    let blocks = column.par_blocks(|_, cells| {
        cells
            .iter()
            .map(|c| match c {
                Text::Value(s) => Some(s.to_string()),
                Text::Missing | Text::Other(_) => None,
            })
            .collect::<Vec<_>>()
    });
    Ok(blocks.into_iter().flatten().collect())
}

fn dates(
    values: Option<&Bound<'_, PyAny>>,
    n: usize,
    issues: &mut Vec<FieldIssue>,
) -> PyResult<Vec<Option<chrono::NaiveDate>>> {
    let Some(values) = values else {
        return Ok(vec![None; n]);
    };
    let column = DateColumn::from_py(values)?;
    let cells: Vec<DateCell> = match &column.date32 {
        Some(chunks) => chunks
            .iter()
            .flat_map(|c| c.iter().map(|d| d.map_or(DateCell::Missing, DateCell::Day)))
            .collect(),
        None => column.cells.clone(),
    };
    Ok(cells
        .into_iter()
        .enumerate()
        .map(|(row, cell)| match cell {
            DateCell::Day(d) => {
                let date = date_from_epoch_days(d);
                if date.is_none() {
                    issues.push((
                        row,
                        "dob",
                        "date_out_of_range",
                        format!("row {row}, dob: date out of range"),
                    ));
                }
                date
            }
            DateCell::Missing => None,
            DateCell::Bad(code) => {
                issues.push((
                    row,
                    "dob",
                    code,
                    format!("row {row}, dob: not a date (expected YYYY-MM-DD or DD/MM/YYYY); compared as missing"),
                ));
                None
            }
        })
        .collect())
}

/// The student columns of one table, as records named by row number.
#[allow(clippy::too_many_arguments)]
fn records(
    n: usize,
    first: Option<&Bound<'_, PyAny>>,
    last: Option<&Bound<'_, PyAny>>,
    dob: Option<&Bound<'_, PyAny>>,
    gender: Option<&Bound<'_, PyAny>>,
    school: Option<&Bound<'_, PyAny>>,
    postcode: Option<&Bound<'_, PyAny>>,
    issues: &mut Vec<FieldIssue>,
) -> PyResult<Vec<StudentRecord>> {
    let (first, last) = (texts(first, n)?, texts(last, n)?);
    let (gender, school, postcode) = (texts(gender, n)?, texts(school, n)?, texts(postcode, n)?);
    let dob = dates(dob, n, issues)?;
    for (name, len) in [
        ("first_name", first.len()),
        ("last_name", last.len()),
        ("dob", dob.len()),
        ("gender", gender.len()),
        ("school", school.len()),
        ("postcode", postcode.len()),
    ] {
        if len != n {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "column {name} has {len} rows, expected {n}"
            )));
        }
    }
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    Ok(first
        .into_iter()
        .zip(last)
        .zip(dob)
        .zip(gender)
        .zip(school)
        .zip(postcode)
        .enumerate()
        .map(|(i, (((((f, l), d), g), s), p))| StudentRecord {
            id: i.to_string(),
            first_name: blank(f),
            last_name: blank(l),
            dob: d,
            gender: blank(g),
            school: blank(s),
            postcode: blank(p),
        })
        .collect())
}

fn matching_error(py: Python<'_>, message: &str, code: &str) -> PyErr {
    heat_error(py, "MatchingError", message, code, None, None)
}

fn settings_of(py: Python<'_>, json: Option<&str>) -> PyResult<MatchSettings> {
    match json {
        None => Ok(MatchSettings::default()),
        Some(text) => serde_json::from_str(text)
            .map_err(|e| matching_error(py, &format!("bad settings: {e}"), "bad_setting")),
    }
}

fn model_of(py: Python<'_>, json: Option<&str>) -> PyResult<Option<Model>> {
    json.map(|text| Model::from_json(text).map_err(|e| matching_error(py, &e.to_string(), e.code())))
        .transpose()
}

fn chunked(py: Python<'_>, array: ArrayRef) -> PyResult<Py<PyAny>> {
    let field = Arc::new(arrow_schema::Field::new(
        "",
        array.data_type().clone(),
        true,
    ));
    Ok(PyChunkedArray::try_new(vec![array], field)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// The run's pairs as named Arrow columns: left/right rows, probability, weight, the level of
/// each field (dictionary-encoded text), each field's weight, and the twin guard.
fn pair_columns<'py>(py: Python<'py>, run: &MatchRun) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let pairs = &run.pairs;
    let left: UInt32Array = pairs.iter().map(|p| p.left).collect::<Vec<_>>().into();
    let right: UInt32Array = pairs.iter().map(|p| p.right).collect::<Vec<_>>().into();
    let prob: Float64Array = pairs.iter().map(|p| p.probability).collect::<Vec<_>>().into();
    let weight: Float64Array = pairs.iter().map(|p| p.weight).collect::<Vec<_>>().into();
    out.set_item("row_l", chunked(py, Arc::new(left))?)?;
    out.set_item("row_r", chunked(py, Arc::new(right))?)?;
    out.set_item("match_probability", chunked(py, Arc::new(prob))?)?;
    out.set_item("match_weight", chunked(py, Arc::new(weight))?)?;
    for (k, field) in Field::ALL.iter().enumerate() {
        let mut levels = StringDictionaryBuilder::<Int8Type>::new();
        let mut weights = Float32Builder::with_capacity(pairs.len());
        for p in pairs {
            levels.append_value(field.levels()[p.levels[k] as usize]);
            weights.append_value(p.field_weights[k]);
        }
        out.set_item(field.name(), chunked(py, Arc::new(levels.finish()))?)?;
        out.set_item(
            format!("{}_weight", field.name()),
            chunked(py, Arc::new(weights.finish()))?,
        )?;
    }
    let twin: BooleanArray = pairs.iter().map(|p| Some(p.twin_guard)).collect();
    out.set_item("twin_guard", chunked(py, Arc::new(twin))?)?;
    Ok(out)
}

fn blocking_report<'py>(py: Python<'py>, run: &MatchRun) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in &run.blocking {
        let d = PyDict::new(py);
        d.set_item("rule", &r.rule)?;
        d.set_item("new_pairs", r.new_pairs)?;
        d.set_item("skipped_groups", r.skipped_groups)?;
        d.set_item("skipped_records", r.skipped_records)?;
        list.append(d)?;
    }
    Ok(list)
}

/// Runs `job` with the GIL released, on a pool of `workers` threads when given, calling
/// `progress(stage, items)` (a Python callable) at each stage.
fn run_detached<F>(
    py: Python<'_>,
    workers: Option<usize>,
    progress: Option<Py<PyAny>>,
    job: F,
) -> PyResult<Result<MatchRun, heat_core::matching::MatchError>>
where
    F: FnOnce(Option<&(dyn Fn(&Progress) + Sync)>) -> Result<MatchRun, heat_core::matching::MatchError>
        + Send,
{
    let callback_error: Mutex<Option<PyErr>> = Mutex::new(None);
    let report = |p: &Progress| {
        if let Some(f) = &progress {
            Python::attach(|py| {
                if let Err(e) = f.call1(py, (p.stage.name(), p.items)) {
                    if let Ok(mut slot) = callback_error.lock() {
                        slot.get_or_insert(e);
                    }
                }
            });
        }
    };
    let result = py.detach(|| {
        let callback: Option<&(dyn Fn(&Progress) + Sync)> =
            if progress.is_some() { Some(&report) } else { None };
        match workers {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map(|pool| pool.install(|| job(callback)))
                .map_err(|e| e.to_string()),
            None => Ok(job(callback)),
        }
    });
    if let Some(e) = callback_error.lock().ok().and_then(|mut s| s.take()) {
        return Err(e);
    }
    result.map_err(|e| matching_error(py, &format!("cannot start worker threads: {e}"), "bad_setting"))
}

/// Scored duplicate pairs within one table. Returns (columns, model JSON, blocking report,
/// candidate pairs, issues).
#[pyfunction]
#[pyo3(signature = (n, first, last, dob, gender, school, postcode, *, settings=None, model=None, min_probability=None, workers=None, progress=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn _find_duplicates<'py>(
    py: Python<'py>,
    n: usize,
    first: Option<Bound<'py, PyAny>>,
    last: Option<Bound<'py, PyAny>>,
    dob: Option<Bound<'py, PyAny>>,
    gender: Option<Bound<'py, PyAny>>,
    school: Option<Bound<'py, PyAny>>,
    postcode: Option<Bound<'py, PyAny>>,
    settings: Option<&str>,
    model: Option<&str>,
    min_probability: Option<f64>,
    workers: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(Bound<'py, PyDict>, String, Bound<'py, PyList>, u64, Vec<FieldIssue>)> {
    let mut issues = Vec::new();
    let recs = records(
        n,
        first.as_ref(),
        last.as_ref(),
        dob.as_ref(),
        gender.as_ref(),
        school.as_ref(),
        postcode.as_ref(),
        &mut issues,
    )?;
    let settings = settings_of(py, settings)?;
    let model = model_of(py, model)?;
    let run = run_detached(py, workers, progress, |callback| {
        let mut m = Matcher::new(settings);
        if let Some(model) = model {
            m = m.model(model);
        }
        if let Some(p) = min_probability {
            m = m.min_probability(p);
        }
        match callback {
            Some(f) => m.progress(f).dedupe(&recs),
            None => m.dedupe(&recs),
        }
    })?
    .map_err(|e| matching_error(py, &e.to_string(), e.code()))?;
    Ok((
        pair_columns(py, &run)?,
        run.model.to_json(),
        blocking_report(py, &run)?,
        run.candidate_pairs,
        issues,
    ))
}

/// Scored pairs between a new table (left) and an existing one (right).
#[pyfunction]
#[pyo3(signature = (n_new, new_columns, n_existing, existing_columns, *, settings=None, model=None, min_probability=None, workers=None, progress=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn _link_students<'py>(
    py: Python<'py>,
    n_new: usize,
    new_columns: Vec<Option<Bound<'py, PyAny>>>,
    n_existing: usize,
    existing_columns: Vec<Option<Bound<'py, PyAny>>>,
    settings: Option<&str>,
    model: Option<&str>,
    min_probability: Option<f64>,
    workers: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(Bound<'py, PyDict>, String, Bound<'py, PyList>, u64, Vec<FieldIssue>)> {
    let read = |n: usize, c: &[Option<Bound<'py, PyAny>>], issues: &mut Vec<FieldIssue>| {
        if c.len() != 6 {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "expected six columns: first, last, dob, gender, school, postcode",
            ));
        }
        records(
            n,
            c[0].as_ref(),
            c[1].as_ref(),
            c[2].as_ref(),
            c[3].as_ref(),
            c[4].as_ref(),
            c[5].as_ref(),
            issues,
        )
    };
    let mut issues = Vec::new();
    let new = read(n_new, &new_columns, &mut issues)?;
    let mut existing_issues = Vec::new();
    let existing = read(n_existing, &existing_columns, &mut existing_issues)?;
    issues.extend(existing_issues.into_iter().map(|(row, field, code, message)| {
        (row, field, code, format!("existing {message}"))
    }));
    let settings = settings_of(py, settings)?;
    let model = model_of(py, model)?;
    let run = run_detached(py, workers, progress, |callback| {
        let mut m = Matcher::new(settings);
        if let Some(model) = model {
            m = m.model(model);
        }
        if let Some(p) = min_probability {
            m = m.min_probability(p);
        }
        match callback {
            Some(f) => m.progress(f).link(&new, &existing),
            None => m.link(&new, &existing),
        }
    })?
    .map_err(|e| matching_error(py, &e.to_string(), e.code()))?;
    Ok((
        pair_columns(py, &run)?,
        run.model.to_json(),
        blocking_report(py, &run)?,
        run.candidate_pairs,
        issues,
    ))
}

/// Cluster labels for `n` rows from pairs of rows with probabilities. Returns (labels,
/// largest cluster size, links refused by the size cap).
#[pyfunction]
#[pyo3(signature = (n, left, right, probability, *, threshold, max_size))]
fn _cluster(
    py: Python<'_>,
    n: usize,
    left: Vec<u32>,
    right: Vec<u32>,
    probability: Vec<f64>,
    threshold: f64,
    max_size: usize,
) -> PyResult<(Vec<u32>, u32, u64)> {
    if left.len() != right.len() || left.len() != probability.len() {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "left, right and probability must have the same length",
        ));
    }
    if !(0.0..=1.0).contains(&threshold) {
        return Err(matching_error(
            py,
            &format!("bad setting threshold: {threshold} is not a probability"),
            "bad_setting",
        ));
    }
    let edges: Vec<(u32, u32, f64)> = left
        .into_iter()
        .zip(right)
        .zip(probability)
        .map(|((a, b), p)| (a, b, p))
        .collect();
    let c = py.detach(|| cluster(n, &edges, threshold, max_size.max(1)));
    Ok((c.labels, c.largest, c.links_refused))
}

/// The default matching settings as JSON.
#[pyfunction]
fn _default_match_settings() -> String {
    serde_json::to_string(&MatchSettings::default()).unwrap_or_default()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_find_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(_link_students, m)?)?;
    m.add_function(wrap_pyfunction!(_cluster, m)?)?;
    m.add_function(wrap_pyfunction!(_default_match_settings, m)?)?;
    Ok(())
}
