//! The main job on bundled data: clean a bulk upload of students and one of activities, as a WP
//! team does before the HEAT Track deadline.
//!
//! Students: the file is read whatever its encoding, headers are matched to the students template
//! (with suggestions for near misses), postcodes are normalised (or fixed), dates of birth read
//! (Excel serials too), year groups worked out and checked against the stated one, KS4/KS5 exam,
//! HE-ready and tracking-data years added, completeness and track eligibility worked out, and
//! likely duplicate students flagged (twins are not merged). Activities: every rule of the
//! activity typology checked. Each upload gives a cleaned file, an error file (row, column, code,
//! severity, message) and a summary whose counts reconcile: rows in = rows ok + rows with errors.
//!
//! ```text
//! cargo run --release --example clean_students -- [STUDENTS.csv] [--activities ACTIVITIES.csv]
//!     [--out-dir DIR] [--academic-year 2025/26] [--nation england] [--on 2026-11-23]
//! ```
//! Defaults: `examples/data/students.csv`, `examples/data/activities.csv`,
//! `target/heatkit-example/`, the school year containing `--on`, England, `--on` today. A file that cannot be imported at all
//! (empty, binary, too large, wrong encoding, required columns missing) stops with a clear message
//! and exit code 1; nothing panics.

#[path = "common/sheet.rs"]
mod sheet;
#[path = "common/console.rs"]
#[macro_use]
mod console;

use heat_core::HeatError;
use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use heat_core::cohort::{track_cohort, year_group, AcademicYear, Nation, PhaseAdjustment};
use heat_core::fields;
use heat_core::import::{validate_import_file, ImportOutcome, ImportSettings, Template};
use heat_core::matching::{MatchSettings, Matcher, RunSummary, StudentRef};
use heat_core::student::{
    student_tracking_status, tracking_summary, StudentInput, TrackingSettings,
};

struct Args {
    students: PathBuf,
    activities: Option<PathBuf>,
    out_dir: PathBuf,
    year: Option<AcademicYear>,
    nation: Nation,
    on: chrono::NaiveDate,
}

const USAGE: &str = "usage: clean_students [STUDENTS.csv] [--activities ACTIVITIES.csv | --no-activities] [--out-dir DIR] [--academic-year 2025/26] [--nation england] [--on YYYY-MM-DD]";

fn parse_args() -> Result<Args, String> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().map(PathBuf::from).unwrap_or(manifest);
    let mut students = None;
    let mut activities = Some(root.join("examples/data/activities.csv"));
    let mut out_dir = root.join("target/heatkit-example");
    let mut year = None;
    let mut nation = Nation::England;
    let mut on = heat_core::calendar::today();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--activities" => activities = Some(PathBuf::from(value("--activities")?)),
            "--no-activities" => activities = None,
            "--out-dir" => out_dir = PathBuf::from(value("--out-dir")?),
            "--academic-year" => {
                year = Some(
                    value("--academic-year")?
                        .parse()
                        .map_err(|e| format!("--academic-year: {e}"))?,
                )
            }
            "--nation" => {
                nation = value("--nation")?
                    .parse()
                    .map_err(|e| format!("--nation: {e}"))?
            }
            "--on" => {
                on = heat_core::cohort::parse_date(&value("--on")?)
                    .map_err(|e| format!("--on: {e}"))?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            a if a.starts_with("--") => return Err(format!("unknown option {a}\n{USAGE}")),
            _ => students = Some(PathBuf::from(arg)),
        }
    }
    Ok(Args {
        students: students.unwrap_or_else(|| root.join("examples/data/students.csv")),
        activities,
        out_dir,
        year,
        nation,
        on,
    })
}

fn write_errors(path: &Path, outcome: &ImportOutcome) -> Result<(), Box<dyn Error>> {
    let mut w = csv::Writer::from_path(path)?;
    sheet::write(
        &mut w,
        ["row", "column", "code", "severity", "rule_id", "message"],
    )?;
    for e in &outcome.issues {
        let row = e.row.to_string();
        sheet::write(
            &mut w,
            [
                row.as_str(),
                &e.column,
                e.code,
                e.severity.as_str(),
                e.rule_id.unwrap_or(""),
                &e.message,
            ],
        )?;
    }
    w.flush()?;
    Ok(())
}

fn print_summary(name: &str, outcome: &ImportOutcome) {
    let s = &outcome.summary;
    say!(
        "{name}: {} rows in = {} ok + {} with errors ({} errors, {} warnings; read as {})",
        s.rows_in,
        s.rows_ok,
        s.rows_with_errors,
        s.errors,
        s.warnings,
        s.encoding
    );
    let mut by_code: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for e in &outcome.issues {
        *by_code.entry((e.severity.as_str(), e.code)).or_default() += 1;
    }
    for ((severity, code), n) in by_code {
        say!("  {severity:<8} {code:<32} {n:>5}");
    }
}

/// For each cleaned row, the student ref (or row) of the earlier row it likely duplicates, and
/// what the matching run did.
type Duplicates = (Vec<Option<String>>, RunSummary);

fn duplicates(outcome: &ImportOutcome) -> Result<Duplicates, Box<dyn Error>> {
    fn v<'a>(r: &'a heat_core::import::CleanRow, column: &str) -> Option<&'a str> {
        fields::text(r.get(column))
    }
    let students: Vec<StudentRef> = outcome
        .rows
        .iter()
        .map(|r| StudentRef {
            first_name: v(r, "first_name"),
            last_name: v(r, "last_name"),
            dob: fields::date(r.get("date_of_birth")).ok().flatten(),
            postcode: v(r, "postcode"),
            gender: v(r, "gender"),
            school: v(r, "school_id"),
        })
        .collect();
    let settings = MatchSettings::default();
    let run = Matcher::new(settings.clone()).dedupe(&students)?;
    let clusters = run.clusters(students.len(), &settings);
    let mut first_of: BTreeMap<u32, usize> = BTreeMap::new();
    let of = clusters
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let head = *first_of.entry(*label).or_insert(i);
            (head != i).then(|| {
                let r = &outcome.rows[head];
                match fields::text(r.get("student_ref")) {
                    Some(id) => id.to_string(),
                    None => format!("row {}", r.row),
                }
            })
        })
        .collect();
    Ok((of, run.summary()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(&args.out_dir)?;
    let settings = ImportSettings {
        academic_year: args.year,
        nation: args.nation,
        // Duplicates are flagged in their own column below, with the earlier student's ref.
        check_duplicates: false,
        ..ImportSettings::on(args.on)
    };
    let year = settings.academic_year();
    let students = validate_import_file(&args.students, Template::Students, &settings)
        .map_err(|e| format!("{}: {e} [{}]", args.students.display(), e.code()))?;
    let tracking = TrackingSettings {
        nation: args.nation,
        ..TrackingSettings::on(args.on)
    };
    let (dup_of, matching) = duplicates(&students)?;
    let cleaned_path = args.out_dir.join("students_cleaned.csv");
    let mut w = csv::Writer::from_path(&cleaned_path)?;
    let mut header: Vec<&str> = vec!["row"];
    header.extend(students.columns.iter());
    header.extend([
        "year_group_from_dob",
        "ks4_exam_year",
        "ks5_exam_year",
        "he_ready_year",
        "tracking_data_year",
        "tracking_complete",
        "ks4_eligible",
        "ks5_eligible",
        "hesa_eligible",
        "tracking_reasons",
        "duplicate_of",
    ]);
    sheet::write(&mut w, header.iter().map(|c| c.as_ref()))?;
    let mut statuses = Vec::with_capacity(students.rows.len());
    for (r, dup) in students.rows.iter().zip(&dup_of) {
        let status = student_tracking_status(&StudentInput::from_row(r), &tracking);
        let mut out: Vec<String> = vec![r.row.to_string()];
        out.extend(r.values.iter().cloned());
        match fields::date(r.get("date_of_birth")) {
            Ok(Some(dob)) => {
                let t = track_cohort(dob, args.nation, PhaseAdjustment::NONE);
                out.push(year_group(dob, year, args.nation).label(args.nation));
                out.push(t.ks4_exam_year.to_string());
                out.push(t.ks5_exam_year.to_string());
                out.push(t.he_ready_year.to_string());
                out.push(t.tracking_data_year.to_string());
            }
            _ => out.extend(std::iter::repeat_n(String::new(), 5)),
        }
        out.push(status.complete.to_string());
        out.push(status.ks4_eligible.to_string());
        out.push(status.ks5_eligible.to_string());
        out.push(status.hesa_eligible.to_string());
        out.push(status.reasons.join("; "));
        out.push(dup.clone().unwrap_or_default());
        sheet::write(&mut w, out.iter().map(|c| c.as_ref()))?;
        statuses.push(status);
    }
    w.flush()?;
    let errors_path = args.out_dir.join("students_errors.csv");
    write_errors(&errors_path, &students)?;
    print_summary(
        &format!("students ({})", args.students.display()),
        &students,
    );
    let dups = dup_of.iter().filter(|d| d.is_some()).count();
    say!(
        "  likely duplicates of an earlier student: {dups} ({} pairs compared; {} twin patterns, {})",
        matching.candidate_pairs,
        matching.twins.observed + matching.possible_twins.observed,
        if matching.twins.held && matching.possible_twins.held {
            "kept apart"
        } else {
            "partly scored as one student"
        }
    );
    if matching.skipped_pairs > 0 {
        say!(
            "  warning: {} pairs in groups of up to {} records were too many to compare (max_block_size)",
            matching.skipped_pairs,
            matching.skipped_records
        );
    } else {
        say!("  skipped pairs: 0 (every blocking group was compared)");
    }
    let sum = tracking_summary(&statuses);
    say!(
        "  tracking ({} extract): {} complete; KS4 {}, KS5 {}, next HESA track {} of {} imported",
        tracking.extract_year(),
        sum.complete,
        sum.ks4_eligible,
        sum.ks5_eligible,
        sum.hesa_eligible,
        sum.students
    );
    for (why, n) in &sum.not_hesa_because {
        say!("    not in the HESA track: {why:<24} {n:>5}");
    }
    say!(
        "  -> {} and {}",
        cleaned_path.display(),
        errors_path.display()
    );

    if let Some(path) = &args.activities {
        let activities = validate_import_file(path, Template::Activities, &settings)
            .map_err(|e| format!("{}: {e} [{}]", path.display(), e.code()))?;
        let cleaned = args.out_dir.join("activities_cleaned.csv");
        let mut w = csv::Writer::from_path(&cleaned)?;
        let mut header: Vec<&str> = vec!["row"];
        header.extend(activities.columns.iter());
        sheet::write(&mut w, header.iter().map(|c| c.as_ref()))?;
        for r in &activities.rows {
            let mut out = vec![r.row.to_string()];
            out.extend(r.values.iter().cloned());
            sheet::write(&mut w, out.iter().map(|c| c.as_ref()))?;
        }
        w.flush()?;
        let errors = args.out_dir.join("activities_errors.csv");
        write_errors(&errors, &activities)?;
        print_summary(&format!("activities ({})", path.display()), &activities);
        say!("  -> {} and {}", cleaned.display(), errors.display());
    }
    say!(
        "formula-like cells written as text (a leading '): {}",
        sheet::neutralised()
    );
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
