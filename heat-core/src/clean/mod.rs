//! The clean job, as one function: a students upload (CSV or workbook) → every row with its
//! status (ok / fixed / needs attention / rejected), its problems in plain English beside their
//! stable codes, the years worked out from its date of birth, its tracking completeness and
//! eligibility, and the earlier row it likely duplicates (with why). The README's main job, the
//! `heatkit clean` command and Python's `heatkit.clean` all call [`clean_students`]; the
//! [`output`] module writes what it returns (CSV with a BOM, an `.xlsx` workbook).
//! [`clean_students_file_to`] (the README's main job) does both, starting the workbook while the
//! rows are still being worked out.
//!
//! **Nothing is lost**: `rows_in = ok + fixed + needs_attention + rejected`, and every record of
//! the file is one of those or skipped with its reason.
//!
//! ```
//! use heat_core::clean::{clean_students, CleanSettings, RowStatus};
//! use heat_core::import::{validate_import, Template};
//! let csv = "Forename,Surname,Date of Birth,Home Postcode,Year Group\n\
//!            Zoë,O'Brien,31/08/2011,ls1 4ap,Yr 11\n\
//!            Ann,Lee,31/02/2011,LS1 4AP,Yr 10\n\
//!            Sam,Reid,2011-09-01,M1 IAE,Year 10\n";
//! let settings = CleanSettings::on("2026-12-01".parse().unwrap());
//! let upload = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
//! let out = clean_students(upload, &settings).unwrap();
//! let status: Vec<(usize, RowStatus)> = out.students.iter().map(|s| (s.row, s.status)).collect();
//! assert_eq!(status, [(2, RowStatus::Ok), (3, RowStatus::Rejected), (4, RowStatus::Fixed)]);
//! assert_eq!(out.students[2].value("postcode"), "M1 1AE");
//! assert_eq!(out.students[0].derived.as_ref().unwrap().year_group, "Year 11");
//! assert_eq!((out.counts.rows_in, out.counts.ok, out.counts.fixed, out.counts.rejected), (3, 1, 1, 1));
//! ```

mod plain;
mod postcode_context;
mod school_lookup;

pub mod areas;
mod duplicates;
pub mod output;
pub mod report;
pub mod updates;
mod view;

use duplicates::find_duplicates;
pub(crate) use duplicates::student_of;
pub use plain::{column_label, plain_message};
use school_lookup::{find_school, SchoolOutcome};

use crate::error::codes;
use serde::Serialize;

use crate::activity::Severity;
use crate::cohort::{track_cohort, year_group, PhaseAdjustment};
use crate::fields;
use crate::import::{
    validate_import_file, CleanRow, ImportFileError, ImportIssue, ImportOutcome, ImportSettings,
    ImportSummary, RowCode, Template,
};
use crate::matching::{FieldExplanation, MatchError, MatchSettings, RunSummary};
use crate::schools::SchoolDirectory;
use crate::student::{
    student_tracking_status, tracking_summary, StudentInput, TrackingSettings, TrackingStatus,
    TrackingSummary,
};

/// Settings for the clean job: how the upload is read, how tracking is judged, how duplicates
/// are found.
///
/// ```
/// let s = heat_core::clean::CleanSettings::on("2026-12-01".parse().unwrap());
/// assert_eq!((s.import.on, s.tracking.on), (s.tracking.on, s.import.on));
/// ```
#[derive(Debug, Clone)]
pub struct CleanSettings {
    /// Reading and checking the upload (its `check_duplicates` is ignored: duplicates are
    /// found by `matching` and reported per row).
    pub import: ImportSettings,
    /// Completeness and track eligibility.
    pub tracking: TrackingSettings,
    /// Duplicate matching.
    pub matching: MatchSettings,
    /// The team's schools (a GIAS extract, with the HEAT institution export added): when given,
    /// a school typed as a name is found and written as its id (HEAT id when known, else URN),
    /// and ids not in it are flagged; names that fit two open schools, only a closed one, or
    /// none are problems listing the candidates. `None`: names are flagged as not ids.
    pub schools: Option<std::sync::Arc<SchoolDirectory>>,
    /// Tidy first and last names ([`crate::name_case`]: a name typed all in capitals or small
    /// letters title-cased by UK rules, accents kept), each change reported; digits and stray
    /// punctuation in names flagged. Off by default.
    pub tidy_names: bool,
    /// The team's area index ([`crate::areas::AreaIndex`]): when given, each student's home
    /// postcode gets its area, IMD and POLAR4 quintiles ([`areas::AREA_COLUMNS`]), and the
    /// summary counts students by quintile. `None`: no area columns.
    pub areas: Option<std::sync::Arc<crate::areas::AreaIndex>>,
    /// Threads the job uses ([`crate::workers`]): `None` the default (`HEATKIT_WORKERS`, else
    /// every core); the outputs are the same whatever the number.
    pub workers: Option<usize>,
}

impl CleanSettings {
    /// The defaults for a day: England, the school year containing `on`.
    ///
    /// ```
    /// let s = heat_core::clean::CleanSettings::on("2026-08-31".parse().unwrap());
    /// assert_eq!(s.import.academic_year().to_string(), "2025/26");
    /// ```
    pub fn on(on: chrono::NaiveDate) -> CleanSettings {
        CleanSettings {
            import: ImportSettings::on(on),
            tracking: TrackingSettings::on(on),
            matching: MatchSettings::default(),
            schools: None,
            tidy_names: false,
            areas: None,
            workers: None,
        }
    }
}

/// What became of a row.
///
/// ```
/// use heat_core::clean::RowStatus;
/// assert_eq!(RowStatus::NeedsAttention.as_str(), "needs attention");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Imported as it was (values only tidied: case, spaces, date format).
    Ok,
    /// Imported after a correction heatkit made (a postcode's typing slips).
    Fixed,
    /// Imported, with something a person should check (a warning, a likely duplicate).
    NeedsAttention,
    /// Not imported: a required value is missing or unreadable.
    Rejected,
}

impl RowStatus {
    /// Every status, in order.
    pub const ALL: [RowStatus; 4] = [
        RowStatus::Ok,
        RowStatus::Fixed,
        RowStatus::NeedsAttention,
        RowStatus::Rejected,
    ];

    /// The status as a person reads it.
    ///
    /// ```
    /// assert_eq!(heat_core::clean::RowStatus::Fixed.as_str(), "fixed");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Ok => "ok",
            RowStatus::Fixed => RowCode::Fixed.code(),
            RowStatus::NeedsAttention => "needs attention",
            RowStatus::Rejected => "rejected",
        }
    }
}

/// One problem with one cell (or row), in plain English beside its stable code.
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings, RowStatus};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,m11ae\nBen,Ng,2011-02-03,M1 1AE\n";
/// let import = ImportSettings { check_duplicates: false, ..ImportSettings::default() };
/// let upload = validate_import(csv, Template::Students, &import).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// let p = &out.students[1].problems[0];
/// assert_eq!((p.column.as_str(), p.code), ("-", "likely_duplicate"));
/// assert!(p.message.starts_with("Probably the same student as row 2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The template column (`-` for the whole row).
    pub column: String,
    /// Stable snake_case code.
    pub code: &'static str,
    /// Error (the row is rejected) or warning.
    pub severity: Severity,
    /// What is wrong and what to do, for a person.
    pub message: String,
    /// The file's text in the cell.
    pub value: String,
}

/// The years a date of birth gives.
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings, RowStatus};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,m11ae\nBen,Ng,2011-02-03,M1 1AE\n";
/// let import = ImportSettings { check_duplicates: false, ..ImportSettings::default() };
/// let upload = validate_import(csv, Template::Students, &import).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// let d = out.students[0].derived.as_ref().unwrap();
/// assert_eq!((d.year_group.as_str(), d.ks4_exam_year, d.he_ready_year.as_str()), ("Year 11", 2027, "2029/30"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    /// The school year group in the upload's academic year (`Year 10`, `Reception`...).
    pub year_group: String,
    /// The summer of the KS4 (GCSE) exams.
    pub ks4_exam_year: i32,
    /// The summer of the KS5 (A level) exams.
    pub ks5_exam_year: i32,
    /// The academic year the student could start higher education (`2029/30`).
    pub he_ready_year: String,
    /// The tracking data year.
    pub tracking_data_year: i32,
}

/// A likely duplicate: this row is probably the same student as an earlier one.
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings, RowStatus};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,m11ae\nBen,Ng,2011-02-03,M1 1AE\n";
/// let import = ImportSettings { check_duplicates: false, ..ImportSettings::default() };
/// let upload = validate_import(csv, Template::Students, &import).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// let d = out.students[1].duplicate.as_ref().unwrap();
/// assert_eq!((d.of_row, d.agreed.clone()), (2, vec!["first_name", "last_name", "date_of_birth", "postcode"]));
/// assert!(d.probability > 0.99);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// The earlier row (the first of the student's rows).
    pub of_row: usize,
    /// The probability the two rows are one student (of the strongest pair joining them).
    pub probability: f64,
    /// The fields that agreed exactly, in template names (`first_name`, `date_of_birth`...).
    pub agreed: Vec<&'static str>,
    /// The pair's explanation in waterfall order: the prior, each field's level and weight in
    /// bits, the household correction and the guard when they applied.
    pub steps: Vec<FieldExplanation>,
}

/// One row of the upload, as the clean job leaves it.
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings, RowStatus};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,m11ae\nBen,Ng,2011-02-03,M1 1AE\n";
/// let import = ImportSettings { check_duplicates: false, ..ImportSettings::default() };
/// let upload = validate_import(csv, Template::Students, &import).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// let rows: Vec<(usize, RowStatus)> = out.students.iter().map(|s| (s.row, s.status)).collect();
/// assert_eq!(rows, vec![(2, RowStatus::Ok), (3, RowStatus::NeedsAttention), (4, RowStatus::Ok)]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudentRow {
    /// The spreadsheet row.
    pub row: usize,
    /// What became of it.
    pub status: RowStatus,
    /// Values in [`Template::column_names`] order (cleaned; a value that could not be read keeps
    /// the file's text).
    pub values: Vec<String>,
    /// Years from the date of birth, when it could be read.
    pub derived: Option<Derived>,
    /// Completeness and eligibility for tracking.
    pub tracking: TrackingStatus,
    /// The earlier row it likely duplicates.
    pub duplicate: Option<Duplicate>,
    /// Its problems, errors first.
    pub problems: Vec<Problem>,
    /// Its home postcode's area and measures, when an area index was given.
    pub area: Option<areas::StudentArea>,
}

impl StudentRow {
    /// The value of template column `column` (blank when it is not one).
    ///
    /// ```
    /// use heat_core::clean::{clean_students, CleanSettings};
    /// use heat_core::import::{validate_import, Template};
    /// let s = CleanSettings::on("2026-12-01".parse().unwrap());
    /// let up = validate_import(b"first,last,dob,postcode\nAnn,Lee,2011-01-02,m11ae\n", Template::Students, &s.import).unwrap();
    /// assert_eq!(clean_students(up, &s).unwrap().students[0].value("postcode"), "M1 1AE");
    /// ```
    pub fn value(&self, column: &str) -> &str {
        Template::Students
            .column_names()
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.values.get(i))
            .map_or("", String::as_str)
    }
}

/// Rows by status, reconciling with the rows read: `rows_in = ok + fixed + needs_attention +
/// rejected`.
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings, RowStatus};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,m11ae\nBen,Ng,2011-02-03,M1 1AE\n";
/// let import = ImportSettings { check_duplicates: false, ..ImportSettings::default() };
/// let upload = validate_import(csv, Template::Students, &import).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// let c = &out.counts;
/// assert_eq!((c.rows_in, c.ok, c.fixed, c.needs_attention, c.rejected, c.duplicates), (3, 2, 0, 1, 0, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Data rows read.
    pub rows_in: usize,
    /// Imported as they were.
    pub ok: usize,
    /// Imported after a correction.
    pub fixed: usize,
    /// Imported, to be checked.
    pub needs_attention: usize,
    /// Not imported.
    pub rejected: usize,
    /// Blank rows and total or footer lines (not students).
    pub skipped: usize,
    /// Rows that likely duplicate an earlier row.
    pub duplicates: usize,
}

impl StatusCounts {
    /// The count of one status.
    ///
    /// ```
    /// use heat_core::clean::{RowStatus, StatusCounts};
    /// let c = StatusCounts { fixed: 3, ..Default::default() };
    /// assert_eq!(c.of(RowStatus::Fixed), 3);
    /// ```
    pub fn of(&self, status: RowStatus) -> usize {
        match status {
            RowStatus::Ok => self.ok,
            RowStatus::Fixed => self.fixed,
            RowStatus::NeedsAttention => self.needs_attention,
            RowStatus::Rejected => self.rejected,
        }
    }
}

/// What the clean job returns.
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings, RowStatus};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,m11ae\nBen,Ng,2011-02-03,M1 1AE\n";
/// let import = ImportSettings { check_duplicates: false, ..ImportSettings::default() };
/// let upload = validate_import(csv, Template::Students, &import).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// assert_eq!((out.students.len(), out.file_problems.len()), (3, 0));
/// assert_eq!(out.columns[..3], ["student_ref", "first_name", "last_name"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanOutcome {
    /// Template columns, the order of [`StudentRow::values`].
    pub columns: &'static [&'static str],
    /// Every data row, in file order.
    pub students: Vec<StudentRow>,
    /// Problems of the file rather than a student: the header's, and the rows skipped (with
    /// why).
    pub file_problems: Vec<(usize, Problem)>,
    /// Rows by status.
    pub counts: StatusCounts,
    /// How the file was read (encoding or workbook format, sheet, header row, columns matched).
    pub import: ImportSummary,
    /// Tracking completeness and eligibility over the rows imported.
    pub tracking: TrackingSummary,
    /// What the duplicate matching did (pairs compared, skipped, twin patterns).
    pub matching: RunSummary,
    /// Students by IMD and POLAR4 quintile, when an area index was given.
    pub areas: Option<areas::AreaSummary>,
}

/// Why the clean job could not run at all.
///
/// ```
/// use heat_core::{clean::{clean_students_file, CleanSettings}, HeatError};
/// let e = clean_students_file("/no/such/upload.csv".as_ref(), &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap_err();
/// assert_eq!(e.code(), "unreadable_file");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    /// The upload cannot be read.
    #[error(transparent)]
    Import(#[from] ImportFileError),
    /// The duplicate matcher's settings are not usable.
    #[error(transparent)]
    Matching(#[from] MatchError),
}

codes!(CleanError {
} delegate {
    Self::Import(e) => e,
    Self::Matching(e) => e,
});

impl crate::HeatError for CleanError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            CleanError::Import(e) => e.kind(),
            CleanError::Matching(e) => e.kind(),
        }
    }
}

/// [`clean_students`] on a file (CSV in any encoding heatkit reads, or a workbook).
///
/// ```
/// use heat_core::clean::{clean_students_file, CleanSettings};
/// let path = std::env::temp_dir().join("heatkit_doc_clean.csv");
/// std::fs::write(&path, "first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n").unwrap();
/// let out = clean_students_file(&path, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// assert_eq!(out.counts.ok, 1);
/// ```
pub fn clean_students_file(
    path: &std::path::Path,
    settings: &CleanSettings,
) -> Result<CleanOutcome, CleanError> {
    clean_students(read_students(path, settings)?, settings)
}

/// A students file read for the clean job (duplicates are left to its matching).
fn read_students(
    path: &std::path::Path,
    settings: &CleanSettings,
) -> Result<ImportOutcome, CleanError> {
    let import = ImportSettings {
        check_duplicates: false,
        ..settings.import.clone()
    };
    Ok(validate_import_file(path, Template::Students, &import)?)
}

/// The clean job on an upload already read (see the module docs).
///
/// ```
/// use heat_core::clean::{clean_students, CleanSettings};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nBen,Ng,2011-13-40,M1 1AE\n";
/// let upload = validate_import(csv, Template::Students, &ImportSettings::default()).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// assert_eq!((out.students.len(), out.counts.ok), (2, 1));
/// ```
pub fn clean_students(
    upload: ImportOutcome,
    settings: &CleanSettings,
) -> Result<CleanOutcome, CleanError> {
    on_workers(settings, || clean_students_here(upload, settings))
}

/// Runs a clean job on the settings' threads ([`CleanSettings::workers`]).
fn on_workers<T: Send>(
    settings: &CleanSettings,
    job: impl FnOnce() -> Result<T, CleanError> + Send,
) -> Result<T, CleanError> {
    crate::workers::run_with(settings.workers, job).map_err(|e| {
        CleanError::Matching(MatchError::BadSetting {
            setting: "workers",
            reason: e.to_string(),
        })
    })?
}

fn clean_students_here(
    upload: ImportOutcome,
    settings: &CleanSettings,
) -> Result<CleanOutcome, CleanError> {
    let prepared = prepare(upload, settings)?;
    let mut students = unfilled_rows(prepared.rows.len());
    let (mut out, _) = work_out(prepared, settings, &mut students, Pace::EveryCore, |_| {});
    out.students = students;
    Ok(out)
}

/// [`clean_students_file`], then [`output::write_files`] into `dir`, with the files started
/// while the rows are still being worked out: the workbook's Cleaned sheet (the longest file to
/// write) takes each run of rows as soon as it is done, on a core of its own, while the rows
/// after it are worked out on the other. Returns the outcome and what was written (or why
/// writing failed); the files are the same as `write_files` writes for the same outcome.
///
/// ```
/// use heat_core::clean::{clean_students_file_to, output, CleanSettings};
/// let path = std::env::temp_dir().join("heatkit_doc_clean_to.csv");
/// std::fs::write(&path, "first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n").unwrap();
/// let dir = std::env::temp_dir().join("heatkit_doc_clean_to");
/// let files = output::Files { csv: true, xlsx: true, report: None, bom: true };
/// let settings = CleanSettings::on("2026-12-01".parse().unwrap());
/// let (out, written) = clean_students_file_to(&path, &settings, &dir, &files).unwrap();
/// assert_eq!((out.counts.ok, written.unwrap().paths.len()), (1, 3));
/// ```
pub fn clean_students_file_to(
    path: &std::path::Path,
    settings: &CleanSettings,
    dir: &std::path::Path,
    files: &output::Files,
) -> Result<(CleanOutcome, std::io::Result<output::Written>), CleanError> {
    on_workers(settings, || {
        clean_students_file_to_here(path, settings, dir, files)
    })
}

fn clean_students_file_to_here(
    path: &std::path::Path,
    settings: &CleanSettings,
    dir: &std::path::Path,
    files: &output::Files,
) -> Result<(CleanOutcome, std::io::Result<output::Written>), CleanError> {
    let prepared = prepare(read_students(path, settings)?, settings)?;
    let shape = output::Shape {
        rows: prepared.rows.len(),
        areas: settings.areas.is_some(),
    };
    let mut students = unfilled_rows(prepared.rows.len());
    // With a workbook, its Cleaned sheet is written on one core while the rows are worked out.
    let pace = if files.xlsx {
        Pace::OneCore
    } else {
        Pace::EveryCore
    };
    let (out, written) = output::write_files_as_rows_come(dir, files, shape, |pass| {
        let (out, runs) = work_out(prepared, settings, &mut students, pace, pass);
        (std::borrow::Cow::Owned(out), runs)
    });
    let mut out = out.into_owned();
    out.students = students;
    Ok((out, written))
}

/// An upload read, its steps before matching done and its duplicates found: the rows in file
/// order (rejected ones marked), their issues in row order, each row's problems from the steps
/// and the earlier row it likely duplicates.
struct Prepared {
    rows: Vec<(CleanRow, bool)>,
    issues: Vec<ImportIssue>,
    step_problems: std::collections::HashMap<usize, Vec<Problem>>,
    duplicates: Vec<Option<Duplicate>>,
    matching: RunSummary,
    summary: ImportSummary,
}

fn prepare(upload: ImportOutcome, settings: &CleanSettings) -> Result<Prepared, CleanError> {
    let ImportOutcome {
        rows,
        rejected,
        issues,
        summary,
        ..
    } = upload;
    let mut all: Vec<(CleanRow, bool)> = rows
        .into_iter()
        .map(|r| (r, false))
        .chain(rejected.into_iter().map(|r| (r, true)))
        .collect();
    all.sort_by_key(|(r, _)| r.row);
    let mut issues = issues;
    let mut step_problems: std::collections::HashMap<usize, Vec<Problem>> = Default::default();
    if settings.tidy_names {
        for (row, _) in &mut all {
            let found = tidy_names(row);
            if !found.is_empty() {
                step_problems.entry(row.row).or_default().extend(found);
            }
        }
    }
    if let Some(directory) = &settings.schools {
        // Uploads repeat a few school names on many rows: each is looked up once.
        // The home postcode breaks ties between schools of one name (by its district or area).
        let mut found: std::collections::HashMap<(String, Option<String>), SchoolOutcome> =
            Default::default();
        for (row, _) in &mut all {
            let typed = row.get("school_id").trim().to_string();
            if typed.is_empty() {
                continue;
            }
            let home = crate::postcode::Postcode::parse(row.get("postcode")).ok();
            let outward = home.as_ref().map(|p| p.outward().to_string());
            let (id, p) = found
                .entry((typed, outward))
                .or_insert_with_key(|(typed, _)| {
                    find_school(typed, home.as_ref().map(|p| p.as_str()), directory)
                })
                .clone();
            if let Some(id) = id {
                row.set("school_id", id);
            }
            if let Some(p) = p {
                step_problems.entry(row.row).or_default().push(p);
            }
        }
        // A name is no longer "not an id" once a schools list has been asked.
        issues.retain(|i| i.code != RowCode::BadSchoolId.code());
    }
    let (duplicates, matching) = find_duplicates(&all, settings)?;
    postcode_context::settle_postcodes(
        &mut all,
        &mut issues,
        &duplicates,
        settings.schools.as_deref(),
    );
    // Issues in row order (the import leaves them so): each row's are one run, in the order of
    // the template's columns, as the import gives them.
    if !issues.is_sorted_by_key(|i| i.row) {
        let column = |i: &ImportIssue| {
            all.first()
                .and_then(|(r, _)| r.column_index(&i.column))
                .unwrap_or(usize::MAX)
        };
        issues.sort_by_key(|i| (i.row, column(i)));
    }
    Ok(Prepared {
        rows: all,
        issues,
        step_problems,
        duplicates,
        matching,
        summary,
    })
}

/// `n` rows to be worked out (nothing held yet).
fn unfilled_rows(n: usize) -> Vec<StudentRow> {
    use rayon::prelude::*;
    let mut rows = Vec::with_capacity(n);
    rows.par_extend((0..n).into_par_iter().map(|_| StudentRow {
        row: 0,
        status: RowStatus::Ok,
        values: Vec::new(),
        derived: None,
        tracking: TrackingStatus {
            complete: false,
            ks4_eligible: false,
            ks5_eligible: false,
            hesa_eligible: false,
            problems: Vec::new(),
            reasons: Vec::new(),
            unreadable: Vec::new(),
        },
        duplicate: None,
        problems: Vec::new(),
        area: None,
    }));
    rows
}

/// A row to work out: the row (and whether the import rejected it), its import issues and the
/// earlier row it likely duplicates.
type RowToDo = (((CleanRow, bool), Vec<ImportIssue>), Option<Duplicate>);

/// How many cores [`work_out`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// Every core (nothing else to do meanwhile).
    EveryCore,
    /// One, leaving the other to write the rows already done.
    OneCore,
}

/// Works the rows out into `students` (one slot a row), in runs of [`ROW_CHUNK`], passing each
/// run on as soon as it is done; returns the outcome without its rows (`students` holds them)
/// and the runs.
///
/// A row's problems, status and derived years depend on that row alone. Each run's issues are
/// moved into its rows' problems (their text not copied, the import's wording freed once the row
/// is done); issues of no row (the header's, skipped rows') are the file's.
fn work_out<'a>(
    prepared: Prepared,
    settings: &CleanSettings,
    students: &'a mut [StudentRow],
    pace: Pace,
    mut pass: impl FnMut(&'a [StudentRow]),
) -> (CleanOutcome, Vec<&'a [StudentRow]>) {
    use rayon::prelude::*;
    let Prepared {
        rows,
        issues,
        step_problems,
        duplicates,
        matching,
        summary,
    } = prepared;
    let mut file_problems: Vec<(usize, Problem)> = Vec::new();
    let mut issues = issues.into_iter().peekable();
    let mut duplicates = duplicates.into_iter();
    let mut rows = rows.into_iter();
    let mut counts = StatusCounts {
        rows_in: summary.rows_in,
        skipped: summary.rows_skipped,
        ..Default::default()
    };
    let mut areas = settings.areas.as_ref().map(|_| areas::AreaTally::default());
    let mut left = students;
    let mut runs: Vec<&'a [StudentRow]> = Vec::new();
    let step_problems = &step_problems;
    loop {
        let chunk: Vec<(CleanRow, bool)> = rows.by_ref().take(ROW_CHUNK).collect();
        let Some(last) = chunk.last().map(|(r, _)| r.row) else {
            break;
        };
        let mut own: Vec<Vec<ImportIssue>> =
            std::iter::repeat_with(Vec::new).take(chunk.len()).collect();
        while let Some(issue) = issues.next_if(|i| i.row <= last) {
            match chunk.binary_search_by_key(&issue.row, |(r, _)| r.row) {
                Ok(k) => own[k].push(issue),
                Err(_) => file_problems.push((issue.row, problem(issue, ""))),
            }
        }
        let chunk_duplicates: Vec<Option<Duplicate>> =
            duplicates.by_ref().take(chunk.len()).collect();
        let (run, after) = std::mem::take(&mut left).split_at_mut(chunk.len());
        left = after;
        let work = |(slot, (((row, is_rejected), own), duplicate)): (&mut StudentRow, RowToDo)| {
            let steps = step_problems.get(&row.row).map_or(&[][..], Vec::as_slice);
            *slot = student_row(row, is_rejected, duplicate, own, steps, settings);
        };
        match pace {
            Pace::EveryCore => run
                .par_iter_mut()
                .zip(chunk.into_par_iter().zip(own).zip(chunk_duplicates))
                .for_each(work),
            Pace::OneCore => run
                .iter_mut()
                .zip(chunk.into_iter().zip(own).zip(chunk_duplicates))
                .for_each(work),
        }
        if let (Some(tally), Some(index)) = (&mut areas, &settings.areas) {
            tally.add(run, index);
        }
        let run: &'a [StudentRow] = run;
        for s in run {
            match s.status {
                RowStatus::Ok => counts.ok += 1,
                RowStatus::Fixed => counts.fixed += 1,
                RowStatus::NeedsAttention => counts.needs_attention += 1,
                RowStatus::Rejected => counts.rejected += 1,
            }
            counts.duplicates += usize::from(s.duplicate.is_some());
        }
        pass(run);
        runs.push(run);
    }
    file_problems.extend(issues.map(|i| (i.row, problem(i, ""))));
    let tracking = tracking_summary(
        runs.iter()
            .flat_map(|run| run.iter())
            .filter(|s| s.status != RowStatus::Rejected)
            .map(|s| &s.tracking),
    );
    let out = CleanOutcome {
        areas: areas
            .zip(settings.areas.as_ref())
            .map(|(t, i)| t.summary(i)),
        columns: Template::Students.column_names(),
        students: Vec::new(),
        file_problems,
        counts,
        import: summary,
        tracking,
        matching,
    };
    (out, runs)
}

/// One row as the clean job leaves it: its own problems (from the import, from the steps
/// before matching, and a likely duplicate), its status, and the years its date of birth gives.
fn student_row(
    row: CleanRow,
    is_rejected: bool,
    duplicate: Option<Duplicate>,
    own: Vec<ImportIssue>,
    steps: &[Problem],
    settings: &CleanSettings,
) -> StudentRow {
    // Sized to fit (the issues' own list is not reused: it is sized for issues, not problems).
    let mut problems: Vec<Problem> =
        Vec::with_capacity(own.len() + steps.len() + usize::from(duplicate.is_some()));
    problems.extend(own.into_iter().map(|i| {
        let now = row.get(&i.column);
        problem(i, now)
    }));
    problems.extend(steps.iter().cloned());
    if let Some(d) = &duplicate {
        problems.push(Problem {
            column: "-".into(),
            code: RowCode::LikelyDuplicate.code(),
            severity: Severity::Warning,
            message: format!(
                "Probably the same student as row {} ({:.0}% likely; {} agree): keep one of them.",
                d.of_row,
                d.probability * 100.0,
                if d.agreed.is_empty() {
                    "no field".to_string()
                } else {
                    d.agreed
                        .iter()
                        .map(|c| column_label(c).to_lowercase())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            value: String::new(),
        });
    }
    problems.sort_by_key(|p| p.severity != Severity::Error);
    let status = if is_rejected {
        RowStatus::Rejected
    } else if problems
        .iter()
        .any(|p| !RowCode::from_code(p.code).is_some_and(RowCode::is_correction))
    {
        RowStatus::NeedsAttention
    } else if problems.is_empty() {
        RowStatus::Ok
    } else {
        RowStatus::Fixed
    };
    let nation = settings.import.nation;
    let derived = match fields::date(row.get("date_of_birth")) {
        Ok(Some(dob)) => {
            let t = track_cohort(dob, nation, PhaseAdjustment::NONE);
            Some(Derived {
                year_group: year_group(dob, settings.import.academic_year(), nation).label(nation),
                ks4_exam_year: t.ks4_exam_year,
                ks5_exam_year: t.ks5_exam_year,
                he_ready_year: t.he_ready_year.to_string(),
                tracking_data_year: t.tracking_data_year,
            })
        }
        _ => None,
    };
    let tracking = student_tracking_status(&StudentInput::from_row(&row), &settings.tracking);
    StudentRow {
        row: row.row,
        status,
        values: row.values,
        derived,
        tracking,
        duplicate,
        problems,
        area: None,
    }
}

/// Rows worked out together by [`work_out`] (a run), their issues moved in.
const ROW_CHUNK: usize = 1 << 16;

/// Tidies a row's first and last names; returns each change and flag as a problem.
fn tidy_names(row: &mut CleanRow) -> Vec<Problem> {
    let mut problems = Vec::new();
    for column in ["first_name", "last_name"] {
        let typed = row.get(column).to_string();
        if typed.trim().is_empty() {
            continue;
        }
        let tidied = crate::name_case::tidy_name(&typed);
        let label = column_label(column);
        for flag in &tidied.flags {
            let what = match flag {
                crate::name_case::NameFlag::Digits => "a digit",
                crate::name_case::NameFlag::Punctuation => "punctuation a name does not",
            };
            problems.push(Problem {
                column: column.into(),
                code: flag.code(),
                severity: Severity::Warning,
                message: format!("{label} {typed:?} holds {what}: check how it is spelt."),
                value: typed.clone(),
            });
        }
        if tidied.changed {
            problems.push(Problem {
                column: column.into(),
                code: RowCode::NameTidied.code(),
                severity: Severity::Warning,
                message: format!("{label} {typed:?} was written as {:?}.", tidied.text),
                value: typed.clone(),
            });
            row.set(column, tidied.text);
        }
    }
    problems
}

/// An import issue as a problem: its wording made plain (`now`: the cell's value after
/// cleaning), its column and the file's text moved over.
fn problem(issue: ImportIssue, now: &str) -> Problem {
    Problem {
        message: plain_message(&issue, now),
        column: issue.column,
        code: issue.code,
        severity: issue.severity,
        value: issue.value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::validate_import;

    #[test]
    fn name_tidying_is_optional_reported_and_keeps_accents() {
        let csv = "Forename,Surname,Date of Birth,Home Postcode\n\
                   ZOË,O'BRIEN,2011-01-02,LS1 4AP\n\
                   Anne-Marie,McDonald,2011-01-03,LS1 4AP\n\
                   amelia2,khan,2011-01-04,LS1 4AP\n";
        let mut s = CleanSettings::on("2026-12-01".parse().unwrap());
        let run = |s: &CleanSettings| {
            let up = validate_import(csv.as_bytes(), Template::Students, &s.import).unwrap();
            clean_students(up, s).unwrap()
        };
        let off = run(&s);
        assert_eq!(off.students[0].value("first_name"), "ZOË");
        assert!(off.students.iter().all(|r| r.status == RowStatus::Ok));
        s.tidy_names = true;
        let on = run(&s);
        let got: Vec<(&str, &str, RowStatus, Vec<&str>)> = on
            .students
            .iter()
            .map(|r| {
                let codes = r.problems.iter().map(|p| p.code).collect();
                (r.value("first_name"), r.value("last_name"), r.status, codes)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Zoë",
                    "O'Brien",
                    RowStatus::Fixed,
                    vec!["name_tidied", "name_tidied"]
                ),
                ("Anne-Marie", "McDonald", RowStatus::Ok, vec![]),
                (
                    "Amelia2",
                    "Khan",
                    RowStatus::NeedsAttention,
                    vec!["digits_in_name", "name_tidied", "name_tidied"]
                ),
            ]
        );
        assert_eq!(
            on.students[0].problems[0].message,
            "First name \"ZOË\" was written as \"Zoë\"."
        );
    }

    #[test]
    fn rows_worked_out_in_chunks_keep_their_own_problems_across_chunk_edges() {
        // More rows than one chunk holds, a total line and a blank line at the first chunk's
        // edge, and a bad date every seventh row: each row keeps exactly its own problems.
        let settings = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let mut csv = String::from("first,last,dob,postcode\n");
        let n = ROW_CHUNK + 5_000;
        for i in 0..n {
            if i == ROW_CHUNK - 1 {
                csv.push_str("Total,,,\n\n");
            }
            let dob = if i % 7 == 0 {
                "31/02/2011"
            } else {
                "2011-01-02"
            };
            csv.push_str(&format!("P{i},Q{i},{dob},M1 1AE\n"));
        }
        let upload = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
        let out = clean_students(upload, &settings).unwrap();
        assert_eq!((out.students.len(), out.counts.skipped), (n, 2));
        let total_row = ROW_CHUNK + 1; // the header is row 1, student i is on row i + 2
        let file: Vec<(usize, &str)> = out
            .file_problems
            .iter()
            .map(|(r, p)| (*r, p.code))
            .collect();
        assert_eq!(file, [(total_row, "total_row_skipped")]);
        for (i, s) in out.students.iter().enumerate() {
            let row = if i < ROW_CHUNK - 1 { i + 2 } else { i + 4 };
            let codes: Vec<(&str, &str)> = s
                .problems
                .iter()
                .map(|p| (p.code, p.value.as_str()))
                .collect();
            let want: &[(&str, &str)] = if i % 7 == 0 {
                &[("bad_date", "31/02/2011")]
            } else {
                &[]
            };
            assert_eq!(
                (s.row, s.value("first_name"), codes.as_slice()),
                (row, format!("P{i}").as_str(), want)
            );
        }
    }

    /// Every sheet of a workbook, as text per cell.
    fn sheets_of(path: &std::path::Path) -> Vec<(String, Vec<Vec<String>>)> {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto(path).unwrap();
        let names = book.sheet_names();
        names
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let rows = range
                    .rows()
                    .map(|r| r.iter().map(|c| format!("{c:?}")).collect())
                    .collect();
                (name, rows)
            })
            .collect()
    }

    #[test]
    fn files_written_as_the_rows_come_are_the_files_written_after() {
        // Two runs of rows and a bit: likely duplicates of rows in the first run found in the
        // second, a formula-like cell, a total line and a blank line at the first run's edge.
        let settings = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let first = [
            "Ann", "Bo", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo",
        ];
        let postcodes = ["M1 1AE", "LS1 4AP", "B1 1AA", "CF10 1AA", "EH1 1AA"];
        let mut csv = String::from("first,last,dob,postcode,gender\n");
        let n = 2 * ROW_CHUNK + 700;
        for i in 0..n {
            if i == ROW_CHUNK - 1 {
                csv.push_str("Total,,,,\n\n");
            }
            // The last 200 are copies of students 509 to 708, two runs back.
            let k = if i >= 2 * ROW_CHUNK + 500 {
                i - 2 * ROW_CHUNK + 9
            } else {
                i
            };
            let mut dob = chrono::NaiveDate::from_ymd_opt(2010, 9, 1).unwrap()
                + chrono::Duration::days((k % 1461) as i64);
            let mut last = format!("Lee{k}");
            if k == 3 {
                // Born on a day no one else was, so the odd surname matches no one.
                (dob, last) = (
                    chrono::NaiveDate::from_ymd_opt(2009, 1, 1).unwrap(),
                    "=1+1".into(),
                );
            }
            csv.push_str(&format!(
                "{},{last},{dob},{},{}\n",
                first[k % first.len()],
                postcodes[k % postcodes.len()],
                if k % 2 == 0 { "F" } else { "M" }
            ));
        }
        let dir = std::env::temp_dir().join(format!("heatkit_rows_come_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("students.csv");
        std::fs::write(&path, csv).unwrap();
        let files = output::Files {
            csv: true,
            xlsx: true,
            report: Some("students.csv".into()),
            bom: true,
        };
        let (as_they_come, written) =
            clean_students_file_to(&path, &settings, &dir.join("as_they_come"), &files).unwrap();
        let written = written.unwrap();
        let after = clean_students_file(&path, &settings).unwrap();
        let written_after = output::write_files(&after, &dir.join("after"), &files).unwrap();
        assert_eq!(as_they_come, after);
        assert_eq!(after.counts.duplicates, 200);
        let last = after.students.last().unwrap();
        assert_eq!(last.duplicate.as_ref().unwrap().of_row, 708 + 2);
        let names = |w: &output::Written| -> Vec<String> {
            w.paths
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&written), names(&written_after));
        assert_eq!(
            (written.neutralised_csv, written.neutralised_xlsx),
            (
                written_after.neutralised_csv,
                written_after.neutralised_xlsx
            )
        );
        assert_eq!(written.neutralised_xlsx, 1);
        for name in [
            "students_cleaned.csv",
            "students_problems.csv",
            "students_report.html",
        ] {
            let read = |sub: &str| std::fs::read(dir.join(sub).join(name)).unwrap();
            assert!(read("as_they_come") == read("after"), "{name}");
        }
        let sheets = sheets_of(&dir.join("as_they_come/students.xlsx"));
        assert_eq!(sheets, sheets_of(&dir.join("after/students.xlsx")));
        assert_eq!(sheets[0].1.len(), n + 1);
        assert_eq!(sheets[2].1.len(), 201);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rows_are_worked_out_when_the_files_cannot_be_written() {
        let settings = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let dir = std::env::temp_dir().join(format!("heatkit_rows_no_dir_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("students.csv");
        std::fs::write(
            &path,
            "first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n",
        )
        .unwrap();
        // The folder to write into is a file.
        let files = output::Files {
            csv: true,
            xlsx: true,
            report: None,
            bom: true,
        };
        let (out, written) = clean_students_file_to(&path, &settings, &path, &files).unwrap();
        assert_eq!((out.students.len(), out.counts.ok), (1, 1));
        assert!(written.is_err());
        // CSV alone (no workbook: the rows are worked out on every core).
        let csv_only = output::Files {
            xlsx: false,
            ..files
        };
        let (again, written) =
            clean_students_file_to(&path, &settings, &dir.join("out"), &csv_only).unwrap();
        assert_eq!(again, out);
        assert_eq!(written.unwrap().paths.len(), 2);
        let mut cleaned = Vec::new();
        output::write_cleaned_csv(&out, &mut cleaned, true).unwrap();
        assert_eq!(
            std::fs::read(dir.join("out/students_cleaned.csv")).unwrap(),
            cleaned
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_upload_whose_issues_are_out_of_row_order_cleans_the_same() {
        let settings = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let csv = "first,last,dob,postcode,colour\n\
                   Ann,,2011-01-02,M1 1AE,red\n\
                   Bo,Lee,31/02/2011,LSI 4AP,blue\n\
                   Cy,Reid,2011-01-02,nope,\n";
        let upload =
            || validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
        let mut shuffled = upload();
        shuffled.issues.reverse();
        let (a, b) = (
            clean_students(upload(), &settings).unwrap(),
            clean_students(shuffled, &settings).unwrap(),
        );
        assert_eq!(a.students, b.students);
        assert_eq!(a.file_problems, b.file_problems);
        // The header's unknown column is the file's problem; each row keeps its own.
        assert_eq!(a.file_problems.len(), 1);
        let codes: Vec<Vec<&str>> = a
            .students
            .iter()
            .map(|s| s.problems.iter().map(|p| p.code).collect())
            .collect();
        assert_eq!(codes[0], ["missing"]);
        // LSI 4AP is LS1 4AP or LS8 4AP (I is under 8): two errors in one row, in column order.
        assert_eq!(codes[1], ["bad_date", "bad_format"]);
        assert_eq!(codes[2].len(), 1);
    }
}
