//! Opening zip books: from their central directory (`ZipBook`) or, where that is missing or
//! unreadable (a download cut short), from their local file headers, walked from the start.
//! An entry is kept only when its data is all there and decompresses to its checksum, so
//! every page of a recovered book reads whole; the others are named as lost. An entry written
//! with a data descriptor (sizes after the data) ends where a signed descriptor whose
//! compressed size matches says so; the search for it stops at `max_bytes` of compressed data.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zip::read::{read_zipfile_from_stream_with_options, ZipReadOptions};
use zip::CompressionMethod;

use super::seven_zip_book::Source;
use super::zip_book::{zip_method_name, zip_reads, ZipBook};
use super::*;
use crate::sync::lock;

const LOCAL_HEADER: [u8; 4] = *b"PK\x03\x04";
const DESCRIPTOR: [u8; 4] = *b"PK\x07\x08";
const LOCAL_HEADER_LEN: u64 = 30;
/// Bytes searched at once for a data descriptor.
const SEARCH_CHUNK: usize = 64 * 1024;

/// Where an entry's data is and what it must decompress to.
#[derive(Debug, Clone, Copy)]
struct Located {
    header_at: u64,
    compressed: u64,
    uncompressed: u64,
    crc: u32,
    method: CompressionMethod,
}

pub(super) struct RecoveredZip {
    path: PathBuf,
    reader: Mutex<Box<dyn ReadSeek>>,
    entries: Vec<EntryInfo>,
    raw_names: Vec<Vec<u8>>,
    located: Vec<Located>,
    recovery: Recovery,
}

/// The fixed part of a local header, and the name and sizes that follow it.
struct LocalHeader {
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    raw_name: Vec<u8>,
    data_at: u64,
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Reads as much of `buf` as the file holds from `at`; the count read.
fn read_at(reader: &mut dyn ReadSeek, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
    reader.seek(SeekFrom::Start(at))?;
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The local header at `at`, or `None` where there is none (the central directory, the end of
/// the file, or damage).
fn local_header(reader: &mut dyn ReadSeek, at: u64) -> std::io::Result<Option<LocalHeader>> {
    let mut fixed = [0u8; LOCAL_HEADER_LEN as usize];
    if read_at(reader, at, &mut fixed)? < fixed.len() || fixed[..4] != LOCAL_HEADER {
        return Ok(None);
    }
    let (name_len, extra_len) = (u16_at(&fixed, 26) as usize, u16_at(&fixed, 28) as usize);
    let mut tail = vec![0u8; name_len + extra_len];
    if read_at(reader, at + LOCAL_HEADER_LEN, &mut tail)? < tail.len() {
        return Ok(None);
    }
    let mut header = LocalHeader {
        flags: u16_at(&fixed, 6),
        method: u16_at(&fixed, 8),
        crc: u32_at(&fixed, 14),
        compressed: u64::from(u32_at(&fixed, 18)),
        uncompressed: u64::from(u32_at(&fixed, 22)),
        raw_name: tail[..name_len].to_vec(),
        data_at: at + LOCAL_HEADER_LEN + tail.len() as u64,
    };
    // Zip64: the sizes at 0xFFFFFFFF are in the extra field 0x0001, uncompressed first.
    let mut extra = &tail[name_len..];
    while extra.len() >= 4 {
        let (id, len) = (u16_at(extra, 0), u16_at(extra, 2) as usize);
        let Some(body) = extra.get(4..4 + len) else { break };
        if id == 0x0001 {
            let mut fields = body.chunks_exact(8).map(|c| u64_at(c, 0));
            if header.uncompressed == u64::from(u32::MAX) {
                header.uncompressed = fields.next().unwrap_or(u64::MAX);
            }
            if header.compressed == u64::from(u32::MAX) {
                header.compressed = fields.next().unwrap_or(u64::MAX);
            }
        }
        extra = &extra[4 + len..];
    }
    Ok(Some(header))
}

/// Whether the bytes at `at` start the central directory or its end record: the local headers
/// were all walked, and nothing after them is missing.
fn reaches_directory(reader: &mut dyn ReadSeek, at: u64) -> std::io::Result<bool> {
    let mut signature = [0u8; 4];
    Ok(read_at(reader, at, &mut signature)? == 4 && (signature == *b"PK\x01\x02" || signature == *b"PK\x05\x06"))
}

/// A signed data descriptor after the data starting at `data_at`, at most `max_compressed`
/// bytes on: its crc, compressed and uncompressed sizes, and its own length.
fn find_descriptor(
    reader: &mut dyn ReadSeek,
    data_at: u64,
    max_compressed: u64,
) -> std::io::Result<Option<(u32, u64, u64, u64)>> {
    let mut chunk = vec![0u8; SEARCH_CHUNK + 24];
    let mut from = data_at;
    while from - data_at <= max_compressed {
        let allowed = (max_compressed - (from - data_at)) as usize + 24;
        let read = read_at(reader, from, &mut chunk[..allowed.min(SEARCH_CHUNK + 24)])?;
        if read < 16 {
            return Ok(None);
        }
        for at in 0..read.saturating_sub(15).min(SEARCH_CHUNK) {
            if chunk[at..at + 4] != DESCRIPTOR {
                continue;
            }
            let compressed = from + at as u64 - data_at;
            if u64::from(u32_at(&chunk, at + 8)) == compressed {
                return Ok(Some((u32_at(&chunk, at + 4), compressed, u64::from(u32_at(&chunk, at + 12)), 16)));
            }
            if at + 24 <= read && u64_at(&chunk, at + 8) == compressed {
                return Ok(Some((u32_at(&chunk, at + 4), compressed, u64_at(&chunk, at + 16), 24)));
            }
        }
        from += SEARCH_CHUNK as u64;
    }
    Ok(None)
}

/// Decompresses the entry, checking its size and checksum, and keeps none of it.
fn reads_whole(reader: &mut dyn ReadSeek, located: &Located, max_bytes: u64) -> bool {
    let mut sink = std::io::sink();
    open_entry(reader, located, |entry| {
        let copied = std::io::copy(&mut entry.take(max_bytes + 1), &mut sink).ok()?;
        (copied == located.uncompressed).then_some(())
    })
    .is_some()
}

/// Runs `use_entry` on the entry's decompressing reader (which checks size and checksum).
fn open_entry<T>(
    mut reader: &mut dyn ReadSeek,
    located: &Located,
    use_entry: impl FnOnce(&mut dyn Read) -> Option<T>,
) -> Option<T> {
    reader.seek(SeekFrom::Start(located.header_at)).ok()?;
    let options = ZipReadOptions::new()
        .override_compressed_size(located.compressed)
        .override_uncompressed_size(located.uncompressed)
        .override_crc(located.crc);
    let mut entry = read_zipfile_from_stream_with_options(&mut reader, options).ok()??;
    use_entry(&mut entry)
}

/// Opens a zip book from its central directory or, where that cannot be read, from its local
/// headers (`RecoveredZip`).
pub(super) fn open_zip(path: &Path, source: Source, max_bytes: u64) -> Result<Arc<dyn Archive>> {
    let reader = source.reader().map_err(|e| SrError::io(path, e))?;
    match zip::ZipArchive::new(reader) {
        Ok(archive) => Ok(Arc::new(ZipBook::open(path, archive)?)),
        Err(why) => Ok(Arc::new(RecoveredZip::scan(path, &source, max_bytes, &why)?)),
    }
}

/// The method numbered `id` in a local header.
#[allow(deprecated)] // the crate keeps the number-to-method table behind this one function
fn method(id: u16) -> CompressionMethod {
    CompressionMethod::from_u16(id)
}

impl RecoveredZip {
    /// Walks the local headers of `source`. `why` is what the central directory's reader said.
    pub(super) fn scan(path: &Path, source: &Source, max_bytes: u64, why: &zip::result::ZipError) -> Result<Self> {
        let io = |e| SrError::io(path, e);
        let mut reader = source.reader().map_err(io)?;
        let file_len = reader.seek(SeekFrom::End(0)).map_err(io)?;
        let (mut entries, mut raw_names, mut located, mut lost) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        // Compressed data a little larger than its limit, for incompressible pages.
        let max_compressed = max_bytes + max_bytes / 64 + 4096;
        let mut at = 0;
        // Cleared when the walk reaches the central directory or its end record.
        let mut end_missing = true;
        while entries.len() < MAX_ENTRIES {
            let Some(header) = local_header(&mut *reader, at).map_err(io)? else {
                end_missing = !reaches_directory(&mut *reader, at).map_err(io)?;
                break;
            };
            let raw_name: Vec<u8> = header.raw_name.iter().map(|&b| if b == b'\\' { b'/' } else { b }).collect();
            let name = String::from_utf8_lossy(&raw_name).into_owned();
            let (crc, compressed, uncompressed, descriptor_len) = if header.flags & 0x0008 != 0 {
                match find_descriptor(&mut *reader, header.data_at, max_compressed).map_err(io)? {
                    Some(found) => found,
                    None => {
                        lost.push(name);
                        break;
                    }
                }
            } else {
                (header.crc, header.compressed, header.uncompressed, 0)
            };
            let Some(end) = header.data_at.checked_add(compressed).filter(|end| *end <= file_len) else {
                lost.push(name);
                break;
            };
            let here = Located { header_at: at, compressed, uncompressed, crc, method: method(header.method) };
            let encrypted = header.flags & 0x0001 != 0;
            let is_dir = name.ends_with('/');
            // What cannot be checked (encrypted, another method, too large) is listed as in a
            // whole book, and reading it says why it cannot be read.
            let checkable = !is_dir && !encrypted && zip_reads(here.method) && uncompressed <= max_bytes;
            if checkable && !reads_whole(&mut *reader, &here, max_bytes) {
                lost.push(name);
            } else {
                entries.push(EntryInfo { name, size: uncompressed, is_dir, encrypted });
                raw_names.push(raw_name);
                located.push(here);
            }
            at = end + descriptor_len;
        }
        if !entries.iter().any(|e: &EntryInfo| !e.is_dir) {
            return Err(corrupt(path, why));
        }
        // The reader is told in words (`BookDamage`); the log keeps the library's reason.
        tracing::info!(
            book = %path.display(),
            kept = entries.len(),
            lost = lost.len(),
            end_missing,
            %why,
            "a zip without a readable central directory, opened from its local headers"
        );
        Ok(RecoveredZip {
            path: path.to_path_buf(),
            reader: Mutex::new(reader),
            entries,
            raw_names,
            located,
            recovery: Recovery { lost, end_missing },
        })
    }
}

impl Archive for RecoveredZip {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let entry = &self.entries[index];
        check_declared(&self.path, entry, max_bytes)?;
        let located = &self.located[index];
        if !zip_reads(located.method) {
            return Err(unsupported(&self.path, &zip_method_name(located.method)));
        }
        let mut reader = lock(&self.reader);
        open_entry(&mut **reader, located, |data| Some(read_bounded(&self.path, entry, data, max_bytes)))
            .unwrap_or_else(|| Err(corrupt(&self.path, format!("{} is no longer where it was", entry.name))))
    }

    fn raw_name(&self, index: usize) -> Vec<u8> {
        self.raw_names[index].clone()
    }

    fn recovery(&self) -> Option<&Recovery> {
        Some(&self.recovery)
    }
}
