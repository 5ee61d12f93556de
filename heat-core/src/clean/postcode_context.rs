//! What is known about a student breaks a postcode's tie: a postcode that several live postcodes
//! fit equally is repaired when the same student's other row has exactly one of them, or else
//! when exactly one lies in the district of the student's school.

use super::Duplicate;
use crate::activity::Severity;
use crate::import::{CleanRow, ImportIssue, RowCode};
use crate::postcode::Postcode;
use crate::schools::SchoolDirectory;

/// The `detail` of a postcode repaired by the same student's other row.
pub(super) const SAME_STUDENT: &str = "same_student";

/// Repairs, in place, each row's postcode whose candidates the context settles: the value becomes
/// that postcode, and its issue a warning saying why (`fixed` by the same student's other row;
/// `postcode_near_school`, to check, by the school's district); a row rejected for that issue
/// alone is no longer rejected. `rows` are in row order; `duplicates` beside them.
pub(super) fn settle_postcodes(
    rows: &mut [(CleanRow, bool)],
    issues: &mut [ImportIssue],
    duplicates: &[Option<Duplicate>],
    schools: Option<&SchoolDirectory>,
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
        let Some(i) = position(rows, row) else {
            continue;
        };
        let others = partners.get(&row).map_or(&[][..], Vec::as_slice);
        let Some((chosen, why, code)) = by_other_rows(rows, others, &issues[k])
            .or_else(|| by_school(&rows[i].0, schools, &issues[k]))
        else {
            continue;
        };
        let typed = rows[i].0.get("postcode").to_string();
        rows[i].0.set("postcode", chosen.clone());
        let issue = &mut issues[k];
        issue.reason = format!(
            "{typed:?} read as {chosen}: of {}, {why}",
            issue.candidates.join(", ")
        );
        issue.message = format!("row {row}, postcode: {}", issue.reason);
        issue.code = code.code();
        issue.severity = Severity::Warning;
        issue.candidates.clear();
        issue.detail = (code == RowCode::Fixed).then_some(SAME_STUDENT);
        let still_refused = issues
            .iter()
            .any(|o| o.row == row && o.severity == Severity::Error);
        if !still_refused {
            rows[i].1 = false;
        }
    }
}

/// The one candidate a likely duplicate of the row has.
fn by_other_rows(
    rows: &[(CleanRow, bool)],
    others: &[usize],
    issue: &ImportIssue,
) -> Option<(String, String, RowCode)> {
    let mut fits: Vec<(String, usize)> = Vec::new();
    for &other in others {
        let Some(p) =
            position(rows, other).and_then(|i| Postcode::parse(rows[i].0.get("postcode")).ok())
        else {
            continue;
        };
        let p = p.as_str().to_string();
        if issue.candidates.contains(&p) && !fits.iter().any(|(q, _)| *q == p) {
            fits.push((p, other));
        }
    }
    match fits.as_slice() {
        [(chosen, other)] => Some((
            chosen.clone(),
            format!("the one row {other} (likely the same student) has"),
            RowCode::Fixed,
        )),
        _ => None,
    }
}

/// The one candidate in the district of the row's school (found in the schools list).
fn by_school(
    row: &CleanRow,
    schools: Option<&SchoolDirectory>,
    issue: &ImportIssue,
) -> Option<(String, String, RowCode)> {
    let school = schools?.by_id(row.get("school_id").trim())?;
    let district = Postcode::parse(school.postcode.as_deref()?).ok()?;
    let mut fits = issue
        .candidates
        .iter()
        .filter(|c| Postcode::parse(c).is_ok_and(|p| p.outward() == district.outward()));
    match (fits.next(), fits.next()) {
        (Some(chosen), None) => Some((
            chosen.clone(),
            format!(
                "the one in {}, the district of the student's school",
                district.outward()
            ),
            RowCode::PostcodeNearSchool,
        )),
        _ => None,
    }
}

/// Where a row number is in `rows` (in row order).
fn position(rows: &[(CleanRow, bool)], row: usize) -> Option<usize> {
    rows.binary_search_by_key(&row, |(r, _)| r.row).ok()
}

fn is_open_postcode(issue: &ImportIssue) -> bool {
    issue.column == "postcode" && issue.severity == Severity::Error && issue.candidates.len() > 1
}

#[cfg(test)]
mod tests {
    use crate::clean::{clean_students, CleanSettings, RowStatus};
    use crate::import::{validate_import, Template};

    fn cleaned(csv: &str) -> crate::clean::CleanOutcome {
        let settings = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let upload = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
        clean_students(upload, &settings).unwrap()
    }

    #[test]
    fn the_same_students_other_row_settles_a_tie() {
        let out = cleaned(
            "first,last,dob,postcode\n\
             Zac,Dunn,2012-04-05,B71 4LS\n\
             Zac,Dunn,2012-04-05,B81 4LS\n\
             Amy,Hart,2011-02-03,B81 4LS\n",
        );
        let row = |n: usize| &out.students[n];
        // Row 3: B81 4LS is B71 4LS, B18 4LS or B8 1LS; row 2, the same student, has B71 4LS. (The
        // row needs attention for the likely duplicate, not for its postcode.)
        assert_eq!(row(1).value("postcode"), "B71 4LS");
        assert_eq!(row(1).status, RowStatus::NeedsAttention);
        let p = row(1)
            .problems
            .iter()
            .find(|p| p.column == "postcode")
            .unwrap();
        assert_eq!(p.code, "fixed");
        assert_eq!(
            p.message,
            "Postcode \"B81 4LS\" was corrected to \"B71 4LS\": of the live postcodes it may have been, the one the same student's other row has."
        );
        // Row 4, another student: left to a person, the candidates named.
        assert_eq!(
            (row(2).value("postcode"), row(2).status),
            ("B81 4LS", RowStatus::Rejected)
        );
        let p = row(2)
            .problems
            .iter()
            .find(|p| p.column == "postcode")
            .unwrap();
        assert_eq!(p.code, "unknown_district");
        assert!(
            p.message.ends_with(
                "Did you mean B71 4LS, B18 4LS or B8 1LS? Check which with the student."
            ),
            "{}",
            p.message
        );
    }

    #[test]
    fn the_schools_district_settles_a_tie_to_check() {
        let mut settings = CleanSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let gias =
            "URN,EstablishmentName,Town,Postcode\n100001,Heartlands Academy,Birmingham,B18 4AA\n";
        settings.schools = Some(std::sync::Arc::new(
            crate::schools::SchoolDirectory::from_gias(gias.as_bytes()).unwrap(),
        ));
        let csv = "first,last,dob,postcode,school\nAmy,Hart,2011-02-03,B81 4LS,100001\n";
        let upload = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
        let out = clean_students(upload, &settings).unwrap();
        let row = &out.students[0];
        // B18 4LS is the one candidate in B18, the school's district: chosen, and to check.
        assert_eq!(
            (row.value("postcode"), row.status),
            ("B18 4LS", RowStatus::NeedsAttention)
        );
        let p = row
            .problems
            .iter()
            .find(|p| p.column == "postcode")
            .unwrap();
        assert_eq!(p.code, "postcode_near_school");
        assert_eq!(
            p.message,
            "Postcode \"B81 4LS\" was changed to \"B18 4LS\": of the live postcodes it may have been, the one in the district of the student's school. Check it with the student."
        );
    }
}
