//! `heatkit.AreaIndex` and the kernel behind `heatkit.enrich_postcodes`.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt32Builder, UInt8Builder};
use arrow_array::{Array, ArrayRef};
use arrow_schema::ArrowError;
use heat_core::areas::{enrich_each, AreaFacts, AreaIndex, AreaSource, LoadReport, YearMonth};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyChunkedArray;

use crate::columns::{Text, TextColumn};
use crate::errors::raise;
use crate::interned::Interned;

/// A column that could not be assembled (never expected: every key is made by its builder).
fn arrow_error(e: ArrowError) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(format!("heatkit could not assemble a column: {e}"))
}

/// `YYYY-MM` written into `buffer`, without allocating.
fn year_month_text(t: YearMonth, buffer: &mut [u8; 7]) -> Option<&str> {
    if t.year > 9999 || !(1..=12).contains(&t.month) {
        return None;
    }
    let digits = [
        t.year / 1000,
        t.year / 100 % 10,
        t.year / 10 % 10,
        t.year % 10,
    ];
    for (slot, d) in buffer.iter_mut().zip(digits) {
        *slot = b'0' + d as u8;
    }
    buffer[4] = b'-';
    buffer[5] = b'0' + t.month / 10;
    buffer[6] = b'0' + t.month % 10;
    std::str::from_utf8(&buffer[..]).ok()
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
        let mut row = Columns::with_capacity(1);
        row.push(&f);
        let d = PyDict::new(py);
        for (name, array) in row.finish().map_err(arrow_error)? {
            let value = pyo3_arrow::PyArray::from_array_ref(array)
                .into_pyobject(py)?
                .call_method0("to_pylist")?
                .get_item(0)?;
            d.set_item(name, value)?;
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

/// Small-number columns (deciles and quintiles), in the order `Columns::push` writes them.
const SMALL: [&str; 10] = [
    "imd_decile",
    "imd_quintile",
    "idaci_decile",
    "polar4_quintile",
    "polar3_quintile",
    "tundra_msoa_quintile",
    "tundra_lsoa_quintile",
    "adult_he_2011_quintile",
    "gaps_gcse_quintile",
    "gaps_gcse_ethnicity_quintile",
];
/// Where each column goes in the output (text first, then the others, in reading order).
const ORDER: [&str; 37] = [
    "postcode",
    "status",
    "problem",
    "terminated",
    "country",
    "oa11",
    "lsoa11",
    "msoa11",
    "oa21",
    "lsoa21",
    "msoa21",
    "lad",
    "lad_name",
    "imd_index",
    "imd_area",
    "imd_rank",
    "imd_decile",
    "imd_quintile",
    "idaci_decile",
    "polar4_quintile",
    "polar3_quintile",
    "reason_removed_polar",
    "tundra_msoa_quintile",
    "reason_removed_tundra_msoa",
    "tundra_lsoa_quintile",
    "reason_removed_tundra_lsoa",
    "adult_he_2011_quintile",
    "reason_removed_adult_he_2011",
    "gaps_gcse_quintile",
    "gaps_gcse_ethnicity_quintile",
    "reason_removed_gaps",
    "uni_connect_target_ward",
    "area_source",
    "imd_source",
    "ofs_source",
    "notes",
    "",
];

/// Text columns with few distinct values (statuses, nations, index names, sources, reasons,
/// notes): written as dictionary columns, each value once per block (a pandas `category`).
const REPEATED: [&str; 15] = [
    "status",
    "problem",
    "country",
    "lad",
    "lad_name",
    "imd_index",
    "reason_removed_polar",
    "reason_removed_tundra_msoa",
    "reason_removed_tundra_lsoa",
    "reason_removed_adult_he_2011",
    "reason_removed_gaps",
    "area_source",
    "imd_source",
    "ofs_source",
    "notes",
];

/// A builder whose runs of missing cells are counted and written at once: with no OfS file or
/// no 2021 areas loaded, a dozen columns are missing on every row.
struct Runs<B> {
    builder: B,
    missing: usize,
}

/// Builders that can write a run of missing cells at once.
trait AppendNulls {
    fn append_nulls(&mut self, n: usize);
}

impl AppendNulls for StringBuilder {
    fn append_nulls(&mut self, n: usize) {
        StringBuilder::append_nulls(self, n);
    }
}

impl<T: arrow_array::types::ArrowPrimitiveType> AppendNulls
    for arrow_array::builder::PrimitiveBuilder<T>
{
    fn append_nulls(&mut self, n: usize) {
        arrow_array::builder::PrimitiveBuilder::append_nulls(self, n);
    }
}

impl AppendNulls for BooleanBuilder {
    fn append_nulls(&mut self, n: usize) {
        BooleanBuilder::append_nulls(self, n);
    }
}

impl<B: AppendNulls> Runs<B> {
    fn new(builder: B) -> Runs<B> {
        Runs {
            builder,
            missing: 0,
        }
    }

    /// The builder, with the missing cells before this one written.
    fn builder(&mut self) -> &mut B {
        if self.missing > 0 {
            self.builder.append_nulls(self.missing);
            self.missing = 0;
        }
        &mut self.builder
    }
}

impl Runs<StringBuilder> {
    fn append_option(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.builder().append_value(v),
            None => self.missing += 1,
        }
    }
}

impl<T: arrow_array::types::ArrowPrimitiveType> Runs<arrow_array::builder::PrimitiveBuilder<T>> {
    fn append_option(&mut self, v: Option<T::Native>) {
        match v {
            Some(v) => self.builder().append_value(v),
            None => self.missing += 1,
        }
    }
}

impl Runs<BooleanBuilder> {
    fn append_option(&mut self, v: Option<bool>) {
        match v {
            Some(v) => self.builder().append_value(v),
            None => self.missing += 1,
        }
    }
}

/// Text columns whose values are each row's own (written as plain strings); the other text
/// columns are the [`REPEATED`] ones.
const PLAIN: [&str; 9] = [
    "postcode",
    "terminated",
    "oa11",
    "lsoa11",
    "msoa11",
    "oa21",
    "lsoa21",
    "msoa21",
    "imd_area",
];

/// The builders of the result's columns, one monomorphic list per kind (a row is a few tight
/// loops, not a match per cell).
struct Columns<'a> {
    plain: Vec<Runs<StringBuilder>>,
    /// The [`REPEATED`] columns but the last (`notes`).
    repeated: Vec<Interned<'a>>,
    notes: Interned<'a>,
    small: Vec<Runs<UInt8Builder>>,
    rank: Runs<UInt32Builder>,
    flag: Runs<BooleanBuilder>,
}

impl<'a> Columns<'a> {
    fn with_capacity(n: usize) -> Columns<'a> {
        Columns {
            plain: PLAIN
                .iter()
                .map(|_| Runs::new(StringBuilder::with_capacity(n, n * 9)))
                .collect(),
            repeated: (1..REPEATED.len())
                .map(|_| Interned::with_capacity(n))
                .collect(),
            notes: Interned::with_capacity(n),
            small: (0..SMALL.len())
                .map(|_| Runs::new(UInt8Builder::with_capacity(n)))
                .collect(),
            rank: Runs::new(UInt32Builder::with_capacity(n)),
            flag: Runs::new(BooleanBuilder::with_capacity(n)),
        }
    }

    fn push(&mut self, f: &AreaFacts<'a>) {
        let mut buffer = [0u8; 8];
        let postcode = f.postcode.map(|p| {
            let (bytes, len) = p.padded();
            buffer = bytes;
            len
        });
        let postcode = postcode.and_then(|len| std::str::from_utf8(&buffer[..len]).ok());
        let mut month = [0u8; 7];
        let terminated = f.terminated.and_then(|t| year_month_text(t, &mut month));
        let d = f.deprivation.as_ref();
        let o = f.ofs.as_ref();
        // In PLAIN's order: the postcode and the month are this row's own text.
        let plain: [Option<&str>; 9] = [
            postcode,
            terminated,
            f.oa11,
            f.lsoa11,
            f.msoa11,
            f.oa21,
            f.lsoa21,
            f.msoa21,
            d.map(|d| d.area).filter(|a| !a.is_empty()),
        ];
        for (b, v) in self.plain.iter_mut().zip(plain) {
            b.append_option(v);
        }
        // In REPEATED's order: texts that live as long as the index, found by address.
        let repeated: [Option<&'a str>; 14] = [
            Some(f.status.as_str()),
            f.problem,
            f.country,
            f.lad,
            f.lad_name,
            d.map(|d| d.index),
            o.and_then(|o| o.reason_removed_polar),
            o.and_then(|o| o.reason_removed_tundra_msoa),
            o.and_then(|o| o.reason_removed_tundra_lsoa),
            o.and_then(|o| o.reason_removed_adult_he_2011),
            o.and_then(|o| o.reason_removed_gaps),
            f.area_source,
            d.map(|d| d.source),
            o.map(|o| o.source),
        ];
        for (b, v) in self.repeated.iter_mut().zip(repeated) {
            b.append_text(v);
        }
        self.notes.append_joined(&f.notes, "; ");
        let small: [Option<u8>; 10] = [
            d.map(|d| d.decile),
            d.map(|d| d.quintile()),
            d.and_then(|d| d.idaci_decile),
            o.and_then(|o| o.polar4),
            o.and_then(|o| o.polar3),
            o.and_then(|o| o.tundra_msoa),
            o.and_then(|o| o.tundra_lsoa),
            o.and_then(|o| o.adult_he_2011),
            o.and_then(|o| o.gaps_gcse),
            o.and_then(|o| o.gaps_gcse_ethnicity),
        ];
        for (b, v) in self.small.iter_mut().zip(small) {
            b.append_option(v);
        }
        self.rank.append_option(d.map(|d| d.rank));
        self.flag
            .append_option(o.and_then(|o| o.uni_connect_target_ward));
    }

    /// The finished columns, named, in output order.
    fn finish(mut self) -> Result<Vec<(&'static str, ArrayRef)>, ArrowError> {
        let mut named: Vec<(&'static str, ArrayRef)> = Vec::with_capacity(ORDER.len());
        for (name, b) in PLAIN.iter().zip(self.plain.iter_mut()) {
            named.push((name, Arc::new(b.builder().finish())));
        }
        for (name, b) in REPEATED.iter().zip(self.repeated.iter_mut()) {
            named.push((name, b.finish()?));
        }
        named.push(("notes", self.notes.finish()?));
        for (name, b) in SMALL.iter().zip(self.small.iter_mut()) {
            named.push((name, Arc::new(b.builder().finish())));
        }
        named.push(("imd_rank", Arc::new(self.rank.builder().finish())));
        named.push((
            "uni_connect_target_ward",
            Arc::new(self.flag.builder().finish()),
        ));
        let position = |n: &str| ORDER.iter().position(|o| *o == n).unwrap_or(ORDER.len());
        named.sort_by_key(|(n, _)| position(n));
        Ok(named)
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
    let blocks: Vec<Result<Vec<(&'static str, ArrayRef)>, ArrowError>> =
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
                let mut out = Columns::with_capacity(block.len());
                enrich_each(&texts, &index, |facts| out.push(facts));
                out.finish()
            })
        })?;
    let mut blocks = blocks
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(arrow_error)?;
    if blocks.is_empty() {
        blocks.push(Columns::with_capacity(0).finish().map_err(arrow_error)?);
    }
    let dict = PyDict::new(py);
    let names: Vec<&'static str> = ORDER.iter().copied().filter(|n| !n.is_empty()).collect();
    for (k, name) in names.iter().enumerate() {
        let chunks: Vec<ArrayRef> = blocks.iter().map(|b| b[k].1.clone()).collect();
        let data_type = chunks
            .first()
            .map(|c| c.data_type().clone())
            .unwrap_or(arrow_schema::DataType::Utf8);
        let field = Arc::new(arrow_schema::Field::new(*name, data_type, true));
        let chunked = PyChunkedArray::try_new(chunks, field)?;
        dict.set_item(name, chunked.into_pyobject(py)?)?;
    }
    Ok(dict.into_any().unbind())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAreaIndex>()?;
    m.add_function(wrap_pyfunction!(_enrich_postcodes, m)?)?;
    Ok(())
}
