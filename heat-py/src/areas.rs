//! `heatkit.AreaIndex` and the kernel behind `heatkit.enrich_postcodes`.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::ArrowError;
use heat_core::areas::{columns, AreaIndex, AreaSource, LoadReport};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyChunkedArray;

use crate::columns::{Text, TextColumn};
use crate::errors::raise;

/// A column that could not be assembled (never expected: every key is made by its builder).
fn arrow_error(e: ArrowError) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(format!("heatkit could not assemble a column: {e}"))
}

/// Postcodes, their areas and measures, built from a team's own look-up files.
#[pyclass(name = "AreaIndex", module = "heatkit._heatkit", frozen)]
pub struct PyAreaIndex {
    pub(crate) inner: Arc<AreaIndex>,
    reports: Vec<LoadReport>,
}

fn report_dict<'py>(py: Python<'py>, r: &LoadReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("file", &r.file)?;
    d.set_item("kind", &r.kind)?;
    d.set_item("description", &r.description)?;
    d.set_item("rows_read", r.rows_read)?;
    d.set_item("rows_loaded", r.rows_loaded)?;
    d.set_item("rows_rejected", r.rows_rejected)?;
    let rejected: Vec<(usize, String, String)> = r
        .rejected
        .iter()
        .map(|x| (x.row, x.field.clone(), x.reason.clone()))
        .collect();
    d.set_item("rejected", rejected)?;
    d.set_item("deciles_checked", r.deciles_checked)?;
    d.set_item("deciles_differing", r.deciles_differing)?;
    Ok(d)
}

#[pymethods]
impl PyAreaIndex {
    /// Build from look-up files (paths); each file's kind is found from its header.
    #[staticmethod]
    #[pyo3(signature = (files, *, sheets = None))]
    fn build(
        py: Python<'_>,
        files: Vec<PathBuf>,
        sheets: Option<std::collections::HashMap<String, String>>,
    ) -> PyResult<PyAreaIndex> {
        let sources: Vec<AreaSource> = files
            .iter()
            .map(|f| {
                let s = AreaSource::file(f);
                match sheets.as_ref().and_then(|m| m.get(s.name())) {
                    Some(sheet) => s.sheet(sheet.clone()),
                    None => s,
                }
            })
            .collect();
        let (inner, reports) = py
            .detach(|| AreaIndex::build(&sources))
            .map_err(|e| raise(py, &e))?;
        Ok(PyAreaIndex {
            inner: Arc::new(inner),
            reports,
        })
    }

    /// Load an index saved with `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyAreaIndex> {
        let inner = py
            .detach(|| AreaIndex::load(&path))
            .map_err(|e| raise(py, &e))?;
        Ok(PyAreaIndex {
            inner: Arc::new(inner),
            reports: Vec::new(),
        })
    }

    /// Save the index to one file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.save(&path))
            .map_err(|e| raise(py, &e))
    }

    /// What loading each file did (empty for an index loaded from disk).
    #[getter]
    fn reports<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.reports.iter().map(|r| report_dict(py, r)).collect()
    }

    /// The files the index was built from: (file, kind, description).
    #[getter]
    fn sources(&self) -> Vec<(String, String, String)> {
        self.inner
            .sources()
            .iter()
            .map(|s| (s.name.clone(), s.kind.clone(), s.description.clone()))
            .collect()
    }

    /// One line saying what the index holds.
    fn describe(&self) -> String {
        self.inner.describe()
    }

    /// Everything the index says about one postcode, as a dict.
    fn lookup<'py>(&self, py: Python<'py>, postcode: &str) -> PyResult<Bound<'py, PyDict>> {
        let f = self.inner.lookup(postcode);
        let row = columns::batch_of(&[f]).map_err(arrow_error)?;
        let d = PyDict::new(py);
        for (field, array) in row.schema().fields().iter().zip(row.columns()) {
            let value = pyo3_arrow::PyArray::from_array_ref(array.clone())
                .into_pyobject(py)?
                .call_method0("to_pylist")?
                .get_item(0)?;
            d.set_item(field.name(), value)?;
        }
        Ok(d)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<AreaIndex: {}>", self.inner.describe())
    }
}

/// Kernel behind `heatkit.enrich_postcodes`: a dict of Arrow columns, one row per value.
#[pyfunction]
#[pyo3(signature = (values, index, *, workers=None))]
fn _enrich_postcodes(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    index: &Bound<'_, PyAreaIndex>,
    workers: Option<i64>,
) -> PyResult<Py<PyAny>> {
    let column = TextColumn::from_py(values, "values")?;
    let index = index.get().inner.clone();
    let batches: Vec<Result<RecordBatch, ArrowError>> =
        crate::workers::detach(py, workers, || {
            column.par_blocks(|_, block| {
                let texts: Vec<&str> = block
                    .texts()
                    .into_iter()
                    .map(|cell| match cell {
                        Text::Value(s) => s,
                        Text::Missing | Text::Other(_) => "",
                    })
                    .collect();
                columns::enrich(&texts, &index)
            })
        })?;
    let mut batches = batches
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(arrow_error)?;
    if batches.is_empty() {
        batches.push(columns::enrich(&[] as &[&str], &index).map_err(arrow_error)?);
    }
    let dict = PyDict::new(py);
    for (k, field) in columns::enrich_schema().fields().iter().enumerate() {
        let chunks: Vec<ArrayRef> = batches.iter().map(|b| b.column(k).clone()).collect();
        let chunked = PyChunkedArray::try_new(chunks, field.clone())?;
        dict.set_item(field.name(), chunked.into_pyobject(py)?)?;
    }
    Ok(dict.into_any().unbind())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAreaIndex>()?;
    m.add_function(wrap_pyfunction!(_enrich_postcodes, m)?)?;
    Ok(())
}
