//! Golden cohort cases shared with the Python tests (`tests/cases/cohorts/`).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use heat_core::cohort::{
    parse_date, track_cohort, year_group, year_group_number, AcademicYear, Nation, PhaseAdjustment,
};
use std::collections::HashMap;

fn cases(name: &str) -> Vec<HashMap<String, String>> {
    let path = format!(
        "{}/../tests/cases/cohorts/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .map(String::from)
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn year_groups() {
    let rows = cases("year_groups.csv");
    assert_eq!(rows.len(), 20);
    for row in rows {
        let dob = parse_date(&row["dob"]).unwrap();
        let nation: Nation = row["nation"].parse().unwrap();
        let year: AcademicYear = row["academic_year"].parse().unwrap();
        assert_eq!(
            (
                year_group(dob, year, nation).label(nation),
                year_group_number(dob, year, nation)
            ),
            (row["label"].clone(), row["number"].parse::<i32>().unwrap()),
            "{} {}: {}",
            row["dob"],
            row["nation"],
            row["note"]
        );
    }
}

#[test]
fn track_cohorts() {
    let rows = cases("track_cohorts.csv");
    assert_eq!(rows.len(), 14);
    for row in rows {
        let dob = parse_date(&row["dob"]).unwrap();
        let t = track_cohort(dob, row["nation"].parse().unwrap(), PhaseAdjustment::NONE);
        assert_eq!(
            (
                t.ks4_exam_year.to_string(),
                t.ks5_exam_year.to_string(),
                t.he_ready_year.to_string(),
                t.tracking_data_year.to_string(),
                t.ks4_extract_deadline.unwrap().to_string(),
                t.ks5_extract_deadline.unwrap().to_string()
            ),
            (
                row["ks4_exam_year"].clone(),
                row["ks5_exam_year"].clone(),
                row["he_ready_year"].clone(),
                row["tracking_data_year"].clone(),
                row["ks4_extract_deadline"].clone(),
                row["ks5_extract_deadline"].clone()
            ),
            "{} {}: {}",
            row["dob"],
            row["nation"],
            row["note"]
        );
    }
}
