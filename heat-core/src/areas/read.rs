//! Reading one look-up file, whatever its shape: a CSV streamed row by row (a 410 MB ONS file
//! is never held in memory), a workbook's sheet, or either inside a zip archive. The header row
//! may sit below title rows; its kind is found from its column names.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek};
use std::path::PathBuf;

use super::formats::{ColumnMap, FileFormats};
use super::{AreaError, AreaSource, SourceData};
use crate::import::{decode, is_workbook, read_sheet, sheet_names, MAX_TITLE_ROWS};

/// A file's header: what kind of file it is and where each field is.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// The file's name as reported (`archive.zip › entry.csv` inside a zip).
    pub name: String,
    /// The kind (`postcodes`, `ofs`, or an index id).
    pub kind: String,
    /// The column of each field.
    pub columns: ColumnMap,
    /// The header's headers, as written.
    pub headers: Vec<String>,
}

/// Called with each data row: (header, row number as a spreadsheet shows it, cells).
pub(crate) type OnRow<'a> =
    dyn FnMut(&Header, usize, &[Cow<'_, str>]) -> Result<(), AreaError> + 'a;

/// Reads a source's rows below its header; returns the header and how many non-blank rows
/// were read.
pub(crate) fn read_source(
    source: &AreaSource,
    formats: &FileFormats,
    on_row: &mut OnRow<'_>,
) -> Result<(Header, usize), AreaError> {
    let name = source.name.clone();
    match &source.data {
        SourceData::Bytes(bytes) => read_any(
            Cursor::new(bytes.as_slice()),
            &name,
            source,
            formats,
            on_row,
        ),
        SourceData::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| unreadable(&name, e))?;
            read_any(
                std::io::BufReader::with_capacity(1 << 20, file),
                &name,
                source,
                formats,
                on_row,
            )
        }
    }
}

fn unreadable(name: &str, e: impl std::fmt::Display) -> AreaError {
    AreaError::Unreadable {
        file: name.to_string(),
        why: e.to_string(),
    }
}

/// Dispatches on the first bytes: a zip (a workbook, or an archive holding a CSV or workbook),
/// an OLE workbook (`.xls`), or text.
fn read_any<R: Read + Seek>(
    mut reader: R,
    name: &str,
    source: &AreaSource,
    formats: &FileFormats,
    on_row: &mut OnRow<'_>,
) -> Result<(Header, usize), AreaError> {
    let mut head = [0u8; 8];
    let got = read_head(&mut reader, &mut head).map_err(|e| unreadable(name, e))?;
    reader
        .seek(std::io::SeekFrom::Start(0))
        .map_err(|e| unreadable(name, e))?;
    let head = &head[..got];
    if got == 0 {
        return Err(AreaError::NoRows {
            file: name.to_string(),
        });
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return read_zip(reader, name, source, formats, on_row);
    }
    let path = match &source.data {
        SourceData::File(p) => p.clone(),
        SourceData::Bytes(_) => PathBuf::from(name),
    };
    if is_workbook(&path, head) {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| unreadable(name, e))?;
        return read_workbook(&bytes, name, source.sheet.as_deref(), formats, on_row);
    }
    read_csv(reader, head, name, formats, on_row)
}

fn read_head(reader: &mut impl Read, head: &mut [u8; 8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// A zip: a workbook saved as one, or an archive (the OfS download) holding the data file:
/// its largest CSV, else its largest workbook.
fn read_zip<R: Read + Seek>(
    reader: R,
    name: &str,
    source: &AreaSource,
    formats: &FileFormats,
    on_row: &mut OnRow<'_>,
) -> Result<(Header, usize), AreaError> {
    let bad_zip = |e: &dyn std::fmt::Display| AreaError::BadZip {
        file: name.to_string(),
        why: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| bad_zip(&e))?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| bad_zip(&e))?;
    if names
        .iter()
        .any(|n| n == "[Content_Types].xml" || n == "mimetype" || n == "content.xml")
    {
        let mut bytes = Vec::new();
        let mut inner = archive.into_inner();
        inner
            .seek(std::io::SeekFrom::Start(0))
            .map_err(|e| unreadable(name, e))?;
        inner
            .read_to_end(&mut bytes)
            .map_err(|e| unreadable(name, e))?;
        return read_workbook(&bytes, name, source.sheet.as_deref(), formats, on_row);
    }
    let mut best: Option<(bool, u64, usize)> = None;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| bad_zip(&e))?;
        let entry_name = entry.name().map_err(|e| bad_zip(&e))?.to_ascii_lowercase();
        if entry.is_dir() || entry_name.starts_with("__macosx") {
            continue;
        }
        let is_csv = entry_name.ends_with(".csv") || entry_name.ends_with(".txt");
        let is_book = crate::import::WORKBOOK_EXTENSIONS
            .iter()
            .any(|e| entry_name.ends_with(&format!(".{e}")));
        if !(is_csv || is_book) {
            continue;
        }
        let candidate = (is_csv, entry.size(), i);
        if best.is_none_or(|b| (candidate.0, candidate.1) > (b.0, b.1)) {
            best = Some(candidate);
        }
    }
    let Some((is_csv, _, at)) = best else {
        return Err(bad_zip(&format!(
            "it holds no CSV or workbook (entries: {})",
            names.join(", ")
        )));
    };
    let mut entry = archive.by_index(at).map_err(|e| bad_zip(&e))?;
    let full = format!("{name} › {}", entry.name().map_err(|e| bad_zip(&e))?);
    if is_csv {
        let mut head = [0u8; 8];
        let mut bytes = Vec::new();
        let got = read_head(&mut entry, &mut head).map_err(|e| bad_zip(&e))?;
        bytes.extend_from_slice(&head[..got]);
        let rest = Cursor::new(bytes).chain(entry);
        return read_csv(rest, &head[..got], &full, formats, on_row);
    }
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).map_err(|e| bad_zip(&e))?;
    read_workbook(&bytes, &full, source.sheet.as_deref(), formats, on_row)
}

/// A workbook: the sheet named, else the first sheet whose header matches a kind of file.
fn read_workbook(
    bytes: &[u8],
    name: &str,
    sheet: Option<&str>,
    formats: &FileFormats,
    on_row: &mut OnRow<'_>,
) -> Result<(Header, usize), AreaError> {
    let import = |error| AreaError::Import {
        file: name.to_string(),
        error,
    };
    let sheets = match sheet {
        Some(s) => vec![s.to_string()],
        None => sheet_names(bytes).map_err(import)?,
    };
    let mut first_seen: Option<Vec<String>> = None;
    for sheet in &sheets {
        let table = read_sheet(bytes, Some(sheet)).map_err(import)?;
        let mut rows = table.rows.iter();
        let mut header = None;
        for (_, cells) in rows.by_ref().take(MAX_TITLE_ROWS + 1) {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            first_seen.get_or_insert_with(|| cells.clone());
            if let Some((kind, columns)) = formats.kind_of(cells) {
                header = Some(Header {
                    name: format!("{name} › {}", table.name),
                    kind: kind.to_string(),
                    columns,
                    headers: cells.clone(),
                });
                break;
            }
        }
        let Some(header) = header else { continue };
        let mut read = 0;
        for (row, cells) in rows {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            read += 1;
            let cells: Vec<Cow<'_, str>> = cells.iter().map(|c| Cow::Borrowed(c.trim())).collect();
            on_row(&header, *row, &cells)?;
        }
        return Ok((header, read));
    }
    Err(unknown_file(name, first_seen.unwrap_or_default(), formats))
}

fn unknown_file(name: &str, headers: Vec<String>, formats: &FileFormats) -> AreaError {
    AreaError::UnknownFile {
        file: name.to_string(),
        headers: headers
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .take(12)
            .collect::<Vec<_>>()
            .join(", "),
        expected: formats.describe(),
    }
}

/// A CSV, streamed. UTF-16 (rare for these files) is decoded whole first; otherwise each cell
/// is UTF-8, or Windows-1252 where it is not valid UTF-8.
fn read_csv<R: Read>(
    mut reader: R,
    head: &[u8],
    name: &str,
    formats: &FileFormats,
    on_row: &mut OnRow<'_>,
) -> Result<(Header, usize), AreaError> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| unreadable(name, e))?;
        let (text, _) = decode(&bytes).map_err(|error| AreaError::Import {
            file: name.to_string(),
            error,
        })?;
        return read_csv_utf8(Cursor::new(text.into_bytes()), name, formats, on_row);
    }
    read_csv_utf8(reader, name, formats, on_row)
}

fn read_csv_utf8<R: Read>(
    reader: R,
    name: &str,
    formats: &FileFormats,
    on_row: &mut OnRow<'_>,
) -> Result<(Header, usize), AreaError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Header> = None;
    let mut first_seen: Option<Vec<String>> = None;
    let mut title_rows = 0;
    let mut read = 0;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line());
                return Err(AreaError::Unreadable {
                    file: name.to_string(),
                    why: format!("row {row} cannot be read: {e}"),
                });
            }
        }
        let row = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let cells: Vec<Cow<'_, str>> = record.iter().map(cell_text).collect();
        match &header {
            Some(h) => {
                read += 1;
                on_row(h, row, &cells)?;
            }
            None => {
                let texts: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
                if let Some((kind, columns)) = formats.kind_of(&texts) {
                    header = Some(Header {
                        name: name.to_string(),
                        kind: kind.to_string(),
                        columns,
                        headers: texts,
                    });
                    continue;
                }
                first_seen.get_or_insert(texts);
                title_rows += 1;
                if title_rows > MAX_TITLE_ROWS {
                    break;
                }
            }
        }
    }
    match header {
        Some(h) => Ok((h, read)),
        None => Err(unknown_file(name, first_seen.unwrap_or_default(), formats)),
    }
}

/// One CSV cell as text, trimmed; Windows-1252 where it is not UTF-8.
fn cell_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s.trim().trim_start_matches('\u{FEFF}')),
        Err(_) => Cow::Owned(
            decode(bytes)
                .map(|(s, _)| s.trim().to_string())
                .unwrap_or_default(),
        ),
    }
}
