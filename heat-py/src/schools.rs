//! Schools by name: a GIAS extract (and a HEAT institution export) as a directory that finds
//! what a person typed for a school.

use std::path::PathBuf;
use std::sync::Arc;

use heat_core::schools::{School, SchoolDirectory, SchoolMatch};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::clean::school_directory;

/// The schools of a GIAS extract (and a HEAT institution export, which gives them their HEAT
/// ids), for finding what a person typed for a school: `SchoolDirectory("gias.csv",
/// heat_institutions="institutions.csv")`; either file may be left out.
///
/// `find(typed, home=None)` gives a dict: `outcome` (`found`, `nearest`, `closed`, `ambiguous`
/// or `not_found`); `school_id` (HEAT id, else URN) and `name` of the school chosen; `reason`
/// (`id`, `exact`, `tidied`, `without_generic_words` or `close_spelling`); `nearness`
/// (`home_district` or `home_area`, when the student's home postcode broke a tie); `certain`
/// (whether the choice may be written without a person checking it); and `candidates` (ids to
/// choose from). `find_all(typed, homes=None)` does the same for a list, without the GIL. The
/// rules are those of the clean job's `schools=` (see the user guide).
#[pyclass(name = "SchoolDirectory", module = "heatkit._heatkit", frozen)]
pub struct PySchoolDirectory {
    pub(crate) inner: Arc<SchoolDirectory>,
}

/// What a typed school became, owned (made without the GIL, turned into a dict with it).
struct Found {
    outcome: &'static str,
    school_id: Option<String>,
    name: Option<String>,
    reason: Option<&'static str>,
    nearness: Option<&'static str>,
    certain: bool,
    candidates: Vec<String>,
}

impl Found {
    fn of(m: SchoolMatch<'_>) -> Found {
        let ids = |schools: &[&School]| schools.iter().map(|s| s.id().to_string()).collect();
        let chosen = |outcome, school: &School, reason: &'static str, certain| Found {
            outcome,
            school_id: Some(school.id().to_string()),
            name: Some(school.name.clone()),
            reason: Some(reason),
            nearness: None,
            certain,
            candidates: Vec::new(),
        };
        let listed = |outcome, candidates| Found {
            outcome,
            school_id: None,
            name: None,
            reason: None,
            nearness: None,
            certain: false,
            candidates,
        };
        match m {
            SchoolMatch::Found {
                school,
                how,
                ref others,
            } => Found {
                candidates: ids(others),
                ..chosen("found", school, how.code(), m.is_certain())
            },
            SchoolMatch::Nearest {
                school,
                how,
                by,
                others,
            } => Found {
                nearness: Some(by.code()),
                candidates: ids(&others),
                ..chosen("nearest", school, how.code(), false)
            },
            SchoolMatch::Closed { school, open } => {
                let mut c = vec![school.id().to_string()];
                c.extend(open.iter().map(|s| s.id().to_string()));
                listed("closed", c)
            }
            SchoolMatch::Ambiguous { candidates } => listed("ambiguous", ids(&candidates)),
            SchoolMatch::NotFound { nearest } => listed("not_found", ids(&nearest)),
        }
    }

    fn into_dict<'py>(
        self,
        py: Python<'py>,
        texts: &mut FixedTexts<'py>,
    ) -> PyResult<Bound<'py, PyDict>> {
        // The keys and the few fixed values are made once, not once a row.
        let d = PyDict::new(py);
        d.set_item(intern!(py, "outcome"), texts.get(py, self.outcome))?;
        d.set_item(intern!(py, "school_id"), self.school_id)?;
        d.set_item(intern!(py, "name"), self.name)?;
        d.set_item(intern!(py, "reason"), self.reason.map(|r| texts.get(py, r)))?;
        d.set_item(
            intern!(py, "nearness"),
            self.nearness.map(|n| texts.get(py, n)),
        )?;
        d.set_item(intern!(py, "certain"), self.certain)?;
        d.set_item(intern!(py, "candidates"), self.candidates)?;
        Ok(d)
    }
}

/// Runs `make` with Python's cyclic garbage collector paused, when it was running: making a
/// dict and a list per result would otherwise start collections over the caller's whole heap
/// (a notebook's data frames) every few hundred results, though none of these can be garbage
/// while they are made. Nothing else runs meanwhile: the GIL is held throughout.
fn without_gc_passes<'py, T>(py: Python<'py>, make: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    /// Turns the collector back on when dropped, however `make` ends.
    struct Resume<'py>(Option<Bound<'py, PyModule>>);
    impl Drop for Resume<'_> {
        fn drop(&mut self) {
            if let Some(gc) = &self.0 {
                // Nothing can be raised from a drop; `enable` does not fail.
                let _ = gc.call_method0("enable");
            }
        }
    }
    let gc = py.import("gc")?;
    let _resume = if gc.call_method0("isenabled")?.is_truthy()? {
        gc.call_method0("disable")?;
        Resume(Some(gc))
    } else {
        Resume(None)
    };
    make()
}

/// The few fixed texts of the results (outcomes, reasons, nearness), each made into a Python
/// string once for a batch.
#[derive(Default)]
struct FixedTexts<'py> {
    made: Vec<(&'static str, Bound<'py, PyString>)>,
}

impl<'py> FixedTexts<'py> {
    fn get(&mut self, py: Python<'py>, text: &'static str) -> Bound<'py, PyString> {
        if let Some((_, s)) = self.made.iter().find(|(t, _)| std::ptr::eq(*t, text)) {
            return s.clone();
        }
        let s = PyString::new(py, text);
        self.made.push((text, s.clone()));
        s
    }
}

#[pymethods]
impl PySchoolDirectory {
    /// Reads a GIAS extract and, added to it, a HEAT institution export (paths; either may be
    /// left out).
    #[new]
    #[pyo3(signature = (gias = None, *, heat_institutions = None))]
    fn new(
        py: Python<'_>,
        gias: Option<PathBuf>,
        heat_institutions: Option<PathBuf>,
    ) -> PyResult<PySchoolDirectory> {
        let inner = school_directory(py, gias, heat_institutions)?.unwrap_or_default();
        Ok(PySchoolDirectory { inner })
    }

    /// What `typed` became, for a student living at `home` (a postcode), as a dict.
    #[pyo3(signature = (typed, *, home = None))]
    fn find<'py>(
        &self,
        py: Python<'py>,
        typed: &Bound<'py, PyString>,
        home: Option<&Bound<'py, PyString>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let home = home.map(|h| h.to_string_lossy());
        let found = self
            .inner
            .find_near(&typed.to_string_lossy(), home.as_deref());
        Found::of(found).into_dict(py, &mut FixedTexts::default())
    }

    /// [`find`] for each name, with each student's home postcode when given (the GIL is
    /// released; names are found on `workers` threads, as every batch function's `workers=`).
    #[pyo3(signature = (typed, *, homes = None, workers = None))]
    fn find_all<'py>(
        &self,
        py: Python<'py>,
        typed: Vec<Bound<'py, PyString>>,
        homes: Option<Vec<Option<Bound<'py, PyString>>>>,
        workers: Option<i64>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        if let Some(h) = &homes {
            if h.len() != typed.len() {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "homes has {} values for {} names",
                    h.len(),
                    typed.len()
                )));
            }
        }
        // Text as Rust holds it: a lone surrogate (a bad value from a file) becomes U+FFFD, so it
        // is one name not found, not an error for the whole list.
        let typed: Vec<String> = typed.iter().map(|t| t.to_string_lossy().into()).collect();
        let homes: Option<Vec<Option<String>>> = homes.map(|h| {
            h.iter()
                .map(|x| x.as_ref().map(|s| s.to_string_lossy().into()))
                .collect()
        });
        // A method has no Python wrapper to settle the default: ask the one the wrappers use
        // (1 inside a Spark, Dask or pool worker).
        let workers = match workers {
            Some(w) => Some(w),
            None => py
                .import("heatkit._workers")?
                .call_method1("resolve", (py.None(),))?
                .extract()?,
        };
        let found: Vec<Found> = crate::workers::detach(py, workers, || {
            use rayon::prelude::*;
            typed
                .par_iter()
                .enumerate()
                .map(|(i, t)| {
                    let home = homes.as_ref().and_then(|h| h[i].as_deref());
                    Found::of(self.inner.find_near(t, home))
                })
                .collect()
        })?;
        let mut texts = FixedTexts::default();
        without_gc_passes(py, || {
            found
                .into_iter()
                .map(|f| f.into_dict(py, &mut texts))
                .collect()
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<SchoolDirectory: {} schools>", self.inner.len())
    }
}

/// Adds the class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySchoolDirectory>()
}
