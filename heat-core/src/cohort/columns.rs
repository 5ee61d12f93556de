//! Year groups and tracking cohorts of a whole column of dates of birth, as Arrow record batches
//! (feature `arrow`): the batch kernels behind the bindings' column functions. Dates are Arrow
//! `date32` (days since 1970-01-01); a column comes in chunks and goes out as one batch per
//! chunk, computed on every core. A null, or a day that is not a date, gives a null row.
//!
//! ```
//! use arrow_array::{Array, Date32Array};
//! use heat_core::cohort::{columns, epoch_days, AcademicYear, Nation};
//! let day = |y, m, d| epoch_days(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
//! let dobs = Date32Array::from(vec![Some(day(2011, 8, 31)), Some(day(2011, 9, 1)), None]);
//! let batches = columns::year_groups(&[dobs], Nation::England, AcademicYear::new(2025)).unwrap();
//! let labels = columns::year_group_labels(Nation::England);
//! let keys = columns::year_group_keys(&batches[0]).unwrap();
//! assert_eq!(keys.iter().map(|k| k.map(|k| labels[k as usize].as_str())).collect::<Vec<_>>(),
//!            [Some("Year 10"), Some("Year 9"), None]);
//! ```

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type, Int8Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, DictionaryArray, Int32Array, Int8Array, RecordBatch, StringArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::NaiveDate;
use rayon::prelude::*;

use super::{epoch_days, track_cohort_of_year, AcademicYear, Nation, PhaseAdjustment};
use super::{TrackCohort, YearGroupOutcome};

/// The cohort year of each date of birth, after `phase` (null where the day is null or not a
/// date).
///
/// ```
/// use arrow_array::{Array, Date32Array};
/// use heat_core::cohort::{columns, Nation, PhaseAdjustment};
/// let years = columns::cohort_years(&Date32Array::from(vec![Some(0), None]), Nation::England, PhaseAdjustment::NONE);
/// assert_eq!((years.value(0), years.is_null(1)), (1969, true));
/// ```
pub fn cohort_years(dobs: &Date32Array, nation: Nation, phase: PhaseAdjustment) -> Int32Array {
    let table = nation.cohort_years();
    dobs.unary_opt::<_, Int32Type>(|d| table.get(d).map(|y| y + phase.years()))
}

/// The labels a year-group column's keys point at, in key order: "Below school age", each
/// school year of the nation, "Left school".
///
/// ```
/// use heat_core::cohort::{columns, Nation};
/// let labels = columns::year_group_labels(Nation::England);
/// assert_eq!((labels[0].as_str(), labels[1].as_str(), labels.last().unwrap().as_str()),
///            ("Below school age", "Reception", "Left school"));
/// ```
pub fn year_group_labels(nation: Nation) -> Vec<String> {
    let mut labels = vec![YearGroupOutcome::BelowSchoolAge.label(nation)];
    labels.extend((nation.first_year()..=nation.last_year()).map(|g| nation.label(g)));
    labels.push(YearGroupOutcome::LeftSchool.label(nation));
    labels
}

/// The schema of [`year_groups`]: one dictionary column `year_group` (Int8 keys into
/// [`year_group_labels`]: few distinct labels, one byte a row).
///
/// ```
/// use heat_core::cohort::columns;
/// assert_eq!(columns::year_group_schema().field(0).name(), "year_group");
/// ```
pub fn year_group_schema() -> SchemaRef {
    let t = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));
    Arc::new(Schema::new(vec![Field::new("year_group", t, true)]))
}

/// Each date of birth's year group in the academic year `year`: one batch of
/// [`year_group_schema`] per chunk. A `Result` only because Arrow's constructors return one.
///
/// ```
/// use arrow_array::Date32Array;
/// use heat_core::cohort::{columns, AcademicYear, Nation};
/// let out = columns::year_groups(&[Date32Array::from(vec![Some(0)])], Nation::Wales, AcademicYear::new(2025)).unwrap();
/// assert_eq!(out[0].num_rows(), 1);
/// ```
pub fn year_groups(
    dobs: &[Date32Array],
    nation: Nation,
    year: AcademicYear,
) -> Result<Vec<RecordBatch>, ArrowError> {
    let labels = year_group_labels(nation);
    let values = Arc::new(StringArray::from(labels)) as ArrayRef;
    let (first, last) = (nation.first_year(), nation.last_year());
    let table = nation.cohort_years();
    // Below school age is key 0, each school year its place, left school the last key.
    let key = |y: i32| {
        (nation
            .year_group_of_cohort(y, year)
            .clamp(first - 1, last + 1)
            - first
            + 1) as i8
    };
    let schema = year_group_schema();
    dobs.par_iter()
        .map(|days| {
            let keys: Int8Array = days.unary_opt::<_, Int8Type>(|d| table.get(d).map(key));
            let column = DictionaryArray::<Int8Type>::try_new(keys, values.clone())?;
            RecordBatch::try_new(schema.clone(), vec![Arc::new(column)])
        })
        .collect()
}

/// The keys of a [`year_groups`] batch (indexes into [`year_group_labels`]), if it is one.
///
/// ```
/// use arrow_array::Date32Array;
/// use heat_core::cohort::{columns, AcademicYear, Nation};
/// let out = columns::year_groups(&[Date32Array::from(vec![Some(0)])], Nation::England, AcademicYear::new(2025)).unwrap();
/// assert_eq!(columns::year_group_keys(&out[0]).unwrap().value(0), 15); // born 1970: left school
/// ```
pub fn year_group_keys(batch: &RecordBatch) -> Option<&Int8Array> {
    let column = batch.column_by_name("year_group")?;
    Some(column.as_dictionary_opt::<Int8Type>()?.keys())
}

/// The columns of [`track_cohorts`], one per field of [`TrackCohort`]: years as Int32,
/// `he_ready_year` as dictionary text ("2029/30"), deadlines as date32.
///
/// ```
/// use heat_core::cohort::columns;
/// let names: Vec<_> = columns::track_cohort_schema().fields().iter().map(|f| f.name().clone()).collect();
/// assert_eq!(names, ["cohort_year", "ks4_exam_year", "ks5_exam_year", "he_ready_year",
///                    "tracking_data_year", "ks4_extract_deadline", "ks5_extract_deadline"]);
/// ```
pub fn track_cohort_schema() -> SchemaRef {
    let he = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let field = |name: &str, t: DataType| Field::new(name, t, true);
    Arc::new(Schema::new(vec![
        field("cohort_year", DataType::Int32),
        field("ks4_exam_year", DataType::Int32),
        field("ks5_exam_year", DataType::Int32),
        field("he_ready_year", he),
        field("tracking_data_year", DataType::Int32),
        field("ks4_extract_deadline", DataType::Date32),
        field("ks5_extract_deadline", DataType::Date32),
    ]))
}

/// Every [`TrackCohort`] column of each cohort year (from [`cohort_years`]): one batch of
/// [`track_cohort_schema`] per chunk, null where the year is null. Each distinct year is worked
/// out once; rows are mapped through small tables (or a constant added), so a million rows cost
/// a few table look-ups each.
///
/// ```
/// use arrow_array::{Array, Int32Array};
/// use arrow_array::cast::AsArray;
/// use arrow_array::types::Int32Type;
/// use heat_core::cohort::{columns, Nation};
/// let out = columns::track_cohorts(&[Int32Array::from(vec![Some(2010), None])], Nation::England).unwrap();
/// let ks4 = out[0].column_by_name("ks4_exam_year").unwrap().as_primitive::<Int32Type>();
/// assert_eq!((ks4.value(0), ks4.is_null(1)), (2027, true));
/// ```
pub fn track_cohorts(
    cohort_years: &[Int32Array],
    nation: Nation,
) -> Result<Vec<RecordBatch>, ArrowError> {
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for a in cohort_years {
        let mut see = |y: i32| {
            lo = lo.min(y);
            hi = hi.max(y);
        };
        if a.null_count() == 0 {
            a.values().iter().for_each(|y| see(*y));
        } else {
            a.iter().flatten().for_each(see);
        }
    }
    let distinct: Vec<TrackCohort> = if lo <= hi {
        (lo..=hi).map(|y| track_cohort_of_year(y, nation)).collect()
    } else {
        Vec::new()
    };
    let tables = Tables::new(&distinct, lo);
    let he_values = Arc::new(StringArray::from(
        distinct
            .iter()
            .map(|t| t.he_ready_year.to_string())
            .collect::<Vec<_>>(),
    )) as ArrayRef;
    let schema = track_cohort_schema();
    cohort_years
        .par_iter()
        .map(|years| {
            let he = DictionaryArray::<Int32Type>::try_new(
                years.unary(|y| y.wrapping_sub(lo)),
                he_values.clone(),
            )?;
            let columns: Vec<ArrayRef> = vec![
                Arc::new(years.clone()),
                Arc::new(tables.ints(years, |t| t.ks4_exam_year)),
                Arc::new(tables.ints(years, |t| t.ks5_exam_year)),
                Arc::new(he),
                Arc::new(tables.ints(years, |t| t.tracking_data_year)),
                Arc::new(tables.dates(years, |t| t.ks4_extract_deadline)),
                Arc::new(tables.dates(years, |t| t.ks5_extract_deadline)),
            ];
            RecordBatch::try_new(schema.clone(), columns)
        })
        .collect()
}

/// The distinct cohorts of a column, by year from `lo`.
struct Tables<'a> {
    distinct: &'a [TrackCohort],
    lo: i32,
}

impl<'a> Tables<'a> {
    fn new(distinct: &'a [TrackCohort], lo: i32) -> Self {
        Tables { distinct, lo }
    }

    fn slot(&self, y: i32) -> usize {
        y.wrapping_sub(self.lo) as usize
    }

    /// A year column: the cohort year plus a constant when it is one (vectorised), else a
    /// table look-up.
    fn ints(&self, years: &Int32Array, f: fn(&TrackCohort) -> i32) -> Int32Array {
        let offsets: Vec<i32> = self.distinct.iter().map(|t| f(t) - t.cohort_year).collect();
        match offsets.first().filter(|o| offsets.iter().all(|x| x == *o)) {
            Some(&offset) => years.unary::<_, Int32Type>(|y| y.wrapping_add(offset)),
            None => {
                let table: Vec<i32> = self.distinct.iter().map(f).collect();
                years.unary::<_, Int32Type>(|y| table.get(self.slot(y)).copied().unwrap_or(0))
            }
        }
    }

    /// A date column by table look-up.
    fn dates(&self, years: &Int32Array, f: fn(&TrackCohort) -> Option<NaiveDate>) -> Date32Array {
        let table: Vec<Option<i32>> = self.distinct.iter().map(|t| f(t).map(epoch_days)).collect();
        years.unary_opt::<_, Date32Type>(|y| table.get(self.slot(y)).copied().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;

    const NATIONS: [Nation; 4] = [
        Nation::England,
        Nation::Wales,
        Nation::Scotland,
        Nation::NorthernIreland,
    ];

    fn day(y: i32, m: u32, d: u32) -> Option<i32> {
        NaiveDate::from_ymd_opt(y, m, d).map(epoch_days)
    }

    #[test]
    fn year_groups_match_the_scalar_rule_on_the_edges() {
        let dobs = Date32Array::from(vec![
            day(2011, 8, 31),
            day(2011, 9, 1),
            day(2012, 2, 29),
            day(2022, 1, 1),
            day(1990, 1, 1),
            None,
            Some(i32::MAX),
        ]);
        for nation in NATIONS {
            let year = AcademicYear::new(2025);
            let labels = year_group_labels(nation);
            let out = year_groups(std::slice::from_ref(&dobs), nation, year).unwrap();
            let keys = year_group_keys(&out[0]).unwrap();
            let got: Vec<Option<&str>> = keys
                .iter()
                .map(|k| k.map(|k| labels[k as usize].as_str()))
                .collect();
            let want: Vec<Option<String>> = dobs
                .iter()
                .map(|d| {
                    let dob = super::super::date_from_epoch_days(d?)?;
                    Some(super::super::year_group(dob, year, nation).label(nation))
                })
                .collect();
            assert_eq!(got, want.iter().map(|w| w.as_deref()).collect::<Vec<_>>());
        }
        let england = year_group_labels(Nation::England);
        let out = year_groups(&[dobs], Nation::England, AcademicYear::new(2025)).unwrap();
        let keys = year_group_keys(&out[0]).unwrap();
        assert_eq!(england[keys.value(0) as usize], "Year 10");
        assert_eq!(england[keys.value(1) as usize], "Year 9");
        assert_eq!(england[keys.value(3) as usize], "Below school age");
        assert_eq!(england[keys.value(4) as usize], "Left school");
        assert!(keys.is_null(5) && keys.is_null(6));
    }

    #[test]
    fn track_cohorts_match_track_cohort_of_year_row_by_row() {
        let chunks = [
            Int32Array::from(vec![Some(2010), None, Some(1899), Some(2200)]),
            Int32Array::from(vec![Some(2007), Some(2010)]),
            Int32Array::from(Vec::<Option<i32>>::new()),
        ];
        for nation in NATIONS {
            let out = track_cohorts(&chunks, nation).unwrap();
            assert_eq!(out.len(), 3);
            for (batch, years) in out.iter().zip(&chunks) {
                assert_eq!(batch.schema(), track_cohort_schema());
                let col = |name: &str| batch.column_by_name(name).unwrap().clone();
                let he = col("he_ready_year");
                let he = he.as_dictionary::<Int32Type>();
                let he_text = he.values().as_string::<i32>();
                for (i, y) in years.iter().enumerate() {
                    let ks4 = col("ks4_exam_year");
                    let ks4 = ks4.as_primitive::<Int32Type>();
                    let deadline = col("ks5_extract_deadline");
                    let deadline = deadline.as_primitive::<Date32Type>();
                    let Some(y) = y else {
                        assert!(ks4.is_null(i) && deadline.is_null(i) && he.is_null(i));
                        continue;
                    };
                    let t = track_cohort_of_year(y, nation);
                    assert_eq!(ks4.value(i), t.ks4_exam_year);
                    let tracking = col("tracking_data_year");
                    assert_eq!(
                        tracking.as_primitive::<Int32Type>().value(i),
                        t.tracking_data_year
                    );
                    assert_eq!(
                        deadline.is_valid(i).then(|| deadline.value(i)),
                        t.ks5_extract_deadline.map(epoch_days)
                    );
                    let key = he.keys().value(i) as usize;
                    assert_eq!(he_text.value(key), t.he_ready_year.to_string());
                }
            }
        }
        assert!(track_cohorts(&[], Nation::England).unwrap().is_empty());
    }

    #[test]
    fn cohort_years_apply_the_phase_adjustment() {
        let dobs = Date32Array::from(vec![day(2008, 8, 31), day(2008, 9, 1), None]);
        let held_back = PhaseAdjustment::new(1).unwrap();
        let years = cohort_years(&dobs, Nation::England, held_back);
        assert_eq!(
            years.iter().collect::<Vec<_>>(),
            [Some(2008), Some(2009), None]
        );
        let years = cohort_years(&dobs, Nation::Scotland, PhaseAdjustment::NONE);
        assert_eq!(
            years.iter().collect::<Vec<_>>(),
            [Some(2008), Some(2008), None]
        );
    }
}
