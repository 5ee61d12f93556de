//! Updates against a HEAT export: an upload linked to the team's HEAT students export splits into
//! new students (to create in HEAT) and students HEAT already holds, each with the fields whose
//! values changed, old → new: what a team uploads as HEAT "updates". A blank new value, one the
//! upload could not read (a field with an error), or one differing only in case never replaces
//! what HEAT holds.
//!
//! ```
//! use heat_core::clean::updates::split_upload;
//! use heat_core::import::{validate_import, ImportSettings, Template};
//! let s = ImportSettings::on("2026-12-01".parse().unwrap());
//! let export = validate_import(b"Student HEAT ID,Forename,Surname,DOB,Postcode\n\
//!     4001,Ruby,Hall,2011-06-07,M1 1AE\n".as_slice(), Template::Students, &s).unwrap();
//! let upload = validate_import(b"Forename,Surname,DOB,Postcode\n\
//!     RUBY,HALL,07/06/2011,LS1 4AP\nAmir,Khan,2011-01-01,\n".as_slice(), Template::Students, &s).unwrap();
//! let split = split_upload(&upload, &export, &Default::default()).unwrap();
//! assert_eq!(split.new_rows, vec![3]);
//! let m = &split.existing[0];
//! assert_eq!((m.row, m.export_row, m.export_ref.as_str()), (2, 2, "4001"));
//! let changes: Vec<(&str, &str, &str)> = m.changes.iter()
//!     .map(|c| (c.column, c.old.as_str(), c.new.as_str())).collect();
//! // A change of case alone is not an update.
//! assert_eq!(changes, vec![("postcode", "M1 1AE", "LS1 4AP")]);
//! ```

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::student_of;
use crate::activity::Severity;
use crate::import::{CleanRow, ImportOutcome, Template};
use crate::matching::{MatchError, MatchSettings, Matcher, StudentRef};

/// One field of a student HEAT holds whose value the upload changes.
///
/// ```
/// use heat_core::clean::updates::split_upload;
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let s = ImportSettings::on("2026-12-01".parse().unwrap());
/// let export = validate_import(b"Student HEAT ID,Forename,Surname,DOB,Postcode\n\
///     4001,Ruby,Hall,2011-06-07,M1 1AE\n".as_slice(), Template::Students, &s).unwrap();
/// let upload = validate_import(b"Forename,Surname,DOB,Postcode\n\
///     Ruby,Hall,2011-06-07,LS1 4AP\nAmir,Khan,2011-01-01,\n".as_slice(), Template::Students, &s).unwrap();
/// let split = split_upload(&upload, &export, &Default::default()).unwrap();
/// let c = &split.existing[0].changes[0];
/// assert_eq!((c.column, c.old.as_str(), c.new.as_str()), ("postcode", "M1 1AE", "LS1 4AP"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The template column (`postcode`, `school_id`...).
    pub column: &'static str,
    /// What HEAT holds (blank when it holds nothing).
    pub old: String,
    /// The upload's value.
    pub new: String,
}

/// An upload row found in the export.
///
/// ```
/// use heat_core::clean::updates::split_upload;
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let s = ImportSettings::on("2026-12-01".parse().unwrap());
/// let export = validate_import(b"Student HEAT ID,Forename,Surname,DOB,Postcode\n\
///     4001,Ruby,Hall,2011-06-07,M1 1AE\n".as_slice(), Template::Students, &s).unwrap();
/// let upload = validate_import(b"Forename,Surname,DOB,Postcode\n\
///     Ruby,Hall,2011-06-07,LS1 4AP\nAmir,Khan,2011-01-01,\n".as_slice(), Template::Students, &s).unwrap();
/// let split = split_upload(&upload, &export, &Default::default()).unwrap();
/// let m = &split.existing[0];
/// assert_eq!((m.row, m.export_row, m.export_ref.as_str(), m.unreadable.len()), (2, 2, "4001", 0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExistingStudent {
    /// The upload's spreadsheet row.
    pub row: usize,
    /// The export's spreadsheet row it matched.
    pub export_row: usize,
    /// That record's reference in the export (its `Student HEAT ID`; blank if the export has
    /// none).
    pub export_ref: String,
    /// The match probability.
    pub probability: f64,
    /// The fields that changed, in template order (empty: nothing to update).
    pub changes: Vec<FieldChange>,
    /// Upload fields left as HEAT holds them because the upload's value could not be read.
    pub unreadable: Vec<&'static str>,
}

/// An upload split against an export.
///
/// ```
/// use heat_core::clean::updates::split_upload;
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let s = ImportSettings::on("2026-12-01".parse().unwrap());
/// let export = validate_import(b"Student HEAT ID,Forename,Surname,DOB,Postcode\n\
///     4001,Ruby,Hall,2011-06-07,M1 1AE\n".as_slice(), Template::Students, &s).unwrap();
/// let upload = validate_import(b"Forename,Surname,DOB,Postcode\n\
///     Ruby,Hall,2011-06-07,LS1 4AP\nAmir,Khan,2011-01-01,\n".as_slice(), Template::Students, &s).unwrap();
/// let split = split_upload(&upload, &export, &Default::default()).unwrap();
/// assert_eq!((split.new_rows.clone(), split.existing.len(), split.matched_twice.len()), (vec![3], 1, 0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadSplit {
    /// Upload rows not in the export: new students, in file order.
    pub new_rows: Vec<usize>,
    /// Upload rows the export holds, in file order, with what changed.
    pub existing: Vec<ExistingStudent>,
    /// Export rows more than one upload row matched (duplicates within the upload), in order.
    pub matched_twice: Vec<usize>,
}

impl UploadSplit {
    /// Existing students with at least one change: the HEAT updates.
    ///
    /// ```
    /// let split = heat_core::clean::updates::UploadSplit { new_rows: vec![], existing: vec![], matched_twice: vec![] };
    /// assert_eq!(split.updates().count(), 0);
    /// ```
    pub fn updates(&self) -> impl Iterator<Item = &ExistingStudent> {
        self.existing.iter().filter(|e| !e.changes.is_empty())
    }
}

/// Imported and rejected rows of an outcome, in file order.
fn all_rows(o: &ImportOutcome) -> Vec<&CleanRow> {
    let mut all: Vec<&CleanRow> = o.rows.iter().chain(&o.rejected).collect();
    all.sort_by_key(|r| r.row);
    all
}

/// Links every upload row (rejected rows too: a student with an unreadable date is still
/// someone HEAT may hold) to the export, each to its strongest match at the threshold, and
/// lists what changed.
///
/// ```
/// use heat_core::clean::updates::split_upload;
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let s = ImportSettings::on("2026-12-01".parse().unwrap());
/// let export = validate_import(b"Student HEAT ID,Forename,Surname,DOB,Postcode\n\
///     4001,Ruby,Hall,2011-06-07,M1 1AE\n".as_slice(), Template::Students, &s).unwrap();
/// let upload = validate_import(b"Forename,Surname,DOB,Postcode\n\
///     Ruby,Hall,2011-06-07,LS1 4AP\nAmir,Khan,2011-01-01,\n".as_slice(), Template::Students, &s).unwrap();
/// let split = split_upload(&upload, &export, &Default::default()).unwrap();
/// assert_eq!(split.updates().count(), 1);
/// ```
pub fn split_upload(
    upload: &ImportOutcome,
    export: &ImportOutcome,
    matching: &MatchSettings,
) -> Result<UploadSplit, MatchError> {
    let (new, old) = (all_rows(upload), all_rows(export));
    let new_refs: Vec<StudentRef> = new.iter().map(|r| student_of(r)).collect();
    let old_refs: Vec<StudentRef> = old.iter().map(|r| student_of(r)).collect();
    let run = Matcher::new(matching.clone()).link(&new_refs, &old_refs)?;
    let mut best: HashMap<u32, (u32, f64)> = HashMap::new();
    for p in run.matches() {
        let e = best.entry(p.left).or_insert((p.right, p.probability));
        if p.probability > e.1 {
            *e = (p.right, p.probability);
        }
    }
    let unreadable: HashSet<(usize, &str)> = upload
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.row, i.column.as_str()))
        .collect();
    let mut split = UploadSplit {
        new_rows: Vec::new(),
        existing: Vec::new(),
        matched_twice: Vec::new(),
    };
    let mut times: HashMap<u32, u32> = HashMap::new();
    for (i, row) in new.iter().enumerate() {
        let Some(&(j, probability)) = best.get(&(i as u32)) else {
            split.new_rows.push(row.row);
            continue;
        };
        *times.entry(j).or_default() += 1;
        let was = old[j as usize];
        let mut changes = Vec::new();
        let mut skipped = Vec::new();
        for &column in Template::Students.column_names() {
            if column == "student_ref" {
                continue;
            }
            let (before, after) = (was.get(column), row.get(column));
            // A change of case alone (`RUBY` for `Ruby`) is not news to HEAT.
            if after.trim().is_empty() || before.to_lowercase() == after.to_lowercase() {
                continue;
            }
            if unreadable.contains(&(row.row, column)) {
                skipped.push(column);
                continue;
            }
            changes.push(FieldChange {
                column,
                old: before.to_string(),
                new: after.to_string(),
            });
        }
        split.existing.push(ExistingStudent {
            row: row.row,
            export_row: was.row,
            export_ref: was.get("student_ref").to_string(),
            probability,
            changes,
            unreadable: skipped,
        });
    }
    let mut twice: Vec<usize> = times
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(j, _)| old[j as usize].row)
        .collect();
    twice.sort_unstable();
    split.matched_twice = twice;
    Ok(split)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{validate_import, ImportSettings};

    fn read(csv: &str) -> ImportOutcome {
        let s = ImportSettings::on("2026-12-01".parse().unwrap());
        validate_import(csv.as_bytes(), Template::Students, &s).unwrap()
    }

    #[test]
    fn blank_and_unreadable_new_values_never_replace_what_heat_holds() {
        let export = read(
            "Student HEAT ID,Forename,Surname,DOB,Postcode,Gender,School\n\
             4001,Ruby,Hall,2011-06-07,M1 1AE,F,107956\n\
             4002,Sam,Reid,2010-02-03,LS1 4AP,M,107956\n\
             4003,Tom,Ng,2010-04-05,LS6 2AB,M,107956\n",
        );
        let upload = read(
            "Forename,Surname,DOB,Postcode,Gender,School\n\
             Ruby,Hall,2011-06-07,,F,107957\n\
             Sam,Reid,2010-02-03,XX,M,107956\n\
             Tom,Ng,2010-04-05,LS6 2AB,M,107956\n\
             Tom,Ng,2010-04-05,LS6 2AB,M,107956\n\
             Ola,Nowak,2012-01-01,B1 1AA,F,107956\n",
        );
        let split = split_upload(&upload, &export, &MatchSettings::default()).unwrap();
        assert_eq!(split.new_rows, vec![6]);
        type Seen<'a> = (
            usize,
            &'a str,
            Vec<(&'a str, &'a str, &'a str)>,
            Vec<&'a str>,
        );
        let got: Vec<Seen> = split
            .existing
            .iter()
            .map(|e| {
                let c = e
                    .changes
                    .iter()
                    .map(|c| (c.column, c.old.as_str(), c.new.as_str()))
                    .collect();
                (e.row, e.export_ref.as_str(), c, e.unreadable.clone())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "4001", vec![("school_id", "107956", "107957")], vec![]),
                (3, "4002", vec![], vec!["postcode"]),
                (4, "4003", vec![], vec![]),
                (5, "4003", vec![], vec![]),
            ]
        );
        assert_eq!(split.updates().count(), 1);
        assert_eq!(split.matched_twice, vec![4]);
    }
}
