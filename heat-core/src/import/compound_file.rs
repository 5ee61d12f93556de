//! The `Workbook` stream of an `.xls` file (an OLE compound file), read as the `.xls` reader
//! (calamine 0.38) reads it, so that [`super::xls_span`] checks the very records the reader will
//! fill its sheets from. Where the reader would fail on the structure, `Fails` is returned and
//! the reader is left to say so; where it would loop for ever, or read bytes the structure does
//! not place, the file is refused here.

use super::ImportFileError;

/// What reading the workbook stream comes to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    /// The bytes the reader parses.
    Read(Vec<u8>),
    /// The reader fails on the structure before it reads any record (an error, or a panic it
    /// is guarded against).
    Fails,
}

/// Sector numbers at or above this are not sectors.
const RESERVED: u32 = 0xFFFF_FFFA;
/// Marks a sector of the allocation table's own list (skipped when the table is gathered).
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Ends a chain.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams shorter than this live in the mini stream (the reader's fixed cutoff).
const MINI_CUTOFF: usize = 4096;
/// The mini stream's sector size (the reader's fixed size).
const MINI_SECTOR: usize = 64;

/// A chain of sectors that comes back on itself: the reader would follow it for ever.
fn looping_chain() -> ImportFileError {
    ImportFileError::BadWorkbook(
        "a chain of sectors in the .xls file loops back on itself (a damaged or hostile file)"
            .into(),
    )
}

/// A small stream placed past the end of the mini stream, where the reader would take
/// whatever bytes of the file it happens to be at.
fn outside_mini_stream() -> ImportFileError {
    ImportFileError::BadWorkbook(
        "a stream of the .xls file lies outside its mini stream (a damaged or hostile file)".into(),
    )
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Little-endian words; `None` where the bytes are not whole words (the reader asserts they
/// are).
fn words(b: &[u8]) -> Option<Vec<u32>> {
    b.len().is_multiple_of(4).then(|| {
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    })
}

/// The file's sectors as the reader holds them: read forward from the end of the header, and
/// padded with zeros past the end of the file once a read has reached it.
struct Sectors<'a> {
    body: &'a [u8],
    size: usize,
    most: u32,
    held: usize,
}

impl Sectors<'_> {
    /// Sector `id`, or `None` where the reader fails.
    fn get(&mut self, id: u32) -> Option<Vec<u8>> {
        if id > self.most {
            return None;
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        let stop = if end > self.held {
            let before = self.held;
            self.held = end;
            // The reader reads on from where it was held; past the file's end it stops short.
            if self.body.len() < end {
                before.max(self.body.len())
            } else {
                end
            }
        } else {
            end
        };
        if start > stop {
            return None;
        }
        Some(
            (start..stop)
                .map(|i| self.body.get(i).copied().unwrap_or(0))
                .collect(),
        )
    }

    /// The chain from `start`, up to `len` bytes. Err where it would not end.
    fn chain(
        &mut self,
        start: u32,
        table: &[u32],
        len: usize,
    ) -> Result<Option<Vec<u8>>, ImportFileError> {
        follow(start, table, len, |id| Ok(self.get(id)))
    }
}

/// One directory entry: its name (to its first NUL), first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The workbook stream (`Workbook`, else `Book`, named in any case) as the reader reads it.
pub(crate) fn workbook_stream(bytes: &[u8]) -> Result<Stream, ImportFileError> {
    Ok(read(bytes)?.map_or(Stream::Fails, Stream::Read))
}

fn read(bytes: &[u8]) -> Result<Option<Vec<u8>>, ImportFileError> {
    let (Some(header), Some(shift), Some(version)) =
        (bytes.get(..512), u16_at(bytes, 30), u16_at(bytes, 26))
    else {
        return Ok(None);
    };
    let (size, large) = match shift {
        9 => (512, false),
        12 => (4096, true),
        _ => return Ok(None),
    };
    if u16_at(header, 32) != Some(6) || bytes.len() < size {
        return Ok(None);
    }
    let field = |at: usize| u32_at(header, at).unwrap_or(0);
    let (dir_start, mini_fat_start) = (field(48), field(60));
    let (mini_fat_len, mut difat_at) = (field(64) as usize, field(68));
    let mut sectors = Sectors {
        body: &bytes[size..],
        size,
        most: u32::try_from(bytes.len() / size).unwrap_or(u32::MAX),
        held: 0,
    };
    // The allocation table's own sectors: 109 in the header, then a chain of DIFAT sectors
    // (each one's last word names the next).
    let Some(mut difat) = words(&header[76..512]) else {
        return Ok(None);
    };
    let mut turns = 0usize;
    while difat_at < RESERVED {
        turns += 1;
        if turns > sectors.most as usize + 1 {
            return Ok(None);
        }
        let Some(more) = sectors.get(difat_at).and_then(|s| words(&s)) else {
            return Ok(None);
        };
        difat.extend(more);
        let Some(next) = difat.pop() else {
            return Ok(None);
        };
        difat_at = next;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        let Some(more) = sectors.get(id).and_then(|s| words(&s)) else {
            return Ok(None);
        };
        fat.extend(more);
    }
    let Some(directory) = sectors.chain(dir_start, &fat, usize::MAX)? else {
        return Ok(None);
    };
    let entries: Vec<Entry> = directory
        .chunks_exact(128)
        .map(|e| Entry {
            name: name_of(&e[..64]),
            start: u32_at(e, 116).unwrap_or(0),
            len: if large {
                e[120..128]
                    .try_into()
                    .map(u64::from_le_bytes)
                    .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX))
            } else {
                u32_at(e, 120).unwrap_or(0) as usize
            },
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    if version != 3 && root.start == END_OF_CHAIN {
        return Ok(None);
    }
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let Some(mini_stream) = sectors.chain(root.start, &fat, root.len)? else {
            return Ok(None);
        };
        let want = mini_fat_len.saturating_mul(size);
        let Some(table) = sectors.chain(mini_fat_start, &fat, want)? else {
            return Ok(None);
        };
        let Some(table) = words(&table) else {
            return Ok(None);
        };
        (table, mini_stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut mini = MiniSectors {
        stream: &mini_stream,
        // As the reader computes it (its product is cut to 32 bits).
        most: (sectors.most as usize).wrapping_mul(8) as u32,
    };
    for name in ["Workbook", "Book"] {
        let Some(entry) = entries.iter().find(|e| e.name.eq_ignore_ascii_case(name)) else {
            continue;
        };
        let read = if entry.len < MINI_CUTOFF {
            mini.chain(entry.start, &mini_fat, entry.len)?
        } else {
            sectors.chain(entry.start, &fat, entry.len)?
        };
        if read.is_some() {
            return Ok(read);
        }
    }
    Ok(None)
}

/// The mini stream's sectors.
struct MiniSectors<'a> {
    stream: &'a [u8],
    most: u32,
}

impl MiniSectors<'_> {
    /// The chain from `start`, up to `len` bytes. Err where it would not end, or where a sector
    /// lies past the mini stream's end.
    fn chain(
        &mut self,
        start: u32,
        table: &[u32],
        len: usize,
    ) -> Result<Option<Vec<u8>>, ImportFileError> {
        follow(start, table, len, |id| {
            if id > self.most {
                return Ok(None);
            }
            let at = id as usize * MINI_SECTOR;
            match self.stream.get(at..at + MINI_SECTOR) {
                Some(sector) => Ok(Some(sector.to_vec())),
                None => Err(outside_mini_stream()),
            }
        })
    }
}

/// A chain of sectors from `start`, each next one named by `table`, up to `len` bytes, as the
/// reader follows it. `Ok(None)` where the reader fails (a sector it cannot get, a link past
/// the table); Err where the chain would never end (more links than the table has entries).
fn follow(
    start: u32,
    table: &[u32],
    len: usize,
    mut sector: impl FnMut(u32) -> Result<Option<Vec<u8>>, ImportFileError>,
) -> Result<Option<Vec<u8>>, ImportFileError> {
    let mut out = Vec::new();
    let (mut id, mut links) = (start, 0usize);
    while id != END_OF_CHAIN {
        links += 1;
        if links > table.len() + 1 {
            return Err(looping_chain());
        }
        let Some(bytes) = sector(id)? else {
            return Ok(None);
        };
        let take = bytes.len().min(len - out.len());
        out.extend_from_slice(&bytes[..take]);
        if out.len() >= len {
            break;
        }
        let Some(next) = table.get(id as usize) else {
            return Ok(None);
        };
        id = *next;
    }
    Ok(Some(out))
}

/// A directory entry's name as the reader decodes it: UTF-16LE, unless it opens with a byte
/// order mark (UTF-8, UTF-16LE or UTF-16BE), cut at its first NUL.
fn name_of(raw: &[u8]) -> String {
    let utf16 = |b: &[u8], word: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = b.chunks_exact(2).map(|c| word([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    };
    let mut name = if let Some(rest) = raw.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = raw.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else {
        utf16(
            raw.strip_prefix(b"\xFF\xFE").unwrap_or(raw),
            u16::from_le_bytes,
        )
    };
    if let Some(nul) = name.find('\0') {
        name.truncate(nul);
    }
    name
}
