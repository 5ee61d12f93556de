//! A dictionary column builder that finds a value by where it lives before what it says.
//!
//! The statuses, nations, sources, index names and notes of an enrichment are a few strings
//! held by the area index (or the program) for as long as the rows are built: most rows point
//! at the very same bytes, so a row costs a hash of an address and a length, not of its text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use arrow_array::builder::{Int32Builder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray};
use arrow_schema::ArrowError;

/// A multiply-rotate hasher for addresses and lengths (not for untrusted text).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type ByAddress<K> = HashMap<K, i32, BuildHasherDefault<AddressHasher>>;

/// Most notes one row can carry and still be found by address.
const NOTES: usize = 8;

/// Builds a `dictionary<int32, string>` column of texts that live at least as long as `'a`.
pub struct Interned<'a> {
    keys: Int32Builder,
    values: StringBuilder,
    by_text: HashMap<String, i32>,
    by_address: ByAddress<(usize, usize)>,
    by_addresses: ByAddress<[(usize, usize); NOTES]>,
    /// The last text's address and key (most rows repeat the row before).
    last: ((usize, usize), i32),
    /// The last notes' addresses and key.
    last_notes: ([(usize, usize); NOTES], i32),
    /// Missing cells not yet written (written as one run).
    missing: usize,
    joined: String,
    texts: PhantomData<&'a str>,
}

impl<'a> Interned<'a> {
    /// An empty column with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> Interned<'a> {
        Interned {
            keys: Int32Builder::with_capacity(rows),
            values: StringBuilder::new(),
            by_text: HashMap::new(),
            by_address: ByAddress::default(),
            by_addresses: ByAddress::default(),
            last: ((0, 0), -1),
            last_notes: ([(0, 0); NOTES], -1),
            missing: 0,
            joined: String::new(),
            texts: PhantomData,
        }
    }

    /// The key of a text, added to the values the first time it is seen.
    fn key_of_text(&mut self, text: &str) -> i32 {
        if let Some(k) = self.by_text.get(text) {
            return *k;
        }
        let k = self.by_text.len() as i32;
        self.values.append_value(text);
        self.by_text.insert(text.to_owned(), k);
        k
    }

    /// Appends a key, after the missing cells before it.
    fn append_key(&mut self, k: i32) {
        if self.missing > 0 {
            self.keys.append_nulls(self.missing);
            self.missing = 0;
        }
        self.keys.append_value(k);
    }

    /// Appends a text (or a missing cell).
    pub fn append_text(&mut self, value: Option<&'a str>) {
        let Some(text) = value else {
            self.missing += 1;
            return;
        };
        let address = (text.as_ptr() as usize, text.len());
        if self.last.0 == address {
            return self.append_key(self.last.1);
        }
        let k = match self.by_address.get(&address) {
            Some(k) => *k,
            None => {
                let k = self.key_of_text(text);
                self.by_address.insert(address, k);
                k
            }
        };
        self.last = (address, k);
        self.append_key(k);
    }

    /// Appends texts joined by `separator` (none: a missing cell). Texts borrowed for `'a` are
    /// found by their addresses; a row holding a text of its own is joined and found by text.
    pub fn append_joined(&mut self, texts: &[std::borrow::Cow<'a, str>], separator: &str) {
        if texts.is_empty() {
            self.missing += 1;
            return;
        }
        let mut addresses = [(0usize, 0usize); NOTES];
        let borrowed = texts.len() <= NOTES
            && texts
                .iter()
                .zip(addresses.iter_mut())
                .all(|(t, a)| match t {
                    std::borrow::Cow::Borrowed(s) => {
                        *a = (s.as_ptr() as usize, s.len());
                        true
                    }
                    std::borrow::Cow::Owned(_) => false,
                });
        if borrowed {
            if self.last_notes.0 == addresses {
                return self.append_key(self.last_notes.1);
            }
            if let Some(&k) = self.by_addresses.get(&addresses) {
                self.last_notes = (addresses, k);
                return self.append_key(k);
            }
        }
        let mut joined = std::mem::take(&mut self.joined);
        joined.clear();
        for (i, t) in texts.iter().enumerate() {
            if i > 0 {
                joined.push_str(separator);
            }
            joined.push_str(t);
        }
        let k = self.key_of_text(&joined);
        self.joined = joined;
        if borrowed {
            self.by_addresses.insert(addresses, k);
            self.last_notes = (addresses, k);
        }
        self.append_key(k);
    }

    /// The finished column.
    pub fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        self.keys.append_nulls(std::mem::take(&mut self.missing));
        let keys = self.keys.finish();
        let values = Arc::new(self.values.finish());
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            keys, values,
        )?))
    }
}
