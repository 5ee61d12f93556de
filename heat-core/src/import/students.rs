//! The students template: its columns and how one row is cleaned.

use super::headers::{col, Column};
use super::RowCode;
use super::{CleanRow, RowCheck};
use crate::cohort::{check_year_group, Plausibility, YearGroupOutcome};
use crate::HeatError;
use crate::{fields, postcode};

use super::ImportSettings;

pub(crate) const COLUMNS: &[Column] = &[
    col(
        "student_ref",
        false,
        &[
            "id",
            "record_id",
            "student_id",
            "reference",
            "heat_id",
            "student_heat_id",
        ],
    ),
    col(
        "first_name",
        true,
        &["forename", "firstname", "given_name", "first", "forenames"],
    ),
    col(
        "last_name",
        true,
        &["surname", "lastname", "family_name", "last"],
    ),
    col(
        "date_of_birth",
        true,
        &["dob", "birth_date", "date_birth", "birthdate", "d_o_b"],
    ),
    col(
        "postcode",
        true,
        &["home_postcode", "post_code", "postal_code"],
    ),
    col("gender", false, &["sex"]),
    col(
        "school_id",
        false,
        &[
            "school",
            "school_heat_id",
            "institution",
            "institution_id",
            "urn",
            "college",
            "school_college",
            "school_or_college",
            "school_name",
            "school_urn",
            "laestab",
            "establishment",
            "establishment_name",
        ],
    ),
    col(
        "year_group",
        false,
        &["year", "yeargroup", "year_group_at_activity"],
    ),
    col(
        "tracking_consent",
        false,
        &[
            "consent",
            "permission",
            "tracking_statement",
            "saw_tracking_statement",
        ],
    ),
];

/// Cleans one student row in place: every field through its [`fields`] reader.
pub(crate) fn clean(row: &mut CleanRow, c: &mut RowCheck<'_>, s: &ImportSettings) {
    for name in ["first_name", "last_name"] {
        match fields::text(row.get(name)) {
            Some(t) => {
                let t = t.to_string();
                row.set(name, t);
            }
            None => {
                row.set(name, String::new());
                c.error(name, RowCode::Missing.code(), "missing".into());
            }
        }
    }
    let raw = row.get("date_of_birth").to_string();
    let dob = match fields::date(&raw) {
        Ok(Some(d)) => {
            row.set("date_of_birth", d.to_string());
            Some(d)
        }
        Ok(None) => {
            row.set("date_of_birth", String::new());
            c.error("date_of_birth", RowCode::Missing.code(), "missing".into());
            None
        }
        Err(e) => {
            c.error("date_of_birth", e.code(), format!("{raw:?}: {e}"));
            None
        }
    };
    let raw = row.get("postcode").to_string();
    match fields::read_postcode(&raw) {
        Ok(Some(p)) => {
            let fixed = p.fixed();
            row.set("postcode", p.postcode.as_str().to_string());
            if fixed {
                c.warn(
                    "postcode",
                    RowCode::Fixed.code(),
                    format!(
                        "{raw:?} read as {} (typing slips repaired: {})",
                        p.postcode,
                        p.edits
                            .iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        Ok(None) => {
            row.set("postcode", String::new());
            c.error("postcode", RowCode::Missing.code(), "missing".into());
        }
        Err((e, near)) => {
            // Several live postcodes equally near (or none): a person chooses.
            let why = format!("{raw:?}: {e}{}", postcode::did_you_mean(&near));
            c.error("postcode", e.code(), why);
            c.last_candidates(postcode::nearest(&near));
        }
    }
    let raw = row.get("gender").to_string();
    match fields::gender(&raw) {
        Ok(g) => row.set("gender", g.map_or("", |g| g.code()).to_string()),
        Err(e) => c.warn("gender", e.code(), e.to_string()),
    }
    let raw = row.get("school_id").to_string();
    match fields::text(&raw) {
        None => row.set("school_id", String::new()),
        Some(id)
            if id
                .trim_start_matches('#')
                .bytes()
                .all(|b| b.is_ascii_digit()) => {}
        Some(id) => c.warn(
            "school_id",
            RowCode::BadSchoolId.code(),
            format!("{id:?} is not a HEAT id, URN or LAESTAB (digits)"),
        ),
    }
    let raw = row.get("year_group").to_string();
    match fields::year_group(&raw, s.nation) {
        Ok(None) => row.set("year_group", String::new()),
        Ok(Some(g)) => {
            row.set(
                "year_group",
                YearGroupOutcome::of_number(g, s.nation).label(s.nation),
            );
            if let Some(d) = dob {
                let year = s.academic_year();
                let p = check_year_group(d, g, year, s.nation);
                if p != Plausibility::Fits {
                    c.warn(
                        "year_group",
                        RowCode::YearGroupMismatch.code(),
                        format!(
                            "{raw:?} does not fit the date of birth in {year} ({})",
                            p.code()
                        ),
                    );
                    c.last_detail(p.code());
                }
            }
        }
        Err(e) => c.warn("year_group", e.code(), format!("{raw:?}: {e}")),
    }
    let raw = row.get("tracking_consent").to_string();
    match fields::yes_no(&raw) {
        Ok(v) => row.set(
            "tracking_consent",
            match v {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_string(),
        ),
        Err(e) => c.warn("tracking_consent", e.code(), e.to_string()),
    }
}
