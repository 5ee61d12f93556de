//! Which kind of file an upload is: a workbook (by its extension or first bytes) or text.

/// The workbook formats heatkit reads, by file extension (lower case).
pub const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether a file is a workbook rather than text: its extension, or its first bytes (a zip
/// archive, as `.xlsx`/`.xlsm`/`.xlsb`/`.ods` are, or an OLE compound file, as `.xls` and
/// password-protected workbooks are).
///
/// ```
/// use heat_core::import::is_workbook;
/// use std::path::Path;
/// assert!(is_workbook(Path::new("Students 2026.XLSX"), b""));
/// assert!(is_workbook(Path::new("export.csv"), b"PK\x03\x04rest"));
/// assert!(!is_workbook(Path::new("export.csv"), b"First name,Surname\n"));
/// ```
pub fn is_workbook(path: &std::path::Path, head: &[u8]) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    by_name || head.starts_with(b"PK\x03\x04") || head.starts_with(&OLE_MAGIC)
}

/// The first bytes of an OLE compound file (`.xls`, and any workbook saved with a password).
pub(crate) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
