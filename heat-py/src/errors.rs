//! Raising the Python exceptions defined in `heatkit/errors.py` with the core's code and message.

use pyo3::prelude::*;

/// Build `heatkit.errors.<class_name>(message, code, detail=..., row=...)` as a `PyErr`.
pub fn heat_error(
    py: Python<'_>,
    class_name: &str,
    message: &str,
    code: &str,
    detail: Option<String>,
    row: Option<usize>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("heatkit.errors")?.getattr(class_name)?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("detail", detail.clone())?;
        kwargs.set_item("row", row)?;
        let instance = class.call((message, code), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|e| e)
}

/// `InvalidPostcodeError` for a core postcode error.
pub fn postcode_error(
    py: Python<'_>,
    err: &heat_core::postcode::PostcodeError,
    row: Option<usize>,
) -> PyErr {
    let message = match row {
        Some(r) => format!("row {r}: {err}"),
        None => err.to_string(),
    };
    heat_error(
        py,
        "InvalidPostcodeError",
        &message,
        err.code(),
        err.detail(),
        row,
    )
}
