//! Why a whole upload cannot be read: one coded error per reason.

use crate::error::{codes, ErrorKind, HeatError};

/// Why a whole file cannot be imported (no row-level result is possible).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// use heat_core::HeatError;
/// let e = validate_import(b"", Template::Schools, &ImportSettings::default()).unwrap_err();
/// assert_eq!((e.code(), e.to_string().as_str()), ("empty_file", "the file is empty"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
    /// Nothing in the file, or only a header.
    #[error("the file is empty")]
    Empty,
    /// Binary data (NUL bytes), neither a CSV nor a workbook.
    #[error("the file is neither text nor a workbook (binary data at byte {0}); save it as CSV or .xlsx")]
    Binary(usize),
    /// A workbook saved with a password (its contents are encrypted).
    #[error("the workbook is password-protected; open it in Excel, remove the password (File > Info > Protect Workbook) and save it again")]
    ProtectedWorkbook,
    /// A workbook that cannot be opened (damaged, or not really the format its name says).
    #[error(
        "the workbook cannot be read ({0}); open it in Excel and save it again as .xlsx or CSV"
    )]
    BadWorkbook(String),
    /// The sheet asked for is not in the workbook.
    #[error("the workbook has no sheet {sheet:?} (its sheets: {})", .sheets.join(", "))]
    UnknownSheet {
        /// The sheet asked for.
        sheet: String,
        /// The workbook's sheets.
        sheets: Vec<String>,
    },
    /// No sheet of the workbook has a header row with the template's required columns.
    #[error("no sheet has a header row with the {template} template's columns (sheets: {}); name the sheet to read", .sheets.join(", "))]
    NoHeaderRow {
        /// The template.
        template: &'static str,
        /// The sheets looked at.
        sheets: Vec<String>,
    },
    /// Larger than the configured limit.
    #[error("the file is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// File size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The text could not be decoded.
    #[error("the file's text cannot be read: {0}")]
    BadEncoding(String),
    /// The header row could not be read as CSV.
    #[error("the header row cannot be read: {0}")]
    BadHeader(String),
    /// The file cannot be opened or read.
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    /// A zipped workbook that unpacks to more than a budget of [`ImportLimits`](crate::import::ImportLimits) allows.
    #[error("the workbook's part {part} unpacks to {size} {what}, more than the limit of {limit}; save the sheet as CSV, or raise the limit in the import settings if the file is genuine")]
    WorkbookTooLarge {
        /// The zip part (`xl/worksheets/sheet1.xml`, say).
        part: String,
        /// What is counted (`bytes`, `bytes of shared strings`, `parts`).
        what: &'static str,
        /// What the file states.
        size: u64,
        /// The budget.
        limit: u64,
    },
    /// A workbook part that declares a document type (entity definitions, as in "billion
    /// laughs"), which spreadsheet programs never write.
    #[error("the workbook's part {part} declares a document type (DTD) with entities of its own, which spreadsheet programs never write; it was refused unread")]
    WorkbookDtd {
        /// The zip part.
        part: String,
    },
    /// A workbook part holding a run of text longer than any cell may hold.
    #[error("the workbook's part {part} holds a run of text of over 1 MiB (from byte {at}), longer than any cell may hold (32,767 characters); it was not saved by a spreadsheet program")]
    OversizedText {
        /// The zip part.
        part: String,
        /// Where the run starts, in the unpacked part.
        at: u64,
    },
    /// A cell outside a spreadsheet's grid (A1:XFD1048576).
    #[error("sheet {sheet:?} has a cell at {cell}, outside the {grid}")]
    CellOutOfGrid {
        /// The sheet.
        sheet: String,
        /// The cell, as column letters and row number.
        cell: String,
        /// The format's grid, in words.
        grid: &'static str,
    },
    /// An `.xls` sheet whose values span far more cells than they fill (the reader would fill
    /// every cell between).
    #[error("sheet {sheet:?} spans {span} cells to hold {values} values; copy the values to a new sheet, or save it as .xlsx or CSV")]
    SparseSheet {
        /// The sheet.
        sheet: String,
        /// Cells between its first and last value.
        span: u64,
        /// Values it holds.
        values: u64,
    },
    /// An `.xls` workbook whose sheets, taken together, span far more cells than they hold
    /// values (the `.xls` reader fills every sheet when it opens the file).
    #[error("the workbook's {sheets} sheets span {span} cells to hold {values} values; copy the values to a new workbook, or save it as .xlsx or CSV")]
    SparseWorkbook {
        /// Its sheets.
        sheets: usize,
        /// Cells between each sheet's first and last value, summed.
        span: u64,
        /// Values the sheets hold.
        values: u64,
    },
    /// A workbook, given to a build of heat-core without its `excel` feature.
    #[error("this build of heatkit reads CSV only (built without its excel feature); save the sheet as CSV")]
    WorkbookNotBuilt,
    /// A header row with more columns than a spreadsheet has.
    #[error("the header (row {row}) has {columns} columns, more than a spreadsheet's 16,384; is the file really a table?")]
    TooManyColumns {
        /// The header's row.
        row: usize,
        /// How many columns it has.
        columns: usize,
    },
    /// Required columns are missing (with suggestions from the columns that are there).
    #[error("{template} file is missing required columns: {}", describe_missing(.missing))]
    MissingColumns {
        /// The template.
        template: &'static str,
        /// Missing column and, where one is close, the file's column that looks like it.
        missing: Vec<(String, Option<String>)>,
    },
}

codes!(ImportFileError {
    Self::Empty => "empty_file",
    Self::Binary(_) => "binary_file",
    Self::TooLarge { .. } => "file_too_large",
    Self::BadEncoding(_) => "bad_encoding",
    Self::BadHeader(_) => "bad_header",
    Self::MissingColumns { .. } => "missing_columns",
    Self::Unreadable(_) => "unreadable_file",
    Self::ProtectedWorkbook => "protected_workbook",
    Self::BadWorkbook(_) => "bad_workbook",
    Self::UnknownSheet { .. } => "unknown_sheet",
    Self::NoHeaderRow { .. } => "no_header_row",
    Self::WorkbookTooLarge { .. } => "workbook_too_large",
    Self::WorkbookDtd { .. } => "workbook_dtd",
    Self::OversizedText { .. } => "oversized_text",
    Self::CellOutOfGrid { .. } => "cell_out_of_grid",
    Self::TooManyColumns { .. } => "too_many_columns",
    Self::WorkbookNotBuilt => "workbook_not_built",
    Self::SparseSheet { .. } | Self::SparseWorkbook { .. } => "workbook_too_large",
});

impl HeatError for ImportFileError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Import
    }
}

fn describe_missing(missing: &[(String, Option<String>)]) -> String {
    missing
        .iter()
        .map(|(m, s)| match s {
            Some(s) => format!("{m} (is {s:?} meant to be {m}?)"),
            None => m.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
