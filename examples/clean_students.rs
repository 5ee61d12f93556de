//! The main job on bundled data: clean a bulk upload of students (and, with the bundled data or
//! when asked, one of activities), as a WP team does before the HEAT Track deadline.
//!
//! Students go through `heat_core::clean::clean_students_file_to` (`clean_students_file`, the one
//! pipeline the `heatkit clean` command and Python's `heatkit.clean` also call, with the files
//! written as the rows come out of it): the file is read whatever its encoding,
//! or as a workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`, title rows above the header
//! allowed); headers are matched to the students template; postcodes normalised or fixed, dates of
//! birth read, year groups worked out and checked, exam, HE-ready and tracking years added,
//! completeness and eligibility worked out, and likely duplicates found (twins are not merged).
//! Every row comes out with a status (ok / fixed / needs attention / rejected) and its problems in
//! plain English, in `students_cleaned.csv`, `students_problems.csv` (UTF-8 with BOM) and
//! `students.xlsx` (sheets Cleaned, Problems, Duplicates, Summary). Counts reconcile: rows in =
//! ok + fixed + needs attention + rejected; blank and total rows are counted as skipped.
//!
//! ```text
//! cargo run --release --example clean_students -- [STUDENTS.csv|.xlsx] [--activities ACTIVITIES.csv]
//!     [--no-activities] [--out-dir DIR] [--academic-year 2025/26] [--nation england] [--on 2026-11-23]
//! ```
//! Defaults: `examples/data/students.csv` with `examples/data/activities.csv` (a students file of
//! your own is cleaned alone unless `--activities` is given), `target/heatkit-example/`, the school
//! year containing `--on`, England, `--on` today. A file that cannot be imported at all (empty,
//! binary, too large, wrong encoding, a damaged or password-protected workbook, required columns
//! missing) stops with a clear message and exit code 1; nothing panics.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/sheet.rs"]
mod sheet;
#[path = "common/console.rs"]
#[macro_use]
mod console;

use heat_core::HeatError;
use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use heat_core::clean::{clean_students_file_to, output, CleanOutcome, CleanSettings};
use heat_core::cohort::{AcademicYear, Nation};
use heat_core::import::{validate_import_file, ImportOutcome, ImportSettings, Template};

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
    let mut activities = None;
    let mut no_activities = false;
    let mut out_dir = root.join("target/heatkit-example");
    let mut year = None;
    let mut nation = Nation::England;
    let mut on = heat_core::calendar::today();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--activities" => activities = Some(PathBuf::from(value("--activities")?)),
            "--no-activities" => no_activities = true,
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
    // The bundled activities go with the bundled students only: a team's own students file is
    // cleaned alone unless `--activities` names theirs.
    if students.is_none() && activities.is_none() && !no_activities {
        activities = Some(root.join("examples/data/activities.csv"));
    }
    if no_activities {
        activities = None;
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
    let mut w = csv::Writer::from_writer(bom_file(path)?);
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

/// A new file that starts with UTF-8's byte-order mark (so Excel reads `Zoë` as typed).
fn bom_file(path: &Path) -> Result<std::io::BufWriter<std::fs::File>, Box<dyn Error>> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    f.write_all(output::UTF8_BOM)?;
    Ok(f)
}

fn print_summary(path: &Path, out: &CleanOutcome) {
    let c = &out.counts;
    say!(
        "students ({}): {} rows in = {} ok + {} fixed + {} needs attention + {} rejected ({} skipped: blank or total rows; read as {})",
        path.display(),
        c.rows_in,
        c.ok,
        c.fixed,
        c.needs_attention,
        c.rejected,
        c.skipped,
        match &out.import.sheet {
            Some(sheet) => format!("{}, sheet {sheet:?}, header on row {}", out.import.encoding, out.import.header_row),
            None => out.import.encoding.to_string(),
        },
    );
    let mut by_code: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for p in out.students.iter().flat_map(|s| &s.problems) {
        *by_code.entry((p.severity.as_str(), p.code)).or_default() += 1;
    }
    for (_, p) in &out.file_problems {
        *by_code.entry((p.severity.as_str(), p.code)).or_default() += 1;
    }
    for ((severity, code), n) in by_code {
        say!("  {severity:<8} {code:<32} {n:>5}");
    }
    let m = &out.matching;
    say!(
        "  likely duplicates of an earlier student: {} ({} pairs compared; {} twin patterns, {})",
        c.duplicates,
        m.candidate_pairs,
        m.twins.observed + m.possible_twins.observed,
        if m.twins.held && m.possible_twins.held {
            "kept apart"
        } else {
            "partly scored as one student"
        }
    );
    if m.skipped_pairs > 0 {
        say!(
            "  warning: {} pairs in groups of up to {} records were too many to compare (max_block_size)",
            m.skipped_pairs,
            m.skipped_records
        );
    } else {
        say!("  skipped pairs: 0 (every blocking group was compared)");
    }
    let t = &out.tracking;
    say!(
        "  tracking: {} complete; KS4 {}, KS5 {}, next HESA track {} of {} imported",
        t.complete,
        t.ks4_eligible,
        t.ks5_eligible,
        t.hesa_eligible,
        t.students
    );
    for (why, n) in &t.not_hesa_because {
        say!("    not in the HESA track: {why:<24} {n:>5}");
    }
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut settings = CleanSettings::on(args.on);
    settings.import.academic_year = args.year;
    settings.import.nation = args.nation;
    settings.tracking.nation = args.nation;
    let title = args
        .students
        .file_name()
        .map_or_else(|| "students".into(), |n| n.to_string_lossy().into_owned());
    let files = output::Files {
        csv: true,
        xlsx: true,
        report: Some(title),
        bom: true,
    };
    let (students, written) =
        clean_students_file_to(&args.students, &settings, &args.out_dir, &files)
            .map_err(|e| format!("{}: {e} [{}]", args.students.display(), e.code()))?;
    let written = written?;
    print_summary(&args.students, &students);
    let paths: Vec<String> = written
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    say!("  -> {}", paths.join(", "));
    // The process ends after this run: handing a million rows' strings back one by one would
    // cost about a second for memory the system reclaims at exit anyway.
    std::mem::forget(students);

    if let Some(path) = &args.activities {
        let import = ImportSettings {
            check_duplicates: false,
            ..settings.import.clone()
        };
        let activities = validate_import_file(path, Template::Activities, &import)
            .map_err(|e| format!("{}: {e} [{}]", path.display(), e.code()))?;
        let cleaned = args.out_dir.join("activities_cleaned.csv");
        let mut w = csv::Writer::from_writer(bom_file(&cleaned)?);
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
        let s = &activities.summary;
        say!(
            "activities ({}): {} rows in = {} ok + {} with errors ({} errors, {} warnings; read as {})",
            path.display(),
            s.rows_in,
            s.rows_ok,
            s.rows_with_errors,
            s.errors,
            s.warnings,
            s.encoding
        );
        say!("  -> {} and {}", cleaned.display(), errors.display());
    }
    say!(
        "formula-like cells written as text (a leading ' in CSV, text cells in .xlsx): {}",
        written.neutralised_csv + written.neutralised_xlsx + sheet::neutralised()
    );
    Ok(())
}

fn main() {
    // A workbook reader's panic on a damaged file comes back as a `bad_workbook` error (one
    // line, exit 1), not as a trace on stderr.
    std::panic::set_hook(Box::new(|_| {}));
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
