//! An outcome's rows as the writers and the report read them: held in runs, as the clean job
//! hands them out, beside the rest of the outcome.

use super::{CleanOutcome, StudentRow};

/// An outcome's rows, held in runs (as the clean job hands them out), beside the rest of it.
pub(crate) struct View<'a> {
    /// Everything but the rows (its own `students` are not read).
    pub(crate) out: &'a CleanOutcome,
    /// The rows, in file order.
    pub(crate) runs: Vec<&'a [StudentRow]>,
}

impl<'a> View<'a> {
    /// An outcome with every row in it.
    pub(crate) fn all(out: &'a CleanOutcome) -> View<'a> {
        View {
            out,
            runs: vec![&out.students],
        }
    }

    /// Every row, in file order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = &'a StudentRow> + '_ {
        self.runs.iter().flat_map(|run| run.iter())
    }

    /// The row with spreadsheet row number `row`.
    pub(crate) fn find(&self, row: usize) -> Option<&'a StudentRow> {
        let run: &'a [StudentRow] = self
            .runs
            .iter()
            .copied()
            .find(|run| run.last().is_some_and(|s| s.row >= row))?;
        run.binary_search_by_key(&row, |s| s.row)
            .ok()
            .map(|i| &run[i])
    }
}
