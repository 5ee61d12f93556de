//! Postcode → area → measure on the real published files in `../shared/data/areas/` (the ONS
//! May 2022 look-up sample, IoD2019 File 1, SIMD 2020v2 as xlsx, NIMDM 2017 as xls with its
//! line-broken headers, WIMD 2019 scores), on OfS-format fixtures (tests/cases/areas), and on
//! bad files.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use heat_core::areas::{enrich_postcodes, AreaIndex, AreaSource, AreaStatus, DeprivationIndex};
use heat_core::HeatError;
use once_cell::sync::Lazy;

fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/areas")
        .join(name)
}

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/cases/areas")
        .join(name)
}

const ONS: &str = "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample5pct.csv";
const IMD: &str = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv";

/// Rows of a shared CSV as header → value maps.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(shared(name)).unwrap();
    let headers: Vec<String> = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Every shared file in one index, as a team would build it.
static ALL: Lazy<(AreaIndex, Vec<heat_core::areas::LoadReport>)> = Lazy::new(|| {
    AreaIndex::build(&[
        AreaSource::file(shared(ONS)),
        AreaSource::file(shared(IMD)),
        AreaSource::file(shared("SIMD+2020v2+-+ranks.xlsx")),
        AreaSource::file(shared("NIMDM17_SOAresults.xls")),
        AreaSource::file(shared("wimd-2019-index-and-domain-scores.csv")),
        AreaSource::file(case("ofs_postcode_lookup.csv")),
    ])
    .unwrap()
});

#[test]
fn every_file_is_recognised_and_every_row_accounted_for() {
    let (_, reports) = &*ALL;
    let kinds: Vec<&str> = reports.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "postcodes",
            "imd2019",
            "simd2020v2",
            "nimdm2017",
            "wimd2019",
            "ofs"
        ]
    );
    for r in reports {
        assert_eq!(r.rows_loaded + r.rows_rejected, r.rows_read, "{}", r.file);
    }
    let counts: Vec<(usize, usize)> = reports
        .iter()
        .map(|r| (r.rows_read, r.rows_rejected))
        .collect();
    assert_eq!(
        counts,
        [
            (135_745, 0),
            (32_844, 0),
            (6_976, 0),
            (890, 0),
            (1_909, 0),
            (7, 0)
        ]
    );
    assert_eq!(reports[0].description, "ONS postcode look-up, May 2022");
    assert_eq!(
        reports[2].file,
        "SIMD+2020v2+-+ranks.xlsx › SIMD 2020v2 ranks"
    );
    assert_eq!(reports[3].file, "NIMDM17_SOAresults.xls › MDM");
    assert_eq!(
        reports[4].description,
        "WIMD 2019 ranks (Welsh Government) (ranked from scores, highest = most deprived)"
    );
}

#[test]
fn every_sample_postcode_gets_the_lookups_areas_and_termination() {
    let (index, _) = &*ALL;
    let sample = rows(ONS);
    let postcodes: Vec<&str> = sample.iter().map(|r| r["pcds"].as_str()).collect();
    let facts = enrich_postcodes(&postcodes, index);
    let code = |v: &str| (!v.is_empty() && !v.ends_with("99999999")).then(|| v.to_string());
    let mut terminated = 0;
    for (row, f) in sample.iter().zip(&facts) {
        let pc = &row["pcds"];
        assert_eq!(f.lsoa11.map(str::to_string), code(&row["lsoa11cd"]), "{pc}");
        assert_eq!(f.oa11.map(str::to_string), code(&row["oa11cd"]), "{pc}");
        assert_eq!(f.msoa11.map(str::to_string), code(&row["msoa11cd"]), "{pc}");
        assert_eq!(f.lad.map(str::to_string), code(&row["ladcd"]), "{pc}");
        let doterm = &row["doterm"];
        if doterm.is_empty() {
            assert_eq!(f.status, AreaStatus::Live, "{pc}");
        } else {
            terminated += 1;
            assert_eq!(f.status, AreaStatus::Terminated, "{pc}");
            let t = f.terminated.unwrap().to_string();
            assert_eq!(t, format!("{}-{}", &doterm[..4], &doterm[4..]), "{pc}");
        }
    }
    assert_eq!(terminated, 45_328);
    // Spaces and case do not matter; a postcode in no file is unknown, junk is invalid.
    let f = index.lookup("ls11nz");
    assert_eq!((f.status, f.lsoa11), (AreaStatus::Live, Some("E01011363")));
    assert_eq!(f.lad_name, Some("Leeds"));
    assert_eq!(index.lookup("ZE3 9JZ").status, AreaStatus::Unknown);
    let bad = index.lookup("N/A");
    assert_eq!((bad.status, bad.postcode), (AreaStatus::Invalid, None));
}

#[test]
fn enriching_many_in_any_order_equals_looking_up_each() {
    let (index, _) = &*ALL;
    // Shuffled, repeated, typed in lower case without the space, with unknown and junk values.
    let mut values: Vec<String> = rows(ONS)
        .iter()
        .step_by(3)
        .map(|r| r["pcds"].clone())
        .collect();
    let n = values.len();
    let mut x: u64 = 13;
    for i in (1..n).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        values.swap(i, (x >> 33) as usize % (i + 1));
    }
    for i in (0..n).step_by(5) {
        values[i] = values[i].to_lowercase().replace(' ', "");
    }
    values.extend(["ZE3 9JZ", "", "N/A", "NPT 0AE", "LS1 4AP"].map(String::from));
    values.extend(values[..100].to_vec());
    let many = enrich_postcodes(&values, index);
    assert_eq!(many.len(), values.len());
    for (v, f) in values.iter().zip(&many) {
        assert_eq!(f, &index.lookup(v), "{v}");
    }
}

#[test]
fn file_1_deciles_are_reproduced_from_its_ranks_on_all_32844_lsoas() {
    let (index, reports) = &*ALL;
    assert_eq!(
        (reports[1].deciles_checked, reports[1].deciles_differing),
        (32_844, 0)
    );
    let imd = DeprivationIndex::get("imd2019").unwrap();
    for row in rows(IMD) {
        let rank: u32 = row["Index of Multiple Deprivation (IMD) Rank"]
            .replace(',', "")
            .parse()
            .unwrap();
        let decile: u8 = row["Index of Multiple Deprivation (IMD) Decile"]
            .parse()
            .unwrap();
        assert_eq!(imd.decile(rank), decile);
        assert_eq!(
            index.area_rank("imd2019", &row["LSOA code (2011)"]),
            Some((rank, decile))
        );
    }
}

#[test]
fn each_nation_gets_its_own_index() {
    let (index, _) = &*ALL;
    let simd: HashMap<String, u32> = rows("SIMD+2020v2+-+ranks.csv")
        .into_iter()
        .map(|r| {
            (
                r["Data_Zone"].clone(),
                r["SIMD2020v2_Rank"].parse().unwrap(),
            )
        })
        .collect();
    let nimdm: HashMap<String, u32> = rows("nimdm2017-soa.csv")
        .into_iter()
        .map(|r| (r["SOA2001"].clone(), r["MDM_rank"].parse().unwrap()))
        .collect();
    let imd: HashMap<String, (u32, u8)> = rows(IMD)
        .into_iter()
        .map(|r| {
            let rank = r["Index of Multiple Deprivation (IMD) Rank"]
                .replace(',', "")
                .parse()
                .unwrap();
            (
                r["LSOA code (2011)"].clone(),
                (
                    rank,
                    r["Index of Multiple Deprivation (IMD) Decile"]
                        .parse()
                        .unwrap(),
                ),
            )
        })
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in rows(ONS) {
        let f = index.lookup(&row["pcds"]);
        let area = row["lsoa11cd"].as_str();
        let Some(d) = f.deprivation else { continue };
        *seen.entry(d.index).or_default() += 1;
        assert_eq!(d.area, area);
        match d.index {
            "IMD 2019" => assert_eq!((d.rank, d.decile), imd[area], "{}", row["pcds"]),
            "SIMD 2020v2" => {
                assert_eq!(d.rank, simd[area]);
                assert_eq!(d.decile as u32, (simd[area] * 10).div_ceil(6976));
            }
            "NIMDM 2017" => {
                assert_eq!(d.rank, nimdm[area]);
                assert_eq!(d.decile as u32, (nimdm[area] * 10).div_ceil(890));
            }
            "WIMD 2019" => assert!((1..=1909).contains(&d.rank)),
            other => panic!("unexpected index {other}"),
        }
        assert!((1..=10).contains(&d.decile));
    }
    for name in ["IMD 2019", "SIMD 2020v2", "NIMDM 2017", "WIMD 2019"] {
        assert!(
            seen.get(name).copied().unwrap_or(0) > 500,
            "{name}: {seen:?}"
        );
    }
    // A named data zone and SOA, checked by hand against the published files:
    // AB10 1AG is in S01006646; BT1 1HU in 95GG21S3.
    let ab = index.lookup("AB10 1AG");
    let d = ab.deprivation.unwrap();
    assert_eq!(
        (d.index, d.area, d.rank),
        ("SIMD 2020v2", "S01006646", simd["S01006646"])
    );
    let bt = index.lookup("BT1 1HU");
    let d = bt.deprivation.unwrap();
    assert_eq!(
        (bt.country, d.index, d.area, d.rank),
        (
            Some("Northern Ireland"),
            "NIMDM 2017",
            "95GG21S3",
            nimdm["95GG21S3"]
        )
    );
    // WIMD from scores: the highest score is rank 1 (Rhyl West 2, W01000240, scores 86.6).
    assert_eq!(index.area_rank("wimd2019", "W01000240"), Some((1, 1)));
    // The Channel Islands have no index: the reason, not a guess.
    let gy = index.lookup("GY1 1AE");
    assert_eq!(
        (gy.country, gy.deprivation),
        (Some("Channel Islands"), None)
    );
    assert!(
        gy.notes
            .iter()
            .any(|n| n == "deprivation: no index covers Channel Islands"),
        "{:?}",
        gy.notes
    );
}

#[test]
fn ofs_measures_come_from_the_ofs_file_with_reasons_for_removed_quintiles() {
    let (index, _) = &*ALL;
    let f = index.lookup("LS1 1NZ");
    let o = f.ofs.unwrap();
    assert_eq!(
        (o.polar4, o.tundra_msoa, o.tundra_lsoa, o.adult_he_2011),
        (Some(1), Some(2), Some(1), Some(2))
    );
    assert_eq!(
        (
            o.gaps_gcse,
            o.gaps_gcse_ethnicity,
            o.uni_connect_target_ward
        ),
        (Some(1), Some(2), Some(true))
    );
    assert_eq!(o.source, "ofs_postcode_lookup.csv");
    let removed = index.lookup("LS1 2DS");
    let o = removed.ofs.unwrap();
    assert_eq!(
        (o.polar4, o.reason_removed_polar),
        (
            None,
            Some("Fewer than 20 young people in the area (fixture text)")
        )
    );
    assert!(removed
        .notes
        .iter()
        .any(|n| n
            == "POLAR4: removed by OfS (Fewer than 20 young people in the area (fixture text))"));
    // A postcode only the OfS file holds: its measures, and the reason it has no ONS areas.
    let only = index.lookup("LS1 4AP");
    assert_eq!(
        (only.status, only.ofs.unwrap().polar4, only.lsoa11),
        (AreaStatus::Live, Some(2), None)
    );
    assert_eq!(only.country, Some("England"));
    assert!(only
        .notes
        .iter()
        .any(|n| n == "deprivation: the postcode is in no postcode look-up loaded"));
    // A postcode the OfS file does not hold.
    let none = index.lookup("BT1 1HU");
    assert!(none
        .notes
        .iter()
        .any(|n| n == "OfS measures: the postcode is not in the OfS look-up"));
}

#[test]
fn a_zipped_ofs_download_reads_as_the_csv_inside() {
    let csv = std::fs::read(case("ofs_postcode_lookup.csv")).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("Notes.txt.pdf", options).unwrap();
    zip.write_all(b"not data").unwrap();
    zip.start_file("postcode_lookup_2024/OfS_postcode_lookup.csv", options)
        .unwrap();
    zip.write_all(&csv).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let (index, reports) =
        AreaIndex::build(&[AreaSource::bytes("ofs.zip", bytes.clone())]).unwrap();
    assert_eq!(
        reports[0].file,
        "ofs.zip › postcode_lookup_2024/OfS_postcode_lookup.csv"
    );
    assert_eq!((reports[0].rows_read, reports[0].rows_loaded), (7, 7));
    assert_eq!(index.lookup("CF10 1BF").ofs.unwrap().polar4, Some(4));
    // Cut short, as an interrupted download is.
    for cut in [bytes.len() / 2, bytes.len() - 10] {
        let e =
            AreaIndex::build(&[AreaSource::bytes("ofs.zip", bytes[..cut].to_vec())]).unwrap_err();
        assert_eq!(e.code(), "bad_zip", "{e}");
        assert!(e
            .to_string()
            .starts_with("ofs.zip: the zip archive cannot be read"));
    }
}

#[test]
fn a_saved_index_loads_back_the_same() {
    let (index, _) = &*ALL;
    let path = std::env::temp_dir().join(format!("heatkit-areas-{}.idx", std::process::id()));
    index.save(&path).unwrap();
    let back = AreaIndex::load(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(back.len(), index.len());
    assert_eq!(back.sources(), index.sources());
    for pc in rows(ONS)
        .iter()
        .step_by(7)
        .map(|r| r["pcds"].clone())
        .chain(["LS1 4AP".to_string(), "N/A".to_string()])
    {
        assert_eq!(back.lookup(&pc), index.lookup(&pc), "{pc}");
    }
}

#[test]
fn bad_files_give_one_clear_error() {
    let bytes = |s: &str| s.as_bytes().to_vec();
    let build =
        |name: &str, s: &str| AreaIndex::build(&[AreaSource::bytes(name, bytes(s))]).unwrap_err();
    // A ranks file without its area column.
    let e = build("imd.csv", "LSOA name (2011),Index of Multiple Deprivation (IMD) Rank\nCity of London 001A,\"29,199\"\n");
    assert_eq!(e.code(), "unknown_area_file");
    assert!(
        e.to_string()
            .contains("its header: LSOA name (2011), Index of Multiple Deprivation (IMD) Rank"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("imd2019 (lsoa_code_2011, index_of_multiple_deprivation_imd_rank*)"),
        "{e}"
    );
    // The same postcode with different areas.
    let e = build(
        "l.csv",
        "pcds,lsoa11cd\nLS1 1NZ,E01011363\nM1 1AH,E01033659\nLS11NZ,E01000001\n",
    );
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            "conflicting_postcode",
            "l.csv: postcode LS1 1NZ is given twice with different areas (rows 2 and 4)"
        )
    );
    // The same postcode twice with the same areas is one postcode.
    let (i, r) = AreaIndex::build(&[AreaSource::bytes(
        "l.csv",
        bytes("pcds,lsoa11cd\nLS1 1NZ,E01011363\nLS1 1NZ,E01011363\n"),
    )])
    .unwrap();
    assert_eq!((i.len(), r[0].rows_loaded), (1, 2));
    // The same postcode in two look-ups with different areas: the first file listed is used,
    // the other's row rejected with the reason.
    let (i, r) = AreaIndex::build(&[
        AreaSource::bytes("nspl.csv", bytes("pcds,lsoa11cd\nLS1 1NZ,E01011363\n")),
        AreaSource::bytes(
            "onspd.csv",
            bytes("pcds,lsoa11cd\nLS1 1NZ,E01000001\nLS1 2AL,E01033010\n"),
        ),
    ])
    .unwrap();
    assert_eq!(
        (i.len(), i.lookup("LS1 1NZ").lsoa11),
        (2, Some("E01011363"))
    );
    assert_eq!(
        (r[1].rows_read, r[1].rows_loaded, r[1].rows_rejected),
        (2, 1, 1)
    );
    assert_eq!(
        r[1].rejected[0].reason,
        "LS1 1NZ has other areas in nspl.csv, which is used"
    );
    // A ranks file that does not rank every area of its nation.
    let mut short = std::fs::read_to_string(shared(IMD)).unwrap();
    let cut = short.rfind("\nE01").unwrap();
    short.truncate(cut + 1);
    let e = AreaIndex::build(&[AreaSource::bytes("imd.csv", short.into_bytes())]).unwrap_err();
    assert_eq!(e.code(), "rank_count");
    assert_eq!(e.to_string(), "imd.csv: ranks 32843 areas, but IMD 2019 ranks 32844 (LSOA 2011s of England); is the file complete?");
    // One area with two ranks.
    let mut s = String::from("SOA2001,MDM_rank\n");
    for r in 1..=890 {
        s += &format!("95X{r},{r}\n");
    }
    s += "95X1,2\n";
    let e = build("n.csv", &s);
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            "conflicting_area",
            "n.csv: area 95X1 is given two different ranks (rows 2 and 892)"
        )
    );
    // Rows that cannot be read are rejected with their row and reason, never dropped.
    let (_, r) = AreaIndex::build(&[AreaSource::bytes(
        "l.csv",
        bytes("Postcode look-up, May 2022\n\npcds,doterm,lsoa11cd,imd\nLS1 1NZ,,E01011363,\"3,001\"\nLS1 2AL,2022,E01033010,1\n,,E01033010,1\nLS1 2DS,,E01033010,first\n"),
    )])
    .unwrap();
    let rejected: Vec<(usize, &str)> = r[0]
        .rejected
        .iter()
        .map(|x| (x.row, x.field.as_str()))
        .collect();
    assert_eq!((r[0].rows_read, r[0].rows_loaded), (4, 1));
    assert_eq!(rejected, [(5, "doterm"), (6, "postcode"), (7, "imd")]);
    assert_eq!(r[0].rejected[0].reason, "\"2022\" is not a month (yyyymm)");
    // OfS cells outside their values.
    let (_, r) = AreaIndex::build(&[AreaSource::bytes("o.csv", bytes("postcode,POLAR4_quintile,uni_connect_target_ward\nLS1 1NZ,6,Y\nLS1 2AL,1,maybe\nLS1 2DS,2,N\n"))]).unwrap();
    let rejected: Vec<(usize, &str, &str)> = r[0]
        .rejected
        .iter()
        .map(|x| (x.row, x.field.as_str(), x.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "polar4", "\"6\" is not a quintile (1-5 or blank)"),
            (3, "uni_connect_target_ward", "\"maybe\" is not yes or no")
        ]
    );
    // Empty and header-only files, a missing file, no files, a damaged workbook.
    assert_eq!(build("e.csv", "").code(), "no_rows");
    assert_eq!(build("h.csv", "pcds,lsoa11cd\n").code(), "no_rows");
    assert_eq!(
        AreaIndex::build(&[AreaSource::file("/no/such/file.csv")])
            .unwrap_err()
            .code(),
        "unreadable_file"
    );
    assert_eq!(AreaIndex::build(&[]).unwrap_err().code(), "no_sources");
    assert_eq!(build("b.xlsx", "PK\u{3}\u{4}not really").code(), "bad_zip");
}

#[test]
fn nspl_and_onspd_headers_of_every_release_are_read() {
    // The 2025 names (pcd7, ctry25cd, lad25cd, lsoa21cd, imd20ind), the 2020-24 ones (pcd,
    // laua, lsoa11, imd) and Aug 2026's (lad26cd, ctry26cd, imd25ind).
    let files = [
        "pcd7,pcd8,pcds,dointr,doterm,usrtypind,oa21cd,lad25cd,ctry25cd,lsoa21cd,msoa21cd,imd20ind\n\"LS1 1NZ\",\"LS1  1NZ\",\"LS1 1NZ\",\"198001\",\"\",\"0\",\"E00187000\",\"E08000035\",\"E92000001\",\"E01011363\",\"E02002400\",\"3001\"\n",
        "pcd,pcd2,pcds,dointr,doterm,usertype,oa11,laua,ctry,lsoa11,msoa11,imd\nLS1 1NZ,LS1  1NZ,LS1 1NZ,198001,,0,E00057000,E08000035,E92000001,E01011363,E02002400,3001\n",
        "pcd7,pcds,doterm,lad26cd,ctry26cd,lsoa21cd,imd25ind\nLS1 1NZ,LS1 1NZ,,E08000035,E92000001,E01011363,3001\n",
    ];
    let expect = [
        ("lsoa21", "IMD 2019"),
        ("lsoa11", "IMD 2019"),
        ("lsoa21", "IMD 2025"),
    ];
    for (file, (column, index_name)) in files.iter().zip(expect) {
        let (i, r) =
            AreaIndex::build(&[AreaSource::bytes("nspl.csv", file.as_bytes().to_vec())]).unwrap();
        assert_eq!((r[0].kind.as_str(), r[0].rows_loaded), ("postcodes", 1));
        let f = i.lookup("LS1 1NZ");
        let got = if column == "lsoa21" {
            f.lsoa21
        } else {
            f.lsoa11
        };
        assert_eq!(
            (got, f.lad, f.country),
            (Some("E01011363"), Some("E08000035"), Some("England"))
        );
        // The look-up's own rank column gives the nation's index when no ranks file is loaded.
        let d = f.deprivation.unwrap();
        assert_eq!((d.index, d.rank, d.source), (index_name, 3001, "nspl.csv"));
    }
}

#[test]
fn the_clean_job_adds_areas_and_counts_students_by_quintile() {
    use heat_core::clean::{clean_students, output, report::html_report, CleanSettings};
    use heat_core::import::{validate_import, Template};
    let (index, _) = &*ALL;
    let mut settings = CleanSettings::on("2026-12-01".parse().unwrap());
    settings.areas = Some(std::sync::Arc::new(index.clone()));
    let csv = "Forename,Surname,Date of Birth,Home Postcode\n\
               Ann,Lee,2011-01-02,ls11nz\n\
               Bob,Kay,2011-03-04,LS1 2AL\n\
               Cat,Day,2011-05-06,AB10 1AG\n\
               Dan,Fry,2011-07-08,ZE3 9JZ\n\
               Eve,Gee,2011-09-10,\n";
    let up = validate_import(csv.as_bytes(), Template::Students, &settings.import).unwrap();
    let out = clean_students(up, &settings).unwrap();
    let header = output::cleaned_header_of(&out);
    assert_eq!(
        &header[header.len() - 10..],
        heat_core::clean::areas::AREA_COLUMNS
    );
    let ann = out.students[0].area.as_ref().unwrap();
    assert_eq!(
        (ann.status, ann.lsoa.as_str(), ann.imd_index.as_str()),
        ("live", "E01011363", "IMD 2019")
    );
    assert_eq!(
        (
            ann.imd_decile,
            ann.imd_quintile,
            ann.polar4,
            ann.uni_connect_target_ward
        ),
        (Some(1), Some(1), Some(1), Some(true))
    );
    let dan = out.students[3].area.as_ref().unwrap();
    assert_eq!((dan.status, dan.imd_quintile), ("unknown", None));
    assert!(dan
        .notes
        .starts_with("the postcode is in no look-up loaded"));
    let a = out.areas.as_ref().unwrap();
    // IMD: LS1 1NZ (decile 1), LS1 2AL and AB10 1AG from their files; two without.
    let ls12al = index.lookup("LS1 2AL").deprivation.unwrap().quintile() as usize;
    let ab = index.lookup("AB10 1AG").deprivation.unwrap().quintile() as usize;
    let mut expect = [0usize; 5];
    for q in [1, ls12al, ab] {
        expect[q - 1] += 1;
    }
    assert_eq!((a.imd.counts, a.imd.missing), (expect, 2));
    assert_eq!((a.polar4.counts, a.polar4.missing), ([1, 0, 1, 0, 1], 2));
    assert_eq!(a.polar4.share_q1_q2(), Some(1.0 / 3.0));
    let lines = output::summary_lines(&out);
    assert!(
        lines.contains(&(
            "POLAR4 quintile 1-2".to_string(),
            "1 of 3 with one (33.3%); 2 without".to_string()
        )),
        "{lines:?}"
    );
    let html = html_report(&out, "upload.csv");
    assert!(html.contains("Students by IMD quintile (1 = most deprived)"));
    assert!(html.contains("<strong>33.3%</strong> of the 3 students with a quintile are in quintiles 1–2 (1 students)"));
    let mut bytes = Vec::new();
    output::write_cleaned_csv(&out, &mut bytes, false).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .ends_with(",live,E01011363,IMD 2019,1,1,,1,1,yes,"),
        "{}",
        text.lines().nth(1).unwrap()
    );
}

#[test]
fn areas_looked_up_run_by_run_as_the_files_are_written_are_the_same() {
    use heat_core::clean::{clean_students_file, clean_students_file_to, output, CleanSettings};
    let (index, _) = &*ALL;
    let mut settings = CleanSettings::on("2026-12-01".parse().unwrap());
    settings.areas = Some(std::sync::Arc::new(index.clone()));
    let dir = std::env::temp_dir().join(format!("heatkit_areas_to_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("students.csv");
    std::fs::write(
        &path,
        "Forename,Surname,Date of Birth,Home Postcode\n\
         Ann,Lee,2011-01-02,ls11nz\n\
         Bob,Kay,2011-03-04,LS1 2AL\n\
         Dan,Fry,2011-07-08,ZE3 9JZ\n\
         Eve,Gee,2011-09-10,\n",
    )
    .unwrap();
    let files = output::Files {
        csv: true,
        xlsx: true,
        report: Some("students.csv".into()),
        bom: true,
    };
    let (out, written) = clean_students_file_to(&path, &settings, &dir.join("to"), &files).unwrap();
    written.unwrap();
    let after = clean_students_file(&path, &settings).unwrap();
    output::write_files(&after, &dir.join("after"), &files).unwrap();
    assert_eq!(out, after);
    assert_eq!(out.areas.as_ref().unwrap().polar4.missing, 2);
    for name in [
        "students_cleaned.csv",
        "students_problems.csv",
        "students_report.html",
    ] {
        let read = |sub: &str| std::fs::read(dir.join(sub).join(name)).unwrap();
        assert!(read("to") == read("after"), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A synthetic File 7 in the published header (IoD2025: 2021 LSOAs, the CYP decile header cut
/// short; IoD2019: its last header with a trailing space), every area of the nation ranked.
fn file_7(year: u32) -> String {
    let (code, areas) = match year {
        2025 => ("LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024)", 33_755u32),
        _ => ("LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019)", 32_844u32),
    };
    let mut header = String::from(code);
    header += ",Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),Income Score (rate),Income Rank (where 1 is most deprived),Income Decile (where 1 is most deprived 10% of LSOAs)";
    header += ",Income Deprivation Affecting Children Index (IDACI) Score (rate),Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived),Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)";
    header += ",Children and Young People Sub-domain Decile (where 1 is most deprived 10% of LSO";
    header += if year == 2025 {
        ",Total population: mid 2022"
    } else {
        ",\"Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners) \""
    };
    let mut s = header + "\n";
    for i in 1..=areas {
        // Ranks a permutation of 1..=areas; IDACI ranks another.
        let rank = (i as u64 * 7919 % areas as u64) as u32 + 1;
        let idaci = (i as u64 * 104_729 % areas as u64) as u32 + 1;
        let d = |r: u32| (r * 10).div_ceil(areas);
        s += &format!(
            "E0{:07},Area {i},E06000001,Somewhere,1.0,{rank},{},0.1,1,1,0.1,{idaci},{},5,100\n",
            1_000_000 + i,
            d(rank),
            d(idaci)
        );
    }
    s
}

#[test]
fn file_7_of_iod2019_and_iod2025_give_imd_and_idaci() {
    for (year, index, lsoa_col) in [(2019, "imd2019", "lsoa11cd"), (2025, "imd2025", "lsoa21cd")] {
        let lookup = format!("pcds,{lsoa_col}\nLS1 1NZ,E01000007\n");
        let (i, r) = AreaIndex::build(&[
            AreaSource::bytes("nspl.csv", lookup.into_bytes()),
            AreaSource::bytes(format!("File_7_IoD{year}.csv"), file_7(year).into_bytes()),
        ])
        .unwrap();
        assert_eq!(r[1].kind, index);
        assert_eq!(
            (r[1].deciles_checked, r[1].deciles_differing),
            (r[1].rows_read, 0)
        );
        let d = i.lookup("LS1 1NZ").deprivation.unwrap();
        let areas = DeprivationIndex::get(index).unwrap().areas;
        let rank = (7u64 * 7919 % areas as u64) as u32 + 1;
        let idaci = (7u64 * 104_729 % areas as u64) as u32 + 1;
        assert_eq!(
            (d.index, d.area, d.rank),
            (
                DeprivationIndex::get(index).unwrap().name.as_str(),
                "E01000007",
                rank
            )
        );
        assert_eq!(
            (d.decile as u32, d.idaci_decile.map(u32::from)),
            (
                (rank * 10).div_ceil(areas),
                Some((idaci * 10).div_ceil(areas))
            )
        );
    }
}
