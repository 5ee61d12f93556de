//! Saving and loading an [`AreaIndex`]: one compact binary file (postcodes as sorted,
//! delta-coded keys; areas, names and measures as tables of ids), checked on load.

use std::path::Path;

use super::{AreaError, AreaIndex, Geo, Ofs, Ranked, SourceInfo, NONE, QUINTILES, REASONS};

const MAGIC: &[u8; 8] = b"HEATAREA";
const VERSION: u32 = 1;

/// FNV-1a over the body, to tell a damaged file from a good one.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h ^= u64::from_le_bytes(word);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn text(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

type Read<T> = Result<T, String>;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| "the file ends early".to_string())?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self) -> Read<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Read<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Read<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// A count, refused when the rest of the file cannot hold that many items of `size`.
    fn count(&mut self, size: usize) -> Read<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(size) > self.bytes.len() - self.at {
            return Err("a table is longer than the file".into());
        }
        Ok(n)
    }
    fn varint(&mut self) -> Read<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err("a bad number".into())
    }
    fn text(&mut self) -> Read<String> {
        let n = self.count(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| "text that is not UTF-8".into())
    }
}

impl AreaIndex {
    /// Saves the index to one file (about 20 bytes a postcode).
    ///
    /// ```
    /// use heat_core::areas::{AreaIndex, AreaSource};
    /// let (i, _) = AreaIndex::build(&[AreaSource::bytes("l.csv", b"pcds,doterm,lsoa11cd,ladcd\nLS1 4AP,,E01033010,E08000035\n".to_vec())]).unwrap();
    /// let path = std::env::temp_dir().join("heatkit-doc-areas.idx");
    /// i.save(&path).unwrap();
    /// let back = AreaIndex::load(&path).unwrap();
    /// assert_eq!(back.lookup("LS1 4AP"), i.lookup("LS1 4AP"));
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), AreaError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_bytes()).map_err(|e| AreaError::Unreadable {
            file: path.display().to_string(),
            why: e.to_string(),
        })
    }

    /// Loads an index saved by [`AreaIndex::save`]; a damaged or foreign file is an error.
    ///
    /// ```
    /// use heat_core::{areas::AreaIndex, HeatError};
    /// let path = std::env::temp_dir().join("heatkit-doc-not-an-index.idx");
    /// std::fs::write(&path, b"hello").unwrap();
    /// assert_eq!(AreaIndex::load(&path).unwrap_err().code(), "bad_index_file");
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<AreaIndex, AreaError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| AreaError::Unreadable {
            file: path.display().to_string(),
            why: e.to_string(),
        })?;
        AreaIndex::from_bytes(&bytes).map_err(|why| AreaError::BadIndexFile {
            file: path.display().to_string(),
            why,
        })
    }

    /// An index saved with [`AreaIndex::save`], from its bytes (read from a database, say, or
    /// an upload); [`AreaIndex::load`] reads one from a file.
    ///
    /// ```
    /// use heat_core::{areas::AreaIndex, HeatError};
    /// assert_eq!(AreaIndex::from_saved_bytes(b"hello").unwrap_err().code(), "bad_index_file");
    /// ```
    pub fn from_saved_bytes(bytes: &[u8]) -> Result<AreaIndex, AreaError> {
        AreaIndex::from_bytes(bytes).map_err(|why| AreaError::BadIndexFile {
            file: "(bytes)".to_string(),
            why,
        })
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(self.keys.len() * 12 + (1 << 20)));
        w.0.extend_from_slice(MAGIC);
        w.u32(VERSION);
        w.len(self.strings.len());
        for s in self.strings.iter() {
            w.text(s);
        }
        w.len(self.sources.len());
        for s in &self.sources {
            w.text(&s.name);
            w.text(&s.kind);
            w.text(&s.description);
        }
        w.len(self.keys.len());
        let mut last = 0u64;
        for &k in &self.keys {
            w.varint(k - last);
            last = k;
        }
        for e in &self.entries {
            w.u32(e.geo);
        }
        for e in &self.entries {
            w.u16(e.terminated);
        }
        let with_ofs = self.entries.iter().any(|e| e.ofs != NONE);
        w.len(if with_ofs { self.entries.len() } else { 0 });
        for e in self.entries.iter().filter(|_| with_ofs) {
            w.u32(e.ofs);
        }
        w.len(self.geos.len());
        for g in &self.geos {
            for c in g.codes {
                w.u32(c);
            }
            w.u8(g.country);
            w.u32(g.imd_rank);
            w.u8(g.imd_index);
            w.u8(g.source);
        }
        w.len(self.ofs_rows.len());
        for o in &self.ofs_rows {
            for q in o.quintiles {
                w.u8(q);
            }
            for r in o.reasons {
                w.u32(r);
            }
            w.u8(o.target_ward);
            for t in o.texts {
                w.u32(t);
            }
            w.u8(o.source);
        }
        w.len(self.ranks.len());
        for (code, index, r) in &self.ranks {
            w.u32(*code);
            w.u8(*index);
            w.u32(r.rank);
            w.u8(r.decile);
            w.u8(r.idaci_decile);
            w.u8(r.source);
        }
        w.len(self.names.len());
        for (code, name) in &self.names {
            w.u32(*code);
            w.u32(*name);
        }
        let sum = checksum(&w.0[MAGIC.len()..]);
        w.0.extend_from_slice(&sum.to_le_bytes());
        w.0
    }

    fn from_bytes(bytes: &[u8]) -> Result<AreaIndex, String> {
        if bytes.len() < MAGIC.len() + 12 || &bytes[..MAGIC.len()] != MAGIC {
            return Err("it does not start as an index does".into());
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let mut word = [0u8; 8];
        word.copy_from_slice(sum);
        if checksum(&body[MAGIC.len()..]) != u64::from_le_bytes(word) {
            return Err("its checksum does not match: the file is damaged or cut short".into());
        }
        let mut r = Reader {
            bytes: body,
            at: MAGIC.len(),
        };
        let version = r.u32()?;
        if version != VERSION {
            return Err(format!(
                "saved by another heatkit version (format {version}, this one reads {VERSION})"
            ));
        }
        let n = r.count(4)?;
        let mut strings = super::Texts::default();
        for _ in 0..n {
            let t = r.text()?;
            strings.push(&t);
        }
        let n = r.count(12)?;
        let sources = (0..n)
            .map(|_| {
                Ok(SourceInfo {
                    name: r.text()?,
                    kind: r.text()?,
                    description: r.text()?,
                })
            })
            .collect::<Read<Vec<SourceInfo>>>()?;
        let keys = read_keys(&mut r)?;
        let n = keys.len();
        let geo = (0..n).map(|_| r.u32()).collect::<Read<Vec<u32>>>()?;
        let terminated = (0..n).map(|_| r.u16()).collect::<Read<Vec<u16>>>()?;
        let m = r.count(4)?;
        if m != 0 && m != n {
            return Err("the OfS table does not match the postcodes".into());
        }
        let ofs = (0..m).map(|_| r.u32()).collect::<Read<Vec<u32>>>()?;
        let geos = read_geos(&mut r)?;
        let ofs_rows = read_ofs_rows(&mut r)?;
        let ranks = read_ranks(&mut r)?;
        let n = r.count(8)?;
        let names = (0..n)
            .map(|_| Ok((r.u32()?, r.u32()?)))
            .collect::<Read<Vec<(u32, u32)>>>()?;
        if r.at != body.len() {
            return Err("data after the end of the index".into());
        }
        if !ranks
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
            || !names.windows(2).all(|w| w[0].0 < w[1].0)
        {
            return Err("tables out of order".into());
        }
        let mut index = AreaIndex {
            strings,
            keys,
            entries: (0..geo.len())
                .map(|i| super::Entry {
                    geo: geo[i],
                    ofs: ofs.get(i).copied().unwrap_or(NONE),
                    terminated: terminated[i],
                })
                .collect(),
            geos,
            ofs_rows,
            ranks,
            names,
            sources,
            ..AreaIndex::default()
        };
        index.resolve();
        Ok(index)
    }
}

/// The postcodes' keys: ascending, each stored as the difference from the one before.
fn read_keys(r: &mut Reader<'_>) -> Read<Vec<u64>> {
    let n = r.count(7)?;
    let mut keys = Vec::with_capacity(n);
    let mut last = 0u64;
    for i in 0..n {
        let delta = r.varint()?;
        if i > 0 && delta == 0 {
            return Err("postcodes out of order".into());
        }
        last = last.checked_add(delta).ok_or("a bad postcode key")?;
        keys.push(last);
    }
    Ok(keys)
}

/// The geography rows: seven area codes, the country, the deprivation rank and index, the source.
fn read_geos(r: &mut Reader<'_>) -> Read<Vec<Geo>> {
    let n = r.count(35)?;
    let mut geos = Vec::with_capacity(n);
    for _ in 0..n {
        let mut codes = [NONE; 7];
        for c in &mut codes {
            *c = r.u32()?;
        }
        geos.push(Geo {
            codes,
            country: r.u8()?,
            imd_rank: r.u32()?,
            imd_index: r.u8()?,
            source: r.u8()?,
        });
    }
    Ok(geos)
}

/// The OfS rows: quintiles, reasons removed, the target-ward flag, texts and the source.
fn read_ofs_rows(r: &mut Reader<'_>) -> Read<Vec<Ofs>> {
    let n = r.count(QUINTILES + 4 * REASONS + 1 + 20 + 1)?;
    let mut ofs_rows = Vec::with_capacity(n);
    for _ in 0..n {
        let mut quintiles = [0u8; QUINTILES];
        for q in &mut quintiles {
            *q = r.u8()?;
        }
        let mut reasons = [NONE; REASONS];
        for x in &mut reasons {
            *x = r.u32()?;
        }
        let target_ward = r.u8()?;
        let mut texts = [NONE; 5];
        for t in &mut texts {
            *t = r.u32()?;
        }
        ofs_rows.push(Ofs {
            quintiles,
            reasons,
            target_ward,
            texts,
            source: r.u8()?,
        });
    }
    Ok(ofs_rows)
}

/// The deprivation ranks by (area code, index).
fn read_ranks(r: &mut Reader<'_>) -> Read<Vec<(u32, u8, Ranked)>> {
    let n = r.count(12)?;
    let mut ranks = Vec::with_capacity(n);
    for _ in 0..n {
        let code = r.u32()?;
        let index = r.u8()?;
        ranks.push((
            code,
            index,
            Ranked {
                rank: r.u32()?,
                decile: r.u8()?,
                idaci_decile: r.u8()?,
                source: r.u8()?,
            },
        ));
    }
    Ok(ranks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::AreaSource;

    #[test]
    fn a_damaged_index_is_refused_not_misread() {
        let (i, _) = AreaIndex::build(&[AreaSource::bytes(
            "l.csv",
            b"pcds,lsoa11cd\nLS1 4AP,E01033010\nLS2 7HY,E01033011\n".to_vec(),
        )])
        .unwrap();
        let bytes = i.to_bytes();
        assert!(AreaIndex::from_bytes(&bytes).is_ok());
        for cut in [9, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                AreaIndex::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut flipped = bytes.clone();
        flipped[30] ^= 0x40;
        assert!(AreaIndex::from_bytes(&flipped)
            .unwrap_err()
            .contains("checksum"));
    }
}
