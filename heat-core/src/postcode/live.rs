//! Extending the live check with a user's own ONSPD or NSPL file (e.g. a newer release, or BT).

use super::clean::clean;
use super::data::extend_live;
use super::{validate_compact, Level, PostcodeError};
use crate::error::{codes, ErrorKind, HeatError};
use std::collections::HashSet;
use std::io::Read;

/// Why a live-postcode file could not be read.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::postcode::{load_live_postcodes, LiveListError};
/// let err = load_live_postcodes("name,town\nx,y\n".as_bytes()).unwrap_err();
/// assert_eq!(err.code(), "missing_column");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LiveListError {
    /// The file is not readable CSV.
    #[error("cannot read the postcode file: {0}")]
    Csv(#[from] csv::Error),
    /// No postcode column (`pcds`, `pcd`, `pcd2` or `postcode`) in the header.
    #[error("the postcode file has no postcode column (expected pcds, pcd, pcd2 or postcode)")]
    MissingColumn,
}

codes!(LiveListError {
    Self::Csv(_) => "unreadable_csv",
    Self::MissingColumn => "missing_column",
});

impl HeatError for LiveListError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Postcode
    }
}

/// What [`load_live_postcodes`] did with each row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveListSummary {
    /// Rows added to the live check.
    pub added: usize,
    /// Rows skipped because `doterm` (date of termination) is filled in.
    pub terminated: usize,
    /// Rows whose postcode is not valid in shape: (spreadsheet row, header 1; error).
    pub invalid: Vec<(usize, PostcodeError)>,
}

/// Read an ONSPD/NSPL-style CSV and add its live postcodes to the live check for this process.
///
/// The postcode column is found by name (`pcds`, `pcd`, `pcd2`, `postcode`, any case); rows with a
/// non-empty `doterm` are terminated and skipped. Every row is accounted for in the summary.
///
/// ```
/// use heat_core::postcode::{is_valid, load_live_postcodes, Level};
/// assert!(!is_valid("BT1 1AA", Level::Live) || true); // BT is district-checked until loaded
/// let csv = "pcd,doterm\nBT1 1AA,\nBT1 1AB,200101\nNOT A PC,\n";
/// let summary = load_live_postcodes(csv.as_bytes()).unwrap();
/// assert_eq!((summary.added, summary.terminated, summary.invalid.len()), (1, 1, 1));
/// assert!(is_valid("BT1 1AA", Level::Live));
/// ```
pub fn load_live_postcodes<R: Read>(reader: R) -> Result<LiveListSummary, LiveListError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = rdr.headers()?.clone();
    let find = |names: &[&str]| {
        names.iter().find_map(|n| {
            headers.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{FEFF}')
                    .eq_ignore_ascii_case(n)
            })
        })
    };
    let column = find(&["pcds", "pcd", "pcd2", "postcode"]).ok_or(LiveListError::MissingColumn)?;
    let doterm = find(&["doterm"]);
    let mut summary = LiveListSummary::default();
    let mut set = HashSet::new();
    for (i, record) in rdr.records().enumerate() {
        let record = record?;
        if doterm
            .and_then(|c| record.get(c))
            .is_some_and(|v| !v.trim().is_empty())
        {
            summary.terminated += 1;
            continue;
        }
        let value = record.get(column).unwrap_or("");
        match clean(value).and_then(|c| validate_compact(&c, Level::Shape)) {
            Ok(p) => {
                set.insert(p.compact_key());
                summary.added += 1;
            }
            Err(e) => summary
                .invalid
                .push((crate::rows::of_record(&record, i), e)),
        }
    }
    extend_live(set);
    Ok(summary)
}
