//! One record of an upload checked against its template: read into the template's columns,
//! each cell's reader run, and every problem kept as an issue naming the row and column.

use super::headers::HeaderMap;
use super::{
    activities, limits, schools, students, CleanRow, ImportIssue, ImportSettings, Layout, RowCode,
    Template, MAX_CELL_CHARS,
};
use crate::activity::Severity;

/// Collects one row's issues.
pub(crate) struct RowCheck<'a> {
    row: usize,
    issues: &'a mut Vec<ImportIssue>,
}

impl RowCheck<'_> {
    pub(crate) fn push(
        &mut self,
        column: &str,
        code: &'static str,
        severity: Severity,
        why: String,
    ) {
        self.issues.push(ImportIssue {
            row: self.row,
            column: column.to_string(),
            code,
            severity,
            rule_id: None,
            message: format!("row {}, {column}: {why}", self.row),
            reason: why,
            detail: None,
            candidates: Vec::new(),
            value: String::new(),
        });
    }
    pub(crate) fn error(&mut self, column: &str, code: &'static str, why: String) {
        self.push(column, code, Severity::Error, why);
    }
    pub(crate) fn warn(&mut self, column: &str, code: &'static str, why: String) {
        self.push(column, code, Severity::Warning, why);
    }
    pub(crate) fn last_rule(&mut self, rule_id: &'static str) {
        if let Some(last) = self.issues.last_mut() {
            last.rule_id = Some(rule_id);
        }
    }
    pub(crate) fn last_candidates(&mut self, candidates: Vec<String>) {
        if let Some(last) = self.issues.last_mut() {
            last.candidates = candidates;
        }
    }
    pub(crate) fn last_detail(&mut self, detail: &'static str) {
        if let Some(last) = self.issues.last_mut() {
            last.detail = Some(detail);
        }
    }
}

/// What one record of a file became.
pub(super) enum Checked {
    /// A blank line, a row of empty cells or a total line: not a row of data.
    Skipped,
    /// A row of data, checked (its issues beside it), and the positions of its filled cells
    /// that have no header.
    Row(CleanRow, Vec<usize>),
}

/// A cell longer than a spreadsheet cell holds is an error: two columns run together, or a
/// quote left open.
fn check_cell_lengths(
    values: &[String],
    template: Template,
    settings: &ImportSettings,
    check: &mut RowCheck<'_>,
) {
    for (value, column) in values.iter().zip(template.column_names()) {
        if value.len() > MAX_CELL_CHARS {
            let n = value.chars().count();
            if n > MAX_CELL_CHARS {
                let over = if n >= settings.limits.kept_chars() {
                    "over "
                } else {
                    ""
                };
                check.error(
                    column,
                    RowCode::TooLong.code(),
                    format!("is {over}{n} characters long, more than a spreadsheet cell holds ({MAX_CELL_CHARS}); two columns run together, or a quote left open?"),
                );
            }
        }
    }
}

/// A NUL or other control character that no field reader refused already: binary data pasted
/// into a cell, never a value.
fn check_control_characters<'a>(
    template: Template,
    typed: &dyn Fn(usize) -> &'a str,
    check: &mut RowCheck<'_>,
) {
    for (i, column) in template.column_names().iter().enumerate() {
        let value = typed(i);
        if let Some(c) = crate::cells::control_character(value) {
            if !check.issues.iter().any(|e| e.column == *column) {
                check.error(
                    column,
                    RowCode::ControlCharacter.code(),
                    format!(
                        "holds a control character (U+{:04X}) that no value has; was it pasted from another program?",
                        u32::from(c)
                    ),
                );
            }
        }
    }
}

/// Checks one record against the template: what it became and its issues, in order.
pub(super) fn check_record(
    row: usize,
    cells: Result<Vec<String>, String>,
    map: &HeaderMap,
    headers: &[String],
    layout: Layout,
    template: Template,
    settings: &ImportSettings,
) -> (Checked, Vec<ImportIssue>) {
    let mut issues = Vec::new();
    let mut check = RowCheck {
        row,
        issues: &mut issues,
    };
    let n_cols = headers.len();
    let mut cells = match cells {
        Ok(c) => c,
        Err(why) => {
            // Still a row: it comes out refused, with why, so rows in = rows out.
            check.error("-", RowCode::UnreadableRow.code(), why);
            let blank = vec![String::new(); template.column_names().len()];
            return (
                Checked::Row(CleanRow::new(row, template, blank), Vec::new()),
                issues,
            );
        }
    };

    if cells.iter().all(|v| v.trim().is_empty()) {
        // A blank line, or a row of empty cells (Excel's `,,,,`): not a row of data. Checked
        // before padding, so a sheet's million blank rows cost no cells.
        return (Checked::Skipped, issues);
    }
    if layout == Layout::Cells && cells.len() < n_cols {
        cells.resize(n_cols, String::new());
    }
    if let Some(label) = total_row_label(&cells) {
        // Excel's total or footer line under the data ("Total", "Grand total: 500"): counted as
        // skipped, with a warning saying why, never as a student with errors.
        let reason = format!("looks like a total or footer line ({label:?}), not data: skipped");
        issues.push(ImportIssue {
            row,
            column: "-".into(),
            code: RowCode::TotalRowSkipped.code(),
            severity: Severity::Warning,
            rule_id: None,
            message: reason.clone(),
            reason,
            detail: None,
            candidates: Vec::new(),
            value: label.to_string(),
        });
        return (Checked::Skipped, issues);
    }
    // Filled cells under a blank header, or (in a worksheet) past the last header.
    let without_header: Vec<usize> = cells
        .iter()
        .enumerate()
        .filter(|(i, v)| {
            headers
                .get(*i)
                .map_or(layout == Layout::Cells, |h| h.trim().is_empty())
                && !v.trim().is_empty()
        })
        .map(|(i, _)| i)
        .collect();
    if layout == Layout::Fields && cells.len() != n_cols {
        check.error(
            "-",
            RowCode::WrongFieldCount.code(),
            format!(
                "has {} fields, the header has {n_cols} (a truncated or shifted line?)",
                cells.len()
            ),
        );
    }
    let typed = |i: usize| {
        map.position
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| cells.get(p))
            .map_or("", |v| v.trim())
    };
    let values: Vec<String> = (0..map.position.len())
        .map(|i| typed(i).to_string())
        .collect();
    check_cell_lengths(&values, template, settings, &mut check);
    let mut clean = CleanRow::new(row, template, values);
    match template {
        Template::Students => students::clean(&mut clean, &mut check, settings),
        Template::Activities => activities::clean(&mut clean, &mut check, settings),
        Template::Schools => schools::clean(&mut clean, &mut check),
    }
    check_control_characters(template, &typed, &mut check);
    // Each of the row's issues keeps the file's text of its cell.
    for issue in &mut issues {
        if let Some(i) = template
            .column_names()
            .iter()
            .position(|c| *c == issue.column)
        {
            issue.value = limits::preview(typed(i));
        }
    }
    (Checked::Row(clean, without_header), issues)
}
/// Words a spreadsheet's total or footer line starts with (case folded). A line is a total line
/// when its first filled cell starts with one of them (followed by nothing, a space, `:` or a
/// digit) and at most half of its cells are filled; INFERRED from common export layouts.
pub const TOTAL_ROW_LABELS: [&str; 6] = [
    "total",
    "totals",
    "grand total",
    "sum",
    "count",
    "end of report",
];

/// The label of a total or footer line ([`TOTAL_ROW_LABELS`]), if `cells` is one.
///
/// ```
/// use heat_core::import::total_row_label;
/// assert_eq!(total_row_label(&["Total", "", "", "500"]), Some("Total"));
/// assert_eq!(total_row_label(&["", "Grand total: 500", "", ""]), Some("Grand total: 500"));
/// assert_eq!(total_row_label(&["Tot", "Lee", "2010-01-01", "LS1 4AP"]), None);
/// assert_eq!(total_row_label(&["Totally", "", "", ""]), None);
/// ```
pub fn total_row_label<S: AsRef<str>>(cells: &[S]) -> Option<&str> {
    let filled = cells
        .iter()
        .filter(|c| !c.as_ref().trim().is_empty())
        .count();
    if filled == 0 || filled * 2 > cells.len() {
        return None;
    }
    let first = cells
        .iter()
        .map(|c| c.as_ref().trim())
        .find(|c| !c.is_empty())?;
    let folded = first.to_lowercase();
    TOTAL_ROW_LABELS
        .iter()
        .any(|label| {
            folded.strip_prefix(label).is_some_and(|rest| {
                rest.chars()
                    .next()
                    .is_none_or(|c| c == ' ' || c == ':' || c.is_ascii_digit())
            })
        })
        .then_some(first)
}
