//! Character-level cleaning: from whatever was typed to the compact upper-case letters and digits.

use super::PostcodeError;
use unicode_normalization::UnicodeNormalization;

/// The most characters a compact postcode has.
pub(crate) const MAX_LEN: usize = 7;

/// Up to [`MAX_LEN`] upper-case ASCII letters and digits, no space; `len` counts every letter and
/// digit seen, so it can exceed `MAX_LEN` (only the first seven are stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Compact {
    pub bytes: [u8; MAX_LEN],
    pub len: usize,
}

impl Compact {
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len.min(MAX_LEN)]
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever pushed.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    fn push(&mut self, b: u8) {
        if self.len < MAX_LEN {
            self.bytes[self.len] = b;
        }
        self.len += 1;
    }
}

/// Quotes, brackets and sentence punctuation that are trimmed from the ends of a value.
fn is_edge_punctuation(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | ','
            | '.'
            | ';'
            | ':'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{00AB}'
            | '\u{00BB}'
    )
}

/// Hyphens and dashes, dropped anywhere inside a value.
fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Invisible format characters (BOM, zero-width space and joiners, soft hyphen, direction marks).
fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
    )
}

fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || is_edge_punctuation(c) || is_format_char(c)
}

/// Clean `input` to its compact letters and digits.
///
/// Errors only with [`PostcodeError::BadCharacter`] or [`PostcodeError::Empty`]; the length is
/// checked by the caller.
pub(crate) fn clean(input: &str) -> Result<Compact, PostcodeError> {
    match clean_ascii(input.as_bytes()) {
        Some(result) => result,
        None => clean_unicode(input),
    }
}

/// Drop format characters, apply NFKC, then clean character by character.
fn clean_unicode(input: &str) -> Result<Compact, PostcodeError> {
    let stripped: String = input.chars().filter(|c| !is_format_char(*c)).collect();
    let normalised: String = stripped.nfkc().collect();
    clean_chars(normalised.chars())
}

/// The same rules as [`clean_chars`] on ASCII bytes, without decoding characters; `None` when
/// the input has a non-ASCII byte (then the Unicode path runs).
fn clean_ascii(bytes: &[u8]) -> Option<Result<Compact, PostcodeError>> {
    let trimmed = |b: &u8| !b.is_ascii_alphanumeric() && b.is_ascii() && is_trimmed(*b as char);
    let start = bytes
        .iter()
        .position(|b| !trimmed(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !trimmed(b))
        .map_or(start, |i| i + 1);
    let mut compact = Compact {
        bytes: [0; MAX_LEN],
        len: 0,
    };
    let mut bad = None;
    for &b in &bytes[start..end] {
        match b {
            b'A'..=b'Z' | b'0'..=b'9' => compact.push(b),
            b'a'..=b'z' => compact.push(b.to_ascii_uppercase()),
            b'\t'..=b'\r' | b' ' | b'-' => {}
            0x80.. => return None,
            other => {
                bad.get_or_insert(other);
            }
        }
    }
    if !bytes[..start].is_ascii() || !bytes[end..].is_ascii() {
        return None;
    }
    Some(match bad {
        Some(b) => Err(PostcodeError::BadCharacter(b as char)),
        None if compact.len == 0 => Err(PostcodeError::Empty),
        None => Ok(compact),
    })
}

fn clean_chars<I>(chars: I) -> Result<Compact, PostcodeError>
where
    I: DoubleEndedIterator<Item = char> + Clone,
{
    let mut compact = Compact {
        bytes: [0; MAX_LEN],
        len: 0,
    };
    // Trim from the end by finding how many trailing characters to skip.
    let trailing = chars.clone().rev().take_while(|c| is_trimmed(*c)).count();
    let total = chars.clone().count();
    let mut leading = true;
    for (i, c) in chars.enumerate() {
        if i >= total - trailing {
            break;
        }
        if leading && is_trimmed(c) {
            continue;
        }
        leading = false;
        match c {
            'A'..='Z' | '0'..='9' => compact.push(c as u8),
            'a'..='z' => compact.push(c.to_ascii_uppercase() as u8),
            c if c.is_whitespace() || is_hyphen(c) || is_format_char(c) => {}
            c => return Err(PostcodeError::BadCharacter(c)),
        }
    }
    if compact.len == 0 {
        return Err(PostcodeError::Empty);
    }
    Ok(compact)
}

/// The shape of compact letters and digits: `A` for a letter, `9` for a digit.
pub(crate) fn shape_of(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| if b.is_ascii_digit() { '9' } else { 'A' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_edges_and_drops_inner_spacing() {
        assert_eq!(
            clean("  'sw1a - 1aa', ").map(|c| c.as_str().to_string()),
            Ok("SW1A1AA".into())
        );
        assert_eq!(
            clean("\u{FEFF}SW1A\u{00A0}1AA").map(|c| c.as_str().to_string()),
            Ok("SW1A1AA".into())
        );
    }

    #[test]
    fn counts_past_seven() {
        let c = clean("SW1A1AA SW1A2AA").expect("letters only");
        assert_eq!(c.len, 14);
        assert_eq!(c.as_str(), "SW1A1AA");
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_path() {
        for s in [
            "  'sw1a - 1aa', ",
            "SW1A 1A@",
            "",
            " \t ",
            "[EC1A 1BB]",
            "a.b",
            "SW1A\x0b1AA",
            "\"\"",
        ] {
            assert_eq!(
                clean_ascii(s.as_bytes()),
                Some(clean_chars(s.chars())),
                "{s:?}"
            );
        }
    }

    #[test]
    fn non_ascii_anywhere_takes_the_unicode_path() {
        assert_eq!(clean_ascii("SW1A\u{00A0}1AA".as_bytes()), None);
        assert_eq!(clean_ascii("SW1A 1AA\u{FEFF}".as_bytes()), None);
        assert_eq!(
            clean("SW1A @\u{00C0}"),
            Err(PostcodeError::BadCharacter('@'))
        );
    }

    #[test]
    fn empty_and_bad() {
        assert_eq!(clean(" ''  "), Err(PostcodeError::Empty));
        assert_eq!(clean("\u{3000}"), Err(PostcodeError::Empty));
        assert_eq!(clean("SW1A 1A@"), Err(PostcodeError::BadCharacter('@')));
        assert_eq!(
            clean("E1 6\u{00C0}N"),
            Err(PostcodeError::BadCharacter('\u{00C0}'))
        );
    }
}
