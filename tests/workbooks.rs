//! Workbooks in (`.xlsx` written here by a different writer, `rust_xlsxwriter`, as Excel saves
//! them): title rows above the header, dates stored as dates, serials and text, blank rows,
//! Excel's empty-cell rows, a total row with a formula, merged title cells, the sheet chosen,
//! and damaged or password-protected files, each with one clear error and code.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use heat_core::import::{validate_import, validate_import_file, ImportSettings, Template};
use heat_core::HeatError;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

const HEADER: [&str; 8] = [
    "Forename",
    "Surname",
    "Date of Birth",
    "Home Postcode",
    "School/College",
    "Year Group",
    "Gender",
    "Consent",
];

fn settings() -> ImportSettings {
    ImportSettings {
        check_duplicates: false,
        ..ImportSettings::on("2026-12-01".parse().unwrap())
    }
}

/// An officer's export: a merged title over the columns, an "exported on" line and a blank row
/// above the header (row 4), then students with dates as date cells, a serial and text, a blank
/// row, a row of empty cells, and a total row whose count is a formula with its cached value.
fn officer_sheet(ws: &mut Worksheet) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.merge_range(
        0,
        0,
        0,
        7,
        "Oakfield Academy: Year 10 outreach",
        &Format::new().set_bold(),
    )
    .unwrap();
    ws.write_string(1, 0, "Exported 01/12/2026").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    let students: [(&str, &str, u16, u8, u8, &str); 2] = [
        ("Zoë", "O'Brien", 2011, 1, 31, "ls1 4ap"),
        ("George", "Wilson", 2011, 8, 31, "M1 1AE"),
    ];
    for (i, (first, last, y, m, d, pc)) in students.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, *first).unwrap();
        ws.write_string(r, 1, *last).unwrap();
        ws.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date)
            .unwrap();
        ws.write_string(r, 3, *pc).unwrap();
        ws.write_string(r, 4, "Oakfield Academy").unwrap();
        ws.write_string(r, 5, "Yr 10").unwrap();
        ws.write_string(r, 6, "Female").unwrap();
        ws.write_string(r, 7, "Yes").unwrap();
    }
    // Row 7: a date typed as a serial number (40787 = 2011-09-01), row 8 as text.
    for (r, first, dob) in [(6u32, "Megan", None), (7, "Amir", Some("03/02/2011"))] {
        ws.write_string(r, 0, first).unwrap();
        ws.write_string(r, 1, "Evans").unwrap();
        match dob {
            Some(text) => ws.write_string(r, 2, text).map(|_| ()).unwrap(),
            None => ws.write_number(r, 2, 40787).map(|_| ()).unwrap(),
        }
        ws.write_string(r, 3, "CF10 1AA").unwrap();
    }
    // Row 9 blank; row 10 empty cells with formatting only; row 11 a bad date; row 12 the total.
    for c in 0..8 {
        ws.write_blank(9, c, &date).unwrap();
    }
    ws.write_string(10, 0, "Ann").unwrap();
    ws.write_string(10, 1, "Lee").unwrap();
    ws.write_string(10, 2, "31/02/2011").unwrap();
    ws.write_string(10, 3, "LS1 4AP").unwrap();
    ws.write_string(11, 0, "Total").unwrap();
    ws.write_formula(11, 1, Formula::new("=COUNTA(B5:B11)").set_result("5"))
        .unwrap();
}

fn officer_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    officer_sheet(wb.add_worksheet().set_name("Students").unwrap());
    wb.save_to_buffer().unwrap()
}

#[test]
fn an_officer_export_imports_with_its_own_row_numbers() {
    let out = validate_import(&officer_workbook(), Template::Students, &settings()).unwrap();
    let s = &out.summary;
    assert_eq!(
        (s.encoding, s.sheet.as_deref(), s.header_row),
        ("xlsx", Some("Students"), 4)
    );
    // 5 students; the blank row, the empty-cell row and the total row are skipped.
    assert_eq!(
        (s.rows_in, s.rows_ok, s.rows_with_errors, s.rows_skipped),
        (5, 4, 1, 3)
    );
    let got: Vec<(usize, &str, &str, &str)> = out
        .rows
        .iter()
        .map(|r| {
            (
                r.row,
                r.get("first_name"),
                r.get("date_of_birth"),
                r.get("postcode"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (5, "Zoë", "2011-01-31", "LS1 4AP"),
            (6, "George", "2011-08-31", "M1 1AE"),
            (7, "Megan", "2011-09-01", "CF10 1AA"),
            (8, "Amir", "2011-02-03", "CF10 1AA"),
        ]
    );
    assert_eq!(out.rows[0].get("last_name"), "O'Brien");
    let codes: Vec<(usize, &str, &str)> = out
        .issues
        .iter()
        .filter(|e| e.code != "unknown_column")
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert!(
        codes.contains(&(11, "date_of_birth", "bad_date")),
        "{codes:?}"
    );
    assert!(codes.contains(&(12, "-", "total_row_skipped")), "{codes:?}");
    // The header's own issues are on the header's row.
    assert!(out
        .issues
        .iter()
        .filter(|e| e.code == "unknown_column")
        .all(|e| e.row == 4));
}

#[test]
fn a_workbook_file_is_read_by_its_path_whatever_its_name() {
    let dir = std::env::temp_dir().join(format!("heatkit_wb_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["students.xlsx", "students.XLSM", "students_saved_as.csv"] {
        let path = dir.join(name);
        std::fs::write(&path, officer_workbook()).unwrap();
        let out = validate_import_file(&path, Template::Students, &settings()).unwrap();
        assert_eq!(
            (out.summary.rows_in, out.summary.header_row),
            (5, 4),
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_first_sheet_with_the_header_is_read_unless_one_is_named() {
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("Read me")
        .unwrap()
        .write_string(0, 0, "Notes for the upload")
        .unwrap();
    officer_sheet(wb.add_worksheet().set_name("Students").unwrap());
    let bytes = wb.save_to_buffer().unwrap();
    let out = validate_import(&bytes, Template::Students, &settings()).unwrap();
    assert_eq!(out.summary.sheet.as_deref(), Some("Students"));

    let named = |sheet: &str| ImportSettings {
        sheet: Some(sheet.into()),
        ..settings()
    };
    let e = validate_import(&bytes, Template::Students, &named("read me")).unwrap_err();
    assert_eq!(e.code(), "missing_columns");
    let e = validate_import(&bytes, Template::Students, &named("Pupils")).unwrap_err();
    assert_eq!(e.code(), "unknown_sheet");
    assert_eq!(
        e.to_string(),
        "the workbook has no sheet \"Pupils\" (its sheets: Read me, Students)"
    );
    let e = validate_import(&bytes, Template::Activities, &settings()).unwrap_err();
    assert_eq!(e.code(), "no_header_row");
    assert_eq!(
        e.to_string(),
        "no sheet has a header row with the activities template's columns (sheets: Read me, Students); name the sheet to read"
    );
}

#[test]
fn damaged_and_protected_workbooks_give_one_clear_error() {
    let mut cut = officer_workbook();
    cut.truncate(cut.len() / 2);
    let e = validate_import(&cut, Template::Students, &settings()).unwrap_err();
    assert_eq!(e.code(), "bad_workbook");
    assert!(
        e.to_string().starts_with("the workbook cannot be read ("),
        "{e}"
    );

    // A password-protected .xlsx is an OLE file holding an `EncryptedPackage` stream.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(512, 0);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    ole.resize(4096, 0);
    let e = validate_import(&ole, Template::Students, &settings()).unwrap_err();
    assert_eq!(e.code(), "protected_workbook");

    let mut empty = Workbook::new();
    empty.add_worksheet();
    let e = validate_import(
        &empty.save_to_buffer().unwrap(),
        Template::Students,
        &settings(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "missing_columns");
}

/// Real workbooks nobody here wrote (../shared/data/areas): Scotland's SIMD 2020v2 `.xlsx` and
/// Northern Ireland's NIMDM 2017 `.xls` read cell for cell as their published CSV copies.
#[test]
fn published_workbooks_read_as_their_csv_copies() {
    let areas = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/areas");
    let csv_rows = |name: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(areas.join(name)).unwrap();
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let simd = heat_core::import::read_sheet(
        &std::fs::read(areas.join("SIMD+2020v2+-+ranks.xlsx")).unwrap(),
        Some("SIMD 2020v2 ranks"),
    )
    .unwrap();
    assert_eq!((simd.format, simd.rows[0].0), ("xlsx", 1));
    let expected = csv_rows("SIMD+2020v2+-+ranks.csv");
    assert_eq!(expected.len(), 6_977);
    let got: Vec<Vec<String>> = simd.rows.into_iter().map(|(_, cells)| cells).collect();
    assert_eq!(got, expected);

    let nimdm = heat_core::import::read_sheet(
        &std::fs::read(areas.join("NIMDM17_SOAresults.xls")).unwrap(),
        Some("MDM"),
    )
    .unwrap();
    assert_eq!(nimdm.format, "xls");
    let expected = csv_rows("nimdm2017-soa.csv");
    let data: Vec<&Vec<String>> = nimdm.rows.iter().skip(1).map(|(_, c)| c).collect();
    assert_eq!(data.len(), expected.len() - 1);
    // Area codes and MDM ranks agree row for row (the CSV copy adds the council's code first).
    for (got, want) in data.iter().zip(&expected[1..]) {
        assert_eq!((&got[2], &got[4]), (&want[3], &want[5]));
    }
    assert_eq!(
        data[0][..5],
        [
            "Antrim and Newtownabbey",
            "Rural",
            "95AA01S1",
            "Aldergrove_1",
            "516"
        ]
    );
    assert!(
        nimdm.rows[0].1.iter().any(|h| h.contains('\n')),
        "multi-line header cells"
    );
}

#[test]
fn a_sheet_filled_to_excels_last_row_imports_every_row() {
    // 1,048,576 rows, Excel's most: the header and 1,048,575 students, the last on row 1,048,576.
    const LAST_ROW: u32 = 1_048_576;
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in ["Forename", "Surname", "Date of Birth", "Home Postcode"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..LAST_ROW {
        ws.write_string(r, 0, "Ann").unwrap();
        ws.write_string(r, 1, "Lee").unwrap();
        ws.write_string(r, 2, "2011-01-02").unwrap();
        ws.write_string(r, 3, "LS1 4AP").unwrap();
    }
    let path = std::env::temp_dir().join(format!("heatkit_full_sheet_{}.xlsx", std::process::id()));
    book.save(&path).unwrap();
    let out = validate_import_file(&path, Template::Students, &settings());
    std::fs::remove_file(&path).unwrap();
    let out = out.unwrap();
    assert_eq!(
        (out.summary.rows_in, out.summary.rows_ok),
        (LAST_ROW as usize - 1, LAST_ROW as usize - 1)
    );
    assert_eq!(out.rows.last().unwrap().row, LAST_ROW as usize);
}

/// A header cell left blank is no column: it is not reported as an unknown column, but values
/// under it, or past the last header, are (once per column, with how many rows and the first).
#[test]
fn values_in_a_column_with_no_header_are_reported_not_lost() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["Forename", "Surname", "", "Date of Birth", "Home Postcode"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16 + 1, *h).unwrap();
    }
    for r in 1..4u32 {
        for (c, v) in ["Ann", "Lee", "", "02/01/2011", "LS1 4AP"]
            .iter()
            .enumerate()
        {
            ws.write_string(r, c as u16 + 1, *v).unwrap();
        }
    }
    ws.write_string(2, 3, "note").unwrap();
    ws.write_string(2, 8, "far").unwrap();
    ws.write_string(3, 8, "away").unwrap();
    let out = validate_import(
        &book.save_to_buffer().unwrap(),
        Template::Students,
        &settings(),
    )
    .unwrap();
    assert_eq!(out.summary.columns_ignored, Vec::<String>::new());
    assert_eq!((out.summary.rows_in, out.summary.rows_ok), (3, 3));
    let unnamed: Vec<(usize, &str, &str)> = out
        .issues
        .iter()
        .filter(|e| e.code != "missing")
        .map(|e| (e.row, e.value.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        unnamed,
        [
            (1, "D", "header: column D has no header, so its values in 1 row (the first on row 3) were left out; give it a header if they matter"),
            (1, "I", "header: column I has no header, so its values in 2 rows (the first on row 3) were left out; give it a header if they matter"),
        ]
    );
    // The same table saved as CSV: the blank header's values are reported the same way (values
    // past the header are a CSV row with too many fields, an error of its own).
    let csv = ",Forename,Surname,,Date of Birth,Home Postcode\n,Ann,Lee,,02/01/2011,LS1 4AP\n,Ann,Lee,note,02/01/2011,LS1 4AP\n";
    let out = validate_import(csv.as_bytes(), Template::Students, &settings()).unwrap();
    let codes: Vec<(usize, &str, &str)> = out
        .issues
        .iter()
        .map(|e| (e.row, e.code, e.value.as_str()))
        .collect();
    assert_eq!(codes, [(1, "unnamed_column", "D")]);
    assert_eq!(out.summary.columns_ignored, Vec::<String>::new());
}
