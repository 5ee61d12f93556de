//! `workers=`: how many threads a batch function uses, read once here for every function.

use heat_core::workers::{run_with, workers_from};
use pyo3::prelude::*;

use crate::errors::raise;

/// Runs `job` with the GIL released on the threads `workers` asks for: `None` the default
/// (`HEATKIT_WORKERS`, else every core; the Python wrapper passes 1 inside a Spark, Dask or
/// joblib worker), `-1` every core, 1 to 1024 that many; `ArgumentError` otherwise.
pub fn detach<T: Send>(
    py: Python<'_>,
    workers: Option<i64>,
    job: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let threads = match workers {
        None => None,
        Some(w) => workers_from(w).map_err(|e| raise(py, &e))?,
    };
    py.detach(|| run_with(threads, job))
        .map_err(|e| raise(py, &e))
}
