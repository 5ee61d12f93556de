//! Tests of the import pipeline.

use super::*;
use crate::HeatError;

/// Settings for a day in the 2025/26 school year (the tests' sheets are 2025/26 sheets).
fn autumn_2025() -> ImportSettings {
    ImportSettings::on(NaiveDate::from_ymd_opt(2025, 11, 3).unwrap())
}

fn students(text: &str) -> Result<ImportOutcome, ImportFileError> {
    validate_import(text.as_bytes(), Template::Students, &autumn_2025())
}

#[test]
fn bad_files_give_clear_errors() {
    assert_eq!(students("").unwrap_err().code(), "empty_file");
    assert_eq!(students(" \n\n").unwrap_err().code(), "empty_file");
    let e = students("Frist Name,Surname,DOB,Postcode\n").unwrap_err();
    assert_eq!(e.code(), "missing_columns");
    assert_eq!(e.to_string(), "students file is missing required columns: first_name (is \"Frist Name\" meant to be first_name?)");
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    assert!(matches!(
        validate_import(&garbage, Template::Students, &autumn_2025())
            .unwrap_err()
            .code(),
        "binary_file" | "missing_columns" | "bad_header"
    ));
    let small = ImportSettings {
        max_bytes: 10,
        ..Default::default()
    };
    assert_eq!(
        validate_import(b"first_name,last_name\n", Template::Students, &small)
            .unwrap_err()
            .code(),
        "file_too_large"
    );
    assert_eq!(decode(b"\xFF\xFEa").unwrap_err().code(), "bad_encoding");
}

#[test]
fn large_and_garbage_files_fail_fast() {
    let dir = std::env::temp_dir().join(format!("heatkit_import_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A sparse 1 GiB file: refused on its size, never read.
    let big = dir.join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let e = validate_import_file(&big, Template::Students, &ImportSettings::default()).unwrap_err();
    assert_eq!(e.code(), "file_too_large");
    // 3 MB of printable garbage: refused on its header after reading 64 KiB.
    let junk: String = (0..3_000_000u32)
        .map(|i| (b'!' + ((i.wrapping_mul(2_654_435_761) >> 26) as u8 % 90)) as char)
        .collect();
    let path = dir.join("junk.csv");
    std::fs::write(&path, junk).unwrap();
    let e =
        validate_import_file(&path, Template::Students, &ImportSettings::default()).unwrap_err();
    assert_eq!(e.code(), "missing_columns");
    // Zeros (a sparse or corrupted file under the limit): binary.
    let zeros = dir.join("zeros.csv");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(200_000)
        .unwrap();
    assert_eq!(
        validate_import_file(&zeros, Template::Students, &ImportSettings::default())
            .unwrap_err()
            .code(),
        "binary_file"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_row_is_accounted_for() {
    let text = "first_name,last_name,dob,postcode,year_group,Notes\n\
                Ann,Lee,01/09/2010,LS1 4AP,Year 10,x\n\
                Bob,Ray,2010-13-01,LS1 4AP\n\
                \n\
                Cat,Day,2011-01-01,5W1A 1AA,Y10,,extra\n\
                Dan,Eve,2011-02-02,SW1A 1AA,Year 9,\n";
    let out = students(text).unwrap();
    let s = &out.summary;
    assert_eq!(
        (s.rows_in, s.rows_ok, s.rows_with_errors, s.rows_skipped),
        (4, 2, 2, 1)
    );
    assert_eq!(s.rows_in, s.rows_ok + s.rows_with_errors);
    assert_eq!(s.columns_ignored, vec!["Notes"]);
    let got: Vec<(usize, &str, &str)> = out
        .issues
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "Notes", "unknown_column"),
            (3, "-", "wrong_field_count"),
            (3, "date_of_birth", "bad_date"),
            (5, "-", "wrong_field_count"),
            (5, "postcode", "fixed"),
            (6, "year_group", "year_group_mismatch"),
        ]
    );
    // Spreadsheet rows: the header is row 1, the blank line row 4.
    assert_eq!(
        out.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![2, 6]
    );
    assert_eq!(out.rows[0].get("year_group"), "Year 10");
    assert_eq!(out.rows[1].get("postcode"), "SW1A 1AA");
}

#[test]
fn windows_1252_and_utf16_files() {
    let mut bytes = b"first_name,last_name,dob,postcode\n".to_vec();
    bytes.extend_from_slice(b"Zo\xEB,O\x92Brien,2010-01-01,LS1 4AP\n");
    let out = validate_import(&bytes, Template::Students, &autumn_2025()).unwrap();
    assert_eq!(out.summary.encoding, "windows-1252");
    assert_eq!(out.rows[0].get("first_name"), "Zoë");
    assert_eq!(out.rows[0].get("last_name"), "O’Brien");
    let text = "first_name,last_name,dob,postcode\nÅsa,Ng,2010-01-01,LS1 4AP\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let out = validate_import(&utf16, Template::Students, &autumn_2025()).unwrap();
    assert_eq!(
        (out.summary.encoding, out.rows[0].get("first_name")),
        ("utf-16le", "Åsa")
    );
}

#[test]
fn duplicates_are_flagged_not_dropped() {
    let text = "first_name,last_name,dob,postcode\nAmelia,Khan,2010-03-01,LS1 4AP\nMillie,KHAN,01/03/2010,ls14ap\n";
    let out = students(text).unwrap();
    assert_eq!(out.summary.rows_ok, 2);
    let dup: Vec<&ImportIssue> = out
        .issues
        .iter()
        .filter(|e| e.code == "likely_duplicate")
        .collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].row, 3);
    assert!(dup[0]
        .message
        .starts_with("row 3: likely the same student as row 2"));
}

#[test]
fn activities_and_schools_templates() {
    let text = "Title,Type,Start Date,End Date,Contact Hours,Beneficiaries,Students Registered,Year Groups\n\
                Masterclass,Masterclass,45944,,2,100001,25,Year 10|Year 11\n\
                ,Quidditch,2025-10-14,2025-10-13,x,,,\n\
                Talk,HE talk,2025-11-01,,1,052923:60,,Y9\n";
    let out = validate_import(text.as_bytes(), Template::Activities, &autumn_2025()).unwrap();
    assert_eq!((out.summary.rows_ok, out.summary.rows_with_errors), (2, 1));
    assert_eq!(out.rows[0].get("start_date"), "2025-10-14");
    let row2: Vec<&str> = out
        .issues
        .iter()
        .filter(|e| e.row == 3)
        .map(|e| e.code)
        .collect();
    assert_eq!(
        row2,
        vec![
            "missing_title",
            "unknown_type",
            "end_before_start",
            "bad_contact_hours",
            "no_beneficiaries"
        ]
    );
    let schools = "URN,School Name,Postcode\n107956,Leeds High,LS1 4AP\nABC,,LS1\n";
    let out = validate_import(schools.as_bytes(), Template::Schools, &autumn_2025()).unwrap();
    let codes: Vec<&str> = out.issues.iter().map(|e| e.code).collect();
    assert_eq!(codes, vec!["bad_institution_id", "missing", "too_short"]);
    assert_eq!(out.summary.rows_ok, 1);
}

#[test]
fn the_default_year_is_the_school_year_containing_the_day() {
    // A 2026/27 sheet checked on 2026-12-01: no false day/month-swap warnings.
    let text = "first_name,last_name,dob,postcode,year_group\n\
                Ann,Lee,2011-03-11,LS1 4AP,Year 11\n\
                Bob,Ray,2015-01-02,LS1 4AP,Year 7\n";
    let on = ImportSettings::on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    let out = validate_import(text.as_bytes(), Template::Students, &on).unwrap();
    assert!(out.issues.is_empty(), "{:?}", out.issues);
    // The same sheet checked as a 2025/26 one is a year out on every row.
    let out = students(text).unwrap();
    let codes: Vec<&str> = out.issues.iter().map(|e| e.code).collect();
    assert_eq!(codes, vec!["year_group_mismatch", "year_group_mismatch"]);
}

#[test]
fn fields_read_the_same_as_everywhere_else() {
    let text = "first_name,last_name,dob,postcode,gender,year_group,consent\n\
                Ann,Lee,20100901,LS1 4AP,Prefer not to say,10B,consented\n\
                Bob,N/A,40422,n/a,Non-binary,Y-1,seen\n\
                Cat,Day,01/09/2010,TBC,Other,11A,t\n";
    let out = students(text).unwrap();
    let got: Vec<(usize, &str, &str)> = out
        .issues
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "last_name", "missing"),
            (3, "postcode", "missing"),
            (3, "year_group", "year_group_not_in_nation"),
            (4, "postcode", "missing"),
            (4, "year_group", "year_group_mismatch"),
        ]
    );
    let ann = &out.rows[0];
    assert_eq!(
        (
            ann.get("date_of_birth"),
            ann.get("gender"),
            ann.get("year_group"),
            ann.get("tracking_consent")
        ),
        ("2010-09-01", "U", "Year 10", "yes")
    );
}

#[test]
fn a_cleaned_file_imports_again_without_a_warning() {
    let text = "First Name,Surname,DOB,Postcode,Gender,Year,Consent\n\
                Zoë,O'Brien,31/08/2010,ls1 4ap,Prefer not to say,yr 11,Y\n\
                Jo,Khan,2010-09-01,5W1A 1AA,Non-binary,11A,seen\n\
                Ed,Ng,01-Sep-2010,EH9 1SF,m,10,no\n";
    let first = students(text).unwrap();
    assert_eq!(first.summary.rows_ok, 3);
    let mut again = first.columns.join(",");
    again.push('\n');
    for r in &first.rows {
        again.push_str(&r.values.join(","));
        again.push('\n');
    }
    let second = students(&again).unwrap();
    assert_eq!(second.summary.rows_ok, 3);
    let warnings: Vec<&str> = second
        .issues
        .iter()
        .map(|e| e.code)
        .filter(|c| *c != "likely_duplicate")
        .collect();
    // Only the year check (Jo says Year 11, born 1 Sep 2010 is Year 10) is left: the cleaner
    // reports facts, it never rewrites what a school stated.
    assert_eq!(warnings, vec!["year_group_mismatch"]);
    let values: Vec<&Vec<String>> = second.rows.iter().map(|r| &r.values).collect();
    let before: Vec<&Vec<String>> = first.rows.iter().map(|r| &r.values).collect();
    assert_eq!(values, before);
}

#[test]
fn large_utf8_bom_and_utf16_files_are_sniffed_without_cutting_a_character() {
    let dir = std::env::temp_dir().join(format!("heatkit_sniff_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("first_name,last_name,dob,postcode\n");
    while text.len() < 200_000 {
        text.push_str("Zoë,Ó Súilleabháin,2010-01-01,LS1 4AP\n");
    }
    let n_rows = text.lines().count() - 1;
    let mut bom8 = b"\xEF\xBB\xBF".to_vec();
    bom8.extend_from_slice(text.as_bytes());
    let mut le16 = vec![0xFF, 0xFE];
    le16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let settings = ImportSettings {
        check_duplicates: false,
        ..autumn_2025()
    };
    for (name, bytes) in [("bom8.csv", bom8), ("utf16.csv", le16)] {
        // Shift the content by every offset around the 64 KiB cut.
        for pad in 0..4 {
            let path = dir.join(format!("{pad}{name}"));
            let mut b = bytes.clone();
            let at = if name == "bom8.csv" { 3 } else { 2 };
            let spaces: Vec<u8> = if name == "bom8.csv" {
                vec![b' '; pad]
            } else {
                b" \0".repeat(pad)
            };
            b.splice(at..at, spaces);
            std::fs::write(&path, &b).unwrap();
            let out = validate_import_file(&path, Template::Students, &settings)
                .unwrap_or_else(|e| panic!("{name} +{pad}: {e}"));
            assert_eq!(out.summary.rows_ok, n_rows, "{name} +{pad}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn total_and_footer_lines_are_skipped_not_students() {
    // An Excel export: data, blank rows of empty cells, a total line and a footer.
    let text = "first_name,last_name,dob,postcode,year_group,gender\n\
                Ann,Lee,01/09/2010,LS1 4AP,Year 11,F\n\
                Total,,,,,\n\
                ,,,,,\n\
                Grand total: 1,,,,,\n\
                ,,,,,\n\
                Count 1,,,,,\n\
                Tot,Ray,2010-09-02,LS1 4AP,Year 11,M\n";
    let out = students(text).unwrap();
    let s = &out.summary;
    assert_eq!(
        (s.rows_in, s.rows_ok, s.rows_with_errors, s.rows_skipped),
        (2, 2, 0, 5)
    );
    let skipped: Vec<(usize, &str)> = out
        .issues
        .iter()
        .filter(|e| e.code == "total_row_skipped")
        .map(|e| (e.row, e.message.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                3,
                "looks like a total or footer line (\"Total\"), not data: skipped"
            ),
            (
                5,
                "looks like a total or footer line (\"Grand total: 1\"), not data: skipped"
            ),
            (
                7,
                "looks like a total or footer line (\"Count 1\"), not data: skipped"
            ),
        ]
    );
}

#[test]
fn windows_line_ends_number_rows_as_a_spreadsheet_does() {
    // Excel saves CSV with \r\n: no line end may count as a blank row, or push later rows down.
    let csv = "first_name,last_name,dob,postcode\r\nAnn,Lee,2011-01-02,M1 1AE\r\n\r\nBo,,2011-01-02,M1 1AE\r\n";
    let out = validate_import(
        csv.as_bytes(),
        Template::Students,
        &ImportSettings::default(),
    )
    .unwrap();
    assert_eq!((out.summary.rows_in, out.summary.rows_skipped), (2, 1));
    assert_eq!(out.rows[0].row, 2);
    assert_eq!(
        (out.issues[0].row, out.issues[0].column.as_str()),
        (4, "last_name")
    );
}

#[test]
fn a_csv_saved_from_an_export_finds_its_header_below_title_lines() {
    // The title, an "exported on" line and a blank line above the header, as Excel saves them.
    let csv = "Oakfield Academy: students for HEAT,,,\r\nexported 01/12/2026,,,\r\n,,,\r\n\
               Forename,Surname,Date of Birth,Home Postcode\r\nAnn,Lee,2011-01-02,M1 1AE\r\n\
               Bo,,2011-01-02,M1 1AE\r\nTotal,2,,\r\n";
    let out = validate_import(
        csv.as_bytes(),
        Template::Students,
        &ImportSettings::default(),
    )
    .unwrap();
    assert_eq!(out.summary.header_row, 4);
    assert_eq!((out.summary.rows_in, out.summary.rows_skipped), (2, 1));
    assert_eq!((out.rows[0].row, out.rows[0].get("first_name")), (5, "Ann"));
    assert_eq!(
        (out.issues[0].row, out.issues[0].column.as_str()),
        (6, "last_name")
    );
    // A file whose header is nowhere still says what is missing.
    let e = validate_import(
        b"Report,,\nName,Town,\nAnn,Leeds,\n",
        Template::Students,
        &ImportSettings::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "missing_columns");
}

#[test]
fn a_large_csv_file_with_title_lines_is_read_from_disk() {
    let mut csv = String::from("Students for HEAT\nForename,Surname,Date of Birth,Home Postcode\n");
    for i in 0..3000 {
        csv.push_str(&format!("Ann{i},Lee,2011-01-02,M1 1AE\n"));
    }
    assert!(csv.len() as u64 > HEAD_BYTES);
    let path = std::env::temp_dir().join(format!("heatkit_title_{}.csv", std::process::id()));
    std::fs::write(&path, &csv).unwrap();
    let out = validate_import_file(&path, Template::Students, &ImportSettings::default()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!((out.summary.header_row, out.summary.rows_in), (2, 3000));
    assert_eq!(out.rows[2999].row, 3002);
}

#[test]
fn rows_checked_in_batches_on_every_core_come_out_in_file_order() {
    // Over two batches' worth of rows: a bad postcode every 7th row, a blank line every 1000th,
    // a total line at the end.
    let mut text = String::from("first,last,dob,postcode\n");
    let mut bad = Vec::new();
    for i in 0..17_000usize {
        let line = i + 2 + i / 1000;
        if i % 1000 == 999 {
            text.push('\n');
        }
        let postcode = if i % 7 == 0 { "ZZ99 9ZZZ" } else { "M1 1AE" };
        if i % 7 == 0 {
            bad.push(line + usize::from(i % 1000 == 999));
        }
        text.push_str(&format!("Ann{i},Lee,2011-01-02,{postcode}\n"));
    }
    text.push_str("Total: 17000,,,\n");
    let out = students(&text).unwrap();
    let s = &out.summary;
    assert_eq!(
        (s.rows_in, s.rows_skipped, s.rows_with_errors),
        (17_000, 18, bad.len())
    );
    let rows: Vec<usize> = out
        .rows
        .iter()
        .chain(&out.rejected)
        .map(|r| r.row)
        .collect();
    let mut sorted = rows.clone();
    sorted.sort_unstable();
    assert_eq!(sorted.len(), 17_000);
    assert!(out.rows.windows(2).all(|w| w[0].row < w[1].row));
    let errors: Vec<usize> = out
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.row)
        .collect();
    assert_eq!(errors, bad);
    assert!(out.issues.windows(2).all(|w| w[0].row <= w[1].row));
    assert_eq!(out.rejected[0].get("first_name"), "Ann0");
    assert_eq!(out.issues.last().map(|i| i.code), Some("total_row_skipped"));
}
