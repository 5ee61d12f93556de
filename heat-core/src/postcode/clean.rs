//! Character-level cleaning: from whatever was typed to the compact upper-case letters and digits.

use super::{PostcodeError, PostcodePart};
use unicode_normalization::UnicodeNormalization;

/// The most characters a compact postcode has.
pub(crate) const MAX_LEN: usize = 7;

/// Up to [`MAX_LEN`] upper-case ASCII letters and digits, no space; `len` counts every letter and
/// digit seen, so it can exceed `MAX_LEN` (only the first seven are stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Compact {
    /// The first seven letters and digits, then a zero byte (eight bytes, so the whole form can be
    /// read as one little-endian `u64`).
    pub bytes: [u8; 8],
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
#[inline(always)]
pub(crate) fn clean(input: &str) -> Result<Compact, PostcodeError> {
    match clean_ascii(input.as_bytes()) {
        Some(result) => result,
        None => clean_unicode(input),
    }
}

/// Drop format characters, apply NFKC, then clean character by character.
#[cold]
#[inline(never)]
fn clean_unicode(input: &str) -> Result<Compact, PostcodeError> {
    let stripped: String = input.chars().filter(|c| !is_format_char(*c)).collect();
    let normalised: String = stripped.nfkc().collect();
    clean_chars(normalised.chars())
}

/// Byte classes for the ASCII path, derived from the character rules above.
const KEEP: u8 = 0;
const LOWER: u8 = 1;
const SPACE: u8 = 2;
const HYPHEN: u8 = 3;
const EDGE: u8 = 4;
const BAD: u8 = 5;
const HIGH: u8 = 6;

const fn byte_classes() -> [u8; 256] {
    let mut table = [BAD; 256];
    let mut b = 0;
    while b < 256 {
        let x = b as u8;
        table[b] = if x >= 0x80 {
            HIGH
        } else if x.is_ascii_uppercase() || x.is_ascii_digit() {
            KEEP
        } else if x.is_ascii_lowercase() {
            LOWER
        } else if matches!(x, b'\t'..=b'\r' | b' ') {
            SPACE
        } else if x == b'-' {
            HYPHEN
        } else if matches!(
            x,
            b'"' | b'\''
                | b'`'
                | b','
                | b'.'
                | b';'
                | b':'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'<'
                | b'>'
        ) {
            EDGE
        } else {
            BAD
        };
        b += 1;
    }
    table
}

static BYTE_CLASS: [u8; 256] = byte_classes();

/// The same rules as [`clean_chars`] on ASCII bytes, without decoding characters and with few
/// branches (this is the hot path of batch work); `None` when the input has a non-ASCII byte
/// (then the Unicode path runs).
#[inline(always)]
fn clean_ascii(bytes: &[u8]) -> Option<Result<Compact, PostcodeError>> {
    let class = |b: u8| BYTE_CLASS[b as usize];
    let trimmed = |b: &u8| matches!(class(*b), SPACE | EDGE);
    let start = bytes
        .iter()
        .position(|b| !trimmed(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !trimmed(b))
        .map_or(start, |i| i + 1);
    // Kept bytes are packed into a register rather than stored one by one: the form is read
    // back as a whole word by validation, and byte stores followed by a word load stall.
    let mut packed = 0u64;
    let mut len = 0usize;
    let mut bad = None;
    for &b in &bytes[start..end] {
        let c = class(b);
        let keep = c <= LOWER;
        packed |= (u64::from(b.to_ascii_uppercase()) * u64::from(keep)) << (8 * len.min(7));
        len += usize::from(keep);
        if c >= EDGE {
            if c == HIGH {
                return None;
            }
            bad.get_or_insert(b);
        }
    }
    if !bytes[..start].is_ascii() || !bytes[end..].is_ascii() {
        return None;
    }
    let compact = Compact {
        bytes: (packed & 0x00FF_FFFF_FFFF_FFFF).to_le_bytes(),
        len,
    };
    Some(match bad {
        Some(b) => Err(PostcodeError::BadCharacter(b as char)),
        None if len == 0 => Err(PostcodeError::Empty),
        None => Ok(compact),
    })
}

fn clean_chars<I>(chars: I) -> Result<Compact, PostcodeError>
where
    I: DoubleEndedIterator<Item = char> + Clone,
{
    let mut compact = Compact {
        bytes: [0; 8],
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
pub(crate) fn shape_of(bytes: &[u8]) -> PostcodePart {
    let mut shape = [0u8; MAX_LEN];
    for (s, b) in shape.iter_mut().zip(bytes) {
        *s = if b.is_ascii_digit() { b'9' } else { b'A' };
    }
    PostcodePart::from_bytes(&shape[..bytes.len().min(MAX_LEN)])
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
