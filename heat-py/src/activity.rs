//! Activities, student tracking status and bulk imports: JSON in, JSON out (the Python layer
//! turns tables into records and results back into tables). The typology in force lives here.

use std::sync::RwLock;

use chrono::NaiveDate;
use heat_core::activity::{self, validate_activity, ActivityInput, ActivitySettings, Typology};
use heat_core::import::{validate_import, validate_import_file, ImportSettings, Template};
use heat_core::student::{
    student_tracking_status, tracking_summary, StudentInput, TrackingSettings,
};
use once_cell::sync::Lazy;
use pyo3::prelude::*;
use serde::Deserialize;

use crate::cohort::{cohort_err, nation as nation_of};
use crate::errors::heat_error;

static TYPOLOGY: Lazy<RwLock<Typology>> = Lazy::new(|| RwLock::new(activity::typology().clone()));

fn current_typology() -> Typology {
    TYPOLOGY
        .read()
        .map(|t| t.clone())
        .unwrap_or_else(|_| activity::typology().clone())
}

fn activity_error(py: Python<'_>, message: &str, code: &str) -> PyErr {
    heat_error(py, "ActivityError", message, code, None, None)
}

/// The typology in force, as JSON.
#[pyfunction]
fn _typology_json() -> String {
    serde_json::to_string(&current_typology()).unwrap_or_default()
}

/// Loads a typology CSV (or JSON made by `_typology_json`) and puts it in force; returns
/// (version, number of types). `path=None` restores the embedded default.
#[pyfunction]
#[pyo3(signature = (path=None, *, version=None))]
fn load_typology(
    py: Python<'_>,
    path: Option<std::path::PathBuf>,
    version: Option<String>,
) -> PyResult<(String, usize)> {
    let typology = match &path {
        None => activity::typology().clone(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                activity_error(
                    py,
                    &format!("cannot read {}: {e}", p.display()),
                    "unreadable_file",
                )
            })?;
            if text.trim_start().starts_with('{') {
                serde_json::from_str::<Typology>(&text).map_err(|e| {
                    activity_error(
                        py,
                        &format!("{}: not a typology: {e}", p.display()),
                        "bad_typology_row",
                    )
                })?
            } else {
                let label = version.unwrap_or_else(|| {
                    p.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                });
                Typology::from_csv_reader(text.as_bytes(), &label)
                    .map_err(|e| activity_error(py, &format!("{}: {e}", p.display()), e.code()))?
            }
        }
    };
    let out = (typology.version.clone(), typology.types.len());
    if let Ok(mut slot) = TYPOLOGY.write() {
        *slot = typology;
    }
    Ok(out)
}

/// Python-side activity settings (the typology comes from `load_typology`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActivityOptions {
    members: Vec<String>,
    unknown_beneficiary_ids: Option<Vec<String>>,
    year_start: Option<activity::YearStart>,
    max_hours_per_day: Option<f64>,
    uni_connect_funding: Option<Vec<String>>,
}

fn activity_settings(py: Python<'_>, options: Option<&str>) -> PyResult<ActivitySettings> {
    let o: ActivityOptions = match options {
        None => ActivityOptions::default(),
        Some(t) => serde_json::from_str(t).map_err(|e| {
            activity_error(py, &format!("bad activity settings: {e}"), "bad_setting")
        })?,
    };
    let d = ActivitySettings::default();
    Ok(ActivitySettings {
        typology: current_typology(),
        members: o.members,
        unknown_beneficiary_ids: o
            .unknown_beneficiary_ids
            .unwrap_or(d.unknown_beneficiary_ids),
        year_start: o.year_start.unwrap_or(d.year_start),
        max_hours_per_day: o.max_hours_per_day.unwrap_or(d.max_hours_per_day),
        uni_connect_funding: o.uni_connect_funding.unwrap_or(d.uni_connect_funding),
    })
}

type ViolationRow = (String, String, String, String, String);

/// Violations per activity: for each JSON activity, (rule_id, field, code, severity, message).
#[pyfunction]
#[pyo3(signature = (activities_json, *, options=None))]
fn _validate_activities(
    py: Python<'_>,
    activities_json: &str,
    options: Option<&str>,
) -> PyResult<Vec<Vec<ViolationRow>>> {
    let inputs: Vec<ActivityInput> = serde_json::from_str(activities_json)
        .map_err(|e| activity_error(py, &format!("not an activity record: {e}"), "bad_activity"))?;
    let settings = activity_settings(py, options)?;
    Ok(py.detach(|| {
        inputs
            .iter()
            .map(|a| {
                validate_activity(a, &settings)
                    .into_iter()
                    .map(|v| {
                        (
                            v.rule_id.to_string(),
                            v.field.to_string(),
                            v.code.to_string(),
                            v.severity.as_str().to_string(),
                            v.message,
                        )
                    })
                    .collect()
            })
            .collect()
    }))
}

/// Whether an activity may be shared with a member: (allowed, code, reason).
#[pyfunction]
#[pyo3(signature = (activity_json, recipient, *, options=None))]
fn _can_share(
    py: Python<'_>,
    activity_json: &str,
    recipient: &str,
    options: Option<&str>,
) -> PyResult<(bool, Option<String>, Option<String>)> {
    let a: ActivityInput = serde_json::from_str(activity_json)
        .map_err(|e| activity_error(py, &format!("not an activity record: {e}"), "bad_activity"))?;
    let settings = activity_settings(py, options)?;
    Ok(match activity::can_share(&a, recipient, &settings) {
        Ok(()) => (true, None, None),
        Err(r) => (false, Some(r.code().to_string()), Some(r.to_string())),
    })
}

/// Tracking status per student (JSON list of students) as JSON, plus the summary as JSON.
#[pyfunction]
#[pyo3(signature = (students_json, *, on, nation = "england"))]
fn _student_tracking_status(
    py: Python<'_>,
    students_json: &str,
    on: NaiveDate,
    nation: &str,
) -> PyResult<(String, String)> {
    let students: Vec<StudentInput> = serde_json::from_str(students_json)
        .map_err(|e| activity_error(py, &format!("not a student record: {e}"), "bad_student"))?;
    let mut settings = TrackingSettings::on(on);
    settings.nation = nation_of(py, nation)?;
    let (statuses, summary) = py.detach(|| {
        let statuses: Vec<_> = students
            .iter()
            .map(|s| student_tracking_status(s, &settings))
            .collect();
        let summary = tracking_summary(&statuses);
        (statuses, summary)
    });
    Ok((
        serde_json::to_string(&statuses).unwrap_or_default(),
        serde_json::to_string(&summary).unwrap_or_default(),
    ))
}

/// Bulk-import validation of a file (`path`) or of CSV bytes; returns the outcome as JSON or raises
/// `ImportFileError` for a file that cannot be imported at all.
#[pyfunction]
#[pyo3(signature = (*, template, path=None, data=None, academic_year=None, nation="england", options=None, check_duplicates=true))]
#[allow(clippy::too_many_arguments)]
fn _validate_import(
    py: Python<'_>,
    template: &str,
    path: Option<std::path::PathBuf>,
    data: Option<Vec<u8>>,
    academic_year: Option<&str>,
    nation: &str,
    options: Option<&str>,
    check_duplicates: bool,
) -> PyResult<String> {
    let template: Template = template
        .parse()
        .map_err(|e: String| activity_error(py, &e, "unknown_template"))?;
    let mut settings = ImportSettings {
        nation: nation_of(py, nation)?,
        activity: activity_settings(py, options)?,
        check_duplicates,
        ..Default::default()
    };
    if let Some(y) = academic_year {
        settings.academic_year = y.parse().map_err(|e| cohort_err(py, &e))?;
    }
    let outcome = py.detach(|| match (&path, &data) {
        (Some(p), _) => validate_import_file(p, template, &settings),
        (None, Some(d)) => validate_import(d, template, &settings),
        (None, None) => validate_import(b"", template, &settings),
    });
    match outcome {
        Ok(o) => Ok(serde_json::to_string(&o).unwrap_or_default()),
        Err(e) => Err(heat_error(
            py,
            "ImportFileError",
            &e.to_string(),
            e.code(),
            None,
            None,
        )),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_typology_json, m)?)?;
    m.add_function(wrap_pyfunction!(load_typology, m)?)?;
    m.add_function(wrap_pyfunction!(_validate_activities, m)?)?;
    m.add_function(wrap_pyfunction!(_can_share, m)?)?;
    m.add_function(wrap_pyfunction!(_student_tracking_status, m)?)?;
    m.add_function(wrap_pyfunction!(_validate_import, m)?)?;
    Ok(())
}
