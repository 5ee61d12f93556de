//! The column kernels behind `heatkit.normalise_postcodes` and `heatkit.check_postcodes`: a
//! column (Arrow or a list) is read in blocks on the workers with the GIL released, and comes
//! back in the input's form, with a row's failure as an issue rather than an exception.

use super::{level, missing_check, PyPostcodeCheck};
use crate::columns::{strings_to_py, Text, TextColumn};
use arrow_array::builder::{BooleanBufferBuilder, StringBuilder};
use arrow_array::StringArray;
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use heat_core::postcode::{self as core, Check, Postcode, PostcodeError};
use heat_core::{rows, ArgumentError, HeatError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;
/// Canonical postcodes (or nulls) written straight into the buffers of an Arrow string array,
/// sized up front: each postcode is one fixed eight-byte copy, with no per-value allocation,
/// capacity check or length branch.
struct CanonicalColumn {
    /// Eight bytes of room per row; the used part ends at `end`.
    values: Vec<u8>,
    end: usize,
    /// Row `i` ends at `offsets[i + 1]`.
    offsets: Vec<i32>,
    /// One validity bit per row (least significant bit first).
    valid: Vec<u8>,
    rows: usize,
}

impl CanonicalColumn {
    fn with_capacity(rows: usize) -> Self {
        CanonicalColumn {
            values: vec![0; rows * 8],
            end: 0,
            offsets: vec![0; rows + 1],
            valid: vec![0; rows.div_ceil(8)],
            rows: 0,
        }
    }

    #[inline(always)]
    fn push(&mut self, postcode: Option<Postcode>) {
        let (bytes, len) = postcode.map_or(([0; 8], 0), |p| p.padded());
        let row = self.rows;
        if let Some(room) = self.values.get_mut(self.end..self.end + 8) {
            room.copy_from_slice(&bytes);
        }
        self.end += len;
        self.rows += 1;
        if let Some(offset) = self.offsets.get_mut(row + 1) {
            // A block holds at most BLOCK rows of at most eight bytes, far below i32::MAX.
            *offset = self.end as i32;
        }
        if let Some(byte) = self.valid.get_mut(row / 8) {
            *byte |= u8::from(postcode.is_some()) << (row % 8);
        }
    }

    /// One string array from blocks in row order, the copying done in parallel.
    fn concat(parts: Vec<CanonicalColumn>) -> PyResult<StringArray> {
        if let Some(part) = parts.iter().find(|p| p.rows + 1 != p.offsets.len()) {
            return Err(PyValueError::new_err(format!(
                "internal error: {} results for a block of {} rows",
                part.rows,
                part.offsets.len() - 1
            )));
        }
        let rows: usize = parts.iter().map(|p| p.rows).sum();
        let bytes: usize = parts.iter().map(|p| p.end).sum();
        if i32::try_from(bytes).is_err() {
            return Err(PyValueError::new_err(
                "the result column is over 2 GiB: pass a chunked array (e.g. pyarrow.chunked_array)",
            ));
        }
        let mut values = vec![0u8; bytes];
        let mut offsets = vec![0i32; rows + 1];
        // Disjoint destination slices, one per part, with the byte offset each part starts at.
        let mut pieces = Vec::with_capacity(parts.len());
        let (mut value_rest, mut offset_rest) = (values.as_mut_slice(), &mut offsets[1..]);
        let mut base = 0;
        for part in &parts {
            let (v, vr) = std::mem::take(&mut value_rest).split_at_mut(part.end);
            let (o, or) = std::mem::take(&mut offset_rest).split_at_mut(part.rows);
            pieces.push((part, v, o, base as i32));
            (value_rest, offset_rest) = (vr, or);
            base += part.end;
        }
        pieces.into_par_iter().for_each(|(part, v, o, base)| {
            v.copy_from_slice(&part.values[..part.end]);
            for (dst, src) in o.iter_mut().zip(&part.offsets[1..]) {
                *dst = src + base;
            }
        });
        let mut valid = BooleanBufferBuilder::new(rows);
        for part in &parts {
            valid.append_packed_range(0..part.rows, &part.valid);
        }
        StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            Buffer::from_vec(values),
            Some(NullBuffer::new(valid.finish())),
        )
        .map_err(|e| PyValueError::new_err(format!("cannot build the result column: {e}")))
    }
}

/// A failed row: (spreadsheet row, 0-based index, code, message).
type RowIssue = (usize, usize, &'static str, String);

fn not_text_issue(index: usize, type_name: &str) -> RowIssue {
    let row = rows::of_position(index);
    let e = ArgumentError::wrong_type("value", "text", type_name);
    (row, index, e.code(), format!("row {row}: {e}"))
}

fn error_issue(index: usize, e: &PostcodeError) -> RowIssue {
    let row = rows::of_position(index);
    (row, index, e.code(), format!("row {row}: {e}"))
}

/// Batch kernel behind `heatkit.normalise_postcodes`: returns (values, issues) where values is an
/// Arrow chunked array or a list (matching the input) and issues lists (row, code, message) when
/// `report` is true (empty otherwise).
#[pyfunction]
#[pyo3(signature = (values, *, level = "district", fix = false, report = true, workers=None))]
fn _normalise_postcodes(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    level: &str,
    fix: bool,
    report: bool,
    workers: Option<i64>,
) -> PyResult<(Py<PyAny>, Vec<RowIssue>)> {
    let level = self::level(py, level)?;
    let column = TextColumn::from_py(values, "values")?;
    let (arrays, issues) = crate::workers::detach(py, workers, || {
        let blocks = column.par_blocks(|start, block| {
            let mut out = CanonicalColumn::with_capacity(block.len());
            let mut issues = Vec::new();
            if !report && !fix {
                // The common case, kept to a tight loop: only the postcode is wanted, not why a
                // value is not one.
                for cell in block.iter() {
                    out.push(match cell {
                        Text::Value(s) => Postcode::try_parse_at(s, level),
                        Text::Missing | Text::Other(_) => None,
                    });
                }
                return (out, issues);
            }
            for (row, cell) in (start..).zip(block.iter()) {
                let result = match cell {
                    Text::Missing => None,
                    Text::Other(t) => {
                        if report {
                            issues.push(not_text_issue(row, t));
                        }
                        None
                    }
                    Text::Value(s) => {
                        let result = if fix {
                            // A valid value is its own repair: the table test first, the
                            // candidate search only for the others.
                            Postcode::try_parse_at(s, level)
                                .map_or_else(|| core::fix_at(s, level).map(|f| f.postcode), Ok)
                        } else {
                            Postcode::parse_at(s, level)
                        };
                        if let (Err(e), true) = (&result, report) {
                            issues.push(error_issue(row, e));
                        }
                        result.ok()
                    }
                };
                out.push(result);
            }
            (out, issues)
        });
        let (parts, issues): (Vec<CanonicalColumn>, Vec<Vec<RowIssue>>) =
            blocks.into_iter().unzip();
        // One result array per input chunk, as the input was chunked.
        let arrays = column
            .group_by_chunk(parts)
            .into_iter()
            .map(CanonicalColumn::concat)
            .collect::<PyResult<Vec<StringArray>>>()?;
        PyResult::Ok((arrays, issues.concat()))
    })??;
    Ok((strings_to_py(py, arrays, column.is_arrow)?, issues))
}

/// Batch kernel behind `heatkit.check_postcodes`: a list of PostcodeCheck for list input, or a
/// dict of Arrow columns (postcode, status, code, message, edits, candidates) for Arrow input.
#[pyfunction]
#[pyo3(signature = (values, *, level = "district", workers=None))]
fn _check_postcodes(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    level: &str,
    workers: Option<i64>,
) -> PyResult<Py<PyAny>> {
    let level = self::level(py, level)?;
    let column = TextColumn::from_py(values, "values")?;
    if !column.is_arrow {
        let checks: Vec<(Option<String>, Check)> = crate::workers::detach(py, workers, || {
            column
                .par_blocks(|start, block| {
                    block
                        .texts()
                        .into_iter()
                        .enumerate()
                        .map(|(i, cell)| match cell {
                            Text::Missing => (None, missing_check()),
                            Text::Value(s) => (Some(s.to_string()), core::check_at(s, level)),
                            Text::Other(t) => {
                                let (_, _, code, message) = not_text_issue(start + i, t);
                                let mut c = missing_check();
                                c.code = Some(code);
                                c.message = message;
                                (None, c)
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .into_iter()
                .flatten()
                .collect()
        })?;
        let list = pyo3::types::PyList::empty(py);
        for (input, c) in checks {
            list.append(Py::new(py, PyPostcodeCheck::new(input, c))?)?;
        }
        return Ok(list.into_any().unbind());
    }
    type Columns = [StringArray; 6];
    let blocks: Vec<Columns> = crate::workers::detach(py, workers, || {
        column.par_blocks(|_, block| {
            let mut b: [StringBuilder; 6] = Default::default();
            for cell in block.iter() {
                let c = match cell {
                    Text::Value(s) => core::check_at(s, level),
                    _ => missing_check(),
                };
                b[0].append_option(c.postcode.as_deref());
                b[1].append_value(c.status.as_str());
                b[2].append_option(c.code);
                b[3].append_value(&c.message);
                b[4].append_value(edits_text(&c.edits));
                let near: Vec<&str> = c.candidates.iter().map(|k| k.postcode.as_str()).collect();
                b[5].append_value(near.join(";"));
            }
            b.map(|mut x| x.finish())
        })
    })?;
    let dict = PyDict::new(py);
    let names = [
        "postcode",
        "status",
        "code",
        "message",
        "edits",
        "candidates",
    ];
    let mut per_column: [Vec<StringArray>; 6] = Default::default();
    for block in blocks {
        for (k, a) in block.into_iter().enumerate() {
            per_column[k].push(a);
        }
    }
    for (name, arrays) in names.iter().zip(per_column) {
        dict.set_item(name, strings_to_py(py, arrays, true)?)?;
    }
    Ok(dict.into_any().unbind())
}

/// Edits as [`core::Edit::tagged`] joined by `;`.
fn edits_text(edits: &[core::Edit]) -> String {
    let parts: Vec<String> = edits.iter().map(core::Edit::tagged).collect();
    parts.join(";")
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_normalise_postcodes, m)?)?;
    m.add_function(wrap_pyfunction!(_check_postcodes, m)?)?;
    Ok(())
}
