//! The clean job's workbook: the Cleaned sheet with each row coloured by its status and each
//! problem cell marked, then Problems, Duplicates and Summary; cells cut to what a cell holds.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use super::{
    all_at_once, cleaned_cells, header_with, joined, problem_cells, summary_lines, text, whole,
    Cell, Shape, Worked, PROBLEMS_HEADER,
};
use crate::activity::Severity;
use crate::cells::is_formula;
use crate::clean::view::View;
use crate::clean::{column_label, CleanOutcome, RowStatus, StudentRow};
use crate::import::RowCode;

/// Writes one cell: text stays text (a value that looks like a formula too; counted), numbers
/// are numbers; an empty cell is written only when it carries a colour.
fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell<'_>,
    f: Option<&Format>,
) -> Result<usize, XlsxError> {
    let number = match cell {
        Cell::Text(t) => {
            let formula = usize::from(is_formula(&t));
            let t = fit_cell(t);
            match f {
                Some(f) => ws.write_string_with_format(row, col, t, f)?,
                None => ws.write_string(row, col, t)?,
            };
            return Ok(formula);
        }
        Cell::Empty => {
            if let Some(f) = f {
                ws.write_blank(row, col, f)?;
            }
            return Ok(0);
        }
        Cell::Whole(n) => n as f64,
        Cell::Share(p) => (p * 1000.0).round() / 1000.0,
    };
    match f {
        Some(f) => ws.write_number_with_format(row, col, number, f)?,
        None => ws.write_number(row, col, number)?,
    };
    Ok(0)
}

/// A text as a workbook cell holds it: a value over Excel's 32,767 characters is cut, and says
/// so at its end (the CSV files keep it whole).
fn fit_cell(t: Cow<'_, str>) -> Cow<'_, str> {
    use crate::import::MAX_CELL_CHARS;
    if t.len() <= MAX_CELL_CHARS {
        return t;
    }
    let chars = t.chars().count();
    if chars <= MAX_CELL_CHARS {
        return t;
    }
    let note = format!(
        " … [cut: {chars} characters in all, more than a cell holds; the CSV file has them all]"
    );
    let keep = MAX_CELL_CHARS - note.chars().count();
    let at = t.char_indices().nth(keep).map_or(t.len(), |(at, _)| at);
    Cow::Owned(format!("{}{note}", &t[..at]))
}

fn sheet_rows<'a, R: IntoIterator<Item = Cell<'a>>>(
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
        for (c, v) in cells.into_iter().enumerate() {
            n += put(ws, r as u32 + 1, c as u16, v, None)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(n)
}

/// Cell colours on the Cleaned sheet: corrected, to check, stops the row.
struct Marks {
    fixed: Format,
    check: Format,
    stop: Format,
}

/// The Cleaned sheet: every row, each cell coloured by the worst problem in its column, the
/// status cell by the row's status.
fn cleaned_sheet<'a>(
    ws: &mut Worksheet,
    header: &[&str],
    runs: impl Iterator<Item = &'a [StudentRow]>,
    bold: &Format,
    marks: &Marks,
) -> Result<usize, XlsxError> {
    ws.set_name("Cleaned")?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)?;
    }
    let columns = crate::import::Template::Students.column_names();
    let status_col = columns.len();
    let mut neutralised = 0;
    let mut cells = Vec::new();
    // Per template column: 0 corrected, 1 to check, 2 stops the row.
    let mut worst: Vec<Option<u8>> = vec![None; columns.len()];
    for (r, s) in runs.flat_map(|run| run.iter()).enumerate() {
        let row = r as u32 + 1;
        worst.fill(None);
        for p in &s.problems {
            if let Some(c) = columns.iter().position(|name| *name == p.column) {
                let mark = match (p.severity, RowCode::from_code(p.code)) {
                    (Severity::Error, _) => 2,
                    (_, Some(RowCode::Fixed)) => 0,
                    _ => 1,
                };
                worst[c] = worst[c].max(Some(mark));
            }
        }
        cleaned_cells(s, &mut cells);
        for (c, v) in cells.drain(..).enumerate() {
            let marked = worst.get(c).copied().flatten();
            let format = match (marked, c == status_col, s.status) {
                (Some(2), ..) | (_, true, RowStatus::Rejected) => Some(&marks.stop),
                (Some(1), ..) | (_, true, RowStatus::NeedsAttention) => Some(&marks.check),
                (Some(0), ..) | (_, true, RowStatus::Fixed) => Some(&marks.fixed),
                _ => None,
            };
            neutralised += put(ws, row, c as u16, v, format)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(neutralised)
}

/// The Duplicates sheet: each likely duplicate beside the earlier row, its probability and the
/// fields that agreed.
fn duplicates_sheet(
    ws: &mut Worksheet,
    view: &View<'_>,
    bold: &Format,
) -> Result<usize, XlsxError> {
    ws.set_name("Duplicates")?;
    let header = [
        "row",
        "same student as row",
        "probability",
        "fields that agree",
        "first_name",
        "last_name",
        "date_of_birth",
        "postcode",
    ];
    let dups = view.rows().filter_map(|s| {
        let d = s.duplicate.as_ref()?;
        let first = view.find(d.of_row)?;
        let both = |c: &str| Cell::Text(Cow::Owned(format!("{} | {}", s.value(c), first.value(c))));
        Some([
            whole(s.row),
            whole(d.of_row),
            Cell::Share(d.probability),
            joined(d.agreed.iter().map(|c| column_label(c)), ", "),
            both("first_name"),
            both("last_name"),
            both("date_of_birth"),
            both("postcode"),
        ])
    });
    sheet_rows(ws, &header, dups, bold)
}

/// Writes the workbook: **Cleaned** (every row, as [`write_cleaned_csv`](super::write_cleaned_csv), with cells that were
/// corrected in green, cells to check in amber and cells that stop the row in red; years, row
/// numbers and probabilities as numbers), **Problems** (one line per problem), **Duplicates**
/// (each likely duplicate, its probability and the fields that agreed) and **Summary**. The
/// Cleaned sheet is written on one thread while the others are written on another. Returns the
/// cells written as text that looked like formulas.
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
    let (_, saved, ()) = write_book(
        Some(w),
        Shape::of(out),
        |pass| all_at_once(out, pass),
        |_| (),
    );
    saved.unwrap_or(Ok(0))
}

/// [`write_book`] when there is no workbook to write.
fn without_book<'a, T>(
    rows: impl FnOnce(&mut dyn FnMut(&'a [StudentRow])) -> Worked<'a>,
    beside: impl FnOnce(&View<'_>) -> T,
) -> (Cow<'a, CleanOutcome>, T) {
    let (out, runs) = rows(&mut |_| {});
    let t = beside(&View { out: &out, runs });
    (out, t)
}

/// The workbook (into `w`, when given) for rows that `rows` works out on this thread, each run
/// passed on as soon as it is done: the Cleaned sheet is written from the runs as they come, on
/// a thread of its own, which then compresses the workbook (the longest part); once every row
/// is done, this thread writes the Problems and Duplicates sheets and then runs `beside`.
pub(super) fn write_book<'a, W: Write + std::io::Seek + Send, T>(
    w: Option<W>,
    shape: Shape,
    rows: impl FnOnce(&mut dyn FnMut(&'a [StudentRow])) -> Worked<'a>,
    beside: impl FnOnce(&View<'_>) -> T,
) -> (Cow<'a, CleanOutcome>, Option<Result<usize, XlsxError>>, T) {
    let Some(w) = w else {
        let (out, t) = without_book(rows, beside);
        return (out, None, t);
    };
    let mut book = Workbook::new();
    if shape.rows > FAST_ZIP_ROWS {
        book.set_zip_compression_level(1);
    }
    let sheets = (|| -> Result<_, XlsxError> {
        Ok([
            book.new_worksheet_with_constant_memory()?,
            book.new_worksheet_with_constant_memory()?,
            book.new_worksheet_with_constant_memory()?,
        ])
    })();
    let [mut cleaned, mut problems, mut duplicates] = match sheets {
        Ok(sheets) => sheets,
        Err(e) => {
            let (out, t) = without_book(rows, beside);
            return (out, Some(Err(e)), t);
        }
    };
    let bold = Format::new().set_bold();
    let fill = |rgb: u32| Format::new().set_background_color(Color::RGB(rgb));
    let marks = Marks {
        fixed: fill(0xC6EFCE),
        check: fill(0xFFEB9C),
        stop: fill(0xFFC7CE),
    };
    let header = header_with(shape.areas);
    std::thread::scope(|scope| {
        let (run_to, runs_in) = std::sync::mpsc::channel::<&'a [StudentRow]>();
        let (others_to, others_in) = std::sync::mpsc::channel();
        let (bold, marks) = (&bold, &marks);
        let writer = scope.spawn(move || -> Result<usize, XlsxError> {
            let mut neutralised =
                cleaned_sheet(&mut cleaned, &header, runs_in.iter(), bold, marks)?;
            let (problems, duplicates, n, mut lines): (_, _, usize, Vec<(String, String)>) =
                others_in.recv().map_err(|_| {
                    XlsxError::ParameterError("the Problems sheet was not written".into())
                })??;
            neutralised += n;
            book.push_worksheet(cleaned);
            book.push_worksheet(problems);
            book.push_worksheet(duplicates);
            let ws = book.add_worksheet();
            ws.set_name("Summary")?;
            lines.push((
                "Cells that looked like formulas, written as text".into(),
                neutralised.to_string(),
            ));
            neutralised += sheet_rows(
                ws,
                &["", ""],
                lines.iter().map(|(a, b)| [text(a), text(b)]),
                bold,
            )?;
            ws.set_column_width(0, 48)?;
            book.save_to_writer(w)?;
            Ok(neutralised)
        });
        let (out, runs) = rows(&mut |run| {
            // The writer waits for every run; if it has stopped, its own error is reported.
            let _ = run_to.send(run);
        });
        drop(run_to);
        let view = View { out: &out, runs };
        let others = (|| -> Result<_, XlsxError> {
            problems.set_name("Problems")?;
            let lines = problem_cells(&view.out.file_problems, view.rows());
            let n = sheet_rows(&mut problems, &PROBLEMS_HEADER, lines, bold)?
                + duplicates_sheet(&mut duplicates, &view, bold)?;
            Ok((problems, duplicates, n, summary_lines(view.out)))
        })();
        // The writer waits for this; if it has gone, its own error is reported.
        let _ = others_to.send(others);
        let t = beside(&view);
        drop(view);
        let saved = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (out, Some(saved), t)
    })
}

/// Above this many rows a workbook is compressed at zip level 1 rather than 6: at a million
/// rows that writes it in about a third of the time, for a file about 1.6 times the size.
pub const FAST_ZIP_ROWS: usize = 200_000;
