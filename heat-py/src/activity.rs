//! Activities, student tracking status and bulk imports. Tables cross as columns (Arrow or
//! Python lists, [`TextTable`]); each row is read by the core's record readers
//! (`ActivityInput::from_row`, `StudentInput::from_row`, the import pipeline) with the GIL
//! released, and results come back as columns. A typology crosses as a
//! [`PyTypology`] handle, passed explicitly.

use std::sync::Arc;

use heat_core::activity::{self, validate_activity, ActivityInput, ActivitySettings, Typology};
use heat_core::import::{
    validate_import, validate_import_file, validate_table, ImportFileError, ImportOutcome,
    ImportSettings, Record, Template,
};
use heat_core::student::{
    student_tracking_status, tracking_summary, StudentInput, TrackingSettings,
};
use heat_core::{rows, HeatError};
use once_cell::sync::Lazy;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use crate::cohort::{academic_year_arg, nation};
use crate::columns::{bool_out, int_out, text_out};
use crate::dates::required_date;
use crate::errors::{raise, unknown_value, wrong_type};
use crate::table::TextTable;

/// An activity typology: the activity types a team records against, with their hours, sessions,
/// year groups and beneficiaries. Passed to the activity functions as `typology=`; None there is
/// the embedded default. Nothing is held process-wide.
#[pyclass(name = "Typology", module = "heatkit", frozen)]
#[derive(Clone)]
pub struct PyTypology(Arc<Typology>);

#[pymethods]
impl PyTypology {
    /// The typology's version label (the file's stem unless given).
    #[getter]
    fn version(&self) -> &str {
        &self.0.version
    }
    fn __len__(&self) -> usize {
        self.0.types.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "Typology(version={:?}, types={})",
            self.0.version,
            self.0.types.len()
        )
    }
}

/// The typology asked for: the one given, else the embedded default.
fn chosen(typology: Option<&PyTypology>) -> Arc<Typology> {
    match typology {
        Some(t) => Arc::clone(&t.0),
        None => Arc::clone(&EMBEDDED),
    }
}

static EMBEDDED: Lazy<Arc<Typology>> = Lazy::new(|| Arc::new(activity::typology().clone()));

/// A typology as columns (lists): the one given, else the embedded default.
#[pyfunction]
#[pyo3(signature = (typology=None))]
fn _typology_columns<'py>(
    py: Python<'py>,
    typology: Option<&PyTypology>,
) -> PyResult<Bound<'py, PyDict>> {
    let t = chosen(typology);
    let out = PyDict::new(py);
    let col = |f: &dyn Fn(&activity::ActivityType) -> Py<PyAny>| -> PyResult<Bound<'_, PyList>> {
        PyList::new(py, t.types.iter().map(f))
    };
    let text = |s: &str| -> Py<PyAny> {
        s.into_pyobject(py)
            .map_or_else(|_| py.None(), |o| o.into_any().unbind())
    };
    out.set_item(
        "version",
        PyList::new(py, t.types.iter().map(|_| t.version.as_str()))?,
    )?;
    out.set_item("category", col(&|k| text(&k.category))?)?;
    out.set_item("activity_type", col(&|k| text(&k.activity_type))?)?;
    out.set_item(
        "delivery_modes",
        col(&|k| {
            let modes: Vec<&str> = k.delivery_modes.iter().map(|m| m.as_str()).collect();
            text(&modes.join("|"))
        })?,
    )?;
    out.set_item(
        "hours_expected",
        PyList::new(py, t.types.iter().map(|k| k.hours_expected))?,
    )?;
    out.set_item(
        "min_hours",
        PyList::new(py, t.types.iter().map(|k| k.min_hours))?,
    )?;
    out.set_item(
        "max_hours",
        PyList::new(py, t.types.iter().map(|k| k.max_hours))?,
    )?;
    out.set_item(
        "sessions_expected",
        PyList::new(py, t.types.iter().map(|k| k.sessions_expected))?,
    )?;
    out.set_item(
        "min_year_group",
        PyList::new(py, t.types.iter().map(|k| k.min_year_group))?,
    )?;
    out.set_item(
        "max_year_group",
        PyList::new(py, t.types.iter().map(|k| k.max_year_group))?,
    )?;
    out.set_item(
        "multi_intervention",
        PyList::new(py, t.types.iter().map(|k| k.multi_intervention))?,
    )?;
    out.set_item("beneficiaries", col(&|k| text(&k.beneficiaries.join("|")))?)?;
    Ok(out)
}

/// Reads a typology CSV (`path=None`: the embedded default) and returns it; it is used where it
/// is passed as `typology=`.
#[pyfunction]
#[pyo3(signature = (path=None, *, version=None))]
fn load_typology(
    py: Python<'_>,
    path: Option<std::path::PathBuf>,
    version: Option<String>,
) -> PyResult<PyTypology> {
    let Some(p) = path else {
        return Ok(PyTypology(Arc::clone(&EMBEDDED)));
    };
    let text = std::fs::read(&p).map_err(|e| {
        raise(
            py,
            &ImportFileError::Unreadable(format!("{}: {e}", p.display())),
        )
    })?;
    let label = version.unwrap_or_else(|| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    Typology::from_csv_reader(text.as_slice(), &label)
        .map(|t| PyTypology(Arc::new(t)))
        .map_err(|e| raise(py, &e))
}

/// Activity settings from a Python mapping (`members`, `unknown_beneficiary_ids`, `year_start`,
/// `max_hours_per_day`, `uni_connect_funding`) and the typology given (None: the embedded one).
fn activity_settings(
    py: Python<'_>,
    options: Option<&Bound<'_, PyDict>>,
    typology: Option<&PyTypology>,
) -> PyResult<ActivitySettings> {
    let mut s = ActivitySettings {
        typology: Typology::clone(&chosen(typology)),
        ..ActivitySettings::default()
    };
    let Some(options) = options else {
        return Ok(s);
    };
    let strings = |v: &Bound<'_, PyAny>, name: &str| -> PyResult<Vec<String>> {
        if v.cast::<pyo3::types::PyString>().is_ok() {
            return Err(wrong_type(py, name, "a list of text", v));
        }
        v.try_iter()
            .map_err(|_| wrong_type(py, name, "a list of text", v))?
            .map(|x| x.and_then(|x| x.str().map(|s| s.to_string_lossy().into_owned())))
            .collect()
    };
    for (k, v) in options.iter() {
        let key: String = k.str()?.to_string_lossy().into_owned();
        match key.as_str() {
            "members" => s.members = strings(&v, "members")?,
            "unknown_beneficiary_ids" => {
                s.unknown_beneficiary_ids = strings(&v, "unknown_beneficiary_ids")?
            }
            "uni_connect_funding" => s.uni_connect_funding = strings(&v, "uni_connect_funding")?,
            "year_start" => {
                let text: String = v
                    .extract()
                    .map_err(|_| wrong_type(py, "year_start", "text", &v))?;
                s.year_start = text
                    .parse()
                    .map_err(|e| crate::errors::raise(py, &e))?;
            }
            "max_hours_per_day" => {
                s.max_hours_per_day = v
                    .extract()
                    .map_err(|_| wrong_type(py, "max_hours_per_day", "a number", &v))?;
            }
            other => {
                return Err(unknown_value(
                    py,
                    "settings",
                    other,
                    "members, unknown_beneficiary_ids, uni_connect_funding, year_start, max_hours_per_day",
                ))
            }
        }
    }
    s.validate().map_err(|e| crate::errors::raise(py, &e))?;
    Ok(s)
}

/// Every activity rule each row breaks, and every cell that could not be read: columns `row`
/// (spreadsheet row), `position` (0-based), `id`, `rule_id` (None for a cell that could not be
/// read), `field`, `code`, `severity`, `message`.
#[pyfunction]
#[pyo3(signature = (names, columns, n, *, options=None, typology=None, workers=None))]
fn _validate_activities<'py>(
    py: Python<'py>,
    names: Vec<String>,
    columns: Vec<Bound<'py, PyAny>>,
    n: usize,
    options: Option<&Bound<'py, PyDict>>,
    typology: Option<&PyTypology>,
    workers: Option<i64>,
) -> PyResult<Bound<'py, PyDict>> {
    let table = TextTable::from_py(py, names, columns, n)?;
    let settings = activity_settings(py, options, typology)?;
    type Found = (
        usize,
        String,
        Option<&'static str>,
        &'static str,
        &'static str,
        &'static str,
        String,
    );
    let found: Vec<Found> = crate::workers::detach(py, workers, || {
        (0..table.rows())
            .into_par_iter()
            .flat_map_iter(|i| {
                let (a, problems) = ActivityInput::from_row(&table.row(i));
                let mut out: Vec<Found> = problems
                    .into_iter()
                    .map(|p| (i, a.id.clone(), None, p.field, p.code, "error", p.message))
                    .collect();
                out.extend(validate_activity(&a, &settings).into_iter().map(|v| {
                    (
                        i,
                        a.id.clone(),
                        Some(v.rule_id),
                        v.field,
                        v.code,
                        v.severity.as_str(),
                        v.message,
                    )
                }));
                out
            })
            .collect()
    })?;
    let out = PyDict::new(py);
    out.set_item(
        "row",
        int_out(py, found.iter().map(|f| rows::of_position(f.0)))?,
    )?;
    out.set_item("position", int_out(py, found.iter().map(|f| f.0))?)?;
    out.set_item(
        "id",
        text_out(py, found.iter().map(|f| Some(f.1.as_str())))?,
    )?;
    out.set_item("rule_id", text_out(py, found.iter().map(|f| f.2))?)?;
    out.set_item("field", text_out(py, found.iter().map(|f| Some(f.3)))?)?;
    out.set_item("code", text_out(py, found.iter().map(|f| Some(f.4)))?)?;
    out.set_item("severity", text_out(py, found.iter().map(|f| Some(f.5)))?)?;
    out.set_item(
        "message",
        text_out(py, found.iter().map(|f| Some(f.6.as_str())))?,
    )?;
    Ok(out)
}

/// Whether the activity in the one-row table may be shared with a member: (allowed, code, reason).
#[pyfunction]
#[pyo3(signature = (names, columns, recipient, *, options=None, typology=None))]
fn _can_share(
    py: Python<'_>,
    names: Vec<String>,
    columns: Vec<Bound<'_, PyAny>>,
    recipient: &str,
    options: Option<&Bound<'_, PyDict>>,
    typology: Option<&PyTypology>,
) -> PyResult<(bool, Option<&'static str>, Option<String>)> {
    let table = TextTable::from_py(py, names, columns, 1)?;
    let (a, _) = ActivityInput::from_row(&table.row(0));
    let settings = activity_settings(py, options, typology)?;
    Ok(match activity::can_share(&a, recipient, &settings) {
        Ok(()) => (true, None, None),
        Err(r) => (false, Some(r.code()), Some(r.to_string())),
    })
}

/// An unreadable field of a student: (row, position, code, message, exception class).
type StudentIssue = (usize, usize, &'static str, String, &'static str);
type TrackingOutput<'py> = (Bound<'py, PyDict>, Bound<'py, PyDict>, Vec<StudentIssue>);

/// Tracking status per student (columns `complete, ks4_eligible, ks5_eligible, hesa_eligible,
/// problems, reasons`), the summary (a dict) and the fields given but unreadable as issues
/// (row, position, code, message, exception class).
#[pyfunction]
#[pyo3(signature = (names, columns, n, *, on=None, nation="england", workers=None))]
fn _student_tracking_status<'py>(
    py: Python<'py>,
    names: Vec<String>,
    columns: Vec<Bound<'py, PyAny>>,
    n: usize,
    on: Option<&Bound<'py, PyAny>>,
    nation: &str,
    workers: Option<i64>,
) -> PyResult<TrackingOutput<'py>> {
    let table = TextTable::from_py(py, names, columns, n)?;
    let on = match on {
        Some(d) if !d.is_none() => required_date(py, d, "on")?,
        _ => heat_core::calendar::today(),
    };
    let mut settings = TrackingSettings::on(on);
    settings.nation = self::nation(py, nation)?;
    let (statuses, summary) = crate::workers::detach(py, workers, || {
        let statuses: Vec<_> = (0..table.rows())
            .into_par_iter()
            .map(|i| student_tracking_status(&StudentInput::from_row(&table.row(i)), &settings))
            .collect();
        let summary = tracking_summary(&statuses);
        (statuses, summary)
    })?;
    let out = PyDict::new(py);
    let issues: Vec<StudentIssue> = statuses
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.unreadable.iter().map(move |u| {
                let row = heat_core::rows::of_position(i);
                (
                    row,
                    i,
                    u.code,
                    format!("row {row}, {}: {}", u.field, u.message),
                    u.kind.exception(),
                )
            })
        })
        .collect();
    let problems: Vec<String> = statuses.iter().map(|s| s.problems.join("|")).collect();
    let reasons: Vec<String> = statuses.iter().map(|s| s.reasons.join("; ")).collect();
    out.set_item(
        "complete",
        bool_out(py, statuses.iter().map(|s| s.complete))?,
    )?;
    out.set_item(
        "ks4_eligible",
        bool_out(py, statuses.iter().map(|s| s.ks4_eligible))?,
    )?;
    out.set_item(
        "ks5_eligible",
        bool_out(py, statuses.iter().map(|s| s.ks5_eligible))?,
    )?;
    out.set_item(
        "hesa_eligible",
        bool_out(py, statuses.iter().map(|s| s.hesa_eligible))?,
    )?;
    out.set_item(
        "problems",
        text_out(py, problems.iter().map(|s| Some(s.as_str())))?,
    )?;
    out.set_item(
        "reasons",
        text_out(py, reasons.iter().map(|s| Some(s.as_str())))?,
    )?;
    let sum = PyDict::new(py);
    sum.set_item("students", summary.students)?;
    sum.set_item("complete", summary.complete)?;
    sum.set_item("ks4_eligible", summary.ks4_eligible)?;
    sum.set_item("ks5_eligible", summary.ks5_eligible)?;
    sum.set_item("hesa_eligible", summary.hesa_eligible)?;
    let why = PyDict::new(py);
    for (reason, count) in &summary.not_hesa_because {
        why.set_item(reason, count)?;
    }
    sum.set_item("not_hesa_because", why)?;
    sum.set_item("extract_year", settings.extract_year())?;
    Ok((out, sum, issues))
}

/// The outcome as (row columns, issue columns, summary dict).
type ImportColumns<'py> = (Bound<'py, PyDict>, Bound<'py, PyDict>, Bound<'py, PyDict>);

fn outcome_columns<'py>(py: Python<'py>, o: &ImportOutcome) -> PyResult<ImportColumns<'py>> {
    let rows = PyDict::new(py);
    rows.set_item("row", int_out(py, o.rows.iter().map(|r| r.row))?)?;
    for (i, name) in o.columns.iter().enumerate() {
        rows.set_item(
            *name,
            text_out(
                py,
                o.rows
                    .iter()
                    .map(|r| Some(r.values.get(i).map_or("", String::as_str))),
            )?,
        )?;
    }
    let issues = PyDict::new(py);
    issues.set_item("row", int_out(py, o.issues.iter().map(|e| e.row))?)?;
    issues.set_item(
        "column",
        text_out(py, o.issues.iter().map(|e| Some(e.column.as_str())))?,
    )?;
    issues.set_item("code", text_out(py, o.issues.iter().map(|e| Some(e.code)))?)?;
    issues.set_item(
        "severity",
        text_out(py, o.issues.iter().map(|e| Some(e.severity.as_str())))?,
    )?;
    issues.set_item("rule_id", text_out(py, o.issues.iter().map(|e| e.rule_id))?)?;
    issues.set_item(
        "message",
        text_out(py, o.issues.iter().map(|e| Some(e.message.as_str())))?,
    )?;
    let s = &o.summary;
    let summary = PyDict::new(py);
    summary.set_item("template", s.template)?;
    summary.set_item("encoding", s.encoding)?;
    summary.set_item("sheet", s.sheet.clone())?;
    summary.set_item("header_row", s.header_row)?;
    summary.set_item("rows_in", s.rows_in)?;
    summary.set_item("rows_ok", s.rows_ok)?;
    summary.set_item("rows_with_errors", s.rows_with_errors)?;
    summary.set_item("rows_skipped", s.rows_skipped)?;
    summary.set_item("warnings", s.warnings)?;
    summary.set_item("errors", s.errors)?;
    summary.set_item("columns_matched", s.columns_matched.clone())?;
    summary.set_item("columns_ignored", s.columns_ignored.clone())?;
    Ok((rows, issues, summary))
}

/// Bulk-import validation of a file (`path`), CSV bytes (`data`) or a table (`names`,
/// `columns`, `n`); raises `ImportFileError` for a file that cannot be imported at all.
#[pyfunction]
#[pyo3(signature = (*, template, path=None, data=None, names=None, columns=None, n=0, academic_year=None, on=None, nation="england", options=None, typology=None, check_duplicates=true, sheet=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn _validate_import<'py>(
    py: Python<'py>,
    template: &str,
    path: Option<std::path::PathBuf>,
    data: Option<Vec<u8>>,
    names: Option<Vec<String>>,
    columns: Option<Vec<Bound<'py, PyAny>>>,
    n: usize,
    academic_year: Option<&Bound<'py, PyAny>>,
    on: Option<&Bound<'py, PyAny>>,
    nation: &str,
    options: Option<&Bound<'py, PyDict>>,
    typology: Option<&PyTypology>,
    check_duplicates: bool,
    sheet: Option<String>,
    workers: Option<i64>,
) -> PyResult<ImportColumns<'py>> {
    let template: Template = template.parse().map_err(|e| raise(py, &e))?;
    let on = match on {
        Some(d) if !d.is_none() => required_date(py, d, "on")?,
        _ => heat_core::calendar::today(),
    };
    let settings = ImportSettings {
        nation: self::nation(py, nation)?,
        activity: activity_settings(py, options, typology)?,
        check_duplicates,
        sheet,
        academic_year: academic_year
            .map(|y| academic_year_arg(py, y))
            .transpose()?,
        ..ImportSettings::on(on)
    };
    let table = match (names, columns) {
        (Some(names), Some(columns)) => Some(TextTable::from_py(py, names, columns, n)?),
        _ => None,
    };
    let outcome = crate::workers::detach(py, workers, || match (&table, &path, &data) {
        (Some(t), _, _) => {
            let records =
                (0..t.rows()).map(|i| -> Record { (rows::of_position(i), Ok(t.cells(i))) });
            validate_table(t.names(), records, template, &settings, "table")
        }
        (None, Some(p), _) => validate_import_file(p, template, &settings),
        (None, None, Some(d)) => validate_import(d, template, &settings),
        (None, None, None) => validate_import(b"", template, &settings),
    })?;
    match outcome {
        Ok(o) => outcome_columns(py, &o),
        Err(e) => Err(raise(py, &e)),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTypology>()?;
    m.add_function(wrap_pyfunction!(_typology_columns, m)?)?;
    m.add_function(wrap_pyfunction!(load_typology, m)?)?;
    m.add_function(wrap_pyfunction!(_validate_activities, m)?)?;
    m.add_function(wrap_pyfunction!(_can_share, m)?)?;
    m.add_function(wrap_pyfunction!(_student_tracking_status, m)?)?;
    m.add_function(wrap_pyfunction!(_validate_import, m)?)?;
    Ok(())
}
