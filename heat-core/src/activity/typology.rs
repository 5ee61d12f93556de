//! The activity typology as data: categories, types and what is plausible for each.

use crate::error::{codes, ErrorKind, HeatError};
use std::io::Read;

use once_cell::sync::Lazy;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// How an activity is delivered.
///
/// ```
/// use heat_core::activity::DeliveryMode;
/// assert_eq!("Online".parse::<DeliveryMode>().unwrap(), DeliveryMode::Online);
/// assert_eq!("face to face".parse::<DeliveryMode>().unwrap(), DeliveryMode::InPerson);
/// assert_eq!(DeliveryMode::Blended.as_str(), "blended");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DeliveryMode {
    /// On site, face to face.
    InPerson,
    /// Online.
    Online,
    /// Both.
    Blended,
}

impl DeliveryMode {
    /// The snake_case name.
    ///
    /// ```
    /// assert_eq!(heat_core::activity::DeliveryMode::InPerson.as_str(), "in_person");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMode::InPerson => "in_person",
            DeliveryMode::Online => "online",
            DeliveryMode::Blended => "blended",
        }
    }
}

impl std::str::FromStr for DeliveryMode {
    type Err = crate::fields::FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace(['-', '_'], " ");
        match t.as_str() {
            "in person" | "face to face" | "f2f" | "on site" | "onsite" => {
                Ok(DeliveryMode::InPerson)
            }
            "online" | "virtual" | "remote" => Ok(DeliveryMode::Online),
            "blended" | "hybrid" | "mixed" => Ok(DeliveryMode::Blended),
            _ => Err(crate::fields::FieldError::UnknownDeliveryMode(
                s.trim().to_string(),
            )),
        }
    }
}

/// One activity type of the typology and what is plausible for it.
///
/// ```
/// let t = heat_core::activity::typology().find_type("Campus tour").unwrap();
/// assert_eq!(t.category, "Campus Visit");
/// assert_eq!(t.delivery_modes, vec![heat_core::activity::DeliveryMode::InPerson]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct ActivityType {
    /// The category (HEAT-set level of the hierarchy).
    pub category: String,
    /// The type's name.
    pub activity_type: String,
    /// Delivery modes that fit the type.
    pub delivery_modes: Vec<DeliveryMode>,
    /// Whether contact hours are expected on the record.
    pub hours_expected: bool,
    /// Plausible contact hours per student, lowest.
    pub min_hours: f64,
    /// Plausible contact hours per student, highest.
    pub max_hours: f64,
    /// Whether a number of sessions is expected.
    pub sessions_expected: bool,
    /// Youngest plausible year group (Reception = 0).
    pub min_year_group: i32,
    /// Oldest plausible year group (Year 13 = 13).
    pub max_year_group: i32,
    /// Whether it is a multi-intervention (sustained) programme.
    pub multi_intervention: bool,
    /// Who takes part: `students`, `parents`, `teachers`.
    pub beneficiaries: Vec<String>,
}

/// A problem reading a typology file.
///
/// ```
/// use heat_core::activity::Typology;
/// let e = Typology::from_csv_reader("category\n".as_bytes(), "x").unwrap_err();
/// assert_eq!(e.to_string(), "typology file has no activity_type column");
/// ```
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TypologyError {
    /// A row could not be read; names the spreadsheet row (header 1), the column and why.
    #[error("typology row {row}, column {column}: {reason}")]
    BadRow {
        /// Spreadsheet row (the header is row 1).
        row: usize,
        /// The column.
        column: String,
        /// Why.
        reason: String,
    },
    /// The header lacks a required column.
    #[error("typology file has no {0} column")]
    MissingColumn(String),
    /// Two rows define the same type.
    #[error("typology row {row}: type {name:?} is defined twice")]
    Duplicate {
        /// Spreadsheet row (the header is row 1).
        row: usize,
        /// The repeated type.
        name: String,
    },
    /// The file has no rows.
    #[error("typology file has no types")]
    Empty,
}

codes!(TypologyError {
    Self::BadRow { .. } => "bad_typology_row",
    Self::MissingColumn(_) => "missing_column",
    Self::Duplicate { .. } => "duplicate_type",
    Self::Empty => "empty_typology",
});

impl HeatError for TypologyError {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> ErrorKind {
        ErrorKind::Activity
    }
}

/// A versioned typology: activity types grouped by category.
///
/// ```
/// use heat_core::activity::Typology;
/// let csv = "category,activity_type,delivery_modes,hours_expected,min_hours,max_hours,sessions_expected,min_year_group,max_year_group,multi_intervention,beneficiaries\n\
///            Mentoring,Peer mentoring,online,true,1,50,true,7,13,false,students\n";
/// let t = Typology::from_csv_reader(csv.as_bytes(), "ours-2026").unwrap();
/// assert_eq!(t.version, "ours-2026");
/// assert_eq!(t.categories(), vec!["Mentoring"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Typology {
    /// Version label (the embedded default is `heatkit-2026.11`).
    pub version: String,
    /// The types, in file order.
    pub types: Vec<ActivityType>,
}

const COLUMNS: [&str; 11] = [
    "category",
    "activity_type",
    "delivery_modes",
    "hours_expected",
    "min_hours",
    "max_hours",
    "sessions_expected",
    "min_year_group",
    "max_year_group",
    "multi_intervention",
    "beneficiaries",
];

fn key(s: &str) -> String {
    crate::names::normalise_name(s)
}

impl Typology {
    /// Reads a typology CSV (columns as `data/typology/typology.csv`; extra columns ignored).
    /// Every problem names the row and column.
    ///
    /// ```
    /// use heat_core::activity::Typology;
    /// let csv = include_str!("../../data/typology/typology.csv");
    /// assert_eq!(Typology::from_csv_reader(csv.as_bytes(), "copy").unwrap().types.len(), 20);
    /// ```
    pub fn from_csv_reader<R: Read>(reader: R, version: &str) -> Result<Typology, TypologyError> {
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let headers = csv
            .headers()
            .map_err(|e| TypologyError::BadRow {
                row: 0,
                column: "header".into(),
                reason: e.to_string(),
            })?
            .clone();
        let mut index = [0usize; 11];
        for (slot, name) in index.iter_mut().zip(COLUMNS) {
            *slot = headers
                .iter()
                .position(|h| h.trim_start_matches('\u{FEFF}').eq_ignore_ascii_case(name))
                .ok_or_else(|| TypologyError::MissingColumn(name.to_string()))?;
        }
        let mut types: Vec<ActivityType> = Vec::new();
        for (i, rec) in csv.records().enumerate() {
            let rec = rec.map_err(|e| TypologyError::BadRow {
                row: crate::rows::of_csv_error(&e, i),
                column: "-".into(),
                reason: e.to_string(),
            })?;
            let row = crate::rows::of_record(&rec, i);
            let get = |c: usize| rec.get(index[c]).unwrap_or("");
            let bad = |c: usize, reason: String| TypologyError::BadRow {
                row,
                column: COLUMNS[c].to_string(),
                reason,
            };
            let boolean = |c: usize| match crate::fields::yes_no(get(c)) {
                Ok(v) => Ok(v.unwrap_or(false)),
                Err(_) => Err(bad(c, format!("{:?} is not true/false", get(c)))),
            };
            let number = |c: usize| {
                get(c)
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| bad(c, format!("{:?} is not a number ≥ 0", get(c))))
            };
            let year = |c: usize| {
                crate::cohort::clean_year_group(get(c), crate::cohort::Nation::England)
                    .ok()
                    .or_else(|| get(c).parse::<i32>().ok().filter(|n| (0..=14).contains(n)))
                    .ok_or_else(|| bad(c, format!("{:?} is not a year group", get(c))))
            };
            let category = get(0).to_string();
            let name = get(1).to_string();
            if category.is_empty() {
                return Err(bad(0, "empty".into()));
            }
            if name.is_empty() {
                return Err(bad(1, "empty".into()));
            }
            let modes = get(2)
                .split('|')
                .filter(|m| !m.trim().is_empty())
                .map(|m| m.parse::<DeliveryMode>().map_err(|e| bad(2, e.to_string())))
                .collect::<Result<Vec<_>, _>>()?;
            let (min_hours, max_hours) = (number(4)?, number(5)?);
            if min_hours > max_hours {
                return Err(bad(
                    5,
                    format!("max_hours {max_hours} is below min_hours {min_hours}"),
                ));
            }
            let (min_year_group, max_year_group) = (year(7)?, year(8)?);
            if min_year_group > max_year_group {
                return Err(bad(8, "max_year_group is below min_year_group".into()));
            }
            if types.iter().any(|t| key(&t.activity_type) == key(&name)) {
                return Err(TypologyError::Duplicate { row, name });
            }
            types.push(ActivityType {
                category,
                activity_type: name,
                delivery_modes: modes,
                hours_expected: boolean(3)?,
                min_hours,
                max_hours,
                sessions_expected: boolean(6)?,
                min_year_group,
                max_year_group,
                multi_intervention: boolean(9)?,
                beneficiaries: get(10)
                    .split('|')
                    .map(|b| b.trim().to_ascii_lowercase())
                    .filter(|b| !b.is_empty())
                    .collect(),
            });
        }
        if types.is_empty() {
            return Err(TypologyError::Empty);
        }
        Ok(Typology {
            version: version.to_string(),
            types,
        })
    }

    /// The type named `name` (case, spacing and punctuation ignored).
    ///
    /// ```
    /// assert!(heat_core::activity::typology().find_type("  masterclass ").is_some());
    /// assert!(heat_core::activity::typology().find_type("Quidditch").is_none());
    /// ```
    pub fn find_type(&self, name: &str) -> Option<&ActivityType> {
        let k = key(name);
        self.types.iter().find(|t| key(&t.activity_type) == k)
    }

    /// Whether `name` is a category.
    ///
    /// ```
    /// assert!(heat_core::activity::typology().has_category("skills and attainment"));
    /// ```
    pub fn has_category(&self, name: &str) -> bool {
        let k = key(name);
        self.types.iter().any(|t| key(&t.category) == k)
    }

    /// The categories, in file order, each once.
    ///
    /// ```
    /// assert_eq!(heat_core::activity::typology().categories()[0], "Skills and Attainment");
    /// ```
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.types {
            if !out.contains(&t.category.as_str()) {
                out.push(&t.category);
            }
        }
        out
    }
}

/// The version label of the embedded typology (written once: the default, its docs and tests
/// read it from here).
pub const EMBEDDED_TYPOLOGY_VERSION: &str = "heatkit-2026.11";

#[allow(clippy::expect_used)] // embedded data, not input: parsed by a unit test on every build
static DEFAULT: Lazy<Typology> = Lazy::new(|| {
    Typology::from_csv_reader(
        include_str!("../../data/typology/typology.csv").as_bytes(),
        EMBEDDED_TYPOLOGY_VERSION,
    )
    .expect("data/typology/typology.csv is valid (tested)")
});

/// The embedded default typology (INFERRED; see `data/typology/SOURCE.md`).
///
/// ```
/// let t = heat_core::activity::typology();
/// assert_eq!(t.version, "heatkit-2026.11");
/// assert_eq!(t.types.len(), 20);
/// ```
pub fn typology() -> &'static Typology {
    &DEFAULT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_typology_reads() {
        let t = Typology::from_csv_reader(
            include_str!("../../data/typology/typology.csv").as_bytes(),
            "x",
        )
        .unwrap();
        assert_eq!(t.types.len(), 20);
        assert_eq!(t.categories().len(), 10);
        let residential = t.find_type("Residential summer school").unwrap();
        assert_eq!(residential.min_hours, 8.0);
        assert_eq!(residential.delivery_modes, vec![DeliveryMode::InPerson]);
    }

    #[test]
    fn bad_files_name_row_and_column() {
        let head = COLUMNS.join(",");
        let bad = format!("{head}\nA,B,online,maybe,1,2,false,7,13,false,students\n");
        let e = Typology::from_csv_reader(bad.as_bytes(), "x").unwrap_err();
        assert_eq!(
            e,
            TypologyError::BadRow {
                row: 2,
                column: "hours_expected".into(),
                reason: "\"maybe\" is not true/false".into()
            }
        );
        let bad = format!("{head}\nA,B,teleport,true,1,2,false,7,13,false,students\n");
        assert_eq!(
            Typology::from_csv_reader(bad.as_bytes(), "x")
                .unwrap_err()
                .code(),
            "bad_typology_row"
        );
        let bad = format!("{head}\nA,B,online,true,5,2,false,7,13,false,students\n");
        assert!(Typology::from_csv_reader(bad.as_bytes(), "x")
            .unwrap_err()
            .to_string()
            .contains("max_hours"));
        let dup = format!("{head}\nA,B,online,true,1,2,false,7,13,false,s\nA, b ,online,true,1,2,false,7,13,false,s\n");
        assert_eq!(
            Typology::from_csv_reader(dup.as_bytes(), "x")
                .unwrap_err()
                .code(),
            "duplicate_type"
        );
        assert_eq!(
            Typology::from_csv_reader("category\n".as_bytes(), "x").unwrap_err(),
            TypologyError::MissingColumn("activity_type".into())
        );
        assert_eq!(
            Typology::from_csv_reader(format!("{head}\n").as_bytes(), "x").unwrap_err(),
            TypologyError::Empty
        );
        // Year groups may be written as labels.
        let ok = format!("{head}\nA,B,online,true,1,2,false,Reception,Year 13,false,students\n");
        let t = Typology::from_csv_reader(ok.as_bytes(), "x").unwrap();
        assert_eq!(
            (t.types[0].min_year_group, t.types[0].max_year_group),
            (0, 13)
        );
    }
}
