//! Golden cases shared with the Python tests (`tests/cases/postcodes/`).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use heat_core::postcode::{self, check, fix, Level, Postcode};
use heat_core::HeatError;
use std::collections::HashMap;

fn cases(name: &str) -> Vec<HashMap<String, String>> {
    let path = format!(
        "{}/../tests/cases/postcodes/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let headers = rdr.headers().expect("header").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Undo the `input_escaped` spelling: `\t`, `\n`, `\uXXXX`.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(
                    char::from_u32(u32::from_str_radix(&hex, 16).expect("hex")).expect("char"),
                );
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn valid_cases_parse_into_their_parts() {
    let rows = cases("valid.csv");
    assert_eq!(rows.len(), 194);
    for row in rows {
        for input in [&row["postcode"], &row["compact"]] {
            let p =
                Postcode::parse_at(input, Level::Live).unwrap_or_else(|e| panic!("{input}: {e}"));
            let sub = (!row["sub_district"].is_empty()).then_some(row["sub_district"].as_str());
            assert_eq!(
                (
                    p.as_str(),
                    p.outward(),
                    p.inward(),
                    p.area(),
                    p.district(),
                    p.sub_district(),
                    p.sector(),
                    p.unit()
                ),
                (
                    row["postcode"].as_str(),
                    row["outward"].as_str(),
                    row["inward"].as_str(),
                    row["area"].as_str(),
                    row["district"].as_str(),
                    sub,
                    row["sector"].as_str(),
                    row["unit"].as_str()
                ),
                "{input}"
            );
        }
    }
}

#[test]
fn invalid_cases_fail_with_their_reason() {
    let rows = cases("invalid.csv");
    assert_eq!(rows.len(), 69);
    for row in rows {
        let input = unescape(&row["input_escaped"]);
        let err = postcode::normalise_at(&input, Level::Live).expect_err(&input);
        assert_eq!(err.code(), row["reason"], "{input:?}");
        if !row["detail"].is_empty() {
            assert_eq!(
                err.detail().as_deref(),
                Some(row["detail"].as_str()),
                "{input:?}"
            );
        }
        assert!(!postcode::is_valid(&input, Level::Live));
    }
}

/// Messy cases whose shape-only repair (a look-alike) has a live rival as near: `SW10 OAA` is
/// SW10 0AA (O for 0) or SW10 9AA (O is under 9), both live.
const EQUALLY_NEAR: [&str; 1] = ["SW10 OAA"];

#[test]
fn messy_cases_normalise_and_fix() {
    let rows = cases("messy.csv");
    assert_eq!(rows.len(), 43);
    for row in rows {
        let input = unescape(&row["input_escaped"]);
        let normalised = postcode::normalise(&input);
        if row["expected_normalised"].is_empty() {
            assert!(normalised.is_err(), "{input:?} should need fixing");
        } else {
            assert_eq!(
                normalised.as_deref().ok(),
                Some(row["expected_normalised"].as_str()),
                "{input:?}"
            );
        }
        let fixed = fix(&input);
        if EQUALLY_NEAR.contains(&input.as_str()) {
            // The case's repair is one of two live postcodes one slip away: a person chooses,
            // with the case's answer listed first.
            assert!(fixed.is_err(), "{input:?}");
            let offered = postcode::candidates(&input).unwrap();
            let nearest: Vec<&str> = offered
                .iter()
                .filter(|c| c.cost() == 1)
                .map(|c| c.postcode.as_str())
                .collect();
            assert_eq!(nearest.len(), 2, "{input:?}");
            assert_eq!(nearest[0], row["expected_fixed"], "{input:?}");
            continue;
        }
        if row["fixed_is_live"] == "no" {
            // The shape-only repair is not live: a repair lands only on a live postcode, so the
            // value is refused with its own error and the dead postcode is not offered.
            let err = fixed.expect_err(&input);
            assert_eq!(
                Some(err),
                postcode::Postcode::parse(&input).err(),
                "{input:?}"
            );
            let offered = postcode::candidates(&input).unwrap();
            assert!(
                offered
                    .iter()
                    .all(|c| c.postcode.as_str() != row["expected_fixed"]),
                "{input:?}"
            );
            continue;
        }
        match row["fix_result"].as_str() {
            "unchanged" | "substituted" | "" => {
                let fixed = fixed.unwrap_or_else(|e| panic!("{input:?}: {e}"));
                assert_eq!(fixed.postcode.as_str(), row["expected_fixed"], "{input:?}");
                assert_eq!(
                    fixed.edits.is_empty(),
                    row["fix_result"] != "substituted",
                    "{input:?}"
                );
            }
            unfixable => {
                let code = unfixable
                    .strip_prefix("unfixable:")
                    .and_then(|s| s.split(' ').next())
                    .expect("unfixable:code");
                assert_eq!(fixed.expect_err(&input).code(), code, "{input:?}");
            }
        }
    }
}

#[test]
fn special_cases_are_labelled_and_fail_strict_validation() {
    let rows = cases("special.csv");
    assert_eq!(rows.len(), 44);
    for row in rows {
        let input = &row["input"];
        // Strict validation gives the layered error of the value as typed.
        match row["strict_uk_result"].split_once(':') {
            Some((code, detail)) => {
                let err = postcode::normalise_at(input, Level::Live).expect_err(input);
                assert_eq!(
                    (err.code(), err.detail().as_deref()),
                    (code, Some(detail)),
                    "{input}"
                );
            }
            None => assert!(postcode::is_valid(input, Level::Live), "{input}"),
        }
        // check() labels it.
        let c = check(input);
        let expected = match (row["kind"].as_str(), input.as_str()) {
            ("crown_dependency", _) => "valid",
            ("historical_outcode", _) | (_, "G1R 0AA") => "invalid",
            _ => "special",
        };
        assert_eq!(c.status.as_str(), expected, "{input}");
        if expected == "special" {
            assert_eq!(c.code, Some(row["kind"].as_str()), "{input}");
            let canonical = (!row["canonical"].is_empty()).then_some(row["canonical"].as_str());
            assert_eq!(c.postcode.as_deref(), canonical, "{input}");
        }
    }
}

#[test]
fn heatkit_check_cases() {
    let rows = cases("heatkit_check.csv");
    assert_eq!(rows.len(), 33);
    for row in rows {
        let input = unescape(&row["input_escaped"]);
        let c = check(&input);
        let code = (!row["code"].is_empty()).then_some(row["code"].as_str());
        let pc = (!row["postcode"].is_empty()).then_some(row["postcode"].as_str());
        let edits: Vec<String> = c.edits.iter().map(|e| e.tagged()).collect();
        let near: Vec<&str> = c.candidates.iter().map(|k| k.postcode.as_str()).collect();
        assert_eq!(
            (
                c.status.as_str(),
                c.code,
                c.postcode.as_deref(),
                edits.join(";"),
                near.join(";")
            ),
            (
                row["status"].as_str(),
                code,
                pc,
                row["edits"].clone(),
                row["candidates"].clone()
            ),
            "{input:?}: {}",
            row["note"]
        );
    }
}
