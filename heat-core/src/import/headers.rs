//! Matching a file's header row to a template's columns: exact names, aliases, and suggestions
//! for near misses.

use super::Template;
use crate::names::{keys_alike, label_key, normalise_name};

/// One template column: its name, whether it must be present, and other names it goes by.
#[derive(Debug)]
pub(crate) struct Column {
    pub name: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

pub(crate) const fn col(
    name: &'static str,
    required: bool,
    aliases: &'static [&'static str],
) -> Column {
    Column {
        name,
        required,
        aliases,
    }
}

/// A header cell as a lookup key: BOM dropped, normalised like a name, spaces as underscores
/// (`"Date of Birth "` → `date_of_birth`).
pub(crate) fn header_key(h: &str) -> String {
    normalise_name(h.trim_start_matches('\u{FEFF}')).replace(' ', "_")
}

/// Where each template column is in the file, and what was matched or ignored.
#[derive(Debug)]
pub(crate) struct HeaderMap {
    /// For each template column, the file column that holds it.
    pub position: Vec<Option<usize>>,
    /// (file header, template column) for each match.
    pub matched: Vec<(String, String)>,
    /// File headers that match no template column (or a column already taken). A blank header
    /// cell is no column: values under one are reported by the import, not here.
    pub ignored: Vec<String>,
    /// For each template column, its name and aliases keyed once for suggestions.
    label_keys: Vec<Vec<String>>,
}

/// How many ignored headers are looked at for "did you mean" suggestions: a real header row is
/// far shorter, and a file of thousands of made-up headers costs no more than this many.
pub(crate) const SUGGESTED_HEADERS: usize = 256;

impl HeaderMap {
    /// Matches `headers` to `columns` by name or alias; the first file column wins a template
    /// column.
    pub fn build(headers: &[String], columns: &[Column]) -> HeaderMap {
        let mut position: Vec<Option<usize>> = vec![None; columns.len()];
        let mut matched = Vec::new();
        let mut ignored = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if h.trim().is_empty() {
                continue;
            }
            let k = header_key(h);
            let hit = columns
                .iter()
                .position(|c| c.name == k || c.aliases.contains(&k.as_str()));
            match hit {
                Some(c) if position[c].is_none() => {
                    position[c] = Some(i);
                    matched.push((h.to_string(), columns[c].name.to_string()));
                }
                _ => ignored.push(h.to_string()),
            }
        }
        let label_keys = columns
            .iter()
            .map(|c| {
                std::iter::once(c.name)
                    .chain(c.aliases.iter().copied())
                    .map(label_key)
                    .collect()
            })
            .collect();
        HeaderMap {
            position,
            matched,
            ignored,
            label_keys,
        }
    }

    /// Whether every required column was found.
    pub fn has_required(&self, columns: &[Column]) -> bool {
        columns
            .iter()
            .zip(&self.position)
            .all(|(c, p)| !c.required || p.is_some())
    }

    /// Required columns not found, each with the ignored file header that looks like it.
    pub fn missing(&self, columns: &[Column]) -> Vec<(String, Option<String>)> {
        columns
            .iter()
            .zip(&self.position)
            .enumerate()
            .filter(|(_, (c, p))| c.required && p.is_none())
            .map(|(i, (c, _))| (c.name.to_string(), self.suggest_for(i)))
            .collect()
    }

    /// The ignored header most like column `c` (its name or an alias), among the first
    /// [`SUGGESTED_HEADERS`].
    fn suggest_for(&self, c: usize) -> Option<String> {
        self.ignored
            .iter()
            .take(SUGGESTED_HEADERS)
            .find(|h| self.near(&label_key(&header_key(h)), c))
            .cloned()
    }

    /// Each ignored header with the unfilled template column it looks like (looked for among
    /// the first [`SUGGESTED_HEADERS`]).
    pub fn ignored_with_suggestions<'m>(
        &'m self,
        columns: &'m [Column],
    ) -> impl Iterator<Item = (&'m str, Option<&'static str>)> + 'm {
        self.ignored.iter().enumerate().map(move |(i, h)| {
            let near = (i < SUGGESTED_HEADERS)
                .then(|| self.near_column(h, columns))
                .flatten();
            (h.as_str(), near)
        })
    }

    /// For an ignored header, the unfilled template column it looks like.
    fn near_column(&self, header: &str, columns: &[Column]) -> Option<&'static str> {
        let key = label_key(&header_key(header));
        columns
            .iter()
            .enumerate()
            .filter(|(i, _)| self.position[*i].is_none())
            .find(|(i, _)| self.near(&key, *i))
            .map(|(_, c)| c.name)
    }

    /// Whether a header (through `label_key`) is close to column `c`'s name or an alias.
    fn near(&self, key: &str, c: usize) -> bool {
        self.label_keys[c].iter().any(|k| keys_alike(key, k))
    }
}

/// How many rows above the header a sheet may hold (a title, a date, a blank line…).
///
/// ```
/// use heat_core::import::{validate_import, ImportSettings, Template, MAX_TITLE_ROWS};
/// // A title line and a blank line above the header are read past.
/// let csv = "Students 2026\n\nfirst name,surname,dob,postcode\nAnn,Lee,2011-01-02,M1 1AE\n";
/// let out = validate_import(csv.as_bytes(), Template::Students, &ImportSettings::default()).unwrap();
/// assert_eq!((out.summary.rows_in, MAX_TITLE_ROWS), (1, 30));
/// ```
pub const MAX_TITLE_ROWS: usize = 30;

/// Required columns not found, each with the file header that looks like it.
pub(crate) type Missing = Vec<(String, Option<String>)>;

/// The header row of a sheet: its 0-based index in `rows` and its map, or (when none matches)
/// the row that came closest and what it lacks.
pub(crate) fn find_header(rows: &[Vec<String>], template: Template) -> Result<usize, Missing> {
    let columns = template.columns();
    let mut best: Option<(usize, HeaderMap)> = None;
    for (i, cells) in rows.iter().enumerate().take(MAX_TITLE_ROWS + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let map = HeaderMap::build(cells, columns);
        if map.has_required(columns) {
            return Ok(i);
        }
        let found = map.matched.len();
        if best.as_ref().is_none_or(|(n, _)| found > *n) {
            best = Some((found, map));
        }
    }
    // Suggestions are looked for in the closest row only.
    let closest = best.map_or_else(|| HeaderMap::build(&[], columns), |(_, map)| map);
    Err(closest.missing(columns))
}
