//! Embedded postcode reference data (ONSPD February 2025), decoded once on first use.
//!
//! Source and rebuild script: `heat-core/data/postcodes/SOURCE.md`, `tools/build_postcode_data.py`.

use once_cell::sync::Lazy;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

const AREAS_CSV: &str = include_str!("../../data/postcodes/areas.csv");
const DISTRICTS_CSV: &str = include_str!("../../data/postcodes/districts.csv");
const LIVE_UNITS: &[u8] = include_bytes!("../../data/postcodes/live_units.bin");

/// The vintage of the embedded reference data.
pub(crate) const DATA_VERSION: &str = "ONSPD February 2025";

/// The letters that can appear in the last two places of a postcode, in unit-index order.
pub(crate) const INWARD_LETTERS: &[u8; 20] = b"ABDEFGHJLNPQRSTUWXYZ";

/// Units per outcode: 10 sectors x 20 x 20 unit letters.
const UNITS_PER_OUTCODE: usize = 4000;
const WORDS_PER_OUTCODE: usize = UNITS_PER_OUTCODE.div_ceil(64);

pub(crate) struct ReferenceData {
    /// Area name per 2-letter key (see [`area_key`]); empty when the area does not exist.
    area_names: Vec<&'static str>,
    /// Sorted outcode keys (see [`outcode_key`]).
    outcodes: Vec<u32>,
    /// Open-addressing hash of `outcodes` (linear probing): the key per slot, 0 = empty (no key is
    /// 0, an outcode starts with a letter). Keys and indices are separate arrays so the probed
    /// keys fit in the L1 cache (16 KB).
    slot_keys: Vec<u32>,
    /// The outcode index of each slot.
    slot_index: Vec<u16>,
    /// Number of slots minus one (a power of two minus one).
    slot_mask: usize,
    /// One bit per [`outward_key`]: set for each outcode in `outcodes` (32 KB, so the hot path
    /// answers "is this a live district" with one load).
    outward_bits: Vec<u64>,
    /// The outcodes as text, same order.
    pub outcode_names: Vec<&'static str>,
    /// Live-unit bitmap per outcode, same order as `outcodes`.
    live: Vec<[u64; WORDS_PER_OUTCODE]>,
    /// Whether the outcode's units are in the embedded live list (false for BT).
    live_covered: Vec<bool>,
    pub area_count: usize,
    pub live_count: usize,
}

pub(crate) static DATA: Lazy<ReferenceData> = Lazy::new(ReferenceData::load);

/// Postcodes a user added to the live check (e.g. from their own NSPL), consulted only when the
/// embedded list says "not live", so the common path takes no lock.
static EXTRA_LIVE: RwLock<Option<Arc<LiveSet>>> = RwLock::new(None);

/// Set once a user list is loaded, so the common path never touches the lock.
static HAS_EXTRA_LIVE: AtomicBool = AtomicBool::new(false);

/// Compact postcodes (zero-padded) that a user marked live.
type LiveSet = HashSet<[u8; 7]>;

/// Key for a 1- or 2-letter area: 27 * first + second (0 when absent).
pub(crate) fn area_key(area: &[u8]) -> Option<usize> {
    let first = *area.first()?;
    if !first.is_ascii_uppercase() || area.len() > 2 {
        return None;
    }
    let second = match area.get(1) {
        None => 0,
        Some(b) if b.is_ascii_uppercase() => (b - b'A' + 1) as usize,
        Some(_) => return None,
    };
    Some((first - b'A') as usize * 27 + second)
}

/// Big-endian packing of an outcode (2 to 4 bytes) so that keys sort like the strings.
pub(crate) fn outcode_key(outcode: &[u8]) -> u32 {
    let mut key = 0u32;
    for i in 0..4 {
        key = (key << 8) | u32::from(*outcode.get(i).unwrap_or(&0));
    }
    key
}

/// Number of distinct [`outward_key`]s: 26 x 27 areas x 10 digits x 37 endings.
const OUTWARD_KEYS: usize = 26 * 27 * 10 * 37;

/// A dense number for a well-formed outward code held in the low bytes of `compact` (as in
/// `Compact`): its area (`area_len` letters), district digit, and optional last character
/// (none, a digit or a letter). Different outward codes get different numbers below
/// [`OUTWARD_KEYS`]. The shape must already be checked (as `accept` does): other bytes give
/// numbers that mean nothing.
#[inline(always)]
pub(crate) fn outward_key(compact: u64, area_len: usize, outward_len: usize) -> usize {
    let byte = |i: usize| ((compact >> (8 * (i & 7))) & 0xFF) as usize;
    let first = byte(0).wrapping_sub(usize::from(b'A'));
    let second = if area_len == 2 {
        byte(1).wrapping_sub(usize::from(b'A') - 1)
    } else {
        0
    };
    let digit = byte(area_len).wrapping_sub(usize::from(b'0'));
    let last = byte(area_len + 1);
    let ending = if outward_len == area_len + 1 {
        0
    } else if last < usize::from(b'A') {
        1 + last - usize::from(b'0')
    } else {
        11 + last.wrapping_sub(usize::from(b'A'))
    };
    ((first * 27 + second) * 10 + digit) * 37 + ending
}

/// The home slot of an outcode key (multiplicative hash, high bits).
fn slot_of(key: u32, mask: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize & mask
}

/// [`INWARD_LETTERS`]' index of each byte, or `u8::MAX` (built once, at compile time: the live
/// check looks up two letters per postcode).
static INWARD_INDEX: [u8; 256] = {
    let mut table = [u8::MAX; 256];
    let mut i = 0;
    while i < INWARD_LETTERS.len() {
        table[INWARD_LETTERS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Index 0..20 of an inward unit letter, or `None` for C, I, K, M, O, V and non-letters.
#[inline]
pub(crate) fn inward_letter_index(b: u8) -> Option<usize> {
    let i = INWARD_INDEX[usize::from(b)];
    (i != u8::MAX).then_some(usize::from(i))
}

struct BitReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl BitReader<'_> {
    fn bit(&mut self) -> Option<u32> {
        let byte = *self.bytes.get(self.pos / 8)?;
        let bit = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Some(u32::from(bit))
    }

    fn bits(&mut self, width: u32) -> Option<u32> {
        let mut v = 0;
        for _ in 0..width {
            v = (v << 1) | self.bit()?;
        }
        Some(v)
    }

    fn gamma(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        Some((1 << zeros) | self.bits(zeros)?)
    }
}

impl ReferenceData {
    fn load() -> ReferenceData {
        let mut area_names = vec![""; 26 * 27];
        let mut area_count = 0;
        for line in AREAS_CSV.lines().skip(1) {
            let Some((area, name)) = line.split_once(',') else {
                continue;
            };
            if let Some(k) = area_key(area.as_bytes()) {
                area_names[k] = name;
                area_count += 1;
            }
        }
        let mut outcodes = Vec::new();
        let mut live_covered = Vec::new();
        let mut outcode_names = Vec::new();
        for line in DISTRICTS_CSV.lines().skip(1) {
            let Some((outcode, _)) = line.split_once(',') else {
                continue;
            };
            outcodes.push(outcode_key(outcode.as_bytes()));
            outcode_names.push(outcode);
            live_covered.push(!outcode.starts_with("BT"));
        }
        let (live, live_count) = decode_live(outcodes.len());
        let mut outward_bits = vec![0u64; OUTWARD_KEYS.div_ceil(64)];
        for outcode in &outcode_names {
            let mut word = [0u8; 8];
            for (w, b) in word.iter_mut().zip(outcode.bytes()) {
                *w = b;
            }
            let area_len = outcode.bytes().take_while(u8::is_ascii_uppercase).count();
            let key = outward_key(u64::from_le_bytes(word), area_len, outcode.len());
            outward_bits[key / 64] |= 1 << (key % 64);
        }
        // At most 3/4 full, so a probe always meets an empty slot.
        let slots = (outcodes.len() * 4 / 3 + 1).next_power_of_two();
        let slot_mask = slots - 1;
        let mut slot_keys = vec![0u32; slots];
        let mut slot_index = vec![0u16; slots];
        for (i, key) in outcodes.iter().enumerate() {
            let mut slot = slot_of(*key, slot_mask);
            while slot_keys[slot] != 0 {
                slot = (slot + 1) & slot_mask;
            }
            slot_keys[slot] = *key;
            slot_index[slot] = i as u16;
        }
        ReferenceData {
            area_names,
            outcodes,
            slot_keys,
            slot_index,
            slot_mask,
            outward_bits,
            outcode_names,
            live,
            live_covered,
            area_count,
            live_count,
        }
    }

    /// The name of a postcode area, if it exists.
    pub fn area_name(&self, area: &[u8]) -> Option<&'static str> {
        let name = *self.area_names.get(area_key(area)?)?;
        (!name.is_empty()).then_some(name)
    }

    /// The index of a live outcode.
    pub fn outcode_index(&self, outcode: &[u8]) -> Option<usize> {
        let key = outcode_key(outcode);
        let mut slot = slot_of(key, self.slot_mask);
        loop {
            let k = *self.slot_keys.get(slot)?;
            if k == key {
                return self.slot_index.get(slot).map(|i| *i as usize);
            }
            if k == 0 {
                return None;
            }
            slot = (slot + 1) & self.slot_mask;
        }
    }

    /// Whether the [`outward_key`] belongs to a live outcode.
    #[inline(always)]
    pub fn is_outward(&self, key: usize) -> bool {
        self.outward_bits
            .get(key / 64)
            .is_some_and(|w| w >> (key % 64) & 1 == 1)
    }

    /// The number of outcodes (districts and sub-districts).
    pub fn outcode_count(&self) -> usize {
        self.outcodes.len()
    }

    /// Whether the embedded list covers units of this outcode (false for Northern Ireland).
    pub fn live_covered(&self, outcode_index: usize) -> bool {
        self.live_covered
            .get(outcode_index)
            .copied()
            .unwrap_or(false)
    }

    /// Whether `sector` digit and unit letters are live in the outcode.
    pub fn is_live_unit(&self, outcode_index: usize, sector: u8, unit: [u8; 2]) -> bool {
        let (Some(a), Some(b)) = (inward_letter_index(unit[0]), inward_letter_index(unit[1]))
        else {
            return false;
        };
        if !sector.is_ascii_digit() {
            return false;
        }
        let bit = (sector - b'0') as usize * 400 + a * 20 + b;
        self.live
            .get(outcode_index)
            .is_some_and(|words| words[bit / 64] >> (bit % 64) & 1 == 1)
    }
}

fn decode_live(outcode_count: usize) -> (Vec<[u64; WORDS_PER_OUTCODE]>, usize) {
    let mut live = vec![[0u64; WORDS_PER_OUTCODE]; outcode_count];
    let (Some(header), Some(body)) = (LIVE_UNITS.get(..12), LIVE_UNITS.get(12..)) else {
        return (live, 0);
    };
    if &header[..8] != b"HKLIVE01" {
        return (live, 0);
    }
    let mut reader = BitReader {
        bytes: body,
        pos: 0,
    };
    let mut count = 0;
    for words in live.iter_mut() {
        let Some(mask) = reader.bits(10) else { break };
        for sector in 0..10 {
            if mask >> (9 - sector) & 1 == 0 {
                continue;
            }
            let Some(n) = reader.gamma() else { break };
            let mut unit: i64 = -1;
            for _ in 0..n {
                let Some(gap) = reader.gamma() else { break };
                unit += i64::from(gap);
                let bit = sector * 400 + unit as usize;
                if bit < UNITS_PER_OUTCODE {
                    words[bit / 64] |= 1 << (bit % 64);
                    count += 1;
                }
            }
        }
    }
    (live, count)
}

/// Add postcodes (compact, upper-case, 5 to 7 bytes) to the live check for this process.
#[cfg(feature = "csv")]
pub(crate) fn extend_live(postcodes: HashSet<[u8; 7]>) {
    let mut guard = match EXTRA_LIVE.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut merged: HashSet<[u8; 7]> = guard.as_deref().cloned().unwrap_or_default();
    merged.extend(postcodes);
    *guard = Some(Arc::new(merged));
    HAS_EXTRA_LIVE.store(true, Ordering::Release);
}

/// How many postcodes user-loaded live lists added.
pub(crate) fn extra_live_count() -> usize {
    if !HAS_EXTRA_LIVE.load(Ordering::Acquire) {
        return 0;
    }
    let guard = match EXTRA_LIVE.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    guard.as_ref().map_or(0, |set| set.len())
}

/// Whether a user-loaded live list holds this compact postcode.
pub(crate) fn in_extra_live(compact: impl FnOnce() -> [u8; 7]) -> Option<bool> {
    if !HAS_EXTRA_LIVE.load(Ordering::Acquire) {
        return None;
    }
    let compact = compact();
    let guard = match EXTRA_LIVE.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    guard.as_ref().map(|set| set.contains(&compact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcode_has_its_own_outward_bit() {
        let bits: u32 = DATA.outward_bits.iter().map(|w| w.count_ones()).sum();
        assert_eq!(bits as usize, DATA.outcode_count());
        assert_eq!(DATA.outward_bits.len() * 8, 32_472);
    }
}
