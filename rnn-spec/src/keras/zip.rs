//! The few bytes of the zip format a `.keras` file needs: the central directory (zip64
//! included, as Python's `zipfile` writes it for `force_zip64=True`), and entries stored (what
//! Keras 3 writes) or deflated (what a re-packed archive may hold), CRC-checked. An archive on
//! disk is read in place: its stored `model.weights.h5` is opened where it lies, never copied.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::io::{Read, Seek, SeekFrom};

use super::Problem;
use super::h5;

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EOCD: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;

fn bad(what: impl Into<String>) -> Problem {
    Problem::Malformed(format!("the zip archive {}", what.into()))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

/// One entry of the central directory.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local: u64,
}

/// A zip archive: its bytes, or a file read where needed.
pub(crate) enum Archive {
    Bytes(Vec<u8>),
    File { file: std::fs::File, len: u64 },
}

impl Archive {
    /// An archive on disk.
    pub(crate) fn file(file: std::fs::File) -> Result<Archive, Problem> {
        let len = file
            .metadata()
            .map_err(|e| bad(format!("cannot be read: {e}")))?
            .len();
        Ok(Archive::File { file, len })
    }

    fn len(&self) -> u64 {
        match self {
            Archive::Bytes(b) => b.len() as u64,
            Archive::File { len, .. } => *len,
        }
    }

    /// `len` bytes at `offset`; `None` past the end of the archive.
    fn at(&self, offset: u64, len: u64) -> Result<Option<Cow<'_, [u8]>>, Problem> {
        let end = offset.checked_add(len);
        if end.is_none_or(|end| end > self.len()) {
            return Ok(None);
        }
        Ok(Some(match self {
            Archive::Bytes(b) => Cow::Borrowed(&b[offset as usize..(offset + len) as usize]),
            Archive::File { file, .. } => {
                let mut buf = alloc::vec![0u8; len as usize];
                let mut f = file;
                f.seek(SeekFrom::Start(offset))
                    .and_then(|_| f.read_exact(&mut buf))
                    .map_err(|e| bad(format!("cannot be read at byte {offset}: {e}")))?;
                Cow::Owned(buf)
            }
        }))
    }

    fn u32(&self, offset: u64) -> Result<Option<u32>, Problem> {
        Ok(self.at(offset, 4)?.and_then(|b| u32_at(&b, 0)))
    }

    /// The central directory: every entry, in archive order.
    pub(crate) fn entries(&self) -> Result<Vec<Entry>, Problem> {
        // The end-of-central-directory record is the last 22 bytes, before a comment of up to
        // 64 KiB.
        let len = self.len();
        let tail_start = len.saturating_sub(22 + 0xffff);
        let tail = self
            .at(tail_start, len - tail_start)?
            .unwrap_or(Cow::Borrowed(&[]));
        let eocd = (0..=tail.len().saturating_sub(22))
            .rev()
            .find(|&i| u32_at(&tail, i) == Some(EOCD))
            .ok_or_else(|| bad("has no end-of-central-directory record (truncated?)"))?;
        let mut count = u16_at(&tail, eocd + 10).unwrap_or(0) as u64;
        let mut cd_size = u32_at(&tail, eocd + 12).unwrap_or(0) as u64;
        let mut cd_offset = u32_at(&tail, eocd + 16).unwrap_or(0) as u64;
        if count == 0xffff || cd_size == 0xffff_ffff || cd_offset == 0xffff_ffff {
            let eocd = tail_start + eocd as u64;
            let loc = match eocd.checked_sub(20) {
                Some(l) if self.u32(l)? == Some(ZIP64_LOCATOR) => l,
                _ => return Err(bad("needs a zip64 record and has none")),
            };
            let at = self
                .at(loc + 8, 8)?
                .and_then(|b| u64_at(&b, 0))
                .unwrap_or(u64::MAX);
            if self.u32(at)? != Some(ZIP64_EOCD) {
                return Err(bad("has a damaged zip64 record"));
            }
            let record = self
                .at(at, 56)?
                .ok_or_else(|| bad("has a truncated zip64 record"))?;
            let field = |off| u64_at(&record, off).unwrap_or(0);
            (count, cd_size, cd_offset) = (field(32), field(40), field(48));
        }
        let cd = self
            .at(cd_offset, cd_size)?
            .ok_or_else(|| bad("has a central directory outside the file (truncated?)"))?;
        let mut out = Vec::new();
        let mut at = 0usize;
        for i in 0..count {
            let truncated = || bad(format!("has a truncated central directory (entry {i})"));
            if u32_at(&cd, at) != Some(CENTRAL) {
                return Err(bad(format!("has a damaged central directory (entry {i})")));
            }
            let field = |off: usize| u32_at(&cd, at + off).map(u64::from);
            let short = |off: usize| u16_at(&cd, at + off).map(usize::from);
            let (Some(flags), Some(method), Some(crc), Some(mut compressed), Some(mut size)) = (
                u16_at(&cd, at + 8),
                u16_at(&cd, at + 10),
                u32_at(&cd, at + 16),
                field(20),
                field(24),
            ) else {
                return Err(truncated());
            };
            let (Some(name_len), Some(extra_len), Some(comment_len), Some(mut local)) =
                (short(28), short(30), short(32), field(42))
            else {
                return Err(truncated());
            };
            let name = cd.get(at + 46..at + 46 + name_len).ok_or_else(truncated)?;
            let extra = cd
                .get(at + 46 + name_len..at + 46 + name_len + extra_len)
                .ok_or_else(truncated)?;
            // zip64 extended information: the 64-bit values of the fields that are all ones.
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e).unwrap_or(0);
                let len = u16_at(extra, e + 2).unwrap_or(0) as usize;
                if id == 1 {
                    let mut p = e + 4;
                    for v in [&mut size, &mut compressed, &mut local] {
                        if *v == 0xffff_ffff {
                            *v =
                                u64_at(extra, p).ok_or_else(|| bad("has a damaged zip64 field"))?;
                            p += 8;
                        }
                    }
                }
                e += 4 + len;
            }
            out.push(Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                method,
                flags,
                crc,
                compressed,
                size,
                local,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(out)
    }

    /// Where `entry`'s data starts, after its local header.
    fn data_start(&self, entry: &Entry) -> Result<u64, Problem> {
        let name = &entry.name;
        if entry.flags & 1 != 0 {
            return Err(Problem::Malformed(format!(
                "the zip entry `{name}` is encrypted"
            )));
        }
        let header = self
            .at(entry.local, 30)?
            .filter(|h| u32_at(h, 0) == Some(LOCAL))
            .ok_or_else(|| bad(format!("has no local header for `{name}` (truncated?)")))?;
        let (n, e) = (
            u16_at(&header, 26).unwrap_or(0),
            u16_at(&header, 28).unwrap_or(0),
        );
        Ok(entry.local + 30 + n as u64 + e as u64)
    }

    /// The uncompressed bytes of `entry`, checked against its CRC-32.
    pub(crate) fn read(&self, entry: &Entry) -> Result<Vec<u8>, Problem> {
        let name = &entry.name;
        let start = self.data_start(entry)?;
        let raw = self
            .at(start, entry.compressed)?
            .ok_or_else(|| bad(format!("ends inside `{name}` (truncated?)")))?;
        let size = usize::try_from(entry.size).unwrap_or(usize::MAX);
        let bytes = match entry.method {
            0 => {
                stored_size(entry)?;
                raw.into_owned()
            }
            8 => {
                // Never trust the recorded size for the allocation: at most 1032 bytes out per
                // byte in (deflate's largest ratio).
                let mut out = Vec::with_capacity(size.min(raw.len().saturating_mul(1032)));
                flate2::read::DeflateDecoder::new(&raw[..])
                    .take(entry.size.saturating_add(1))
                    .read_to_end(&mut out)
                    .map_err(|e| bad(format!("has damaged deflate data in `{name}`: {e}")))?;
                if out.len() != size {
                    return Err(bad(format!(
                        "says `{name}` inflates to {size} bytes, it gives {}",
                        out.len()
                    )));
                }
                out
            }
            m => {
                return Err(Problem::Malformed(format!(
                    "the zip entry `{name}` uses compression method {m} (readable: stored, deflate)"
                )));
            }
        };
        check_crc(entry, crc32fast::hash(&bytes))?;
        Ok(bytes)
    }

    /// The HDF5 file in `entry`. A stored entry is opened where it lies (in the archive's bytes,
    /// moved to the front of the same buffer, or in the file on disk) after a streaming CRC
    /// check; a deflated one is inflated first.
    pub(crate) fn h5(self, entry: &Entry) -> Result<h5::File, Problem> {
        const LABEL: &str = "model.weights.h5";
        if entry.method != 0 {
            return h5::File::from_bytes(self.read(entry)?, LABEL);
        }
        stored_size(entry)?;
        let start = self.data_start(entry)?;
        if start
            .checked_add(entry.size)
            .is_none_or(|end| end > self.len())
        {
            return Err(bad(format!("ends inside `{}` (truncated?)", entry.name)));
        }
        match self {
            Archive::Bytes(mut bytes) => {
                let (start, end) = (start as usize, (start + entry.size) as usize);
                check_crc(entry, crc32fast::hash(&bytes[start..end]))?;
                bytes.truncate(end);
                bytes.drain(..start);
                h5::File::from_bytes(bytes, LABEL)
            }
            Archive::File { mut file, .. } => {
                let mut hasher = crc32fast::Hasher::new();
                let mut buf = alloc::vec![0u8; 1 << 16];
                let mut left = entry.size;
                let read = |file: &mut std::fs::File, buf: &mut [u8]| {
                    file.read_exact(buf)
                        .map_err(|e| bad(format!("cannot be read in `{}`: {e}", entry.name)))
                };
                file.seek(SeekFrom::Start(start))
                    .map_err(|e| bad(format!("cannot be read: {e}")))?;
                while left > 0 {
                    let n = left.min(buf.len() as u64) as usize;
                    read(&mut file, &mut buf[..n])?;
                    hasher.update(&buf[..n]);
                    left -= n as u64;
                }
                check_crc(entry, hasher.finalize())?;
                h5::File::window(file, start, entry.size, LABEL)
            }
        }
    }
}

/// A stored entry holds as many bytes as it inflates to.
fn stored_size(entry: &Entry) -> Result<(), Problem> {
    if entry.compressed != entry.size {
        return Err(bad(format!(
            "says `{}` is stored with {} bytes but holds {}",
            entry.name, entry.compressed, entry.size
        )));
    }
    Ok(())
}

fn check_crc(entry: &Entry, crc: u32) -> Result<(), Problem> {
    if crc != entry.crc {
        return Err(bad(format!(
            "entry `{}` fails its CRC-32 check (damaged): recorded {:08x}, data {crc:08x}",
            entry.name, entry.crc
        )));
    }
    Ok(())
}
