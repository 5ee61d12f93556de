//! Likely duplicate students within an upload, for the clean job: each row's earlier copy, with
//! the evidence for it.

use super::{CleanSettings, Duplicate};
use crate::fields;
use crate::import::CleanRow;
use crate::matching::{MatchError, Matcher, RunSummary, ScoredPair, StudentRef};

/// The template column a matching field is read from.
fn template_column(field: &str) -> &'static str {
    match field {
        "first_name" => "first_name",
        "last_name" => "last_name",
        "dob" => "date_of_birth",
        "postcode" => "postcode",
        "gender" => "gender",
        _ => "school_id",
    }
}

/// A cleaned students row as the matcher reads it (a postcode that is not a postcode left out).
pub(crate) fn student_of(r: &CleanRow) -> StudentRef<'_> {
    let v = |column: &str| fields::text(r.get(column));
    StudentRef {
        first_name: v("first_name"),
        last_name: v("last_name"),
        dob: fields::date(r.get("date_of_birth")).ok().flatten(),
        postcode: fields::postcode(r.get("postcode"))
            .ok()
            .flatten()
            .map(|_| r.get("postcode")),
        gender: v("gender"),
        school: v("school_id"),
    }
}

/// For each row (imported or not, rejected rows too: a rejected copy of a student is still a
/// copy), the earlier row it likely duplicates, and what the matching run did.
pub(super) fn find_duplicates(
    rows: &[(CleanRow, bool)],
    settings: &CleanSettings,
) -> Result<(Vec<Option<Duplicate>>, RunSummary), MatchError> {
    let students: Vec<StudentRef> = {
        use rayon::prelude::*;
        rows.par_iter().map(|(r, _)| student_of(r)).collect()
    };
    let run = Matcher::new(settings.matching.clone()).dedupe(&students)?;
    let clusters = run.clusters(students.len(), &settings.matching);
    // The strongest pair joining each record to an earlier one (the first such, on a tie).
    let mut best: Vec<Option<&ScoredPair>> = vec![None; rows.len()];
    for p in run.matches() {
        let later = &mut best[p.left.max(p.right) as usize];
        if p.probability > later.map_or(0.0, |b| b.probability) {
            *later = Some(p);
        }
    }
    // Each record's cluster's first record.
    let mut first_of: Vec<usize> = Vec::with_capacity(clusters.clusters as usize);
    let heads: Vec<usize> = clusters
        .labels
        .iter()
        .enumerate()
        .map(|(i, &label)| {
            let label = label as usize;
            if first_of.len() <= label {
                first_of.resize(label + 1, usize::MAX);
            }
            if first_of[label] == usize::MAX {
                first_of[label] = i;
            }
            first_of[label]
        })
        .collect();
    let out: Vec<Option<Duplicate>> = {
        use rayon::prelude::*;
        heads
            .par_iter()
            .enumerate()
            .map(|(i, &head)| {
                (head != i).then(|| {
                    let (probability, steps) =
                        best[i].map_or((0.0, Vec::new()), |p| (p.probability, run.explain(p)));
                    let agreed = steps
                        .iter()
                        .filter(|step| matches!(step.level, "exact" | "unit" | "same"))
                        .map(|step| template_column(step.step))
                        .collect();
                    Duplicate {
                        of_row: rows[head].0.row,
                        probability,
                        agreed,
                        steps,
                    }
                })
            })
            .collect()
    };
    Ok((out, run.summary()))
}
