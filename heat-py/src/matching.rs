//! Duplicate-student bindings: columns in, scored pairs out as Arrow columns. The Python layer
//! picks the columns out of the caller's table and builds the result table of the same kind.

use std::sync::{Arc, Mutex};

use arrow_array::builder::{Float32Builder, StringDictionaryBuilder};
use arrow_array::types::Int8Type;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, UInt32Array};
use heat_core::cohort::date_from_epoch_days;
use heat_core::matching::{
    cluster, Field, MatchRun, MatchSettings, Matcher, Model, Progress, StudentRef,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::columns::{one_chunk, Text, TextColumn};
use crate::dates::{DateCell, DateColumn};
use crate::errors::{raise, raise_coded_at_row, unknown_value};
use heat_core::cohort::CohortError;
use heat_core::matching::ModelError;
use heat_core::{rows, ErrorKind, HeatError};

/// A row whose date of birth could not be read: (spreadsheet row, field, code, message).
pub(crate) type FieldIssue = (usize, &'static str, &'static str, String);

fn text_column(values: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<TextColumn>> {
    values.map(|v| TextColumn::from_py(v, name)).transpose()
}

/// The cells of an optional column (all missing when absent), borrowing its text.
fn cells<'a>(
    column: &'a Option<TextColumn>,
    n: usize,
    name: &str,
) -> PyResult<Vec<Option<&'a str>>> {
    let Some(column) = column else {
        return Ok(vec![None; n]);
    };
    let out: Vec<Option<&str>> = column
        .all_texts()
        .into_iter()
        .map(|t| match t {
            Text::Value(s) => Some(s),
            Text::Missing | Text::Other(_) => None,
        })
        .collect();
    if out.len() != n {
        return Err(column_length(n, out.len(), name));
    }
    Ok(out)
}

pub(crate) fn column_length(n: usize, got: usize, name: &str) -> PyErr {
    Python::attach(|py| {
        raise(
            py,
            &heat_core::ArgumentError::out_of_range(
                name,
                format!("{got} rows"),
                &format!("{n} rows, as long as the table"),
            ),
        )
    })
}

fn dates(
    values: Option<&Bound<'_, PyAny>>,
    n: usize,
    issues: &mut Vec<FieldIssue>,
) -> PyResult<Vec<Option<chrono::NaiveDate>>> {
    let Some(values) = values else {
        return Ok(vec![None; n]);
    };
    let column = DateColumn::from_py(values, "dob")?;
    Ok(column
        .all_cells()
        .into_iter()
        .enumerate()
        .map(|(index, cell)| {
            let row = rows::of_position(index);
            let bad = |e: CohortError| (row, "dob", e.code(), format!("row {row}, dob: {e}"));
            match cell {
                DateCell::Day(d) => {
                    let date = date_from_epoch_days(d);
                    if date.is_none() {
                        issues.push(bad(CohortError::DateOutOfRange));
                    }
                    date
                }
                DateCell::Missing => None,
                DateCell::Bad("date_out_of_range") => {
                    issues.push(bad(CohortError::DateOutOfRange));
                    None
                }
                DateCell::Bad(_) | DateCell::WrongType => {
                    issues.push(bad(CohortError::BadDate));
                    None
                }
            }
        })
        .collect())
}

/// The text columns of one table, read once (Arrow text is borrowed, not copied).
pub(crate) struct Columns {
    first: Option<TextColumn>,
    last: Option<TextColumn>,
    gender: Option<TextColumn>,
    school: Option<TextColumn>,
    postcode: Option<TextColumn>,
    dob: Vec<Option<chrono::NaiveDate>>,
    n: usize,
}

impl Columns {
    /// Reads `[first, last, dob, gender, school, postcode]`.
    pub(crate) fn read(
        n: usize,
        c: &[Option<Bound<'_, PyAny>>],
        issues: &mut Vec<FieldIssue>,
    ) -> PyResult<Columns> {
        let [first, last, dob, gender, school, postcode] = c else {
            return Err(column_length(6, c.len(), "columns"));
        };
        let dob = dates(dob.as_ref(), n, issues)?;
        if dob.len() != n {
            return Err(column_length(n, dob.len(), "dob"));
        }
        Ok(Columns {
            first: text_column(first.as_ref(), "first_name")?,
            last: text_column(last.as_ref(), "last_name")?,
            gender: text_column(gender.as_ref(), "gender")?,
            school: text_column(school.as_ref(), "school")?,
            postcode: text_column(postcode.as_ref(), "postcode")?,
            dob,
            n,
        })
    }

    /// One borrowed student per row.
    pub(crate) fn students(&self) -> PyResult<Vec<StudentRef<'_>>> {
        let n = self.n;
        let first = cells(&self.first, n, "first_name")?;
        let last = cells(&self.last, n, "last_name")?;
        let gender = cells(&self.gender, n, "gender")?;
        let school = cells(&self.school, n, "school")?;
        let postcode = cells(&self.postcode, n, "postcode")?;
        Ok((0..n)
            .map(|i| StudentRef {
                first_name: first[i],
                last_name: last[i],
                dob: self.dob[i],
                gender: gender[i],
                school: school[i],
                postcode: postcode[i],
            })
            .collect())
    }
}

pub(crate) fn settings_of(py: Python<'_>, json: Option<&str>) -> PyResult<MatchSettings> {
    match json {
        None => Ok(MatchSettings::default()),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            raise(
                py,
                &heat_core::matching::MatchError::BadSetting {
                    setting: "settings",
                    reason: e.to_string(),
                },
            )
        }),
    }
}

/// A saved model: JSON text, or the path of a JSON file.
pub(crate) fn model_of(py: Python<'_>, model: Option<&str>) -> PyResult<Option<Model>> {
    let Some(text) = model else {
        return Ok(None);
    };
    let json = if text.trim_start().starts_with('{') {
        text.to_string()
    } else {
        std::fs::read_to_string(text).map_err(|e| {
            raise(
                py,
                &ModelError::Format(format!(
                    "{text:?} is neither model JSON nor a readable model file ({e})"
                )),
            )
        })?
    };
    Model::from_json(&json).map(Some).map_err(|e| raise(py, &e))
}

pub(crate) fn chunked(py: Python<'_>, array: ArrayRef) -> PyResult<Py<PyAny>> {
    one_chunk(py, array)
}

/// The run's pairs as named Arrow columns: left/right rows, probability, weight, the level of
/// each field (dictionary-encoded text), each field's weight, and the twin guard.
fn pair_columns<'py>(py: Python<'py>, run: &MatchRun) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let pairs = &run.pairs;
    let left: UInt32Array = pairs.iter().map(|p| p.left).collect::<Vec<_>>().into();
    let right: UInt32Array = pairs.iter().map(|p| p.right).collect::<Vec<_>>().into();
    let prob: Float64Array = pairs
        .iter()
        .map(|p| p.probability)
        .collect::<Vec<_>>()
        .into();
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
    let twin: BooleanArray = pairs.iter().map(|p| Some(p.twin_guard())).collect();
    out.set_item("twin_guard", chunked(py, Arc::new(twin))?)?;
    let mut guard = StringDictionaryBuilder::<Int8Type>::new();
    for p in pairs {
        guard.append_option(p.guard.map(|g| g.name()));
    }
    out.set_item("guard", chunked(py, Arc::new(guard.finish()))?)?;
    let weights = |f: &dyn Fn(&heat_core::matching::ScoredPair) -> f32| -> PyResult<Py<PyAny>> {
        let mut b = Float32Builder::with_capacity(pairs.len());
        for p in pairs {
            b.append_value(f(p));
        }
        chunked(py, Arc::new(b.finish()))
    };
    out.set_item("household_weight", weights(&|p| p.household_weight)?)?;
    out.set_item("guard_weight", weights(&|p| p.guard_weight)?)?;
    out.set_item("prior_weight", weights(&|_| run.prior_weight as f32)?)?;
    Ok(out)
}

/// Runs `job` with the GIL released, on `workers` threads when given (else the default), calling
/// `progress(stage, items)` (a Python callable) at each stage.
fn run_detached<F>(
    py: Python<'_>,
    workers: Option<usize>,
    progress: Option<Py<PyAny>>,
    job: F,
) -> PyResult<Result<MatchRun, heat_core::matching::MatchError>>
where
    F: FnOnce(
            Option<&(dyn Fn(&Progress) + Sync)>,
        ) -> Result<MatchRun, heat_core::matching::MatchError>
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
        let callback: Option<&(dyn Fn(&Progress) + Sync)> = if progress.is_some() {
            Some(&report)
        } else {
            None
        };
        heat_core::workers::run_with(workers, || job(callback)).map_err(|e| e.to_string())
    });
    if let Some(e) = callback_error.lock().ok().and_then(|mut s| s.take()) {
        return Err(e);
    }
    result.map_err(|e| {
        raise(
            py,
            &heat_core::matching::MatchError::BadSetting {
                setting: "workers",
                reason: format!("cannot start worker threads: {e}"),
            },
        )
    })
}

/// What to match: rows of one table, or new rows against existing ones.
enum Job<'a> {
    Dedupe(&'a [StudentRef<'a>]),
    Link(&'a [StudentRef<'a>], &'a [StudentRef<'a>]),
}

/// The options every matching call takes: settings JSON, model JSON, min probability, workers
/// and the progress callable.
type JobOptions<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<f64>,
    Option<usize>,
    Option<Py<PyAny>>,
);

fn run_job(py: Python<'_>, job: Job<'_>, options: JobOptions<'_>) -> PyResult<MatchRun> {
    let (settings, model, min_probability, workers, progress) = options;
    let settings = settings_of(py, settings)?;
    let model = model_of(py, model)?;
    run_detached(py, workers, progress, |callback| {
        let mut m = Matcher::new(settings);
        if let Some(model) = model {
            m = m.model(model);
        }
        if let Some(p) = min_probability {
            m = m.min_probability(p);
        }
        let m = match callback {
            Some(f) => m.progress(f),
            None => m,
        };
        match job {
            Job::Dedupe(recs) => m.dedupe(recs),
            Job::Link(new, existing) => m.link(new, existing),
        }
    })?
    .map_err(|e| raise(py, &e))
}

/// With `errors="raise"`, the first unreadable date of birth as a `CohortError` naming its row;
/// with `errors="null"` or `"report"`, nothing (those dates are compared as missing, and the
/// issues go back to Python).
pub(crate) fn check_issues(py: Python<'_>, errors: &str, issues: &[FieldIssue]) -> PyResult<()> {
    match errors {
        // The issues go back to Python, which warns ("null") or returns them ("report").
        "null" => Ok(()),
        "raise" => match issues.first() {
            None => Ok(()),
            Some((row, _, code, message)) => {
                let more = match issues.len() {
                    1 => String::new(),
                    n => format!(" ({} more rows like it)", n - 1),
                };
                Err(raise_coded_at_row(
                    py,
                    ErrorKind::Cohort,
                    code,
                    &format!("{message}{more}"),
                    *row,
                ))
            }
        },
        "report" => Ok(()),
        other => Err(unknown_value(
            py,
            "errors",
            other,
            "'raise', 'null' or 'report'",
        )),
    }
}

pub(crate) type RunOutput<'py> = (Bound<'py, PyDict>, String, String, u64, Vec<FieldIssue>);

pub(crate) fn run_output<'py>(
    py: Python<'py>,
    run: &MatchRun,
    issues: Vec<FieldIssue>,
) -> PyResult<RunOutput<'py>> {
    Ok((
        pair_columns(py, run)?,
        run.model.to_json(),
        run.summary().to_json(),
        run.candidate_pairs,
        issues,
    ))
}

/// Scored duplicate pairs within one table. Returns (columns, model JSON, run summary JSON,
/// candidate pairs, issues).
#[pyfunction]
#[pyo3(signature = (n, columns, *, settings=None, model=None, min_probability=None, workers=None, progress=None, errors="null"))]
#[allow(clippy::too_many_arguments)]
fn _find_duplicates<'py>(
    py: Python<'py>,
    n: usize,
    columns: Vec<Option<Bound<'py, PyAny>>>,
    settings: Option<&str>,
    model: Option<&str>,
    min_probability: Option<f64>,
    workers: Option<i64>,
    progress: Option<Py<PyAny>>,
    errors: &str,
) -> PyResult<RunOutput<'py>> {
    let workers = crate::errors::workers(py, workers)?;
    let mut issues = Vec::new();
    let columns = Columns::read(n, &columns, &mut issues)?;
    check_issues(py, errors, &issues)?;
    let recs = columns.students()?;
    let run = run_job(
        py,
        Job::Dedupe(&recs),
        (settings, model, min_probability, workers, progress),
    )?;
    run_output(py, &run, issues)
}

/// Scored pairs between a new table (left) and an existing one (right).
#[pyfunction]
#[pyo3(signature = (n_new, new_columns, n_existing, existing_columns, *, settings=None, model=None, min_probability=None, workers=None, progress=None, errors="null", best_only=true))]
#[allow(clippy::too_many_arguments)]
fn _link_students<'py>(
    py: Python<'py>,
    n_new: usize,
    new_columns: Vec<Option<Bound<'py, PyAny>>>,
    n_existing: usize,
    existing_columns: Vec<Option<Bound<'py, PyAny>>>,
    settings: Option<&str>,
    model: Option<&str>,
    min_probability: Option<f64>,
    workers: Option<i64>,
    progress: Option<Py<PyAny>>,
    errors: &str,
    best_only: bool,
) -> PyResult<RunOutput<'py>> {
    let workers = crate::errors::workers(py, workers)?;
    let mut issues = Vec::new();
    let new_columns = Columns::read(n_new, &new_columns, &mut issues)?;
    let mut existing_issues = Vec::new();
    let existing_columns = Columns::read(n_existing, &existing_columns, &mut existing_issues)?;
    issues.extend(
        existing_issues
            .into_iter()
            .map(|(row, field, code, message)| (row, field, code, format!("existing {message}"))),
    );
    check_issues(py, errors, &issues)?;
    let new = new_columns.students()?;
    let existing = existing_columns.students()?;
    let mut run = run_job(
        py,
        Job::Link(&new, &existing),
        (settings, model, min_probability, workers, progress),
    )?;
    if best_only {
        run.keep_best_per_left();
    }
    run_output(py, &run, issues)
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
        return Err(column_length(
            left.len(),
            probability.len().min(right.len()),
            "pairs",
        ));
    }
    if !(0.0..=1.0).contains(&threshold) {
        return Err(raise(
            py,
            &heat_core::matching::MatchError::BadSetting {
                setting: "threshold",
                reason: format!("{threshold} is not a probability"),
            },
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
fn _default_match_settings(py: Python<'_>) -> PyResult<String> {
    serde_json::to_string(&MatchSettings::default()).map_err(|e| {
        raise(
            py,
            &heat_core::matching::MatchError::BadSetting {
                setting: "settings",
                reason: e.to_string(),
            },
        )
    })
}

/// Checks a column of record ids (text, or missing): every record has one and no two share
/// one; raises `MatchingError` (`missing_id`, `duplicate_id`) naming the row.
#[pyfunction]
fn _check_ids(py: Python<'_>, ids: &Bound<'_, PyAny>) -> PyResult<()> {
    let column = TextColumn::from_py(ids, "id")?;
    let texts = column.all_texts();
    let result = heat_core::matching::check_ids(texts.iter().map(|t| match t {
        Text::Value(s) | Text::Other(s) => Some(*s),
        Text::Missing => None,
    }));
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            let row = match &e {
                heat_core::matching::MatchError::DuplicateId { row, .. }
                | heat_core::matching::MatchError::MissingId { row } => Some(*row),
                _ => None,
            };
            Err(match row {
                Some(r) => crate::errors::raise_at_row(py, &e, r),
                None => raise(py, &e),
            })
        }
    }
}

/// A model's parameters, one row per field and level: (field, level, m, u, weight in bits),
/// then the prior as a probability and the household corrections (fields joined by `+`, bits).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn _model_parameters(
    py: Python<'_>,
    model: &str,
) -> PyResult<(
    Vec<(String, String, f64, f64, f64)>,
    f64,
    Vec<(String, f64)>,
)> {
    let Some(model) = model_of(py, Some(model))? else {
        return Ok((Vec::new(), 0.0, Vec::new()));
    };
    let mut rows = Vec::new();
    for f in &model.fields {
        for (k, l) in f.levels.iter().enumerate() {
            let weight = model.level_weight(f.field, k as u8);
            rows.push((
                f.field.name().to_string(),
                l.level.clone(),
                l.m,
                l.u,
                weight,
            ));
        }
    }
    let interactions = model
        .interactions
        .iter()
        .map(|i| {
            let names: Vec<&str> = i.fields.iter().map(|f| f.name()).collect();
            (names.join("+"), i.adjustment)
        })
        .collect();
    Ok((rows, model.prior, interactions))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_model_parameters, m)?)?;
    m.add_function(wrap_pyfunction!(_check_ids, m)?)?;
    m.add_function(wrap_pyfunction!(_find_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(_link_students, m)?)?;
    m.add_function(wrap_pyfunction!(_cluster, m)?)?;
    m.add_function(wrap_pyfunction!(_default_match_settings, m)?)?;
    Ok(())
}
