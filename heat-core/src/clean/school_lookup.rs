//! A school typed on a row, found in the team's schools list: the id to write in its place, and
//! the problem for a person when the choice is not certain (green is a promise).

use super::Problem;
use crate::activity::Severity;
use crate::import::RowCode;
use crate::schools::{NameMatch, Nearness, SchoolDirectory, SchoolMatch};

/// The problem code for a school chosen by a name that is not certain (see
/// [`NameMatch::is_certain`]).
fn school_check_code(how: NameMatch) -> &'static str {
    match how {
        NameMatch::CloseSpelling => RowCode::SchoolNameClose.code(),
        _ => RowCode::SchoolNameWithoutGenericWords.code(),
    }
}

/// What a typed school becomes: the id to write in its place, and the row's problem.
pub(super) type SchoolOutcome = (Option<String>, Option<Problem>);

/// Finds a typed school (not blank) in the directory, for a student living at `home`: a name
/// found gives the school's id to write; a choice that is not certain, and what needs a person,
/// is the row's problem.
pub(super) fn find_school(
    typed: &str,
    home: Option<&str>,
    directory: &SchoolDirectory,
) -> SchoolOutcome {
    let typed = typed.to_string();
    let list = |schools: &[&crate::schools::School]| -> String {
        schools
            .iter()
            .take(5)
            .map(|s| s.describe())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let warn = |code: &'static str, message: String| Problem {
        column: "school_id".into(),
        code,
        severity: Severity::Warning,
        message,
        value: typed.clone(),
    };
    let digits = typed.trim_start_matches('#');
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let p = directory.by_id(&typed).is_none().then(|| {
            warn(
                RowCode::UnknownSchoolId.code(),
                format!("School number {typed:?} is not in the schools list given: check it."),
            )
        });
        return (None, p);
    }
    let problem = match directory.find_near(&typed, home) {
        SchoolMatch::Found {
            school,
            how,
            others,
        } => {
            let p = if !how.is_certain() {
                warn(
                    school_check_code(how),
                    format!(
                        "School {typed:?} was read as {}, the only school that fits by {}: check it.",
                        school.describe(),
                        how.describe()
                    ),
                )
            } else if !others.is_empty() {
                warn(
                    RowCode::SchoolNameAlsoFits.code(),
                    format!(
                        "School {typed:?} was read as {} ({}), but {} other open school{} this name once words like \"School\" are left out: check it ({}).",
                        school.describe(),
                        how.describe(),
                        others.len(),
                        if others.len() == 1 { " has" } else { "s have" },
                        list(&others)
                    ),
                )
            } else {
                warn(
                    RowCode::SchoolFromName.code(),
                    format!(
                        "School {typed:?} was read as {}: {}.",
                        school.describe(),
                        how.describe()
                    ),
                )
            };
            return (Some(school.id().to_string()), Some(p));
        }
        SchoolMatch::Nearest {
            school,
            how,
            by,
            others,
        } => {
            let place = match by {
                Nearness::HomeDistrict => "postcode district",
                Nearness::HomeArea => "postcode area",
            };
            let p = warn(
                RowCode::SchoolNearestHome.code(),
                format!(
                    "School {typed:?} fits {} open schools by {}; {} is the only one in the student's home {place}: check it (the others: {}).",
                    others.len() + 1,
                    how.describe(),
                    school.describe(),
                    list(&others)
                ),
            );
            return (Some(school.id().to_string()), Some(p));
        }
        SchoolMatch::Closed { school, open } => Some(warn(
            RowCode::SchoolClosed.code(),
            if open.is_empty() {
                format!("School {typed:?} is {}, which has closed: give the school the student attends now.", school.describe())
            } else {
                format!(
                    "School {typed:?} is {}, which has closed; open schools of that name: {}. Give the one the student attends.",
                    school.describe(),
                    list(&open)
                )
            },
        )),
        SchoolMatch::Ambiguous { candidates } => Some(warn(
            RowCode::SchoolAmbiguous.code(),
            format!(
                "School {typed:?} fits {} open schools: {}. Add the town (e.g. \"{}, {}\") or give its number.",
                candidates.len(),
                list(&candidates),
                typed,
                candidates[0].town.as_deref().unwrap_or("Town")
            ),
        )),
        SchoolMatch::NotFound { nearest } => Some(warn(
            RowCode::SchoolNotFound.code(),
            if nearest.is_empty() {
                format!("School {typed:?} is not in the schools list given.")
            } else {
                format!(
                    "School {typed:?} is not in the schools list given; nearest names: {}.",
                    list(&nearest)
                )
            },
        )),
    };
    (None, problem)
}
