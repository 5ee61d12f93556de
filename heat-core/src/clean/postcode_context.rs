//! The same student's other rows break a postcode's tie: a postcode that several live postcodes
//! fit equally is repaired when a likely duplicate of its row has exactly one of them.

use super::Duplicate;
use crate::activity::Severity;
use crate::import::{CleanRow, ImportIssue, RowCode};
use crate::postcode::Postcode;

/// Repairs, in place, each row's postcode whose candidates a likely duplicate settles: the value
/// becomes that postcode, its issue becomes a `fixed` warning saying why, and a row rejected for
/// that issue alone is no longer rejected. `rows` are in row order; `duplicates` beside them.
pub(super) fn settle_by_duplicates(
    rows: &mut [(CleanRow, bool)],
    issues: &mut [ImportIssue],
    duplicates: &[Option<Duplicate>],
) {
    if !issues.iter().any(is_open_postcode) {
        return;
    }
    // Each row's likely duplicates, both ways.
    let mut partners: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for ((r, _), d) in rows.iter().zip(duplicates) {
        if let Some(d) = d {
            partners.entry(r.row).or_default().push(d.of_row);
            partners.entry(d.of_row).or_default().push(r.row);
        }
    }
    for k in 0..issues.len() {
        if !is_open_postcode(&issues[k]) {
            continue;
        }
        let row = issues[k].row;
        let Some(others) = partners.get(&row) else {
            continue;
        };
        let mut fits: Vec<(String, usize)> = Vec::new();
        for &other in others {
            let Some(p) =
                position(rows, other).and_then(|i| Postcode::parse(rows[i].0.get("postcode")).ok())
            else {
                continue;
            };
            let p = p.as_str().to_string();
            if issues[k].candidates.contains(&p) && !fits.iter().any(|(q, _)| *q == p) {
                fits.push((p, other));
            }
        }
        let [(chosen, other)] = fits.as_slice() else {
            continue;
        };
        let Some(i) = position(rows, row) else {
            continue;
        };
        let typed = rows[i].0.get("postcode").to_string();
        rows[i].0.set("postcode", chosen.clone());
        let issue = &mut issues[k];
        issue.reason = format!(
            "{typed:?} read as {chosen}: of {}, the one row {other} (likely the same student) has",
            issue.candidates.join(", ")
        );
        issue.message = format!("row {row}, postcode: {}", issue.reason);
        issue.code = RowCode::Fixed.code();
        issue.severity = Severity::Warning;
        issue.candidates.clear();
        issue.detail = Some(SAME_STUDENT);
        let still_refused = issues
            .iter()
            .any(|o| o.row == row && o.severity == Severity::Error);
        if !still_refused {
            rows[i].1 = false;
        }
    }
}

/// The `detail` of a postcode repaired by the same student's other row.
pub(super) const SAME_STUDENT: &str = "same_student";

/// Where a row number is in `rows` (in row order).
fn position(rows: &[(CleanRow, bool)], row: usize) -> Option<usize> {
    rows.binary_search_by_key(&row, |(r, _)| r.row).ok()
}

fn is_open_postcode(issue: &ImportIssue) -> bool {
    issue.column == "postcode" && issue.severity == Severity::Error && issue.candidates.len() > 1
}
