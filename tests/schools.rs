//! Schools typed by name, found in a GIAS extract with GIAS's own headers and a HEAT institution
//! export (tests/cases/schools), alone and through the clean job.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;

use heat_core::clean::{clean_students, CleanSettings, RowStatus};
use heat_core::import::{validate_import, Template};
use heat_core::schools::{NameMatch, SchoolDirectory, SchoolMatch};
use heat_core::HeatError;

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/cases/schools")
        .join(name)
}

fn directory() -> SchoolDirectory {
    let mut d = SchoolDirectory::from_gias_file(&case("gias_extract.csv")).unwrap();
    assert_eq!(d.len(), 10);
    // St Mary's joins by URN, Castle Hill Academy by name and postcode; the third is HEAT's own.
    let joined = d
        .add_heat_institutions_file(&case("heat_institutions.csv"))
        .unwrap();
    assert_eq!((joined, d.len()), (2, 11));
    d
}

fn found(d: &SchoolDirectory, typed: &str) -> (String, NameMatch) {
    match d.find(typed) {
        SchoolMatch::Found { school, how } => (school.id().to_string(), how),
        other => panic!("{typed:?}: {other:?}"),
    }
}

#[test]
fn names_are_found_however_they_are_typed() {
    let d = directory();
    use NameMatch::*;
    assert_eq!(
        found(&d, "St Mary's Catholic High School"),
        ("#052101".into(), Same)
    );
    assert_eq!(
        found(&d, "SAINT MARYS CATHOLIC HIGH SCHOOL"),
        ("#052101".into(), Same)
    );
    assert_eq!(
        found(&d, "St. Mary's Catholic High"),
        ("#052101".into(), Core)
    );
    assert_eq!(
        found(&d, "Holy Trinity C of E Primary School"),
        ("107961".into(), Same)
    );
    assert_eq!(
        found(&d, "holy trinity CE primary"),
        ("107961".into(), Core)
    );
    assert_eq!(found(&d, "Castle Hill Academy"), ("#052102".into(), Same));
    assert_eq!(
        found(&d, "Brackenwod Community College"),
        ("107962".into(), Close)
    );
    // Accents are folded for finding, kept in the name.
    assert_eq!(found(&d, "Ysgol Gyfun Gwyr"), ("401234".into(), Same));
    assert_eq!(d.by_id("401234").unwrap().name, "Ysgol Gyfun Gŵyr");
    // LAESTAB, URN and HEAT id all find the school; typed ids are ids, not names.
    assert_eq!(found(&d, "3834601"), ("#052101".into(), Id));
    assert_eq!(found(&d, "#052103").0, "#052103");
    assert_eq!(
        d.by_id("107956").unwrap().laestab.as_deref(),
        Some("3834601")
    );
    // "Open, but proposed to close" is open.
    assert!(d.by_id("107962").unwrap().open);
}

#[test]
fn two_open_schools_or_only_a_closed_one_are_never_a_guess() {
    let d = directory();
    let SchoolMatch::Ambiguous { candidates } = d.find("Oakfield Academy") else {
        panic!()
    };
    let urns: Vec<&str> = candidates.iter().map(|s| s.urn.as_str()).collect();
    assert_eq!(urns, ["107960", "121000"]);
    // A town or postcode with the name settles it.
    assert_eq!(found(&d, "Oakfield Academy (Thirsk)").0, "121000");
    assert_eq!(found(&d, "Oakfield Academy, LS12 3CD").0, "107960");
    assert_eq!(found(&d, "Oakfield, LS12").0, "107960");
    // The closed school, with the open academy of the same name beside it.
    let SchoolMatch::Closed { school, open } = d.find("Castle Hill School") else {
        panic!()
    };
    assert_eq!(school.urn, "107957");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id(), "#052102");
    let SchoolMatch::NotFound { nearest } = d.find("Leeds City Art Gallery") else {
        panic!("{:?}", d.find("Leeds City Art Gallery"))
    };
    assert_eq!(nearest[0].urn, "107963");
    assert!(matches!(d.find("Zzyzx"), SchoolMatch::NotFound { nearest } if nearest.is_empty()));
    assert!(matches!(d.find(""), SchoolMatch::NotFound { .. }));
}

#[test]
fn files_without_the_columns_are_refused_with_a_code() {
    let e = SchoolDirectory::from_gias(b"School,Town\nA,B\n").unwrap_err();
    assert_eq!(e.code(), "no_header_row");
    assert!(e.to_string().contains("URN and EstablishmentName"));
    let mut d = SchoolDirectory::default();
    let e = d.add_heat_institutions(b"Name\nA\n").unwrap_err();
    assert_eq!(e.code(), "no_header_row");
    assert_eq!(
        SchoolDirectory::from_gias(b"").unwrap_err().code(),
        "empty_file"
    );
    // Rows without a URN or a name are left out, not read as schools.
    let d = SchoolDirectory::from_gias(b"URN,EstablishmentName\n,No URN\n1,\n2,Real\n").unwrap();
    assert_eq!(d.len(), 1);
}

#[test]
fn the_clean_job_writes_found_schools_as_ids_and_lists_candidates() {
    let mut settings = CleanSettings::on("2026-12-01".parse().unwrap());
    settings.schools = Some(Arc::new(directory()));
    let csv = "Forename,Surname,Date of Birth,Home Postcode,School/College\n\
               Ann,Lee,2011-01-02,LS1 4AP,St Mary's Catholic High\n\
               Ben,Ray,2011-03-04,LS1 4AP,Oakfield Academy\n\
               Cat,Fox,2011-05-06,LS1 4AP,Castle Hill School\n\
               Dan,Cho,2011-07-08,LS1 4AP,Brackenwod Community College\n\
               Eve,Kim,2011-09-10,LS1 4AP,107956\n\
               Fay,Roe,2011-11-12,LS1 4AP,999999\n\
               Gus,Orr,2011-12-13,LS1 4AP,Nowhere Primary\n";
    let up = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
    let out = clean_students(up, &settings).unwrap();
    let got: Vec<(&str, RowStatus, Vec<&str>)> = out
        .students
        .iter()
        .map(|s| {
            let codes = s.problems.iter().map(|p| p.code).collect();
            (s.value("school_id"), s.status, codes)
        })
        .collect();
    use RowStatus::*;
    assert_eq!(
        got,
        vec![
            ("#052101", Fixed, vec!["school_from_name"]),
            ("Oakfield Academy", NeedsAttention, vec!["school_ambiguous"]),
            ("Castle Hill School", NeedsAttention, vec!["school_closed"]),
            ("107962", NeedsAttention, vec!["school_name_close"]),
            ("107956", Ok, vec![]),
            ("999999", NeedsAttention, vec!["unknown_school_id"]),
            ("Nowhere Primary", NeedsAttention, vec!["school_not_found"]),
        ]
    );
    let ambiguous = &out.students[1].problems[0].message;
    assert!(
        ambiguous.contains("Oakfield Academy (107960, Leeds, LS12 3CD)"),
        "{ambiguous}"
    );
    assert!(
        ambiguous.contains("(121000, Thirsk, YO7 1EF)"),
        "{ambiguous}"
    );
    let closed = &out.students[2].problems[0].message;
    assert!(
        closed.contains("has closed") && closed.contains("Castle Hill Academy (#052102"),
        "{closed}"
    );
    assert!(!out.students[0].tracking.problems.contains(&"school"));
}
