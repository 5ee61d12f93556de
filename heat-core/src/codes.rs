//! Every code heatkit can give, gathered from the declarations in each module (the `codes!`
//! lists): the source of the generated page `docs/codes.md`. Nothing in heatkit depends on this
//! module; it depends on every other.

use crate::ErrorKind;

/// One type's stable codes, for the table of every code (`docs/codes.md`).
///
/// ```
/// let lists = heat_core::codes::code_lists();
/// let postcode = lists.iter().find(|l| l.owner == "postcode::PostcodeError").unwrap();
/// assert_eq!((postcode.codes[0], postcode.kind), ("empty", Some(heat_core::ErrorKind::Postcode)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeList {
    /// The type that declares the codes (its module path in `heat_core`).
    pub owner: &'static str,
    /// The kind of error, for an error type (`None`: the codes are values in an output).
    pub kind: Option<ErrorKind>,
    /// Where the codes appear, for a type that is not an error.
    pub appears_in: &'static str,
    /// The codes, in declaration order, each once.
    pub codes: Vec<&'static str>,
}

/// Every code heatkit can give, by the type that declares it, in this build's features: the
/// source of the generated table in `docs/codes.md` (a test checks the page against it).
///
/// ```
/// let all: Vec<&str> = heat_core::codes::code_lists().iter().flat_map(|l| l.codes.clone()).collect();
/// assert!(all.contains(&"bad_argument") && all.contains(&"bad_date"));
/// ```
pub fn code_lists() -> Vec<CodeList> {
    // What a build without some features does not use.
    #[allow(unused_imports)]
    use crate::*;
    #[allow(unused_imports)]
    use ErrorKind::{Activity, Area, Argument, Cohort, Field, Import, Matching, Postcode};
    #[allow(unused_imports)]
    use Place::{Error as E, Output as O};
    #[rustfmt::skip]
    let lists: &[(&str, Place, &[&str])] = &[
        ("ArgumentError", E(Argument), ArgumentError::CODES),
        #[cfg(feature = "postcode")]
        ("postcode::PostcodeError", E(Postcode), postcode::PostcodeError::CODES),
        #[cfg(feature = "postcode")]
        ("postcode::UnknownLevel", E(Argument), postcode::UnknownLevel::CODES),
        #[cfg(feature = "postcode")]
        ("postcode::SpecialKind", O("the `special` of a postcode check"), postcode::SpecialKind::CODES),
        #[cfg(feature = "postcode")]
        ("postcode::Slip", O("a postcode repair's edits and candidates"), postcode::Slip::CODES),
        #[cfg(feature = "postcode")]
        ("postcode::ContextFit", O("a postcode candidate's context"), postcode::ContextFit::CODES),
        #[cfg(all(feature = "postcode", feature = "csv"))]
        ("postcode::LiveListError", E(Postcode), postcode::LiveListError::CODES),
        #[cfg(feature = "cohort")]
        ("cohort::CohortError", E(Cohort), cohort::CohortError::CODES),
        #[cfg(feature = "cohort")]
        ("nation::UnknownNation", E(Cohort), nation::UnknownNation::CODES),
        #[cfg(feature = "cohort")]
        ("calendar::CalendarError", E(Cohort), calendar::CalendarError::CODES),
        #[cfg(feature = "cohort")]
        ("cohort::Plausibility", O("a year-group check"), cohort::Plausibility::CODES),
        #[cfg(feature = "fields")]
        ("fields::FieldError", E(Field), fields::FieldError::CODES),
        #[cfg(feature = "names")]
        ("names::NicknameTableError", E(Activity), names::NicknameTableError::CODES),
        #[cfg(feature = "names")]
        ("name_case::NameFlag", O("a cleaned row's problems"), name_case::NameFlag::CODES),
        #[cfg(feature = "matching")]
        ("matching::MatchError", E(Matching), matching::MatchError::CODES),
        #[cfg(feature = "matching")]
        ("matching::ModelError", E(Matching), matching::ModelError::CODES),
        #[cfg(feature = "activity")]
        ("activity::TypologyError", E(Activity), activity::TypologyError::CODES),
        #[cfg(feature = "activity")]
        ("activity::SharingRefusal", E(Activity), activity::SharingRefusal::CODES),
        #[cfg(feature = "activity")]
        ("activity::Rule", O("an activity's problems"), activity::Rule::CODES),
        #[cfg(feature = "import")]
        ("import::ImportFileError", E(Import), import::ImportFileError::CODES),
        #[cfg(feature = "import")]
        ("import::RowCode", O("a row's problems"), import::RowCode::CODES),
        #[cfg(feature = "schools")]
        ("schools::SchoolsError", E(Import), schools::SchoolsError::CODES),
        #[cfg(feature = "schools")]
        ("schools::NameMatch", O("how a school was found"), schools::NameMatch::CODES),
        #[cfg(feature = "schools")]
        ("schools::Nearness", O("how a school was found"), schools::Nearness::CODES),
        #[cfg(feature = "areas")]
        ("areas::AreaError", E(Area), areas::AreaError::CODES),
    ];
    lists
        .iter()
        .map(|&(owner, place, codes)| {
            let mut unique: Vec<&'static str> = Vec::with_capacity(codes.len());
            for c in codes {
                if !unique.contains(c) {
                    unique.push(c);
                }
            }
            let (kind, appears_in) = match place {
                Place::Error(k) => (Some(k), ""),
                Place::Output(column) => (None, column),
            };
            CodeList {
                owner,
                kind,
                appears_in,
                codes: unique,
            }
        })
        .collect()
}

/// Where a type's codes appear: raised as errors of a kind, or as values in an output.
#[derive(Clone, Copy)]
enum Place {
    Error(ErrorKind),
    // A build without features declares no output codes.
    #[allow(dead_code)]
    Output(&'static str),
}

/// The table of every code as a Markdown page: `docs/codes.md` is this text (a test checks
/// it; `cargo run --example code_table > docs/codes.md` writes it again).
///
/// ```
/// let page = heat_core::codes::code_table();
/// assert!(page.contains("| `not_live` | `postcode::PostcodeError` | InvalidPostcodeError |"));
/// ```
pub fn code_table() -> String {
    let mut page = String::from(
        "# Every code\n\n\
         Generated from the code declarations in `heat-core` (`cargo run --example code_table > docs/codes.md`);\n\
         a test fails when this page and the code differ. A code never changes between releases;\n\
         the messages beside them may improve. Codes from a field reader (`bad_date`, `too_short`, ...)\n\
         also appear in the `code` column of a row's issues.\n\n\
         | code | declared by | raised as (Python) or found in |\n|---|---|---|\n",
    );
    for list in code_lists() {
        let place = list.kind.map_or(list.appears_in, ErrorKind::exception);
        for code in &list.codes {
            page.push_str(&format!("| `{code}` | `{}` | {place} |\n", list.owner));
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArgumentError, HeatError};

    /// The table's kind for each error type is the kind its errors have, and their codes are in
    /// its list.
    #[test]
    fn code_lists_agree_with_the_errors() {
        let lists = code_lists();
        let check = |owner: &str, e: &dyn HeatError| {
            let list = lists.iter().find(|l| l.owner == owner).expect(owner);
            assert_eq!(list.kind, Some(e.kind()), "{owner}");
            assert!(list.codes.contains(&e.code()), "{owner}: {}", e.code());
        };
        check("ArgumentError", &ArgumentError::out_of_range("x", 1, "2"));
        #[cfg(feature = "postcode")]
        {
            check(
                "postcode::PostcodeError",
                &crate::postcode::PostcodeError::Empty,
            );
            check(
                "postcode::UnknownLevel",
                &crate::postcode::UnknownLevel("x".into()),
            );
        }
        #[cfg(all(feature = "postcode", feature = "csv"))]
        check(
            "postcode::LiveListError",
            &crate::postcode::LiveListError::MissingColumn,
        );
        #[cfg(feature = "cohort")]
        {
            check("cohort::CohortError", &crate::cohort::CohortError::BadDate);
            check(
                "nation::UnknownNation",
                &crate::nation::UnknownNation("x".into()),
            );
            check(
                "calendar::CalendarError",
                &crate::calendar::CalendarError::BadMonth(13),
            );
        }
        #[cfg(feature = "fields")]
        check(
            "fields::FieldError",
            &crate::fields::FieldError::NotYesNo("x".into()),
        );
        #[cfg(feature = "names")]
        check(
            "names::NicknameTableError",
            &crate::names::NicknameTableError::BadRow {
                row: 2,
                reason: "x".into(),
            },
        );
        #[cfg(feature = "matching")]
        {
            check(
                "matching::MatchError",
                &crate::matching::MatchError::BadContext("x".into()),
            );
            check(
                "matching::ModelError",
                &crate::matching::ModelError::Shape("x".into()),
            );
        }
        #[cfg(feature = "activity")]
        {
            check(
                "activity::TypologyError",
                &crate::activity::TypologyError::Empty,
            );
            check(
                "activity::SharingRefusal",
                &crate::activity::SharingRefusal::NotAMember,
            );
        }
        #[cfg(feature = "import")]
        check(
            "import::ImportFileError",
            &crate::import::ImportFileError::Empty,
        );
        #[cfg(feature = "schools")]
        check(
            "schools::SchoolsError",
            &crate::schools::SchoolsError::NoHeader {
                file: "f",
                needed: "n",
            },
        );
        #[cfg(feature = "areas")]
        check("areas::AreaError", &crate::areas::AreaError::NoSources);
    }
}
