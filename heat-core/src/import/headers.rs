//! Matching a file's header row to a template's columns: exact names, aliases, and suggestions
//! for near misses.

use crate::names::{closest, normalise_name};

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
}

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
        HeaderMap {
            position,
            matched,
            ignored,
        }
    }

    /// Required columns not found, each with the ignored file header that looks like it.
    pub fn missing(&self, columns: &[Column]) -> Vec<(String, Option<String>)> {
        columns
            .iter()
            .zip(&self.position)
            .filter(|(c, p)| c.required && p.is_none())
            .map(|(c, _)| (c.name.to_string(), self.suggest_for(c)))
            .collect()
    }

    /// The ignored header most like column `c` (its name or an alias).
    fn suggest_for(&self, c: &Column) -> Option<String> {
        self.ignored
            .iter()
            .find(|h| near(h, c))
            .map(|h| h.to_string())
    }

    /// For an ignored header, the unfilled template column it looks like.
    pub fn near_column(&self, header: &str, columns: &[Column]) -> Option<&'static str> {
        columns
            .iter()
            .zip(&self.position)
            .filter(|(_, p)| p.is_none())
            .find(|(c, _)| near(header, c))
            .map(|(c, _)| c.name)
    }
}

/// Whether a file header is close to a column's name or one of its aliases.
fn near(header: &str, c: &Column) -> bool {
    closest(
        &header_key(header),
        std::iter::once(c.name).chain(c.aliases.iter().copied()),
    )
    .is_some()
}
