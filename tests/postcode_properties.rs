//! Property tests: normalise is idempotent, fix is the identity on valid input,
//! parse(display(p)) == p, the fast path agrees with the explaining one, and nothing panics on
//! arbitrary Unicode.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use heat_core::postcode::{self, check, fix, recognise_special, Level, Postcode};
use proptest::prelude::*;

/// Strings that look like postcodes: the six shapes with any letters and digits, random case,
/// random spacing and the confusable characters over-represented.
fn postcode_like() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".to_vec()),
        1 => prop::sample::select(b"OI0S15 -".to_vec()),
    ];
    (prop::collection::vec(ch, 2..10), any::<bool>()).prop_map(|(bytes, lower)| {
        let s = String::from_utf8(bytes).unwrap_or_default();
        if lower {
            s.to_lowercase()
        } else {
            s
        }
    })
}

/// Real outcodes with any inward code, sometimes with one confusable character swapped.
fn near_postcode() -> impl Strategy<Value = String> {
    (
        prop::sample::select(postcode::outcodes().to_vec()),
        0u8..10,
        prop::sample::select(b"ABDEFGHJLNPQRSTUWXYZ".to_vec()),
        prop::sample::select(b"ABDEFGHJLNPQRSTUWXYZ".to_vec()),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(out, d, a, b, at, slip)| {
            let mut s: Vec<u8> = format!("{out} {d}{}{}", a as char, b as char).into_bytes();
            if slip {
                let i = at.index(s.len());
                s[i] = common::swap(s[i]).unwrap_or(s[i]);
            }
            String::from_utf8(s).unwrap_or_default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn no_panic_on_arbitrary_unicode(s in "\\PC{0,24}") {
        let _ = postcode::normalise(&s);
        let _ = fix(&s);
        let _ = check(&s);
        let _ = recognise_special(&s);
        for level in [Level::Shape, Level::Area, Level::District, Level::Live] {
            let _ = postcode::is_valid(&s, level);
        }
    }

    #[test]
    fn fast_and_explaining_paths_agree(
        s in prop_oneof![postcode_like(), near_postcode(), "\\PC{0,24}", "[ -~]{0,20}"]
    ) {
        for level in [Level::Shape, Level::Area, Level::District, Level::Live] {
            prop_assert_eq!(Postcode::try_parse_at(&s, level), Postcode::parse_at(&s, level).ok());
        }
    }

    #[test]
    fn normalise_is_idempotent(s in prop_oneof![postcode_like(), near_postcode()]) {
        if let Ok(once) = postcode::normalise_at(&s, Level::Shape) {
            prop_assert_eq!(postcode::normalise_at(&once, Level::Shape), Ok(once.clone()));
        }
    }

    #[test]
    fn parse_display_roundtrip(s in prop_oneof![postcode_like(), near_postcode()]) {
        if let Ok(p) = Postcode::parse_at(&s, Level::Shape) {
            prop_assert_eq!(Postcode::parse_at(&p.to_string(), Level::Shape), Ok(p));
            prop_assert_eq!(p.to_string().len(), p.outward().len() + 1 + p.inward().len());
        }
    }

    #[test]
    fn fix_is_identity_on_valid_input(s in prop_oneof![postcode_like(), near_postcode()]) {
        if let Ok(p) = Postcode::parse(&s) {
            let fixed = fix(&s).expect("valid input fixes to itself");
            prop_assert_eq!(fixed.postcode, p);
            prop_assert!(fixed.edits.is_empty());
        }
    }

    #[test]
    fn fix_never_invents_a_district(s in prop_oneof![postcode_like(), near_postcode()]) {
        if let Ok(fixed) = fix(&s) {
            prop_assert!(postcode::is_valid(fixed.postcode.as_str(), Level::District));
            // A repair lands on a live postcode (or, in BT, a live district by look-alikes).
            if !fixed.edits.is_empty() {
                prop_assert!(fixed.postcode.liveness() != postcode::Liveness::NotLive);
            }
            // Each edit names what was typed at its place.
            let before: Vec<char> = s.chars().filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase()).collect();
            if before.len() == s.chars().filter(|c| !c.is_whitespace()).count() {
                for e in &fixed.edits {
                    if let Some(typed) = e.typed {
                        prop_assert_eq!(before.get(e.position).copied(), Some(typed));
                    }
                }
            }
        }
    }
}
