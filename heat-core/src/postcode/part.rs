//! A short piece of a postcode (shape, area, outcode or whole postcode) held inline, so errors
//! that name one never allocate.

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use std::fmt;

/// Up to eight ASCII bytes, e.g. `AA9A9AA`, `MA`, `SW1`, `W1A 4ZZ`. Longer input is cut at eight.
///
/// ```
/// use heat_core::postcode::PostcodePart;
/// let part = PostcodePart::new("SW1");
/// assert_eq!((part.as_str(), part.to_string()), ("SW1", "SW1".to_string()));
/// assert_eq!(part, "SW1");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostcodePart {
    bytes: [u8; 8],
    len: u8,
}

impl PostcodePart {
    /// Hold the first eight ASCII bytes of `s` (non-ASCII characters are left out).
    ///
    /// ```
    /// use heat_core::postcode::PostcodePart;
    /// assert_eq!(PostcodePart::new("ABCDEFGHIJ").as_str(), "ABCDEFGH");
    /// ```
    pub fn new(s: &str) -> PostcodePart {
        PostcodePart::from_bytes(s.as_bytes())
    }

    pub(crate) fn from_bytes(b: &[u8]) -> PostcodePart {
        let mut part = PostcodePart {
            bytes: [0; 8],
            len: 0,
        };
        for &x in b.iter().filter(|x| x.is_ascii()).take(8) {
            part.bytes[part.len as usize] = x;
            part.len += 1;
        }
        part
    }

    /// The text.
    ///
    /// ```
    /// use heat_core::postcode::PostcodePart;
    /// assert_eq!(PostcodePart::new("MA").as_str(), "MA");
    /// ```
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl From<&str> for PostcodePart {
    fn from(s: &str) -> Self {
        PostcodePart::new(s)
    }
}

impl PartialEq<&str> for PostcodePart {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for PostcodePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PostcodePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(feature = "serde")]
impl Serialize for PostcodePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for PostcodePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(PostcodePart::new(&s))
    }
}
