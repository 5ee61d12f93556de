//! `heatkit` postcode functions: thin wrappers over `heat_core::postcode`.

mod batch;

use crate::errors::{raise, wrong_type};
use heat_core::postcode::{self as core, Check, Level, Postcode, PostcodeError};
use heat_core::{ArgumentError, HeatError};
use pyo3::prelude::*;
use pyo3::types::PyString;

fn level(py: Python<'_>, name: &str) -> PyResult<Level> {
    name.parse::<Level>().map_err(|e| raise(py, &e))
}

/// A str argument; `None` is an empty postcode; anything else is an `ArgumentError`. A string
/// with lone surrogates (not encodable as text) keeps U+FFFD in their place, so it is a bad
/// character of the postcode rather than a crash.
fn text_arg(value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    match value.cast::<PyString>() {
        Ok(s) => Ok(Some(s.to_string_lossy().into_owned())),
        Err(_) => Err(wrong_type(value.py(), "s", "text (str) or None", value)),
    }
}

/// A valid UK postcode and its parts.
#[pyclass(name = "Postcode", module = "heatkit", frozen, eq, hash, ord, str)]
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyPostcode(Postcode);

impl std::fmt::Display for PyPostcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[pymethods]
impl PyPostcode {
    /// A postcode from its canonical text (what pickling stores); raises InvalidPostcodeError.
    #[new]
    fn new(py: Python<'_>, postcode: &str) -> PyResult<Self> {
        Postcode::parse_at(postcode, Level::Shape)
            .map(PyPostcode)
            .map_err(|e| raise(py, &e))
    }
    fn __getnewargs__(&self) -> (String,) {
        (self.0.as_str().to_string(),)
    }
    /// The canonical form, e.g. "SW1A 1AA".
    #[getter]
    fn postcode(&self) -> &str {
        self.0.as_str()
    }
    /// The outward code ("SW1A").
    #[getter]
    fn outward(&self) -> &str {
        self.0.outward()
    }
    /// The inward code ("1AA").
    #[getter]
    fn inward(&self) -> &str {
        self.0.inward()
    }
    /// The area ("SW").
    #[getter]
    fn area(&self) -> &str {
        self.0.area()
    }
    /// The district ("SW1").
    #[getter]
    fn district(&self) -> &str {
        self.0.district()
    }
    /// The sub-district ("SW1A"), or None.
    #[getter]
    fn sub_district(&self) -> Option<&str> {
        self.0.sub_district()
    }
    /// The sector ("SW1A 1").
    #[getter]
    fn sector(&self) -> &str {
        self.0.sector()
    }
    /// The unit ("AA").
    #[getter]
    fn unit(&self) -> &str {
        self.0.unit()
    }
    /// The area's name ("South West London"), or None.
    #[getter]
    fn area_name(&self) -> Option<&'static str> {
        self.0.area_name()
    }
    /// "live", "not_live" or "not_covered" (Northern Ireland).
    #[getter]
    fn liveness(&self) -> &'static str {
        match self.0.liveness() {
            core::Liveness::Live => "live",
            core::Liveness::NotLive => "not_live",
            core::Liveness::NotCovered => "not_covered",
        }
    }
    fn __repr__(&self) -> String {
        format!("Postcode('{}')", self.0.as_str())
    }
}

/// One slip undone: (slip, position among the typed letters and digits, typed, repaired).
type PyEdit = (&'static str, usize, Option<char>, Option<char>);

/// Edits from their Python form (what pickling stores); a slip that is not one is an error.
fn edits_from_py(
    py: Python<'_>,
    edits: Vec<(String, usize, Option<char>, Option<char>)>,
) -> PyResult<Vec<core::Edit>> {
    edits
        .into_iter()
        .map(|(slip, position, typed, repaired)| {
            let slip = core::Slip::from_code(&slip).ok_or_else(|| {
                raise(
                    py,
                    &ArgumentError::unknown_value("slip", &slip, &core::Slip::CODES.join(", ")),
                )
            })?;
            Ok(core::Edit {
                slip,
                position,
                typed,
                repaired,
            })
        })
        .collect()
}

fn py_edits(edits: &[core::Edit]) -> Vec<PyEdit> {
    edits
        .iter()
        .map(|e| (e.slip.code(), e.position, e.typed, e.repaired))
        .collect()
}

/// A live postcode a few typing slips from a value (see postcode_candidates).
#[pyclass(name = "PostcodeCandidate", module = "heatkit", frozen, get_all)]
#[derive(Clone)]
pub struct PyPostcodeCandidate {
    /// The live postcode, canonical ("AL7 4EF").
    postcode: String,
    /// The kind of slip undone: "look_alike", "keyboard_neighbour", "neighbour_digit",
    /// "transposed", "missing" or "extra".
    slip: &'static str,
    /// The number of slips undone (fewer is nearer).
    cost: usize,
    /// (slip, position, typed, repaired) for each slip undone.
    edits: Vec<PyEdit>,
    /// How it fits the context given: "same_postcode", "same_district", "same_area" or None.
    context: Option<&'static str>,
    /// Whether a repair may choose it on its own (False: a slip other than a look-alike that
    /// leaves the area typed, or adds or drops a letter of an area typed that is none, or moves
    /// the space typed; only a person may pick it).
    repairable: bool,
}

#[pymethods]
impl PyPostcodeCandidate {
    /// A candidate from its parts (what pickling stores).
    #[new]
    #[pyo3(signature = (postcode, edits, context=None, repairable=true))]
    fn py_new(
        py: Python<'_>,
        postcode: &str,
        edits: Vec<(String, usize, Option<char>, Option<char>)>,
        context: Option<&str>,
        repairable: bool,
    ) -> PyResult<Self> {
        let postcode = Postcode::parse(postcode).map_err(|e| raise(py, &e))?;
        let slips = edits_from_py(py, edits)?;
        let context = match context {
            None => None,
            Some(c) => Some(core::ContextFit::from_code(c).ok_or_else(|| {
                raise(
                    py,
                    &ArgumentError::unknown_value(
                        "context",
                        c,
                        &core::ContextFit::CODES.join(", "),
                    ),
                )
            })?),
        };
        Ok(PyPostcodeCandidate::new(&core::Candidate {
            postcode,
            edits: slips,
            context,
            repairable,
        }))
    }
    fn __getnewargs__(&self) -> (String, Vec<PyEdit>, Option<&'static str>, bool) {
        (
            self.postcode.clone(),
            self.edits.clone(),
            self.context,
            self.repairable,
        )
    }
    fn __repr__(&self) -> String {
        format!(
            "PostcodeCandidate(postcode='{}', slip='{}', cost={})",
            self.postcode, self.slip, self.cost
        )
    }
}

impl PyPostcodeCandidate {
    fn new(c: &core::Candidate) -> Self {
        PyPostcodeCandidate {
            postcode: c.postcode.as_str().to_string(),
            slip: c.slip().code(),
            cost: c.cost(),
            edits: py_edits(&c.edits),
            context: c.context.map(core::ContextFit::code),
            repairable: c.repairable,
        }
    }
}

/// What check_postcode found.
#[pyclass(name = "PostcodeCheck", module = "heatkit", frozen, get_all)]
pub struct PyPostcodeCheck {
    /// The value as given (None when missing).
    input: Option<String>,
    /// The canonical postcode (valid or fixed), the canonical special code, or None.
    postcode: Option<String>,
    /// "valid", "fixed", "check", "special" or "invalid".
    status: &'static str,
    /// A stable code (error, special kind, or warning such as "not_live"), or None.
    code: Option<&'static str>,
    /// A human sentence.
    message: String,
    /// (slip, position, typed, repaired) for each slip the fix undid.
    edits: Vec<PyEdit>,
    /// Live postcodes a few slips away, nearest first: what a "check" value (or one that is not
    /// live) may have been.
    candidates: Vec<PyPostcodeCandidate>,
}

const STATUSES: [&str; 5] = ["valid", "fixed", "check", "special", "invalid"];

#[pymethods]
impl PyPostcodeCheck {
    /// A check from its parts (what pickling stores).
    #[new]
    #[pyo3(signature = (input, postcode, status, code, message, edits, candidates=Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        input: Option<String>,
        postcode: Option<String>,
        status: &str,
        code: Option<String>,
        message: String,
        edits: Vec<(String, usize, Option<char>, Option<char>)>,
        candidates: Vec<Bound<'_, PyPostcodeCandidate>>,
    ) -> PyResult<Self> {
        let candidates = candidates.iter().map(|c| c.get().clone()).collect();
        let status = STATUSES.into_iter().find(|s| *s == status).ok_or_else(|| {
            raise(
                py,
                &ArgumentError::unknown_value("status", status, &STATUSES.join(", ")),
            )
        })?;
        // Codes are the core's static strings; one that is not a known code cannot be stored.
        let code = match code {
            None => None,
            Some(c) => Some(known_code(&c).ok_or_else(|| {
                raise(
                    py,
                    &ArgumentError::unknown_value("code", &c, "a heatkit postcode code"),
                )
            })?),
        };
        let kept = py_edits(&edits_from_py(py, edits)?);
        Ok(PyPostcodeCheck {
            input,
            postcode,
            status,
            code,
            message,
            edits: kept,
            candidates,
        })
    }
    #[allow(clippy::type_complexity)]
    fn __getnewargs__(
        &self,
    ) -> (
        Option<String>,
        Option<String>,
        &'static str,
        Option<&'static str>,
        String,
        Vec<PyEdit>,
        Vec<PyPostcodeCandidate>,
    ) {
        (
            self.input.clone(),
            self.postcode.clone(),
            self.status,
            self.code,
            self.message.clone(),
            self.edits.clone(),
            self.candidates.clone(),
        )
    }
    fn __repr__(&self) -> String {
        let py_str = |v: Option<&str>| v.map_or("None".to_string(), |s| format!("'{s}'"));
        format!(
            "PostcodeCheck(postcode={}, status='{}', code={})",
            py_str(self.postcode.as_deref()),
            self.status,
            py_str(self.code)
        )
    }
}

impl PyPostcodeCheck {
    fn new(input: Option<String>, c: Check) -> Self {
        PyPostcodeCheck {
            input,
            postcode: c.postcode,
            status: c.status.as_str(),
            code: c.code,
            message: c.message,
            edits: py_edits(&c.edits),
            candidates: c.candidates.iter().map(PyPostcodeCandidate::new).collect(),
        }
    }
}

/// The static form of a code `check` can give (the core's postcode errors and special kinds, and
/// `wrong_type` for a value that is not text): read from the core's code lists.
fn known_code(code: &str) -> Option<&'static str> {
    PostcodeError::CODES
        .iter()
        .chain(core::SpecialKind::CODES)
        .chain(ArgumentError::CODES)
        .copied()
        .find(|c| *c == code)
}

fn missing_check() -> Check {
    Check::from_error(&PostcodeError::Empty)
}

/// Normalise a postcode to "SW1A 1AA" form; raises InvalidPostcodeError.
#[pyfunction]
#[pyo3(signature = (s, *, level = "district"))]
fn normalise_postcode(py: Python<'_>, s: &Bound<'_, PyAny>, level: &str) -> PyResult<String> {
    let level = self::level(py, level)?;
    let s = text_arg(s)?.unwrap_or_default();
    core::normalise_at(&s, level).map_err(|e| raise(py, &e))
}

/// Whether s is a valid postcode at level; False for None and non-str values.
#[pyfunction]
#[pyo3(signature = (s, *, level = "district"))]
fn is_valid_postcode(py: Python<'_>, s: &Bound<'_, PyAny>, level: &str) -> PyResult<bool> {
    let level = self::level(py, level)?;
    Ok(match s.cast::<PyString>() {
        Ok(s) => s
            .to_cow()
            .map(|v| core::is_valid(&v, level))
            .unwrap_or(false),
        Err(_) => false,
    })
}

/// Live postcodes a few typing slips from s, nearest first (then by fit to the context given:
/// the student's other postcodes, the school's districts, expected areas).
#[pyfunction]
#[pyo3(signature = (s, *, postcodes=Vec::new(), districts=Vec::new(), areas=Vec::new()))]
fn postcode_candidates(
    py: Python<'_>,
    s: &Bound<'_, PyAny>,
    postcodes: Vec<String>,
    districts: Vec<String>,
    areas: Vec<String>,
) -> PyResult<Vec<PyPostcodeCandidate>> {
    let s = text_arg(s)?.unwrap_or_default();
    let context = repair_context(py, &postcodes, &districts, &areas)?;
    let found = core::candidates_in(&s, &context).map_err(|e| raise(py, &e))?;
    Ok(found.iter().map(PyPostcodeCandidate::new).collect())
}

/// The core's repair context from the keyword lists (a postcode that does not parse is an error).
fn repair_context(
    py: Python<'_>,
    postcodes: &[String],
    districts: &[String],
    areas: &[String],
) -> PyResult<core::RepairContext> {
    let mut context = core::RepairContext::default();
    for p in postcodes {
        context = context.with_postcode(Postcode::parse(p).map_err(|e| raise(py, &e))?);
    }
    for d in districts {
        context = context.with_district(d);
    }
    for a in areas {
        context = context.with_area(a);
    }
    Ok(context)
}

/// Normalise and repair typing slips to the one nearest live postcode; raises
/// InvalidPostcodeError when none or several are nearest (the context keywords break ties).
#[pyfunction]
#[pyo3(signature = (s, *, postcodes=Vec::new(), districts=Vec::new(), areas=Vec::new()))]
fn fix_postcode(
    py: Python<'_>,
    s: &Bound<'_, PyAny>,
    postcodes: Vec<String>,
    districts: Vec<String>,
    areas: Vec<String>,
) -> PyResult<String> {
    let s = text_arg(s)?.unwrap_or_default();
    let context = repair_context(py, &postcodes, &districts, &areas)?;
    core::fix_in(&s, &context)
        .map(|f| f.postcode.as_str().to_string())
        .map_err(|e| raise(py, &e))
}

/// Parse a postcode into its parts; raises InvalidPostcodeError.
#[pyfunction]
#[pyo3(signature = (s, *, level = "district"))]
fn parse_postcode(py: Python<'_>, s: &Bound<'_, PyAny>, level: &str) -> PyResult<PyPostcode> {
    let level = self::level(py, level)?;
    let s = text_arg(s)?.unwrap_or_default();
    Postcode::parse_at(&s, level)
        .map(PyPostcode)
        .map_err(|e| raise(py, &e))
}

/// Everything about one value: status, code, message, canonical form, the slips undone and the candidates.
#[pyfunction]
#[pyo3(signature = (s, *, level = "district"))]
fn check_postcode(py: Python<'_>, s: &Bound<'_, PyAny>, level: &str) -> PyResult<PyPostcodeCheck> {
    let level = self::level(py, level)?;
    let input = text_arg(s)?;
    let c = match &input {
        Some(v) => core::check_at(v, level),
        None => missing_check(),
    };
    Ok(PyPostcodeCheck::new(input, c))
}

/// The postcode data in force ("ONSPD February 2025", plus any loaded live list).
#[pyfunction]
fn data_version() -> String {
    core::data_version()
}

/// (added, terminated, invalid rows as (row, code)).
type LoadSummary = (usize, usize, Vec<(usize, &'static str)>);

/// Add live postcodes from an ONSPD/NSPL-style CSV for this process; returns
/// (added, terminated, invalid_rows) where invalid_rows lists (row, code).
#[pyfunction]
fn load_live_postcodes(py: Python<'_>, path: std::path::PathBuf) -> PyResult<LoadSummary> {
    let file = std::fs::File::open(&path).map_err(|e| {
        raise(
            py,
            &heat_core::import::ImportFileError::Unreadable(format!("{}: {e}", path.display())),
        )
    })?;
    let summary = py
        .detach(|| core::load_live_postcodes(std::io::BufReader::new(file)))
        .map_err(|e| raise(py, &e))?;
    Ok((
        summary.added,
        summary.terminated,
        summary
            .invalid
            .iter()
            .map(|(r, e)| (*r, e.code()))
            .collect(),
    ))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPostcode>()?;
    m.add_class::<PyPostcodeCheck>()?;
    m.add_class::<PyPostcodeCandidate>()?;
    m.add_function(wrap_pyfunction!(postcode_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(normalise_postcode, m)?)?;
    m.add_function(wrap_pyfunction!(is_valid_postcode, m)?)?;
    m.add_function(wrap_pyfunction!(fix_postcode, m)?)?;
    m.add_function(wrap_pyfunction!(parse_postcode, m)?)?;
    m.add_function(wrap_pyfunction!(check_postcode, m)?)?;
    batch::register(m)?;
    m.add_function(wrap_pyfunction!(data_version, m)?)?;
    m.add_function(wrap_pyfunction!(load_live_postcodes, m)?)?;
    Ok(())
}
