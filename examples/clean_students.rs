//! The main job on bundled data: clean a bulk upload of students. For each row it checks the home
//! postcode, reads the date of birth, works out the year group, checks it against the stated year
//! group, adds the KS4/KS5 exam years, HE-ready year and tracking-data year, and flags likely
//! duplicate students (the same child entered twice; twins are not merged); then it prints a
//! summary. Every input row appears in the output, with a `problems` column naming field and reason.
//!
//! ```text
//! cargo run --release --example clean_students -- [INPUT.csv] [OUTPUT.csv] [--academic-year 2025/26] [--nation england]
//! ```
//! Defaults: `examples/data/students.csv`, `target/heatkit-example/students_cleaned.csv`, the
//! academic year 2025/26, England. Columns are found by name: `postcode`, `date_of_birth` (or
//! `dob`), `year_group`, `first_name`, `last_name`, `student_ref`; any may be absent (e.g.
//! `examples/data/messy_postcodes.csv`).

use heat_core::cohort::{
    check_year_group, clean_year_group, parse_date, track_cohort, year_group, AcademicYear, Nation,
};
use heat_core::matching::{MatchSettings, Matcher, StudentRef};
use heat_core::postcode::check;
use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;

struct Args {
    input: PathBuf,
    output: PathBuf,
    year: AcademicYear,
    nation: Nation,
}

const USAGE: &str =
    "usage: clean_students [INPUT.csv] [OUTPUT.csv] [--academic-year 2025/26] [--nation england]";

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut year = AcademicYear::new(2025);
    let mut nation = Nation::England;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--academic-year" => {
                let v = args.next().ok_or("--academic-year needs a value")?;
                year = v.parse().map_err(|e| format!("--academic-year: {e}"))?;
            }
            "--nation" => {
                let v = args.next().ok_or("--nation needs a value")?;
                nation = v.parse().map_err(|e| format!("--nation: {e}"))?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().map(PathBuf::from).unwrap_or(manifest);
    let mut positional = positional.into_iter();
    Ok(Args {
        input: positional
            .next()
            .unwrap_or_else(|| root.join("examples/data/students.csv")),
        output: positional
            .next()
            .unwrap_or_else(|| root.join("target/heatkit-example/students_cleaned.csv")),
        year,
        nation,
    })
}

/// Counts for the summary, by (field, outcome).
#[derive(Default)]
struct Summary(BTreeMap<(&'static str, String), usize>);

impl Summary {
    fn add(&mut self, field: &'static str, outcome: impl Into<String>) {
        *self.0.entry((field, outcome.into())).or_default() += 1;
    }
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.input)
        .map_err(|e| format!("cannot read {}: {e}", args.input.display()))?;
    let headers = reader.headers()?.clone();
    let find = |names: &[&str]| {
        headers.iter().position(|h| {
            let h = h.trim_start_matches('\u{FEFF}').trim().to_ascii_lowercase();
            names.contains(&h.as_str())
        })
    };
    let (pc_col, dob_col, yg_col) = (
        find(&["postcode", "home_postcode"]),
        find(&["date_of_birth", "dob"]),
        find(&["year_group", "yeargroup"]),
    );
    let (first_col, last_col, ref_col) = (
        find(&["first_name", "forename"]),
        find(&["last_name", "surname"]),
        find(&["student_ref", "record_id", "id"]),
    );
    if pc_col.is_none() && dob_col.is_none() {
        return Err(format!(
            "{} has neither a postcode nor a date_of_birth column",
            args.input.display()
        )
        .into());
    }
    if let Some(dir) = args.output.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut writer = csv::Writer::from_path(&args.output)?;
    let mut out_headers = headers.clone();
    for h in [
        "postcode_clean",
        "postcode_status",
        "postcode_code",
        "year_group_from_dob",
        "year_group_check",
        "ks4_exam_year",
        "ks5_exam_year",
        "he_ready_year",
        "tracking_data_year",
        "duplicate_of",
        "duplicate_probability",
        "problems",
    ] {
        out_headers.push_field(h);
    }
    writer.write_record(&out_headers)?;

    let n = args.nation;
    let mut summary = Summary::default();
    let mut rows = 0;
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        records.push(record.map_err(|e| format!("row {}: {e}", i + 1))?);
    }
    let duplicates = find_duplicates(&records, [first_col, last_col, dob_col, pc_col], ref_col)?;
    for (i, mut record) in records.into_iter().enumerate() {
        let field = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
        let mut problems: Vec<String> = Vec::new();
        let mut out: Vec<String> = vec![String::new(); 11];
        rows += 1;
        if let Some((of, p)) = &duplicates[i] {
            out[9] = of.clone();
            out[10] = format!("{p:.4}");
            problems.push(format!("student: likely the same student as {of}"));
            summary.add("duplicates", "likely duplicate of an earlier row");
        } else {
            summary.add("duplicates", "first or only record of a student");
        }

        if pc_col.is_some() {
            let c = check(&field(pc_col));
            summary.add(
                "postcode",
                format!("{} {}", c.status.as_str(), c.code.unwrap_or(""))
                    .trim()
                    .to_string(),
            );
            if c.status == heat_core::postcode::Status::Invalid {
                problems.push(format!("postcode: {}", c.message));
            }
            out[0] = c.postcode.unwrap_or_default();
            out[1] = c.status.as_str().to_string();
            out[2] = c.code.unwrap_or("").to_string();
        }
        let dob_text = field(dob_col);
        let dob = match (dob_col, dob_text.trim()) {
            (None, _) => None,
            (Some(_), "") => {
                problems.push("date_of_birth: missing".into());
                summary.add("date_of_birth", "missing");
                None
            }
            (Some(_), text) => match parse_date(text) {
                Ok(d) => {
                    summary.add("date_of_birth", "ok");
                    Some(d)
                }
                Err(e) => {
                    problems.push(format!("date_of_birth: {e}"));
                    summary.add("date_of_birth", e.code());
                    None
                }
            },
        };
        if let Some(dob) = dob {
            out[3] = year_group(dob, args.year, n).label(n);
            let t = track_cohort(dob, n, 0);
            out[5] = t.ks4_exam_year.to_string();
            out[6] = t.ks5_exam_year.to_string();
            out[7] = t.he_ready_year.to_string();
            out[8] = t.tracking_data_year.to_string();
            let stated = field(yg_col);
            if yg_col.is_some() && !stated.trim().is_empty() {
                match clean_year_group(&stated, n) {
                    Ok(g) => {
                        let p = check_year_group(dob, g, args.year, n);
                        out[4] = p.code().to_string();
                        summary.add("year_group", p.code());
                        if let heat_core::cohort::Plausibility::DayMonthSwap(d) = p {
                            problems.push(format!("date_of_birth: fits the stated year group if day and month are swapped ({d})"));
                        }
                    }
                    Err(e) => {
                        problems.push(format!("year_group: {e}"));
                        summary.add("year_group", e.code());
                    }
                }
            }
        }
        for v in out {
            record.push_field(&v);
        }
        record.push_field(&problems.join("; "));
        writer.write_record(&record)?;
    }
    writer.flush()?;

    println!(
        "cleaned {rows} rows for {} ({}) -> {}",
        args.year,
        n,
        args.output.display()
    );
    let mut last = "";
    for ((field, outcome), count) in &summary.0 {
        if *field != last {
            println!("{field}:");
            last = field;
        }
        println!("  {outcome:<32} {count:>6}");
    }
    Ok(())
}

/// The earlier row's student ref (or row number) and the match probability.
type DuplicateOf = (String, f64);

/// For each row, the student ref (or row number) of the earlier row it likely duplicates, with the
/// match probability: rows clustered at the default threshold, each pointing at its cluster's
/// first row.
fn find_duplicates(
    records: &[csv::StringRecord],
    [first, last, dob, postcode]: [Option<usize>; 4],
    id: Option<usize>,
) -> Result<Vec<Option<DuplicateOf>>, Box<dyn Error>> {
    fn get(r: &csv::StringRecord, c: Option<usize>) -> Option<&str> {
        c.and_then(|c| r.get(c))
    }
    let students: Vec<StudentRef> = records
        .iter()
        .map(|r| StudentRef {
            first_name: get(r, first),
            last_name: get(r, last),
            dob: get(r, dob).and_then(|d| parse_date(d).ok()),
            postcode: get(r, postcode),
            ..Default::default()
        })
        .collect();
    let mut out = vec![None; records.len()];
    if first.is_none() || last.is_none() {
        return Ok(out);
    }
    let settings = MatchSettings::default();
    let run = Matcher::new(settings.clone()).dedupe(&students)?;
    let clusters = run.clusters(records.len(), &settings);
    let mut first_of: BTreeMap<u32, usize> = BTreeMap::new();
    let mut best: BTreeMap<usize, f64> = BTreeMap::new();
    for p in run.matches() {
        for row in [p.left as usize, p.right as usize] {
            let e = best.entry(row).or_insert(0.0);
            *e = e.max(p.probability);
        }
    }
    for (row, label) in clusters.labels.iter().enumerate() {
        let head = *first_of.entry(*label).or_insert(row);
        if head != row {
            let name = get(&records[head], id)
                .map(str::to_string)
                .unwrap_or_else(|| format!("row {}", head + 1));
            out[row] = Some((name, best.get(&row).copied().unwrap_or(0.0)));
        }
    }
    Ok(out)
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
