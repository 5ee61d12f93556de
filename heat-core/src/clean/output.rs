//! What the clean job writes: CSV (UTF-8 with a BOM by default, so Excel on Windows shows `Zoë`
//! as typed) and an `.xlsx` workbook with sheets Cleaned, Problems, Duplicates and Summary.
//! Every cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first, and
//! not a number) is written as text: in CSV with a leading apostrophe
//! ([`crate::cells::neutralise_formula`], OWASP's CSV-injection advice), in `.xlsx` as a text
//! cell, never a formula. Each writer returns how many such cells it wrote.

use std::io::Write;

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use super::{column_label, CleanOutcome, RowStatus, StudentRow};
use crate::activity::Severity;
use crate::cells::{is_formula, neutralise_record};

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
    let mut header = cleaned_header();
    if out.areas.is_some() {
        header.extend(super::areas::AREA_COLUMNS);
    }
    header
}

/// One student's cells in [`cleaned_header_of`] order.
fn cleaned_cells(s: &StudentRow) -> Vec<String> {
    let mut out = s.values.clone();
    out.push(s.status.as_str().to_string());
    out.push(
        s.problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    out.push(
        s.problems
            .iter()
            .map(|p| p.code)
            .collect::<Vec<_>>()
            .join(";"),
    );
    match &s.derived {
        Some(d) => out.extend([
            d.year_group.clone(),
            d.ks4_exam_year.to_string(),
            d.ks5_exam_year.to_string(),
            d.he_ready_year.clone(),
            d.tracking_data_year.to_string(),
        ]),
        None => out.extend(std::iter::repeat_n(String::new(), 5)),
    }
    let t = &s.tracking;
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    out.extend([
        yes_no(t.complete),
        yes_no(t.ks4_eligible),
        yes_no(t.ks5_eligible),
        yes_no(t.hesa_eligible),
        t.reasons.join("; "),
    ]);
    match &s.duplicate {
        Some(d) => out.extend([d.of_row.to_string(), format!("{:.3}", d.probability)]),
        None => out.extend([String::new(), String::new()]),
    }
    out.push(s.row.to_string());
    if let Some(area) = &s.area {
        out.extend(area.cells());
    }
    out
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
    let file = out.file_problems.iter().map(|(row, p)| {
        [
            row.to_string(),
            if p.code == "total_row_skipped" {
                "skipped"
            } else {
                "file"
            }
            .to_string(),
            column_label(&p.column).to_string(),
            p.value.clone(),
            p.severity.as_str().to_string(),
            p.code.to_string(),
            p.message.clone(),
        ]
    });
    let students = out.students.iter().flat_map(|s| {
        s.problems.iter().map(move |p| {
            [
                s.row.to_string(),
                s.status.as_str().to_string(),
                column_label(&p.column).to_string(),
                p.value.clone(),
                p.severity.as_str().to_string(),
                p.code.to_string(),
                p.message.clone(),
            ]
        })
    });
    file.chain(students)
}

fn csv_error(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

fn write_csv<W: Write, R: AsRef<[String]>>(
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
        let (cells, n) = neutralise_record(r.as_ref().iter().map(String::as_str));
        neutralised += n;
        csv.write_record(cells.iter().map(|c| c.as_ref()))
            .map_err(csv_error)?;
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
    write_csv(
        w,
        bom,
        &cleaned_header_of(out),
        out.students.iter().map(cleaned_cells),
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
    write_csv(w, bom, &PROBLEMS_HEADER, problem_lines(out))
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

/// Text cells only (a value that looks like a formula stays text); counts those.
fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    f: Option<&Format>,
) -> Result<usize, XlsxError> {
    match f {
        Some(f) => ws.write_string_with_format(row, col, value, f)?,
        None => ws.write_string(row, col, value)?,
    };
    Ok(usize::from(is_formula(value)))
}

fn sheet_rows<R: AsRef<[String]>>(
    ws: &mut Worksheet,
    header: &[&str],
    rows: impl Iterator<Item = R>,
    bold: &Format,
) -> Result<usize, XlsxError> {
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)?;
    }
    let mut n = 0;
    for (r, cells) in rows.enumerate() {
        for (c, v) in cells.as_ref().iter().enumerate() {
            n += put(ws, r as u32 + 1, c as u16, v, None)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(n)
}

/// Writes the workbook: **Cleaned** (every row, as [`write_cleaned_csv`], with cells that were
/// corrected in green, cells to check in amber and cells that stop the row in red), **Problems**
/// (one line per problem), **Duplicates** (each likely duplicate, its probability and the fields
/// that agreed) and **Summary**. Returns the cells written as text that looked like formulas.
///
/// ```
/// use heat_core::clean::{clean_students, output, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode\nAnn,@SUM(1),2011-01-02,M1 1AE\n", Template::Students, &s.import).unwrap();
/// let mut bytes = std::io::Cursor::new(Vec::new());
/// assert_eq!(output::write_xlsx(&clean_students(up, &s).unwrap(), &mut bytes).unwrap(), 1);
/// assert!(bytes.into_inner().starts_with(b"PK"));
/// ```
pub fn write_xlsx<W: Write + std::io::Seek + Send>(
    out: &CleanOutcome,
    w: W,
) -> Result<usize, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let fill = |rgb: u32| Format::new().set_background_color(Color::RGB(rgb));
    let (fixed, check, stop) = (fill(0xC6EFCE), fill(0xFFEB9C), fill(0xFFC7CE));
    let mut neutralised = 0;

    let header = cleaned_header_of(out);
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name("Cleaned")?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let columns = crate::import::Template::Students.column_names();
    let status_col = columns.len();
    for (r, s) in out.students.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, v) in cleaned_cells(s).iter().enumerate() {
            let marked = columns.get(c).and_then(|name| {
                s.problems
                    .iter()
                    .filter(|p| p.column == *name)
                    .map(|p| match (p.severity, p.code) {
                        (Severity::Error, _) => 2,
                        (_, "fixed") => 0,
                        _ => 1,
                    })
                    .max()
            });
            let format = match (marked, c == status_col, s.status) {
                (Some(2), ..) | (_, true, RowStatus::Rejected) => Some(&stop),
                (Some(1), ..) | (_, true, RowStatus::NeedsAttention) => Some(&check),
                (Some(0), ..) | (_, true, RowStatus::Fixed) => Some(&fixed),
                _ => None,
            };
            neutralised += put(ws, row, c as u16, v, format)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;

    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name("Problems")?;
    neutralised += sheet_rows(ws, &PROBLEMS_HEADER, problem_lines(out), &bold)?;

    let ws = book.add_worksheet();
    ws.set_name("Duplicates")?;
    let dup_header = [
        "row",
        "same student as row",
        "probability",
        "fields that agree",
        "first_name",
        "last_name",
        "date_of_birth",
        "postcode",
    ];
    let by_row: std::collections::HashMap<usize, &StudentRow> =
        out.students.iter().map(|s| (s.row, s)).collect();
    let dups = out.students.iter().filter_map(|s| {
        let d = s.duplicate.as_ref()?;
        let first = by_row.get(&d.of_row)?;
        let both = |c: &str| format!("{} | {}", s.value(c), first.value(c));
        Some(vec![
            s.row.to_string(),
            d.of_row.to_string(),
            format!("{:.3}", d.probability),
            d.agreed
                .iter()
                .map(|c| column_label(c))
                .collect::<Vec<_>>()
                .join(", "),
            both("first_name"),
            both("last_name"),
            both("date_of_birth"),
            both("postcode"),
        ])
    });
    neutralised += sheet_rows(ws, &dup_header, dups, &bold)?;

    let ws = book.add_worksheet();
    ws.set_name("Summary")?;
    let mut lines = summary_lines(out);
    lines.push((
        "Cells that looked like formulas, written as text".into(),
        neutralised.to_string(),
    ));
    let lines: Vec<[String; 2]> = lines.into_iter().map(|(a, b)| [a, b]).collect();
    neutralised += sheet_rows(ws, &["", ""], lines.iter(), &bold)?;
    ws.set_column_width(0, 48)?;
    book.save_to_writer(w)?;
    Ok(neutralised)
}
