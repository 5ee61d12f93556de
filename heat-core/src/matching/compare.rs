//! Comparison levels: how far two student records agree on each field. Each field has one enum
//! whose variants are its levels, most to least alike after `Missing`; the enum holds each level's
//! label and the rule that reaches it (as Splink's comparison levels do).

use serde::{Deserialize, Serialize};

use super::record::{Dob, PostcodeKey, Prepared, PreparedSet, NONE};
use crate::names::{edit_distance_within, jaro_winkler};

/// Defines a field's level enum with its labels, in one place.
macro_rules! levels {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[repr(u8)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every level, in order (level 0 is `Missing`).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every level's label, in order.
            pub const LABELS: &'static [&'static str] = &[$($label),+];

            /// The level's label.
            pub fn label(self) -> &'static str {
                Self::LABELS[self as usize]
            }

            /// The level numbered `i` (its position in [`Self::ALL`]).
            pub fn from_number(i: u8) -> Option<Self> {
                Self::ALL.get(i as usize).copied()
            }
        }
    };
}

levels! {
    /// First-name levels.
    ///
    /// ```
    /// use heat_core::matching::FirstNameLevel;
    /// assert_eq!(FirstNameLevel::Nickname.label(), "nickname");
    /// assert_eq!(FirstNameLevel::from_number(7), Some(FirstNameLevel::Different));
    /// ```
    FirstNameLevel {
        /// Either side blank: no evidence.
        Missing => "missing",
        /// The same name.
        Exact => "exact",
        /// Jaro-Winkler ≥ 0.92 or one typo.
        Close => "close",
        /// Nicknames of one name (Alfie / Alfred).
        Nickname => "nickname",
        /// First and last names swapped.
        Swapped => "swapped",
        /// A middle name or an initial agrees.
        MiddleOrInitial => "middle_or_initial",
        /// Jaro-Winkler ≥ 0.80, two typos or the same Soundex.
        Similar => "similar",
        /// Nothing explains the difference.
        Different => "different",
    }
}

levels! {
    /// Last-name levels.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::LastNameLevel::Part.label(), "part");
    /// ```
    LastNameLevel {
        /// Either side blank.
        Missing => "missing",
        /// The same name.
        Exact => "exact",
        /// Jaro-Winkler ≥ 0.92 or one typo.
        Close => "close",
        /// One part of a multi-part (double-barrelled) name.
        Part => "part",
        /// Jaro-Winkler ≥ 0.80, two typos or the same Soundex.
        Similar => "similar",
        /// Different.
        Different => "different",
    }
}

levels! {
    /// Date-of-birth levels.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::DobLevel::DayMonthSwap.label(), "day_month_swap");
    /// ```
    DobLevel {
        /// Either side blank.
        Missing => "missing",
        /// The same date.
        Exact => "exact",
        /// Day and month swapped (03/04 and 04/03).
        DayMonthSwap => "day_month_swap",
        /// One digit of the eight different.
        OneDigit => "one_digit",
        /// The same day and month, the year one off.
        YearOff => "year_off",
        /// Within 31 days.
        WithinMonth => "within_month",
        /// Different.
        Different => "different",
    }
}

levels! {
    /// Home-postcode levels.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::PostcodeLevel::Sector.label(), "sector");
    /// ```
    PostcodeLevel {
        /// Either side blank (or a placeholder such as `N/A`).
        Missing => "missing",
        /// The same postcode.
        Unit => "unit",
        /// One character different.
        Typo => "typo",
        /// The same sector (`SW1A 1`).
        Sector => "sector",
        /// The same district (outward code).
        District => "district",
        /// The same area (leading letters).
        Area => "area",
        /// Different.
        Different => "different",
    }
}

levels! {
    /// School levels.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::SchoolLevel::Typo.label(), "typo");
    /// ```
    SchoolLevel {
        /// Either side blank.
        Missing => "missing",
        /// The same school id.
        Exact => "exact",
        /// One character different (ids of four characters or more).
        Typo => "typo",
        /// Different.
        Different => "different",
    }
}

levels! {
    /// Gender levels.
    ///
    /// ```
    /// assert_eq!(heat_core::matching::GenderLevel::Same.label(), "same");
    /// ```
    GenderLevel {
        /// Either side blank or not known.
        Missing => "missing",
        /// The same.
        Same => "same",
        /// Different.
        Different => "different",
    }
}

/// A compared field. Every field's level 0 is `missing` (either side blank; no evidence) and
/// level 1 is full agreement; the levels are the field's enum ([`FirstNameLevel`] ...).
///
/// ```
/// use heat_core::matching::Field;
/// assert_eq!(Field::Dob.name(), "dob");
/// assert_eq!(Field::Dob.levels()[2], "day_month_swap");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// First name ([`FirstNameLevel`]).
    FirstName,
    /// Last name ([`LastNameLevel`]).
    LastName,
    /// Date of birth ([`DobLevel`]).
    Dob,
    /// Home postcode ([`PostcodeLevel`]).
    Postcode,
    /// School id ([`SchoolLevel`]).
    School,
    /// Gender ([`GenderLevel`]).
    Gender,
}

/// Number of compared fields.
pub const FIELD_COUNT: usize = 6;

/// The level number each field reached for one pair, by [`Field::ALL`] position (a compact form
/// of the level enums, for histograms and the model).
pub type Levels = [u8; FIELD_COUNT];

impl Field {
    /// Every field, in the order used by [`Levels`] and the model.
    pub const ALL: [Field; FIELD_COUNT] = [
        Field::FirstName,
        Field::LastName,
        Field::Dob,
        Field::Postcode,
        Field::School,
        Field::Gender,
    ];

    /// The field's snake_case name (also the explanation column name in Python).
    ///
    /// ```
    /// assert_eq!(heat_core::matching::Field::FirstName.name(), "first_name");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Dob => "dob",
            Field::Postcode => "postcode",
            Field::School => "school",
            Field::Gender => "gender",
        }
    }

    /// The field's level labels, most to least alike after `missing` (its enum's labels).
    ///
    /// ```
    /// use heat_core::matching::Field;
    /// assert_eq!(Field::Gender.levels(), &["missing", "same", "different"]);
    /// ```
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::FirstName => FirstNameLevel::LABELS,
            Field::LastName => LastNameLevel::LABELS,
            Field::Dob => DobLevel::LABELS,
            Field::Postcode => PostcodeLevel::LABELS,
            Field::School => SchoolLevel::LABELS,
            Field::Gender => GenderLevel::LABELS,
        }
    }

    /// The level labelled `label`, if the field has one.
    ///
    /// ```
    /// use heat_core::matching::Field;
    /// assert_eq!(Field::FirstName.level_index("nickname"), Some(3));
    /// assert_eq!(Field::FirstName.level_index("swap"), None);
    /// ```
    pub fn level_index(self, label: &str) -> Option<u8> {
        self.levels()
            .iter()
            .position(|l| *l == label)
            .map(|i| i as u8)
    }

    /// Whether the field's exact level gets a term-frequency adjustment (a rare value counts for
    /// more than a common one).
    ///
    /// ```
    /// assert!(heat_core::matching::Field::LastName.term_frequency_adjusted());
    /// assert!(!heat_core::matching::Field::Dob.term_frequency_adjusted());
    /// ```
    pub fn term_frequency_adjusted(self) -> bool {
        matches!(self, Field::FirstName | Field::LastName | Field::School)
    }
}

pub(super) const CLOSE: f64 = 0.92;
const SIMILAR: f64 = 0.80;

/// Compares two prepared records field by field.
pub(crate) fn compare(set: &PreparedSet, a: &Prepared, b: &Prepared) -> Levels {
    let (first, swapped) = FirstNameLevel::of(set, a, b);
    let last = if swapped {
        LastNameLevel::of(set, a.last, b.first)
    } else {
        LastNameLevel::of(set, a.last, b.last)
    };
    [
        first as u8,
        last as u8,
        DobLevel::of(a.dob, b.dob) as u8,
        PostcodeLevel::of(a.postcode.as_ref(), b.postcode.as_ref()) as u8,
        SchoolLevel::of(set, a.school, b.school) as u8,
        GenderLevel::of(a, b) as u8,
    ]
}

impl FirstNameLevel {
    /// The level two records' first names reach, and whether the names are swapped (first name
    /// of one = last name of the other).
    fn of(set: &PreparedSet, a: &Prepared, b: &Prepared) -> (FirstNameLevel, bool) {
        use FirstNameLevel::*;
        if a.first == NONE || b.first == NONE {
            return (Missing, false);
        }
        if a.first == b.first {
            return (Exact, false);
        }
        // What the two first names alone give (cached: first names repeat across many pairs),
        // with the swap checked between Nickname and the weaker levels.
        let alone = cached(&FIRST_PAIRS, set, a.first, b.first, || {
            FirstNameLevel::of_names(set, a, b) as u8
        });
        let alone = FirstNameLevel::from_number(alone).unwrap_or(Different);
        if matches!(alone, Close | Nickname) {
            return (alone, false);
        }
        if a.last != NONE
            && b.last != NONE
            && close_names(set, a.first, b.last)
            && close_names(set, a.last, b.first)
        {
            return (Swapped, true);
        }
        (alone, false)
    }

    /// The level of two different first names on their own (never Swapped).
    fn of_names(set: &PreparedSet, a: &Prepared, b: &Prepared) -> FirstNameLevel {
        use FirstNameLevel::*;
        let (fa, fb) = (set.name(a.first), set.name(b.first));
        let jw = jaro_winkler(fa, fb);
        if jw >= CLOSE || one_typo(fa, fb) {
            return Close;
        }
        if sorted_intersect(set.canonicals(a), set.canonicals(b)) {
            return Nickname;
        }
        if a.first_token == b.first_token
            || initial_of(fa, fb)
            || initial_of(fb, fa)
            || ((a.first_token != a.first || b.first_token != b.first)
                && jaro_winkler(set.name(a.first_token), set.name(b.first_token)) >= CLOSE)
        {
            return MiddleOrInitial;
        }
        if similar(set, jw, a.first, b.first) {
            return Similar;
        }
        Different
    }
}

/// The two names (ids of `set`, neither blank) are the same or spelt close: Jaro-Winkler ≥
/// [`CLOSE`]. Asked of a first name against a last name (typed in the wrong column) for most
/// candidate pairs, so cached like the levels.
pub(super) fn close_names(set: &PreparedSet, x: u32, y: u32) -> bool {
    if x == y {
        return true;
    }
    let (a, b) = (set.name(x), set.name(y));
    // Jaro-Winkler ≤ 0.8 + 0.2 × (shorter / longer length): under CLOSE when the shorter name
    // has under 0.6 of the longer's letters.
    if a.is_ascii() && b.is_ascii() && 10 * a.len().min(b.len()) < 6 * a.len().max(b.len()) {
        return false;
    }
    cached(&CLOSE_PAIRS, set, x, y, || {
        u8::from(jaro_winkler(a, b) >= CLOSE)
    }) == 1
}

/// A small per-thread cache of name-pair levels: direct-mapped, so it never grows; a slot
/// holds the set's generation, the pair (smaller id first) and the level.
type PairCache = std::cell::RefCell<Vec<(u64, u64, u8)>>;

const PAIR_SLOTS: usize = 1 << 16;

thread_local! {
    static FIRST_PAIRS: PairCache = const { std::cell::RefCell::new(Vec::new()) };
    static LAST_PAIRS: PairCache = const { std::cell::RefCell::new(Vec::new()) };
    static CLOSE_PAIRS: PairCache = const { std::cell::RefCell::new(Vec::new()) };
}

/// The cached level of a pair of name ids of `set`, or `compute`'s (then cached). Levels of a
/// pair do not depend on its order.
fn cached(
    cache: &'static std::thread::LocalKey<PairCache>,
    set: &PreparedSet,
    a: u32,
    b: u32,
    compute: impl FnOnce() -> u8,
) -> u8 {
    let pair = (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
    let slot = (pair.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize % PAIR_SLOTS;
    let hit = cache.with(|c| {
        let c = c.borrow();
        c.get(slot)
            .filter(|(g, p, _)| *g == set.generation && *p == pair)
            .map(|(_, _, level)| *level)
    });
    if let Some(level) = hit {
        return level;
    }
    let level = compute();
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() != PAIR_SLOTS {
            *c = vec![(0, 0, 0); PAIR_SLOTS];
        }
        c[slot] = (set.generation, pair, level);
    });
    level
}

impl LastNameLevel {
    fn of(set: &PreparedSet, a: u32, b: u32) -> LastNameLevel {
        use LastNameLevel::*;
        if a == NONE || b == NONE {
            return Missing;
        }
        if a == b {
            return Exact;
        }
        let level = cached(&LAST_PAIRS, set, a, b, || {
            LastNameLevel::of_names(set, a, b) as u8
        });
        LastNameLevel::from_number(level).unwrap_or(Different)
    }

    /// The level of two different last names.
    fn of_names(set: &PreparedSet, a: u32, b: u32) -> LastNameLevel {
        use LastNameLevel::*;
        let (x, y) = (set.name(a), set.name(b));
        let jw = jaro_winkler(x, y);
        if jw >= CLOSE || one_typo(x, y) {
            return Close;
        }
        if shares_part(x, y) {
            return Part;
        }
        if similar(set, jw, a, b) {
            return Similar;
        }
        Different
    }
}

impl DobLevel {
    fn of(a: Option<Dob>, b: Option<Dob>) -> DobLevel {
        use DobLevel::*;
        let (Some(a), Some(b)) = (a, b) else {
            return Missing;
        };
        if a.days == b.days {
            return Exact;
        }
        if a.year == b.year && a.month == b.day && a.day == b.month {
            return DayMonthSwap;
        }
        if digits_differing(a, b) == 1 {
            return OneDigit;
        }
        if a.month == b.month && a.day == b.day && (a.year - b.year).abs() == 1 {
            return YearOff;
        }
        if (a.days - b.days).abs() <= 31 {
            return WithinMonth;
        }
        Different
    }
}

impl PostcodeLevel {
    fn of(a: Option<&PostcodeKey>, b: Option<&PostcodeKey>) -> PostcodeLevel {
        use PostcodeLevel::*;
        let (Some(a), Some(b)) = (a, b) else {
            return Missing;
        };
        if !a.uk || !b.uk {
            // A code that is not a UK postcode has no sectors or districts: the same text, one
            // slip of a key (in codes of four characters or more), or different.
            return if a.text() == b.text() {
                Unit
            } else if a.len >= 4 && b.len >= 4 && one_edit(a.text(), b.text()) {
                Typo
            } else {
                Different
            };
        }
        if a.full() && b.full() {
            if a.text() == b.text() {
                return Unit;
            }
            if one_edit(a.text(), b.text()) {
                return Typo;
            }
            if a.sector() == b.sector() {
                return Sector;
            }
        }
        if a.outward() == b.outward() {
            return District;
        }
        if a.area() == b.area() {
            return Area;
        }
        Different
    }
}

impl SchoolLevel {
    fn of(set: &PreparedSet, a: u32, b: u32) -> SchoolLevel {
        use SchoolLevel::*;
        if a == NONE || b == NONE {
            return Missing;
        }
        if a == b {
            return Exact;
        }
        let (x, y) = (set.school_text(a), set.school_text(b));
        if x.len() >= 4 && edit_distance_within(x, y, 1) == 1 {
            return Typo;
        }
        Different
    }
}

impl GenderLevel {
    fn of(a: &Prepared, b: &Prepared) -> GenderLevel {
        match (a.gender, b.gender) {
            (Some(x), Some(y)) if x == y => GenderLevel::Same,
            (Some(_), Some(_)) => GenderLevel::Different,
            _ => GenderLevel::Missing,
        }
    }
}

/// `a` is a single letter (an initial) and `b` starts with it.
fn initial_of(a: &str, b: &str) -> bool {
    a.len() == 1 && b.starts_with(a)
}

pub(super) fn sorted_intersect(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}

/// One insertion, deletion, substitution or swap of neighbours, in names of three letters or more
/// ("eva" / "eav").
fn one_typo(x: &str, y: &str) -> bool {
    x.len() >= 3 && y.len() >= 3 && edit_distance_within(x, y, 1) <= 1
}

/// Jaro-Winkler ≥ 0.80, two edits in names of five letters or more, or the same Soundex code.
fn similar(set: &PreparedSet, jw: f64, a: u32, b: u32) -> bool {
    if jw >= SIMILAR {
        return true;
    }
    let (x, y) = (set.name(a), set.name(b));
    if x.len() >= 5 && y.len() >= 5 && edit_distance_within(x, y, 2) <= 2 {
        return true;
    }
    let (sa, sb) = (set.sound(a), set.sound(b));
    sa != 0 && sa == sb
}

/// Multi-part names sharing a part of two letters or more ("ellison cassidy" / "ellison").
fn shares_part(x: &str, y: &str) -> bool {
    if !x.contains(' ') && !y.contains(' ') {
        return false;
    }
    x.split(' ')
        .filter(|p| p.len() >= 2)
        .any(|p| y.split(' ').any(|q| q == p))
}

fn digits_differing(a: Dob, b: Dob) -> u32 {
    let digits = |d: Dob| -> [u8; 8] {
        let y = d.year.rem_euclid(10_000) as u32;
        [
            (y / 1000) as u8,
            (y / 100 % 10) as u8,
            (y / 10 % 10) as u8,
            (y % 10) as u8,
            d.month / 10,
            d.month % 10,
            d.day / 10,
            d.day % 10,
        ]
    };
    let (x, y) = (digits(a), digits(b));
    x.iter().zip(&y).filter(|(p, q)| p != q).count() as u32
}

fn one_edit(a: &[u8], b: &[u8]) -> bool {
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(x), Ok(y)) => edit_distance_within(x, y, 1) == 1,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::StudentRecord;

    fn levels(a: StudentRecord, b: StudentRecord) -> Vec<&'static str> {
        let recs = [a, b];
        let refs: Vec<&StudentRecord> = recs.iter().collect();
        let set = PreparedSet::build(&refs, crate::names::nicknames());
        let l = compare(&set, &set.records[0], &set.records[1]);
        Field::ALL
            .iter()
            .zip(l)
            .map(|(f, i)| f.levels()[i as usize])
            .collect()
    }

    fn rec(first: &str, last: &str, dob: &str, pc: &str) -> StudentRecord {
        StudentRecord::new("x")
            .first_name(first)
            .last_name(last)
            .dob_str(dob)
            .unwrap()
            .postcode(pc)
    }

    #[test]
    fn levels_for_typical_slips() {
        let base = || rec("Amelia", "Smith", "2009-03-04", "SW1A 1AA");
        assert_eq!(
            levels(base(), rec("AMELIA", "smith", "2009-03-04", "sw1a1aa")),
            ["exact", "exact", "exact", "unit", "missing", "missing"]
        );
        assert_eq!(
            levels(base(), rec("Millie", "Smyth", "2009-04-03", "SW1A 1AB"))[..4],
            ["nickname", "close", "day_month_swap", "typo"]
        );
        assert_eq!(
            levels(base(), rec("Smith", "Amelia", "2009-03-14", "SW1A 1BD"))[..4],
            ["swapped", "exact", "one_digit", "sector"]
        );
        assert_eq!(
            levels(base(), rec("A", "Smith-Jones", "2010-03-04", "SW1A"))[..4],
            ["middle_or_initial", "part", "year_off", "district"]
        );
        assert_eq!(
            levels(base(), rec("Olivia", "Brown", "2009-03-30", "SW2 1AA"))[..4],
            ["different", "different", "within_month", "area"]
        );
        assert_eq!(
            levels(base(), rec("Amelia", "Smith", "2009-03-04", "SW1A 2AA"))[3],
            "typo"
        );
        assert_eq!(
            levels(base(), rec("", "", "", ""))[..4],
            ["missing", "missing", "missing", "missing"]
        );
        // 29 February against 28 February: within a month, and one digit off.
        assert_eq!(
            levels(
                rec("a", "b", "2012-02-29", ""),
                rec("a", "b", "2012-02-28", "")
            )[2],
            "one_digit"
        );
    }

    #[test]
    fn school_and_gender_levels() {
        let a = StudentRecord::new("1").school("135590").gender("F");
        let b = StudentRecord::new("2").school("135290").gender("Female");
        let c = StudentRecord::new("3").school("100001").gender("M");
        assert_eq!(levels(a.clone(), b)[4..], ["typo", "same"]);
        assert_eq!(levels(a, c)[4..], ["different", "different"]);
    }

    #[test]
    fn cached_name_levels_belong_to_their_own_set() {
        // The same name ids in two sets (built one after the other, on this thread) are
        // different names: the second set must not read the first one's cached levels.
        let d = "2009-03-04";
        let first = levels(rec("Amelia", "Smith", d, ""), rec("Amelie", "Smith", d, ""));
        assert_eq!(first[..2], ["close", "exact"]);
        let second = levels(rec("Oscar", "Smith", d, ""), rec("Zainab", "Smith", d, ""));
        assert_eq!(second[..2], ["different", "exact"]);
        // Pairs in either order, and the same pair again, read the same.
        let again = levels(rec("Zainab", "Jones", d, ""), rec("Oscar", "Jonas", d, ""));
        assert_eq!(again[..2], ["different", "close"]);
        let swapped = levels(rec("Smith", "Amelia", d, ""), rec("Amelia", "Smith", d, ""));
        assert_eq!(swapped[0], "swapped");
    }
}
