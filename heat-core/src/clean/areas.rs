//! The clean job's area step: each student's home postcode looked up in the team's area index
//! ([`crate::areas`]), and the counts a provider's Access and Participation Plan reports —
//! students by IMD quintile and by POLAR4 quintile, with the share from quintiles 1–2.

use serde::Serialize;

use super::StudentRow;
use crate::areas::{enrich_postcodes, quintile_shares, AreaIndex};

/// The columns the area step adds to the cleaned file.
pub const AREA_COLUMNS: [&str; 10] = [
    "area_status",
    "lsoa",
    "imd_index",
    "imd_decile",
    "imd_quintile",
    "idaci_decile",
    "polar4_quintile",
    "tundra_lsoa_quintile",
    "uni_connect_target_ward",
    "area_notes",
];

/// What the area index says about one student's home postcode.
///
/// ```
/// use std::sync::Arc;
/// use heat_core::areas::{AreaIndex, AreaSource};
/// use heat_core::clean::{clean_students, CleanSettings};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let (index, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd\nLS1 4AP,,E01033010\nLS1 9ZZ,200912,E01033010\n".to_vec())]).unwrap();
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,LS1 4AP\nBen,Ng,2011-02-03,LS1 9ZZ\nCai,Li,2011-03-04,M1 1AE\n";
/// let upload = validate_import(csv, Template::Students, &ImportSettings::default()).unwrap();
/// let settings = CleanSettings { areas: Some(Arc::new(index)), ..CleanSettings::on("2026-12-01".parse().unwrap()) };
/// let out = clean_students(upload, &settings).unwrap();
/// let status: Vec<&str> = out.students.iter().map(|s| s.area.as_ref().unwrap().status).collect();
/// assert_eq!(status, ["live", "terminated", "unknown"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentArea {
    /// `live`, `terminated`, `unknown` or `invalid` (blank postcodes are `invalid`).
    pub status: &'static str,
    /// The small area the nation's index ranks (LSOA, data zone or SOA), else the LSOA 2021 or
    /// 2011 the look-up gives.
    pub lsoa: String,
    /// The nation's own index (`IMD 2019`, `SIMD 2020v2`, ...).
    pub imd_index: String,
    /// Its decile (1 = most deprived tenth) and quintile.
    pub imd_decile: Option<u8>,
    /// See `imd_decile`.
    pub imd_quintile: Option<u8>,
    /// IDACI decile (England).
    pub idaci_decile: Option<u8>,
    /// POLAR4 quintile (1 = lowest participation).
    pub polar4: Option<u8>,
    /// TUNDRA LSOA quintile.
    pub tundra_lsoa: Option<u8>,
    /// In a Uni Connect target ward.
    pub uni_connect_target_ward: Option<bool>,
    /// Why a measure is missing.
    pub notes: String,
}

impl StudentArea {
    /// The cells of [`AREA_COLUMNS`].
    pub(crate) fn cells(&self) -> [String; 10] {
        let n = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            self.status.to_string(),
            self.lsoa.clone(),
            self.imd_index.clone(),
            n(self.imd_decile),
            n(self.imd_quintile),
            n(self.idaci_decile),
            n(self.polar4),
            n(self.tundra_lsoa),
            match self.uni_connect_target_ward {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            self.notes.clone(),
        ]
    }
}

/// Students by quintile of one measure.
///
/// ```
/// use std::sync::Arc;
/// use heat_core::areas::{AreaIndex, AreaSource};
/// use heat_core::clean::{clean_students, CleanSettings};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let (index, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd\nLS1 4AP,,E01033010\nLS1 9ZZ,200912,E01033010\n".to_vec())]).unwrap();
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,LS1 4AP\nBen,Ng,2011-02-03,LS1 9ZZ\nCai,Li,2011-03-04,M1 1AE\n";
/// let upload = validate_import(csv, Template::Students, &ImportSettings::default()).unwrap();
/// let settings = CleanSettings { areas: Some(Arc::new(index)), ..CleanSettings::on("2026-12-01".parse().unwrap()) };
/// let out = clean_students(upload, &settings).unwrap();
/// let polar4 = &out.areas.unwrap().polar4;
/// assert_eq!((polar4.counts, polar4.missing), ([0; 5], 3)); // no OfS look-up loaded
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuintileCounts {
    /// Students in quintiles 1 to 5.
    pub counts: [usize; 5],
    /// Students without one (no postcode, not in the look-ups, measure removed).
    pub missing: usize,
}

impl QuintileCounts {
    /// The share of the students with a quintile who are in quintiles 1–2, as a fraction.
    ///
    /// ```
    /// let q = heat_core::clean::areas::QuintileCounts { counts: [3, 1, 2, 2, 2], missing: 5 };
    /// assert_eq!(q.share_q1_q2(), Some(0.4));
    /// ```
    pub fn share_q1_q2(&self) -> Option<f64> {
        let known: usize = self.counts.iter().sum();
        (known > 0).then(|| (self.counts[0] + self.counts[1]) as f64 / known as f64)
    }
}

/// What the area step found over the whole upload (counts only, never a student's values).
///
/// ```
/// use std::sync::Arc;
/// use heat_core::areas::{AreaIndex, AreaSource};
/// use heat_core::clean::{clean_students, CleanSettings};
/// use heat_core::import::{validate_import, ImportSettings, Template};
/// let (index, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd\nLS1 4AP,,E01033010\nLS1 9ZZ,200912,E01033010\n".to_vec())]).unwrap();
/// let csv = b"first,last,dob,postcode\nAnn,Lee,2011-01-02,LS1 4AP\nBen,Ng,2011-02-03,LS1 9ZZ\nCai,Li,2011-03-04,M1 1AE\n";
/// let upload = validate_import(csv, Template::Students, &ImportSettings::default()).unwrap();
/// let settings = CleanSettings { areas: Some(Arc::new(index)), ..CleanSettings::on("2026-12-01".parse().unwrap()) };
/// let out = clean_students(upload, &settings).unwrap();
/// let summary = out.areas.unwrap();
/// assert_eq!((summary.unknown, summary.terminated), (1, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaSummary {
    /// The index used, in words.
    pub index: String,
    /// Students by the quintile of their nation's own deprivation index.
    pub imd: QuintileCounts,
    /// Students by POLAR4 quintile.
    pub polar4: QuintileCounts,
    /// Students whose postcode is in no loaded look-up, and terminated ones.
    pub unknown: usize,
    /// See `unknown`.
    pub terminated: usize,
}

/// Students' areas as they are looked up, run by run: each student's quintiles and the
/// postcodes found in no look-up or terminated, for the summary.
#[derive(Debug, Default)]
pub(crate) struct AreaTally {
    imd: Vec<Option<u8>>,
    polar: Vec<Option<u8>>,
    unknown: usize,
    terminated: usize,
}

impl AreaTally {
    /// Looks up every student's postcode in `students` and fills [`StudentRow::area`].
    pub(crate) fn add(&mut self, students: &mut [StudentRow], index: &AreaIndex) {
        let postcodes: Vec<&str> = students.iter().map(|s| s.value("postcode")).collect();
        let facts = enrich_postcodes(&postcodes, index);
        let (imd, polar) = (&mut self.imd, &mut self.polar);
        let (unknown, terminated) = (&mut self.unknown, &mut self.terminated);
        let areas: Vec<StudentArea> = facts
            .iter()
            .map(|f| {
                let d = f.deprivation.as_ref();
                let o = f.ofs.as_ref();
                *unknown += usize::from(f.status == crate::areas::AreaStatus::Unknown);
                *terminated += usize::from(f.status == crate::areas::AreaStatus::Terminated);
                imd.push(d.map(|d| d.quintile()));
                polar.push(o.and_then(|o| o.polar4));
                StudentArea {
                    status: f.status.as_str(),
                    lsoa: d
                        .map(|d| d.area)
                        .filter(|a| !a.is_empty())
                        .or(f.lsoa21)
                        .or(f.lsoa11)
                        .unwrap_or("")
                        .to_string(),
                    imd_index: d.map_or("", |d| d.index).to_string(),
                    imd_decile: d.map(|d| d.decile),
                    imd_quintile: d.map(|d| d.quintile()),
                    idaci_decile: d.and_then(|d| d.idaci_decile),
                    polar4: o.and_then(|o| o.polar4),
                    tundra_lsoa: o.and_then(|o| o.tundra_lsoa),
                    uni_connect_target_ward: o.and_then(|o| o.uni_connect_target_ward),
                    notes: f.notes.join("; "),
                }
            })
            .collect();
        for (s, a) in students.iter_mut().zip(areas) {
            s.area = Some(a);
        }
    }

    /// The summary of every student added.
    pub(crate) fn summary(&self, index: &AreaIndex) -> AreaSummary {
        let (imd, polar) = (&self.imd, &self.polar);
        let (unknown, terminated) = (self.unknown, self.terminated);
        let counts = |q: &[Option<u8>]| {
            let (counts, missing) = quintile_shares(q);
            QuintileCounts { counts, missing }
        };
        AreaSummary {
            index: index.describe(),
            imd: counts(imd),
            polar4: counts(polar),
            unknown,
            terminated,
        }
    }
}
