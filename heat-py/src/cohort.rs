//! `heatkit` cohort and calendar functions: thin wrappers over `heat_core::cohort` and
//! `heat_core::calendar`.

use crate::dates::{required_date, DateCell, DateColumn};
use crate::errors::{int_arg, raise, wrong_type};
use arrow_array::{Array, ArrayRef, Date32Array, Int32Array, Int8Array};
use arrow_schema::DataType;
use chrono::{Datelike, NaiveDate};
use heat_core::calendar::{self, CalendarError};
use heat_core::cohort::{
    self as core, columns, AcademicYear, CohortError, EhcpRule, LeapDayBirthday, Nation,
    PhaseAdjustment, Plausibility, TrackCohort,
};
use heat_core::{rows, HeatError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3_arrow::PyChunkedArray;
use rayon::prelude::*;
use std::sync::Arc;

pub(crate) fn nation(py: Python<'_>, s: &str) -> PyResult<Nation> {
    s.parse().map_err(|e| raise(py, &e))
}

fn date(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    required_date(py, obj, "date")
}

/// A date for Python, which holds years 1 to 9999 only.
fn py_date(py: Python<'_>, d: NaiveDate) -> PyResult<NaiveDate> {
    if (1..=9999).contains(&d.year()) {
        Ok(d)
    } else {
        Err(raise(py, &CohortError::DateOutOfRange))
    }
}

/// An academic year argument: text such as "2025/26".
pub(crate) fn academic_year_arg(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
) -> PyResult<AcademicYear> {
    let text = value
        .cast::<PyString>()
        .map_err(|_| wrong_type(py, "academic_year", "text such as '2025/26'", value))?;
    text.to_string_lossy()
        .parse()
        .map_err(|e: CohortError| raise(py, &e))
}

/// A phase adjustment argument: a whole number of years within the allowed range.
fn phase_arg(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<PhaseAdjustment> {
    let years = match int_arg(py, value, "phase_adjustment") {
        Ok(v) => v,
        // A Python int too large for 64 bits is out of range, not a wrong type.
        Err(_) if value.is_instance_of::<pyo3::types::PyInt>() => {
            return Err(raise(py, &CohortError::BadPhaseAdjustment(i64::MAX)))
        }
        Err(e) => return Err(e),
    };
    PhaseAdjustment::new(years).map_err(|e| raise(py, &e))
}

/// A calendar year argument.
fn year_arg(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<i32> {
    let y = int_arg(py, value, "year")?;
    i32::try_from(y).map_err(|_| raise(py, &CalendarError::YearOutOfRange(y)))
}

/// The academic year asked for: `academic_year` ("2025/26"), else the one containing `on`
/// (default today) by the nation's school-year start.
fn which_year(
    py: Python<'_>,
    academic_year: Option<&Bound<'_, PyAny>>,
    on: Option<&Bound<'_, PyAny>>,
    nation: Nation,
) -> PyResult<AcademicYear> {
    if let Some(y) = academic_year.filter(|y| !y.is_none()) {
        return academic_year_arg(py, y);
    }
    let on = match on {
        Some(d) if !d.is_none() => required_date(py, d, "on")?,
        _ => calendar::today(),
    };
    Ok(AcademicYear::school_year_of(on, nation))
}

/// The year group of a child born on `dob`: "Reception", "Year 7", "P4", "S2", "Below school age"
/// or "Left school".
#[pyfunction]
#[pyo3(signature = (dob, *, academic_year = None, on = None, nation = "england"))]
fn year_group(
    py: Python<'_>,
    dob: &Bound<'_, PyAny>,
    academic_year: Option<&Bound<'_, PyAny>>,
    on: Option<&Bound<'_, PyAny>>,
    nation: &str,
) -> PyResult<String> {
    let n = self::nation(py, nation)?;
    let year = which_year(py, academic_year, on, n)?;
    Ok(core::year_group(date(py, dob)?, year, n).label(n))
}

/// The year-group number as the nation counts it (England/Wales: Reception = 0, Year 1 = 1, …;
/// Scotland and Northern Ireland: P1 = 1, … S6 = 13 / Year 14 = 14). May be below the first or
/// past the last school year.
#[pyfunction]
#[pyo3(signature = (dob, *, academic_year = None, on = None, nation = "england"))]
fn year_group_number(
    py: Python<'_>,
    dob: &Bound<'_, PyAny>,
    academic_year: Option<&Bound<'_, PyAny>>,
    on: Option<&Bound<'_, PyAny>>,
    nation: &str,
) -> PyResult<i32> {
    let n = self::nation(py, nation)?;
    let year = which_year(py, academic_year, on, n)?;
    Ok(core::year_group_number(date(py, dob)?, year, n))
}

/// The academic year (1 September – 31 August) containing a date, as "2025/26".
#[pyfunction]
fn academic_year(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(AcademicYear::containing(date(py, d)?).to_string())
}

/// A year group as the nation counts it, from an int or typed text.
fn year_group_arg(py: Python<'_>, value: &Bound<'_, PyAny>, n: Nation) -> PyResult<i32> {
    if value.is_instance_of::<pyo3::types::PyInt>()
        && !value.is_instance_of::<pyo3::types::PyBool>()
    {
        let number = value.extract::<i64>().unwrap_or(i64::MAX);
        return core::year_group_in_nation(number, n).map_err(|e| raise(py, &e));
    }
    let text = value.cast::<PyString>().map_err(|_| {
        wrong_type(
            py,
            "year_group",
            "a number or text such as 'Year 10'",
            value,
        )
    })?;
    core::clean_year_group(&text.to_string_lossy(), n).map_err(|e| raise(py, &e))
}

/// The first and last dates of birth of a year group in an academic year.
#[pyfunction]
#[pyo3(signature = (year_group, academic_year, *, nation = "england"))]
fn dob_range(
    py: Python<'_>,
    year_group: &Bound<'_, PyAny>,
    academic_year: &Bound<'_, PyAny>,
    nation: &str,
) -> PyResult<(NaiveDate, NaiveDate)> {
    let n = self::nation(py, nation)?;
    let g = year_group_arg(py, year_group, n)?;
    let year = academic_year_arg(py, academic_year)?;
    let (first, last) =
        core::dob_range(g, year, n).ok_or_else(|| raise(py, &CohortError::DateOutOfRange))?;
    Ok((py_date(py, first)?, py_date(py, last)?))
}

/// A year group as people type it ("Y10", "yr 10", "Rec", "P6", "S4", "Year 12 (L3)") → its label.
#[pyfunction]
#[pyo3(signature = (s, *, nation = "england"))]
fn clean_year_group(py: Python<'_>, s: &Bound<'_, PyAny>, nation: &str) -> PyResult<String> {
    let n = self::nation(py, nation)?;
    let text = s
        .cast::<PyString>()
        .map_err(|_| wrong_type(py, "s", "text", s))?
        .to_string_lossy();
    core::clean_year_group(&text, n)
        .map(|g| n.label(g))
        .map_err(|e| raise(py, &e))
}

/// Exam, HE-ready and tracking years of a pupil.
#[pyclass(name = "TrackCohort", module = "heatkit", frozen, get_all)]
pub struct PyTrackCohort {
    /// The cohort year (the year the pupil's birth-date window opens, after any adjustment).
    cohort_year: i32,
    /// The summer of the KS4 exams (GCSE).
    ks4_exam_year: i32,
    /// The summer of the KS5 exams (A level).
    ks5_exam_year: i32,
    /// The academic year the pupil can enter HE at 18 ("2026/27").
    he_ready_year: String,
    /// The year HESA tracking data for the HE-ready year arrives.
    tracking_data_year: i32,
    /// The HEAT Track deadline of the KS4 extract.
    ks4_extract_deadline: Option<NaiveDate>,
    /// The HEAT Track deadline of the KS5 extract.
    ks5_extract_deadline: Option<NaiveDate>,
}

impl From<TrackCohort> for PyTrackCohort {
    fn from(t: TrackCohort) -> Self {
        PyTrackCohort {
            cohort_year: t.cohort_year,
            ks4_exam_year: t.ks4_exam_year,
            ks5_exam_year: t.ks5_exam_year,
            he_ready_year: t.he_ready_year.to_string(),
            tracking_data_year: t.tracking_data_year,
            ks4_extract_deadline: t.ks4_extract_deadline,
            ks5_extract_deadline: t.ks5_extract_deadline,
        }
    }
}

#[pymethods]
impl PyTrackCohort {
    /// A TrackCohort from its fields (what pickling stores).
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        cohort_year: i32,
        ks4_exam_year: i32,
        ks5_exam_year: i32,
        he_ready_year: String,
        tracking_data_year: i32,
        ks4_extract_deadline: Option<NaiveDate>,
        ks5_extract_deadline: Option<NaiveDate>,
    ) -> Self {
        PyTrackCohort {
            cohort_year,
            ks4_exam_year,
            ks5_exam_year,
            he_ready_year,
            tracking_data_year,
            ks4_extract_deadline,
            ks5_extract_deadline,
        }
    }
    #[allow(clippy::type_complexity)]
    fn __getnewargs__(
        &self,
    ) -> (
        i32,
        i32,
        i32,
        String,
        i32,
        Option<NaiveDate>,
        Option<NaiveDate>,
    ) {
        (
            self.cohort_year,
            self.ks4_exam_year,
            self.ks5_exam_year,
            self.he_ready_year.clone(),
            self.tracking_data_year,
            self.ks4_extract_deadline,
            self.ks5_extract_deadline,
        )
    }
    fn __repr__(&self) -> String {
        format!(
            "TrackCohort(ks4_exam_year={}, ks5_exam_year={}, he_ready_year='{}', tracking_data_year={})",
            self.ks4_exam_year, self.ks5_exam_year, self.he_ready_year, self.tracking_data_year
        )
    }
}

/// KS4/KS5 exam years, HE-ready year and tracking-data year of a pupil born on `dob`.
#[pyfunction]
#[pyo3(signature = (dob, *, nation = "england", phase_adjustment = None))]
fn track_cohort(
    py: Python<'_>,
    dob: &Bound<'_, PyAny>,
    nation: &str,
    phase_adjustment: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyTrackCohort> {
    let n = self::nation(py, nation)?;
    let phase = match phase_adjustment {
        Some(p) if !p.is_none() => phase_arg(py, p)?,
        _ => PhaseAdjustment::NONE,
    };
    Ok(core::track_cohort(date(py, dob)?, n, phase).into())
}

/// Whether a young person is in the DfE participation-tracking cohort on a date (England).
#[pyfunction]
#[pyo3(signature = (dob, on, *, ehcp = false, ehcp_rule = "until_25th_birthday", leap_day = "march_1"))]
fn in_tracking_age(
    py: Python<'_>,
    dob: &Bound<'_, PyAny>,
    on: &Bound<'_, PyAny>,
    ehcp: bool,
    ehcp_rule: &str,
    leap_day: &str,
) -> PyResult<bool> {
    let rule: EhcpRule = ehcp_rule.parse().map_err(|e| raise(py, &e))?;
    let leap: LeapDayBirthday = leap_day.parse().map_err(|e| raise(py, &e))?;
    Ok(core::in_tracking_age(
        date(py, dob)?,
        date(py, on)?,
        ehcp,
        (rule, leap),
    ))
}

/// How a stated year group fits a date of birth: (code, offset, suggested_dob) where code is
/// "fits", "out_by_one", "day_month_swap" or "impossible", offset = stated − expected, and
/// suggested_dob is the day/month-swapped date for "day_month_swap".
#[pyfunction]
#[pyo3(signature = (dob, year_group, *, academic_year = None, on = None, nation = "england"))]
fn check_year_group(
    py: Python<'_>,
    dob: &Bound<'_, PyAny>,
    year_group: &Bound<'_, PyAny>,
    academic_year: Option<&Bound<'_, PyAny>>,
    on: Option<&Bound<'_, PyAny>>,
    nation: &str,
) -> PyResult<(&'static str, i32, Option<NaiveDate>)> {
    let n = self::nation(py, nation)?;
    let year = which_year(py, academic_year, on, n)?;
    let dob = date(py, dob)?;
    let stated = year_group_arg(py, year_group, n)?;
    let p = core::check_year_group(dob, stated, year, n);
    let offset = stated - core::year_group_number(dob, year, n);
    let suggested = match p {
        Plausibility::DayMonthSwap(d) => Some(py_date(py, d)?),
        _ => None,
    };
    Ok((p.code(), offset, suggested))
}

/// The last working day of a month in a nation.
#[pyfunction]
#[pyo3(signature = (year, month, *, nation = "england"))]
fn last_working_day(
    py: Python<'_>,
    year: &Bound<'_, PyAny>,
    month: &Bound<'_, PyAny>,
    nation: &str,
) -> PyResult<NaiveDate> {
    let n = self::nation(py, nation)?;
    let year = year_arg(py, year)?;
    let m = int_arg(py, month, "month")?;
    let month = u32::try_from(m).map_err(|_| raise(py, &CalendarError::BadMonth(m)))?;
    py_date(
        py,
        calendar::last_working_day(year, month, n).map_err(|e| raise(py, &e))?,
    )
}

/// The HEAT Track deadline of a year: the last working day of November.
#[pyfunction]
fn heat_track_deadline(py: Python<'_>, year: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let year = year_arg(py, year)?;
    py_date(
        py,
        calendar::heat_track_deadline(year).map_err(|e| raise(py, &e))?,
    )
}

/// The next HEAT Track deadline on or after a date.
#[pyfunction]
fn next_heat_track_deadline(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let next = calendar::next_heat_track_deadline(date(py, d)?).map_err(|e| raise(py, &e))?;
    py_date(py, next)
}

/// The bank holidays of a year in a nation.
#[pyfunction]
#[pyo3(signature = (year, *, nation = "england"))]
fn bank_holidays(
    py: Python<'_>,
    year: &Bound<'_, PyAny>,
    nation: &str,
) -> PyResult<Vec<NaiveDate>> {
    let year = year_arg(py, year)?;
    let days =
        calendar::bank_holidays(year, self::nation(py, nation)?).map_err(|e| raise(py, &e))?;
    days.into_iter().map(|d| py_date(py, d)).collect()
}

/// A failed row: (spreadsheet row, 0-based index, code, message).
type RowIssue = (usize, usize, &'static str, String);

fn cell_issue(index: usize, cell: DateCell) -> Option<RowIssue> {
    let row = rows::of_position(index);
    let error: Box<dyn HeatError> = match cell {
        DateCell::Bad("date_out_of_range") => Box::new(CohortError::DateOutOfRange),
        DateCell::Bad(_) => Box::new(CohortError::BadDate),
        DateCell::WrongType => Box::new(heat_core::ArgumentError::wrong_type(
            "value",
            "a date or text",
            "another type",
        )),
        DateCell::Missing | DateCell::Day(_) => return None,
    };
    Some((row, index, error.code(), format!("row {row}: {error}")))
}

/// The column's dates as `date32` chunks: Arrow `date32` input as it came (no copy), anything
/// else read into one chunk (a missing or unreadable cell is null; its issue comes from the cell).
fn date_chunks(column: &DateColumn) -> Vec<Date32Array> {
    match &column.date32 {
        Some(chunks) => chunks.clone(),
        None => vec![column
            .cells
            .iter()
            .map(|c| match c {
                DateCell::Day(d) => Some(*d),
                _ => None,
            })
            .collect()],
    }
}

fn arrow_error(e: arrow_schema::ArrowError) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(e.to_string())
}

/// Rows that gave no result and why: bad cells, and `date32` days outside the calendar.
fn column_issues<A: Array>(column: &DateColumn, years: &[A]) -> Vec<RowIssue> {
    if column.date32.is_none() {
        return column
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| cell_issue(i, *c))
            .collect();
    }
    let mut issues = Vec::new();
    let (mut row, chunks) = (0, column.date32.iter().flatten());
    for (days, years) in chunks.zip(years) {
        if years.null_count() > days.null_count() {
            for i in 0..days.len() {
                if days.is_valid(i) && years.is_null(i) {
                    issues.extend(cell_issue(row + i, DateCell::Bad("date_out_of_range")));
                }
            }
        }
        row += days.len();
    }
    issues
}

fn chunked_arrays(
    py: Python<'_>,
    arrays: Vec<ArrayRef>,
    data_type: DataType,
) -> PyResult<Py<PyAny>> {
    let field = Arc::new(arrow_schema::Field::new("", data_type, true));
    Ok(PyChunkedArray::try_new(arrays, field)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// Batch kernel behind `heatkit.year_groups`: (labels, issues). Arrow input gives a
/// dictionary-encoded (categorical) column: few distinct labels, one byte per row.
#[pyfunction]
#[pyo3(signature = (dobs, *, academic_year = None, on = None, nation = "england", workers=None))]
fn _year_groups(
    py: Python<'_>,
    dobs: &Bound<'_, PyAny>,
    academic_year: Option<&Bound<'_, PyAny>>,
    on: Option<&Bound<'_, PyAny>>,
    nation: &str,
    workers: Option<i64>,
) -> PyResult<(Py<PyAny>, Vec<RowIssue>)> {
    let n = self::nation(py, nation)?;
    let year = which_year(py, academic_year, on, n)?;
    let column = DateColumn::from_py(dobs, "dobs")?;
    let chunks = date_chunks(&column);
    let batches = crate::workers::detach(py, workers, || columns::year_groups(&chunks, n, year))?
        .map_err(arrow_error)?;
    let keys: Vec<&Int8Array> = batches
        .iter()
        .filter_map(columns::year_group_keys)
        .collect();
    let issues = column_issues(&column, &keys);
    if !column.is_arrow {
        let labels = columns::year_group_labels(n);
        let list = PyList::empty(py);
        for k in keys.iter().flat_map(|a| a.iter()) {
            list.append(k.and_then(|k| labels.get(k as usize)).map(String::as_str))?;
        }
        return Ok((list.into_any().unbind(), issues));
    }
    let field = columns::year_group_schema().field(0).clone();
    let arrays = batches.iter().map(|b| b.column(0).clone()).collect();
    Ok((
        chunked_arrays(py, arrays, field.data_type().clone())?,
        issues,
    ))
}

/// Batch kernel behind `heatkit.track_cohorts`: (result, issues) where result is a list of
/// TrackCohort (None where missing or bad) for list input, or a dict of Arrow columns.
#[pyfunction]
#[pyo3(signature = (dobs, *, nation = "england", phase_adjustment = None, workers=None))]
fn _track_cohorts(
    py: Python<'_>,
    dobs: &Bound<'_, PyAny>,
    nation: &str,
    phase_adjustment: Option<&Bound<'_, PyAny>>,
    workers: Option<i64>,
) -> PyResult<(Py<PyAny>, Vec<RowIssue>)> {
    let n = self::nation(py, nation)?;
    let phase = match phase_adjustment {
        Some(p) if !p.is_none() => phase_arg(py, p)?,
        _ => PhaseAdjustment::NONE,
    };
    let column = DateColumn::from_py(dobs, "dobs")?;
    let chunks = date_chunks(&column);
    let years: Vec<Int32Array> = crate::workers::detach(py, workers, || {
        chunks
            .par_iter()
            .map(|c| columns::cohort_years(c, n, phase))
            .collect()
    })?;
    let issues = column_issues(&column, &years);
    if !column.is_arrow {
        let list = PyList::empty(py);
        for y in years.iter().flat_map(|a| a.iter()) {
            match y {
                Some(y) => list.append(Py::new(
                    py,
                    PyTrackCohort::from(core::track_cohort_of_year(y, n)),
                )?)?,
                None => list.append(py.None())?,
            }
        }
        return Ok((list.into_any().unbind(), issues));
    }
    let batches = crate::workers::detach(py, workers, || columns::track_cohorts(&years, n))?
        .map_err(arrow_error)?;
    let dict = PyDict::new(py);
    for (i, field) in columns::track_cohort_schema().fields().iter().enumerate() {
        let arrays = batches.iter().map(|b| b.column(i).clone()).collect();
        dict.set_item(
            field.name(),
            chunked_arrays(py, arrays, field.data_type().clone())?,
        )?;
    }
    Ok((dict.into_any().unbind(), issues))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTrackCohort>()?;
    m.add_function(wrap_pyfunction!(year_group, m)?)?;
    m.add_function(wrap_pyfunction!(year_group_number, m)?)?;
    m.add_function(wrap_pyfunction!(academic_year, m)?)?;
    m.add_function(wrap_pyfunction!(dob_range, m)?)?;
    m.add_function(wrap_pyfunction!(clean_year_group, m)?)?;
    m.add_function(wrap_pyfunction!(track_cohort, m)?)?;
    m.add_function(wrap_pyfunction!(in_tracking_age, m)?)?;
    m.add_function(wrap_pyfunction!(check_year_group, m)?)?;
    m.add_function(wrap_pyfunction!(last_working_day, m)?)?;
    m.add_function(wrap_pyfunction!(heat_track_deadline, m)?)?;
    m.add_function(wrap_pyfunction!(next_heat_track_deadline, m)?)?;
    m.add_function(wrap_pyfunction!(bank_holidays, m)?)?;
    m.add_function(wrap_pyfunction!(_year_groups, m)?)?;
    m.add_function(wrap_pyfunction!(_track_cohorts, m)?)?;
    Ok(())
}
