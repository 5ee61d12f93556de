//! Python bindings for heat-core (package `heatkit`). Converts arguments, releases the GIL,
//! calls the core and converts results back; no domain rules live here.

/// The extension's own allocations (never Python's): the batch functions make many short
/// strings on every core, where mimalloc is faster and more compact than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod activity;
mod areas;
mod clean;
mod cohort;
mod columns;
mod dates;
mod errors;
mod matching;
mod parts;
mod postcode;
mod schools;
mod table;
mod workers;

use pyo3::prelude::*;

/// The compiled part of `heatkit`; import `heatkit`, not this module.
#[pymodule]
fn _heatkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // A panic never reaches the user as text on stderr: inside a workbook reader it becomes a
    // `bad_workbook` error, anywhere else a Python exception carrying its message. (This hook is
    // the extension's own: each compiled extension has its own standard library.)
    std::panic::set_hook(Box::new(|_| {}));
    postcode::register(m)?;
    cohort::register(m)?;
    matching::register(m)?;
    parts::register(m)?;
    activity::register(m)?;
    clean::register(m)?;
    areas::register(m)?;
    schools::register(m)?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
