//! Dates from Python: a list of `datetime.date`/`datetime`/text, or an Arrow column (date32,
//! date64, timestamp with or without a time zone, text, or an all-null float column as pandas
//! reads an empty column). Text is read by `heat_core::fields::date`, as everywhere else; a
//! time-zone-aware value is read by its local date.

use crate::columns::is_missing;
use arrow_array::cast::AsArray;
use arrow_array::temporal_conversions::as_datetime_with_timezone;
use arrow_array::timezone::Tz;
use arrow_array::types::{
    ArrowTimestampType, Date32Type, Date64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Date32Array};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate};
use heat_core::cohort::{date_from_epoch_days, epoch_days, CohortError};
use heat_core::{fields, HeatError};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyFloat, PyString};
use pyo3_arrow::input::AnyArray;

use crate::errors::{raise, wrong_type};

/// Rows per slice of an Arrow `date32` column (a unit of parallel work).
const SLICE: usize = 1 << 18;

/// One cell of a date column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCell {
    /// None, NaN, pd.NA, NaT, an Arrow null, a blank or a placeholder (`N/A`).
    Missing,
    /// A date, as days since 1970-01-01 (Arrow `date32`).
    Day(i32),
    /// A value that is not a date (its stable code).
    Bad(&'static str),
    /// A value of a type that cannot hold a date (a number, a list ...).
    WrongType,
}

/// A date column decoded into cells, and whether it came as Arrow.
pub struct DateColumn {
    /// The cells in row order (empty when `date32` holds the column).
    pub cells: Vec<DateCell>,
    /// The column's chunks when it arrived as Arrow `date32` (read in place, no per-row copy).
    pub date32: Option<Vec<Date32Array>>,
    /// Whether the input was an Arrow object (so results go back as Arrow).
    pub is_arrow: bool,
}

fn day(date: NaiveDate) -> DateCell {
    DateCell::Day(epoch_days(date))
}

fn text_cell(s: &str) -> DateCell {
    match fields::date(s) {
        Ok(Some(d)) => day(d),
        Ok(None) => DateCell::Missing,
        Err(e) => DateCell::Bad(e.code()),
    }
}

/// A Python `datetime`'s local date: its own date as written (a time-zone-aware value in its
/// own zone, which is its local date).
fn py_datetime_cell(obj: &Bound<'_, PyAny>) -> DateCell {
    obj.call_method0("date")
        .and_then(|d| d.extract::<NaiveDate>())
        .map_or(DateCell::Bad(CohortError::DateOutOfRange.code()), day)
}

/// One Python value as a date: a date (or datetime), a string, or missing.
pub fn date_cell(obj: &Bound<'_, PyAny>) -> DateCell {
    if let Ok(s) = obj.cast::<PyString>() {
        return text_cell(&s.to_string_lossy());
    }
    if obj.cast::<PyDateTime>().is_ok() {
        return py_datetime_cell(obj);
    }
    if obj.cast::<PyDate>().is_ok() {
        return obj
            .extract::<NaiveDate>()
            .map_or(DateCell::Bad(CohortError::DateOutOfRange.code()), day);
    }
    if is_missing(obj) {
        return DateCell::Missing;
    }
    if obj.cast::<PyFloat>().is_ok()
        || (obj.is_instance_of::<pyo3::types::PyInt>()
            && !obj.is_instance_of::<pyo3::types::PyBool>())
    {
        // A number (not NaN): an Excel serial or a YYYYMMDD date read as a number, read as its
        // text like every other date.
        return obj
            .str()
            .map_or(DateCell::WrongType, |s| text_cell(&s.to_string_lossy()));
    }
    DateCell::WrongType
}

/// A required date argument (`on`, `dob` ...): a date, a datetime or text in any form
/// [`fields::date`] reads. Missing or unreadable values raise `CohortError`; other types raise
/// `ArgumentError`.
pub fn required_date(py: Python<'_>, obj: &Bound<'_, PyAny>, name: &str) -> PyResult<NaiveDate> {
    match date_cell(obj) {
        DateCell::Day(d) => {
            date_from_epoch_days(d).ok_or_else(|| raise(py, &CohortError::DateOutOfRange))
        }
        DateCell::Missing => Err(raise(py, &CohortError::MissingDate)),
        DateCell::Bad(_) if obj.cast::<PyString>().is_ok() || !obj.is_instance_of::<PyDate>() => {
            let text = obj
                .str()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Err(match fields::date(&text) {
                Err(e) => raise(py, &e),
                Ok(_) => raise(py, &CohortError::BadDate),
            })
        }
        DateCell::Bad(_) => Err(raise(py, &CohortError::DateOutOfRange)),
        DateCell::WrongType => Err(wrong_type(py, name, "a date or text", obj)),
    }
}

/// The local date of a timestamp in time zone `tz` (UTC when none).
fn timestamp_cell<T: ArrowTimestampType>(value: i64, tz: Option<&Tz>) -> DateCell {
    let local = match tz {
        Some(tz) => as_datetime_with_timezone::<T>(value, *tz).map(|t| t.date_naive()),
        None => arrow_array::temporal_conversions::as_datetime::<T>(value).map(|t| t.date()),
    };
    local.map_or(DateCell::Bad(CohortError::DateOutOfRange.code()), day)
}

fn timestamp_cells<T: ArrowTimestampType>(
    array: &ArrayRef,
    tz: Option<&Tz>,
    out: &mut Vec<DateCell>,
) {
    out.extend(
        array
            .as_primitive::<T>()
            .iter()
            .map(|v| v.map_or(DateCell::Missing, |v| timestamp_cell::<T>(v, tz))),
    );
}

fn arrow_cells(
    py: Python<'_>,
    array: &ArrayRef,
    name: &str,
    out: &mut Vec<DateCell>,
) -> PyResult<()> {
    let n = array.len();
    match array.data_type() {
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            out.extend(a.iter().map(|v| v.map_or(DateCell::Missing, DateCell::Day)));
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            out.extend(a.iter().map(|v| {
                v.and_then(DateTime::from_timestamp_millis)
                    .map_or(DateCell::Missing, |t| day(t.date_naive()))
            }));
        }
        DataType::Timestamp(unit, tz) => {
            let tz = match tz {
                None => None,
                Some(name_of_zone) => Some(name_of_zone.parse::<Tz>().map_err(|e| {
                    raise(
                        py,
                        &heat_core::ArgumentError::wrong_type(
                            name,
                            "dates with a known time zone",
                            &format!("time zone {name_of_zone:?} ({e})"),
                        ),
                    )
                })?),
            };
            let tz = tz.as_ref();
            match unit {
                TimeUnit::Second => timestamp_cells::<TimestampSecondType>(array, tz, out),
                TimeUnit::Millisecond => {
                    timestamp_cells::<TimestampMillisecondType>(array, tz, out)
                }
                TimeUnit::Microsecond => {
                    timestamp_cells::<TimestampMicrosecondType>(array, tz, out)
                }
                TimeUnit::Nanosecond => timestamp_cells::<TimestampNanosecondType>(array, tz, out),
            }
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            let strings = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| {
                raise(
                    py,
                    &heat_core::ArgumentError::wrong_type(
                        name,
                        "a column of dates or text",
                        &e.to_string(),
                    ),
                )
            })?;
            out.extend(
                strings
                    .as_string::<i32>()
                    .iter()
                    .map(|v| v.map_or(DateCell::Missing, text_cell)),
            );
        }
        DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            // What pandas makes of an empty (all-NaN) column, or of Excel serials and YYYYMMDD
            // dates read as numbers: missing, or the number read as text (whole numbers
            // without a decimal point).
            let floats = arrow_cast::cast(array, &DataType::Float64).map_err(|e| {
                raise(
                    py,
                    &heat_core::ArgumentError::wrong_type(
                        name,
                        "a column of dates or text",
                        &e.to_string(),
                    ),
                )
            })?;
            out.extend(
                floats
                    .as_primitive::<arrow_array::types::Float64Type>()
                    .iter()
                    .map(|v| match v {
                        None => DateCell::Missing,
                        Some(x) if x.is_nan() => DateCell::Missing,
                        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                            text_cell(&format!("{}", x as i64))
                        }
                        Some(x) => text_cell(&x.to_string()),
                    }),
            );
        }
        DataType::Null => out.extend((0..n).map(|_| DateCell::Missing)),
        other => {
            return Err(raise(
                py,
                &heat_core::ArgumentError::wrong_type(
                    name,
                    "a column of dates or text",
                    &format!("Arrow type {other}"),
                ),
            ))
        }
    }
    Ok(())
}

impl DateColumn {
    /// Read a Python value (the argument `name`): an Arrow-capsule object, or any iterable of
    /// dates/strings.
    pub fn from_py(values: &Bound<'_, PyAny>, name: &str) -> PyResult<DateColumn> {
        let py = values.py();
        if values.hasattr("__arrow_c_array__")? || values.hasattr("__arrow_c_stream__")? {
            let chunked = values.extract::<AnyArray>()?.into_chunked_array()?;
            if chunked
                .chunks()
                .iter()
                .all(|c| c.data_type() == &DataType::Date32)
            {
                // Slices of at most SLICE rows (zero-copy) so kernels can use both cores.
                let mut date32 = Vec::new();
                for chunk in chunked.chunks() {
                    let chunk = chunk.as_primitive::<Date32Type>();
                    let mut offset = 0;
                    while offset < chunk.len() {
                        let len = SLICE.min(chunk.len() - offset);
                        date32.push(chunk.slice(offset, len));
                        offset += len;
                    }
                }
                return Ok(DateColumn {
                    cells: Vec::new(),
                    date32: Some(date32),
                    is_arrow: true,
                });
            }
            let mut cells = Vec::new();
            for chunk in chunked.chunks() {
                arrow_cells(py, chunk, name, &mut cells)?;
            }
            return Ok(DateColumn {
                cells,
                date32: None,
                is_arrow: true,
            });
        }
        let not_a_column = || wrong_type(py, name, "a list or column of dates", values);
        if values.cast::<PyString>().is_ok() {
            return Err(not_a_column());
        }
        let cells = values
            .try_iter()
            .map_err(|_| not_a_column())?
            .map(|item| item.map(|obj| date_cell(&obj)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(DateColumn {
            cells,
            date32: None,
            is_arrow: false,
        })
    }

    /// Every cell in row order.
    pub fn all_cells(&self) -> Vec<DateCell> {
        match &self.date32 {
            Some(chunks) => chunks
                .iter()
                .flat_map(|c| c.iter().map(|d| d.map_or(DateCell::Missing, DateCell::Day)))
                .collect(),
            None => self.cells.clone(),
        }
    }
}
