//! Hostile `.xls` files, built here record by record: each holds a few values but has the
//! `.xls` reader (which fills every sheet when it opens a file) set aside, fill or read far more.
//! Each ends in one coded error before the reader is called; a plain file built the same way
//! opens, so the builder is known to make files the reader reads.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use heat_core::import::read_sheet;
use heat_core::HeatError;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

/// One BIFF record.
fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_le_bytes().to_vec();
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
    out
}

/// A BIFF8 BOF: the workbook's globals (0x0005), a worksheet (0x0010) or a chart (0x0020).
fn bof(kind: u16) -> Vec<u8> {
    let mut data = vec![0x00, 0x06];
    data.extend(kind.to_le_bytes());
    data.extend([0u8; 12]);
    record(0x0809, &data)
}

fn eof() -> Vec<u8> {
    record(0x000A, &[])
}

/// A NUMBER record: `value` at (row, column), counted from 0.
fn number(row: u16, col: u16, value: f64) -> Vec<u8> {
    let mut data = row.to_le_bytes().to_vec();
    data.extend(col.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend(value.to_le_bytes());
    record(0x0203, &data)
}

/// A BIFF8 DIMENSIONS record: rows `first..past`, columns `first_col..col_past`.
fn dimensions(first: u32, past: u32, first_col: u16, col_past: u16) -> Vec<u8> {
    let mut data = first.to_le_bytes().to_vec();
    data.extend(past.to_le_bytes());
    data.extend(first_col.to_le_bytes());
    data.extend(col_past.to_le_bytes());
    data.extend([0, 0]);
    record(0x0200, &data)
}

/// A STRING record: a formula's text value, placed where the last formula was.
fn string_value(text: &str) -> Vec<u8> {
    let mut data = (text.len() as u16).to_le_bytes().to_vec();
    data.push(0);
    data.extend(text.as_bytes());
    record(0x0207, &data)
}

/// A workbook stream: the globals (one BOUNDSHEET per sheet, named `Sheet1`, `Sheet2`, …) then
/// the sheets' records. `point` says which sheet's records each BOUNDSHEET points at.
fn workbook(sheets: &[Vec<u8>], point: &[usize]) -> Vec<u8> {
    let boundsheet = |offset: u32, n: usize| {
        let name = format!("Sheet{n}");
        let mut data = offset.to_le_bytes().to_vec();
        data.extend([0, 0, name.len() as u8, 0]);
        data.extend(name.as_bytes());
        record(0x0085, &data)
    };
    let globals_len: usize = bof(0x0005).len()
        + point
            .iter()
            .enumerate()
            .map(|(i, _)| boundsheet(0, i + 1).len())
            .sum::<usize>()
        + eof().len();
    let mut offsets = Vec::new();
    let mut at = globals_len;
    for sheet in sheets {
        offsets.push(at as u32);
        at += sheet.len();
    }
    let mut stream = bof(0x0005);
    for (i, &sheet) in point.iter().enumerate() {
        stream.extend(boundsheet(offsets[sheet], i + 1));
    }
    stream.extend(eof());
    for sheet in sheets {
        stream.extend(sheet);
    }
    stream
}

/// A sheet: its BOF, the given records, its EOF.
fn sheet(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = bof(0x0010);
    out.extend(records.concat());
    out.extend(eof());
    out
}

/// An OLE compound file (version 3, 512-byte sectors) holding `stream` as `Workbook`, in
/// ordinary sectors (padded to 4,096 bytes, the size below which a stream belongs in the mini
/// stream). With `stated_len`, the directory states that length instead (a small stream with no
/// mini stream to hold it).
fn compound_file(stream: &[u8], stated_len: Option<u32>) -> Vec<u8> {
    let mut body = stream.to_vec();
    body.resize(body.len().max(4096).div_ceil(512) * 512, 0);
    let sectors = (body.len() / 512) as u32;
    assert!(
        sectors + 2 <= 128,
        "one allocation-table sector holds 128 entries"
    );
    let mut out = vec![0u8; 512];
    out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let mut put = |at: usize, v: &[u8]| out[at..at + v.len()].copy_from_slice(v);
    put(24, &0x003Eu16.to_le_bytes());
    put(26, &3u16.to_le_bytes());
    put(28, &0xFFFEu16.to_le_bytes());
    put(30, &9u16.to_le_bytes());
    put(32, &6u16.to_le_bytes());
    put(44, &1u32.to_le_bytes()); // one allocation-table sector, sector 0
    put(48, &1u32.to_le_bytes()); // the directory in sector 1
    put(56, &4096u32.to_le_bytes());
    put(60, &END_OF_CHAIN.to_le_bytes()); // no mini table
    put(68, &END_OF_CHAIN.to_le_bytes());
    put(76, &0u32.to_le_bytes());
    for k in 1..109 {
        put(76 + 4 * k, &FREE.to_le_bytes());
    }
    // Sector 0: the allocation table.
    let mut fat = vec![0xFFFF_FFFDu32, END_OF_CHAIN];
    fat.extend((0..sectors).map(|k| {
        if k + 1 == sectors {
            END_OF_CHAIN
        } else {
            k + 3
        }
    }));
    fat.resize(128, FREE);
    out.extend(fat.iter().flat_map(|w| w.to_le_bytes()));
    // Sector 1: the directory (root, Workbook, two unused entries).
    let entry = |name: &str, kind: u8, child: u32, start: u32, len: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
        e[66] = kind;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&len.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 1, END_OF_CHAIN, 0));
    let len = stated_len.unwrap_or(body.len() as u32);
    out.extend(entry("Workbook", 2, FREE, 2, len));
    out.extend(vec![0u8; 256]);
    out.extend(body);
    out
}

fn xls(sheets: &[Vec<u8>], point: &[usize]) -> Vec<u8> {
    compound_file(&workbook(sheets, point), None)
}

fn error_of(bytes: &[u8]) -> (&'static str, String) {
    let e = read_sheet(bytes, None).unwrap_err();
    (e.code(), e.to_string())
}

#[test]
fn a_plain_file_built_here_opens() {
    let book = xls(&[sheet(&[number(0, 0, 1.0), number(1, 1, 2.5)])], &[0]);
    let read = read_sheet(&book, None).unwrap();
    assert_eq!(read.name, "Sheet1");
    assert_eq!(read.format, "xls");
    assert_eq!(
        read.rows,
        vec![
            (1, vec!["1".to_string(), String::new()]),
            (2, vec![String::new(), "2.5".to_string()])
        ]
    );
}

#[test]
fn a_dimensions_record_claiming_the_whole_grid_is_refused() {
    // Two values, but DIMENSIONS declares A1:IV65536: the reader reserves room for 16,777,216
    // cells (about 670 MB, which a service that does not overcommit memory must find) before
    // it reads a value.
    let book = xls(
        &[sheet(&[
            dimensions(0, 65_536, 0, 256),
            number(0, 0, 1.0),
            number(1, 0, 2.0),
        ])],
        &[0],
    );
    let (code, message) = error_of(&book);
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "sheet \"Sheet1\" spans 16777216 cells to hold 2 values; copy the values to a new sheet, or save it as .xlsx or CSV");
}

#[test]
fn a_dimensions_record_whose_first_row_is_past_its_last_is_refused() {
    // The reader's row count wraps below zero: room for billions of cells is asked for, and
    // the process aborts (SIGABRT, which no error handling catches) before any value is read.
    let book = xls(
        &[sheet(&[dimensions(10, 5, 0, 1), number(0, 0, 1.0)])],
        &[0],
    );
    let (code, message) = error_of(&book);
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "sheet \"Sheet1\" spans 4294967291 cells to hold 1 values; copy the values to a new sheet, or save it as .xlsx or CSV");
}

#[test]
fn a_formula_string_with_no_formula_counts_at_a1() {
    // A STRING record before any FORMULA is placed at A1 by the reader, so a lone value at
    // row 60,000 spans 60,000 rows by 101 columns.
    let book = xls(
        &[sheet(&[string_value("x"), number(59_999, 100, 1.0)])],
        &[0],
    );
    let (code, message) = error_of(&book);
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "sheet \"Sheet1\" spans 6060000 cells to hold 2 values; copy the values to a new sheet, or save it as .xlsx or CSV");
}

#[test]
fn values_either_side_of_an_embedded_chart_belong_to_one_sheet() {
    let chart = [bof(0x0020), number(5, 5, 9.0), eof()].concat();
    let book = xls(
        &[sheet(&[number(0, 0, 1.0), chart, number(59_999, 100, 2.0)])],
        &[0],
    );
    let (code, message) = error_of(&book);
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "sheet \"Sheet1\" spans 6060000 cells to hold 2 values; copy the values to a new sheet, or save it as .xlsx or CSV");
}

#[test]
fn two_sheets_pointing_at_the_same_records_are_refused() {
    let one = sheet(&[number(0, 0, 1.0), number(999, 200, 2.0)]);
    let book = xls(&[one], &[0, 0, 0]);
    let (code, message) = error_of(&book);
    assert_eq!(code, "bad_workbook");
    assert_eq!(message, "the workbook cannot be read (two sheets of the .xls file point at the same records (a damaged or hostile file)); open it in Excel and save it again as .xlsx or CSV");
}

#[test]
fn many_sheets_each_within_the_limit_are_held_to_it_together() {
    // Forty sheets of two values 1,000,000 cells apart: each under the per-sheet limit, the
    // workbook 40 million cells.
    let sheets: Vec<Vec<u8>> = (0..40)
        .map(|_| sheet(&[number(0, 0, 1.0), number(9_999, 99, 2.0)]))
        .collect();
    let point: Vec<usize> = (0..40).collect();
    let (code, message) = error_of(&xls(&sheets, &point));
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "the workbook's 40 sheets span 40000000 cells to hold 80 values; copy the values to a new workbook, or save it as .xlsx or CSV");
    // Four such sheets are within the limit together, and open.
    let book = xls(&sheets[..4], &[0, 1, 2, 3]);
    assert_eq!(read_sheet(&book, None).unwrap().rows.len(), 10_000);
}

#[test]
fn a_small_stream_with_no_mini_stream_is_refused() {
    // The directory states 600 bytes (under 4,096, so in the mini stream), but the file has no
    // mini stream: the reader would fill the stream with whatever bytes it happened to be at.
    let stream = workbook(&[sheet(&[number(0, 0, 1.0)])], &[0]);
    let book = compound_file(&stream, Some(600));
    let (code, message) = error_of(&book);
    assert_eq!(code, "bad_workbook");
    assert_eq!(message, "the workbook cannot be read (a stream of the .xls file lies outside its mini stream (a damaged or hostile file)); open it in Excel and save it again as .xlsx or CSV");
}
