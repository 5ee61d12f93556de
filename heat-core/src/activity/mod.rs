//! Activities: the typology as data, activity records, every-violation validation and the
//! collaborative data-sharing rule.
//!
//! ```
//! use heat_core::activity::{validate_activity, ActivityInput, ActivitySettings, Severity};
//! let input = ActivityInput {
//!     id: "A1".into(),
//!     title: Some("Year 10 masterclass".into()),
//!     activity_type: Some("Masterclass".into()),
//!     start_date: Some("14/10/2025".into()),
//!     end_date: Some("2025-10-13".into()),
//!     contact_hours: Some("3".into()),
//!     year_groups: vec!["Year 10".into()],
//!     ..Default::default()
//! };
//! let v = validate_activity(&input, &ActivitySettings::default());
//! let codes: Vec<&str> = v.iter().map(|v| v.code).collect();
//! assert_eq!(codes, vec!["end_before_start", "no_beneficiaries"]);
//! assert!(v.iter().all(|v| v.severity == Severity::Error));
//! ```

mod typology;

use crate::error::codes;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

mod rules;

use rules::{blank, in_list, same};
pub use rules::{validate_activity, Rule, Violation};
pub use typology::{typology, ActivityType, DeliveryMode, Typology, TypologyError};

use crate::fields::{self, TextRow};
use crate::HeatError;

/// How serious a violation is: errors must be fixed before tracking; warnings are worth a look.
///
/// ```
/// assert_eq!(heat_core::activity::Severity::Warning.as_str(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Worth checking.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    ///
    /// ```
    /// assert_eq!(heat_core::activity::Severity::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where the academic year an activity is filed under starts (INFERRED setting: HEAT and HESA
/// report 1 August – 31 July; schools run 1 September – 31 August).
///
/// ```
/// use heat_core::activity::YearStart;
/// assert_eq!(YearStart::default(), YearStart::August);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum YearStart {
    /// 1 August – 31 July (default).
    #[default]
    August,
    /// 1 September – 31 August.
    September,
}

impl std::str::FromStr for YearStart {
    type Err = crate::ArgumentError;

    /// `august` or `september` (any case, spaces around ignored).
    ///
    /// ```
    /// use heat_core::activity::YearStart;
    /// use heat_core::HeatError;
    /// assert_eq!("September".parse::<YearStart>().unwrap(), YearStart::September);
    /// assert_eq!("june".parse::<YearStart>().unwrap_err().code(), "unknown_value");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "august" => Ok(YearStart::August),
            "september" => Ok(YearStart::September),
            _ => Err(crate::ArgumentError::unknown_value(
                "year_start",
                s,
                "'august' or 'september'",
            )),
        }
    }
}

impl YearStart {
    /// The (month, day) the year starts on.
    ///
    /// ```
    /// assert_eq!(heat_core::activity::YearStart::August.month_day(), (8, 1));
    /// ```
    pub fn month_day(self) -> (u32, u32) {
        match self {
            YearStart::August => (8, 1),
            YearStart::September => (9, 1),
        }
    }
}

/// Settings for activity validation; every INFERRED rule detail is here, with a documented default.
/// (Serde: every field optional; missing ones take the default.)
///
/// ```
/// use heat_core::activity::ActivitySettings;
/// let s = ActivitySettings::default();
/// assert_eq!(s.unknown_beneficiary_ids, vec!["052923".to_string()]);
/// assert_eq!(s.max_hours_per_day, 12.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct ActivitySettings {
    /// The typology in force (default: the embedded one).
    pub typology: Typology,
    /// HEAT members (ids or names, compared after normalising) for the sharing rules. Empty: the
    /// membership is not known and rules ACT018/ACT019 only check that a partner is shared with.
    pub members: Vec<String>,
    /// Institution ids (HEAT ids, `#` optional) that are the Unknown Beneficiary.
    pub unknown_beneficiary_ids: Vec<String>,
    /// First day of the academic year activities are filed under.
    pub year_start: YearStart,
    /// Most contact hours that fit in one day of an activity.
    pub max_hours_per_day: f64,
    /// Funding values that count as Uni Connect funding (compared after normalising).
    pub uni_connect_funding: Vec<String>,
}

impl ActivitySettings {
    /// Checks the settings' own values: `max_hours_per_day` above 0 and at most 24. The
    /// bindings call it on settings they are given; settings read through serde should be too.
    ///
    /// ```
    /// use heat_core::activity::ActivitySettings;
    /// use heat_core::HeatError;
    /// assert!(ActivitySettings::default().validate().is_ok());
    /// let s = ActivitySettings { max_hours_per_day: 25.0, ..ActivitySettings::default() };
    /// let e = s.validate().unwrap_err();
    /// assert_eq!((e.code(), e.to_string().as_str()), ("out_of_range", "max_hours_per_day must be above 0 and at most 24, not 25"));
    /// ```
    pub fn validate(&self) -> Result<(), crate::ArgumentError> {
        let h = self.max_hours_per_day;
        if !(h > 0.0 && h <= 24.0) {
            return Err(crate::ArgumentError::out_of_range(
                "max_hours_per_day",
                h,
                "above 0 and at most 24",
            ));
        }
        Ok(())
    }
}

impl Default for ActivitySettings {
    fn default() -> Self {
        ActivitySettings {
            typology: typology().clone(),
            members: Vec::new(),
            unknown_beneficiary_ids: vec!["052923".into()],
            year_start: YearStart::August,
            max_hours_per_day: 12.0,
            uni_connect_funding: vec![
                "uni connect".into(),
                "uniconnect".into(),
                "ofs uni connect".into(),
            ],
        }
    }
}

/// One beneficiary institution of an activity, with a headcount where learners are not named.
///
/// ```
/// let b = heat_core::activity::Beneficiary { institution: "052923".into(), headcount: Some(30) };
/// assert_eq!(b.headcount, Some(30));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Beneficiary {
    /// HEAT id or URN of the institution.
    pub institution: String,
    /// Number of learners, when recorded as a headcount.
    pub headcount: Option<u32>,
}

impl Beneficiary {
    /// A beneficiary as an item of the `beneficiaries` cell (`"107956:30"`, or the institution
    /// alone), as [`ActivityInput::from_row`] reads it: for a beneficiary given as a mapping.
    ///
    /// ```
    /// use heat_core::activity::Beneficiary;
    /// assert_eq!(Beneficiary::cell_item("107956", Some("30")), "107956:30");
    /// assert_eq!(Beneficiary::cell_item("107956", None), "107956");
    /// ```
    pub fn cell_item(institution: &str, headcount: Option<&str>) -> String {
        match headcount {
            Some(h) => format!("{institution}{HEADCOUNT_SEPARATOR}{h}"),
            None => institution.to_string(),
        }
    }
}

/// Between a beneficiary's institution and its headcount in the `beneficiaries` cell.
const HEADCOUNT_SEPARATOR: char = ':';

/// An activity record as it arrives (from a form, a bulk-import row or JSON): text fields, read
/// and checked by [`validate_activity`]. Lists may also be given as `|`-separated text.
///
/// ```
/// use heat_core::activity::ActivityInput;
/// let a: ActivityInput = serde_json::from_str(r#"{"id": "A1", "title": "Taster", "year_groups": ["Y9", "Y10"]}"#).unwrap();
/// assert_eq!(a.year_groups.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct ActivityInput {
    /// Activity id.
    pub id: String,
    /// Programme title / descriptor.
    pub title: Option<String>,
    /// Category (optional; checked against the type's category when given).
    pub category: Option<String>,
    /// Activity type.
    pub activity_type: Option<String>,
    /// Start date (`YYYY-MM-DD` or `DD/MM/YYYY`).
    pub start_date: Option<String>,
    /// End date (blank: a one-day activity).
    pub end_date: Option<String>,
    /// Contact hours per student.
    pub contact_hours: Option<String>,
    /// Number of sessions.
    pub sessions: Option<String>,
    /// Delivery mode.
    pub delivery_mode: Option<String>,
    /// Academic year the activity is filed under (`2025/26`).
    pub academic_year: Option<String>,
    /// Owning member.
    pub owner: Option<String>,
    /// Whether the owner is a Uni Connect partnership.
    pub owner_is_uni_connect: bool,
    /// Funding source.
    pub funding: Option<String>,
    /// Whether delivered with partners.
    pub collaborative: bool,
    /// Partner HE providers.
    pub partners: Vec<String>,
    /// Members the record is shared with.
    pub shared_with: Vec<String>,
    /// Beneficiary institutions.
    pub beneficiaries: Vec<Beneficiary>,
    /// Number of students registered on the activity.
    pub students_registered: u32,
    /// Headcount recorded against the Unknown Beneficiary.
    pub unknown_beneficiary_headcount: Option<u32>,
    /// Target year groups as written (`Year 10`, `Y9`, `12`, …).
    pub year_groups: Vec<String>,
}

/// A field of an activity row that could not be read into the record (numbers, yes/no flags,
/// beneficiary headcounts); the rules in [`Rule`] report everything else.
///
/// ```
/// use heat_core::activity::ActivityInput;
/// let (_, problems) = ActivityInput::from_row(&[("students_registered", "x")]);
/// assert_eq!((problems[0].field, problems[0].code), ("students_registered", "not_a_whole_number"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct FieldProblem {
    /// The column.
    pub field: &'static str,
    /// Stable code (the reader's error code).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

impl ActivityInput {
    /// Reads an activity from a row of text cells by column name (the activities template's
    /// names: `activity_id` or `id`, `title`, `category`, `activity_type`, `start_date`,
    /// `end_date`, `contact_hours`, `sessions`, `delivery_mode`, `academic_year`, `owner`,
    /// `owner_is_uni_connect`, `funding`, `collaborative`, `partners`, `shared_with`,
    /// `beneficiaries` (`id` or `id:headcount`, `|`-separated), `students_registered`,
    /// `unknown_beneficiary_headcount`, `year_groups`), every cell through its
    /// [`crate::fields`] reader. Cells that cannot be read come back as problems; the record
    /// holds what could be read.
    ///
    /// ```
    /// use heat_core::activity::ActivityInput;
    /// let row = [("title", "Taster"), ("collaborative", "Y"), ("beneficiaries", "100001|052923:60"),
    ///            ("students_registered", "30.0"), ("year_groups", "Y9|Y10")];
    /// let (a, problems) = ActivityInput::from_row(&row);
    /// assert!(problems.is_empty() && a.collaborative);
    /// assert_eq!((a.students_registered, a.beneficiaries[1].headcount), (30, Some(60)));
    /// assert_eq!(a.year_groups, vec!["Y9", "Y10"]);
    /// ```
    pub fn from_row<R: TextRow + ?Sized>(row: &R) -> (ActivityInput, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let cell = |c: &str| row.cell(c).unwrap_or("");
        let text = |c: &str| fields::text(cell(c)).map(str::to_string);
        let list = |c: &str| -> Vec<String> {
            fields::list(cell(c))
                .into_iter()
                .map(String::from)
                .collect()
        };
        let flag = |c: &'static str, problems: &mut Vec<FieldProblem>| match fields::yes_no(cell(c))
        {
            Ok(v) => v.unwrap_or(false),
            Err(e) => {
                problems.push(FieldProblem {
                    field: c,
                    code: e.code(),
                    message: e.to_string(),
                });
                false
            }
        };
        let owner_is_uni_connect = flag("owner_is_uni_connect", &mut problems);
        let collaborative = flag("collaborative", &mut problems);
        let number =
            |c: &'static str, problems: &mut Vec<FieldProblem>| match fields::whole_number(cell(c))
            {
                Ok(v) => v,
                Err(e) => {
                    problems.push(FieldProblem {
                        field: c,
                        code: e.code(),
                        message: e.to_string(),
                    });
                    None
                }
            };
        let students_registered = number("students_registered", &mut problems).unwrap_or(0);
        let unknown_beneficiary_headcount = number("unknown_beneficiary_headcount", &mut problems);
        let mut beneficiaries = Vec::new();
        for b in fields::list(cell("beneficiaries")) {
            let (institution, count) = match b.split_once(HEADCOUNT_SEPARATOR) {
                Some((i, n)) => (i.trim(), Some(n.trim())),
                None => (b, None),
            };
            let headcount = match count.map(fields::whole_number) {
                None | Some(Ok(None)) => None,
                Some(Ok(n)) => n,
                Some(Err(e)) => {
                    problems.push(FieldProblem {
                        field: "beneficiaries",
                        code: e.code(),
                        message: format!("headcount for {institution:?}: {e}"),
                    });
                    None
                }
            };
            beneficiaries.push(Beneficiary {
                institution: institution.to_string(),
                headcount,
            });
        }
        let input = ActivityInput {
            id: text("activity_id")
                .or_else(|| text("id"))
                .unwrap_or_default(),
            title: text("title"),
            category: text("category"),
            activity_type: text("activity_type"),
            start_date: text("start_date"),
            end_date: text("end_date"),
            contact_hours: text("contact_hours"),
            sessions: text("sessions"),
            delivery_mode: text("delivery_mode"),
            academic_year: text("academic_year"),
            owner: text("owner"),
            owner_is_uni_connect,
            funding: text("funding"),
            collaborative,
            partners: list("partners"),
            shared_with: list("shared_with"),
            beneficiaries,
            students_registered,
            unknown_beneficiary_headcount,
            year_groups: list("year_groups"),
        };
        (input, problems)
    }
}

/// Why a record may not be shared with a member.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::activity::SharingRefusal;
/// assert_eq!(SharingRefusal::NotAMember.code(), "not_a_member");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SharingRefusal {
    /// The recipient is not a HEAT member: no HEAT data, reporting or track data may reach it.
    #[error("the recipient is not a HEAT member: HEAT data, reporting and track data cannot be shared with it")]
    NotAMember,
    /// The recipient is the owner already.
    #[error("the recipient owns the record")]
    IsOwner,
    /// The record is a Uni Connect partnership's and is not Uni Connect-funded, so it should not
    /// be in the account at all.
    #[error("the record is in a Uni Connect account but is not Uni Connect-funded")]
    NotUniConnectFunded,
}

codes!(SharingRefusal {
    Self::NotAMember => "not_a_member",
    Self::IsOwner => "is_owner",
    Self::NotUniConnectFunded => "not_uni_connect_funded",
});

impl crate::HeatError for SharingRefusal {
    fn code(&self) -> &'static str {
        self.stable_code()
    }
    fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::Activity
    }
}

/// Whether `activity` may be shared with `recipient` under the HEAT membership rules (seed 004):
/// only with HEAT members, and a Uni Connect account's record only when it is Uni Connect-funded.
///
/// ```
/// use heat_core::HeatError;
/// use heat_core::activity::{can_share, ActivityInput, ActivitySettings};
/// let s = ActivitySettings { members: vec!["UCP North".into(), "Uni of Leeds".into()], ..Default::default() };
/// let a = ActivityInput { owner: Some("UCP North".into()), owner_is_uni_connect: true,
///     funding: Some("Uni Connect".into()), ..Default::default() };
/// assert!(can_share(&a, "Uni of Leeds", &s).is_ok());
/// assert_eq!(can_share(&a, "College X", &s).unwrap_err().code(), "not_a_member");
/// ```
pub fn can_share(
    activity: &ActivityInput,
    recipient: &str,
    s: &ActivitySettings,
) -> Result<(), SharingRefusal> {
    if blank(&activity.owner).is_some_and(|o| same(o, recipient)) {
        return Err(SharingRefusal::IsOwner);
    }
    if !in_list(&s.members, recipient) {
        return Err(SharingRefusal::NotAMember);
    }
    if activity.owner_is_uni_connect
        && !blank(&activity.funding).is_some_and(|f| in_list(&s.uni_connect_funding, f))
    {
        return Err(SharingRefusal::NotUniConnectFunded);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> ActivityInput {
        ActivityInput {
            id: "A1".into(),
            title: Some("Masterclass".into()),
            category: Some("Subject Insight".into()),
            activity_type: Some("Masterclass".into()),
            start_date: Some("2025-10-14".into()),
            end_date: Some("14/10/2025".into()),
            contact_hours: Some("2.5".into()),
            delivery_mode: Some("In person".into()),
            academic_year: Some("2025/26".into()),
            beneficiaries: vec![Beneficiary {
                institution: "100001".into(),
                headcount: None,
            }],
            students_registered: 20,
            year_groups: vec!["Year 10".into(), "Y11".into()],
            ..Default::default()
        }
    }

    fn codes(a: &ActivityInput, s: &ActivitySettings) -> Vec<&'static str> {
        validate_activity(a, s).iter().map(|v| v.code).collect()
    }

    #[test]
    fn a_clean_activity_has_no_violations() {
        assert!(validate_activity(&clean(), &ActivitySettings::default()).is_empty());
    }

    #[test]
    fn every_violation_is_reported() {
        let a = ActivityInput {
            id: "A2".into(),
            category: Some("Campus Visit".into()),
            activity_type: Some("masterclas".into()),
            start_date: Some("2025-07-30".into()),
            end_date: Some("2025-08-02".into()),
            contact_hours: Some("-1".into()),
            sessions: Some("two".into()),
            delivery_mode: Some("carrier pigeon".into()),
            academic_year: Some("2025/26".into()),
            year_groups: vec!["Year 15".into()],
            beneficiaries: vec![Beneficiary {
                institution: "#052923".into(),
                headcount: None,
            }],
            ..Default::default()
        };
        let v = validate_activity(&a, &ActivitySettings::default());
        let got: Vec<(&str, &str)> = v.iter().map(|v| (v.rule_id, v.code)).collect();
        assert_eq!(
            got,
            vec![
                ("ACT001", "missing_title"),
                ("ACT003", "unknown_type"),
                ("ACT007", "outside_academic_year"),
                ("ACT009", "bad_contact_hours"),
                ("ACT012", "missing_sessions"),
                ("ACT013", "delivery_mode_mismatch"),
                ("ACT014", "implausible_year_group"),
                ("ACT017", "missing_headcount"),
            ]
        );
        assert!(v[1].message.contains("did you mean \"Masterclass\""));
        assert!(v[2].message.contains("2024/25 to 2025/26"));
    }

    #[test]
    fn dates_hours_and_year_boundaries() {
        let s = ActivitySettings::default();
        let mut a = clean();
        a.start_date = Some("2025-08-01".into());
        a.end_date = None;
        assert!(
            codes(&a, &s).is_empty(),
            "1 August opens 2025/26 by default"
        );
        let sept = ActivitySettings {
            year_start: YearStart::September,
            ..Default::default()
        };
        assert_eq!(codes(&a, &sept), vec!["outside_academic_year"]);
        a.contact_hours = Some("13".into());
        assert_eq!(codes(&a, &s), vec!["impossible_hours"]);
        a.end_date = Some("2025-08-05".into());
        a.contact_hours = Some("45".into());
        assert_eq!(codes(&a, &s), vec!["implausible_hours"]);
        a.end_date = None;
        a.contact_hours = None;
        assert_eq!(codes(&a, &s), vec!["missing_contact_hours"]);
        a.start_date = Some("31/02/2026".into());
        assert_eq!(codes(&a, &s), vec!["bad_date", "missing_contact_hours"]);
        a.start_date = Some("2026-02-28".into());
        a.end_date = Some("2026-02-27".into());
        a.contact_hours = Some("1".into());
        assert_eq!(codes(&a, &s), vec!["end_before_start"]);
        a.category = Some("Mentoring".into());
        a.end_date = Some("2026-02-28".into());
        assert_eq!(codes(&a, &s), vec!["category_mismatch"]);
    }

    #[test]
    fn beneficiaries_and_headcounts() {
        let s = ActivitySettings::default();
        let mut a = clean();
        a.students_registered = 0;
        a.beneficiaries.clear();
        assert_eq!(codes(&a, &s), vec!["no_beneficiaries"]);
        a.unknown_beneficiary_headcount = Some(0);
        assert_eq!(codes(&a, &s), vec!["missing_headcount"]);
        a.unknown_beneficiary_headcount = Some(45);
        assert!(codes(&a, &s).is_empty());
        a.beneficiaries.push(Beneficiary {
            institution: "100002".into(),
            headcount: Some(12),
        });
        assert_eq!(codes(&a, &s), vec!["headcount_on_named_institution"]);
    }

    #[test]
    fn collaborative_sharing_rules() {
        let members = vec!["UCP North".to_string(), "University of Leeds".to_string()];
        let s = ActivitySettings {
            members,
            ..Default::default()
        };
        let mut a = clean();
        a.owner = Some("UCP North".into());
        a.owner_is_uni_connect = true;
        a.funding = Some("Uni Connect".into());
        a.collaborative = true;
        a.partners = vec!["University of Leeds".into()];
        assert_eq!(codes(&a, &s), vec!["collaborative_not_shared"]);
        a.shared_with = vec!["university of leeds".into()];
        assert!(codes(&a, &s).is_empty());
        a.partners = vec!["Non-member College".into()];
        a.shared_with = vec!["Non-member College".into()];
        assert_eq!(
            codes(&a, &s),
            vec!["collaborative_not_shared", "shared_with_non_member"]
        );
        a.funding = Some("APP".into());
        assert!(codes(&a, &s).contains(&"not_uni_connect_funded"));
        assert_eq!(
            can_share(&a, "University of Leeds", &s),
            Err(SharingRefusal::NotUniConnectFunded)
        );
        assert_eq!(can_share(&a, "UCP North", &s), Err(SharingRefusal::IsOwner));
    }

    #[test]
    fn rule_table_is_consistent() {
        for (i, r) in Rule::ALL.iter().enumerate() {
            assert_eq!(r.id(), format!("ACT{:03}", i + 1));
            assert_eq!(
                (Rule::from_id(r.id()), Rule::CODES[i]),
                (Some(*r), r.code())
            );
        }
    }
}
