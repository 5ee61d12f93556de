//! A zipped workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) held to [`ImportLimits`] before any
//! reader opens it: its parts counted, their stated sizes checked, their XML scanned.

use std::io::{Cursor, Read};

use super::{ImportFileError, ImportLimits, MAX_XML_TEXT_RUN};

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
