//! Columns of dates from Python: a list of `datetime.date`/ISO or UK strings, or an Arrow column
//! (date32, date64, timestamp, or strings).

use crate::columns::is_missing;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Date32Array};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate};
use heat_core::cohort::{date_from_epoch_days, epoch_days, parse_date, CohortError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyString};
use pyo3_arrow::input::AnyArray;

/// Rows per slice of an Arrow `date32` column (a unit of parallel work).
const SLICE: usize = 1 << 18;

/// One cell of a date column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCell {
    /// None, NaN, pd.NA, NaT or an Arrow null.
    Missing,
    /// A date, as days since 1970-01-01 (Arrow `date32`).
    Day(i32),
    /// A value that is not a date (its stable code).
    Bad(&'static str),
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

/// One Python value as a date: a date (or datetime), a string, or missing.
pub fn date_cell(obj: &Bound<'_, PyAny>) -> DateCell {
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_str() {
            Ok(v) if v.trim().is_empty() => DateCell::Missing,
            Ok(v) => parse_date(v).map_or_else(|e| DateCell::Bad(e.code()), day),
            Err(_) => DateCell::Bad("bad_date"),
        };
    }
    if obj.cast::<PyDate>().is_ok() {
        // datetime.datetime is a date too; take its date part.
        let value = if obj.hasattr("date").unwrap_or(false) && obj.hasattr("hour").unwrap_or(false)
        {
            obj.call_method0("date")
                .and_then(|d| d.extract::<NaiveDate>())
        } else {
            obj.extract::<NaiveDate>()
        };
        return value.map_or(DateCell::Bad("bad_date"), day);
    }
    if is_missing(obj) {
        return DateCell::Missing;
    }
    DateCell::Bad("not_a_date")
}

/// One date argument (scalar functions): a date, a datetime or a string.
pub fn date_arg(obj: &Bound<'_, PyAny>) -> PyResult<Result<NaiveDate, &'static str>> {
    match date_cell(obj) {
        DateCell::Day(d) => Ok(date_from_epoch_days(d).ok_or(CohortError::DateOutOfRange.code())),
        DateCell::Missing => Ok(Err("missing_date")),
        DateCell::Bad("not_a_date") => Err(PyTypeError::new_err(format!(
            "expected a date or a str, got {}",
            obj.get_type().name()?
        ))),
        DateCell::Bad(code) => Ok(Err(code)),
    }
}

fn day(date: NaiveDate) -> DateCell {
    DateCell::Day(epoch_days(date))
}

fn from_timestamp(value: i64, unit: &TimeUnit) -> DateCell {
    let micros = match unit {
        TimeUnit::Second => value.checked_mul(1_000_000),
        TimeUnit::Millisecond => value.checked_mul(1_000),
        TimeUnit::Microsecond => Some(value),
        TimeUnit::Nanosecond => Some(value / 1_000),
    };
    micros
        .and_then(DateTime::from_timestamp_micros)
        .map_or(DateCell::Bad(CohortError::DateOutOfRange.code()), |t| {
            day(t.date_naive())
        })
}

fn arrow_cells(array: &ArrayRef, out: &mut Vec<DateCell>) -> PyResult<()> {
    let n = array.len();
    let missing = |i: usize| array.is_null(i);
    match array.data_type() {
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            out.extend(a.values().iter().enumerate().map(|(i, v)| {
                if missing(i) {
                    DateCell::Missing
                } else {
                    DateCell::Day(*v)
                }
            }));
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            out.extend((0..n).map(|i| {
                if missing(i) {
                    DateCell::Missing
                } else {
                    from_timestamp(a.value(i), &TimeUnit::Millisecond)
                }
            }));
        }
        DataType::Timestamp(unit, _) => {
            let values: Vec<Option<i64>> = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().iter().collect(),
                TimeUnit::Millisecond => array
                    .as_primitive::<TimestampMillisecondType>()
                    .iter()
                    .collect(),
                TimeUnit::Microsecond => array
                    .as_primitive::<TimestampMicrosecondType>()
                    .iter()
                    .collect(),
                TimeUnit::Nanosecond => array
                    .as_primitive::<TimestampNanosecondType>()
                    .iter()
                    .collect(),
            };
            out.extend(
                values
                    .into_iter()
                    .map(|v| v.map_or(DateCell::Missing, |v| from_timestamp(v, unit))),
            );
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            let strings = arrow_cast::cast(array, &DataType::Utf8)
                .map_err(|e| PyTypeError::new_err(format!("cannot read the date column: {e}")))?;
            out.extend(strings.as_string::<i32>().iter().map(|v| match v {
                None => DateCell::Missing,
                Some(s) if s.trim().is_empty() => DateCell::Missing,
                Some(s) => parse_date(s).map_or_else(|e| DateCell::Bad(e.code()), day),
            }));
        }
        DataType::Null => out.extend((0..n).map(|_| DateCell::Missing)),
        other => {
            return Err(PyTypeError::new_err(format!(
                "expected a column of dates or text, got Arrow type {other}"
            )))
        }
    }
    Ok(())
}

impl DateColumn {
    /// Read a Python value: an Arrow-capsule object, or any iterable of dates/strings.
    pub fn from_py(values: &Bound<'_, PyAny>) -> PyResult<DateColumn> {
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
                arrow_cells(chunk, &mut cells)?;
            }
            return Ok(DateColumn {
                cells,
                date32: None,
                is_arrow: true,
            });
        }
        if values.cast::<PyString>().is_ok() {
            return Err(PyTypeError::new_err(
                "expected a list or column of dates, got a single str",
            ));
        }
        let cells = values
            .try_iter()?
            .map(|item| item.map(|obj| date_cell(&obj)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(DateColumn {
            cells,
            date32: None,
            is_arrow: false,
        })
    }
}
