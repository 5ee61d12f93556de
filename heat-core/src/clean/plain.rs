//! Problems in plain English, for the data officer who fixes the spreadsheet: what is wrong with
//! the cell and what to do, without codes or jargon (the stable code stays in its own column).

use crate::cohort::Plausibility;
use crate::import::{ImportIssue, RowCode};

/// A template column as a spreadsheet user names it.
///
/// ```
/// use heat_core::clean::column_label;
/// assert_eq!(column_label("date_of_birth"), "Date of birth");
/// assert_eq!(column_label("colour"), "colour");
/// ```
pub fn column_label(column: &str) -> &str {
    match column {
        "student_ref" => "Student reference",
        "first_name" => "First name",
        "last_name" => "Surname",
        "date_of_birth" => "Date of birth",
        "postcode" => "Postcode",
        "gender" => "Gender",
        "school_id" => "School",
        "year_group" => "Year group",
        "tracking_consent" => "Tracking consent",
        "-" | "student" => "This row",
        other => other,
    }
}

/// Why a postcode is not a real one, in plain words (by the postcode check's code).
fn postcode_reason(code: &str) -> Option<&'static str> {
    Some(match code {
        "empty" => "it is blank",
        "bad_character" => "it holds a character no postcode has",
        "too_short" => "it is too short (a full postcode has 5 to 7 letters and digits, like LS1 4AP)",
        "too_long" => "it is too long (a full postcode has 5 to 7 letters and digits, like LS1 4AP)",
        "bad_format" => {
            "its letters and digits are in an order no UK postcode has (a character missing, extra or swapped?)"
        }
        "bad_letter_position" => "it has a letter where Royal Mail never puts one",
        "unknown_area" => "its first letters are not a UK postcode area",
        "unknown_district" => "its first half is not a postcode district in use",
        "not_live" => "it is not in the current list of postcodes",
        "outward_only" => "it is only the first half of a postcode; the full postcode is needed",
        _ => return None,
    })
}

/// One problem in plain English: what is wrong and, where it helps, what to do. `now` is the
/// cell's value after cleaning (for a postcode that was corrected).
///
/// ```
/// use heat_core::clean::plain_message;
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let csv = b"First Name,Surname,DOB,Postcode\nAnn,Lee,31/02/2011,LS1 4\n";
/// let out = validate_import(csv, Template::Students, &ImportSettings::default()).unwrap();
/// let plain: Vec<String> = out.issues.iter().map(|i| plain_message(i, "")).collect();
/// assert_eq!(plain, [
///     "Date of birth \"31/02/2011\" is not a real date, or is written in a way heatkit cannot read: write it as day/month/year, e.g. 31/08/2011.",
///     "Postcode \"LS1 4\" is not a real UK postcode: it is too short (a full postcode has 5 to 7 letters and digits, like LS1 4AP).",
/// ]);
/// ```
pub fn plain_message(issue: &ImportIssue, now: &str) -> String {
    let label = column_label(&issue.column);
    let value = &issue.value;
    let quoted = format!("{value:?}");
    if issue.column == "postcode" {
        if let Some(why) = postcode_reason(issue.code) {
            let near = match issue.candidates.as_slice() {
                [] => String::new(),
                [one] => format!(" Did you mean {one}? Check it with the student."),
                [first @ .., last] if first.len() < 5 => format!(
                    " Did you mean {} or {last}? Check which with the student.",
                    first.join(", ")
                ),
                many => format!(
                    " Did you mean {} or one of {} others? Check which with the student.",
                    many[..4].join(", "),
                    many.len() - 4
                ),
            };
            return format!("Postcode {quoted} is not a real UK postcode: {why}.{near}");
        }
    }
    if let Some(code) = RowCode::from_code(issue.code) {
        if let Some(text) = row_code_text(code, issue, label, &quoted, now) {
            return text;
        }
    }
    match issue.code {
        "bfpo" => format!("Postcode {quoted} is a British Forces (BFPO) address, not a home postcode: HEAT cannot use it to find the student's area."),
        "bad_date" => format!("{label} {quoted} is not a real date, or is written in a way heatkit cannot read: write it as day/month/year, e.g. 31/08/2011."),
        "impossible" => format!("{label} {quoted} is not a real date (that day does not exist): check it with the student's school."),
        "date_out_of_range" | "out_of_range" => format!("{label} {quoted} is too far in the past or the future for a student: check it."),
        "day_month_swap" => format!("{label} {quoted} may have the day and month the wrong way round: check it."),
        "unknown_gender" => format!("Gender {quoted} is not one HEAT records (male, female, other, or blank when not known)."),
        "not_yes_no" => format!("{label} {quoted} is not yes or no."),
        "unknown_year_group" => format!("Year group {quoted} is not a year group heatkit can read (e.g. Year 10, Yr 10, Y10 or 10)."),
        "year_group_not_in_nation" => format!("Year group {quoted} is not used in this nation's schools."),
        // Any other rule: its own words.
        _ => capitalise(&issue.reason),
    }
}

/// The plain text of a row code's issue (`None`: the issue's own words serve).
fn row_code_text(
    code: RowCode,
    issue: &ImportIssue,
    label: &str,
    quoted: &str,
    now: &str,
) -> Option<String> {
    Some(match code {
        RowCode::Missing => format!("{label} is blank: HEAT needs it for this student."),
        RowCode::Fixed if issue.detail == Some(super::postcode_context::SAME_STUDENT) => format!("{label} {quoted} was corrected to {now:?}: of the live postcodes it may have been, the one the same student's other row has."),
        RowCode::PostcodeNearSchool => format!("{label} {quoted} was changed to {now:?}: of the live postcodes it may have been, the one in the district of the student's school. Check it with the student."),
        RowCode::Fixed => format!("{label} {quoted} was corrected to {now:?}, the only live postcode that near (a typing slip such as O for 0, a key next to the right one or two characters swapped)."),
        RowCode::YearGroupMismatch => format!("Year group {quoted} does not match the date of birth: {}.", year_group_hint(issue.detail)),
        RowCode::BadSchoolId => format!("School {quoted} is a name, not a HEAT id, URN or LAESTAB number: give the school's number, or your GIAS extract (heatkit clean --schools FILE) to find schools by name."),
        RowCode::UnknownColumn => format!(
            "Column {:?} is not in HEAT's template and was left out of the upload.",
            issue.column
        ),
        RowCode::UnnamedColumn => format!("{}.", capitalise(&issue.reason)),
        RowCode::TotalRowSkipped => format!("Row {} looks like a total or footer line ({quoted}), not a student: skipped.", issue.row),
        RowCode::WrongFieldCount => "This row has a different number of cells from the header row (a line cut short or shifted?).".to_string(),
        RowCode::UnreadableRow => "This row cannot be read (a stray quote mark?).".to_string(),
        _ => return None,
    })
}

/// How far a stated year group is from the date of birth's, in words (from the check's
/// plausibility code).
fn year_group_hint(plausibility: Option<&str>) -> &'static str {
    if plausibility == Some(Plausibility::OutByOne(0).code()) {
        "it is one year out (was the year group written for last or next school year?)"
    } else {
        "it is more than a year out (check both)"
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
