//! The codes of row issues that no field reader raises: a blank required cell, a corrected
//! value, a column or row the import could not use, a likely duplicate, a school found by name.
//! A field that cannot be read carries its reader's error code instead (`bad_date`,
//! `too_short`, ...); `docs/codes.md` lists them all.

use crate::error::codes;

/// A row issue's code, declared once; [`ImportIssue::code`](super::ImportIssue::code) and
/// [`Problem::code`](crate::clean::Problem::code) hold [`RowCode::code`]'s text.
///
/// ```
/// use heat_core::import::RowCode;
/// assert_eq!(RowCode::TotalRowSkipped.code(), "total_row_skipped");
/// assert_eq!(RowCode::from_code("likely_duplicate"), Some(RowCode::LikelyDuplicate));
/// assert!(RowCode::SchoolFromName.is_correction() && !RowCode::SchoolClosed.is_correction());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RowCode {
    /// A cell HEAT needs is blank.
    Missing,
    /// A value heatkit corrected (a postcode's typing slips).
    Fixed,
    /// A postcode's typing slip settled by the district of the student's school: check it.
    PostcodeNearSchool,
    /// A header that is not in the template: its column is left out.
    UnknownColumn,
    /// Values under a blank header, or past the last header of a worksheet.
    UnnamedColumn,
    /// A line the CSV reader cannot read (a stray quote mark).
    UnreadableRow,
    /// A line with a different number of fields from the header.
    WrongFieldCount,
    /// A total or footer line under the data, skipped.
    TotalRowSkipped,
    /// Probably the same student as an earlier row.
    LikelyDuplicate,
    /// A school given as a name where a number is expected (no schools list to look it up).
    BadSchoolId,
    /// A year group that does not fit the date of birth.
    YearGroupMismatch,
    /// A first or last name re-cased or re-spaced.
    NameTidied,
    /// A school given by name, found with certainty and replaced by its number.
    SchoolFromName,
    /// A school found by a close spelling only: check it.
    SchoolNameClose,
    /// A school found only once words like "School" are left out: check it.
    SchoolNameWithoutGenericWords,
    /// A school found, but other open schools have the same name: check it.
    SchoolNameAlsoFits,
    /// One of several schools of that name chosen because it is near the student's home: check it.
    SchoolNearestHome,
    /// The school named has closed.
    SchoolClosed,
    /// Several open schools fit the name equally.
    SchoolAmbiguous,
    /// No school in the list has that name.
    SchoolNotFound,
    /// A school number that is not in the list.
    UnknownSchoolId,
    /// A school's institution id that is not a HEAT id, URN, LAESTAB or UKPRN.
    BadInstitutionId,
    /// A cell longer than a spreadsheet cell holds (two columns run together, a quote left open).
    TooLong,
    /// A control character no value has (binary data pasted into a cell).
    ControlCharacter,
}

codes!(unit RowCode in "heat_core::import" {
    Missing => "missing",
    Fixed => "fixed",
    PostcodeNearSchool => "postcode_near_school",
    UnknownColumn => "unknown_column",
    UnnamedColumn => "unnamed_column",
    UnreadableRow => "unreadable_row",
    WrongFieldCount => "wrong_field_count",
    TotalRowSkipped => "total_row_skipped",
    LikelyDuplicate => "likely_duplicate",
    BadSchoolId => "bad_school_id",
    YearGroupMismatch => "year_group_mismatch",
    NameTidied => "name_tidied",
    SchoolFromName => "school_from_name",
    SchoolNameClose => "school_name_close",
    SchoolNameWithoutGenericWords => "school_name_without_generic_words",
    SchoolNameAlsoFits => "school_name_also_fits",
    SchoolNearestHome => "school_nearest_home",
    SchoolClosed => "school_closed",
    SchoolAmbiguous => "school_ambiguous",
    SchoolNotFound => "school_not_found",
    UnknownSchoolId => "unknown_school_id",
    BadInstitutionId => "bad_institution_id",
    TooLong => "too_long",
    ControlCharacter => "control_character",
});

impl RowCode {
    /// The stable snake_case code.
    ///
    /// ```
    /// assert_eq!(heat_core::import::RowCode::Missing.code(), "missing");
    /// ```
    pub fn code(self) -> &'static str {
        self.stable_code()
    }

    /// Whether the code says heatkit corrected a value with certainty: such a row is `fixed`, not
    /// one to check.
    ///
    /// ```
    /// use heat_core::import::RowCode;
    /// assert!(RowCode::Fixed.is_correction() && !RowCode::Missing.is_correction());
    /// ```
    pub fn is_correction(self) -> bool {
        matches!(
            self,
            RowCode::Fixed | RowCode::SchoolFromName | RowCode::NameTidied
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_variant() {
        assert_eq!(RowCode::ALL.len(), RowCode::CODES.len());
        for (v, c) in RowCode::ALL.iter().zip(RowCode::CODES) {
            assert_eq!((v.code(), RowCode::from_code(c)), (*c, Some(*v)));
        }
        assert_eq!(RowCode::from_code("nope"), None);
        let fixes: Vec<&str> = RowCode::ALL
            .iter()
            .filter(|c| c.is_correction())
            .map(|c| c.code())
            .collect();
        assert_eq!(fixes, ["fixed", "name_tidied", "school_from_name"]);
    }
}
