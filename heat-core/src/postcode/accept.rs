//! The hot path of validation: a test built from lookup tables, with no branch that depends on the
//! input's shape, that accepts valid compact forms. Whatever it does not accept goes to the layered
//! checks in `validate_in_layers`, which say why; the two agree on every input (see the tests).

use super::clean::{Compact, MAX_LEN};
use super::data::{outward_key, DATA};
use super::{Level, Postcode, A9A_THIRD, AA9A_FOURTH, FIRST_NEVER, INWARD_NEVER, SECOND_NEVER};

/// The outward patterns (`A` letter, `9` digit), with their area length and whether they end in a
/// sub-district letter. Every postcode is one of these followed by `9AA`.
const OUTWARD_PATTERNS: [(&[u8], u8, bool); 6] = [
    (b"A9", 1, false),
    (b"A99", 1, false),
    (b"AA9", 2, false),
    (b"A9A", 1, true),
    (b"AA99", 2, false),
    (b"AA9A", 2, true),
];

/// Shape code per compact length (5 to 7) and letter mask (bit `i` set when byte `i` is a letter):
/// 0 when no postcode has that shape, else the area length plus 4 when there is a sub-district.
const fn shape_table() -> [u8; 3 << 7] {
    let mut table = [0u8; 3 << 7];
    let mut p = 0;
    while p < OUTWARD_PATTERNS.len() {
        let (outward, area_len, has_sub) = OUTWARD_PATTERNS[p];
        let mut letters = 0usize;
        let mut i = 0;
        while i < outward.len() {
            if outward[i] == b'A' {
                letters |= 1 << i;
            }
            i += 1;
        }
        // The inward code: a digit, then two letters.
        let n = outward.len() + 3;
        letters |= (1 << (n - 2)) | (1 << (n - 1));
        table[((n - 5) << 7) | letters] = area_len + if has_sub { 4 } else { 0 };
        p += 1;
    }
    table
}

static SHAPES: [u8; 3 << 7] = shape_table();

/// The letters A to Z as bits 0 to 25, leaving out `never` (or keeping only `only`).
const fn letter_set(letters: &[u8], keep: bool) -> u32 {
    let mut listed = 0u32;
    let mut i = 0;
    while i < letters.len() {
        listed |= 1 << (letters[i] - b'A');
        i += 1;
    }
    if keep {
        listed
    } else {
        !listed & ((1 << 26) - 1)
    }
}

const FIRST_OK: u32 = letter_set(FIRST_NEVER, false);
const SECOND_OK: u32 = letter_set(SECOND_NEVER, false);
const A9A_THIRD_OK: u32 = letter_set(A9A_THIRD, true);
const AA9A_FOURTH_OK: u32 = letter_set(AA9A_FOURTH, true);
const INWARD_OK: u32 = letter_set(INWARD_NEVER, false);

/// Whether the letter `b` (an upper-case ASCII byte) is in `set`.
#[inline(always)]
fn in_set(set: u32, b: u64) -> bool {
    (set >> (b.wrapping_sub(u64::from(b'A')) & 31)) & 1 == 1
}

/// Whether some postcode has the letters-and-digits pattern of `compact` (the first test of
/// [`accept`], alone: letters where letters go, digits where digits go, a length of 5 to 7).
#[inline(always)]
pub(super) fn has_shape(compact: &Compact) -> bool {
    let n = compact.len;
    (5..=MAX_LEN).contains(&n) && SHAPES[((n - 5) << 7) | letter_mask(compact)] != 0
}

/// Bit `i` set when byte `i` of `compact` is a letter.
#[inline(always)]
fn letter_mask(compact: &Compact) -> usize {
    let word = u64::from_le_bytes(compact.bytes);
    // Letters have bit 6 set, digits do not (and the bytes after `n` are zero); the multiply
    // gathers bit 6 of each byte into the top byte.
    ((((word >> 6) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0x7F)
        as usize
}

/// The canonical postcode when `compact` passes every check of `level` (at [`Level::Live`], every
/// check but the live list); `None` otherwise.
#[inline(always)]
pub(super) fn accept(compact: Compact, level: Level) -> Option<Postcode> {
    let n = compact.len;
    if !(5..=MAX_LEN).contains(&n) {
        return None;
    }
    let word = u64::from_le_bytes(compact.bytes);
    let byte = |i: usize| (word >> (8 * i)) & 0xFF;
    let shape = SHAPES[((n - 5) << 7) | letter_mask(&compact)];
    if shape == 0 {
        return None;
    }
    let area_len = usize::from(shape & 3);
    let has_sub = shape & 4 != 0;
    let outward_len = n - 3;
    if !(in_set(INWARD_OK, byte(n - 2)) & in_set(INWARD_OK, byte(n - 1))) {
        return None;
    }
    let postcode = Postcode::from_compact(word, outward_len, area_len);
    let outward_letters_ok = || {
        let sub_letters = if area_len == 1 {
            A9A_THIRD_OK
        } else {
            AA9A_FOURTH_OK
        };
        in_set(FIRST_OK, byte(0))
            & ((area_len == 1) | in_set(SECOND_OK, byte(1)))
            & (!has_sub | in_set(sub_letters, byte(outward_len - 1)))
    };
    let known = match level {
        Level::Shape => outward_letters_ok(),
        Level::Area => {
            outward_letters_ok() && DATA.area_name(&word.to_le_bytes()[..area_len]).is_some()
        }
        // Every live outcode obeys the outward letter rules (see the tests), so finding the
        // outcode settles them. The live list is consulted by the caller (`require_live`).
        Level::District | Level::Live => DATA.is_outward(outward_key(word, area_len, outward_len)),
    };
    known.then_some(postcode)
}

#[cfg(test)]
mod tests {
    use super::super::validate_in_layers;
    use super::*;

    fn compact(s: &[u8]) -> Compact {
        let mut bytes = [0u8; 8];
        bytes[..s.len()].copy_from_slice(s);
        Compact {
            bytes,
            len: s.len(),
        }
    }

    /// Every compact form of every outward pattern over a set of letters and digits that covers
    /// each rule (allowed and forbidden letters in every place, real and unknown areas).
    #[test]
    fn agrees_with_the_layered_checks_everywhere() {
        let letters = b"ABCEGIJKLMNOPQSUVWXYZ";
        let digits = b"019";
        let mut accepted = 0usize;
        let mut total = 0usize;
        for (pattern, _, _) in OUTWARD_PATTERNS {
            let full: Vec<u8> = pattern.iter().chain(b"9AA").copied().collect();
            let choices: Vec<&[u8]> = full
                .iter()
                .map(|c| {
                    if *c == b'A' {
                        &letters[..]
                    } else {
                        &digits[..]
                    }
                })
                .collect();
            let count: usize = choices.iter().map(|c| c.len()).product();
            let mut bytes = vec![0u8; full.len()];
            for mut k in 0..count {
                for (b, c) in bytes.iter_mut().zip(&choices) {
                    *b = c[k % c.len()];
                    k /= c.len();
                }
                let c = compact(&bytes);
                for level in [Level::Shape, Level::Area, Level::District, Level::Live] {
                    let fast = accept(c, level).and_then(|p| p.require_live(level).ok());
                    let layered = validate_in_layers(&c, level);
                    assert_eq!(fast, layered.ok(), "{:?} at {level:?}", c.as_str());
                    accepted += usize::from(fast.is_some());
                    total += 1;
                }
            }
        }
        // The layered checks accept some of these and reject the rest: both sides are exercised.
        assert!(
            accepted > 100_000 && accepted < total / 2,
            "{accepted} of {total}"
        );
    }

    #[test]
    fn other_shapes_and_lengths_are_left_to_the_layered_checks() {
        for s in [
            &b"SW1A1A"[..],
            b"SW1AA1AA",
            b"1W1A1AA",
            b"SW1A1A1",
            b"S1",
            b"ABCDEFG",
        ] {
            let n = s.len().min(7);
            let mut c = compact(&s[..n]);
            c.len = s.len();
            assert_eq!(accept(c, Level::Shape), None, "{s:?}");
        }
    }

    #[test]
    fn every_live_outcode_obeys_the_outward_letter_rules() {
        // `accept` relies on this at district level.
        for outcode in super::super::outcodes() {
            let c = compact(format!("{outcode}1AB").as_bytes());
            assert!(validate_in_layers(&c, Level::Shape).is_ok(), "{outcode}");
        }
    }

    #[test]
    fn every_live_outcode_is_accepted_at_district_level() {
        for outcode in super::super::outcodes() {
            let c = compact(format!("{outcode}1AB").as_bytes());
            let p = accept(c, Level::District).expect("a live outcode");
            assert_eq!(p.outward(), *outcode);
        }
    }
}
