//! CSV output that is safe to open in a spreadsheet: every cell goes through
//! `heat_core::cells::neutralise_formula` (a value a spreadsheet would run as a formula is
//! written as text, with a leading apostrophe).

use std::cell::Cell;
use std::io::Write;

thread_local! {
    static NEUTRALISED: Cell<usize> = const { Cell::new(0) };
}

/// Writes one record with formula-like cells neutralised, counting them.
pub fn write<'a, W: Write>(
    w: &mut csv::Writer<W>,
    record: impl IntoIterator<Item = &'a str>,
) -> csv::Result<()> {
    let (cells, changed) = heat_core::cells::neutralise_record(record);
    NEUTRALISED.with(|n| n.set(n.get() + changed));
    w.write_record(cells.iter().map(|c| c.as_ref()))
}

/// How many cells [`write`] has neutralised so far.
pub fn neutralised() -> usize {
    NEUTRALISED.with(Cell::get)
}
