//! Columns of text from Python: a list (or other sequence) of objects, or anything that speaks the
//! Arrow PyCapsule interface (pyarrow, polars, nanoarrow, arro3; pandas via pyarrow).

use arrow_array::cast::AsArray;
use arrow_array::iterator::ArrayIter;
use arrow_array::{Array, ArrayRef, LargeStringArray, StringArray, StringViewArray};
use arrow_schema::DataType;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyString};
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyChunkedArray;
use rayon::prelude::*;
use std::sync::Arc;

/// Rows per unit of parallel work.
const BLOCK: usize = 1 << 15;

/// One cell of a text column.
#[derive(Debug, Clone, Copy)]
pub enum Text<'a> {
    /// None, NaN, pd.NA or an Arrow null.
    Missing,
    /// A string.
    Value(&'a str),
    /// Something else (only from Python lists); holds the type name.
    Other(&'a str),
}

pub enum OwnedCell {
    Missing,
    Value(String),
    Other(String),
}

impl OwnedCell {
    fn text(&self) -> Text<'_> {
        match self {
            OwnedCell::Missing => Text::Missing,
            OwnedCell::Value(s) => Text::Value(s),
            OwnedCell::Other(t) => Text::Other(t),
        }
    }
}

/// One block of rows of a text column, read in place.
#[derive(Clone, Copy)]
pub enum Block<'a> {
    Arrow(&'a dyn Array),
    Cells(&'a [OwnedCell]),
}

impl<'a> Block<'a> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Block::Arrow(a) => a.len(),
            Block::Cells(c) => c.len(),
        }
    }

    /// The cells in row order. The column's type is matched once per block and then per row by
    /// a branch that always goes the same way, so a loop over this is one tight loop.
    pub fn iter(&self) -> Cells<'a> {
        match *self {
            Block::Arrow(array) => match array.data_type() {
                DataType::Utf8 => Cells::Utf8(array.as_string::<i32>().iter()),
                DataType::LargeUtf8 => Cells::LargeUtf8(array.as_string::<i64>().iter()),
                DataType::Utf8View => Cells::Utf8View(array.as_string_view().iter()),
                _ => Cells::Missing(0..array.len()),
            },
            Block::Cells(cells) => Cells::Owned(cells.iter()),
        }
    }

    /// The cells, collected.
    pub fn texts(&self) -> Vec<Text<'a>> {
        self.iter().collect()
    }
}

enum Blocks {
    Arrow(Vec<ArrayRef>),
    Cells(Vec<OwnedCell>),
}

/// A text column with its rows split into blocks for parallel work.
pub struct TextColumn {
    blocks: Blocks,
    /// The input chunk each block comes from (all 0 for a list).
    block_chunk: Vec<usize>,
    /// Whether the input was an Arrow object (so results go back as Arrow).
    pub is_arrow: bool,
}

pub fn is_missing(obj: &Bound<'_, PyAny>) -> bool {
    if obj.is_none() {
        return true;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    // pandas.NA, pandas.NaT and numpy NaN-like scalars
    obj.get_type()
        .name()
        .and_then(|n| {
            n.to_cow()
                .map(|n| matches!(n.as_ref(), "NAType" | "NaTType"))
        })
        .unwrap_or(false)
}

/// One Python value as a cell.
fn cell(obj: &Bound<'_, PyAny>) -> OwnedCell {
    if let Ok(s) = obj.cast::<PyString>() {
        // Lone surrogates cannot be UTF-8: U+FFFD takes their place, so the value is read (and
        // refused by the field's rules, e.g. a bad character in a postcode) like any other.
        return OwnedCell::Value(s.to_string_lossy().into_owned());
    }
    if is_missing(obj) {
        return OwnedCell::Missing;
    }
    let name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string());
    OwnedCell::Other(name)
}

/// Make string-like Arrow chunks iterable as text; reject other types.
fn text_chunk(py: Python<'_>, chunk: ArrayRef, name: &str) -> PyResult<ArrayRef> {
    let refuse = |got: String| {
        crate::errors::raise(
            py,
            &heat_core::ArgumentError::wrong_type(name, "a column of text", &got),
        )
    };
    match chunk.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => Ok(chunk),
        DataType::Dictionary(_, value) if value.is_string() || **value == DataType::Utf8View => {
            arrow_cast::cast(&chunk, &DataType::Utf8).map_err(|e| refuse(e.to_string()))
        }
        other => Err(refuse(format!("Arrow type {other}"))),
    }
}

impl TextColumn {
    /// Read a Python value (the argument `name`): an Arrow-capsule object, or any iterable of
    /// objects.
    pub fn from_py(values: &Bound<'_, PyAny>, name: &str) -> PyResult<TextColumn> {
        let py = values.py();
        if values.hasattr("__arrow_c_array__")? || values.hasattr("__arrow_c_stream__")? {
            let chunked = values.extract::<AnyArray>()?.into_chunked_array()?;
            let mut blocks = Vec::new();
            let mut block_chunk = Vec::new();
            for (index, chunk) in chunked.chunks().iter().enumerate() {
                let chunk = text_chunk(py, chunk.clone(), name)?;
                let mut offset = 0;
                while offset < chunk.len() {
                    let len = BLOCK.min(chunk.len() - offset);
                    blocks.push(chunk.slice(offset, len));
                    block_chunk.push(index);
                    offset += len;
                }
            }
            return Ok(TextColumn {
                blocks: Blocks::Arrow(blocks),
                block_chunk,
                is_arrow: true,
            });
        }
        let not_a_column =
            || crate::errors::wrong_type(py, name, "a list or column of values", values);
        if values.cast::<PyString>().is_ok() {
            return Err(not_a_column());
        }
        let cells = values
            .try_iter()
            .map_err(|_| not_a_column())?
            .map(|item| item.map(|obj| cell(&obj)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(TextColumn {
            block_chunk: vec![0; cells.len().div_ceil(BLOCK)],
            blocks: Blocks::Cells(cells),
            is_arrow: false,
        })
    }

    /// Every cell in row order, borrowing the column (no text is copied).
    pub fn all_texts(&self) -> Vec<Text<'_>> {
        let mut texts = Vec::new();
        for block in self.blocks() {
            texts.extend(block.iter());
        }
        texts
    }

    /// Per-block results (from [`TextColumn::par_blocks`]) grouped by the input chunk they came
    /// from, in order: one group per non-empty chunk.
    pub fn group_by_chunk<R>(&self, results: Vec<R>) -> Vec<Vec<R>> {
        let mut groups: Vec<Vec<R>> = Vec::new();
        let mut last = None;
        for (result, chunk) in results.into_iter().zip(&self.block_chunk) {
            match groups.last_mut() {
                Some(group) if last == Some(*chunk) => group.push(result),
                _ => groups.push(vec![result]),
            }
            last = Some(*chunk);
        }
        groups
    }

    /// The blocks, each with its first row.
    fn blocks(&self) -> Vec<Block<'_>> {
        match &self.blocks {
            Blocks::Arrow(arrays) => arrays.iter().map(|a| Block::Arrow(a.as_ref())).collect(),
            Blocks::Cells(cells) => cells.chunks(BLOCK).map(Block::Cells).collect(),
        }
    }

    /// Run `f(first_row, block)` over blocks of rows in parallel, results in row order.
    pub fn par_blocks<R, F>(&self, f: F) -> Vec<R>
    where
        R: Send,
        F: Fn(usize, Block<'_>) -> R + Sync,
    {
        let blocks = self.blocks();
        let mut starts = Vec::with_capacity(blocks.len());
        let mut row = 0;
        for b in &blocks {
            starts.push(row);
            row += b.len();
        }
        blocks
            .into_par_iter()
            .zip(starts)
            .map(|(block, start)| f(start, block))
            .collect()
    }
}

/// The cells of a [`Block`], by the column's type.
pub enum Cells<'a> {
    Utf8(ArrayIter<&'a StringArray>),
    LargeUtf8(ArrayIter<&'a LargeStringArray>),
    Utf8View(ArrayIter<&'a StringViewArray>),
    /// A column of another type (Arrow nulls): every cell missing.
    Missing(std::ops::Range<usize>),
    Owned(std::slice::Iter<'a, OwnedCell>),
}

impl<'a> Iterator for Cells<'a> {
    type Item = Text<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<Text<'a>> {
        let wrap = |v: Option<&'a str>| v.map_or(Text::Missing, Text::Value);
        match self {
            Cells::Utf8(it) => it.next().map(wrap),
            Cells::LargeUtf8(it) => it.next().map(wrap),
            Cells::Utf8View(it) => it.next().map(wrap),
            Cells::Missing(range) => range.next().map(|_| Text::Missing),
            Cells::Owned(it) => it.next().map(OwnedCell::text),
        }
    }
}

/// One Arrow array as a one-chunk chunked array for Python.
pub fn one_chunk(py: Python<'_>, array: ArrayRef) -> PyResult<Py<PyAny>> {
    let field = Arc::new(arrow_schema::Field::new(
        "",
        array.data_type().clone(),
        true,
    ));
    Ok(PyChunkedArray::try_new(vec![array], field)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// A text result column (None for null) as one Arrow chunk.
pub fn text_out<'a>(
    py: Python<'_>,
    values: impl Iterator<Item = Option<&'a str>>,
) -> PyResult<Py<PyAny>> {
    let array: StringArray = values.collect();
    one_chunk(py, Arc::new(array))
}

/// A boolean result column as one Arrow chunk.
pub fn bool_out(py: Python<'_>, values: impl Iterator<Item = bool>) -> PyResult<Py<PyAny>> {
    let array: arrow_array::BooleanArray = values.map(Some).collect();
    one_chunk(py, Arc::new(array))
}

/// A whole-number result column as one Arrow `int64` chunk.
pub fn int_out(py: Python<'_>, values: impl Iterator<Item = usize>) -> PyResult<Py<PyAny>> {
    let array: arrow_array::Int64Array = values.map(|v| Some(v as i64)).collect();
    one_chunk(py, Arc::new(array))
}

/// Blocks of string results as a Python object of the input's family: an Arrow chunked array
/// (the Python layer turns it back into pyarrow, polars or pandas) or a list.
pub fn strings_to_py(
    py: Python<'_>,
    blocks: Vec<StringArray>,
    as_arrow: bool,
) -> PyResult<Py<PyAny>> {
    if as_arrow {
        let chunks: Vec<ArrayRef> = blocks
            .into_iter()
            .map(|a| Arc::new(a) as ArrayRef)
            .collect();
        let field = Arc::new(arrow_schema::Field::new("", DataType::Utf8, true));
        let chunked = PyChunkedArray::try_new(chunks, field)?;
        return Ok(chunked.into_pyobject(py)?.into_any().unbind());
    }
    let list = pyo3::types::PyList::empty(py);
    for block in &blocks {
        for v in block.iter() {
            list.append(v)?;
        }
    }
    Ok(list.into_any().unbind())
}
