//! What the sheets of an `.ods` workbook span once its repeats are expanded, read from its
//! `content.xml` before it is opened. OpenDocument writes a run of equal cells or rows once with
//! a repeat count, and the `.ods` reader expands every repeat and fills each sheet up to its
//! last value, so a 1 KB file can claim billions of cells. Here the counts are added up first,
//! and a sheet is refused when its filled span is far larger than the cells the file really
//! writes (the same rule as for `.xls`: [`MAX_SPARSE_SPAN`], [`SPARSE_FACTOR`]). A cell holds a
//! value when it says its type (`office:value-type`).

use std::io::{BufReader, Read};

use quick_xml::events::{BytesStart, Event};

use super::xls_span::{MAX_SPARSE_SPAN, SPARSE_FACTOR};
use super::ImportFileError;

/// Checks `content.xml` (read as a stream) of an `.ods` workbook.
pub(crate) fn check_ods(content: impl Read) -> Result<(), ImportFileError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet: Option<Sheet> = None;
    // The row being read: its repeat count, and its cells so far.
    let mut row: Option<Row> = None;
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            // A damaged part is the reader's to report.
            Err(_) => return Ok(()),
        };
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if local(&e) == "table" => {
                if let Some(done) = sheet.take() {
                    done.check()?;
                }
                sheet = Some(Sheet::new(attribute(&e, "name").unwrap_or_default()));
            }
            Event::Start(e) if local(&e) == "table-row" => {
                row = Some(Row::new(repeat(&e, "number-rows-repeated")));
            }
            Event::Empty(e) if local(&e) == "table-row" => {
                if let Some(s) = &mut sheet {
                    s.add_row(&Row::new(repeat(&e, "number-rows-repeated")));
                }
            }
            Event::End(e) if unprefixed(e.name().into_inner()) == "table-row" => {
                if let (Some(s), Some(done)) = (&mut sheet, row.take()) {
                    s.add_row(&done);
                }
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(local(&e), "table-cell" | "covered-table-cell") =>
            {
                if let Some(r) = &mut row {
                    let filled = attribute(&e, "value-type").is_some();
                    r.add_cell(repeat(&e, "number-columns-repeated"), filled);
                }
            }
            _ => {}
        }
        buf.clear();
    }
    sheet.map_or(Ok(()), Sheet::check)
}

/// An element's name without its prefix (`table-row` for `table:table-row`).
fn local<'e>(e: &'e BytesStart<'_>) -> &'e str {
    unprefixed(e.name().into_inner())
}

fn unprefixed(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| {
            let key: &str = a.key.into_inner();
            unprefixed(key) == name
        })
        .map(|a| a.value.into_owned())
}

/// A repeat count (1 when absent or unreadable; the reader refuses the unreadable).
fn repeat(e: &BytesStart<'_>, name: &str) -> u64 {
    attribute(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// One row as written: how often it repeats, its width up to its last value, its values and
/// the cells written for them.
struct Row {
    repeat: u64,
    column: u64,
    width: u64,
    values: u64,
    written: u64,
}

impl Row {
    fn new(repeat: u64) -> Row {
        Row {
            repeat,
            column: 0,
            width: 0,
            values: 0,
            written: 0,
        }
    }

    fn add_cell(&mut self, repeat: u64, filled: bool) {
        self.column = self.column.saturating_add(repeat);
        if filled {
            self.width = self.column;
            self.values = self.values.saturating_add(repeat);
            self.written += 1;
        }
    }
}

/// One sheet: rows so far (repeats counted), the rows and columns its values reach, its values
/// (repeats counted) and the cells the file writes for them.
struct Sheet {
    name: String,
    rows: u64,
    last_row: u64,
    width: u64,
    values: u64,
    written: u64,
}

impl Sheet {
    fn new(name: String) -> Sheet {
        Sheet {
            name,
            rows: 0,
            last_row: 0,
            width: 0,
            values: 0,
            written: 0,
        }
    }

    fn add_row(&mut self, row: &Row) {
        self.rows = self.rows.saturating_add(row.repeat);
        if row.values > 0 {
            self.last_row = self.rows;
            self.width = self.width.max(row.width);
            self.values = self
                .values
                .saturating_add(row.values.saturating_mul(row.repeat));
            self.written += row.written;
        }
    }

    fn check(self) -> Result<(), ImportFileError> {
        let span = self.last_row.saturating_mul(self.width);
        if span > MAX_SPARSE_SPAN && span > SPARSE_FACTOR.saturating_mul(self.written.max(1)) {
            return Err(ImportFileError::SparseSheet {
                sheet: self.name,
                span,
                values: self.written,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeatError;

    fn content(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn cell(v: &str, repeat: u64) -> String {
        format!(
            r#"<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat}"><text:p>{v}</text:p></table:table-cell>"#
        )
    }

    #[test]
    fn repeats_are_counted_before_the_reader_expands_them() {
        // A value repeated across 16,384 columns and 1,000 rows: 16 million cells from one.
        let rows = format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1000">{}</table:table-row>"#,
            cell("a", 1),
            cell("x", 16_384)
        );
        let e = check_ods(content(&rows).as_bytes()).unwrap_err();
        assert_eq!(e.code(), "workbook_too_large");
        assert_eq!(e.to_string(), "sheet \"S\" spans 16400384 cells to hold 2 values; copy the values to a new sheet, or save it as .xlsx or CSV");
        // One value far right and far down, past blank repeats: the same.
        let rows = format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1000"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/>{}</table:table-row>"#,
            cell("a", 1),
            cell("z", 1)
        );
        assert_eq!(
            check_ods(content(&rows).as_bytes()).unwrap_err().code(),
            "workbook_too_large"
        );
        // LibreOffice's own trailing blank rows and columns (a million, empty) are fine, and so
        // is a real table of written cells.
        let rows = format!(
            r#"<table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
            cell("a", 1),
            cell("b", 3)
        );
        assert!(check_ods(content(&rows).as_bytes()).is_ok());
    }
}
