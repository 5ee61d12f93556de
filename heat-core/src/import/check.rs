//! Checking a table's records against a template: every record on every core in batches, in
//! file order, into cleaned rows, refused rows and issues whose counts reconcile; likely duplicate
//! students flagged as warnings.

use std::collections::HashSet;

use super::headers::HeaderMap;
use super::record::{check_record, Checked};
use super::{
    column_letter, CleanRow, ImportFileError, ImportIssue, ImportOutcome, ImportSettings,
    ImportSummary, Record, RowCode, Template,
};
use crate::activity::Severity;
use crate::fields;
use crate::matching::{MatchSettings, Matcher, StudentRef};

/// How a table's records line up with its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One field per header in every record (CSV): a record with more or fewer is an error.
    Fields,
    /// Records end at their last filled cell and may reach past the header (a worksheet): a
    /// short one is read as blank up to the header's width.
    Cells,
}

/// [`validate_table`] with the header in spreadsheet row `header_row` (below title rows).
pub(crate) fn validate_table_at(
    headers: &[String],
    header_row: usize,
    records: impl Iterator<Item = Record> + Send,
    template: Template,
    settings: &ImportSettings,
    source: &'static str,
    layout: Layout,
) -> Result<ImportOutcome, ImportFileError> {
    let columns = template.columns();
    let map = HeaderMap::build(headers, columns);
    let missing = map.missing(columns);
    if !missing.is_empty() {
        return Err(ImportFileError::MissingColumns {
            template: template.name(),
            missing,
        });
    }
    let mut issues = Vec::new();
    for (h, near) in map.ignored_with_suggestions(columns) {
        let reason = match near {
            Some(n) => format!(
                "column {h:?} is not in the {} template and was ignored; did you mean {n}?",
                template.name()
            ),
            None => format!(
                "column {h:?} is not in the {} template and was ignored",
                template.name()
            ),
        };
        issues.push(ImportIssue::header(
            header_row,
            h,
            RowCode::UnknownColumn,
            reason,
            String::new(),
        ));
    }
    let mut rows_in = 0usize;
    let mut rows_skipped = 0usize;
    let mut cleaned: Vec<CleanRow> = Vec::new();
    // Columns with no header that hold values: (rows, first row), by position.
    let mut unnamed: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
    // Rows are read in batches and each batch is checked on every core while the next one is
    // read; a row's checks depend on that row alone, and results are kept in file order.
    let mut records = records;
    let mut batch: Vec<Record> = records.by_ref().take(CHECK_BATCH).collect();
    while !batch.is_empty() {
        let (checked, next): (Vec<(Checked, Vec<ImportIssue>)>, Vec<Record>) = rayon::join(
            || {
                use rayon::prelude::*;
                batch
                    .par_drain(..)
                    .map(|(row, cells)| {
                        check_record(row, cells, &map, headers, layout, template, settings)
                    })
                    .collect()
            },
            || records.by_ref().take(CHECK_BATCH).collect(),
        );
        batch = next;
        for (outcome, found) in checked {
            issues.extend(found);
            match outcome {
                Checked::Skipped => rows_skipped += 1,
                Checked::Row(row, without_header) => {
                    rows_in += 1;
                    for c in without_header {
                        unnamed.entry(c).or_insert((0, row.row)).0 += 1;
                    }
                    cleaned.push(row);
                }
            }
        }
    }
    for (c, (rows, first)) in unnamed {
        let letter = column_letter(c);
        issues.push(ImportIssue::unnamed_column(
            header_row,
            format!(
                "column {letter} has no header, so its values in {rows} row{} (the first on row {first}) were left out; give it a header if they matter",
                if rows == 1 { "" } else { "s" }
            ),
            letter,
        ));
    }
    if template == Template::Students && settings.check_duplicates {
        flag_duplicates(&cleaned, &mut issues);
    }
    let error_rows: HashSet<usize> = issues
        .iter()
        .filter(|e| e.severity == Severity::Error && e.row > header_row)
        .map(|e| e.row)
        .collect();
    let (rejected, rows): (Vec<CleanRow>, Vec<CleanRow>) = cleaned
        .into_iter()
        .partition(|r| error_rows.contains(&r.row));
    issues.sort_by_key(|e| e.row);
    let summary = ImportSummary {
        template: template.name(),
        encoding: source,
        sheet: None,
        header_row,
        rows_in,
        rows_ok: rows.len(),
        rows_with_errors: error_rows.len(),
        rows_skipped,
        warnings: issues
            .iter()
            .filter(|e| e.severity == Severity::Warning)
            .count(),
        errors: issues
            .iter()
            .filter(|e| e.severity == Severity::Error)
            .count(),
        columns_matched: map.matched,
        columns_ignored: map.ignored,
    };
    Ok(ImportOutcome {
        columns: template.column_names(),
        rows,
        rejected,
        issues,
        summary,
    })
}

/// Records checked together on every core by [`validate_table_at`].
const CHECK_BATCH: usize = 8192;

/// Warnings for rows that are likely the same student as an earlier row (duplicate matcher).
fn flag_duplicates(rows: &[CleanRow], issues: &mut Vec<ImportIssue>) {
    fn text<'a>(r: &'a CleanRow, c: &str) -> Option<&'a str> {
        fields::text(r.get(c))
    }
    let students: Vec<StudentRef<'_>> = rows
        .iter()
        .map(|r| StudentRef {
            first_name: text(r, "first_name"),
            last_name: text(r, "last_name"),
            dob: fields::date(r.get("date_of_birth")).ok().flatten(),
            postcode: text(r, "postcode"),
            gender: text(r, "gender"),
            school: text(r, "school_id"),
        })
        .collect();
    let Ok(run) = Matcher::new(MatchSettings::default()).dedupe(&students) else {
        return;
    };
    let mut seen = HashSet::new();
    for p in run.matches() {
        let (a, b) = (rows[p.left as usize].row, rows[p.right as usize].row);
        if seen.insert(b) {
            let reason = format!(
                "likely the same student as row {a} (match probability {:.3})",
                p.probability
            );
            issues.push(ImportIssue {
                row: b,
                column: "student".into(),
                code: RowCode::LikelyDuplicate.code(),
                severity: Severity::Warning,
                rule_id: None,
                message: format!("row {b}: {reason}"),
                reason,
                detail: None,
                candidates: Vec::new(),
                value: String::new(),
            });
        }
    }
}
