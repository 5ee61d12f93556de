//! How to read each kind of area file: the fields heatkit takes from it and the header names
//! each may have (`data/areas/columns.csv`), and the deprivation indices
//! (`data/areas/indices.csv`).

use once_cell::sync::Lazy;

use super::AreaError;
use crate::import::header_key;

/// One field of one kind of file, with the header names it may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFormat {
    /// The kind of file (`postcodes`, `ofs`, or an index id such as `imd2019`).
    pub kind: String,
    /// The field heatkit reads (`postcode`, `lsoa11`, `rank`, ...).
    pub field: String,
    /// `yes` (required), `key` (at least one `key` field of the kind is required) or `no`.
    pub need: String,
    /// Normalised header names, in order of preference: `##` is any two digits, a trailing `*`
    /// any header starting so.
    pub aliases: Vec<String>,
}

/// The column formats heatkit reads (the embedded `columns.csv`, or a user's copy).
///
/// ```
/// use heat_core::areas::FileFormats;
/// let f = FileFormats::embedded();
/// assert_eq!(f.kind_of(&["pcds".into(), "lsoa11cd".into()]).map(|(k, _)| k), Some("postcodes"));
/// assert_eq!(f.kind_of(&["LSOA code (2011)".into(), "Index of Multiple Deprivation (IMD) Rank".into()]).map(|(k, _)| k), Some("imd2019"));
/// assert_eq!(f.kind_of(&["name".into()]), None);
/// ```
#[derive(Debug, Clone)]
pub struct FileFormats {
    fields: Vec<FieldFormat>,
    kinds: Vec<String>,
}

static EMBEDDED: Lazy<Result<FileFormats, AreaError>> =
    Lazy::new(|| FileFormats::from_csv(include_str!("../../data/areas/columns.csv")));

impl FileFormats {
    /// The formats shipped with heatkit (`data/areas/columns.csv`).
    ///
    /// ```
    /// assert!(heat_core::areas::FileFormats::embedded().kinds().contains(&"ofs"));
    /// ```
    pub fn embedded() -> &'static FileFormats {
        static EMPTY: Lazy<FileFormats> = Lazy::new(|| FileFormats {
            fields: Vec::new(),
            kinds: Vec::new(),
        });
        EMBEDDED.as_ref().unwrap_or(&EMPTY)
    }

    /// Reads `kind,field,need,aliases` rows (aliases separated by `|`).
    ///
    /// ```
    /// use heat_core::{areas::FileFormats, HeatError};
    /// let f = FileFormats::from_csv("kind,field,need,aliases\npostcodes,postcode,yes,pc|postcode\n").unwrap();
    /// assert_eq!(f.kinds(), vec!["postcodes"]);
    /// assert_eq!(FileFormats::from_csv("kind,field\nx,y\n").unwrap_err().code(), "bad_formats");
    /// ```
    pub fn from_csv(text: &str) -> Result<FileFormats, AreaError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut fields = Vec::new();
        let mut kinds: Vec<String> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let bad = |why: &str| AreaError::BadFormats(format!("row {}: {why}", i + 2));
            let record = record.map_err(|e| bad(&e.to_string()))?;
            if record.len() != 4 {
                return Err(bad("expected kind,field,need,aliases"));
            }
            let need = record[2].trim().to_string();
            if !matches!(need.as_str(), "yes" | "key" | "no") {
                return Err(bad("need must be yes, key or no"));
            }
            let kind = record[0].trim().to_string();
            if !kinds.contains(&kind) {
                kinds.push(kind.clone());
            }
            fields.push(FieldFormat {
                kind,
                field: record[1].trim().to_string(),
                need,
                aliases: record[3]
                    .split('|')
                    .map(|a| a.trim().to_ascii_lowercase())
                    .filter(|a| !a.is_empty())
                    .collect(),
            });
        }
        Ok(FileFormats { fields, kinds })
    }

    /// The kinds of file, in the order they are tried.
    ///
    /// ```
    /// assert_eq!(heat_core::areas::FileFormats::embedded().kinds()[0], "ofs");
    /// ```
    pub fn kinds(&self) -> Vec<&str> {
        self.kinds.iter().map(String::as_str).collect()
    }

    /// The fields of one kind.
    fn fields_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a FieldFormat> + 'a {
        self.fields.iter().filter(move |f| f.kind == kind)
    }

    /// Maps a header row to the first kind whose required fields are all there: the kind and,
    /// for each field, the column that holds it.
    ///
    /// ```
    /// use heat_core::areas::FileFormats;
    /// let (kind, columns) = FileFormats::embedded().kind_of(&["\u{feff}lsoa".into(), "WIMD 2019".into()]).unwrap();
    /// assert_eq!(kind, "wimd2019");
    /// assert_eq!(columns.get("rank"), Some(1));
    /// ```
    pub fn kind_of(&self, headers: &[String]) -> Option<(&str, ColumnMap)> {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        self.kinds.iter().find_map(|kind| {
            let mut map = ColumnMap::default();
            let mut has_key = None;
            for f in self.fields_of(kind) {
                let at = f.aliases.iter().find_map(|a| {
                    let mut taken = map.columns.iter().map(|(_, c)| *c);
                    keys.iter()
                        .position(|k| alias_matches(a, k))
                        .filter(|p| !taken.any(|c| c == *p))
                });
                match (at, f.need.as_str()) {
                    (Some(at), need) => {
                        if need == "key" {
                            has_key = Some(true);
                        }
                        map.columns.push((f.field.clone(), at));
                    }
                    (None, "yes") => return None,
                    (None, "key") => {
                        has_key.get_or_insert(false);
                    }
                    (None, _) => {}
                }
            }
            (has_key != Some(false)).then_some((kind.as_str(), map))
        })
    }

    /// The header names one kind's required fields may have, for an error message.
    pub(crate) fn describe(&self) -> String {
        self.kinds
            .iter()
            .map(|k| {
                let need: Vec<&str> = self
                    .fields_of(k)
                    .filter(|f| f.need != "no")
                    .filter_map(|f| f.aliases.first().map(String::as_str))
                    .collect();
                format!("{k} ({})", need.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Whether a normalised header matches one alias (`##` = two digits, trailing `*` = prefix).
fn alias_matches(alias: &str, key: &str) -> bool {
    if let Some(prefix) = alias.strip_suffix('*') {
        return key.starts_with(prefix);
    }
    if let Some((head, tail)) = alias.split_once("##") {
        return key.len() == alias.len()
            && key.starts_with(head)
            && key.ends_with(tail)
            && key[head.len()..head.len() + 2]
                .bytes()
                .all(|b| b.is_ascii_digit());
    }
    alias == key
}

/// For each field heatkit reads from a file, the column (from 0) that holds it.
///
/// ```
/// use heat_core::areas::FileFormats;
/// let (_, m) = FileFormats::embedded().kind_of(&["pcd".into(), "ctry25cd".into(), "lsoa21cd".into()]).unwrap();
/// assert_eq!((m.get("postcode"), m.get("country"), m.get("lsoa21"), m.get("oa11")), (Some(0), Some(1), Some(2), None));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    columns: Vec<(String, usize)>,
}

impl ColumnMap {
    /// The column of a field, if the file has it.
    pub fn get(&self, field: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| *c)
    }
}

/// One deprivation index: the nation it ranks, its areas and how deciles are formed.
///
/// ```
/// let imd = heat_core::areas::DeprivationIndex::get("imd2019").unwrap();
/// assert_eq!((imd.name.as_str(), imd.areas), ("IMD 2019", 32_844));
/// assert_eq!((imd.decile(1), imd.decile(3284), imd.decile(3285), imd.decile(32_844)), (1, 1, 2, 10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeprivationIndex {
    /// Short id (`imd2019`, `simd2020v2`, ...), the kind of its ranks file.
    pub id: String,
    /// Name shown with results (`IMD 2019`).
    pub name: String,
    /// The nation it ranks.
    pub nation: String,
    /// The area it ranks (`LSOA 2011`).
    pub area_unit: String,
    /// How many areas it ranks.
    pub areas: u32,
    /// The postcode look-up field holding the area (`lsoa11` or `lsoa21`).
    pub postcode_column: String,
    /// Its publisher.
    pub publisher: String,
    /// When it was published.
    pub published: String,
}

static INDICES: Lazy<Vec<DeprivationIndex>> = Lazy::new(|| {
    let mut reader =
        csv::Reader::from_reader(include_str!("../../data/areas/indices.csv").as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.len() == 9)
        .map(|r| DeprivationIndex {
            id: r[0].to_string(),
            name: r[1].to_string(),
            nation: r[2].to_string(),
            area_unit: r[3].to_string(),
            areas: r[4].parse().unwrap_or(0),
            postcode_column: r[5].to_string(),
            publisher: r[7].to_string(),
            published: r[8].to_string(),
        })
        .collect()
});

impl DeprivationIndex {
    /// Every index heatkit knows, newest first within a nation.
    ///
    /// ```
    /// assert_eq!(heat_core::areas::DeprivationIndex::all().len(), 5);
    /// ```
    pub fn all() -> &'static [DeprivationIndex] {
        &INDICES
    }

    /// One index by id.
    pub fn get(id: &str) -> Option<&'static DeprivationIndex> {
        INDICES.iter().find(|i| i.id == id)
    }

    /// The index's position in [`DeprivationIndex::all`].
    pub(crate) fn position(id: &str) -> Option<u8> {
        INDICES
            .iter()
            .position(|i| i.id == id)
            .and_then(|p| u8::try_from(p).ok())
    }

    /// The decile (1 = most deprived tenth) of a rank: ⌈rank × 10 / areas⌉, the grouping of
    /// IoD2019 File 1's own decile column. Ranks outside 1..=areas give 0.
    ///
    /// ```
    /// let simd = heat_core::areas::DeprivationIndex::get("simd2020v2").unwrap();
    /// assert_eq!((simd.decile(697), simd.decile(698), simd.decile(6976), simd.decile(0)), (1, 2, 10, 0));
    /// ```
    pub fn decile(&self, rank: u32) -> u8 {
        if rank == 0 || rank > self.areas {
            return 0;
        }
        let tenth = (u64::from(rank) * 10).div_ceil(u64::from(self.areas));
        u8::try_from(tenth).unwrap_or(0)
    }
}
