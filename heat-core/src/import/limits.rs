//! What an upload may claim, and how it is held to it. Every limit is the format's own (Excel's
//! grid and cell size) or a documented budget in [`ImportLimits`]; each is checked **while the
//! file is read**, before anything is allocated for what the file claims, so time and memory follow
//! the cells really present, never the coordinates, `dimension` or sizes a file states.
//!
//! - a zipped workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`): its parts are counted and their
//!   unpacked sizes checked against the budgets before the workbook is opened (the zip reader
//!   stops any part at its stated size, so a part cannot unpack to more than it states); its XML
//!   parts are read once for a document type (entity definitions, as in "billion laughs") and for
//!   runs of text longer than any cell may hold;
//! - a cell outside the grid (`A1:XFD1048576`) is an error naming the sheet and cell;
//! - a value longer than a cell holds is a problem on its row (see [`MAX_CELL_CHARS`]).
//!
//! ```
//! use heat_core::import::{ImportLimits, MAX_CELL_CHARS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};
//! assert_eq!((MAX_SHEET_ROWS, MAX_SHEET_COLUMNS, MAX_CELL_CHARS), (1_048_576, 16_384, 32_767));
//! assert_eq!(ImportLimits::default().max_part_bytes, 2 << 30);
//! ```

use std::io::{Cursor, Read};

use super::ImportFileError;

/// Rows in a sheet (Excel's grid): a cell below row 1,048,576 is refused.
pub const MAX_SHEET_ROWS: usize = 1_048_576;

/// Columns in a sheet (Excel's grid, `A` to `XFD`); also the most columns a CSV row may have.
pub const MAX_SHEET_COLUMNS: usize = 16_384;

/// Characters in one cell (Excel's limit). A longer value is a problem on its row; the cleaned
/// workbook shows it cut to this length with a note, the CSV files keep it whole.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The longest run of text between two XML tags a workbook part may hold: a cell's 32,767
/// characters, each written as a character reference of up to 10 bytes, and room to spare.
pub const MAX_XML_TEXT_RUN: usize = 1 << 20;

/// Budgets for what a file may unpack to (part of [`super::ImportSettings`]).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let mut settings = ImportSettings::default();
/// settings.limits.max_field_chars = 40_000;
/// let csv = format!("urn,name,postcode\n107956,{},LS1 4AP\n", "x".repeat(50_000));
/// let out = validate_import(csv.as_bytes(), Template::Schools, &settings).unwrap();
/// assert_eq!(out.rejected[0].get("name").len(), 40_000); // cut on reading, and the row refused
/// assert_eq!(out.issues[0].code, "too_long");
/// assert_eq!(out.issues[0].message, "row 2, name: is over 40000 characters long, more than a spreadsheet cell holds (32767); two columns run together, or a quote left open?");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLimits {
    /// The most bytes one part of a zipped workbook (a sheet's XML, say) may unpack to; default
    /// 2 GiB, about twice what a full 1,048,576-row sheet of twenty columns unpacks to. Over it:
    /// `workbook_too_large`.
    pub max_part_bytes: u64,
    /// The most bytes a workbook's shared strings (the text of every cell, held in memory while
    /// the sheet is read) may unpack to; default 256 MiB. Over it: `workbook_too_large`.
    pub max_shared_strings_bytes: u64,
    /// The most parts a zipped workbook may hold; default 10,000 (a workbook of a hundred sheets
    /// has a few hundred). Over it: `workbook_too_large`.
    pub max_parts: usize,
    /// The most characters of one value kept when a file is read; default 1,048,576, and never
    /// less than one more than [`MAX_CELL_CHARS`] (see [`ImportLimits::kept_chars`]). A longer
    /// value is cut to this length on reading; its row is refused as `too_long`, as any value
    /// over [`MAX_CELL_CHARS`] is, so no cut goes unsaid.
    pub max_field_chars: usize,
}

impl ImportLimits {
    /// The characters of one value kept on reading: [`ImportLimits::max_field_chars`], but at
    /// least one more than a cell holds, so that every value cut is also refused as too long.
    ///
    /// ```
    /// use heat_core::import::ImportLimits;
    /// let limits = ImportLimits { max_field_chars: 5, ..ImportLimits::default() };
    /// assert_eq!(limits.kept_chars(), 32_768);
    /// ```
    pub fn kept_chars(&self) -> usize {
        self.max_field_chars.max(MAX_CELL_CHARS + 1)
    }
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_part_bytes: 2 << 30,
            max_shared_strings_bytes: 256 << 20,
            max_parts: 10_000,
            max_field_chars: 1 << 20,
        }
    }
}

/// What a zip archive holds: the workbook format its parts name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZipKind {
    /// `xl/workbook.xml`: `.xlsx` or `.xlsm`.
    Xlsx,
    /// `xl/workbook.bin`: `.xlsb`.
    Xlsb,
    /// `content.xml`: OpenDocument `.ods`.
    Ods,
}

/// Checks a zipped workbook against `limits` before any reader opens it: the number of parts,
/// each part's unpacked size (and the shared strings' budget), and each XML part's contents (no
/// document type; no run of text longer than [`MAX_XML_TEXT_RUN`]). Returns the format its parts
/// name.
pub(crate) fn check_zip(bytes: &[u8], limits: &ImportLimits) -> Result<ZipKind, ImportFileError> {
    let bad = |e: &dyn std::fmt::Display| ImportFileError::BadWorkbook(format!("{e}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    if zip.len() > limits.max_parts {
        return Err(ImportFileError::WorkbookTooLarge {
            part: "(the archive)".into(),
            what: "parts",
            size: zip.len() as u64,
            limit: limits.max_parts as u64,
        });
    }
    let mut kind = None;
    for i in 0..zip.len() {
        let (name, size) = {
            let part = zip.by_index_raw(i).map_err(|e| bad(&e))?;
            (part.name().map_err(|e| bad(&e))?.to_string(), part.size())
        };
        let (limit, what) = if name.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            (limits.max_shared_strings_bytes, "bytes of shared strings")
        } else {
            (limits.max_part_bytes, "bytes")
        };
        if size > limit {
            return Err(ImportFileError::WorkbookTooLarge {
                part: name,
                what,
                size,
                limit,
            });
        }
        kind = kind.or(match name.as_str() {
            "xl/workbook.xml" => Some(ZipKind::Xlsx),
            "xl/workbook.bin" => Some(ZipKind::Xlsb),
            "content.xml" => Some(ZipKind::Ods),
            _ => None,
        });
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xml") || lower.ends_with(".rels") {
            let part = zip.by_index(i).map_err(|e| bad(&format!("{name}: {e}")))?;
            scan_xml(part, &name)?;
            if name == "content.xml" {
                let part = zip.by_index(i).map_err(|e| bad(&format!("{name}: {e}")))?;
                super::ods_span::check_ods(part)?;
            }
        }
    }
    kind.ok_or_else(|| {
        ImportFileError::BadWorkbook(
            "it is a zip archive but holds no workbook (no xl/workbook.xml or content.xml)".into(),
        )
    })
}

/// Reads one XML part through once: refuses a document type (`<!DOCTYPE`, where entities are
/// defined) and any run of text between tags longer than [`MAX_XML_TEXT_RUN`].
fn scan_xml(mut part: impl Read, name: &str) -> Result<(), ImportFileError> {
    const CHUNK: usize = 1 << 16;
    let mut buf = vec![0u8; CHUNK];
    // Bytes read before this chunk, and the offset of the last `<` seen.
    let (mut offset, mut last_tag) = (0u64, 0u64);
    let mut head: Vec<u8> = Vec::new();
    loop {
        let n = part.read(&mut buf).map_err(|e| {
            ImportFileError::BadWorkbook(format!("its part {name} cannot be unpacked: {e}"))
        })?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if head.len() < 4096 {
            // A document type may only stand before the first element, at the top of the part.
            head.extend_from_slice(&chunk[..n.min(4096 - head.len())]);
            if memchr::memmem::find(&head, b"<!DOCTYPE").is_some()
                || memchr::memmem::find(&head, b"<!ENTITY").is_some()
            {
                return Err(ImportFileError::WorkbookDtd { part: name.into() });
            }
        }
        for at in memchr::memchr_iter(b'<', chunk) {
            let at = offset + at as u64;
            if at - last_tag > MAX_XML_TEXT_RUN as u64 {
                return Err(ImportFileError::OversizedText {
                    part: name.into(),
                    at: last_tag,
                });
            }
            last_tag = at;
        }
        offset += n as u64;
        if offset - last_tag > MAX_XML_TEXT_RUN as u64 {
            return Err(ImportFileError::OversizedText {
                part: name.into(),
                at: last_tag,
            });
        }
    }
    Ok(())
}

/// At most `keep` characters of `s`.
pub(crate) fn cut(s: &str, keep: usize) -> String {
    if s.len() <= keep {
        return s.to_string();
    }
    match s.char_indices().nth(keep) {
        Some((at, _)) => s[..at].to_string(),
        None => s.to_string(),
    }
}

/// A cell's text as a problem shows it: whole up to 200 characters, else its start.
pub(crate) fn preview(s: &str) -> String {
    const SHOWN: usize = 200;
    if s.len() <= SHOWN || s.chars().nth(SHOWN).is_none() {
        return s.to_string();
    }
    format!("{}…", cut(s, SHOWN))
}

/// Whether a CSV record is a quote left open: it runs to the end of the file across lines, and
/// the quotes from its start to there do not pair up. Returns the lines it swallowed.
pub(crate) fn unclosed_quote(
    record: &csv::StringRecord,
    after: &csv::Position,
    text: &[u8],
) -> Option<usize> {
    if after.byte() < text.len() as u64 || !record.iter().any(|f| f.contains(['\n', '\r'])) {
        return None;
    }
    let start = usize::try_from(record.position()?.byte()).ok()?;
    let rest = text.get(start..)?;
    if memchr::memchr_iter(b'"', rest).count().is_multiple_of(2) {
        return None;
    }
    Some(memchr::memchr_iter(b'\n', rest).count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            out.start_file(*name, options).unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_name_the_format() {
        let limits = ImportLimits::default();
        let xlsx = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(check_zip(&xlsx, &limits).unwrap(), ZipKind::Xlsx);
        let ods = zip_of(&[("mimetype", b"x"), ("content.xml", b"<a/>")]);
        assert_eq!(check_zip(&ods, &limits).unwrap(), ZipKind::Ods);
        let xlsb = zip_of(&[("xl/workbook.bin", b"\x83\x01")]);
        assert_eq!(check_zip(&xlsb, &limits).unwrap(), ZipKind::Xlsb);
        let other = zip_of(&[("word/document.xml", b"<w/>")]);
        assert_eq!(
            check_zip(&other, &limits).unwrap_err().code(),
            "bad_workbook"
        );
    }

    #[test]
    fn a_part_over_its_budget_is_refused_by_its_stated_size() {
        let limits = ImportLimits {
            max_part_bytes: 100,
            max_shared_strings_bytes: 10,
            ..ImportLimits::default()
        };
        let big = vec![b' '; 101];
        let e = check_zip(&zip_of(&[("xl/workbook.xml", &big)]), &limits).unwrap_err();
        assert_eq!(e.code(), "workbook_too_large");
        assert_eq!(
            e.to_string(),
            "the workbook's part xl/workbook.xml unpacks to 101 bytes, more than the limit of 100; save the sheet as CSV, or raise the limit in the import settings if the file is genuine"
        );
        let sst = zip_of(&[
            ("xl/workbook.xml", b"<w/>"),
            ("xl/sharedStrings.xml", b"<sst>12345</sst>"),
        ]);
        let e = check_zip(&sst, &limits).unwrap_err();
        assert!(e.to_string().contains("16 bytes of shared strings"), "{e}");
        let many = ImportLimits {
            max_parts: 1,
            ..ImportLimits::default()
        };
        let e = check_zip(&sst, &many).unwrap_err();
        assert_eq!(e.code(), "workbook_too_large");
        assert!(e.to_string().contains("2 parts"), "{e}");
    }

    #[test]
    fn a_document_type_and_a_run_of_text_longer_than_a_cell_are_refused() {
        let limits = ImportLimits::default();
        let dtd = b"<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaa\">]><sst>&a;</sst>";
        let e = check_zip(
            &zip_of(&[("xl/workbook.xml", b"<w/>"), ("xl/sharedStrings.xml", dtd)]),
            &limits,
        )
        .unwrap_err();
        assert_eq!(e.code(), "workbook_dtd");
        // Text right up to the limit passes; one byte more is refused, across chunk edges.
        // The run is measured from one `<` to the next: `<t>`, then the text.
        for (run, ok) in [(MAX_XML_TEXT_RUN - 3, true), (MAX_XML_TEXT_RUN - 2, false)] {
            let mut xml = b"<sst><si><t>".to_vec();
            xml.extend(std::iter::repeat_n(b'A', run));
            xml.extend_from_slice(b"</t></si></sst>");
            let book = zip_of(&[("xl/workbook.xml", b"<w/>"), ("xl/sharedStrings.xml", &xml)]);
            let got = check_zip(&book, &limits);
            assert_eq!(got.is_ok(), ok, "{run}");
            if let Err(e) = got {
                assert_eq!(e.code(), "oversized_text");
                assert_eq!(
                    e.to_string(),
                    "the workbook's part xl/sharedStrings.xml holds a run of text of over 1 MiB (from byte 9), longer than any cell may hold (32,767 characters); it was not saved by a spreadsheet program"
                );
            }
        }
        // Unclosed text at the end of a part counts too.
        let tail = [b"<sst>".as_slice(), &vec![b' '; MAX_XML_TEXT_RUN + 10]].concat();
        let book = zip_of(&[("xl/workbook.xml", b"<w/>"), ("xl/styles.xml", &tail)]);
        assert_eq!(
            check_zip(&book, &limits).unwrap_err().code(),
            "oversized_text"
        );
    }
}
