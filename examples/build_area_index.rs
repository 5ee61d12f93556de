//! Builds an area index from a team's look-up files and saves it, printing what each file gave.
//!
//! ```text
//! cargo run --release --example build_area_index -- areas.idx ONSPD.csv File_1_IMD2019.csv ofs.zip
//! ```
//! Without arguments it builds from the real files in `../shared/data/areas/` (a 5% sample of
//! the ONS look-up, IoD2019 File 1, SIMD, NIMDM, WIMD) and the OfS-format fixture.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use heat_core::areas::{AreaIndex, AreaSource};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/areas.idx".into()));
    let mut files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if files.is_empty() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let shared = root.join("../shared/data/areas");
        files = [
            "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample5pct.csv",
            "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
            "SIMD+2020v2+-+ranks.xlsx",
            "NIMDM17_SOAresults.xls",
            "wimd-2019-index-and-domain-scores.csv",
        ]
        .iter()
        .map(|f| shared.join(f))
        .chain([root.join("tests/cases/areas/ofs_postcode_lookup.csv")])
        .collect();
    }
    let sources: Vec<AreaSource> = files.iter().map(AreaSource::file).collect();
    let start = Instant::now();
    let (index, reports) = AreaIndex::build(&sources)?;
    let built = start.elapsed();
    for r in &reports {
        println!(
            "{}: {} — {} rows read, {} loaded, {} rejected",
            r.file, r.description, r.rows_read, r.rows_loaded, r.rows_rejected
        );
        for x in r.rejected.iter().take(5) {
            println!("    row {}, {}: {}", x.row, x.field, x.reason);
        }
    }
    let start = Instant::now();
    index.save(&out)?;
    let saved = start.elapsed();
    let start = Instant::now();
    let loaded = AreaIndex::load(&out)?;
    let load = start.elapsed();
    let size = std::fs::metadata(&out)?.len();
    println!(
        "{} postcodes; built in {:.2} s, saved in {:.2} s to {} ({:.1} MB), loaded in {:.3} s",
        loaded.len(),
        built.as_secs_f64(),
        saved.as_secs_f64(),
        out.display(),
        size as f64 / 1e6,
        load.as_secs_f64()
    );
    Ok(())
}
