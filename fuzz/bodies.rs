//! What each fuzz target calls, and what must hold for any input: no panic, no hang, no
//! unbounded allocation (libFuzzer's `-timeout` and `-rss_limit_mb` catch the last two), and the
//! invariants named below. One file for both users: the fuzz targets (`fuzz_targets/*.rs`, on
//! the nightly toolchain) and the regression test that replays every saved input on stable
//! (`tests/fuzz_regressions.rs`, in the normal test command).

#![allow(dead_code)]

use heat_core::cohort::{self, AcademicYear, Nation};
use heat_core::import::{
    validate_import, validate_workbook, ImportOutcome, ImportSettings, Template,
};

/// A target's body: takes any bytes.
pub type Body = fn(&[u8]);

/// Every target, by name (the folder names under `fuzz/regressions/` and `fuzz/corpus/`).
pub const TARGETS: &[(&str, Body)] = &[
    ("postcode", postcode),
    ("dates_and_year_groups", dates_and_year_groups),
    ("names", names),
    ("csv_import", csv_import),
    ("workbook_import", workbook_import),
    ("activities_import", activities_import),
    ("typology", typology),
    ("model_json", model_json),
    ("context_json", context_json),
    ("area_index", area_index),
];

/// The bytes as text, as a caller would hand them over (invalid UTF-8 replaced).
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

const NATIONS: [Nation; 4] = [
    Nation::England,
    Nation::Wales,
    Nation::Scotland,
    Nation::NorthernIreland,
];

/// Postcode parse, normalise, fix and check: a value said valid re-parses to itself.
pub fn postcode(data: &[u8]) {
    use heat_core::postcode;
    let s = text(data);
    if let Ok(p) = postcode::Postcode::parse(&s) {
        let again = postcode::Postcode::parse(p.as_str()).map(|q| q.as_str().to_string());
        assert_eq!(again.as_deref(), Ok(p.as_str()));
    }
    let _ = postcode::normalise(&s);
    if let Ok(fixed) = postcode::fix(&s) {
        assert!(postcode::Postcode::parse(fixed.postcode.as_str()).is_ok());
    }
    let check = postcode::check(&s);
    assert!(!check.message.is_empty());
}

/// Dates as typed, year groups as typed, and a date's year group in every nation.
pub fn dates_and_year_groups(data: &[u8]) {
    let s = text(data);
    let nation = NATIONS[data.first().map_or(0, |b| usize::from(*b) % 4)];
    let _ = heat_core::fields::year_group(&s, nation);
    let _ = cohort::clean_year_group(&s, nation);
    if let Ok(Some(dob)) = heat_core::fields::date(&s) {
        for year in [2019, 2025, 2031] {
            let group = cohort::year_group_number(dob, AcademicYear::new(year), nation);
            if let Some((first, last)) = cohort::dob_range(group, AcademicYear::new(year), nation) {
                assert!(first <= dob && dob <= last, "{dob} not in year {group}");
            }
        }
    }
    let _ = cohort::parse_date(&s);
}

/// Name tidying and comparison: similarity in [0, 1] and symmetric.
pub fn names(data: &[u8]) {
    use heat_core::names;
    let s = text(data);
    let (a, b) = s.split_at(
        s.char_indices()
            .nth(s.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let _ = heat_core::name_case::tidy_name(&s);
    let _ = names::normalise_name(&s);
    let _ = names::soundex(&s);
    let jw = names::jaro_winkler(a, b);
    assert!((0.0..=1.0).contains(&jw), "{jw}");
    assert_eq!(
        names::edit_distance_within(a, b, 2),
        names::edit_distance_within(b, a, 2)
    );
}

/// The workbook reader's own panics (its defects on malformed files) are caught inside heatkit
/// and become `bad_workbook`, as in production; libFuzzer's hook would abort at the panic
/// before that catch, so the file targets report panics without aborting. A panic that escapes
/// heatkit still fails the run (libfuzzer-sys aborts on it).
fn as_in_production() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

fn settings() -> ImportSettings {
    ImportSettings {
        check_duplicates: false,
        ..ImportSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default())
    }
}

/// Rows in = rows out: every data row is cleaned or refused.
fn reconciles(out: &ImportOutcome) {
    let s = &out.summary;
    assert_eq!(s.rows_in, out.rows.len() + out.rejected.len());
    assert_eq!(s.rows_in, s.rows_ok + s.rows_with_errors);
}

/// A students upload's bytes (CSV in any encoding, or a workbook).
pub fn csv_import(data: &[u8]) {
    as_in_production();
    if let Ok(out) = validate_import(data, Template::Students, &settings()) {
        reconciles(&out);
    }
}

/// A workbook's bytes (xlsx, xlsb, xls, ods), read as a students upload.
pub fn workbook_import(data: &[u8]) {
    as_in_production();
    if let Ok(out) = validate_workbook(data, Template::Students, &settings()) {
        reconciles(&out);
    }
}

/// An activities upload (the activities template).
pub fn activities_import(data: &[u8]) {
    as_in_production();
    if let Ok(out) = validate_import(data, Template::Activities, &settings()) {
        reconciles(&out);
    }
}

/// A typology file (the activity types a team records against).
pub fn typology(data: &[u8]) {
    let _ = heat_core::activity::Typology::from_csv_reader(data, "fuzz");
}

/// A saved matching model (JSON).
pub fn model_json(data: &[u8]) {
    let _ = heat_core::matching::Model::from_json(&text(data));
}

/// A saved matching context (JSON).
pub fn context_json(data: &[u8]) {
    let _ = heat_core::matching::MatchContext::from_json(&text(data));
}

/// A saved area index, from its bytes.
pub fn area_index(data: &[u8]) {
    if let Ok(index) = heat_core::areas::AreaIndex::from_saved_bytes(data) {
        let _ = (index.len(), index.lookup("LS1 4AP"), index.lookup("ls14ap"));
    }
}
