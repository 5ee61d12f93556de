//! The activities template: its columns and how one row is cleaned (the activity rules of
//! [`crate::activity`] run on each row).

use super::headers::{col, Column};
use super::{CleanRow, ImportSettings, RowCheck};
use crate::activity::{validate_activity, ActivityInput, Severity};
use crate::fields;

pub(crate) const COLUMNS: &[Column] = &[
    col("activity_id", false, &["id", "activity_ref", "reference"]),
    col(
        "title",
        true,
        &[
            "programme_title",
            "activity_title",
            "name",
            "activity_name",
            "descriptor",
        ],
    ),
    col("category", false, &["activity_category"]),
    col("activity_type", true, &["type", "sub_type", "subtype"]),
    col(
        "start_date",
        true,
        &["start", "date", "activity_date", "date_from"],
    ),
    col("end_date", false, &["end", "date_to"]),
    col(
        "contact_hours",
        false,
        &["hours", "duration_hours", "contact_time"],
    ),
    col("sessions", false, &["number_of_sessions", "no_of_sessions"]),
    col(
        "delivery_mode",
        false,
        &["delivery", "mode", "delivery_method"],
    ),
    col("academic_year", false, &["year", "academic_year_filed"]),
    col("owner", false, &["owner_member", "member"]),
    col(
        "owner_is_uni_connect",
        false,
        &["uni_connect", "uni_connect_owner"],
    ),
    col("funding", false, &["funding_source", "funder"]),
    col(
        "collaborative",
        false,
        &["collaboration", "is_collaborative"],
    ),
    col(
        "partners",
        false,
        &["partner", "partner_hep", "delivery_partners"],
    ),
    col("shared_with", false, &["shared", "sharing"]),
    col(
        "beneficiaries",
        false,
        &["beneficiary", "beneficiary_institutions", "institutions"],
    ),
    col(
        "students_registered",
        false,
        &["registered_students", "students"],
    ),
    col(
        "unknown_beneficiary_headcount",
        false,
        &["headcount", "unknown_headcount"],
    ),
    col("year_groups", false, &["target_year_groups", "year_group"]),
];

/// Cleans one activity row in place: the record is read by [`ActivityInput::from_row`] and every
/// activity rule runs on it.
pub(crate) fn clean(row: &mut CleanRow, c: &mut RowCheck<'_>, s: &ImportSettings) {
    let (input, problems) = ActivityInput::from_row(row);
    for p in problems {
        c.error(p.field, p.code, p.message);
    }
    // Dates are written as ISO text once read (an Excel serial or a UK date becomes 2025-10-14).
    for column in ["start_date", "end_date"] {
        if let Ok(Some(d)) = fields::date(row.get(column)) {
            row.set(column, d.to_string());
        }
    }
    for v in validate_activity(&input, &s.activity) {
        let column = match v.field {
            "unknown_beneficiary_headcount" if input.unknown_beneficiary_headcount.is_none() => {
                "beneficiaries"
            }
            f => f,
        };
        let severity: Severity = v.severity;
        c.push(column, v.code, severity, v.message);
        c.last_rule(v.rule_id);
    }
}
