//! Reading a file's bytes as text: UTF-8 (BOM optional), UTF-16 with a BOM, or Windows-1252.

use super::ImportFileError;

/// Windows-1252 characters for bytes 0x80–0x9F (the rest of the high half is Latin-1).
const CP1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Bytes sniffed for NUL bytes (binary files) before decoding.
const SNIFF: usize = 1 << 16;

/// How a file's text was encoded.
///
/// ```
/// use heat_core::import::Encoding;
/// assert_eq!(Encoding::Utf8Bom.name(), "utf-8-sig");
/// assert_eq!(Encoding::Utf8Bom.description(), "UTF-8 (with a byte-order mark)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (what Excel's "CSV UTF-8" writes).
    Utf8Bom,
    /// UTF-16, little-endian, with a byte-order mark (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16, big-endian, with a byte-order mark.
    Utf16Be,
    /// Windows-1252 (what Excel's plain "CSV" writes on a Windows machine in the UK).
    Windows1252,
}

impl Encoding {
    /// The encoding's label (`utf-8`, `utf-8-sig`, `utf-16le`, `utf-16be`, `windows-1252`).
    ///
    /// ```
    /// assert_eq!(heat_core::import::Encoding::Windows1252.name(), "windows-1252");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-sig",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// In plain words, for a person reading a summary.
    ///
    /// ```
    /// assert_eq!(heat_core::import::Encoding::Windows1252.description(), "Windows (Excel's plain CSV)");
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (with a byte-order mark)",
            Encoding::Utf16Le | Encoding::Utf16Be => "UTF-16 (Excel's Unicode text)",
            Encoding::Windows1252 => "Windows (Excel's plain CSV)",
        }
    }
}

/// Decodes a file's bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or Windows-1252.
///
/// ```
/// use heat_core::import::{decode, Encoding};
/// use heat_core::HeatError;
/// assert_eq!(decode(b"\xEF\xBB\xBFname\n").unwrap(), ("name\n".to_string(), Encoding::Utf8Bom));
/// assert_eq!(decode(b"Zo\xEB \x93x\x94").unwrap(), ("Zoë “x”".to_string(), Encoding::Windows1252));
/// assert_eq!(decode(b"\xFF\xFEa\x00b\x00").unwrap(), ("ab".to_string(), Encoding::Utf16Le));
/// assert_eq!(decode(b"PK\x03\x04\x00\x00").unwrap_err().code(), "binary_file");
/// ```
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), ImportFileError> {
    decode_with(bytes, false)
}

/// [`decode`] of bytes the caller gives up: UTF-8 text (the usual case) becomes the string
/// without a copy, so a large upload is held once, not twice.
pub(crate) fn decode_owned(mut bytes: Vec<u8>) -> Result<(String, Encoding), ImportFileError> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &bytes[3..] } else { &bytes[..] };
    let plain_utf8 = !bytes.starts_with(b"\xFF\xFE")
        && !bytes.starts_with(b"\xFE\xFF")
        && !body.iter().take(SNIFF).any(|b| *b == 0)
        && std::str::from_utf8(body).is_ok();
    if !plain_utf8 {
        return decode(&bytes);
    }
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((
            text,
            if bom {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            },
        )),
        Err(e) => decode(e.as_bytes()),
    }
}

/// [`decode`] of the first bytes of a longer file: a character cut off at the end (a UTF-8
/// sequence or a UTF-16 surrogate pair split by the read) is dropped, not an error.
///
/// ```
/// use heat_core::import::{decode_prefix, Encoding};
/// // "é" is two bytes in UTF-8; the prefix ends after the first.
/// assert_eq!(decode_prefix(b"\xEF\xBB\xBFcaf\xC3").unwrap(), ("caf".to_string(), Encoding::Utf8Bom));
/// // A UTF-16 prefix cut inside a code unit, and inside a surrogate pair.
/// assert_eq!(decode_prefix(b"\xFF\xFEa\x00b").unwrap().0, "a");
/// assert_eq!(decode_prefix(b"\xFF\xFEa\x00\x3D\xD8").unwrap().0, "a");
/// ```
pub fn decode_prefix(bytes: &[u8]) -> Result<(String, Encoding), ImportFileError> {
    decode_with(bytes, true)
}

fn decode_with(bytes: &[u8], prefix: bool) -> Result<(String, Encoding), ImportFileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, prefix, 3).map(|s| (s, Encoding::Utf8Bom));
    }
    for (bom, encoding) in [
        (b"\xFF\xFE", Encoding::Utf16Le),
        (b"\xFE\xFF", Encoding::Utf16Be),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return utf16(rest, encoding == Encoding::Utf16Le, prefix).map(|s| (s, encoding));
        }
    }
    if let Some(at) = bytes.iter().take(SNIFF).position(|b| *b == 0) {
        return Err(ImportFileError::Binary(at));
    }
    match utf8(bytes, prefix, 0) {
        Ok(s) => Ok((s, Encoding::Utf8)),
        Err(_) => Ok((
            bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252[(b - 0x80) as usize],
                    _ => b as char,
                })
                .collect(),
            Encoding::Windows1252,
        )),
    }
}

/// UTF-8 text; for a prefix, an incomplete sequence at the very end is dropped.
fn utf8(bytes: &[u8], prefix: bool, offset: usize) -> Result<String, ImportFileError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        // `error_len() == None`: the input ended inside a character.
        Err(e) if prefix && e.error_len().is_none() => {
            Ok(String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned())
        }
        Err(e) => Err(ImportFileError::BadEncoding(format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to() + offset
        ))),
    }
}

fn utf16(bytes: &[u8], little_endian: bool, prefix: bool) -> Result<String, ImportFileError> {
    let name = if little_endian {
        "UTF-16LE"
    } else {
        "UTF-16BE"
    };
    let usable = if prefix {
        bytes.len() - bytes.len() % 2
    } else if !bytes.len().is_multiple_of(2) {
        return Err(ImportFileError::BadEncoding(format!(
            "{name} with an odd number of bytes (truncated?)"
        )));
    } else {
        bytes.len()
    };
    let mut units: Vec<u16> = bytes[..usable]
        .chunks_exact(2)
        .map(|c| {
            if little_endian {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    if prefix && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
        // A high surrogate whose partner is past the end of the prefix.
        units.pop();
    }
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| ImportFileError::BadEncoding(format!("{name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    #[test]
    fn whole_files_are_strict_and_prefixes_are_not() {
        assert_eq!(decode(b"\xFF\xFEa").unwrap_err().code(), "bad_encoding");
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xC3").unwrap_err().code(),
            "bad_encoding"
        );
        // A byte that is wrong in the middle is wrong in a prefix too.
        assert_eq!(
            decode_prefix(b"\xEF\xBB\xBF\xC3x").unwrap_err().code(),
            "bad_encoding"
        );
        // Every cut of a UTF-8-BOM and a UTF-16 text decodes as a prefix of the whole.
        let text = "first_name,last_name\nZoë,Ó Súilleabháin\n😀,Ng\n";
        let mut bom8 = b"\xEF\xBB\xBF".to_vec();
        bom8.extend_from_slice(text.as_bytes());
        let mut le16 = vec![0xFF, 0xFE];
        le16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        for bytes in [&bom8, &le16] {
            for cut in 2..=bytes.len() {
                let (s, _) = decode_prefix(&bytes[..cut]).unwrap();
                assert!(text.starts_with(&s), "cut {cut}: {s:?}");
            }
        }
    }
}
