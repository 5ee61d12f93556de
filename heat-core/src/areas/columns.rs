//! Area facts of a whole column of postcodes as Arrow record batches (feature `arrow`): the
//! output schema of an enrichment, in one place, and the kernel behind the bindings'
//! `enrich_postcodes`. Texts with few distinct values (statuses, nations, index names, sources,
//! reasons, notes) are dictionary columns; deciles and quintiles are `uint8`.
//!
//! ```
//! use heat_core::areas::{columns, AreaIndex, AreaSource};
//! let (index, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd\nLS1 4AP,,E01033010\n".to_vec())]).unwrap();
//! let batch = columns::enrich(&["ls14ap", "nope"], &index).unwrap();
//! assert_eq!((batch.num_rows(), batch.schema(), batch.schema().field(0).name().as_str()),
//!            (2, columns::enrich_schema(), "postcode"));
//! ```

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt32Builder, UInt8Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use super::interned::Interned;
use super::{enrich_each, AreaFacts, AreaIndex, YearMonth};

/// Every value's area facts: one row per value, in order, with the columns of
/// [`enrich_schema`] (a value that is not a postcode is a row with status `invalid`).
///
/// ```
/// use heat_core::areas::{columns, AreaIndex, AreaSource};
/// let (index, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd\nLS1 4AP,,E01033010\n".to_vec())]).unwrap();
/// let batch = columns::enrich(&["LS1 4AP"], &index).unwrap();
/// let lsoa = batch.column_by_name("lsoa11").unwrap();
/// assert_eq!(arrow_array::cast::AsArray::as_string::<i32>(lsoa).value(0), "E01033010");
/// ```
pub fn enrich<S: AsRef<str>>(values: &[S], index: &AreaIndex) -> Result<RecordBatch, ArrowError> {
    let mut out = Columns::with_capacity(values.len());
    enrich_each(values, index, |facts| out.push(facts));
    out.batch()
}

/// Facts already found (by [`AreaIndex::lookup`] or [`super::enrich_postcodes`]) as a record
/// batch of [`enrich_schema`], one row each.
///
/// ```
/// use heat_core::areas::{columns, AreaIndex, AreaSource};
/// let (index, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd\nLS1 4AP,,E01033010\n".to_vec())]).unwrap();
/// assert_eq!(columns::batch_of(&[index.lookup("LS1 4AP")]).unwrap().num_rows(), 1);
/// ```
pub fn batch_of(facts: &[AreaFacts<'_>]) -> Result<RecordBatch, ArrowError> {
    let mut out = Columns::with_capacity(facts.len());
    for f in facts {
        out.push(f);
    }
    out.batch()
}

/// The columns of [`enrich`], named and typed, in output order.
///
/// ```
/// use heat_core::areas::columns;
/// let schema = columns::enrich_schema();
/// assert_eq!(schema.fields().len(), 36);
/// assert_eq!(schema.field_with_name("imd_decile").unwrap().data_type(), &arrow_schema::DataType::UInt8);
/// ```
pub fn enrich_schema() -> SchemaRef {
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let fields: Vec<Field> = ORDER
        .iter()
        .filter(|n| !n.is_empty())
        .map(|&name| {
            let t = if PLAIN.contains(&name) {
                DataType::Utf8
            } else if REPEATED.contains(&name) {
                dictionary.clone()
            } else if SMALL.contains(&name) {
                DataType::UInt8
            } else if name == "imd_rank" {
                DataType::UInt32
            } else {
                DataType::Boolean
            };
            Field::new(name, t, true)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// `YYYY-MM` written into `buffer`, without allocating.
fn year_month_text(t: YearMonth, buffer: &mut [u8; 7]) -> Option<&str> {
    if t.year > 9999 || !(1..=12).contains(&t.month) {
        return None;
    }
    let digits = [
        t.year / 1000,
        t.year / 100 % 10,
        t.year / 10 % 10,
        t.year % 10,
    ];
    for (slot, d) in buffer.iter_mut().zip(digits) {
        *slot = b'0' + d as u8;
    }
    buffer[4] = b'-';
    buffer[5] = b'0' + t.month / 10;
    buffer[6] = b'0' + t.month % 10;
    std::str::from_utf8(&buffer[..]).ok()
}

/// Small-number columns (deciles and quintiles), in the order `Columns::push` writes them.
const SMALL: [&str; 10] = [
    "imd_decile",
    "imd_quintile",
    "idaci_decile",
    "polar4_quintile",
    "polar3_quintile",
    "tundra_msoa_quintile",
    "tundra_lsoa_quintile",
    "adult_he_2011_quintile",
    "gaps_gcse_quintile",
    "gaps_gcse_ethnicity_quintile",
];
/// Where each column goes in the output (text first, then the others, in reading order).
const ORDER: [&str; 37] = [
    "postcode",
    "status",
    "problem",
    "terminated",
    "country",
    "oa11",
    "lsoa11",
    "msoa11",
    "oa21",
    "lsoa21",
    "msoa21",
    "lad",
    "lad_name",
    "imd_index",
    "imd_area",
    "imd_rank",
    "imd_decile",
    "imd_quintile",
    "idaci_decile",
    "polar4_quintile",
    "polar3_quintile",
    "reason_removed_polar",
    "tundra_msoa_quintile",
    "reason_removed_tundra_msoa",
    "tundra_lsoa_quintile",
    "reason_removed_tundra_lsoa",
    "adult_he_2011_quintile",
    "reason_removed_adult_he_2011",
    "gaps_gcse_quintile",
    "gaps_gcse_ethnicity_quintile",
    "reason_removed_gaps",
    "uni_connect_target_ward",
    "area_source",
    "imd_source",
    "ofs_source",
    "notes",
    "",
];

/// Text columns with few distinct values (statuses, nations, index names, sources, reasons,
/// notes): written as dictionary columns, each value once per block (a pandas `category`).
const REPEATED: [&str; 15] = [
    "status",
    "problem",
    "country",
    "lad",
    "lad_name",
    "imd_index",
    "reason_removed_polar",
    "reason_removed_tundra_msoa",
    "reason_removed_tundra_lsoa",
    "reason_removed_adult_he_2011",
    "reason_removed_gaps",
    "area_source",
    "imd_source",
    "ofs_source",
    "notes",
];

/// A builder whose runs of missing cells are counted and written at once: with no OfS file or
/// no 2021 areas loaded, a dozen columns are missing on every row.
struct Runs<B> {
    builder: B,
    missing: usize,
}

/// Builders that can write a run of missing cells at once.
trait AppendNulls {
    fn append_nulls(&mut self, n: usize);
}

impl AppendNulls for StringBuilder {
    fn append_nulls(&mut self, n: usize) {
        StringBuilder::append_nulls(self, n);
    }
}

impl<T: arrow_array::types::ArrowPrimitiveType> AppendNulls
    for arrow_array::builder::PrimitiveBuilder<T>
{
    fn append_nulls(&mut self, n: usize) {
        arrow_array::builder::PrimitiveBuilder::append_nulls(self, n);
    }
}

impl AppendNulls for BooleanBuilder {
    fn append_nulls(&mut self, n: usize) {
        BooleanBuilder::append_nulls(self, n);
    }
}

impl<B: AppendNulls> Runs<B> {
    fn new(builder: B) -> Runs<B> {
        Runs {
            builder,
            missing: 0,
        }
    }

    /// The builder, with the missing cells before this one written.
    fn builder(&mut self) -> &mut B {
        if self.missing > 0 {
            self.builder.append_nulls(self.missing);
            self.missing = 0;
        }
        &mut self.builder
    }
}

impl Runs<StringBuilder> {
    fn append_option(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.builder().append_value(v),
            None => self.missing += 1,
        }
    }
}

impl<T: arrow_array::types::ArrowPrimitiveType> Runs<arrow_array::builder::PrimitiveBuilder<T>> {
    fn append_option(&mut self, v: Option<T::Native>) {
        match v {
            Some(v) => self.builder().append_value(v),
            None => self.missing += 1,
        }
    }
}

impl Runs<BooleanBuilder> {
    fn append_option(&mut self, v: Option<bool>) {
        match v {
            Some(v) => self.builder().append_value(v),
            None => self.missing += 1,
        }
    }
}

/// Text columns whose values are each row's own (written as plain strings); the other text
/// columns are the [`REPEATED`] ones.
const PLAIN: [&str; 9] = [
    "postcode",
    "terminated",
    "oa11",
    "lsoa11",
    "msoa11",
    "oa21",
    "lsoa21",
    "msoa21",
    "imd_area",
];

/// The builders of the result's columns, one monomorphic list per kind (a row is a few tight
/// loops, not a match per cell).
struct Columns<'a> {
    plain: Vec<Runs<StringBuilder>>,
    /// The [`REPEATED`] columns but the last (`notes`).
    repeated: Vec<Interned<'a>>,
    notes: Interned<'a>,
    small: Vec<Runs<UInt8Builder>>,
    rank: Runs<UInt32Builder>,
    flag: Runs<BooleanBuilder>,
}

impl<'a> Columns<'a> {
    fn with_capacity(n: usize) -> Columns<'a> {
        Columns {
            plain: PLAIN
                .iter()
                .map(|_| Runs::new(StringBuilder::with_capacity(n, n * 9)))
                .collect(),
            repeated: (1..REPEATED.len())
                .map(|_| Interned::with_capacity(n))
                .collect(),
            notes: Interned::with_capacity(n),
            small: (0..SMALL.len())
                .map(|_| Runs::new(UInt8Builder::with_capacity(n)))
                .collect(),
            rank: Runs::new(UInt32Builder::with_capacity(n)),
            flag: Runs::new(BooleanBuilder::with_capacity(n)),
        }
    }

    fn push(&mut self, f: &AreaFacts<'a>) {
        let mut buffer = [0u8; 8];
        let postcode = f.postcode.map(|p| {
            let (bytes, len) = p.padded();
            buffer = bytes;
            len
        });
        let postcode = postcode.and_then(|len| std::str::from_utf8(&buffer[..len]).ok());
        let mut month = [0u8; 7];
        let terminated = f.terminated.and_then(|t| year_month_text(t, &mut month));
        let d = f.deprivation.as_ref();
        let o = f.ofs.as_ref();
        // In PLAIN's order: the postcode and the month are this row's own text.
        let plain: [Option<&str>; 9] = [
            postcode,
            terminated,
            f.oa11,
            f.lsoa11,
            f.msoa11,
            f.oa21,
            f.lsoa21,
            f.msoa21,
            d.map(|d| d.area).filter(|a| !a.is_empty()),
        ];
        for (b, v) in self.plain.iter_mut().zip(plain) {
            b.append_option(v);
        }
        // In REPEATED's order: texts that live as long as the index, found by address.
        let repeated: [Option<&'a str>; 14] = [
            Some(f.status.as_str()),
            f.problem,
            f.country,
            f.lad,
            f.lad_name,
            d.map(|d| d.index),
            o.and_then(|o| o.reason_removed_polar),
            o.and_then(|o| o.reason_removed_tundra_msoa),
            o.and_then(|o| o.reason_removed_tundra_lsoa),
            o.and_then(|o| o.reason_removed_adult_he_2011),
            o.and_then(|o| o.reason_removed_gaps),
            f.area_source,
            d.map(|d| d.source),
            o.map(|o| o.source),
        ];
        for (b, v) in self.repeated.iter_mut().zip(repeated) {
            b.append_text(v);
        }
        self.notes.append_joined(&f.notes, "; ");
        let small: [Option<u8>; 10] = [
            d.map(|d| d.decile),
            d.map(|d| d.quintile()),
            d.and_then(|d| d.idaci_decile),
            o.and_then(|o| o.polar4),
            o.and_then(|o| o.polar3),
            o.and_then(|o| o.tundra_msoa),
            o.and_then(|o| o.tundra_lsoa),
            o.and_then(|o| o.adult_he_2011),
            o.and_then(|o| o.gaps_gcse),
            o.and_then(|o| o.gaps_gcse_ethnicity),
        ];
        for (b, v) in self.small.iter_mut().zip(small) {
            b.append_option(v);
        }
        self.rank.append_option(d.map(|d| d.rank));
        self.flag
            .append_option(o.and_then(|o| o.uni_connect_target_ward));
    }

    /// The finished columns as a batch of [`enrich_schema`].
    fn batch(self) -> Result<RecordBatch, ArrowError> {
        let columns = self.finish()?.into_iter().map(|(_, c)| c).collect();
        RecordBatch::try_new(enrich_schema(), columns)
    }

    /// The finished columns, named, in output order.
    fn finish(mut self) -> Result<Vec<(&'static str, ArrayRef)>, ArrowError> {
        let mut named: Vec<(&'static str, ArrayRef)> = Vec::with_capacity(ORDER.len());
        for (name, b) in PLAIN.iter().zip(self.plain.iter_mut()) {
            named.push((name, Arc::new(b.builder().finish())));
        }
        for (name, b) in REPEATED.iter().zip(self.repeated.iter_mut()) {
            named.push((name, b.finish()?));
        }
        named.push(("notes", self.notes.finish()?));
        for (name, b) in SMALL.iter().zip(self.small.iter_mut()) {
            named.push((name, Arc::new(b.builder().finish())));
        }
        named.push(("imd_rank", Arc::new(self.rank.builder().finish())));
        named.push((
            "uni_connect_target_ward",
            Arc::new(self.flag.builder().finish()),
        ));
        let position = |n: &str| ORDER.iter().position(|o| *o == n).unwrap_or(ORDER.len());
        named.sort_by_key(|(n, _)| position(n));
        Ok(named)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::AreaSource;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int32Type;
    use arrow_array::Array;

    fn index() -> AreaIndex {
        let csv = b"pcds,doterm,lsoa11cd,ladcd\nLS1 4AP,,E01033010,E08000035\nLS1 9ZZ,200912,E01033010,E08000035\n";
        AreaIndex::build(&[AreaSource::bytes("l.csv", csv.to_vec())])
            .unwrap()
            .0
    }

    fn text(batch: &RecordBatch, name: &str, row: usize) -> Option<String> {
        let column = batch.column_by_name(name).unwrap();
        if column.is_null(row) {
            return None;
        }
        Some(match column.data_type() {
            DataType::Utf8 => column.as_string::<i32>().value(row).to_string(),
            _ => {
                let d = column.as_dictionary::<Int32Type>();
                let key = d.keys().value(row) as usize;
                d.values().as_string::<i32>().value(key).to_string()
            }
        })
    }

    #[test]
    fn a_batch_holds_each_values_facts_in_order() {
        let index = index();
        let values = ["ls14ap", "LS1 9ZZ", "", "M1 1AE", "not one"];
        let batch = enrich(&values, &index).unwrap();
        assert_eq!(batch.num_rows(), 5);
        let status: Vec<_> = (0..5).map(|r| text(&batch, "status", r)).collect();
        assert_eq!(
            status,
            ["live", "terminated", "invalid", "unknown", "invalid"].map(|s| Some(s.to_string()))
        );
        assert_eq!(text(&batch, "postcode", 0).as_deref(), Some("LS1 4AP"));
        assert_eq!(text(&batch, "terminated", 1).as_deref(), Some("2009-12"));
        assert_eq!(text(&batch, "lsoa11", 1).as_deref(), Some("E01033010"));
        assert_eq!(text(&batch, "lad", 0).as_deref(), Some("E08000035"));
        assert_eq!(text(&batch, "postcode", 2), None);
        let decile = batch.column_by_name("imd_decile").unwrap();
        assert_eq!(decile.null_count(), 5); // no deprivation file loaded
                                            // One value looked up alone gives the same row.
        for (row, value) in values.iter().enumerate() {
            let alone = batch_of(&[index.lookup(value)]).unwrap();
            for field in enrich_schema().fields() {
                if matches!(field.data_type(), DataType::Utf8 | DataType::Dictionary(..)) {
                    assert_eq!(
                        text(&alone, field.name(), 0),
                        text(&batch, field.name(), row)
                    );
                }
            }
        }
        assert_eq!(enrich(&[] as &[&str], &index).unwrap().num_rows(), 0);
    }
}
