//! The schools and colleges template: its columns and how one row is cleaned.

use super::headers::{col, Column};
use super::RowCode;
use super::{CleanRow, RowCheck};
use crate::fields;
use crate::HeatError;

pub(crate) const COLUMNS: &[Column] = &[
    col(
        "institution_id",
        true,
        &["heat_id", "urn", "school_id", "id", "laestab", "ukprn"],
    ),
    col(
        "name",
        true,
        &[
            "school_name",
            "institution_name",
            "school",
            "college",
            "establishmentname",
        ],
    ),
    col("postcode", true, &["post_code", "school_postcode"]),
    col(
        "phase",
        false,
        &["phase_of_education", "type_of_establishment", "school_type"],
    ),
];

/// Cleans one school row in place.
pub(crate) fn clean(row: &mut CleanRow, c: &mut RowCheck<'_>) {
    match fields::text(row.get("institution_id")).map(|id| id.trim_start_matches('#')) {
        None => c.error("institution_id", RowCode::Missing.code(), "missing".into()),
        Some(id) if id.bytes().all(|b| b.is_ascii_digit()) && (6..=8).contains(&id.len()) => {}
        Some(_) => c.error(
            "institution_id",
            RowCode::BadInstitutionId.code(),
            format!(
                "{:?} is not a HEAT id, URN (6 digits), LAESTAB (7) or UKPRN (8)",
                row.get("institution_id")
            ),
        ),
    }
    if fields::text(row.get("name")).is_none() {
        c.error("name", RowCode::Missing.code(), "missing".into());
    }
    let raw = row.get("postcode").to_string();
    match fields::postcode(&raw) {
        Ok(Some(p)) => row.set("postcode", p.postcode.as_str().to_string()),
        Ok(None) => c.error("postcode", RowCode::Missing.code(), "missing".into()),
        Err(e) => c.error("postcode", e.code(), format!("{raw:?}: {e}")),
    }
}
