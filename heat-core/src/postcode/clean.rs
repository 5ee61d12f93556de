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
const fn is_edge_punctuation(c: char) -> bool {
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
    match clean_fast(input.as_bytes()) {
        Some(compact) => Ok(compact),
        None => clean_slow(input),
    }
}

/// The general path: anything the ASCII pass does not accept (an error to explain, or non-ASCII
/// text to normalise).
#[cold]
#[inline(never)]
fn clean_slow(input: &str) -> Result<Compact, PostcodeError> {
    if input.is_ascii() {
        return clean_chars(input.chars());
    }
    // Drop format characters, apply NFKC, then clean character by character.
    let stripped: String = input.chars().filter(|c| !is_format_char(*c)).collect();
    let normalised: String = stripped.nfkc().collect();
    clean_chars(normalised.chars())
}

// Byte flags for the ASCII pass, derived from the character rules above.
const EDGE: u8 = 1;
const BAD: u8 = 2;
const HYPHEN: u8 = 4;

/// Per byte: the upper-cased letter or digit it keeps, or 0 when it is not kept.
const fn kept_bytes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let x = b as u8;
        if x.is_ascii_uppercase() || x.is_ascii_digit() {
            table[b] = x;
        } else if x.is_ascii_lowercase() {
            table[b] = x.to_ascii_uppercase();
        }
        b += 1;
    }
    table
}

/// Per byte: [`EDGE`] for punctuation trimmed from the ends, [`HYPHEN`] for the hyphen (dropped,
/// but not trimmed), [`BAD`] for a byte that cannot be in a postcode (and for every non-ASCII
/// byte, which sends the value to the general path).
const fn byte_flags() -> [u8; 256] {
    let mut table = [BAD; 256];
    let mut b = 0;
    while b < 128 {
        let x = b as u8;
        table[b] = if x.is_ascii_alphanumeric() || matches!(x, b'\t'..=b'\r' | b' ') {
            0
        } else if x == b'-' {
            HYPHEN
        } else if is_edge_punctuation(x as char) {
            EDGE
        } else {
            BAD
        };
        b += 1;
    }
    table
}

static KEPT: [u8; 256] = kept_bytes();
static FLAGS: [u8; 256] = byte_flags();

/// The hot path of batch work: [`clean_words`] for the common shapes, else [`clean_ascii`]; `None`
/// sends the value to [`clean_slow`]. On ASCII input `None` means exactly that cleaning fails.
#[inline(always)]
pub(crate) fn clean_fast(bytes: &[u8]) -> Option<Compact> {
    clean_words(bytes).or_else(|| clean_ascii(bytes))
}

/// A four-byte little-endian load at `at`.
#[inline(always)]
fn four(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?).into())
}

/// Bytes 0 to 8 (`first`) and 8 to 16 (`second`) of a value 4 to 16 bytes long, little-endian,
/// zero beyond the end, from overlapping four-byte loads at offsets computed without a branch
/// on the length (overlapping bytes are equal, so or-ing them is harmless).
#[inline(always)]
fn load_lanes(bytes: &[u8]) -> Option<(u64, u64)> {
    let n = bytes.len();
    if !(4..=16).contains(&n) {
        return None;
    }
    let tail = 4.min(n - 4);
    let first = four(bytes, 0)? | four(bytes, tail)? << (8 * tail);
    if n <= 8 {
        return Some((first, 0));
    }
    // Loads at `p` (5 to 12) land at lane position p - 8: place at 4, shift right by 12 - p.
    let place = |p: usize| four(bytes, p).map(|v| (v << 32) >> (8 * (12 - p)));
    Some((first, place(8.min(n - 4))? | place(n - 4)?))
}

/// `r` low bytes set (0 to 8).
#[inline(always)]
fn low_bytes(r: usize) -> u64 {
    u64::MAX.checked_shr(64 - 8 * r as u32).unwrap_or(0)
}

/// The high bit of every byte, and a one in every byte.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const ONE_PER_BYTE: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `lane` (all ASCII) that is at least `c`.
#[inline(always)]
fn at_least(lane: u64, c: u8) -> u64 {
    ((lane | HIGH_BITS) - ONE_PER_BYTE * u64::from(c)) & HIGH_BITS
}

/// One bit per byte from a lane of high bits: bit `i` set when byte `i` has its high bit.
#[inline(always)]
fn byte_mask(high_bits: u64) -> u32 {
    ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// For a lane whose first `present` bytes are letters, digits or spaces: the lane upper-cased and
/// one bit per letter or digit. `None` for anything else.
#[inline(always)]
fn classify(lane: u64, present: usize) -> Option<(u64, u32)> {
    let folded = lane | (ONE_PER_BYTE * 0x20);
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    let digit = at_least(lane, b'0') & !at_least(lane, b'9' + 1);
    let kept = letter | digit;
    let others = low_bytes(present) & !((kept >> 7) * 0xFF);
    if lane & HIGH_BITS != 0 || (lane ^ (ONE_PER_BYTE * u64::from(b' '))) & others != 0 {
        return None;
    }
    Some((lane & !(letter >> 2), byte_mask(kept)))
}

/// The commonest inputs without a loop: 4 to 16 ASCII bytes of letters, digits and spaces, the
/// letters and digits in at most two runs (`sw1a1aa`, ` SW1A 1AA `). Classes are computed eight
/// bytes at a time (SWAR); anything else gives `None` and goes to [`clean_ascii`].
#[inline(always)]
fn clean_words(bytes: &[u8]) -> Option<Compact> {
    let (first, second) = load_lanes(bytes)?;
    let n = bytes.len();
    let (upper_first, mask_first) = classify(first, n.min(8))?;
    if n <= 8 {
        return compact_runs(upper_first, mask_first);
    }
    let (upper_second, mask_second) = classify(second, n - 8)?;
    compact_runs(
        u128::from(upper_first) | u128::from(upper_second) << 64,
        mask_first | mask_second << 8,
    )
}

/// The unsigned words [`compact_runs`] works on: `u64` for one lane, `u128` for two.
trait Word: Copy + std::ops::BitAnd<Output = Self> + std::ops::BitOr<Output = Self> {
    const ZERO: Self;
    const MAX: Self;
    const BITS: u32;
    fn shr(self, by: u32) -> Self;
    fn shl(self, by: u32) -> Self;
    fn low_u64(self) -> u64;
}

macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const ZERO: Self = 0;
            const MAX: Self = <$t>::MAX;
            const BITS: u32 = <$t>::BITS;
            fn shr(self, by: u32) -> Self {
                self.wrapping_shr(by)
            }
            fn shl(self, by: u32) -> Self {
                self.wrapping_shl(by)
            }
            fn low_u64(self) -> u64 {
                self as u64
            }
        }
    };
}
word!(u64);
word!(u128);

/// Squeeze the spaces out of upper-cased bytes whose letters and digits (bit per byte in `mask`)
/// lie in at most two runs: leading spaces, a run, spaces, a run, trailing spaces.
#[inline(always)]
fn compact_runs<W: Word>(upper: W, mask: u32) -> Option<Compact> {
    if mask == 0 {
        return None;
    }
    let lead = mask.trailing_zeros();
    let run1 = (!(mask >> lead)).trailing_zeros();
    let rest = mask >> (lead + run1);
    let gap = rest.trailing_zeros() & 15;
    let second_run = rest >> gap;
    let run2 = (!second_run).trailing_zeros();
    if second_run >> run2 != 0 {
        return None;
    }
    // Shifts wrap at the word size and the results are chosen without branches: where a shift
    // would reach the word size its run is empty and the value is not used.
    let run_bytes = |from: u32, len: u32| {
        let bytes = upper.shr(8 * from) & W::MAX.shr(W::BITS - 8 * len);
        if len == 0 {
            W::ZERO
        } else {
            bytes
        }
    };
    let tail = run_bytes(lead + run1 + gap, run2).shl(8 * run1);
    let compact = run_bytes(lead, run1) | if run2 == 0 { W::ZERO } else { tail };
    Some(Compact {
        bytes: (compact.low_u64() & 0x00FF_FFFF_FFFF_FFFF).to_le_bytes(),
        len: (run1 + run2) as usize,
    })
}

/// One pass over ASCII bytes without branches in the loop, accepting
/// only clean values (letters, digits, spaces and hyphens inside; edge punctuation only before the
/// first or after the last letter, digit or hyphen). `None` sends everything else to [`clean_slow`], which
/// applies the same rules character by character and explains the failure.
#[inline(always)]
pub(crate) fn clean_ascii(bytes: &[u8]) -> Option<Compact> {
    // Kept bytes are packed into a register rather than stored one by one: the form is read
    // back as a whole word by validation, and byte stores followed by a word load stall.
    let mut packed = 0u64;
    let mut len = 0usize;
    // Whether a letter, digit or hyphen has been seen, and an edge character after one.
    let mut solid_seen = false;
    let mut edge_after_solid = false;
    let mut bad = false;
    for &b in bytes {
        let kept = KEPT[b as usize];
        let flags = FLAGS[b as usize];
        let keep = kept != 0;
        let solid = keep | (flags & HYPHEN != 0);
        packed |= u64::from(kept) << (8 * len.min(7));
        // An edge character is only allowed where no letter, digit or hyphen follows it.
        bad |= (flags & BAD != 0) | (edge_after_solid & solid);
        edge_after_solid |= (flags & EDGE != 0) & solid_seen;
        solid_seen |= solid;
        len += usize::from(keep);
    }
    if bad || len == 0 {
        return None;
    }
    Some(Compact {
        bytes: (packed & 0x00FF_FFFF_FFFF_FFFF).to_le_bytes(),
        len,
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
            assert_eq!(clean(s), clean_chars(s.chars()), "{s:?}");
        }
    }

    #[test]
    fn ascii_pass_accepts_exactly_what_the_general_path_accepts() {
        // Every string of up to six characters over bytes of every class.
        let alphabet = b"Aa1 -.@\t";
        let mut s = Vec::new();
        let mut count = 0;
        for len in 0..=6u32 {
            for mut k in 0..alphabet.len().pow(len) {
                s.clear();
                for _ in 0..len {
                    s.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                let text = std::str::from_utf8(&s).expect("ASCII");
                let general = clean_chars(text.chars());
                match clean_ascii(&s) {
                    Some(fast) => assert_eq!(Ok(fast), general, "{text:?}"),
                    None => assert!(general.is_err(), "{text:?} is clean"),
                }
                assert_eq!(clean(text), general, "{text:?}");
                count += 1;
            }
        }
        assert_eq!(count, 299_593);
    }

    #[test]
    fn word_pass_agrees_with_the_general_path_on_random_input() {
        let alphabet = b"AAZZaazz0099     -.@\t";
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut by_words = 0;
        for _ in 0..1_000_000 {
            let len = (next() % 19) as usize;
            let s: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let text = std::str::from_utf8(&s).expect("ASCII");
            let general = clean_chars(text.chars());
            if let Some(fast) = clean_words(&s) {
                assert_eq!(Ok(fast), general, "{text:?}");
                by_words += 1;
            }
            assert_eq!(clean(text), general, "{text:?}");
        }
        // Both sides are exercised.
        assert!(by_words > 50_000 && by_words < 500_000, "{by_words}");
    }

    #[test]
    fn word_pass_takes_the_common_forms() {
        for (s, want) in [
            ("sw1a1aa", "SW1A1AA"),
            ("SW1A 1AA", "SW1A1AA"),
            ("  m1 1ad ", "M11AD"),
            ("AB12CD34EF56GH78", "AB12CD3"),
            ("abcd", "ABCD"),
        ] {
            let c = clean_words(s.as_bytes()).expect(s);
            assert_eq!(c.as_str(), want);
        }
        assert_eq!(clean_words(b"AB12CD34EF56GH78").map(|c| c.len), Some(16));
        for s in [
            "SW1A-1AA",
            "S W1A 1AA",
            "'SW1A 1AA'",
            "abc",
            "A\u{e9}BCDE",
            "AB12CD34EF56GH78X",
        ] {
            assert_eq!(clean_words(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn non_ascii_anywhere_takes_the_unicode_path() {
        assert_eq!(clean_ascii("SW1A\u{00A0}1AA".as_bytes()), None);
        assert_eq!(clean_ascii("SW1A 1AA\u{FEFF}".as_bytes()), None);
        assert_eq!(clean("SW1A 1AA\u{FEFF}").map(|c| c.len), Ok(7));
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
