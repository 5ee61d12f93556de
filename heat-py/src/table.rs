//! Tables from Python as rows of text cells by column name (for the record readers of the core:
//! activities, tracking status, bulk imports). Arrow columns of any type are cast to text once
//! (numbers, booleans, dates; a time-zone-aware timestamp as its local time); Python lists are
//! read value by value (None, NaN, pd.NA and NaT are missing).

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
use heat_core::activity::Beneficiary;
use heat_core::fields::{list_cell, TextRow};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyFloat, PyInt, PyString};
use pyo3_arrow::input::AnyArray;

use crate::columns::is_missing;
use crate::errors::wrong_type;

/// One column's cells as text.
enum Cells {
    Arrow(Vec<StringArray>, Vec<usize>),
    Values(Vec<Option<String>>),
}

impl Cells {
    fn get(&self, row: usize) -> Option<&str> {
        match self {
            Cells::Values(v) => v.get(row).and_then(|c| c.as_deref()),
            Cells::Arrow(chunks, starts) => {
                // The chunk holding `row`: the last one starting at or before it.
                let i = starts.partition_point(|s| *s <= row).checked_sub(1)?;
                let chunk = chunks.get(i)?;
                let at = row - starts[i];
                (at < chunk.len() && chunk.is_valid(at)).then(|| chunk.value(at))
            }
        }
    }
}

/// A table of named text columns, all of one length.
pub struct TextTable {
    names: Vec<String>,
    columns: Vec<Cells>,
    rows: usize,
}

/// One Python value as text (None for a missing value).
fn cell_text(obj: &Bound<'_, PyAny>) -> Option<String> {
    if is_missing(obj) {
        return None;
    }
    if let Ok(s) = obj.cast::<PyString>() {
        // A lone surrogate cannot be text: keep the rest, with U+FFFD in its place, so the
        // readers report a bad value for this cell instead of the whole table failing.
        return Some(s.to_string_lossy().into_owned());
    }
    if obj.cast::<PyBool>().is_ok() {
        return Some(obj.is_truthy().unwrap_or(false).to_string());
    }
    if obj.cast::<PyInt>().is_ok() {
        return obj.str().ok().map(|s| s.to_string_lossy().into_owned());
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Some(if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{}", v as i64)
        } else {
            v.to_string()
        });
    }
    if let Ok(items) = obj.cast::<pyo3::types::PyList>() {
        // A list cell (year groups, partners, beneficiaries): the core's list text.
        return Some(list_cell(items.iter().filter_map(|i| cell_text(&i))));
    }
    if let Ok(items) = obj.cast::<pyo3::types::PyTuple>() {
        return Some(list_cell(items.iter().filter_map(|i| cell_text(&i))));
    }
    if let Ok(d) = obj.cast::<pyo3::types::PyDict>() {
        // A beneficiary given as {"institution": ..., "headcount": ...}.
        let get = |k: &str| d.get_item(k).ok().flatten().and_then(|v| cell_text(&v));
        let institution = get("institution").unwrap_or_default();
        return Some(Beneficiary::cell_item(
            &institution,
            get("headcount").as_deref(),
        ));
    }
    if obj.cast::<PyDateTime>().is_ok() || obj.cast::<PyDate>().is_ok() {
        // A datetime's own date, as written (a time-zone-aware one in its own zone).
        return obj
            .call_method0("isoformat")
            .ok()
            .map(|s| s.to_string().chars().take(10).collect());
    }
    obj.str().ok().map(|s| s.to_string_lossy().into_owned())
}

/// An Arrow column as text chunks.
fn arrow_text(values: &Bound<'_, PyAny>, name: &str) -> PyResult<(Vec<StringArray>, usize)> {
    let chunked = values.extract::<AnyArray>()?.into_chunked_array()?;
    let mut out = Vec::new();
    let mut rows = 0;
    for chunk in chunked.chunks() {
        let text: ArrayRef = match chunk.data_type() {
            DataType::Utf8 => chunk.clone(),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => float_text(chunk)?,
            _ => arrow_cast::cast(chunk, &DataType::Utf8).map_err(|e| {
                crate::errors::raise(
                    values.py(),
                    &heat_core::ArgumentError::wrong_type(
                        name,
                        "a column of text, numbers, booleans or dates",
                        &format!("Arrow type {} ({e})", chunk.data_type()),
                    ),
                )
            })?,
        };
        rows += text.len();
        out.push(text.as_string::<i32>().clone());
    }
    Ok((out, rows))
}

/// Floats as text with whole numbers written without `.0` (a pandas column of ids or counts
/// with gaps is float): NaN is missing.
fn float_text(chunk: &ArrayRef) -> PyResult<ArrayRef> {
    let floats = arrow_cast::cast(chunk, &DataType::Float64)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let floats = floats.as_primitive::<arrow_array::types::Float64Type>();
    let text: StringArray = floats
        .iter()
        .map(|v| {
            v.filter(|x| !x.is_nan()).map(|x| {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    format!("{}", x as i64)
                } else {
                    x.to_string()
                }
            })
        })
        .collect();
    Ok(std::sync::Arc::new(text))
}

impl TextTable {
    /// Reads `names` and `columns` (Arrow columns or Python sequences) of `rows` rows each.
    pub fn from_py(
        py: Python<'_>,
        names: Vec<String>,
        columns: Vec<Bound<'_, PyAny>>,
        rows: usize,
    ) -> PyResult<TextTable> {
        let mut cells = Vec::with_capacity(columns.len());
        for (name, values) in names.iter().zip(&columns) {
            let (column, len) =
                if values.hasattr("__arrow_c_array__")? || values.hasattr("__arrow_c_stream__")? {
                    let (chunks, len) = arrow_text(values, name)?;
                    let mut starts = Vec::with_capacity(chunks.len());
                    let mut at = 0;
                    for c in &chunks {
                        starts.push(at);
                        at += c.len();
                    }
                    (Cells::Arrow(chunks, starts), len)
                } else if values.cast::<PyString>().is_ok() {
                    return Err(wrong_type(
                        py,
                        name,
                        "a column (a list or an array)",
                        values,
                    ));
                } else {
                    let v: Vec<Option<String>> = values
                        .try_iter()
                        .map_err(|_| wrong_type(py, name, "a column (a list or an array)", values))?
                        .map(|item| item.map(|o| cell_text(&o)))
                        .collect::<PyResult<_>>()?;
                    let len = v.len();
                    (Cells::Values(v), len)
                };
            if len != rows {
                return Err(crate::errors::raise(
                    py,
                    &heat_core::ArgumentError::out_of_range(
                        name,
                        format!("{len} rows"),
                        &format!("{rows} rows, as long as the other columns"),
                    ),
                ));
            }
            cells.push(column);
        }
        Ok(TextTable {
            names,
            columns: cells,
            rows,
        })
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Row `i` as a text row.
    pub fn row(&self, i: usize) -> Row<'_> {
        Row { table: self, i }
    }

    /// Row `i`'s cells in column order (blank for missing), for the import pipeline.
    pub fn cells(&self, i: usize) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| c.get(i).unwrap_or("").to_string())
            .collect()
    }
}

/// One row of a [`TextTable`].
#[derive(Clone, Copy)]
pub struct Row<'a> {
    table: &'a TextTable,
    i: usize,
}

impl TextRow for Row<'_> {
    fn cell(&self, column: &str) -> Option<&str> {
        let c = self.table.names.iter().position(|n| n == column)?;
        self.table.columns[c].get(self.i)
    }
}
