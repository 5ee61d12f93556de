//! The main job on bundled data: read a CSV of messy postcodes, write the checked CSV and print a
//! summary of statuses and codes.
//!
//! ```text
//! cargo run --release --example clean_postcodes -- [INPUT.csv] [OUTPUT.csv] [--column NAME]
//! ```
//! Defaults: `examples/data/messy_postcodes.csv`, `target/heatkit-example/postcodes_checked.csv`,
//! column `postcode`. Every input row appears in the output, with its status, code and message.

use heat_core::postcode::check;
use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;

struct Args {
    input: PathBuf,
    output: PathBuf,
    column: String,
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut column = "postcode".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--column" => column = args.next().ok_or("--column needs a name")?,
            "-h" | "--help" => {
                return Err(
                    "usage: clean_postcodes [INPUT.csv] [OUTPUT.csv] [--column NAME]".into(),
                )
            }
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().map(PathBuf::from).unwrap_or(manifest);
    let mut positional = positional.into_iter();
    Ok(Args {
        input: positional
            .next()
            .unwrap_or_else(|| root.join("examples/data/messy_postcodes.csv")),
        output: positional
            .next()
            .unwrap_or_else(|| root.join("target/heatkit-example/postcodes_checked.csv")),
        column,
    })
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.input)
        .map_err(|e| format!("cannot read {}: {e}", args.input.display()))?;
    let headers = reader.headers()?.clone();
    let column = headers
        .iter()
        .position(|h| h.trim_start_matches('\u{FEFF}').trim() == args.column)
        .ok_or_else(|| {
            format!(
                "{} has no column named {:?}",
                args.input.display(),
                args.column
            )
        })?;
    if let Some(dir) = args.output.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut writer = csv::Writer::from_path(&args.output)?;
    let mut out_headers = headers.clone();
    for h in [
        "postcode_clean",
        "postcode_status",
        "postcode_code",
        "postcode_message",
    ] {
        out_headers.push_field(h);
    }
    writer.write_record(&out_headers)?;

    let mut by_status: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_code: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    let mut rows = 0;
    for (i, record) in reader.records().enumerate() {
        let mut record = record.map_err(|e| format!("row {}: {e}", i + 1))?;
        let c = check(record.get(column).unwrap_or(""));
        rows += 1;
        *by_status.entry(c.status.as_str()).or_default() += 1;
        if let Some(code) = c.code {
            *by_code.entry((c.status.as_str(), code)).or_default() += 1;
        }
        record.push_field(c.postcode.as_deref().unwrap_or(""));
        record.push_field(c.status.as_str());
        record.push_field(c.code.unwrap_or(""));
        record.push_field(&c.message);
        writer.write_record(&record)?;
    }
    writer.flush()?;

    println!("checked {rows} rows -> {}", args.output.display());
    println!("by status:");
    for (status, n) in &by_status {
        println!("  {status:<8} {n:>6}");
    }
    println!("by code:");
    for ((status, code), n) in &by_code {
        println!("  {status:<8} {code:<22} {n:>6}");
    }
    Ok(())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
