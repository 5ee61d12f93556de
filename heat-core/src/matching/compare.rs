//! Comparison levels: how far two student records agree on each field.

use serde::{Deserialize, Serialize};

use super::record::{Dob, PostcodeKey, Prepared, PreparedSet, NONE};
use crate::names::{edit_distance_within, jaro_winkler};

/// A compared field. Every field's level 0 is `missing` (either side blank; no evidence) and
/// level 1 is full agreement.
///
/// ```
/// use heat_core::matching::Field;
/// assert_eq!(Field::Dob.name(), "dob");
/// assert_eq!(Field::Dob.levels()[2], "day_month_swap");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// First name: exact, close (Jaro-Winkler ≥ 0.92 or one typo), nickname, first/last
    /// swapped, middle name or initial, similar (Jaro-Winkler ≥ 0.80, two typos or the same
    /// Soundex), different.
    FirstName,
    /// Last name: exact, close (Jaro-Winkler ≥ 0.92 or one typo), one part of a multi-part name,
    /// similar (Jaro-Winkler ≥ 0.80, two typos or the same Soundex), different.
    LastName,
    /// Date of birth: exact, day and month swapped, one digit off, year ±1 with the same day and
    /// month, within 31 days, different.
    Dob,
    /// Home postcode: unit, one typo, sector, district, area, different.
    Postcode,
    /// School id: exact, one typo, different.
    School,
    /// Gender: same, different.
    Gender,
}

/// Number of compared fields.
pub const FIELD_COUNT: usize = 6;

/// The level each field reached for one pair, by [`Field::ALL`] position.
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

    /// The field's level labels, most to least alike after `missing`.
    ///
    /// ```
    /// use heat_core::matching::Field;
    /// assert_eq!(Field::Gender.levels(), &["missing", "same", "different"]);
    /// ```
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::FirstName => &[
                "missing",
                "exact",
                "close",
                "nickname",
                "swapped",
                "middle_or_initial",
                "similar",
                "different",
            ],
            Field::LastName => &["missing", "exact", "close", "part", "similar", "different"],
            Field::Dob => &[
                "missing",
                "exact",
                "day_month_swap",
                "one_digit",
                "year_off",
                "within_month",
                "different",
            ],
            Field::Postcode => &[
                "missing",
                "unit",
                "typo",
                "sector",
                "district",
                "area",
                "different",
            ],
            Field::School => &["missing", "exact", "typo", "different"],
            Field::Gender => &["missing", "same", "different"],
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

pub(crate) const FIRST_DIFFERENT: u8 = 7;
pub(crate) const FIRST_SWAPPED: u8 = 4;
const CLOSE: f64 = 0.92;
const SIMILAR: f64 = 0.80;

/// Compares two prepared records field by field.
pub(crate) fn compare(set: &PreparedSet, a: &Prepared, b: &Prepared) -> Levels {
    let (first, swapped) = first_name_level(set, a, b);
    let last = if swapped {
        name_level(set, a.last, b.first)
    } else {
        name_level(set, a.last, b.last)
    };
    [
        first,
        last,
        dob_level(a.dob, b.dob),
        postcode_level(a.postcode.as_ref(), b.postcode.as_ref()),
        school_level(set, a.school, b.school),
        match (a.gender, b.gender) {
            (Some(x), Some(y)) => 1 + u8::from(x != y),
            _ => 0,
        },
    ]
}

fn first_name_level(set: &PreparedSet, a: &Prepared, b: &Prepared) -> (u8, bool) {
    if a.first == NONE || b.first == NONE {
        return (0, false);
    }
    if a.first == b.first {
        return (1, false);
    }
    let (fa, fb) = (set.name(a.first), set.name(b.first));
    let jw = jaro_winkler(fa, fb);
    if jw >= CLOSE || one_typo(fa, fb) {
        return (2, false);
    }
    if sorted_intersect(set.canonicals(a), set.canonicals(b)) {
        return (3, false);
    }
    if a.last != NONE && b.last != NONE {
        let (la, lb) = (set.name(a.last), set.name(b.last));
        if (a.first == b.last || jaro_winkler(fa, lb) >= CLOSE)
            && (a.last == b.first || jaro_winkler(la, fb) >= CLOSE)
        {
            return (FIRST_SWAPPED, true);
        }
    }
    if a.first_token == b.first_token
        || initial_of(fa, fb)
        || initial_of(fb, fa)
        || ((a.first_token != a.first || b.first_token != b.first)
            && jaro_winkler(set.name(a.first_token), set.name(b.first_token)) >= CLOSE)
    {
        return (5, false);
    }
    if similar(set, jw, a.first, b.first) {
        return (6, false);
    }
    (FIRST_DIFFERENT, false)
}

/// `a` is a single letter (an initial) and `b` starts with it.
fn initial_of(a: &str, b: &str) -> bool {
    a.len() == 1 && b.starts_with(a)
}

fn sorted_intersect(a: &[u32], b: &[u32]) -> bool {
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

fn name_level(set: &PreparedSet, a: u32, b: u32) -> u8 {
    if a == NONE || b == NONE {
        return 0;
    }
    if a == b {
        return 1;
    }
    let (x, y) = (set.name(a), set.name(b));
    let jw = jaro_winkler(x, y);
    if jw >= CLOSE || one_typo(x, y) {
        return 2;
    }
    if shares_part(x, y) {
        return 3;
    }
    if similar(set, jw, a, b) {
        return 4;
    }
    5
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

fn dob_level(a: Option<Dob>, b: Option<Dob>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return 0;
    };
    if a.days == b.days {
        return 1;
    }
    if a.year == b.year && a.month == b.day && a.day == b.month {
        return 2;
    }
    if digits_differing(a, b) == 1 {
        return 3;
    }
    if a.month == b.month && a.day == b.day && (a.year - b.year).abs() == 1 {
        return 4;
    }
    if (a.days - b.days).abs() <= 31 {
        return 5;
    }
    6
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

fn postcode_level(a: Option<&PostcodeKey>, b: Option<&PostcodeKey>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return 0;
    };
    if a.full() && b.full() {
        if a.text() == b.text() {
            return 1;
        }
        if one_edit(a.text(), b.text()) {
            return 2;
        }
        if a.sector() == b.sector() {
            return 3;
        }
    }
    if a.outward() == b.outward() {
        return 4;
    }
    if a.area() == b.area() {
        return 5;
    }
    6
}

fn one_edit(a: &[u8], b: &[u8]) -> bool {
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(x), Ok(y)) => edit_distance_within(x, y, 1) == 1,
        _ => false,
    }
}

fn school_level(set: &PreparedSet, a: u32, b: u32) -> u8 {
    if a == NONE || b == NONE {
        return 0;
    }
    if a == b {
        return 1;
    }
    let (x, y) = (set.school_text(a), set.school_text(b));
    if x.len() >= 4 && edit_distance_within(x, y, 1) == 1 {
        return 2;
    }
    3
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
}
