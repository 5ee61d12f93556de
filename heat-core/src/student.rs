//! Students needed for tracking: which fields are present and valid, and whether the student is
//! eligible for this year's KS4, KS5 and HESA tracks, with the reason when not.
//!
//! The rules are INFERRED (HEAT's own definition is members-only; `../shared/domain.md` §2.2) and
//! every detail is a setting in [`TrackingSettings`]:
//! - **complete**: first name, last name, a readable date of birth, a valid home postcode, a school
//!   and a gender are present, and the student saw the tracking statement (consent);
//! - **KS4 / KS5** (DfE, England only): complete, and the KS4 (KS5) exam year is the extract year;
//! - **HESA**: first and last name, date of birth, postcode and consent (school and gender not
//!   needed), and the HE-ready year has started by the extract (HE-ready year ≤ the extract's
//!   academic year).
//!
//! The extract year is the year of the next HEAT Track deadline (last working day of November)
//! on or after the `on` date.
//!
//! ```
//! use chrono::NaiveDate;
//! use heat_core::student::{student_tracking_status, StudentInput, TrackingSettings};
//! let s = StudentInput {
//!     id: "S1".into(), first_name: Some("Amelia".into()), last_name: Some("Khan".into()),
//!     dob: Some("2010-03-01".into()), gender: Some("F".into()), postcode: Some("LS1 4AP".into()),
//!     school: Some("107956".into()), consent: Some("yes".into()), ..Default::default()
//! };
//! let on = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
//! let t = student_tracking_status(&s, &TrackingSettings::on(on));
//! assert!(t.complete);
//! assert_eq!((t.ks4_eligible, t.ks5_eligible, t.hesa_eligible), (true, false, false));
//! assert_eq!(t.reasons, vec!["ks5: KS5 exams in 2028, not 2026", "hesa: HE-ready in 2028/29, after the 2026/27 extract"]);
//! ```

use chrono::{Datelike, NaiveDate};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::calendar::next_heat_track_deadline;
use crate::cohort::{track_cohort, AcademicYear, Nation, PhaseAdjustment};
use crate::fields::{self, Gender, TextRow};

/// A student as it arrives (form, bulk-import row, JSON): text fields.
///
/// ```
/// let s: heat_core::student::StudentInput = serde_json::from_str(r#"{"id": "1", "consent": "Y"}"#).unwrap();
/// assert_eq!(s.consent.as_deref(), Some("Y"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct StudentInput {
    /// Student id (HEAT id or upload reference).
    pub id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Date of birth (any form [`fields::date`] reads).
    pub dob: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// Home postcode.
    pub postcode: Option<String>,
    /// School or college (HEAT id / URN).
    pub school: Option<String>,
    /// Saw the tracking statement / gave permission (read by [`fields::yes_no`]).
    pub consent: Option<String>,
    /// Phase adjustment: years the student is ahead (+) or behind (−) their date-of-birth cohort.
    pub phase_adjustment: Option<String>,
}

impl StudentInput {
    /// Reads a student from a row of text cells by column name: `id` (or `student_ref`,
    /// `record_id`, `student_id`), `first_name`, `last_name`, `dob` (or `date_of_birth`),
    /// `gender`, `postcode`, `school` (or `school_id`), `consent` (or `tracking_consent`),
    /// `phase_adjustment`. The values are read by [`student_tracking_status`] through the
    /// [`crate::fields`] readers, as everywhere else.
    ///
    /// ```
    /// use heat_core::student::StudentInput;
    /// let s = StudentInput::from_row(&[("record_id", "7"), ("date_of_birth", "20100901"), ("tracking_consent", "Y")]);
    /// assert_eq!((s.id.as_str(), s.dob.as_deref(), s.consent.as_deref()), ("7", Some("20100901"), Some("Y")));
    /// ```
    pub fn from_row<R: TextRow + ?Sized>(row: &R) -> StudentInput {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| row.cell(n).filter(|v| !v.trim().is_empty()))
                .map(str::to_string)
        };
        StudentInput {
            id: first(&["id", "student_ref", "record_id", "student_id"]).unwrap_or_default(),
            first_name: first(&["first_name", "forename"]),
            last_name: first(&["last_name", "surname"]),
            dob: first(&["dob", "date_of_birth"]),
            gender: first(&["gender", "sex"]),
            postcode: first(&["postcode", "home_postcode"]),
            school: first(&["school", "school_id"]),
            consent: first(&["consent", "tracking_consent"]),
            phase_adjustment: first(&["phase_adjustment"]),
        }
    }
}

/// Settings for the tracking rules (INFERRED; documented defaults).
///
/// ```
/// use heat_core::student::TrackingSettings;
/// let s = TrackingSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
/// assert_eq!(s.extract_year(), 2026);
/// assert!(s.ks_require_gender);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct TrackingSettings {
    /// The day the status is worked out for.
    pub on: NaiveDate,
    /// Nation whose school years apply (KS4/KS5 tracks are DfE, England only).
    pub nation: Nation,
    /// KS4/KS5 tracks need gender and school (default true).
    pub ks_require_gender: bool,
    /// HESA track needs gender (default false: "if known").
    pub hesa_require_gender: bool,
}

impl TrackingSettings {
    /// Defaults for a day: England, gender needed for KS4/KS5 but not HESA.
    ///
    /// ```
    /// let s = heat_core::student::TrackingSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    /// assert_eq!(s.extract_year(), 2027);
    /// ```
    pub fn on(on: NaiveDate) -> Self {
        TrackingSettings {
            on,
            nation: Nation::England,
            ks_require_gender: true,
            hesa_require_gender: false,
        }
    }

    /// The year of the next HEAT Track extract (deadline on or after `on`).
    ///
    /// ```
    /// let s = heat_core::student::TrackingSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    /// assert_eq!(s.extract_year(), 2026); // the deadline day itself
    /// ```
    pub fn extract_year(&self) -> i32 {
        next_heat_track_deadline(self.on).map_or(self.on.year(), |d| d.year())
    }
}

/// One student's tracking status.
///
/// ```
/// use heat_core::student::{student_tracking_status, StudentInput, TrackingSettings};
/// let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
/// let t = student_tracking_status(&StudentInput::default(), &TrackingSettings::on(on));
/// assert!(!t.complete && !t.hesa_eligible);
/// assert_eq!(t.problems, vec!["first_name", "last_name", "dob", "postcode", "school", "gender", "consent"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct TrackingStatus {
    /// Every field present and valid, and consent given.
    pub complete: bool,
    /// Eligible for this year's KS4 track.
    pub ks4_eligible: bool,
    /// Eligible for this year's KS5 track.
    pub ks5_eligible: bool,
    /// Eligible for the next HESA (HE-entry) track.
    pub hesa_eligible: bool,
    /// Fields missing or invalid (`first_name`, `dob`, `postcode`, `consent`, …).
    pub problems: Vec<&'static str>,
    /// Why the student is not complete or not eligible, one line each (`field: reason` or
    /// `track: reason`).
    pub reasons: Vec<String>,
    /// The fields given but not readable, each with its reader's error code and message (a
    /// missing field is not here: it is only in `problems`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub unreadable: Vec<Unreadable>,
}

/// A field of a student given but not readable: the field, its reader's error code and message.
///
/// ```
/// use heat_core::student::{student_tracking_status, StudentInput, TrackingSettings};
/// let s = StudentInput { dob: Some("31/02/2011".into()), ..Default::default() };
/// let t = student_tracking_status(&s, &TrackingSettings::on("2026-12-01".parse().unwrap()));
/// assert_eq!((t.unreadable[0].field, t.unreadable[0].code), ("dob", "bad_date"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Unreadable {
    /// The field (`dob`, `postcode`, `gender`, `consent`, `phase_adjustment`).
    pub field: &'static str,
    /// The reader's stable code (`bad_date`, `too_short`, `not_yes_no`, ...).
    pub code: &'static str,
    /// What the reader's error is about.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub kind: crate::ErrorKind,
    /// The reader's message.
    pub message: String,
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().and_then(fields::text)
}

/// Works out a student's completeness and track eligibility.
///
/// ```
/// use heat_core::student::{student_tracking_status, StudentInput, TrackingSettings};
/// let s = StudentInput { first_name: Some("Ann".into()), last_name: Some("Lee".into()),
///     dob: Some("2008-01-15".into()), postcode: Some("LS1 4AP".into()), consent: Some("yes".into()),
///     ..Default::default() };
/// let t = student_tracking_status(&s, &TrackingSettings::on(chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()));
/// assert!(t.hesa_eligible && !t.complete && !t.ks5_eligible); // KS5 needs school and gender
/// ```
pub fn student_tracking_status(s: &StudentInput, settings: &TrackingSettings) -> TrackingStatus {
    let mut found = Findings::default();
    if text(&s.first_name).is_none() {
        found.missing("first_name", "missing".into());
    }
    if text(&s.last_name).is_none() {
        found.missing("last_name", "missing".into());
    }
    let dob = match s.dob.as_deref().map(fields::date) {
        None | Some(Ok(None)) => {
            found.missing("dob", "missing".into());
            None
        }
        Some(Ok(Some(d))) => Some(d),
        Some(Err(e)) => {
            found.wrong("dob", &e);
            None
        }
    };
    match s.postcode.as_deref().map(fields::postcode) {
        None | Some(Ok(None)) => found.missing("postcode", "missing".into()),
        Some(Ok(Some(_))) => {}
        Some(Err(e)) => found.wrong("postcode", &e),
    }
    if text(&s.school).is_none() {
        found.missing("school", "missing".into());
    }
    match s.gender.as_deref().map(fields::gender) {
        Some(Ok(Some(g))) if g.known().is_some() => {}
        Some(Ok(Some(Gender::NotKnown))) => found.missing("gender", "not known".into()),
        Some(Err(e)) => found.wrong("gender", &e),
        _ => found.missing("gender", "missing".into()),
    }
    match s.consent.as_deref().map(fields::yes_no) {
        Some(Ok(Some(true))) => {}
        Some(Ok(Some(false))) => {
            found.missing("consent", "has not seen the tracking statement".into())
        }
        Some(Err(e)) => found.wrong("consent", &e),
        None | Some(Ok(None)) => found.missing("consent", "not recorded".into()),
    }
    let phase = match s.phase_adjustment.as_deref().map(fields::phase_adjustment) {
        None => PhaseAdjustment::NONE,
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            found.wrong("phase_adjustment", &e);
            PhaseAdjustment::NONE
        }
    };
    let Findings {
        problems,
        mut reasons,
        unreadable,
    } = found;
    let complete = problems.is_empty();
    let has = |f: &str| !problems.contains(&f);
    let extract = settings.extract_year();
    let base =
        has("first_name") && has("last_name") && has("dob") && has("postcode") && has("consent");
    let ks_fields = base
        && has("school")
        && (!settings.ks_require_gender || has("gender"))
        && has("phase_adjustment");
    let hesa_fields =
        base && (!settings.hesa_require_gender || has("gender")) && has("phase_adjustment");
    let (mut ks4, mut ks5, mut hesa) = (false, false, false);
    let england = settings.nation == Nation::England;
    if let Some(d) = dob {
        let t = track_cohort(d, settings.nation, phase);
        if !england {
            reasons.push("ks4: DfE tracks students in England only".into());
            reasons.push("ks5: DfE tracks students in England only".into());
        } else {
            if t.ks4_exam_year != extract {
                reasons.push(format!(
                    "ks4: KS4 exams in {}, not {extract}",
                    t.ks4_exam_year
                ));
            }
            if t.ks5_exam_year != extract {
                reasons.push(format!(
                    "ks5: KS5 exams in {}, not {extract}",
                    t.ks5_exam_year
                ));
            }
            ks4 = ks_fields && t.ks4_exam_year == extract;
            ks5 = ks_fields && t.ks5_exam_year == extract;
        }
        let extract_year = AcademicYear::new(extract);
        if t.he_ready_year > extract_year {
            reasons.push(format!(
                "hesa: HE-ready in {}, after the {extract_year} extract",
                t.he_ready_year
            ));
        }
        hesa = hesa_fields && t.he_ready_year <= extract_year;
    }
    TrackingStatus {
        complete,
        ks4_eligible: ks4,
        ks5_eligible: ks5,
        hesa_eligible: hesa,
        problems,
        reasons,
        unreadable,
    }
}

/// What is missing or wrong in a student's fields, as [`student_tracking_status`] finds it.
#[derive(Default)]
struct Findings {
    problems: Vec<&'static str>,
    reasons: Vec<String>,
    unreadable: Vec<Unreadable>,
}

impl Findings {
    fn missing(&mut self, field: &'static str, why: String) {
        self.problems.push(field);
        self.reasons.push(format!("{field}: {why}"));
    }

    fn wrong(&mut self, field: &'static str, e: &dyn crate::HeatError) {
        let message = e.to_string();
        self.missing(field, message.clone());
        self.unreadable.push(Unreadable {
            field,
            code: e.code(),
            kind: e.kind(),
            message,
        });
    }
}

/// A dashboard-style summary of many students' tracking status.
///
/// ```
/// use heat_core::student::{tracking_summary, student_tracking_status, StudentInput, TrackingSettings};
/// let on = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
/// let statuses: Vec<_> = [StudentInput::default()].iter()
///     .map(|s| student_tracking_status(s, &TrackingSettings::on(on))).collect();
/// let sum = tracking_summary(&statuses);
/// assert_eq!((sum.students, sum.complete, sum.hesa_eligible), (1, 0, 0));
/// assert_eq!(sum.not_hesa_because[0], ("consent".to_string(), 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct TrackingSummary {
    /// Students counted.
    pub students: usize,
    /// Complete for tracking.
    pub complete: usize,
    /// In this year's KS4 track.
    pub ks4_eligible: usize,
    /// In this year's KS5 track.
    pub ks5_eligible: usize,
    /// In the next HESA track.
    pub hesa_eligible: usize,
    /// Why the others are not in the next HESA track: (reason, students), most common first; a
    /// student is counted once, under the first reason that stops them.
    pub not_hesa_because: Vec<(String, usize)>,
}

/// Counts complete and eligible students and why the rest miss the next HESA track.
///
/// ```
/// assert_eq!(heat_core::student::tracking_summary(&Vec::new()).students, 0);
/// ```
pub fn tracking_summary<'a>(
    statuses: impl IntoIterator<Item = &'a TrackingStatus>,
) -> TrackingSummary {
    let mut sum = TrackingSummary::default();
    let mut why: std::collections::BTreeMap<String, usize> = Default::default();
    for t in statuses {
        sum.students += 1;
        sum.complete += usize::from(t.complete);
        sum.ks4_eligible += usize::from(t.ks4_eligible);
        sum.ks5_eligible += usize::from(t.ks5_eligible);
        sum.hesa_eligible += usize::from(t.hesa_eligible);
        if !t.hesa_eligible {
            let first = [
                "consent",
                "first_name",
                "last_name",
                "dob",
                "postcode",
                "phase_adjustment",
            ]
            .iter()
            .find(|f| t.problems.contains(f))
            .map(|f| f.to_string())
            .or_else(|| {
                t.reasons
                    .iter()
                    .find(|r| r.starts_with("hesa:"))
                    .map(|_| "not yet HE-ready".to_string())
            })
            .unwrap_or_else(|| "gender".to_string());
            *why.entry(first).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = why.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sum.not_hesa_because = v;
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student() -> StudentInput {
        StudentInput {
            id: "S1".into(),
            first_name: Some("Leo".into()),
            last_name: Some("Reid".into()),
            dob: Some("31/08/2008".into()),
            gender: Some("Male".into()),
            postcode: Some("eh91sf".into()),
            school: Some("5500000".into()),
            consent: Some("Yes".into()),
            phase_adjustment: None,
        }
    }

    fn on(y: i32, m: u32, d: u32) -> TrackingSettings {
        TrackingSettings::on(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn born_31_august_versus_1_september() {
        // Born 31 Aug 2008: KS5 in 2026, HE-ready 2026/27; in the November 2026 extract.
        let t = student_tracking_status(&student(), &on(2026, 11, 23));
        assert!(t.complete && t.ks5_eligible && t.hesa_eligible && !t.ks4_eligible);
        assert_eq!(t.reasons, vec!["ks4: KS4 exams in 2024, not 2026"]);
        // Born a day later: a year behind.
        let mut s = student();
        s.dob = Some("2008-09-01".into());
        let t = student_tracking_status(&s, &on(2026, 11, 23));
        assert!(t.complete && !t.ks5_eligible && !t.hesa_eligible);
        assert_eq!(
            t.reasons,
            vec![
                "ks4: KS4 exams in 2025, not 2026",
                "ks5: KS5 exams in 2027, not 2026",
                "hesa: HE-ready in 2027/28, after the 2026/27 extract"
            ]
        );
        // After the 2026 deadline the next extract is 2027's.
        let t = student_tracking_status(&s, &on(2026, 12, 1));
        assert!(t.ks5_eligible && t.hesa_eligible);
    }

    #[test]
    fn incomplete_students_say_why() {
        let mut s = student();
        s.gender = None;
        s.postcode = Some("SW1A 1AC".into());
        s.consent = Some("maybe".into());
        let t = student_tracking_status(&s, &on(2026, 11, 1));
        assert!(!t.complete && !t.hesa_eligible && !t.ks5_eligible);
        assert_eq!(t.problems, vec!["postcode", "gender", "consent"]);
        assert!(
            t.reasons[0].starts_with("postcode: postcode breaks a letter rule"),
            "{:?}",
            t.reasons
        );
        // Gender is not needed for HESA, but consent is.
        s.consent = Some("y".into());
        s.postcode = Some("EH9 1SF".into());
        let t = student_tracking_status(&s, &on(2026, 11, 1));
        assert!(!t.complete && t.hesa_eligible && !t.ks5_eligible);
        // 29 February birthdays read fine.
        s.dob = Some("29/02/2008".into());
        assert!(student_tracking_status(&s, &on(2026, 11, 1)).hesa_eligible);
        // Not England: no DfE tracks.
        let mut wales = on(2026, 11, 1);
        wales.nation = Nation::Wales;
        let t = student_tracking_status(&student(), &wales);
        assert!(!t.ks5_eligible && t.hesa_eligible);
    }

    #[test]
    fn summary_counts_and_reasons() {
        let settings = on(2026, 11, 1);
        let mut young = student();
        young.dob = Some("2012-01-01".into());
        let mut no_consent = student();
        no_consent.consent = Some("no".into());
        let statuses: Vec<TrackingStatus> = [student(), young, no_consent, StudentInput::default()]
            .iter()
            .map(|s| student_tracking_status(s, &settings))
            .collect();
        let sum = tracking_summary(&statuses);
        assert_eq!(
            (
                sum.students,
                sum.complete,
                sum.hesa_eligible,
                sum.ks5_eligible
            ),
            (4, 2, 1, 1)
        );
        assert_eq!(
            sum.not_hesa_because,
            vec![
                ("consent".to_string(), 2),
                ("not yet HE-ready".to_string(), 1)
            ]
        );
    }
}
