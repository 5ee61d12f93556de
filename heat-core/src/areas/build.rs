//! Building an [`AreaIndex`] from look-up files: one pass over each file's rows, then the
//! postcodes sorted, checked for conflicts and merged.

use std::borrow::Cow;
use std::collections::HashMap;

use super::formats::FileFormats;
use super::read::{read_source, Header};
use super::{
    country_of, key_of_cell, unpack, AreaError, AreaIndex, AreaSource, DeprivationIndex, Geo,
    LoadReport, Ofs, Ranked, SourceInfo, YearMonth, GEO_FIELDS, NONE, QUINTILES, REASONS,
};
use crate::import::header_key;

mod ranks;
use ranks::{rank_row, RankRow};

/// One postcode row: key, geography, termination code, file, row.
type PostcodeRow = (u64, (u32, u16), u8, u32);
/// One OfS row: key, measures, file, row.
type OfsRow = (u64, u32, u8, u32);

#[derive(Default)]
struct Builder {
    strings: Vec<String>,
    string_ids: HashMap<String, u32>,
    postcodes: Vec<PostcodeRow>,
    geo_ids: HashMap<Geo, u32>,
    geos: Vec<Geo>,
    ofs_entries: Vec<OfsRow>,
    ofs_ids: HashMap<Ofs, u32>,
    ofs_rows: Vec<Ofs>,
    ranks: HashMap<(u32, u8), (Ranked, usize)>,
    names: HashMap<u32, u32>,
    sources: Vec<SourceInfo>,
    reports: Vec<LoadReport>,
    /// The last postcode row's geography cells and id: neighbouring postcodes mostly share
    /// an output area, so most rows need no interning.
    last_geo: Option<(Vec<String>, u32)>,
}

pub(super) fn build(
    sources: &[AreaSource],
    formats: &FileFormats,
) -> Result<(AreaIndex, Vec<LoadReport>), AreaError> {
    if sources.is_empty() {
        return Err(AreaError::NoSources);
    }
    let mut b = Builder::default();
    for (i, source) in sources.iter().enumerate() {
        let src = u8::try_from(i).map_err(|_| AreaError::Unreadable {
            file: source.name().to_string(),
            why: "more than 255 look-up files in one index".into(),
        })?;
        b.load(source, src, formats)?;
    }
    b.finish()
}

/// A cell's text by field, "" where the file has no such column.
fn cell<'c>(h: &Header, cells: &'c [Cow<'_, str>], field: &str) -> &'c str {
    h.columns
        .get(field)
        .and_then(|c| cells.get(c))
        .map_or("", |c| c.as_ref())
}

/// A row's postcode as a key, or the row rejected with the reason.
fn row_key(h: &Header, row: usize, cells: &[Cow<'_, str>], report: &mut LoadReport) -> Option<u64> {
    let pc = cell(h, cells, "postcode");
    let key = key_of_cell(pc);
    if key.is_none() {
        let why = if pc.is_empty() {
            "blank".to_string()
        } else {
            format!("{pc:?} is not a postcode")
        };
        report.reject(row, "postcode", why);
    }
    key
}

/// A whole number as the publishers write them (`29,199`, `4691`, `12.0`).
fn number(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| *c != ',' && *c != ' ').collect();
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn whole(text: &str) -> Option<u32> {
    number(text)
        .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= f64::from(u32::MAX))
        .map(|v| v as u32)
}

/// A release named in a file name (`..._MAY22_...` → `May 2022`, `ONSPD_FEB_2023` →
/// `February 2023`).
fn release_in(name: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let upper = name.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    for (m, month) in MONTHS.iter().enumerate() {
        let abbr = month[..3].to_ascii_uppercase();
        for (at, _) in upper.match_indices(&abbr) {
            if at > 0 && bytes[at - 1].is_ascii_alphabetic() {
                continue;
            }
            let mut i = at + 3;
            if matches!(bytes.get(i), Some(b'_' | b'-' | b' ')) {
                i += 1;
            }
            let digits = bytes[i.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let year = &upper[i..i + digits];
            let year = match digits {
                2 => format!("20{year}"),
                4 => year.to_string(),
                _ => continue,
            };
            return Some(format!("{} {year}", MONTHS[m]));
        }
    }
    None
}

fn is_pseudo(code: &str) -> bool {
    code.len() == 9 && code.as_bytes()[1..].iter().all(|b| *b == b'9')
}

/// A quintile cell: blank = none (0), 1–5, else `None` (the row is rejected).
fn quintile(text: &str) -> Option<u8> {
    match text.trim() {
        "" => Some(0),
        t => whole(t).filter(|q| (1..=5).contains(q)).map(|q| q as u8),
    }
}

/// A yes/no cell: 0 = not given, 1 = no, 2 = yes, else `None`.
fn flag(text: &str) -> Option<u8> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" => Some(0),
        "n" | "no" | "0" | "false" => Some(1),
        "y" | "yes" | "1" | "true" => Some(2),
        _ => None,
    }
}

impl Builder {
    fn intern(&mut self, text: &str) -> u32 {
        let t = text.trim();
        if t.is_empty() {
            return NONE;
        }
        if let Some(id) = self.string_ids.get(t) {
            return *id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(t.to_string());
        self.string_ids.insert(t.to_string(), id);
        id
    }

    fn describe(kind: &str, name: &str) -> String {
        let base = match kind {
            "postcodes" => "ONS postcode look-up".to_string(),
            "ofs" => "OfS postcode look-up".to_string(),
            index => DeprivationIndex::get(index).map_or_else(
                || index.to_string(),
                |d| format!("{} ranks ({})", d.name, d.publisher),
            ),
        };
        match (kind, release_in(name)) {
            ("postcodes" | "ofs", Some(r)) => format!("{base}, {r}"),
            _ => base,
        }
    }

    fn load(
        &mut self,
        source: &AreaSource,
        src: u8,
        formats: &FileFormats,
    ) -> Result<(), AreaError> {
        let mut report = LoadReport {
            file: source.name().to_string(),
            kind: String::new(),
            description: String::new(),
            rows_read: 0,
            rows_loaded: 0,
            rows_rejected: 0,
            rejected: Vec::new(),
            deciles_checked: 0,
            deciles_differing: 0,
        };
        let mut rank_rows: Vec<RankRow> = Vec::new();
        self.last_geo = None;
        let (header, read) = {
            let mut on_row =
                |h: &Header, row: usize, cells: &[Cow<'_, str>]| -> Result<(), AreaError> {
                    match h.kind.as_str() {
                        "postcodes" => self.postcode_row(h, row, cells, src, &mut report),
                        "ofs" => self.ofs_row(h, row, cells, src, &mut report),
                        _ => rank_row(h, row, cells, &mut rank_rows, &mut report),
                    }
                    Ok(())
                };
            read_source(source, formats, &mut on_row)?
        };
        report.file = header.name.clone();
        report.kind = header.kind.clone();
        report.description = Builder::describe(&header.kind, &header.name);
        report.rows_read = read;
        if read == 0 {
            return Err(AreaError::NoRows { file: header.name });
        }
        if let Some(index) = DeprivationIndex::get(&header.kind) {
            self.load_ranks(index, &header, rank_rows, src, &mut report)?;
        }
        self.sources.push(SourceInfo {
            name: header.name,
            kind: header.kind,
            description: report.description.clone(),
        });
        self.reports.push(report);
        Ok(())
    }

    fn postcode_row(
        &mut self,
        h: &Header,
        row: usize,
        cells: &[Cow<'_, str>],
        src: u8,
        report: &mut LoadReport,
    ) {
        let Some(key) = row_key(h, row, cells, report) else {
            return;
        };
        let term = match cell(h, cells, "terminated") {
            "" => 0,
            t => match YearMonth::parse_code(t) {
                Some(c) => c,
                None => {
                    report.reject(row, "doterm", format!("{t:?} is not a month (yyyymm)"));
                    return;
                }
            },
        };
        let imd = cell(h, cells, "imd_rank");
        let imd_rank = match imd {
            "" => 0,
            t => match whole(t) {
                Some(r) => r,
                None => {
                    report.reject(row, "imd", format!("{t:?} is not a rank"));
                    return;
                }
            },
        };
        let mut raw: Vec<&str> = GEO_FIELDS.iter().map(|f| cell(h, cells, f)).collect();
        raw.push(cell(h, cells, "country"));
        raw.push(imd);
        let geo_id = match &self.last_geo {
            Some((last, id)) if last.iter().map(String::as_str).eq(raw.iter().copied()) => *id,
            _ => {
                let id = self.new_geo(h, cells, &raw, imd_rank, src);
                self.last_geo = Some((raw.iter().map(|s| s.to_string()).collect(), id));
                id
            }
        };
        self.postcodes.push((
            key,
            (geo_id, term),
            src,
            u32::try_from(row).unwrap_or(u32::MAX),
        ));
    }

    fn new_geo(
        &mut self,
        h: &Header,
        cells: &[Cow<'_, str>],
        raw: &[&str],
        imd_rank: u32,
        src: u8,
    ) -> u32 {
        let mut codes = [NONE; 7];
        for (k, code) in raw.iter().take(7).enumerate() {
            if !is_pseudo(code) {
                codes[k] = self.intern(code);
            }
        }
        let country = match country_of(raw[7]) {
            0 => raw
                .iter()
                .take(7)
                .map(|c| country_of(c))
                .find(|c| *c > 0)
                .unwrap_or(0),
            c => c,
        };
        let imd_header = h
            .columns
            .get("imd_rank")
            .and_then(|c| h.headers.get(c))
            .map(|t| header_key(t))
            .unwrap_or_default();
        let imd_index = match (country, imd_header.as_str()) {
            (1, "imd25ind") => "imd2025",
            (1, _) => "imd2019",
            (2, _) => "wimd2019",
            (3, _) => "simd2020v2",
            _ => "nimdm2017",
        };
        let geo = Geo {
            codes,
            country,
            imd_rank,
            imd_index: DeprivationIndex::position(imd_index).unwrap_or(u8::MAX),
            source: src,
        };
        for (field, code) in [
            ("lsoa11_name", codes[1]),
            ("lsoa21_name", codes[4]),
            ("lad_name", codes[6]),
        ] {
            let name = cell(h, cells, field);
            if code != NONE && !name.is_empty() && !self.names.contains_key(&code) {
                let name = self.intern(name);
                self.names.insert(code, name);
            }
        }
        if let Some(id) = self.geo_ids.get(&geo) {
            return *id;
        }
        let id = self.geos.len() as u32;
        self.geos.push(geo);
        self.geo_ids.insert(geo, id);
        id
    }

    fn ofs_row(
        &mut self,
        h: &Header,
        row: usize,
        cells: &[Cow<'_, str>],
        src: u8,
        report: &mut LoadReport,
    ) {
        let Some(key) = row_key(h, row, cells, report) else {
            return;
        };
        const Q: [&str; QUINTILES] = [
            "polar4",
            "polar3",
            "tundra_msoa",
            "tundra_lsoa",
            "adult_he",
            "gaps_gcse",
            "gaps_gcse_ethnicity",
        ];
        let mut quintiles = [0u8; QUINTILES];
        for (k, field) in Q.iter().enumerate() {
            let t = cell(h, cells, field);
            match quintile(t) {
                Some(q) => quintiles[k] = q,
                None => {
                    report.reject(
                        row,
                        field,
                        format!("{t:?} is not a quintile (1-5 or blank)"),
                    );
                    return;
                }
            }
        }
        let target = cell(h, cells, "uni_connect");
        let Some(target_ward) = flag(target) else {
            report.reject(
                row,
                "uni_connect_target_ward",
                format!("{target:?} is not yes or no"),
            );
            return;
        };
        const R: [&str; REASONS] = [
            "reason_polar",
            "reason_tundra_msoa",
            "reason_tundra_lsoa",
            "reason_adult_he",
            "reason_gaps",
        ];
        let mut reasons = [NONE; REASONS];
        for (k, field) in R.iter().enumerate() {
            reasons[k] = self.intern(cell(h, cells, field));
        }
        let mut texts = [NONE; 5];
        for (k, field) in ["status", "msoa", "lsoa", "cas_ward", "country"]
            .iter()
            .enumerate()
        {
            texts[k] = self.intern(cell(h, cells, field));
        }
        let ofs = Ofs {
            quintiles,
            reasons,
            target_ward,
            texts,
            source: src,
        };
        let id = match self.ofs_ids.get(&ofs) {
            Some(id) => *id,
            None => {
                let id = self.ofs_rows.len() as u32;
                self.ofs_rows.push(ofs);
                self.ofs_ids.insert(ofs, id);
                id
            }
        };
        self.ofs_entries
            .push((key, id, src, u32::try_from(row).unwrap_or(u32::MAX)));
    }

    /// The first row of each postcode (in file, then row order): a later row of the same file
    /// with other values is a conflict; one of a later file is rejected in that file's report.
    fn first_of_each<V: Copy + PartialEq>(
        &mut self,
        rows: &mut [(u64, V, u8, u32)],
        what: &str,
    ) -> Result<Vec<(u64, V)>, AreaError> {
        rows.sort_unstable_by_key(|&(key, _, src, row)| (key, src, row));
        let mut out = Vec::with_capacity(rows.len());
        let mut first: Option<(u64, V, u8, u32)> = None;
        for &(key, v, src, row) in rows.iter() {
            match first {
                Some((k, v0, s0, r0)) if k == key => {
                    if v0 == v {
                        continue;
                    }
                    if s0 == src {
                        return Err(AreaError::ConflictingPostcode {
                            file: self.sources[src as usize].name.clone(),
                            postcode: unpack(key),
                            first_row: r0 as usize,
                            row: row as usize,
                        });
                    }
                    let earlier = self.sources[s0 as usize].name.clone();
                    self.reports[src as usize].reject(
                        row as usize,
                        "postcode",
                        format!(
                            "{} has other {what} in {earlier}, which is used",
                            unpack(key)
                        ),
                    );
                }
                _ => {
                    first = Some((key, v, src, row));
                    out.push((key, v));
                }
            }
        }
        Ok(out)
    }

    fn finish(mut self) -> Result<(AreaIndex, Vec<LoadReport>), AreaError> {
        let mut postcodes = std::mem::take(&mut self.postcodes);
        let firsts = self.first_of_each(&mut postcodes, "areas")?;
        drop(postcodes);
        let keys: Vec<u64> = firsts.iter().map(|(k, _)| *k).collect();
        let geo: Vec<u32> = firsts.iter().map(|(_, (g, _))| *g).collect();
        let terminated: Vec<u16> = firsts.iter().map(|(_, (_, t))| *t).collect();
        drop(firsts);
        let mut ofs_entries = std::mem::take(&mut self.ofs_entries);
        let ofs_keys = self.first_of_each(&mut ofs_entries, "measures")?;
        drop(ofs_entries);
        // Merge the OfS postcodes into the postcode list (a postcode may be in either).
        let mut all_keys = Vec::with_capacity(keys.len().max(ofs_keys.len()));
        let mut all_geo = Vec::with_capacity(all_keys.capacity());
        let mut all_term = Vec::with_capacity(all_keys.capacity());
        let mut all_ofs = Vec::with_capacity(if ofs_keys.is_empty() {
            0
        } else {
            all_keys.capacity()
        });
        let (mut i, mut j) = (0, 0);
        while i < keys.len() || j < ofs_keys.len() {
            let a = keys.get(i).copied();
            let b = ofs_keys.get(j).map(|(k, _)| *k);
            let key = match (a, b) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => break,
            };
            all_keys.push(key);
            if a == Some(key) {
                all_geo.push(geo[i]);
                all_term.push(terminated[i]);
                i += 1;
            } else {
                all_geo.push(NONE);
                all_term.push(0);
            }
            if !ofs_keys.is_empty() {
                if b == Some(key) {
                    all_ofs.push(ofs_keys[j].1);
                    j += 1;
                } else {
                    all_ofs.push(NONE);
                }
            }
        }
        for r in &mut self.reports {
            r.rows_loaded = r.rows_read.saturating_sub(r.rows_rejected);
        }
        let mut ranks: Vec<(u32, u8, Ranked)> = self
            .ranks
            .into_iter()
            .map(|((c, i), (r, _))| (c, i, r))
            .collect();
        ranks.sort_unstable_by_key(|(c, i, _)| (*c, *i));
        let mut names: Vec<(u32, u32)> = self.names.into_iter().collect();
        names.sort_unstable();
        let mut index = AreaIndex {
            strings: super::Texts::from_strings(&self.strings),
            keys: all_keys,
            entries: (0..all_geo.len())
                .map(|i| super::Entry {
                    geo: all_geo[i],
                    ofs: all_ofs.get(i).copied().unwrap_or(NONE),
                    terminated: all_term[i],
                })
                .collect(),
            geos: self.geos,
            ofs_rows: self.ofs_rows,
            ranks,
            names,
            sources: self.sources,
            ..AreaIndex::default()
        };
        index.resolve();
        Ok((index, self.reports))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_in_file_names() {
        assert_eq!(
            release_in("PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv").as_deref(),
            Some("May 2022")
        );
        assert_eq!(
            release_in("ONSPD_FEB_2023_UK.csv").as_deref(),
            Some("February 2023")
        );
        assert_eq!(
            release_in("NSPL21_AUG_2024_UK.zip").as_deref(),
            Some("August 2024")
        );
        assert_eq!(release_in("lookup.csv"), None);
        // "DEC" inside a word is not a month.
        assert_eq!(release_in("DECILES.csv"), None);
    }

    #[test]
    fn cells_read_as_the_publishers_write_them() {
        assert_eq!(whole("29,199"), Some(29199));
        assert_eq!(whole("4563.5"), None);
        assert_eq!(quintile(""), Some(0));
        assert_eq!(quintile("3"), Some(3));
        assert_eq!(quintile("6"), None);
        assert_eq!(flag("Y"), Some(2));
        assert_eq!(flag("maybe"), None);
        assert!(is_pseudo("L99999999"));
        assert!(!is_pseudo("E01000001"));
    }
}
