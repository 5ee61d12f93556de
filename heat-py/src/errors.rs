//! Raising the Python exceptions of `heatkit/errors.py` from core errors: one class per
//! [`ErrorKind`], with the core's code, message and detail. No code is made up here.

use heat_core::{ArgumentError, ErrorKind, HeatError};
use pyo3::prelude::*;

/// The `heatkit.errors` class for an error kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Postcode => "InvalidPostcodeError",
        ErrorKind::Cohort => "CohortError",
        ErrorKind::Field => "FieldError",
        ErrorKind::Matching => "MatchingError",
        ErrorKind::Activity => "ActivityError",
        ErrorKind::Import => "ImportFileError",
        ErrorKind::Argument => "ArgumentError",
    }
}

/// Builds `heatkit.errors.<class>(message, code, detail=..., row=..., index=...)` as a `PyErr`.
fn build(
    py: Python<'_>,
    kind: ErrorKind,
    message: &str,
    code: &str,
    detail: Option<String>,
    row: Option<usize>,
) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let class = py.import("heatkit.errors")?.getattr(class_name(kind))?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("detail", detail.clone())?;
        kwargs.set_item("row", row)?;
        let instance = class.call((message, code), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    make().unwrap_or_else(|e| e)
}

/// The Python exception for a core error.
pub fn raise(py: Python<'_>, e: &dyn HeatError) -> PyErr {
    build(py, e.kind(), &e.to_string(), e.code(), e.detail(), None)
}

/// The Python exception for a core error about one row of a batch (`row` is the spreadsheet
/// row, [`heat_core::rows`]); the message starts with `row N: `.
pub fn raise_at_row(py: Python<'_>, e: &dyn HeatError, row: usize) -> PyErr {
    build(
        py,
        e.kind(),
        &format!("row {row}: {e}"),
        e.code(),
        e.detail(),
        Some(row),
    )
}

/// A Python exception for a row of a batch whose message and code are already known (a cell's
/// error, kept as its code and message in a column result).
pub fn raise_coded_at_row(
    py: Python<'_>,
    kind: ErrorKind,
    code: &str,
    message: &str,
    row: usize,
) -> PyErr {
    build(py, kind, message, code, None, Some(row))
}

/// `ArgumentError` for an argument not among the allowed values.
pub fn unknown_value(py: Python<'_>, name: &str, value: &str, expected: &str) -> PyErr {
    raise(py, &ArgumentError::unknown_value(name, value, expected))
}

/// `ArgumentError` for an argument out of range.
pub fn out_of_range(
    py: Python<'_>,
    name: &str,
    value: impl std::fmt::Display,
    range: &str,
) -> PyErr {
    raise(py, &ArgumentError::out_of_range(name, value, range))
}

/// `ArgumentError` for an argument of the wrong type.
pub fn wrong_type(py: Python<'_>, name: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an object".to_string());
    raise(py, &ArgumentError::wrong_type(name, expected, &got))
}

/// The number of worker threads: `None` is the default pool, `-1` all cores, else 1 to 1024.
pub fn workers(py: Python<'_>, workers: Option<i64>) -> PyResult<Option<usize>> {
    match workers {
        None => Ok(None),
        Some(-1) => Ok(Some(
            std::thread::available_parallelism().map_or(1, |n| n.get()),
        )),
        Some(n @ 1..=1024) => Ok(Some(n as usize)),
        Some(n) => Err(out_of_range(
            py,
            "workers",
            n,
            "-1 (all cores) or 1 to 1024",
        )),
    }
}

/// Makes an argument error from a core `FromStr` failure of an option such as `level`.
pub fn argument(py: Python<'_>, e: &dyn HeatError) -> PyErr {
    raise(py, e)
}
