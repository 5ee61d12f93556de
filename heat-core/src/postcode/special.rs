//! Codes that look like (or stand in for) postcodes but are not ordinary UK geography.
//!
//! Exact codes live in `data/postcodes/special.csv` (with sources); patterns (BFPO numbers, `ZZ99`
//! pseudo postcodes, BX non-geographic codes, outward-only values) are rules below.

use super::clean::{clean, Compact};
use super::data::DATA;
use crate::error::codes;
use once_cell::sync::Lazy;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

const SPECIAL_CSV: &str = include_str!("../../data/postcodes/special.csv");

/// What kind of special code a value is.
///
/// ```
/// use heat_core::postcode::SpecialKind;
/// assert_eq!(SpecialKind::Bfpo.code(), "bfpo");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SpecialKind {
    /// GIR 0AA (Girobank, Bootle): a legacy non-geographic code.
    NonGeographicLegacy,
    /// A pre-1984 three-letter outward code such as NPT (Newport).
    LegacyFormat,
    /// A non-geographic area such as BX (DWP, HMRC) or XX (online returns).
    NonGeographicArea,
    /// British Forces Post Office: `BFPO 105` or a BF1 postcode.
    Bfpo,
    /// A British overseas territory (ASCN 1ZZ, GX11 1AA, KY1-1102, ...).
    OverseasTerritory,
    /// A novelty code such as XM4 5HQ or SAN TA1 (Santa).
    Novelty,
    /// An NHS-style `ZZ99` pseudo postcode meaning "not known" or "no fixed abode".
    PseudoUnknown,
    /// A `ZZ99` pseudo postcode standing for a country.
    PseudoCountry,
    /// A default filler such as `99999999`: treat as missing.
    LegacyDefault,
    /// An outward code alone (`SW1A`): a partial postcode, never a full one.
    OutwardOnly,
}

codes!(SpecialKind {
    Self::NonGeographicLegacy => "non_geographic_legacy",
    Self::LegacyFormat => "legacy_format",
    Self::NonGeographicArea => "non_geographic_area",
    Self::Bfpo => "bfpo",
    Self::OverseasTerritory => "overseas_territory",
    Self::Novelty => "novelty",
    Self::PseudoUnknown => "pseudo_unknown",
    Self::PseudoCountry => "pseudo_country",
    Self::LegacyDefault => "legacy_default",
    Self::OutwardOnly => "outward_only",
});

impl SpecialKind {
    /// Every kind.
    pub const ALL: [SpecialKind; 10] = [
        SpecialKind::NonGeographicLegacy,
        SpecialKind::LegacyFormat,
        SpecialKind::NonGeographicArea,
        SpecialKind::Bfpo,
        SpecialKind::OverseasTerritory,
        SpecialKind::Novelty,
        SpecialKind::PseudoUnknown,
        SpecialKind::PseudoCountry,
        SpecialKind::LegacyDefault,
        SpecialKind::OutwardOnly,
    ];

    /// The kind's stable snake_case code.
    ///
    /// ```
    /// use heat_core::postcode::SpecialKind;
    /// assert_eq!(SpecialKind::OverseasTerritory.code(), "overseas_territory");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }

    fn from_code(code: &str) -> Option<SpecialKind> {
        SpecialKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// How to handle it, in one sentence.
    ///
    /// ```
    /// use heat_core::postcode::SpecialKind;
    /// assert!(SpecialKind::LegacyDefault.explain().contains("missing"));
    /// ```
    pub fn explain(self) -> &'static str {
        match self {
            SpecialKind::NonGeographicLegacy => {
                "a legacy non-geographic postcode (Girobank); it has no geography"
            }
            SpecialKind::LegacyFormat => "an obsolete pre-1984 postcode format",
            SpecialKind::NonGeographicArea => {
                "a non-geographic postcode (bulk mail or returns); not a home address"
            }
            SpecialKind::Bfpo => {
                "a British Forces Post Office address; HESA asks for the UK base's postcode instead"
            }
            SpecialKind::OverseasTerritory => {
                "a British overseas territory's postcode, not a UK postcode"
            }
            SpecialKind::Novelty => "a novelty postcode, not an address",
            SpecialKind::PseudoUnknown => "a pseudo postcode meaning the address is not known",
            SpecialKind::PseudoCountry => "a pseudo postcode standing for a country",
            SpecialKind::LegacyDefault => "a filler value meaning no postcode; treat as missing",
            SpecialKind::OutwardOnly => "an outward code alone, not a full postcode",
        }
    }
}

/// A recognised special code with its canonical spelling.
///
/// ```
/// use heat_core::postcode::{recognise_special, SpecialKind};
/// let s = recognise_special("bfpo105").unwrap();
/// assert_eq!((s.kind, s.canonical.as_str()), (SpecialKind::Bfpo, "BFPO 105"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Special {
    /// What kind of code it is.
    pub kind: SpecialKind,
    /// The code as it is usually written (`BFPO 105`, `ASCN 1ZZ`, `KY1-1102`).
    pub canonical: String,
}

/// Exact special codes: compact form → (kind, canonical).
static EXACT: Lazy<Vec<(String, SpecialKind, String)>> = Lazy::new(|| {
    SPECIAL_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split(',');
            let (compact, kind, canonical) = (cols.next()?, cols.next()?, cols.next()?);
            Some((
                compact.to_string(),
                SpecialKind::from_code(kind)?,
                canonical.to_string(),
            ))
        })
        .collect()
});

/// Recognise a special code in whatever was typed.
///
/// ```
/// use heat_core::postcode::{recognise_special, SpecialKind};
/// assert_eq!(recognise_special("ZZ99 3VZ").unwrap().kind, SpecialKind::PseudoUnknown);
/// assert_eq!(recognise_special("gl50").unwrap().kind, SpecialKind::OutwardOnly);
/// assert_eq!(recognise_special("SW1A 1AA"), None);
/// ```
pub fn recognise_special(input: &str) -> Option<Special> {
    recognise_compact(&clean(input).ok()?)
}

pub(super) fn recognise_compact(compact: &Compact) -> Option<Special> {
    if compact.len > 8 {
        return None;
    }
    // Compact holds at most seven bytes; an eight-character code (99999999) is all nines.
    let s = compact.as_str();
    let b = s.as_bytes();
    let digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    let special = |kind, canonical: String| Some(Special { kind, canonical });
    if let Some((_, kind, canonical)) = EXACT.iter().find(|(c, _, _)| c == s) {
        return special(*kind, canonical.clone());
    }
    if compact.len >= 6 && b.iter().all(|x| *x == b'9') {
        return special(SpecialKind::LegacyDefault, String::new());
    }
    if let Some(number) = s.strip_prefix("BFPO") {
        if digits(number.as_bytes()) && number.len() <= 4 {
            return special(SpecialKind::Bfpo, format!("BFPO {number}"));
        }
    }
    if compact.len < 5 || compact.len > 7 {
        if (2..=4).contains(&compact.len) && DATA.outcode_index(b).is_some() {
            return special(SpecialKind::OutwardOnly, s.to_string());
        }
        return overseas(s);
    }
    let (out, inw) = s.split_at(s.len() - 3);
    let inward_shape = inw.as_bytes()[0].is_ascii_digit()
        && inw.as_bytes()[1..].iter().all(u8::is_ascii_uppercase);
    let full = || format!("{out} {inw}");
    if !inward_shape {
        // Overseas territories with their own numbering.
        return overseas(s);
    }
    if out == "ZZ99" {
        let kind = if (b'4'..=b'8').contains(&inw.as_bytes()[0]) {
            SpecialKind::PseudoCountry
        } else {
            SpecialKind::PseudoUnknown
        };
        return special(kind, full());
    }
    if out == "BF1" {
        return special(SpecialKind::Bfpo, full());
    }
    let area: String = out.chars().take_while(char::is_ascii_uppercase).collect();
    let rest = &out[area.len()..];
    let district_shape = !rest.is_empty() && rest.as_bytes()[0].is_ascii_digit() && rest.len() <= 2;
    if (area == "BX" || area == "XX") && district_shape {
        return special(SpecialKind::NonGeographicArea, full());
    }
    if area == "NPT" && (rest.is_empty() || district_shape) {
        return special(SpecialKind::LegacyFormat, full());
    }
    overseas(s)
}

/// Overseas territories whose codes do not follow the UK inward pattern.
fn overseas(s: &str) -> Option<Special> {
    let b = s.as_bytes();
    let all_digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    let canonical = match b {
        // Cayman Islands: KY1-1102
        [b'K', b'Y', d, rest @ ..] if d.is_ascii_digit() && rest.len() == 4 && all_digits(rest) => {
            format!("KY{}-{}", *d as char, &s[3..])
        }
        // British Virgin Islands: VG1110
        [b'V', b'G', rest @ ..] if rest.len() == 4 && all_digits(rest) => s.to_string(),
        // Montserrat: MSR 1110
        [b'M', b'S', b'R', rest @ ..] if rest.len() == 4 && all_digits(rest) => {
            format!("MSR {}", &s[3..])
        }
        // Anguilla: AI-2640
        [b'A', b'I', rest @ ..] if rest.len() == 4 && all_digits(rest) => format!("AI-{}", &s[2..]),
        // Bermuda (Hamilton): HM 12, HM BX
        [b'H', b'M', x, y]
            if (x.is_ascii_digit() && y.is_ascii_digit())
                || (x.is_ascii_uppercase() && y.is_ascii_uppercase()) =>
        {
            format!("HM {}", &s[2..])
        }
        _ => return None,
    };
    Some(Special {
        kind: SpecialKind::OverseasTerritory,
        canonical,
    })
}
