//! The activity rules (`ACT001` to `ACT020`), declared once, and the check that applies them
//! all to one activity.

use chrono::NaiveDate;
#[cfg(feature = "serde")]
use serde::Serialize;

use super::{
    ActivityInput, ActivitySettings, ActivityType, Beneficiary, DeliveryMode, Severity, YearStart,
};
use crate::cohort::AcademicYear;
use crate::fields;
use crate::names::{closest, normalise_name};
use crate::nation::Nation;

/// One broken rule: which rule, which field, a stable code, a message and a severity.
///
/// ```
/// use heat_core::activity::{Severity, Violation};
/// let v = Violation { rule_id: "ACT006", field: "end_date", code: "end_before_start", severity: Severity::Error, message: "x".into() };
/// assert_eq!(v.rule_id, "ACT006");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Violation {
    /// Stable rule id (`ACT001`…; see [`Rule`]).
    pub rule_id: &'static str,
    /// The field the rule is about.
    pub field: &'static str,
    /// Stable snake_case code.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, for a person.
    pub message: String,
}

/// Declares the activity rules once, in order: each variant's id, field, code, severity and
/// what it checks.
macro_rules! activity_rules {
    ($($variant:ident = $id:literal, $field:literal, $code:literal, $severity:ident, $checks:literal;)*) => {
        /// An activity rule (`ACT001` to `ACT020`): what [`validate_activity`] checks, one
        /// variant per rule, in rule order.
        ///
        /// ```
        /// use heat_core::activity::{Rule, Severity};
        /// let r = Rule::EndBeforeStart;
        /// assert_eq!((r.id(), r.field(), r.code(), r.severity()), ("ACT006", "end_date", "end_before_start", Severity::Error));
        /// assert_eq!(Rule::from_id("ACT006"), Some(r));
        /// assert_eq!(Rule::ALL.len(), 20);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $(#[doc = concat!($id, ": ", $checks, ".")] $variant,)*
        }

        impl Rule {
            /// Every rule, in rule order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];
            /// Every rule's code, in rule order.
            pub const CODES: &'static [&'static str] = &[$($code),*];

            /// The stable rule id (`ACT001`…).
            ///
            /// ```
            /// assert_eq!(heat_core::activity::Rule::MissingTitle.id(), "ACT001");
            /// ```
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }
            /// The field the rule is about.
            ///
            /// ```
            /// assert_eq!(heat_core::activity::Rule::MissingType.field(), "activity_type");
            /// ```
            pub fn field(self) -> &'static str {
                match self { $(Rule::$variant => $field,)* }
            }
            /// The stable snake_case code.
            ///
            /// ```
            /// assert_eq!(heat_core::activity::Rule::MissingTitle.code(), "missing_title");
            /// ```
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }
            /// Error (the activity cannot be uploaded) or warning.
            ///
            /// ```
            /// use heat_core::activity::{Rule, Severity};
            /// assert_eq!(Rule::MissingTitle.severity(), Severity::Error);
            /// ```
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }
            /// What the rule checks, in words.
            ///
            /// ```
            /// assert_eq!(heat_core::activity::Rule::MissingTitle.checks(), "the activity has a title");
            /// ```
            pub fn checks(self) -> &'static str {
                match self { $(Rule::$variant => $checks,)* }
            }
            /// The rule with this id, if any.
            ///
            /// ```
            /// use heat_core::activity::Rule;
            /// assert_eq!((Rule::from_id("ACT002"), Rule::from_id("ACT999")), (Some(Rule::MissingType), None));
            /// ```
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

#[rustfmt::skip]
activity_rules! {
    MissingTitle = "ACT001", "title", "missing_title", Error, "the activity has a title";
    MissingType = "ACT002", "activity_type", "missing_type", Error, "the activity has a type";
    UnknownType = "ACT003", "activity_type", "unknown_type", Error, "the type is in the typology in force";
    CategoryMismatch = "ACT004", "category", "category_mismatch", Error, "the category given is the type's category";
    BadDate = "ACT005", "start_date", "bad_date", Error, "start and end dates are present and readable";
    EndBeforeStart = "ACT006", "end_date", "end_before_start", Error, "the end date is not before the start date";
    OutsideAcademicYear = "ACT007", "start_date", "outside_academic_year", Error, "both dates fall in the academic year the activity is filed under";
    MissingContactHours = "ACT008", "contact_hours", "missing_contact_hours", Warning, "contact hours are given where the type expects them";
    BadContactHours = "ACT009", "contact_hours", "bad_contact_hours", Error, "contact hours are a number above 0";
    ImplausibleHours = "ACT010", "contact_hours", "implausible_hours", Warning, "contact hours are within the type's plausible range";
    ImpossibleHours = "ACT011", "contact_hours", "impossible_hours", Error, "contact hours fit in the activity's days";
    MissingSessions = "ACT012", "sessions", "missing_sessions", Warning, "a number of sessions is given where the type expects one (two or more for a programme)";
    DeliveryModeMismatch = "ACT013", "delivery_mode", "delivery_mode_mismatch", Warning, "the delivery mode is known and fits the type";
    ImplausibleYearGroup = "ACT014", "year_groups", "implausible_year_group", Warning, "the year groups are readable and plausible for the type";
    NoBeneficiaries = "ACT015", "beneficiaries", "no_beneficiaries", Error, "the activity has beneficiary institutions, registered students or an Unknown Beneficiary headcount";
    HeadcountOnNamedInstitution = "ACT016", "beneficiaries", "headcount_on_named_institution", Warning, "headcounts are recorded against the Unknown Beneficiary only";
    MissingHeadcount = "ACT017", "unknown_beneficiary_headcount", "missing_headcount", Error, "the Unknown Beneficiary has a headcount of 1 or more";
    CollaborativeNotShared = "ACT018", "shared_with", "collaborative_not_shared", Error, "a Uni Connect partnership's collaborative activity is shared with a partner HE provider that is a HEAT member";
    SharedWithNonMember = "ACT019", "shared_with", "shared_with_non_member", Error, "the activity is shared only with HEAT members";
    NotUniConnectFunded = "ACT020", "funding", "not_uni_connect_funded", Error, "a Uni Connect account holds only Uni Connect-funded activity";
}

fn violation(rule: Rule, message: String) -> Violation {
    Violation {
        rule_id: rule.id(),
        field: rule.field(),
        code: rule.code(),
        severity: rule.severity(),
        message,
    }
}

/// A text field of the record, read as every path reads text (blank and placeholders missing).
pub(super) fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().and_then(fields::text)
}

pub(super) fn same(a: &str, b: &str) -> bool {
    normalise_name(a.trim_start_matches('#')) == normalise_name(b.trim_start_matches('#'))
}

pub(super) fn in_list(list: &[String], x: &str) -> bool {
    list.iter().any(|m| same(m, x))
}

/// The academic year (of `start`) containing `date`.
fn academic_year_of(date: NaiveDate, start: YearStart) -> AcademicYear {
    AcademicYear::containing_from(date, start.month_day())
}

/// Checks an activity against every [`Rule`] and returns **every** violation, in rule
/// order (an empty list: the activity is clean).
///
/// ```
/// use heat_core::activity::{validate_activity, ActivityInput, ActivitySettings};
/// let a = ActivityInput { title: Some("Talk".into()), activity_type: Some("HE talk".into()),
///     start_date: Some("2025-11-03".into()), contact_hours: Some("1".into()),
///     unknown_beneficiary_headcount: Some(120), ..Default::default() };
/// assert!(validate_activity(&a, &ActivitySettings::default()).is_empty());
/// ```
pub fn validate_activity(a: &ActivityInput, s: &ActivitySettings) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut push = |rule: Rule, msg: String| out.push(violation(rule, msg));
    let kind = check_type(a, s, &mut push);
    let (start, end) = check_dates(a, s, &mut push);
    let days = match (start, end) {
        (Some(st), Some(en)) if en >= st => Some((en - st).num_days() + 1),
        _ => None,
    };
    check_hours(a, s, kind, days, &mut push);
    check_sessions_mode_and_years(a, kind, &mut push);
    check_beneficiaries(a, s, &mut push);
    check_sharing(a, s, &mut push);
    out
}

/// ACT001 to ACT004: the title, the type (in the typology in force) and its category.
fn check_type<'t>(
    a: &ActivityInput,
    s: &'t ActivitySettings,
    push: &mut dyn FnMut(Rule, String),
) -> Option<&'t ActivityType> {
    if blank(&a.title).is_none() {
        push(Rule::MissingTitle, "the activity has no title".into());
    }
    let kind = match blank(&a.activity_type) {
        None => {
            push(Rule::MissingType, "the activity has no type".into());
            None
        }
        Some(t) => match s.typology.find_type(t) {
            Some(k) => Some(k),
            None => {
                let suggestion =
                    closest(t, s.typology.types.iter().map(|k| k.activity_type.as_str()))
                        .map(|k| format!("; did you mean {k:?}?"))
                        .unwrap_or_default();
                push(
                    Rule::UnknownType,
                    format!(
                        "type {t:?} is not in typology {}{suggestion}",
                        s.typology.version
                    ),
                );
                None
            }
        },
    };
    if let (Some(k), Some(c)) = (kind, blank(&a.category)) {
        if !same(&k.category, c) {
            push(
                Rule::CategoryMismatch,
                format!(
                    "type {:?} belongs to category {:?}, not {c:?}",
                    k.activity_type, k.category
                ),
            );
        }
    }
    kind
}

/// ACT005 to ACT007: the start and end dates, their order and the academic year filed under.
/// Returns the dates when both read (a missing end date is the start date).
fn check_dates(
    a: &ActivityInput,
    s: &ActivitySettings,
    push: &mut dyn FnMut(Rule, String),
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let read = |v: &Option<String>, name: &str| -> Result<Option<NaiveDate>, String> {
        match blank(v) {
            None => Ok(None),
            Some(t) => fields::date(t).map_err(|e| format!("{name} {t:?}: {e}")),
        }
    };
    let start = read(&a.start_date, "start date");
    let end = read(&a.end_date, "end date");
    let (start, end) = match (start, end) {
        (Ok(Some(s0)), Ok(e)) => (Some(s0), Some(e.unwrap_or(s0))),
        (Ok(None), _) => {
            push(Rule::BadDate, "the activity has no start date".into());
            (None, None)
        }
        (Err(m), _) | (_, Err(m)) => {
            push(Rule::BadDate, m);
            (None, None)
        }
    };
    if let (Some(st), Some(en)) = (start, end) {
        if en < st {
            push(
                Rule::EndBeforeStart,
                format!("ends {en} before it starts {st}"),
            );
        }
        if let Some(y) = blank(&a.academic_year) {
            match y.parse::<AcademicYear>() {
                Ok(filed) => {
                    let (ys, ye) = (
                        academic_year_of(st, s.year_start),
                        academic_year_of(en, s.year_start),
                    );
                    if ys != filed || ye != filed {
                        push(
                            Rule::OutsideAcademicYear,
                            format!("filed under {filed} but runs {st} to {en} ({ys} to {ye}, years starting 1 {})", match s.year_start { YearStart::August => "August", YearStart::September => "September" }),
                        );
                    }
                }
                Err(e) => push(
                    Rule::OutsideAcademicYear,
                    format!("academic year {y:?}: {e}"),
                ),
            }
        }
    }
    (start, end)
}

/// ACT008 to ACT011: contact hours, given where expected, above 0, plausible for the type and
/// fitting in the activity's `days`.
fn check_hours(
    a: &ActivityInput,
    s: &ActivitySettings,
    kind: Option<&ActivityType>,
    days: Option<i64>,
    push: &mut dyn FnMut(Rule, String),
) {
    match blank(&a.contact_hours) {
        None => {
            if kind.is_some_and(|k| k.hours_expected) {
                push(
                    Rule::MissingContactHours,
                    "no contact hours, which this type expects".into(),
                );
            }
        }
        Some(t) => {
            match fields::number(t).ok().flatten() {
                None => push(
                    Rule::BadContactHours,
                    format!("contact hours {t:?} are not a number"),
                ),
                Some(h) if h <= 0.0 => push(
                    Rule::BadContactHours,
                    format!("contact hours {h} are not above 0"),
                ),
                Some(h) => {
                    if let Some(k) = kind {
                        if h < k.min_hours || h > k.max_hours {
                            push(
                                Rule::ImplausibleHours,
                                format!(
                                    "{h} contact hours for a {:?}, expected {} to {}",
                                    k.activity_type, k.min_hours, k.max_hours
                                ),
                            );
                        }
                    }
                    if let Some(d) = days {
                        let most = d as f64 * s.max_hours_per_day;
                        if h > most {
                            push(
                            Rule::ImpossibleHours,
                            format!("{h} contact hours do not fit in {d} day(s) at most {} hours a day", s.max_hours_per_day),
                        );
                        }
                    }
                }
            }
        }
    }
}

/// ACT012 to ACT014: sessions, delivery mode and year groups against the type.
fn check_sessions_mode_and_years(
    a: &ActivityInput,
    kind: Option<&ActivityType>,
    push: &mut dyn FnMut(Rule, String),
) {
    let sessions = blank(&a.sessions).map(|t| match fields::whole_number(t) {
        Ok(Some(n)) => Ok(n),
        _ => Err(t.to_string()),
    });
    match (&sessions, kind) {
        (Some(Err(t)), _) => push(
            Rule::MissingSessions,
            format!("sessions {t:?} is not a whole number"),
        ),
        (None, Some(k)) if k.sessions_expected => push(
            Rule::MissingSessions,
            "no number of sessions, which this type expects".into(),
        ),
        (Some(Ok(n)), Some(k)) if k.multi_intervention && *n < 2 => push(
            Rule::MissingSessions,
            format!("a multi-intervention programme has {n} session(s); it combines two or more"),
        ),
        _ => {}
    }
    if let Some(m) = blank(&a.delivery_mode) {
        match m.parse::<DeliveryMode>() {
            Err(e) => push(Rule::DeliveryModeMismatch, e.to_string()),
            Ok(mode) => {
                if let Some(k) = kind {
                    if !k.delivery_modes.is_empty() && !k.delivery_modes.contains(&mode) {
                        push(
                            Rule::DeliveryModeMismatch,
                            format!("a {:?} is not delivered {}", k.activity_type, mode.as_str()),
                        );
                    }
                }
            }
        }
    }
    for g in a.year_groups.iter().flat_map(|g| fields::list(g)) {
        match fields::year_group(g, Nation::England) {
            Err(e) => push(Rule::ImplausibleYearGroup, format!("year group {g:?}: {e}")),
            Ok(None) => {}
            Ok(Some(n)) => {
                if let Some(k) = kind {
                    if n < k.min_year_group || n > k.max_year_group {
                        push(
                            Rule::ImplausibleYearGroup,
                            format!(
                                "year group {g:?} is unusual for a {:?} (expected {} to {})",
                                k.activity_type, k.min_year_group, k.max_year_group
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// ACT015 to ACT017: beneficiaries, headcounts on the Unknown Beneficiary only.
fn check_beneficiaries(
    a: &ActivityInput,
    s: &ActivitySettings,
    push: &mut dyn FnMut(Rule, String),
) {
    let is_unknown = |b: &Beneficiary| {
        in_list(&s.unknown_beneficiary_ids, &b.institution)
            || normalise_name(&b.institution).contains("unknown institution")
    };
    let named: Vec<&Beneficiary> = a
        .beneficiaries
        .iter()
        .filter(|b| !b.institution.trim().is_empty() && !is_unknown(b))
        .collect();
    let unknown_headcount = a.unknown_beneficiary_headcount.or_else(|| {
        a.beneficiaries
            .iter()
            .filter(|b| is_unknown(b))
            .find_map(|b| b.headcount)
    });
    let has_unknown =
        a.unknown_beneficiary_headcount.is_some() || a.beneficiaries.iter().any(is_unknown);
    if named.is_empty() && a.students_registered == 0 && !has_unknown {
        push(
            Rule::NoBeneficiaries,
            "no beneficiary institution, no registered students and no Unknown Beneficiary headcount".into(),
        );
    }
    for b in &named {
        if b.headcount.is_some_and(|h| h > 0) {
            push(
                Rule::HeadcountOnNamedInstitution,
                format!("a headcount is recorded against {:?}; headcounts belong to the Unknown Beneficiary, named institutions get registered students", b.institution),
            );
        }
    }
    if has_unknown && unknown_headcount.is_none_or(|h| h == 0) {
        push(
            Rule::MissingHeadcount,
            "the Unknown Beneficiary has no headcount".into(),
        );
    }
}

/// ACT018 to ACT020: collaborative delivery and sharing (seed 004), Uni Connect funding.
fn check_sharing(a: &ActivityInput, s: &ActivitySettings, push: &mut dyn FnMut(Rule, String)) {
    let members_known = !s.members.is_empty();
    if a.owner_is_uni_connect && a.collaborative {
        let ok = a
            .partners
            .iter()
            .any(|p| in_list(&a.shared_with, p) && (!members_known || in_list(&s.members, p)));
        if !ok {
            let why = if a.partners.is_empty() {
                "no partner HE provider is named".to_string()
            } else if members_known && !a.partners.iter().any(|p| in_list(&s.members, p)) {
                "no partner HE provider is a HEAT member (a Uni Connect partnership cannot share HEAT data with a non-member)".to_string()
            } else {
                "it is not shared with its partner HE provider".to_string()
            };
            push(
                Rule::CollaborativeNotShared,
                format!("collaborative activity of a Uni Connect partnership: {why}"),
            );
        }
    }
    if members_known {
        for x in &a.shared_with {
            if !in_list(&s.members, x) {
                push(
                    Rule::SharedWithNonMember,
                    format!("shared with {x:?}, which is not a HEAT member"),
                );
            }
        }
    }
    if a.owner_is_uni_connect {
        let funded = blank(&a.funding).is_some_and(|f| in_list(&s.uni_connect_funding, f));
        if !funded {
            push(
                Rule::NotUniConnectFunded,
                format!(
                    "a Uni Connect account holds only Uni Connect-funded activity; funding is {}",
                    blank(&a.funding).map_or("not given".to_string(), |f| format!("{f:?}"))
                ),
            );
        }
    }
}
