//! Schools typed by name, found in a GIAS extract with GIAS's own headers and a HEAT institution
//! export (tests/cases/schools), alone and through the clean job.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;

use heat_core::clean::{clean_students, CleanOutcome, CleanSettings, RowStatus};
use heat_core::import::{validate_import, Template};
use heat_core::schools::{NameMatch, Nearness, SchoolDirectory, SchoolMatch};
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
        SchoolMatch::Found { school, how, .. } => (school.id().to_string(), how),
        other => panic!("{typed:?}: {other:?}"),
    }
}

/// A students CSV through the clean job.
fn clean(csv: &str, settings: &CleanSettings) -> CleanOutcome {
    let up = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
    clean_students(up, settings).unwrap()
}

/// Each row's school column after cleaning, its status and its problem codes.
fn schools_of(out: &CleanOutcome) -> Vec<(&str, RowStatus, Vec<&str>)> {
    out.students
        .iter()
        .map(|s| {
            let codes = s.problems.iter().map(|p| p.code).collect();
            (s.value("school_id"), s.status, codes)
        })
        .collect()
}

#[test]
fn names_are_found_however_they_are_typed() {
    let d = directory();
    use NameMatch::*;
    assert_eq!(
        found(&d, "St Mary's Catholic High School"),
        ("#052101".into(), Exact)
    );
    assert_eq!(
        found(&d, "SAINT MARYS CATHOLIC HIGH SCHOOL"),
        ("#052101".into(), Tidied)
    );
    assert_eq!(
        found(&d, "St. Mary's Catholic High"),
        ("#052101".into(), WithoutGenericWords)
    );
    assert_eq!(
        found(&d, "Holy Trinity C of E Primary School"),
        ("107961".into(), Tidied)
    );
    assert_eq!(
        found(&d, "holy trinity CE primary"),
        ("107961".into(), WithoutGenericWords)
    );
    assert_eq!(found(&d, "Castle Hill Academy"), ("#052102".into(), Exact));
    assert_eq!(
        found(&d, "Brackenwod Community College"),
        ("107962".into(), CloseSpelling)
    );
    // Accents are folded for finding, kept in the name.
    assert_eq!(found(&d, "Ysgol Gyfun Gwyr"), ("401234".into(), Tidied));
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
    let out = clean(csv, &settings);
    let got = schools_of(&out);
    use RowStatus::*;
    assert_eq!(
        got,
        vec![
            (
                "#052101",
                NeedsAttention,
                vec!["school_name_without_generic_words"]
            ),
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

/// Real-shaped register names (tests/cases/schools/register_names.csv, from the register's open
/// copy): names with commas and brackets, "The", CofE and Roman Catholic spellings, and one name
/// shared by schools in different towns.
fn register() -> SchoolDirectory {
    SchoolDirectory::from_gias_file(&case("register_names.csv")).unwrap()
}

fn urn_of<'a>(m: &SchoolMatch<'a>) -> (&'a str, &'static str) {
    match m {
        SchoolMatch::Found { school, how, .. } => (school.urn.as_str(), how.code()),
        SchoolMatch::Closed { school, .. } => (school.urn.as_str(), "closed"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_exact_register_name_wins_before_a_comma_is_read_as_a_place() {
    let d = register();
    let typed = [
        (
            "St Michael's Church of England Voluntary Aided Primary School, Lyme Regis",
            ("113851", "exact"),
        ),
        (
            "st michael's church of england voluntary aided primary school, lyme regis",
            ("113851", "tidied"),
        ),
        (
            "St Michael's C of E Voluntary Aided Primary School, St Albans",
            ("117451", "tidied"),
        ),
        // Not Folkestone Academy: the whole name is the (closed) register name.
        (
            "folkestone, st mary's church of england primary school",
            ("118743", "closed"),
        ),
        (
            "Blue Coat Church of England Academy, Walsall",
            ("138606", "exact"),
        ),
        // Brackets inside a register name are the name, not a place.
        ("Blue Coat CofE (Aided) Junior School", ("114274", "exact")),
        ("Rosary R.C. Primary School", ("100035", "tidied")),
        // "The Blue Coat School": the closed one and the open academy share the name.
        ("The Blue Coat School", ("137916", "exact")),
    ];
    for (t, want) in typed {
        assert_eq!(urn_of(&d.find(t)), want, "{t}");
    }
}

#[test]
fn a_suffix_is_a_place_only_when_the_extract_names_one() {
    let d = register();
    // A town, a locality and an outward code of the extract's each pick their school.
    assert_eq!(
        urn_of(&d.find("St Joseph's Catholic Primary School (Sale)")),
        ("106348", "tidied")
    );
    assert_eq!(
        urn_of(&d.find("St Joseph's Catholic Primary School, Penketh")),
        ("111373", "tidied")
    );
    assert_eq!(
        urn_of(&d.find("St Michaels CofE Voluntary Aided Primary Scool, N6")),
        ("102135", "close_spelling")
    );
    // A place none of the schools of that name is in: not one of them, the candidates listed.
    let SchoolMatch::NotFound { nearest } = d.find("St Joseph's Catholic Primary School (Walsall)")
    else {
        panic!()
    };
    assert_eq!(nearest.len(), 7);
    // "Leeds" is no place of this extract: part of the name, which then fits no one school
    // (by spelling, all seven open St Joseph's alike).
    assert!(matches!(
        d.find("St Joseph's Catholic Primary School, Leeds"),
        SchoolMatch::Ambiguous { candidates } if candidates.len() == 7
    ));
}

#[test]
fn home_breaks_a_tie_only_when_one_school_is_clearly_nearest() {
    let d = register();
    let name = "St Joseph's Catholic Primary School";
    let SchoolMatch::Nearest {
        school,
        how,
        by,
        others,
    } = d.find_near(name, Some("bd5 7ad"))
    else {
        panic!()
    };
    assert_eq!(
        (school.urn.as_str(), how, by),
        ("107327", NameMatch::Exact, Nearness::HomeDistrict)
    );
    let others: Vec<&str> = others.iter().map(|s| s.urn.as_str()).collect();
    assert_eq!(others, ["106348", "111373", "107342", "107345", "141670"]);
    // No school in the home's district, one in its area.
    let SchoolMatch::Nearest { school, by, .. } = d.find_near(name, Some("WA1 1AA")) else {
        panic!()
    };
    assert_eq!((school.urn.as_str(), by), ("111373", Nearness::HomeArea));
    // Three in the BD area, none in BD10: not clear, so all are listed.
    assert!(
        matches!(d.find_near(name, Some("BD10 8AA")), SchoolMatch::Ambiguous { candidates } if candidates.len() == 6)
    );
    // A home far from all of them, or no postcode at all, breaks nothing.
    assert!(matches!(
        d.find_near(name, Some("TR1 1AA")),
        SchoolMatch::Ambiguous { .. }
    ));
    assert!(matches!(
        d.find_near(name, Some("not a postcode")),
        SchoolMatch::Ambiguous { .. }
    ));
    // A single school is found by its name wherever the student lives.
    assert_eq!(
        urn_of(&d.find_near("Folkestone Academy", Some("TR1 1AA"))),
        ("135195", "exact")
    );
}

#[test]
fn a_whole_name_that_is_also_others_without_school_is_chosen_and_flagged() {
    let d = register();
    let m = d.find("St Joseph's Catholic Primary");
    let SchoolMatch::Found {
        school,
        how,
        others,
    } = &m
    else {
        panic!("{m:?}")
    };
    assert_eq!((school.urn.as_str(), *how), ("112929", NameMatch::Exact));
    assert_eq!(others.len(), 6);
    assert!(!m.is_certain());
    // With "School" it is the others' whole name, and Matlock's only without the word.
    let m = d.find("St Joseph's Catholic Primary School (Sale)");
    assert!(m.is_certain(), "{m:?}");
}

#[test]
fn every_choice_that_is_not_exact_after_tidying_is_flagged_with_its_reason() {
    let mut settings = CleanSettings::on("2026-12-01".parse().unwrap());
    settings.schools = Some(Arc::new(register()));
    let csv = "Forename,Surname,Date of Birth,Home Postcode,School/College\n\
               Ann,Lee,2011-01-02,DT7 3AA,\"St Michael's Church of England Voluntary Aided Primary School, Lyme Regis\"\n\
               Ben,Ray,2011-03-04,NW3 1AA,ROSARY ROMAN CATHOLIC PRIMARY SCHOOL\n\
               Cat,Fox,2011-05-06,NW3 1AA,Rosary RC Primary\n\
               Dan,Cho,2011-07-08,BD5 7AD,St Joseph's Catholic Primary School\n\
               Eve,Kim,2011-09-10,PR4 1AA,Weeton St Michaels Church of England Voluntary Aided Primary Scool\n\
               Fay,Roe,2011-11-12,LS1 4AP,St Joseph's Catholic Primary School\n\
               Gus,Orr,2011-12-13,BD5 7AD,St Joseph's Catholic Primary\n";
    let out = clean(csv, &settings);
    let got = schools_of(&out);
    use RowStatus::*;
    assert_eq!(
        got,
        vec![
            ("113851", Fixed, vec!["school_from_name"]),
            ("100035", Fixed, vec!["school_from_name"]),
            (
                "100035",
                NeedsAttention,
                vec!["school_name_without_generic_words"]
            ),
            ("107327", NeedsAttention, vec!["school_nearest_home"]),
            ("119561", NeedsAttention, vec!["school_name_close"]),
            (
                "St Joseph's Catholic Primary School",
                NeedsAttention,
                vec!["school_ambiguous"]
            ),
            ("112929", NeedsAttention, vec!["school_name_also_fits"]),
        ]
    );
    let message = |i: usize| out.students[i].problems[0].message.as_str();
    assert_eq!(message(0), "School \"St Michael's Church of England Voluntary Aided Primary School, Lyme Regis\" was read as St Michael's Church of England Voluntary Aided Primary School, Lyme Regis (113851, Lyme Regis, DT7 3DY): the exact name.");
    assert_eq!(message(1), "School \"ROSARY ROMAN CATHOLIC PRIMARY SCHOOL\" was read as Rosary Roman Catholic Primary School (100035, London, NW3 2AE): the same name once tidied.");
    assert_eq!(message(2), "School \"Rosary RC Primary\" was read as Rosary Roman Catholic Primary School (100035, London, NW3 2AE), the only school that fits by the same name without words like \"School\": check it.");
    assert_eq!(message(3), "School \"St Joseph's Catholic Primary School\" fits 6 open schools by the exact name; St Joseph's Catholic Primary School (107327, Bradford, BD5 0RB) is the only one in the student's home postcode district: check it (the others: St Joseph's Catholic Primary School (106348, Sale, M33 3AF); St Joseph's Catholic Primary School (111373, Warrington, WA5 2AU); St Joseph's Catholic Primary School (107342, Bingley, BD16 4HQ); St Joseph's Catholic Primary School (107345, Keighley, BD21 1AR); St Joseph's Catholic Primary School (141670, Birmingham, B30 1HN)).");
    assert_eq!(message(4), "School \"Weeton St Michaels Church of England Voluntary Aided Primary Scool\" was read as Weeton St Michael's Church of England Voluntary Aided Primary School (119561, Weeton With Preese, PR4 3WD), the only school that fits by a close spelling: check it.");
}
