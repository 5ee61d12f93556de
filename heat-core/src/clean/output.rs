//! What the clean job writes: CSV (UTF-8 with a BOM by default, so Excel on Windows shows `Zoë`
//! as typed) and an `.xlsx` workbook with sheets Cleaned, Problems, Duplicates and Summary.
//! Every cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first, and
//! not a number) is written as text: in CSV with a leading apostrophe
//! ([`crate::cells::neutralise_formula`], OWASP's CSV-injection advice), in `.xlsx` as a text
//! cell, never a formula. Each writer returns how many such cells it wrote.

use std::io::Write;

use super::view::View;
use super::{column_label, CleanOutcome, RowStatus, StudentRow};
use crate::cells::neutralise_formula;
use crate::import::RowCode;
use std::borrow::Cow;

mod workbook;
use workbook::write_book;
pub use workbook::{write_xlsx, FAST_ZIP_ROWS};

/// The byte-order mark Excel looks for to read a CSV as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The columns heatkit adds after the template's, in the cleaned file.
pub const ADDED_COLUMNS: [&str; 16] = [
    "status",
    "problems",
    "problem_codes",
    "year_group_from_dob",
    "ks4_exam_year",
    "ks5_exam_year",
    "he_ready_year",
    "tracking_data_year",
    "tracking_complete",
    "ks4_eligible",
    "ks5_eligible",
    "hesa_eligible",
    "tracking_reasons",
    "duplicate_of_row",
    "duplicate_probability",
    "row",
];

/// The cleaned file's header: the HEAT template's columns in its order, then [`ADDED_COLUMNS`].
///
/// ```
/// let h = heat_core::clean::output::cleaned_header();
/// assert_eq!((h[0], h[9]), ("student_ref", "status"));
/// ```
pub fn cleaned_header() -> Vec<&'static str> {
    crate::import::Template::Students
        .column_names()
        .iter()
        .copied()
        .chain(ADDED_COLUMNS)
        .collect()
}

/// The cleaned file's header for one outcome: [`cleaned_header`], then
/// [`super::areas::AREA_COLUMNS`] when an area index was given.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n", Template::Students, &s.import).unwrap();
/// assert_eq!(output::cleaned_header_of(&clean_students(up, &s).unwrap()), output::cleaned_header());
/// ```
pub fn cleaned_header_of(out: &CleanOutcome) -> Vec<&'static str> {
    header_with(out.areas.is_some())
}

fn header_with(areas: bool) -> Vec<&'static str> {
    let mut header = cleaned_header();
    if areas {
        header.extend(super::areas::AREA_COLUMNS);
    }
    header
}

/// What an outcome's files look like before its rows are worked out: how many rows, and
/// whether they have area columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) rows: usize,
    pub(crate) areas: bool,
}

impl Shape {
    fn of(out: &CleanOutcome) -> Shape {
        Shape {
            rows: out.students.len(),
            areas: out.areas.is_some(),
        }
    }
}

/// Rows worked out by the caller of a writer: the outcome (its own rows not read) and the runs
/// of rows, each also passed on as soon as it was done.
type Worked<'a> = (Cow<'a, CleanOutcome>, Vec<&'a [StudentRow]>);

/// An outcome whose rows are all worked out already, as [`Worked`].
fn all_at_once<'a>(out: &'a CleanOutcome, pass: &mut dyn FnMut(&'a [StudentRow])) -> Worked<'a> {
    pass(&out.students);
    (Cow::Borrowed(out), vec![&out.students[..]])
}

/// One cell of an output row: text, or a number a spreadsheet should hold as a number (so
/// Excel sorts it as one and does not flag "number stored as text").
#[derive(Debug, Clone, PartialEq)]
enum Cell<'a> {
    Text(Cow<'a, str>),
    Whole(i64),
    /// A probability, shown with three decimals.
    Share(f64),
    Empty,
}

impl<'a> Cell<'a> {
    fn text(&self) -> Cow<'a, str> {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Whole(n) => Cow::Owned(n.to_string()),
            Cell::Share(p) => Cow::Owned(format!("{p:.3}")),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

fn text(s: &str) -> Cell<'_> {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(Cow::Borrowed(s))
    }
}

fn whole(n: usize) -> Cell<'static> {
    Cell::Whole(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `parts` joined by `sep`, borrowed when there is only one.
fn joined<'a>(mut parts: impl Iterator<Item = &'a str>, sep: &str) -> Cell<'a> {
    let Some(first) = parts.next() else {
        return Cell::Empty;
    };
    match parts.next() {
        None => text(first),
        Some(second) => {
            let mut all = format!("{first}{sep}{second}");
            for p in parts {
                all.push_str(sep);
                all.push_str(p);
            }
            Cell::Text(Cow::Owned(all))
        }
    }
}

/// One student's cells in [`cleaned_header_of`] order, into `cells` (cleared first).
fn cleaned_cells<'a>(s: &'a StudentRow, cells: &mut Vec<Cell<'a>>) {
    cells.clear();
    cells.extend(s.values.iter().map(|v| text(v)));
    cells.push(text(s.status.as_str()));
    cells.push(joined(s.problems.iter().map(|p| p.message.as_str()), " "));
    cells.push(joined(s.problems.iter().map(|p| p.code), ";"));
    match &s.derived {
        Some(d) => cells.extend([
            text(&d.year_group),
            Cell::Whole(d.ks4_exam_year.into()),
            Cell::Whole(d.ks5_exam_year.into()),
            text(&d.he_ready_year),
            Cell::Whole(d.tracking_data_year.into()),
        ]),
        None => cells.extend(std::iter::repeat_n(Cell::Empty, 5)),
    }
    let t = &s.tracking;
    let yes_no = |b: bool| text(if b { "yes" } else { "no" });
    cells.extend([
        yes_no(t.complete),
        yes_no(t.ks4_eligible),
        yes_no(t.ks5_eligible),
        yes_no(t.hesa_eligible),
        joined(t.reasons.iter().map(String::as_str), "; "),
    ]);
    match &s.duplicate {
        Some(d) => cells.extend([whole(d.of_row), Cell::Share(d.probability)]),
        None => cells.extend([Cell::Empty, Cell::Empty]),
    }
    cells.push(whole(s.row));
    if let Some(area) = &s.area {
        cells.extend(area.cells().into_iter().map(|c| Cell::Text(Cow::Owned(c))));
    }
}

/// The problems file's header.
pub const PROBLEMS_HEADER: [&str; 7] = [
    "row", "status", "column", "value", "severity", "code", "problem",
];

/// Every problem, one a line in [`PROBLEMS_HEADER`] order: the file's (header, skipped rows)
/// first, then the students'.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode,colour\nAnn,Lee,2011-01-02,M1 1AE,red\n", Template::Students, &s.import).unwrap();
/// let lines: Vec<[String; 7]> = output::problem_lines(&clean_students(up, &s).unwrap()).collect();
/// assert_eq!((lines[0][0].as_str(), lines[0][5].as_str()), ("1", "unknown_column"));
/// ```
pub fn problem_lines(out: &CleanOutcome) -> impl Iterator<Item = [String; 7]> + '_ {
    problem_cells(&out.file_problems, out.students.iter())
        .map(|line| line.map(|c| c.text().into_owned()))
}

/// [`problem_lines`] as cells (the row a number, the rest borrowed).
fn problem_cells<'a>(
    file_problems: &'a [(usize, super::Problem)],
    rows: impl Iterator<Item = &'a StudentRow> + 'a,
) -> impl Iterator<Item = [Cell<'a>; 7]> + 'a {
    let file = file_problems.iter().map(|(row, p)| {
        let status = if p.code == RowCode::TotalRowSkipped.code() {
            "skipped"
        } else {
            "file"
        };
        [
            whole(*row),
            text(status),
            text(column_label(&p.column)),
            text(&p.value),
            text(p.severity.as_str()),
            text(p.code),
            text(&p.message),
        ]
    });
    let students = rows.flat_map(|s| {
        s.problems.iter().map(move |p| {
            [
                whole(s.row),
                text(s.status.as_str()),
                text(column_label(&p.column)),
                text(&p.value),
                text(p.severity.as_str()),
                text(p.code),
                text(&p.message),
            ]
        })
    });
    file.chain(students)
}

fn csv_error(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

fn write_csv<'a, W: Write, R: AsRef<[Cell<'a>]>>(
    w: W,
    bom: bool,
    header: &[&str],
    rows: impl Iterator<Item = R>,
) -> std::io::Result<usize> {
    let mut w = w;
    if bom {
        w.write_all(UTF8_BOM)?;
    }
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(header).map_err(csv_error)?;
    let mut neutralised = 0;
    for r in rows {
        for cell in r.as_ref() {
            let value = cell.text();
            let safe = neutralise_formula(&value);
            neutralised += usize::from(matches!(safe, Cow::Owned(_)));
            csv.write_field(safe.as_bytes()).map_err(csv_error)?;
        }
        csv.write_record(None::<&[u8]>).map_err(csv_error)?;
    }
    csv.flush()?;
    Ok(neutralised)
}

/// Writes the cleaned file: every row (rejected ones too, with their status), in
/// [`cleaned_header`] order; returns the cells written as text that looked like formulas.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import("first,last,dob,postcode\nZoë,=1+1,2011-01-02,M1 1AE\n".as_bytes(), Template::Students, &s.import).unwrap();
/// let mut bytes = Vec::new();
/// assert_eq!(output::write_cleaned_csv(&clean_students(up, &s).unwrap(), &mut bytes, true).unwrap(), 1);
/// let text = String::from_utf8(bytes).unwrap();
/// assert!(text.starts_with("\u{feff}student_ref,first_name"));
/// assert!(text.contains(",Zoë,'=1+1,2011-01-02,M1 1AE,"));
/// ```
pub fn write_cleaned_csv<W: Write>(out: &CleanOutcome, w: W, bom: bool) -> std::io::Result<usize> {
    cleaned_csv(&View::all(out), w, bom)
}

fn cleaned_csv<W: Write>(view: &View<'_>, w: W, bom: bool) -> std::io::Result<usize> {
    write_csv(
        w,
        bom,
        &cleaned_header_of(view.out),
        view.rows().map(|s| {
            let mut cells = Vec::new();
            cleaned_cells(s, &mut cells);
            cells
        }),
    )
}

/// Writes the problems file ([`PROBLEMS_HEADER`]): one line per problem, in plain English beside
/// its code; returns the cells written as text that looked like formulas.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode\nAnn,,2011-01-02,M1 1AE\n", Template::Students, &s.import).unwrap();
/// let mut bytes = Vec::new();
/// output::write_problems_csv(&clean_students(up, &s).unwrap(), &mut bytes, false).unwrap();
/// assert_eq!(String::from_utf8(bytes).unwrap().lines().nth(1),
///            Some("2,rejected,Surname,,error,missing,Surname is blank: HEAT needs it for this student."));
/// ```
pub fn write_problems_csv<W: Write>(out: &CleanOutcome, w: W, bom: bool) -> std::io::Result<usize> {
    problems_csv(&View::all(out), w, bom)
}

fn problems_csv<W: Write>(view: &View<'_>, w: W, bom: bool) -> std::io::Result<usize> {
    let lines = problem_cells(&view.out.file_problems, view.rows());
    write_csv(w, bom, &PROBLEMS_HEADER, lines)
}

/// The summary as (label, value) lines, as the Summary sheet and the command print it. Holds
/// counts only, never a student's values.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n,,,\n", Template::Students, &s.import).unwrap();
/// let lines = output::summary_lines(&clean_students(up, &s).unwrap());
/// assert_eq!(lines[0], ("Rows read".to_string(), "1".to_string()));
/// assert!(lines.contains(&("Skipped (blank or total rows)".to_string(), "1".to_string())));
/// ```
pub fn summary_lines(out: &CleanOutcome) -> Vec<(String, String)> {
    let c = &out.counts;
    let i = &out.import;
    let t = &out.tracking;
    let mut lines = vec![("Rows read".to_string(), c.rows_in.to_string())];
    for status in RowStatus::ALL {
        lines.push((capital(status.as_str()), c.of(status).to_string()));
    }
    lines.extend([
        (
            "Skipped (blank or total rows)".into(),
            c.skipped.to_string(),
        ),
        (
            "Likely duplicates of an earlier row".into(),
            c.duplicates.to_string(),
        ),
        ("Read as".into(), i.encoding.to_string()),
        (
            "Sheet".into(),
            i.sheet.clone().unwrap_or_else(|| "(a CSV file)".into()),
        ),
        ("Header row".into(), i.header_row.to_string()),
        (
            "Columns used".into(),
            i.columns_matched
                .iter()
                .map(|(file, template)| format!("{file} -> {template}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("Columns left out".into(), i.columns_ignored.join(", ")),
        ("Complete for tracking".into(), t.complete.to_string()),
        (
            "Eligible for the KS4 track".into(),
            t.ks4_eligible.to_string(),
        ),
        (
            "Eligible for the KS5 track".into(),
            t.ks5_eligible.to_string(),
        ),
        (
            "Eligible for the next HESA track".into(),
            t.hesa_eligible.to_string(),
        ),
        (
            "Pairs compared for duplicates".into(),
            out.matching.candidate_pairs.to_string(),
        ),
        (
            "Pairs too many to compare".into(),
            out.matching.skipped_pairs.to_string(),
        ),
    ]);
    if let Some(a) = &out.areas {
        let share = |q: &super::areas::QuintileCounts| match q.share_q1_q2() {
            Some(f) => format!(
                "{} of {} with one ({:.1}%); {} without",
                q.counts[0] + q.counts[1],
                q.counts.iter().sum::<usize>(),
                f * 100.0,
                q.missing
            ),
            None => format!("none of the students has one ({} without)", q.missing),
        };
        lines.extend([
            ("Area look-ups".into(), a.index.clone()),
            ("IMD quintile 1-2 (most deprived 40%)".into(), share(&a.imd)),
            ("POLAR4 quintile 1-2".into(), share(&a.polar4)),
            (
                "Postcodes in no look-up / terminated".into(),
                format!("{} / {}", a.unknown, a.terminated),
            ),
        ]);
    }
    lines
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The files [`write_files`] writes into a folder.
///
/// ```
/// let files = heat_core::clean::output::Files { csv: true, ..Default::default() };
/// assert!(!files.xlsx && files.report.is_none() && !files.bom);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Files {
    /// `students_cleaned.csv` and `students_problems.csv`.
    pub csv: bool,
    /// `students.xlsx`.
    pub xlsx: bool,
    /// `students_report.html`, headed with this title.
    pub report: Option<String>,
    /// The CSV files start with UTF-8's byte-order mark (so Excel on Windows reads them right).
    pub bom: bool,
}

/// What [`write_files`] wrote.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let upload = validate_import(b"first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n", Template::Students, &ImportSettings::default()).unwrap();
/// let out = clean_students(upload, &CleanSettings::on("2026-12-01".parse().unwrap())).unwrap();
/// let dir = std::env::temp_dir().join("heatkit_doc_written");
/// let written = output::write_files(&out, &dir, &output::Files { csv: true, ..Default::default() }).unwrap();
/// assert_eq!((written.paths.len(), written.neutralised_csv), (2, 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Written {
    /// The files, in the order CSV, workbook, report.
    pub paths: Vec<std::path::PathBuf>,
    /// Cells written as text that looked like formulas, in the CSV files.
    pub neutralised_csv: usize,
    /// The same, in the workbook.
    pub neutralised_xlsx: usize,
}

/// Writes the clean job's files into `dir` (made if missing), on two threads: the workbook's
/// Cleaned sheet and its compression on one, its other sheets, the CSV files and the report on
/// the other. ([`super::clean_students_file_to`] starts the Cleaned sheet while the rows are
/// still being worked out.)
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode\nAnn,=1+1,2011-01-02,M1 1AE\n", Template::Students, &s.import).unwrap();
/// let dir = std::env::temp_dir().join("heatkit_doc_write_files");
/// let files = output::Files { csv: true, xlsx: true, report: Some("upload".into()), bom: true };
/// let written = output::write_files(&clean_students(up, &s).unwrap(), &dir, &files).unwrap();
/// let names: Vec<_> = written.paths.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
/// assert_eq!(names, ["students_cleaned.csv", "students_problems.csv", "students.xlsx", "students_report.html"]);
/// assert_eq!((written.neutralised_csv, written.neutralised_xlsx), (1, 1));
/// ```
pub fn write_files(
    out: &CleanOutcome,
    dir: &std::path::Path,
    files: &Files,
) -> std::io::Result<Written> {
    write_files_as_rows_come(dir, files, Shape::of(out), |pass| all_at_once(out, pass)).1
}

/// [`write_files`] for rows that `rows` works out on this thread, each run passed on as soon as
/// it is done (the workbook's Cleaned sheet is written from the runs as they come). `rows` is
/// always called, even when a file cannot be made; returns the outcome it gave back.
pub(crate) fn write_files_as_rows_come<'a>(
    dir: &std::path::Path,
    files: &Files,
    shape: Shape,
    rows: impl FnOnce(&mut dyn FnMut(&'a [StudentRow])) -> Worked<'a>,
) -> (Cow<'a, CleanOutcome>, std::io::Result<Written>) {
    let create = |name: &str| -> std::io::Result<std::io::BufWriter<std::fs::File>> {
        Ok(std::io::BufWriter::new(std::fs::File::create(
            dir.join(name),
        )?))
    };
    let book = std::fs::create_dir_all(dir)
        .and_then(|()| files.xlsx.then(|| create("students.xlsx")).transpose());
    let book = match book {
        Ok(book) => book,
        Err(e) => {
            let (out, _) = rows(&mut |_| {});
            return (out, Err(e));
        }
    };
    let csv_and_report = |view: &View<'_>| -> std::io::Result<(usize, Vec<std::path::PathBuf>)> {
        let mut neutralised = 0;
        let mut paths = Vec::new();
        if files.csv {
            neutralised = cleaned_csv(view, create("students_cleaned.csv")?, files.bom)?
                + problems_csv(view, create("students_problems.csv")?, files.bom)?;
            paths.extend(
                ["students_cleaned.csv", "students_problems.csv"].map(|name| dir.join(name)),
            );
        }
        if let Some(title) = &files.report {
            let path = dir.join("students_report.html");
            std::fs::write(&path, super::report::html_report_of(view, title))?;
            paths.push(path);
        }
        Ok((neutralised, paths))
    };
    let (out, saved, rest) = write_book(book, shape, rows, csv_and_report);
    let written = (|| {
        let xlsx = saved
            .map(|n| n.map_err(std::io::Error::other))
            .transpose()?;
        let (neutralised, paths) = rest?;
        let mut written = Written {
            neutralised_csv: neutralised,
            ..Default::default()
        };
        let mut paths = paths.into_iter();
        if files.csv {
            written.paths.extend(paths.by_ref().take(2));
        }
        if let Some(n) = xlsx {
            written.paths.push(dir.join("students.xlsx"));
            written.neutralised_xlsx = n;
        }
        written.paths.extend(paths);
        Ok(written)
    })();
    (out, written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{clean_students, CleanSettings};
    use crate::import::{validate_import, Template};
    use calamine::{Data, Reader, Xlsx};

    fn outcome(csv: &str) -> CleanOutcome {
        let s = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default());
        let up = validate_import(csv.as_bytes(), Template::Students, &s.import).unwrap();
        clean_students(up, &s).unwrap()
    }

    #[test]
    fn the_workbook_holds_years_rows_and_probabilities_as_numbers_and_the_rest_as_text() {
        let out = outcome(
            "student_ref,first,last,dob,postcode\n\
             007,Ann,Lee,2011-01-02,M1 1AE\n\
             008,Ann,Lee,2011-01-02,M1 1AE\n\
             009,=1+1,Reid,,M1 1AE\n",
        );
        let mut bytes = std::io::Cursor::new(Vec::new());
        assert_eq!(write_xlsx(&out, &mut bytes).unwrap(), 1);
        let mut book = Xlsx::new(std::io::Cursor::new(bytes.into_inner())).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Cleaned", "Problems", "Duplicates", "Summary"]
        );
        let cleaned = book.worksheet_range("Cleaned").unwrap();
        let header: Vec<String> = cleaned
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(header, cleaned_header());
        let at = |row: usize, name: &str| {
            let c = header.iter().position(|h| h == name).unwrap();
            cleaned.get((row, c)).cloned().unwrap_or(Data::Empty)
        };
        // An id keeps its leading zeros: text, not a number.
        assert_eq!(at(1, "student_ref"), Data::String("007".into()));
        assert_eq!(at(1, "ks4_exam_year"), Data::Float(2027.0));
        assert_eq!(at(1, "row"), Data::Float(2.0));
        assert_eq!(at(2, "duplicate_of_row"), Data::Float(2.0));
        match at(2, "duplicate_probability") {
            Data::Float(p) => assert!(p > 0.9 && p <= 1.0 && (p * 1000.0).fract() == 0.0),
            other => panic!("probability written as {other:?}"),
        }
        // The formula-like name is text, a blank date of birth leaves its years empty.
        assert_eq!(at(3, "first_name"), Data::String("=1+1".into()));
        assert_eq!(at(3, "ks4_exam_year"), Data::Empty);
        let problems = book.worksheet_range("Problems").unwrap();
        assert!(problems
            .rows()
            .skip(1)
            .all(|r| matches!(r[0], Data::Float(_))));
        let duplicates = book.worksheet_range("Duplicates").unwrap();
        assert_eq!(duplicates.get((1, 0)), Some(&Data::Float(3.0)));
        assert_eq!(duplicates.get((1, 1)), Some(&Data::Float(2.0)));
    }

    #[test]
    fn the_csv_writes_years_rows_and_probabilities_as_plain_numbers() {
        let out = outcome(
            "first,last,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\nAnn,Lee,2011-01-02,M1 1AE\n",
        );
        let mut bytes = Vec::new();
        write_cleaned_csv(&out, &mut bytes, false).unwrap();
        let mut rows = csv::Reader::from_reader(bytes.as_slice());
        let second = rows.records().nth(1).unwrap().unwrap();
        let header = cleaned_header();
        let at = |name: &str| &second[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(
            (at("ks4_exam_year"), at("row"), at("duplicate_of_row")),
            ("2027", "3", "2")
        );
        assert_eq!(at("duplicate_probability").len(), 5); // 0.999: three decimals
    }
}
