//! Hostile files, made here the way an attacker makes them: each claims far more than it holds
//! (a cell outside Excel's grid, a whole-grid `dimension`, one enormous shared string, a zip
//! bomb, entity definitions, repeated ODS rows, a CSV field longer than a cell, a header of
//! twenty thousand columns, NUL bytes, a quote that never closes). Each ends in one coded error,
//! or in rows with problems that reconcile; none is read for what it claims. Time and memory
//! are measured by `bash benches/python/run.sh hostile`, not here.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;

use heat_core::clean::{clean_students_file_to, output, CleanSettings};
use heat_core::import::{
    validate_import, ImportOutcome, ImportSettings, Template, MAX_CELL_CHARS, MAX_XML_TEXT_RUN,
};
use heat_core::HeatError;

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";
const EMPTY_SST: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>"#;

fn settings() -> ImportSettings {
    ImportSettings {
        check_duplicates: false,
        ..ImportSettings::on("2026-12-01".parse().unwrap())
    }
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The header and one student, rows 1 and 2.
fn header_and_row() -> String {
    let head: String = ["First name", "Surname", "Date of birth", "Postcode"]
        .iter()
        .zip("ABCD".chars())
        .map(|(h, c)| inline(&format!("{c}1"), h))
        .collect();
    let row: String = ["Ann", "Lee", "2011-01-02", "M1 1AE"]
        .iter()
        .zip("ABCD".chars())
        .map(|(v, c)| inline(&format!("{c}2"), v))
        .collect();
    format!(r#"<row r="1">{head}</row><row r="2">{row}</row>"#)
}

/// A minimal workbook of one sheet ("Students") with the given sheet XML and shared strings.
fn xlsx(sheet: &[u8], shared: &[u8]) -> Vec<u8> {
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Students" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared),
    ];
    zip_of(&parts)
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, data) in parts {
        out.start_file(*name, options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn sheet(rows: &str) -> Vec<u8> {
    format!("{SHEET_HEAD}{rows}{SHEET_TAIL}").into_bytes()
}

fn import(bytes: &[u8]) -> Result<ImportOutcome, heat_core::import::ImportFileError> {
    validate_import(bytes, Template::Students, &settings())
}

fn error_of(bytes: &[u8]) -> (&'static str, String) {
    let e = import(bytes).unwrap_err();
    (e.code(), e.to_string())
}

/// Rows in = rows out (ok + refused) and skipped rows counted apart.
fn reconciles(out: &ImportOutcome) {
    let s = &out.summary;
    assert_eq!(s.rows_in, out.rows.len() + out.rejected.len());
    assert_eq!(s.rows_in, s.rows_ok + s.rows_with_errors);
}

#[test]
fn a_cell_below_the_grid_is_one_coded_error_naming_the_cell() {
    // Row 99,999,999,999 (as calamine reads it, wrapped to 32 bits) and column ZZZZZZ.
    let below = sheet(&format!(
        r#"{}<row r="99999999999">{}</row>"#,
        header_and_row(),
        inline("A99999999999", "x")
    ));
    let (code, message) = error_of(&xlsx(&below, EMPTY_SST.as_bytes()));
    assert_eq!(code, "cell_out_of_grid");
    assert_eq!(message, "sheet \"Students\" has a cell at A1215752191, outside the spreadsheet grid (A1:XFD1048576: 1,048,576 rows, 16,384 columns)");
    let right = sheet(&format!(
        r#"{}<row r="3">{}</row>"#,
        header_and_row(),
        inline("ZZZZZZ3", "x")
    ));
    let (code, message) = error_of(&xlsx(&right, EMPTY_SST.as_bytes()));
    assert_eq!(code, "cell_out_of_grid");
    assert!(message.contains("a cell at ZZZZZZ3"), "{message}");
    // Just past the last row, and stored before the others (read sorted): the same.
    let past = sheet(&format!(
        r#"<row r="1048577">{}</row>{}"#,
        inline("A1048577", "x"),
        header_and_row()
    ));
    assert_eq!(
        error_of(&xlsx(&past, EMPTY_SST.as_bytes())).0,
        "cell_out_of_grid"
    );
}

#[test]
fn a_cell_in_the_far_corner_costs_one_count_not_the_grid() {
    let far = inline("XFD1048576", "x");
    for rows in [
        format!(r#"{}<row r="1048576">{far}</row>"#, header_and_row()),
        // Stored first: the sheet is read again, its cells sorted.
        format!(r#"<row r="1048576">{far}</row>{}"#, header_and_row()),
    ] {
        let out = import(&xlsx(&sheet(&rows), EMPTY_SST.as_bytes())).unwrap();
        reconciles(&out);
        assert_eq!(
            (out.summary.rows_ok, out.summary.rows_skipped),
            (1, 1_048_574)
        );
        let far: Vec<_> = out
            .issues
            .iter()
            .filter(|e| e.code == "unnamed_column")
            .map(|e| (e.row, e.message.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            far,
            [(1, "header: 1 value past column IV (the first at XFD1048576) was not read; a template's columns are never that far right", "XFD")]
        );
    }
}

#[test]
fn a_dimension_claiming_the_whole_grid_is_not_believed() {
    let claims = format!(
        r#"{}{}{SHEET_TAIL}"#,
        SHEET_HEAD.replace(
            "<sheetData>",
            r#"<dimension ref="A1:XFD1048576"/><sheetData>"#
        ),
        header_and_row()
    );
    let out = import(&xlsx(claims.as_bytes(), EMPTY_SST.as_bytes())).unwrap();
    reconciles(&out);
    assert_eq!((out.summary.rows_in, out.summary.rows_skipped), (1, 0));
}

#[test]
fn a_shared_string_longer_than_any_cell_is_refused_before_it_is_held() {
    let huge = "A".repeat(MAX_XML_TEXT_RUN + 1);
    let sst = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{huge}</t></si></sst>"#
    );
    let rows = format!(
        r#"{}<row r="3"><c r="A3" t="s"><v>0</v></c></row>"#,
        header_and_row()
    );
    let (code, message) = error_of(&xlsx(&sheet(&rows), sst.as_bytes()));
    assert_eq!(code, "oversized_text");
    assert!(
        message.starts_with(
            "the workbook's part xl/sharedStrings.xml holds a run of text of over 1 MiB"
        ),
        "{message}"
    );
}

#[test]
fn entity_definitions_are_refused_unread() {
    let laughs: String = (1..10)
        .map(|i| {
            format!(
                r#"<!ENTITY lol{i} "{}">"#,
                format!("&lol{};", i - 1).repeat(10)
            )
        })
        .collect();
    let sst = format!(
        r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol0 "lol">{laughs}]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>"#
    );
    let (code, message) = error_of(&xlsx(&sheet(&header_and_row()), sst.as_bytes()));
    assert_eq!(code, "workbook_dtd");
    assert!(message.contains("xl/sharedStrings.xml"), "{message}");
}

#[test]
fn a_zip_bomb_is_refused_by_its_stated_size_or_its_contents() {
    // 8 MiB of blank space between two rows: a few kilobytes zipped.
    let mut bomb = format!("{SHEET_HEAD}{}", header_and_row()).into_bytes();
    bomb.extend(std::iter::repeat_n(b' ', 8 << 20));
    bomb.extend_from_slice(SHEET_TAIL.as_bytes());
    let book = xlsx(&bomb, EMPTY_SST.as_bytes());
    assert!(book.len() < 64 << 10, "{}", book.len());
    assert_eq!(error_of(&book).0, "oversized_text");
    // A genuine-looking sheet over a budget set low: refused by the size its part states.
    let mut small = settings();
    small.limits.max_part_bytes = 1 << 10;
    let rows: String = (3..100)
        .map(|r| format!(r#"<row r="{r}">{}</row>"#, inline(&format!("A{r}"), "Ann")))
        .collect();
    let book = xlsx(
        &sheet(&format!("{}{rows}", header_and_row())),
        EMPTY_SST.as_bytes(),
    );
    let e = validate_import(&book, Template::Students, &small).unwrap_err();
    assert_eq!(e.code(), "workbook_too_large");
    assert!(
        e.to_string()
            .starts_with("the workbook's part xl/worksheets/sheet1.xml unpacks to "),
        "{e}"
    );
}

#[test]
fn repeated_ods_rows_and_columns_are_refused_not_expanded() {
    let cell = |v: &str, repeat: usize| {
        format!(
            r#"<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat}"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let row = |cells: String, repeat: usize| {
        format!(
            r#"<table:table-row table:number-rows-repeated="{repeat}">{cells}</table:table-row>"#
        )
    };
    let header: String = ["First name", "Surname", "Date of birth", "Postcode"]
        .map(|h| cell(h, 1))
        .concat();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Students">{}{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        row(header, 1),
        row(cell("x", 16_384), 1_000_000)
    );
    let ods = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#),
        ("content.xml", content.as_bytes()),
    ]);
    let (code, message) = error_of(&ods);
    assert_eq!(code, "workbook_too_large");
    assert!(message.contains("16384016384 cells"), "{message}");
}

#[test]
fn a_field_longer_than_a_cell_is_a_problem_on_its_row() {
    let long = "L".repeat(2 << 20);
    let csv = format!("First name,Surname,Date of birth,Postcode\nAnn,{long},2011-01-02,M1 1AE\nBen,Ray,2011-03-04,M1 1AE\n");
    let out = import(csv.as_bytes()).unwrap();
    reconciles(&out);
    assert_eq!((out.summary.rows_ok, out.summary.rows_with_errors), (1, 1));
    let issue = out.issues.iter().find(|e| e.code == "too_long").unwrap();
    assert_eq!(issue.row, 2);
    assert_eq!(issue.message, "row 2, last_name: is over 1048576 characters long, more than a spreadsheet cell holds (32767); two columns run together, or a quote left open?");
    // The value shown with the problem is its start; the row keeps what was read (cut at the
    // longest value kept).
    assert_eq!(issue.value.chars().count(), 201);
    assert_eq!(out.rejected[0].get("last_name").len(), 1 << 20);
    // Just over a cell, under the cut: kept whole, still refused.
    let over = "L".repeat(MAX_CELL_CHARS + 1);
    let csv = format!("First name,Surname,Date of birth,Postcode\nAnn,{over},2011-01-02,M1 1AE\n");
    let out = import(csv.as_bytes()).unwrap();
    assert_eq!(out.rejected[0].get("last_name"), over);
    assert_eq!(out.issues[0].message, "row 2, last_name: is 32768 characters long, more than a spreadsheet cell holds (32767); two columns run together, or a quote left open?");
}

#[test]
fn a_header_wider_than_a_sheet_is_one_error_and_a_wide_row_is_refused() {
    let wide: String = (0..20_000).map(|i| format!(",c{i}")).collect();
    let csv =
        format!("First name,Surname,Date of birth,Postcode{wide}\nAnn,Lee,2011-01-02,M1 1AE\n");
    let (code, message) = error_of(csv.as_bytes());
    assert_eq!(code, "too_many_columns");
    assert_eq!(message, "the header (row 1) has 20004 columns, more than a spreadsheet's 16,384; is the file really a table?");
    let csv = format!("First name,Surname,Date of birth,Postcode\nAnn,Lee,2011-01-02,M1 1AE{wide}\nBen,Ray,2011-03-04,M1 1AE\n");
    let out = import(csv.as_bytes()).unwrap();
    reconciles(&out);
    assert_eq!((out.summary.rows_ok, out.summary.rows_with_errors), (1, 1));
    let issue = out.issues.iter().find(|e| e.row == 2).unwrap();
    assert_eq!(
        (issue.code, issue.message.as_str()),
        (
            "unreadable_row",
            "row 2, -: has 20004 fields, more than a spreadsheet's 16384 columns"
        )
    );
}

#[test]
fn thousands_of_made_up_headers_are_each_warned_and_only_the_first_get_suggestions() {
    // "Yaer group" is a near miss of an unfilled column; after the first 256 ignored headers
    // the same near miss is warned without the search for a suggestion.
    let made_up: String = (0..16_000).map(|i| format!(",c{i}")).collect();
    let csv = format!(
        "First name,Surname,Date of birth,Postcode,Yaer group{made_up},Yaer grop\nAnn,Lee,2011-01-02,M1 1AE,9{}\n",
        ",".repeat(16_001)
    );
    let out = import(csv.as_bytes()).unwrap();
    reconciles(&out);
    let unknown: Vec<_> = out
        .issues
        .iter()
        .filter(|e| e.code == "unknown_column")
        .collect();
    assert_eq!(unknown.len(), 16_002);
    assert_eq!(
        unknown[0].message,
        "header: column \"Yaer group\" is not in the students template and was ignored; did you mean year_group?"
    );
    assert_eq!(
        unknown[16_001].message,
        "header: column \"Yaer grop\" is not in the students template and was ignored"
    );
}

#[test]
fn nul_bytes_after_the_first_block_are_a_problem_on_their_row() {
    let mut csv = b"First name,Surname,Date of birth,Postcode\n".to_vec();
    for _ in 0..5_000 {
        csv.extend_from_slice(b"Ann,Lee,2011-01-02,M1 1AE\n");
    }
    csv.extend_from_slice(b"B\x00n,Ray,2011-03-04,M1 1AE\n");
    let out = import(&csv).unwrap();
    reconciles(&out);
    assert_eq!(
        (out.summary.rows_ok, out.summary.rows_with_errors),
        (5_000, 1)
    );
    let issue = out.issues.iter().find(|e| e.row == 5_002).unwrap();
    assert_eq!(
        (issue.code, issue.column.as_str()),
        ("control_character", "first_name")
    );
    assert_eq!(issue.message, "row 5002, first_name: holds a control character (U+0000) that no value has; was it pasted from another program?");
    // In the first block: the file is binary.
    assert_eq!(
        error_of(b"First name,Surname\nA\x00n,Lee\n").0,
        "binary_file"
    );
}

#[test]
fn a_quote_that_never_closes_is_one_refused_row_that_says_so() {
    let mut csv =
        b"First name,Surname,Date of birth,Postcode\nAnn,\"Lee,2011-01-02,M1 1AE\n".to_vec();
    for _ in 0..1_000 {
        csv.extend_from_slice(b"Ben,Ray,2011-03-04,M1 1AE\n");
    }
    let out = import(&csv).unwrap();
    reconciles(&out);
    assert_eq!((out.summary.rows_in, out.summary.rows_with_errors), (1, 1));
    assert_eq!(out.issues[0].message, "row 2, -: cannot be read as CSV: a quote (\") opens in it and is never closed, so the 1001 lines after it, to the end of the file, were read as one row; close the quote, or remove it, and save again");
    // A quoted cell over two lines that does close is one ordinary row.
    let out = import(
        b"First name,Surname,Date of birth,Postcode\nAnn,\"Lee\nSmith\",2011-01-02,M1 1AE\n",
    )
    .unwrap();
    assert!(out.issues.iter().all(|e| e.code != "unreadable_row"));
}

#[test]
fn a_value_too_long_for_a_cell_is_cut_in_the_workbook_and_whole_in_the_csv() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = std::env::temp_dir().join(format!("heatkit_hostile_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("students.csv");
    let long = "é".repeat(40_000);
    std::fs::write(
        &path,
        format!(
            "first,last,dob,postcode\nAnn,{long},2011-01-02,M1 1AE\nBen,Ray,2011-03-04,M1 1AE\n"
        ),
    )
    .unwrap();
    let files = output::Files {
        csv: true,
        xlsx: true,
        report: None,
        bom: false,
    };
    let settings = CleanSettings::on("2026-12-01".parse().unwrap());
    let (out, written) =
        clean_students_file_to(&path, &settings, &dir.join("out"), &files).unwrap();
    written.unwrap();
    assert_eq!((out.counts.ok, out.counts.rejected), (1, 1));
    let cleaned = std::fs::read_to_string(dir.join("out/students_cleaned.csv")).unwrap();
    assert!(cleaned.contains(&long));
    let mut book: Xlsx<_> = open_workbook(dir.join("out/students.xlsx")).unwrap();
    let sheet = book.worksheet_range("Cleaned").unwrap();
    let cell = sheet
        .rows()
        .flat_map(|r| r.iter())
        .find_map(|c| match c {
            Data::String(s) if s.starts_with("éé") => Some(s.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(cell.chars().count(), MAX_CELL_CHARS);
    assert!(
        cell.ends_with(
            " … [cut: 40000 characters in all, more than a cell holds; the CSV file has them all]"
        ),
        "{}",
        &cell[cell.len() - 120..]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An `.xls` (made by xlwt, then one record's column changed by hand) read from
/// `fuzz/regressions/`, where the campaign replays it too.
fn saved_xls(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions/workbook_import")
        .join(name);
    std::fs::read(path).unwrap()
}

#[test]
fn an_xls_sheet_spanning_far_more_cells_than_it_holds_is_refused_before_it_is_filled() {
    // Nine values, at A1:D2 and IV65536: the reader would fill 16,777,216 cells.
    let (code, message) = error_of(&saved_xls("hostile-xls-far-corner.xls"));
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "sheet \"Students\" spans 16777216 cells to hold 9 values; copy the values to a new sheet, or save it as .xlsx or CSV");
    // The far value's column changed to 65,535 (past an .xls sheet's IV): outside its grid.
    let (code, message) = error_of(&saved_xls("hostile-xls-column-out-of-grid.xls"));
    assert_eq!(code, "cell_out_of_grid");
    assert_eq!(message, "sheet \"Students\" has a cell at CRXP65536, outside the grid of an .xls sheet (A1:IV65536: 65,536 rows, 256 columns)");
}

#[test]
fn a_panic_inside_the_workbook_reader_is_a_coded_error() {
    // Found by the fuzzing campaign: an .xls whose compound file makes calamine's sector reader
    // slice past its buffer (a panic in calamine 0.38). heatkit catches it.
    let (code, message) = error_of(&saved_xls("calamine-cfb-panic.xls"));
    assert_eq!(code, "bad_workbook");
    assert_eq!(message, "the workbook cannot be read (the workbook reader failed on its contents); open it in Excel and save it again as .xlsx or CSV");
}

#[test]
fn an_xls_whose_directory_misstates_a_name_length_is_still_checked() {
    // Found by the fuzzing campaign (out of memory): the far-corner file with the Workbook
    // stream's stated name length changed; the reader finds the stream by its name regardless.
    let (code, _) = error_of(&saved_xls("fuzz-oom-xls-name-length.xls"));
    assert_eq!(code, "workbook_too_large");
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused_before_it_is_read() {
    // Found by the fuzzing campaign (out of memory): a chain of sectors that comes back on
    // itself, which the reader follows for ever (24 GB in 65 s before it was refused).
    let (code, message) = error_of(&saved_xls("fuzz-oom-xls-looping-chain.xls"));
    assert_eq!(code, "bad_workbook");
    assert!(message.contains("loops back on itself"), "{message}");
}

#[test]
fn an_xls_whose_directory_is_shifted_is_read_as_the_reader_reads_it() {
    // Found by the fuzzing campaign (1.1 GB): the far-corner file with a byte inserted before
    // its directory. The check could not follow the shifted directory and let the file pass;
    // the reader found the stream regardless. The check now reads the compound file as the
    // reader does.
    let (code, message) = error_of(&saved_xls("fuzz-oom-xls-shifted-directory.xls"));
    assert_eq!(code, "workbook_too_large");
    assert_eq!(message, "sheet \"Students\" spans 16777216 cells to hold 9 values; copy the values to a new sheet, or save it as .xlsx or CSV");
}
