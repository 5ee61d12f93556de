//! Raising the Python exceptions of `heatkit/errors.py` from core errors: one class per
//! [`ErrorKind`], with the core's code, message and detail. No code is made up here.

use heat_core::{ArgumentError, ErrorKind, HeatError};
use pyo3::prelude::*;

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
        let class = py.import("heatkit.errors")?.getattr(kind.exception())?;
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

/// The Python exception for a core error about one row.
pub fn raise_at_row(py: Python<'_>, e: &dyn HeatError, row: usize) -> PyErr {
    build(
        py,
        e.kind(),
        &e.to_string(),
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

/// The number of worker threads: `None` the default, `-1` every core, else 1 to 1024
/// (`heat_core::workers::workers_from`).
pub fn workers(py: Python<'_>, workers: Option<i64>) -> PyResult<Option<usize>> {
    match workers {
        None => Ok(None),
        Some(w) => heat_core::workers::workers_from(w).map_err(|e| raise(py, &e)),
    }
}

/// A whole-number argument: `ArgumentError` for another type or a number beyond 64 bits.
pub fn int_arg(py: Python<'_>, value: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    if !value.is_instance_of::<pyo3::types::PyInt>()
        || value.is_instance_of::<pyo3::types::PyBool>()
    {
        return Err(wrong_type(py, name, "a whole number", value));
    }
    value
        .extract::<i64>()
        .map_err(|_| out_of_range(py, name, value, "a 64-bit whole number"))
}

/// `ArgumentError` for a value the Python layer could not pass on (a conversion of the compiled
/// module failed): returned for the Python wrapper to raise.
#[pyfunction]
pub fn _bad_argument(py: Python<'_>, name: &str, reason: &str) -> Py<PyAny> {
    let e = ArgumentError::Unusable {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    raise(py, &e).into_value(py).into_any()
}

/// `ArgumentError` for an argument that is not one of the allowed values (for the wrapper).
#[pyfunction]
pub fn _unknown_value(py: Python<'_>, name: &str, value: &str, expected: &str) -> Py<PyAny> {
    unknown_value(py, name, value, expected)
        .into_value(py)
        .into_any()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_bad_argument, m)?)?;
    m.add_function(wrap_pyfunction!(_unknown_value, m)?)?;
    Ok(())
}
