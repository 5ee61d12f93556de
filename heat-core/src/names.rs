//! Person names: normalisation, Jaro-Winkler similarity and the nickname table.
//!
//! Everything here works on names after [`normalise_name`], so "  O'Brien-Smith ", "OBRIEN SMITH"
//! and "Ó Brien Smith" compare alike.
//!
//! ```
//! use heat_core::names::{normalise_name, jaro_winkler, nicknames};
//! assert_eq!(normalise_name("  Zoë O’Brien-Smith "), "zoe obrien smith");
//! assert!(jaro_winkler("martha", "marhta") > 0.96);
//! assert!(nicknames().equivalent("alfie", "alfred"));
//! ```

use crate::error::codes;
use std::collections::HashMap;
use std::io::Read;

use once_cell::sync::Lazy;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Given names common among UK children (`data/names/given_names.txt`), normalised.
static GIVEN_NAMES: Lazy<std::collections::HashSet<String>> = Lazy::new(|| {
    include_str!("../data/names/given_names.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(normalise_name)
        .collect()
});

/// Whether `name` (normalised) is a common UK given name or a name of the nickname table: a real
/// name, not a typing slip (`data/names/SOURCE.md`).
///
/// ```
/// use heat_core::names::is_known_given_name;
/// assert!(is_known_given_name("ayden") && is_known_given_name("aiden") && is_known_given_name("william"));
/// assert!(!is_known_given_name("aidne"));
/// ```
pub fn is_known_given_name(name: &str) -> bool {
    GIVEN_NAMES.contains(name)
        || nicknames().canonicals.contains_key(name)
        || nicknames()
            .canonicals
            .values()
            .any(|c| c.iter().any(|x| x == name))
}

/// How alike (Jaro-Winkler, after [`normalise_name`]) a typed label must be to a known one for
/// heatkit to suggest it ("did you mean ...?"): used for upload headers and activity types.
pub const SUGGESTION_SIMILARITY: f64 = 0.85;

/// The known label most like `typed`, if one is at least [`SUGGESTION_SIMILARITY`] alike (ties:
/// the first). Labels are compared after [`normalise_name`], with spaces and underscores alike.
///
/// ```
/// use heat_core::names::closest;
/// assert_eq!(closest("Frist Name", ["first_name", "last_name"]), Some("first_name"));
/// assert_eq!(closest("colour", ["first_name", "last_name"]), None);
/// assert_eq!(closest("Yaer grop", ["year_group"]), Some("year_group"));
/// ```
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let t = label_key(typed);
    let mut best: Option<(f64, &'a str)> = None;
    for k in known {
        let score = jaro_winkler(&t, &label_key(k));
        if score >= SUGGESTION_SIMILARITY && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k)
}

/// A label as [`closest`] compares it: spaces and underscores alike, then [`normalise_name`].
pub(crate) fn label_key(label: &str) -> String {
    normalise_name(&label.replace('_', " "))
}

/// Whether two labels, each already through [`label_key`], are alike enough to suggest one for
/// the other (the rule of [`closest`], for callers that key their labels once).
#[cfg_attr(not(feature = "import"), allow(dead_code))]
pub(crate) fn keys_alike(a: &str, b: &str) -> bool {
    jaro_winkler(a, b) >= SUGGESTION_SIMILARITY
}

/// Normalises a person's name for comparison: NFKD with accents dropped, letters that do not
/// decompose mapped to ASCII (ł→l, ß→ss, æ→ae, ø→o, …), lower case, apostrophes removed, hyphens,
/// dots and other punctuation turned into spaces, whitespace collapsed and trimmed.
///
/// Letters of other scripts are kept (lower-cased). An empty result means the name is missing.
///
/// ```
/// use heat_core::names::normalise_name;
/// assert_eq!(normalise_name("ANNE-MARIE"), "anne marie");
/// assert_eq!(normalise_name("D'Arcy"), "darcy");
/// assert_eq!(normalise_name("Skowroński"), "skowronski");
/// assert_eq!(normalise_name("Łukasz"), "lukasz");
/// assert_eq!(normalise_name(" \t "), "");
/// ```
pub fn normalise_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    if raw.is_ascii() {
        for b in raw.bytes() {
            push_ascii(&mut out, b);
        }
    } else {
        for c in raw.nfkd() {
            if is_combining_mark(c) || is_format(c) {
                continue;
            }
            if c.is_ascii() {
                push_ascii(&mut out, c as u8);
            } else if let Some(mapped) = fold_letter(c) {
                out.push_str(mapped);
            } else if is_apostrophe(c) {
            } else if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else {
                push_space(&mut out);
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn push_ascii(out: &mut String, b: u8) {
    match b {
        b'a'..=b'z' | b'0'..=b'9' => out.push(b as char),
        b'A'..=b'Z' => out.push(b.to_ascii_lowercase() as char),
        b'\'' | b'`' => {}
        _ => push_space(out),
    }
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02B9}' | '\u{00B4}' | '\u{2032}'
    )
}

fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{00AD}' | '\u{2060}'
    )
}

/// Latin letters that NFKD does not split into a base letter and a mark.
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ł' | 'Ł' => "l",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ı' => "i",
        'þ' | 'Þ' => "th",
        'ħ' | 'Ħ' => "h",
        _ => return None,
    })
}

/// Jaro-Winkler similarity of two strings, from 0.0 (nothing alike) to 1.0 (equal), with the usual
/// prefix scale 0.1 over at most four characters. Two empty strings score 1.0.
///
/// ```
/// use heat_core::names::jaro_winkler;
/// assert_eq!(jaro_winkler("smith", "smith"), 1.0);
/// assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 0.001);
/// assert_eq!(jaro_winkler("abc", "xyz"), 0.0);
/// ```
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        jaro_winkler_slices(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        jaro_winkler_slices(&a, &b)
    }
}

fn jaro_winkler_slices<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    with_prefix(jaro(a, b), a, b)
}

/// Jaro-Winkler from Jaro: the prefix the two share (at most four characters) scaled by 0.1.
fn with_prefix<T: PartialEq>(jaro: f64, a: &[T], b: &[T]) -> f64 {
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

fn jaro<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (m, transpositions) = if a.len() <= 64 && b.len() <= 64 {
        jaro_counts_short(a, b, window)
    } else {
        jaro_counts_long(a, b, window)
    };
    jaro_of_counts(m, transpositions, a.len(), b.len())
}

/// Jaro from the characters matched and half-transpositions, for strings of these lengths.
fn jaro_of_counts(m: usize, transpositions: usize, a_len: usize, b_len: usize) -> f64 {
    if m == 0 {
        return 0.0;
    }
    let m = m as f64;
    let t = (transpositions / 2) as f64;
    (m / a_len as f64 + m / b_len as f64 + (m - t) / m) / 3.0
}

/// [`jaro_winkler`] of one string against many, each score the same as `jaro_winkler(key,
/// other)`: for ASCII strings of at most 128 characters the other string's characters are
/// found by bit masks of their positions (one pass over each string), not by searching the
/// window.
#[cfg(feature = "schools")]
pub(crate) struct JaroWinklerOf<'k> {
    key: &'k str,
    /// Where each ASCII character is in the string being compared; all zero between calls.
    positions: [u128; 128],
}

#[cfg(feature = "schools")]
impl<'k> JaroWinklerOf<'k> {
    pub(crate) fn new(key: &'k str) -> JaroWinklerOf<'k> {
        JaroWinklerOf {
            key,
            positions: [0; 128],
        }
    }

    /// `jaro_winkler(key, other)`.
    pub(crate) fn score(&mut self, other: &str) -> f64 {
        let (a, b) = (self.key.as_bytes(), other.as_bytes());
        if !(self.key.is_ascii() && other.is_ascii()) || a.len() > 128 || b.len() > 128 {
            return jaro_winkler(self.key, other);
        }
        if a.is_empty() || b.is_empty() {
            return jaro_winkler_slices(a, b);
        }
        let window = (a.len().max(b.len()) / 2).saturating_sub(1);
        for (j, &y) in b.iter().enumerate() {
            self.positions[usize::from(y)] |= 1 << j;
        }
        let (mut a_used, mut b_used) = (0u128, 0u128);
        for (i, &x) in a.iter().enumerate() {
            let lo = i.saturating_sub(window);
            let hi = (i + window + 1).min(b.len());
            if lo >= hi {
                continue;
            }
            // Positions lo..hi, the first unused one holding x: as the window search finds it.
            let in_window = (u128::MAX >> (128 - hi)) & (u128::MAX << lo);
            let free = self.positions[usize::from(x)] & !b_used & in_window;
            if free != 0 {
                b_used |= free & free.wrapping_neg();
                a_used |= 1 << i;
            }
        }
        for &y in b {
            self.positions[usize::from(y)] = 0;
        }
        let jaro = jaro_of_counts(
            a_used.count_ones() as usize,
            transpositions(a, b, a_used, b_used),
            a.len(),
            b.len(),
        );
        with_prefix(jaro, a, b)
    }
}

/// Matches and half-transpositions for strings of at most 64 characters, with bit masks.
fn jaro_counts_short<T: PartialEq>(a: &[T], b: &[T], window: usize) -> (usize, usize) {
    let (mut a_used, mut b_used) = (0u64, 0u64);
    for (i, x) in a.iter().enumerate() {
        let hi = (i + window + 1).min(b.len());
        let lo = i.saturating_sub(window);
        for (j, y) in b.iter().enumerate().take(hi).skip(lo) {
            if b_used & (1 << j) == 0 && y == x {
                b_used |= 1 << j;
                a_used |= 1 << i;
                break;
            }
        }
    }
    (
        a_used.count_ones() as usize,
        transpositions(a, b, a_used.into(), b_used.into()),
    )
}

/// Half-transpositions: the matched characters of `a` and of `b`, read in order, that differ.
fn transpositions<T: PartialEq>(a: &[T], b: &[T], a_used: u128, b_used: u128) -> usize {
    let mut count = 0;
    let mut b_rest = b_used;
    let mut a_rest = a_used;
    while a_rest != 0 {
        let i = a_rest.trailing_zeros() as usize;
        let j = b_rest.trailing_zeros() as usize;
        if a[i] != b[j] {
            count += 1;
        }
        a_rest &= a_rest - 1;
        b_rest &= b_rest - 1;
    }
    count
}

fn jaro_counts_long<T: PartialEq>(a: &[T], b: &[T], window: usize) -> (usize, usize) {
    let mut b_used = vec![false; b.len()];
    let mut a_matched: Vec<usize> = Vec::with_capacity(a.len().min(b.len()));
    for (i, x) in a.iter().enumerate() {
        let hi = (i + window + 1).min(b.len());
        let lo = i.saturating_sub(window);
        for (j, y) in b.iter().enumerate().take(hi).skip(lo) {
            if !b_used[j] && y == x {
                b_used[j] = true;
                a_matched.push(i);
                break;
            }
        }
    }
    let b_positions = b_used.iter().enumerate().filter(|(_, used)| **used);
    let transpositions = a_matched
        .iter()
        .zip(b_positions)
        .filter(|(&i, (j, _))| a[i] != b[*j])
        .count();
    (a_matched.len(), transpositions)
}

/// Optimal-string-alignment distance (Damerau-Levenshtein with one edit per substring), capped:
/// returns `limit + 1` as soon as the distance is known to exceed `limit`.
///
/// ```
/// use heat_core::names::edit_distance_within;
/// assert_eq!(edit_distance_within("SY11AZ", "SY11ZA", 2), 1);
/// assert_eq!(edit_distance_within("135290", "135590", 2), 1);
/// assert_eq!(edit_distance_within("abc", "xyz", 1), 2);
/// ```
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    if limit == 1 {
        return within_one_edit(a, b);
    }
    const SHORT: usize = 32;
    if b.len() < SHORT {
        // Names and postcodes: three rows on the stack, no allocation.
        let mut rows = [[0usize; SHORT]; 3];
        osa(a, b, limit, &mut rows)
    } else {
        let row = || vec![0usize; b.len() + 1];
        let mut rows = [row(), row(), row()];
        osa(a, b, limit, &mut rows)
    }
}

/// The optimal-string-alignment distance capped at 2 (0, 1 or "more than one"), in one pass:
/// past the common prefix, one substitution, one swap of neighbours or one extra letter must
/// leave equal rests. The matching runs ask this of millions of postcode, school and name pairs.
fn within_one_edit(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let one = if a.len() == b.len() {
        if p == a.len() {
            return 0;
        }
        a.get(p + 1..) == b.get(p + 1..)
            || (a.get(p + 1) == b.get(p)
                && a.get(p) == b.get(p + 1)
                && a.get(p + 2..) == b.get(p + 2..))
    } else {
        a.get(p..) == b.get(p + 1..)
    };
    if one {
        1
    } else {
        2
    }
}

/// Optimal string alignment over three rolling rows of at least `b.len() + 1` cells.
fn osa<R: AsMut<[usize]>>(a: &[u8], b: &[u8], limit: usize, rows: &mut [R; 3]) -> usize {
    let n = b.len();
    let [prev2, prev, cur] = rows;
    let (mut prev2, mut prev, mut cur) = (prev2.as_mut(), prev.as_mut(), cur.as_mut());
    for (j, cell) in prev.iter_mut().enumerate().take(n + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n].min(limit + 1)
}

/// American Soundex code of a name (letter and three digits), or `None` when the name has no
/// ASCII letter. Used as a "sounds alike" hint for spelling variants (Leah / Lia).
///
/// ```
/// use heat_core::names::soundex;
/// assert_eq!(soundex("Robert").as_deref(), Some("R163"));
/// assert_eq!(soundex("Rupert").as_deref(), Some("R163"));
/// assert_eq!(soundex("Ashcraft").as_deref(), Some("A261"));
/// assert_eq!(soundex("Tymczak").as_deref(), Some("T522"));
/// assert_eq!(soundex("leah"), soundex("lia"));
/// assert_eq!(soundex("123"), None);
/// ```
pub fn soundex(name: &str) -> Option<String> {
    let code = |c: u8| -> u8 {
        match c {
            b'b' | b'f' | b'p' | b'v' => b'1',
            b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
            b'd' | b't' => b'3',
            b'l' => b'4',
            b'm' | b'n' => b'5',
            b'r' => b'6',
            b'h' | b'w' => b'h',
            _ => b'0',
        }
    };
    let mut letters = name
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase());
    let first = letters.next()?;
    let mut out = vec![first.to_ascii_uppercase()];
    let mut last = code(first);
    for c in letters {
        let d = code(c);
        if d == b'h' {
            continue;
        }
        if d != b'0' && d != last {
            out.push(d);
            if out.len() == 4 {
                break;
            }
        }
        last = d;
    }
    out.resize(4, b'0');
    String::from_utf8(out).ok()
}

/// A nickname table: which canonical first names each name is a nickname of.
///
/// ```
/// use heat_core::names::NicknameTable;
/// let table = NicknameTable::from_csv_reader("name1,relationship,name2\nmargaret,has_nickname,peggy\n".as_bytes()).unwrap();
/// assert!(table.equivalent("Peggy", "MARGARET"));
/// assert!(!table.equivalent("peggy", "mary"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct NicknameTable {
    canonicals: HashMap<String, Vec<String>>,
}

/// A problem reading a nickname table.
///
/// ```
/// use heat_core::{names::NicknameTable, HeatError};
/// let e = NicknameTable::from_csv_reader("a,b,c\nWilliam,Bill\n".as_bytes()).unwrap_err();
/// assert_eq!(e.code(), "bad_nickname_row");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum NicknameTableError {
    /// The CSV could not be read or a row has fewer than three columns.
    #[error("nickname table row {row}: {reason}")]
    BadRow {
        /// Spreadsheet row (the header is row 1).
        row: usize,
        /// What was wrong.
        reason: String,
    },
}

codes!(NicknameTableError {
    _ => "bad_nickname_row",
});

impl crate::HeatError for NicknameTableError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::Activity
    }
}

impl NicknameTable {
    /// Reads `name1,relationship,name2` rows (a header row first) where `name1` is a canonical name
    /// and `name2` one of its nicknames. Names are normalised; rows whose relationship is not
    /// `has_nickname` are ignored.
    ///
    /// ```
    /// use heat_core::names::NicknameTable;
    /// let t = NicknameTable::from_csv_reader("a,b,c\nWilliam,has_nickname,Bill\n".as_bytes()).unwrap();
    /// assert_eq!(t.canonical_forms("bill"), vec!["bill".to_string(), "william".to_string()]);
    /// ```
    pub fn from_csv_reader<R: Read>(reader: R) -> Result<Self, NicknameTableError> {
        let mut table = NicknameTable::default();
        table.extend_from_csv(reader)?;
        Ok(table)
    }

    fn extend_from_csv<R: Read>(&mut self, reader: R) -> Result<(), NicknameTableError> {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        for (i, rec) in csv.records().enumerate() {
            let rec = rec.map_err(|e| NicknameTableError::BadRow {
                row: crate::rows::of_csv_error(&e, i),
                reason: e.to_string(),
            })?;
            let (Some(canonical), Some(rel), Some(nick)) = (rec.get(0), rec.get(1), rec.get(2))
            else {
                return Err(NicknameTableError::BadRow {
                    row: crate::rows::of_record(&rec, i),
                    reason: "expected three columns: name1,relationship,name2".into(),
                });
            };
            if rel.trim() != "has_nickname" {
                continue;
            }
            let (canonical, nick) = (normalise_name(canonical), normalise_name(nick));
            if canonical.is_empty() || nick.is_empty() || canonical == nick {
                continue;
            }
            let entry = self.canonicals.entry(nick).or_default();
            if !entry.contains(&canonical) {
                entry.push(canonical);
            }
        }
        for v in self.canonicals.values_mut() {
            v.sort();
        }
        Ok(())
    }

    /// The name itself (normalised) followed by the canonical names it is a nickname of, sorted.
    ///
    /// ```
    /// use heat_core::names::nicknames;
    /// assert!(nicknames().canonical_forms("Freddie").contains(&"frederick".to_string()));
    /// assert_eq!(nicknames().canonical_forms("Zebedee"), vec!["zebedee".to_string()]);
    /// ```
    pub fn canonical_forms(&self, name: &str) -> Vec<String> {
        let name = normalise_name(name);
        let mut out = self.canonicals.get(&name).cloned().unwrap_or_default();
        out.retain(|c| *c != name);
        out.insert(0, name);
        out
    }

    /// Canonical names that `normalised` (already normalised) is a nickname of.
    #[cfg_attr(not(feature = "matching"), allow(dead_code))]
    pub(crate) fn canonicals_of(&self, normalised: &str) -> &[String] {
        self.canonicals
            .get(normalised)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether two first names share a canonical form (equal names are equivalent).
    ///
    /// ```
    /// use heat_core::names::nicknames;
    /// assert!(nicknames().equivalent("Millie", "Amelia"));
    /// assert!(nicknames().equivalent("Bob", "Robert"));
    /// assert!(!nicknames().equivalent("Olivia", "Sophie"));
    /// ```
    pub fn equivalent(&self, a: &str, b: &str) -> bool {
        let a = self.canonical_forms(a);
        let b = self.canonical_forms(b);
        a.iter().any(|x| b.contains(x))
    }

    /// Number of nicknames in the table.
    ///
    /// ```
    /// assert!(heat_core::names::nicknames().len() > 1000);
    /// ```
    pub fn len(&self) -> usize {
        self.canonicals.len()
    }

    /// Whether the table is empty.
    ///
    /// ```
    /// assert!(!heat_core::names::nicknames().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.canonicals.is_empty()
    }
}

#[allow(clippy::expect_used)] // embedded data, not input: parsed by a unit test on every build
static NICKNAMES: Lazy<NicknameTable> = Lazy::new(|| {
    let mut table = NicknameTable::default();
    table
        .extend_from_csv(include_str!("../data/names/nicknames.csv").as_bytes())
        .expect("data/names/nicknames.csv is valid (tested)");
    table
        .extend_from_csv(include_str!("../data/names/uk_nicknames.csv").as_bytes())
        .expect("data/names/uk_nicknames.csv is valid (tested)");
    table
});

/// The embedded nickname table: the `nicknames` package's table plus UK forms
/// (`data/names/SOURCE.md`).
///
/// ```
/// assert!(heat_core::names::nicknames().equivalent("ellie", "eleanor"));
/// ```
pub fn nicknames() -> &'static NicknameTable {
    &NICKNAMES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse_completely() {
        let mut t = NicknameTable::default();
        t.extend_from_csv(include_str!("../data/names/nicknames.csv").as_bytes())
            .unwrap();
        t.extend_from_csv(include_str!("../data/names/uk_nicknames.csv").as_bytes())
            .unwrap();
        assert_eq!(t.len(), nicknames().len());
        for (nick, canon) in [
            ("alfie", "alfred"),
            ("millie", "amelia"),
            ("freddie", "frederick"),
            ("jamie", "james"),
            ("ray", "raymond"),
            ("amy", "amelia"),
            ("georgie", "george"),
        ] {
            assert!(nicknames().equivalent(nick, canon), "{nick} {canon}");
        }
    }

    #[test]
    fn normalise_edge_cases() {
        assert_eq!(normalise_name(""), "");
        assert_eq!(normalise_name("--"), "");
        assert_eq!(normalise_name("Mc Donald."), "mc donald");
        assert_eq!(normalise_name("JOSÉ\u{200B}"), "jose");
        assert_eq!(normalise_name("Øyvind Ærø"), "oyvind aero");
        assert_eq!(normalise_name("Straße"), "strasse");
        assert_eq!(normalise_name("李 小龍"), "李 小龍");
        assert_eq!(normalise_name("ＡＭＹ"), "amy");
        assert_eq!(normalise_name("O\u{2019}Neil"), "oneil");
    }

    #[test]
    fn jaro_winkler_reference_values() {
        // Classic values from Winkler (1990).
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-4);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-4);
        assert!((jaro_winkler("jones", "johnson") - 0.8323).abs() < 1e-4);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("a", ""), 0.0);
        assert_eq!(jaro_winkler("zoë", "zoë"), 1.0);
        assert!((jaro_winkler("zoë", "zoe") - jaro_winkler("zox", "zoe")).abs() < 1e-12);
    }

    #[test]
    #[cfg(feature = "schools")]
    fn one_key_against_many_scores_as_jaro_winkler_does() {
        // Strings over a few letters (many matches and transpositions), 0 to 139 long (past the
        // 128 of the bit masks), some with a non-ASCII letter.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut words: Vec<String> = vec![String::new(), "a".into(), "saint marys".into()];
        for _ in 0..400 {
            let len = next(140) as usize;
            let mut w: String = (0..len)
                .map(|_| b"abcde "[next(6) as usize] as char)
                .collect();
            if next(10) == 0 {
                w.push('é');
            }
            words.push(w);
        }
        for key in &words {
            let mut of = JaroWinklerOf::new(key);
            for other in &words {
                let want = jaro_winkler(key, other);
                assert_eq!(
                    of.score(other).to_bits(),
                    want.to_bits(),
                    "{key:?} {other:?}"
                );
            }
        }
    }

    #[test]
    fn edit_distance_cases() {
        assert_eq!(edit_distance_within("", "", 1), 0);
        assert_eq!(edit_distance_within("WF33BY", "WF338Y", 1), 1);
        assert_eq!(edit_distance_within("ab", "ba", 1), 1);
        assert_eq!(edit_distance_within("abcd", "ab", 1), 2);
        assert_eq!(edit_distance_within("kitten", "sitting", 5), 3);
        // Past the stack rows' length.
        let long = "a".repeat(40);
        assert_eq!(
            edit_distance_within(&long, &format!("{}b", &long[1..]), 2),
            1
        );
        assert_eq!(edit_distance_within(&long, &"b".repeat(40), 2), 3);
        // The one-pass answer for a limit of one.
        assert_eq!(edit_distance_within("abc", "abc", 1), 0);
        assert_eq!(edit_distance_within("abc", "acb", 1), 1);
        assert_eq!(edit_distance_within("abc", "bca", 1), 2);
        assert_eq!(edit_distance_within("abc", "abcd", 1), 1);
        assert_eq!(edit_distance_within("abc", "xabc", 1), 1);
        assert_eq!(edit_distance_within("abcd", "axcd", 1), 1);
        assert_eq!(edit_distance_within("abcd", "axcx", 1), 2);
        assert_eq!(edit_distance_within("zoë", "zoe", 1), 2);
        assert_eq!(edit_distance_within("zoë", "zoëe", 1), 1);
    }

    #[test]
    fn one_pass_limit_of_one_equals_the_table() {
        // Every pair of strings up to four letters over a three-letter alphabet.
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|w| ['a', 'b', 'c'].map(|c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        for x in &words {
            for y in &words {
                let (a, b) = (x.as_bytes(), y.as_bytes());
                let mut rows = [[0usize; 32]; 3];
                let table = if a.len().abs_diff(b.len()) > 1 {
                    2
                } else {
                    osa(a, b, 1, &mut rows)
                };
                assert_eq!(edit_distance_within(x, y, 1), table, "{x:?} {y:?}");
            }
        }
    }
}
