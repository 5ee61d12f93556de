//! A deprivation ranks file (IoD File 1 or 7, WIMD, SIMD, NIMDM): its rows collected, then
//! checked as a whole (every area of the nation ranked once, ranks in range) and added.

use std::borrow::Cow;

use super::{cell, number, whole, Builder};
use crate::areas::read::Header;
use crate::areas::{AreaError, DeprivationIndex, LoadReport, Ranked};

/// One ranks-file row before the file is checked as a whole.
pub(super) struct RankRow {
    area: String,
    value: f64,
    decile: Option<u8>,
    idaci_rank: Option<u32>,
    idaci_decile: Option<u8>,
    row: usize,
}

impl Builder {
    /// Checks one ranks file as a whole (every area of the nation ranked once, ranks in range)
    /// and adds its ranks.
    pub(super) fn load_ranks(
        &mut self,
        index: &DeprivationIndex,
        header: &Header,
        mut rows: Vec<RankRow>,
        src: u8,
        report: &mut LoadReport,
    ) -> Result<(), AreaError> {
        let pos = DeprivationIndex::position(&index.id).unwrap_or(u8::MAX);
        // A file of scores (WIMD's derived copies): rank them, highest score first, ties
        // sharing the better rank.
        if rows.iter().any(|r| r.value.fract() != 0.0) {
            report.description = format!(
                "{} (ranked from scores, highest = most deprived)",
                report.description
            );
            let mut order: Vec<usize> = (0..rows.len()).collect();
            order.sort_by(|a, b| rows[*b].value.total_cmp(&rows[*a].value));
            let mut rank = 0.0;
            let mut last = f64::NAN;
            for (i, at) in order.iter().enumerate() {
                if rows[*at].value != last {
                    rank = (i + 1) as f64;
                    last = rows[*at].value;
                }
                rows[*at].value = rank;
            }
        }
        rows.sort_by(|a, b| a.area.cmp(&b.area).then(a.row.cmp(&b.row)));
        let mut kept: Vec<RankRow> = Vec::with_capacity(rows.len());
        for r in rows {
            let rank = r.value as u32;
            if rank < 1 || rank > index.areas {
                report.reject(
                    r.row,
                    "rank",
                    format!("rank {rank} is outside 1-{}", index.areas),
                );
                continue;
            }
            if let Some(first) = kept.last().filter(|k| k.area == r.area) {
                if first.value != r.value {
                    return Err(AreaError::ConflictingArea {
                        file: header.name.clone(),
                        area: r.area,
                        first_row: first.row,
                        row: r.row,
                    });
                }
                continue;
            }
            kept.push(r);
        }
        if kept.len() != index.areas as usize {
            return Err(AreaError::RankCount {
                file: header.name.clone(),
                index: index.name.clone(),
                unit: index.area_unit.clone(),
                nation: index.nation.clone(),
                found: kept.len(),
                expected: index.areas,
            });
        }
        for r in kept {
            let rank = r.value as u32;
            let computed = index.decile(rank);
            let decile = match r.decile {
                Some(d) => {
                    report.deciles_checked += 1;
                    if d != computed {
                        report.deciles_differing += 1;
                    }
                    d
                }
                None => computed,
            };
            let idaci_decile = r
                .idaci_decile
                .or_else(|| r.idaci_rank.map(|k| index.decile(k)))
                .unwrap_or(0);
            let code = self.intern(&r.area);
            let ranked = Ranked {
                rank,
                decile,
                idaci_decile,
                source: src,
            };
            match self.ranks.get_mut(&(code, pos)) {
                Some((old, first_row)) => {
                    if old.rank != rank {
                        return Err(AreaError::ConflictingArea {
                            file: header.name.clone(),
                            area: r.area,
                            first_row: *first_row,
                            row: r.row,
                        });
                    }
                    if old.idaci_decile == 0 {
                        old.idaci_decile = idaci_decile;
                    }
                }
                None => {
                    self.ranks.insert((code, pos), (ranked, r.row));
                }
            }
        }
        Ok(())
    }
}

/// Collects one ranks-file row (checked with the whole file later).
pub(super) fn rank_row(
    h: &Header,
    row: usize,
    cells: &[Cow<'_, str>],
    rows: &mut Vec<RankRow>,
    report: &mut LoadReport,
) {
    let area = cell(h, cells, "area");
    if area.is_empty() {
        report.reject(row, "area", "blank".into());
        return;
    }
    let rank = cell(h, cells, "rank");
    let Some(value) = number(rank) else {
        report.reject(row, "rank", format!("{rank:?} is not a rank"));
        return;
    };
    let optional = |field: &str, max: u32| -> Result<Option<u32>, String> {
        match cell(h, cells, field) {
            "" => Ok(None),
            t => whole(t)
                .filter(|v| (1..=max).contains(v))
                .map(Some)
                .ok_or_else(|| format!("{t:?} is not a {}", field.replace('_', " "))),
        }
    };
    let parsed = (|| {
        Ok::<_, (String, String)>((
            optional("decile", 10).map_err(|e| ("decile".to_string(), e))?,
            optional("idaci_rank", u32::MAX).map_err(|e| ("idaci_rank".to_string(), e))?,
            optional("idaci_decile", 10).map_err(|e| ("idaci_decile".to_string(), e))?,
        ))
    })();
    match parsed {
        Ok((decile, idaci_rank, idaci_decile)) => rows.push(RankRow {
            area: area.to_string(),
            value,
            decile: decile.map(|d| d as u8),
            idaci_rank,
            idaci_decile: idaci_decile.map(|d| d as u8),
            row,
        }),
        Err((field, why)) => report.reject(row, &field, why),
    }
}
