//! Name tidying, an optional step of the clean job: a name typed all in capitals or all in
//! small letters is written in title case with the UK's usual rules (`McDonald`, `O'Brien`,
//! `Anne-Marie`, `MacLeod` but `Mackenzie` and `Mack`, from `data/names/name_case.csv`); a name
//! typed in mixed case is the person's own spelling and is kept. Spaces are tidied and curly
//! apostrophes written straight. Accents are always kept. Digits and punctuation other than
//! hyphens, apostrophes and full stops are flagged, never removed.
//!
//! ```
//! use heat_core::name_case::{tidy_name, NameFlag};
//! assert_eq!(tidy_name("ZOË  O’BRIEN-MCDONALD").text, "Zoë O'Brien-McDonald");
//! assert_eq!(tidy_name("DeVito").text, "DeVito"); // mixed case: as typed
//! assert_eq!(tidy_name("j0hn").flags, vec![NameFlag::Digits]);
//! ```

use crate::error::codes;
use std::collections::HashMap;

use once_cell::sync::Lazy;
#[cfg(feature = "serde")]
use serde::Serialize;

/// Something about a name a person should look at.
///
/// ```
/// use heat_core::name_case::{tidy_name, NameFlag};
/// assert_eq!(tidy_name("Sam/Sammy").flags, vec![NameFlag::Punctuation]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NameFlag {
    /// It holds a digit (`J0hn`, `Amelia2`).
    Digits,
    /// It holds punctuation a name does not (`Ann!`, `Lee,`, `Sam/Sammy`).
    Punctuation,
}

codes!(NameFlag {
    Self::Digits => "digits_in_name",
    Self::Punctuation => "punctuation_in_name",
});

impl NameFlag {
    /// The flag's problem code.
    ///
    /// ```
    /// assert_eq!(heat_core::name_case::NameFlag::Digits.code(), "digits_in_name");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }
}

/// A name after tidying.
///
/// ```
/// let t = heat_core::name_case::tidy_name("  ANNE-MARIE ");
/// assert_eq!((t.text.as_str(), t.changed, t.flags.len()), ("Anne-Marie", true, 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct TidiedName {
    /// The name as it should be written.
    pub text: String,
    /// Whether that differs from what was typed (beyond spaces at the ends).
    pub changed: bool,
    /// What a person should look at.
    pub flags: Vec<NameFlag>,
}

/// How names typed in one case are written: the embedded exceptions, to which a team may add.
///
/// ```
/// use heat_core::name_case::NameCase;
/// assert_eq!(NameCase::embedded().tidy("mcdonald").text, "McDonald");
/// ```
#[derive(Debug, Clone)]
pub struct NameCase {
    exceptions: HashMap<String, String>,
}

static EMBEDDED: Lazy<NameCase> = Lazy::new(|| {
    let mut c = NameCase {
        exceptions: HashMap::new(),
    };
    c.add_csv(include_str!("../data/names/name_case.csv"));
    c
});

impl NameCase {
    /// The embedded rules (`data/names/name_case.csv`).
    ///
    /// ```
    /// assert_eq!(heat_core::name_case::NameCase::embedded().tidy("MACKENZIE").text, "Mackenzie");
    /// ```
    pub fn embedded() -> &'static NameCase {
        &EMBEDDED
    }

    /// The embedded rules with a team's own `name,written` rows added (theirs win).
    ///
    /// ```
    /// use heat_core::name_case::NameCase;
    /// let c = NameCase::with_exceptions("name,written\nmackenzie,MacKenzie\n");
    /// assert_eq!(c.tidy("MACKENZIE").text, "MacKenzie");
    /// ```
    pub fn with_exceptions(csv: &str) -> NameCase {
        let mut c = EMBEDDED.clone();
        c.add_csv(csv);
        c
    }

    fn add_csv(&mut self, csv: &str) {
        for line in csv.lines().skip(1) {
            if let Some((name, written)) = line.split_once(',') {
                let (name, written) = (name.trim(), written.trim());
                if !name.is_empty() && written.to_lowercase() == name.to_lowercase() {
                    self.exceptions
                        .insert(name.to_lowercase(), written.to_string());
                }
            }
        }
    }

    /// Tidies one name (see the module docs).
    ///
    /// ```
    /// let c = heat_core::name_case::NameCase::embedded();
    /// assert_eq!(c.tidy("mary ann o'neill").text, "Mary Ann O'Neill");
    /// assert_eq!(c.tidy("MACLEOD").text, "MacLeod");
    /// assert_eq!(c.tidy("MACEY").text, "Macey");
    /// assert!(!c.tidy(" Anne-Marie ").changed);
    /// ```
    pub fn tidy(&self, raw: &str) -> TidiedName {
        let spaced = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(['\u{2019}', '\u{2018}', '\u{02BC}', '`'], "'");
        let letters: Vec<char> = spaced.chars().filter(|c| c.is_alphabetic()).collect();
        let one_case =
            letters.iter().all(|c| !c.is_lowercase()) || letters.iter().all(|c| !c.is_uppercase());
        let text = if one_case && !letters.is_empty() {
            self.title_case(&spaced)
        } else {
            spaced
        };
        let mut flags = Vec::new();
        if text.chars().any(|c| c.is_numeric()) {
            flags.push(NameFlag::Digits);
        }
        if text
            .chars()
            .any(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '.') || is_mark(c)))
        {
            flags.push(NameFlag::Punctuation);
        }
        TidiedName {
            changed: text != raw.trim(),
            text,
            flags,
        }
    }

    /// Title case, part by part: parts are split at spaces, hyphens and apostrophes. A part
    /// after an apostrophe gets a capital when the part before is one letter (`O'Brien`,
    /// `D'Arcy`), not otherwise (`Jame's`).
    fn title_case(&self, name: &str) -> String {
        let mut out = String::with_capacity(name.len());
        let (mut part, mut before) = (String::new(), String::new());
        let mut after_apostrophe = false;
        let write = |part: &str, before: &str, after_apostrophe: bool, out: &mut String| {
            if after_apostrophe && before.chars().count() > 1 {
                out.push_str(part);
            } else {
                out.push_str(&self.part(part));
            }
        };
        for c in name.chars() {
            if matches!(c, ' ' | '-' | '\'') {
                write(&part, &before, after_apostrophe, &mut out);
                out.push(c);
                before = std::mem::take(&mut part);
                after_apostrophe = c == '\'';
            } else {
                part.extend(c.to_lowercase());
            }
        }
        write(&part, &before, after_apostrophe, &mut out);
        out
    }

    /// One part of a name, small letters in, written out.
    fn part(&self, lower: &str) -> String {
        if let Some(w) = self.exceptions.get(lower) {
            return w.clone();
        }
        let mut chars = lower.chars();
        let Some(first) = chars.next() else {
            return String::new();
        };
        let rest: String = chars.collect();
        let capital = |s: &str| -> String {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        };
        if let Some(after) = lower.strip_prefix("mc") {
            if after.chars().count() >= 2 && after.chars().all(char::is_alphabetic) {
                return format!("Mc{}", capital(after));
            }
        }
        first.to_uppercase().chain(rest.chars()).collect()
    }
}

/// A combining mark (an accent typed as its own character).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// [`NameCase::tidy`] with the embedded rules.
///
/// ```
/// assert_eq!(heat_core::name_case::tidy_name("ANNE-MARIE").text, "Anne-Marie");
/// ```
pub fn tidy_name(raw: &str) -> TidiedName {
    EMBEDDED.tidy(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        tidy_name(s).text
    }

    #[test]
    fn one_case_names_are_title_cased_by_uk_rules() {
        assert_eq!(t("MCDONALD"), "McDonald");
        assert_eq!(t("mcintosh"), "McIntosh");
        assert_eq!(t("MC"), "Mc");
        assert_eq!(t("O'BRIEN"), "O'Brien");
        assert_eq!(t("d'arcy"), "D'Arcy");
        assert_eq!(t("JAME'S"), "Jame's");
        assert_eq!(t("SMITH-JONES"), "Smith-Jones");
        assert_eq!(t("MACDONALD"), "MacDonald");
        assert_eq!(t("MACHIN"), "Machin");
        assert_eq!(t("MACBETH"), "Macbeth");
        assert_eq!(t("ÉLODIE"), "Élodie");
        assert_eq!(t("ŁUKASZ"), "Łukasz");
        assert_eq!(t("siobhán ní bhriain"), "Siobhán Ní Bhriain");
        assert_eq!(t("  ann   lee "), "Ann Lee");
        assert_eq!(t(""), "");
    }

    #[test]
    fn mixed_case_is_the_persons_own_spelling() {
        assert_eq!(t("McDonald"), "McDonald");
        assert_eq!(t("Mackenzie"), "Mackenzie");
        assert_eq!(t("DeShawn"), "DeShawn");
        assert!(!tidy_name("Anne-Marie").changed);
        assert!(tidy_name("O’Brien").changed); // the apostrophe written straight
        assert_eq!(t("O’Brien"), "O'Brien");
    }

    #[test]
    fn digits_and_stray_punctuation_are_flagged_not_removed() {
        let n = tidy_name("AMELIA2");
        assert_eq!(
            (n.text.as_str(), n.flags.as_slice()),
            ("Amelia2", &[NameFlag::Digits][..])
        );
        assert_eq!(tidy_name("Sam/Sammy").flags, vec![NameFlag::Punctuation]);
        assert_eq!(tidy_name("J. R.").flags, vec![]);
        assert_eq!(tidy_name("Zoe\u{0308}").flags, vec![]); // a combining diaeresis is an accent
        assert_eq!(
            tidy_name("L33!").flags,
            vec![NameFlag::Digits, NameFlag::Punctuation]
        );
    }
}
