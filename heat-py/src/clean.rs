//! The clean job (`heat_core::clean`) for Python: run on a file or bytes with the GIL released,
//! its result kept in Rust (`_CleanOutcome`) and handed out as columns, a summary and files.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use heat_core::clean::updates::split_upload;
use heat_core::clean::{
    clean_students, clean_students_file, output, CleanOutcome, CleanSettings, RowStatus,
};
use heat_core::import::{validate_import, ImportSettings, Template};
use heat_core::schools::{SchoolDirectory, SchoolsError};
use heat_core::HeatError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::cohort::{academic_year_arg, nation};
use crate::columns::one_chunk;
use crate::dates::required_date;
use crate::errors::raise;

/// A clean job's result, held in Rust; `heatkit.CleanResult` wraps it.
#[pyclass(name = "_CleanOutcome", frozen)]
pub struct PyCleanOutcome {
    outcome: CleanOutcome,
}

fn text_column<'a>(py: Python<'_>, values: impl Iterator<Item = &'a str>) -> PyResult<Py<PyAny>> {
    let array: StringArray = values.map(Some).collect();
    one_chunk(py, Arc::new(array) as ArrayRef)
}

fn int_column(py: Python<'_>, values: impl Iterator<Item = Option<i64>>) -> PyResult<Py<PyAny>> {
    let array: Int64Array = values.collect();
    one_chunk(py, Arc::new(array) as ArrayRef)
}

#[pymethods]
impl PyCleanOutcome {
    /// Every row's cleaned values and results, as columns in the cleaned file's order.
    fn students<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.outcome.students;
        let out = PyDict::new(py);
        for (i, name) in self.outcome.columns.iter().enumerate() {
            out.set_item(
                name,
                text_column(
                    py,
                    s.iter().map(|r| r.values.get(i).map_or("", String::as_str)),
                )?,
            )?;
        }
        out.set_item(
            "status",
            text_column(py, s.iter().map(|r| r.status.as_str()))?,
        )?;
        let problems: Vec<String> = s
            .iter()
            .map(|r| {
                r.problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        out.set_item(
            "problems",
            text_column(py, problems.iter().map(String::as_str))?,
        )?;
        let codes: Vec<String> = s
            .iter()
            .map(|r| {
                r.problems
                    .iter()
                    .map(|p| p.code)
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect();
        out.set_item(
            "problem_codes",
            text_column(py, codes.iter().map(String::as_str))?,
        )?;
        let derived = |f: &dyn Fn(&heat_core::clean::Derived) -> i64| {
            s.iter()
                .map(|r| r.derived.as_ref().map(f))
                .collect::<Vec<_>>()
        };
        let year_group: StringArray = s
            .iter()
            .map(|r| r.derived.as_ref().map(|d| d.year_group.as_str()))
            .collect();
        out.set_item("year_group_from_dob", one_chunk(py, Arc::new(year_group))?)?;
        out.set_item(
            "ks4_exam_year",
            int_column(py, derived(&|d| d.ks4_exam_year as i64).into_iter())?,
        )?;
        out.set_item(
            "ks5_exam_year",
            int_column(py, derived(&|d| d.ks5_exam_year as i64).into_iter())?,
        )?;
        let he: StringArray = s
            .iter()
            .map(|r| r.derived.as_ref().map(|d| d.he_ready_year.as_str()))
            .collect();
        out.set_item("he_ready_year", one_chunk(py, Arc::new(he))?)?;
        out.set_item(
            "tracking_data_year",
            int_column(py, derived(&|d| d.tracking_data_year as i64).into_iter())?,
        )?;
        let flag =
            |f: &dyn Fn(&heat_core::student::TrackingStatus) -> bool| -> PyResult<Py<PyAny>> {
                let a: BooleanArray = s.iter().map(|r| Some(f(&r.tracking))).collect();
                one_chunk(py, Arc::new(a) as ArrayRef)
            };
        out.set_item("tracking_complete", flag(&|t| t.complete)?)?;
        out.set_item("ks4_eligible", flag(&|t| t.ks4_eligible)?)?;
        out.set_item("ks5_eligible", flag(&|t| t.ks5_eligible)?)?;
        out.set_item("hesa_eligible", flag(&|t| t.hesa_eligible)?)?;
        let reasons: Vec<String> = s.iter().map(|r| r.tracking.reasons.join("; ")).collect();
        out.set_item(
            "tracking_reasons",
            text_column(py, reasons.iter().map(String::as_str))?,
        )?;
        out.set_item(
            "duplicate_of_row",
            int_column(
                py,
                s.iter()
                    .map(|r| r.duplicate.as_ref().map(|d| d.of_row as i64)),
            )?,
        )?;
        let p: Float64Array = s
            .iter()
            .map(|r| r.duplicate.as_ref().map(|d| d.probability))
            .collect();
        out.set_item("duplicate_probability", one_chunk(py, Arc::new(p))?)?;
        out.set_item("row", int_column(py, s.iter().map(|r| Some(r.row as i64)))?)?;
        if self.outcome.areas.is_some() {
            let area = |f: &dyn Fn(&heat_core::clean::areas::StudentArea) -> Option<String>| {
                let a: StringArray = s.iter().map(|r| r.area.as_ref().and_then(f)).collect();
                one_chunk(py, Arc::new(a) as ArrayRef)
            };
            let small = |f: &dyn Fn(&heat_core::clean::areas::StudentArea) -> Option<u8>| {
                int_column(
                    py,
                    s.iter().map(|r| r.area.as_ref().and_then(f).map(i64::from)),
                )
            };
            let text = |v: &str| (!v.is_empty()).then(|| v.to_string());
            out.set_item("area_status", area(&|a| Some(a.status.to_string()))?)?;
            out.set_item("lsoa", area(&|a| text(&a.lsoa))?)?;
            out.set_item("imd_index", area(&|a| text(&a.imd_index))?)?;
            out.set_item("imd_decile", small(&|a| a.imd_decile)?)?;
            out.set_item("imd_quintile", small(&|a| a.imd_quintile)?)?;
            out.set_item("idaci_decile", small(&|a| a.idaci_decile)?)?;
            out.set_item("polar4_quintile", small(&|a| a.polar4)?)?;
            out.set_item("tundra_lsoa_quintile", small(&|a| a.tundra_lsoa)?)?;
            let ward: BooleanArray = s
                .iter()
                .map(|r| r.area.as_ref().and_then(|a| a.uni_connect_target_ward))
                .collect();
            out.set_item(
                "uni_connect_target_ward",
                one_chunk(py, Arc::new(ward) as ArrayRef)?,
            )?;
            out.set_item("area_notes", area(&|a| text(&a.notes))?)?;
        }
        Ok(out)
    }

    /// Every problem, one a row: row, status, column, value, severity, code, problem.
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut columns: Vec<Vec<String>> = vec![Vec::new(); output::PROBLEMS_HEADER.len()];
        for line in output::problem_lines(&self.outcome) {
            for (c, v) in columns.iter_mut().zip(line) {
                c.push(v);
            }
        }
        let out = PyDict::new(py);
        for (name, values) in output::PROBLEMS_HEADER.iter().zip(&columns) {
            if *name == "row" {
                out.set_item(name, int_column(py, values.iter().map(|v| v.parse().ok()))?)?;
            } else {
                out.set_item(name, text_column(py, values.iter().map(String::as_str))?)?;
            }
        }
        Ok(out)
    }

    /// The counts and how the file was read, as a dict (no student's values).
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let o = &self.outcome;
        let d = PyDict::new(py);
        d.set_item("rows_in", o.counts.rows_in)?;
        for status in RowStatus::ALL {
            d.set_item(status.as_str().replace(' ', "_"), o.counts.of(status))?;
        }
        d.set_item("skipped", o.counts.skipped)?;
        d.set_item("duplicates", o.counts.duplicates)?;
        d.set_item("read_as", o.import.encoding)?;
        d.set_item("sheet", o.import.sheet.clone())?;
        d.set_item("header_row", o.import.header_row)?;
        d.set_item("columns_matched", o.import.columns_matched.clone())?;
        d.set_item("columns_ignored", o.import.columns_ignored.clone())?;
        d.set_item("tracking_complete", o.tracking.complete)?;
        d.set_item("ks4_eligible", o.tracking.ks4_eligible)?;
        d.set_item("ks5_eligible", o.tracking.ks5_eligible)?;
        d.set_item("hesa_eligible", o.tracking.hesa_eligible)?;
        d.set_item("candidate_pairs", o.matching.candidate_pairs)?;
        d.set_item("skipped_pairs", o.matching.skipped_pairs)?;
        if let Some(a) = &o.areas {
            d.set_item("area_index", &a.index)?;
            d.set_item("imd_quintiles", a.imd.counts.to_vec())?;
            d.set_item("imd_missing", a.imd.missing)?;
            d.set_item("polar4_quintiles", a.polar4.counts.to_vec())?;
            d.set_item("polar4_missing", a.polar4.missing)?;
            d.set_item("imd_share_q1_q2", a.imd.share_q1_q2())?;
            d.set_item("polar4_share_q1_q2", a.polar4.share_q1_q2())?;
        }
        Ok(d)
    }

    /// The data-quality report as one self-contained HTML page headed `title`.
    fn report_html(&self, py: Python<'_>, title: &str) -> String {
        let o = &self.outcome;
        py.detach(|| heat_core::clean::report::html_report(o, title))
    }

    /// The summary as (label, value) lines, as the Summary sheet shows them.
    fn summary_lines(&self) -> Vec<(String, String)> {
        output::summary_lines(&self.outcome)
    }

    /// Writes into `out_dir` the CSV files (`csv`), the workbook (`xlsx`) and the report (when
    /// `report_title` is given), on two threads; returns the paths written and the cells written
    /// as text that looked like formulas (in the CSV files, or else in the workbook).
    #[pyo3(signature = (out_dir, *, csv=false, xlsx=false, report_title=None, bom=true))]
    fn write_files(
        &self,
        py: Python<'_>,
        out_dir: std::path::PathBuf,
        csv: bool,
        xlsx: bool,
        report_title: Option<String>,
        bom: bool,
    ) -> PyResult<(Vec<std::path::PathBuf>, usize)> {
        let o = &self.outcome;
        let files = output::Files {
            csv,
            xlsx,
            report: report_title,
            bom,
        };
        let written = py
            .detach(|| output::write_files(o, &out_dir, &files))
            .map_err(|e| pyo3::exceptions::PyOSError::new_err(e.to_string()))?;
        let neutralised = if csv {
            written.neutralised_csv
        } else {
            written.neutralised_xlsx
        };
        Ok((written.paths, neutralised))
    }
}

/// Runs the clean job on a file (`path`) or bytes (`data`).
#[pyfunction]
#[pyo3(signature = (*, path=None, data=None, on=None, academic_year=None, nation="england", sheet=None, schools=None, heat_institutions=None, tidy_names=false, areas=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn _clean(
    py: Python<'_>,
    path: Option<std::path::PathBuf>,
    data: Option<Vec<u8>>,
    on: Option<&Bound<'_, PyAny>>,
    academic_year: Option<&Bound<'_, PyAny>>,
    nation: &str,
    sheet: Option<String>,
    schools: Option<std::path::PathBuf>,
    heat_institutions: Option<std::path::PathBuf>,
    tidy_names: bool,
    areas: Option<&Bound<'_, PyAny>>,
    workers: Option<i64>,
) -> PyResult<PyCleanOutcome> {
    let on = match on {
        Some(d) if !d.is_none() => required_date(py, d, "on")?,
        _ => heat_core::calendar::today(),
    };
    let mut settings = CleanSettings::on(on);
    settings.import.nation = self::nation(py, nation)?;
    settings.tracking.nation = settings.import.nation;
    settings.import.academic_year = academic_year
        .map(|y| academic_year_arg(py, y))
        .transpose()?;
    settings.import.sheet = sheet;
    settings.schools = school_directory(py, schools, heat_institutions)?;
    settings.tidy_names = tidy_names;
    settings.areas = area_index(py, areas)?;
    let outcome = crate::workers::detach(py, workers, || match (&path, &data) {
        (Some(p), _) => clean_students_file(p, &settings),
        (None, d) => {
            let import = ImportSettings {
                check_duplicates: false,
                ..settings.import.clone()
            };
            validate_import(d.as_deref().unwrap_or(b""), Template::Students, &import)
                .map_err(Into::into)
                .and_then(|up| clean_students(up, &settings))
        }
    })?;
    match outcome {
        Ok(outcome) => Ok(PyCleanOutcome { outcome }),
        Err(e) => Err(raise(py, &e as &dyn HeatError)),
    }
}

/// An upload's new students and the changed fields of those a HEAT export holds:
/// (columns, new students as (row, values), existing as (row, export row, export ref,
/// probability, [(column, old, new)], unreadable columns), export rows matched twice).
type UploadSplitRows = (
    Vec<String>,
    Vec<(usize, Vec<String>)>,
    Vec<(
        usize,
        usize,
        String,
        f64,
        Vec<(String, String, String)>,
        Vec<String>,
    )>,
    Vec<usize>,
);

/// Splits an upload (a file or bytes) against a HEAT students export (a file or bytes).
#[pyfunction]
#[pyo3(signature = (*, upload=None, upload_data=None, export=None, export_data=None, on=None, nation="england", sheet=None, export_sheet=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn _upload_updates(
    py: Python<'_>,
    upload: Option<std::path::PathBuf>,
    upload_data: Option<Vec<u8>>,
    export: Option<std::path::PathBuf>,
    export_data: Option<Vec<u8>>,
    on: Option<&Bound<'_, PyAny>>,
    nation: &str,
    sheet: Option<String>,
    export_sheet: Option<String>,
    workers: Option<i64>,
) -> PyResult<UploadSplitRows> {
    let on = match on {
        Some(d) if !d.is_none() => required_date(py, d, "on")?,
        _ => heat_core::calendar::today(),
    };
    let mut settings = ImportSettings::on(on);
    settings.nation = self::nation(py, nation)?;
    settings.check_duplicates = false;
    let read =
        |path: &Option<std::path::PathBuf>, data: &Option<Vec<u8>>, sheet: Option<String>| {
            let s = ImportSettings {
                sheet,
                ..settings.clone()
            };
            match (path, data) {
                (Some(p), _) => heat_core::import::validate_import_file(p, Template::Students, &s),
                (None, d) => validate_import(d.as_deref().unwrap_or(b""), Template::Students, &s),
            }
        };
    let done = crate::workers::detach(py, workers, || -> Result<_, Box<dyn HeatError + Send>> {
        let up = read(&upload, &upload_data, sheet).map_err(|e| Box::new(e) as _)?;
        let ex = read(&export, &export_data, export_sheet).map_err(|e| Box::new(e) as _)?;
        let split = split_upload(&up, &ex, &Default::default()).map_err(|e| Box::new(e) as _)?;
        Ok((up, split))
    })?;
    let (up, split) = done.map_err(|e| raise(py, e.as_ref() as &dyn HeatError))?;
    let new_rows: std::collections::HashSet<usize> = split.new_rows.iter().copied().collect();
    let mut new: Vec<(usize, Vec<String>)> = up
        .rows
        .iter()
        .chain(&up.rejected)
        .filter(|r| new_rows.contains(&r.row))
        .map(|r| (r.row, r.values.clone()))
        .collect();
    new.sort_by_key(|r| r.0);
    let existing = split
        .existing
        .into_iter()
        .map(|e| {
            let changes = e
                .changes
                .into_iter()
                .map(|c| (c.column.to_string(), c.old, c.new))
                .collect();
            let unreadable = e.unreadable.iter().map(|c| c.to_string()).collect();
            (
                e.row,
                e.export_row,
                e.export_ref,
                e.probability,
                changes,
                unreadable,
            )
        })
        .collect();
    let columns = up.columns.iter().map(|c| c.to_string()).collect();
    Ok((columns, new, existing, split.matched_twice))
}

/// The area index: an `AreaIndex`, or the path of one saved with `AreaIndex.save`.
fn area_index(
    py: Python<'_>,
    areas: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Arc<heat_core::areas::AreaIndex>>> {
    let Some(areas) = areas.filter(|a| !a.is_none()) else {
        return Ok(None);
    };
    if let Ok(index) = areas.cast::<crate::areas::PyAreaIndex>() {
        return Ok(Some(index.get().inner.clone()));
    }
    let path: std::path::PathBuf = areas.extract()?;
    let index = py
        .detach(|| heat_core::areas::AreaIndex::load(&path))
        .map_err(|e| raise(py, &e))?;
    Ok(Some(Arc::new(index)))
}

/// The schools list from a GIAS extract and, added to it, a HEAT institution export.
pub(crate) fn school_directory(
    py: Python<'_>,
    gias: Option<std::path::PathBuf>,
    heat: Option<std::path::PathBuf>,
) -> PyResult<Option<Arc<SchoolDirectory>>> {
    if gias.is_none() && heat.is_none() {
        return Ok(None);
    }
    let built = py.detach(|| -> Result<SchoolDirectory, SchoolsError> {
        let mut d = match &gias {
            Some(p) => SchoolDirectory::from_gias_file(p)?,
            None => SchoolDirectory::default(),
        };
        if let Some(p) = &heat {
            d.add_heat_institutions_file(p)?;
        }
        Ok(d)
    });
    built
        .map(|d| Some(Arc::new(d)))
        .map_err(|e| raise(py, &e as &dyn HeatError))
}

/// A table's bytes as text: (sheet name, format, [(row, cells)]).
type SheetRows = (String, &'static str, Vec<(usize, Vec<String>)>);

/// Reads a CSV (its encoding found as the import finds it) or one sheet of a workbook (the one
/// named, else the first) as text rows, numbered as a spreadsheet shows them.
#[pyfunction]
#[pyo3(signature = (data, sheet=None))]
fn _read_table(py: Python<'_>, data: Vec<u8>, sheet: Option<String>) -> PyResult<SheetRows> {
    match py.detach(|| heat_core::import::read_table(&data, sheet.as_deref())) {
        Ok(s) => Ok((s.name, s.format, s.rows)),
        Err(e) => Err(raise(py, &e)),
    }
}

/// A row of cells with formula-like ones written as text (`heat_core::cells`), and how many were.
#[pyfunction]
fn _neutralise_cells(cells: Vec<String>) -> (Vec<String>, usize) {
    let (out, n) = heat_core::cells::neutralise_record(cells.iter().map(String::as_str));
    (out.into_iter().map(|c| c.into_owned()).collect(), n)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCleanOutcome>()?;
    m.add_function(wrap_pyfunction!(_neutralise_cells, m)?)?;
    m.add_function(wrap_pyfunction!(_read_table, m)?)?;
    m.add_function(wrap_pyfunction!(_clean, m)?)?;
    m.add_function(wrap_pyfunction!(_upload_updates, m)?)?;
    Ok(())
}
