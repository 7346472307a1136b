//! 7z books: entries of a non-solid archive read on demand, solid blocks through `solid`.

use std::fs::File;
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::solid::{Pass, Passed, Step, Window};
use super::*;
use crate::error::{Result, SrError};

pub(super) enum Source {
    File(PathBuf),
    Memory(Arc<Vec<u8>>),
}

impl Source {
    pub(super) fn reader(&self) -> std::io::Result<Box<dyn ReadSeek>> {
        match self {
            Source::File(path) => Ok(Box::new(std::io::BufReader::new(File::open(path)?))),
            Source::Memory(bytes) => Ok(Box::new(Cursor::new(SharedBytes(bytes.clone())))),
        }
    }
}

pub(super) struct SevenZipBook {
    path: PathBuf,
    source: Source,
    archive: sevenz_rust2::Archive,
    entries: Vec<EntryInfo>,
    /// A solid archive's entries decoded ahead of the reader.
    window: Window,
}

/// A 7z method's name as people know it.
pub(super) fn seven_method_name(name: &str) -> String {
    match name {
        "DEFLATE64" => "Deflate64".into(),
        "DEFLATE" => "Deflate".into(),
        "PPMD" => "PPMd".into(),
        "BZIP2" => "BZip2".into(),
        "ZSTD" => "Zstandard".into(),
        "BROTLI" => "Brotli".into(),
        "LIZARD" => "Lizard".into(),
        // The crate names methods it does not know by their id bytes: `[2, 3, 4]`.
        "[2, 3, 2]" => "Swap2".into(),
        "[2, 3, 4]" => "Swap4".into(),
        other if other.starts_with('[') => {
            let id: Vec<String> = other
                .trim_matches(['[', ']'])
                .split(", ")
                .filter_map(|b| b.parse::<u8>().ok())
                .map(|b| format!("{b:02X}"))
                .collect();
            format!("the 7z method {}", id.join(""))
        }
        other => other.into(),
    }
}

/// A 7z error in words (the crate's `Display` is its `Debug`).
pub(super) fn seven_error(path: &Path, err: sevenz_rust2::Error) -> SrError {
    use sevenz_rust2::Error as E;
    let reason = match err {
        E::PasswordRequired | E::MaybeBadPassword(_) => return SrError::Encrypted(path.display().to_string()),
        E::UnsupportedCompressionMethod(name) => return unsupported(path, &seven_method_name(&name)),
        E::Io(err, _) | E::FileOpen(err, _) => format!("it could not be read: {err}"),
        E::BadSignature(_) => "it is not a 7z archive".into(),
        E::UnsupportedVersion { major, minor } => format!("it is a 7z archive of version {major}.{minor}"),
        E::ChecksumVerificationFailed | E::NextHeaderCrcMismatch => "its checksums do not match".into(),
        E::MaxMemLimited { .. } => "it needs more memory to decompress than SRView allows".into(),
        E::Other(text) | E::Unsupported(text) => text.into_owned(),
        E::FileNotFound => "an entry is missing".into(),
        _ => "its headers are damaged".into(),
    };
    corrupt(path, reason)
}

impl SevenZipBook {
    pub(super) fn open(path: PathBuf, source: Source, budget: u64) -> Result<Self> {
        let mut reader = source.reader().map_err(|e| SrError::io(&path, e))?;
        let archive = sevenz_rust2::Archive::read(&mut reader, &sevenz_rust2::Password::empty())
            .map_err(|e| seven_error(&path, e))?;
        if archive.files.len() > MAX_ENTRIES {
            return Err(corrupt(&path, format!("it has {} entries, more than {MAX_ENTRIES}", archive.files.len())));
        }
        // Encrypted content shows as `PasswordRequired` when it is read.
        let entries = archive
            .files
            .iter()
            .map(|f| EntryInfo {
                name: f.name.replace('\\', "/"),
                size: f.size,
                is_dir: f.is_directory,
                encrypted: false,
            })
            .collect();
        Ok(SevenZipBook { path, source, archive, entries, window: Window::new(budget) })
    }

    /// One pass over `block`, for its entry `index`.
    pub(super) fn pass(&self, block: usize, index: usize, max_bytes: u64, budget: u64) -> Result<Passed> {
        let mut pass = Pass::new(&self.path, &self.entries, index, max_bytes, budget);
        let decoded = self.decode(block, &mut pass);
        pass.finish(decoded)
    }

    pub(super) fn decode(&self, block: usize, pass: &mut Pass) -> Result<()> {
        if self.is_deflate64(block) {
            return self.decode_deflate64(block, pass);
        }
        let mut reader = self.source.reader().map_err(|e| SrError::io(&self.path, e))?;
        let password = sevenz_rust2::Password::empty();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        let decoder = sevenz_rust2::BlockDecoder::new(threads, block, &self.archive, &password, &mut reader);
        let files = &self.archive.files;
        let mut next = self.archive.stream_map.block_first_file_index[block];
        decoder
            .for_each_entries(&mut |entry: &sevenz_rust2::ArchiveEntry, data: &mut dyn Read| {
                // Which entry this is, by identity, from the one after the last met: no arithmetic
                // on pointers into the crate's buffer.
                let Some(index) = (next..files.len()).find(|&i| std::ptr::eq(&files[i], entry)) else {
                    return Ok(false);
                };
                next = index + 1;
                Ok(match pass.step(index) {
                    Step::Pass => true,
                    Step::Stop => false,
                    Step::Keep => {
                        let read = read_bounded(&self.path, &self.entries[index], data, pass.max_bytes);
                        pass.take(index, read)
                    }
                })
            })
            .map(drop)
            .map_err(|e| seven_error(&self.path, e))
    }

    /// Whether `block` is one Deflate64 stream, which sevenz-rust2 does not decode.
    pub(super) fn is_deflate64(&self, block: usize) -> bool {
        let coders = &self.archive.blocks[block].coders;
        coders.len() == 1 && coders[0].encoder_method_id() == sevenz_rust2::EncoderMethod::ID_DEFLATE64
    }

    /// Decodes a Deflate64 block with the `deflate64` crate (zip's), entry by entry.
    pub(super) fn decode_deflate64(&self, block: usize, pass: &mut Pass) -> Result<()> {
        let archive = &self.archive;
        let io_error = |e| SrError::io(&self.path, e);
        let pack = archive.stream_map.block_first_pack_stream_index()[block];
        let sizes = archive.pack_sizes();
        let offset = sevenz_rust2::SIGNATURE_HEADER_SIZE + archive.pack_pos() + sizes[..pack].iter().sum::<u64>();
        let mut reader = self.source.reader().map_err(io_error)?;
        reader.seek(std::io::SeekFrom::Start(offset)).map_err(io_error)?;
        let mut inflated = deflate64::Deflate64Decoder::new(reader.take(sizes[pack]));
        let blocks = &archive.stream_map.file_block_index;
        let first = archive.stream_map.block_first_file_index[block];
        let members = (first..archive.files.len())
            .take_while(|&i| blocks[i].is_none_or(|b| b == block))
            .filter(|&i| blocks[i] == Some(block));
        for index in members {
            let file = &archive.files[index];
            let mut data = (&mut inflated).take(file.size);
            match pass.step(index) {
                Step::Stop => break,
                Step::Pass => {
                    std::io::copy(&mut data, &mut std::io::sink()).map_err(|e| corrupt(&self.path, e))?;
                }
                Step::Keep => {
                    let read = read_bounded(&self.path, &self.entries[index], &mut data, pass.max_bytes)
                        .and_then(|bytes| self.checked(file, bytes));
                    if !pass.take(index, read) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// `bytes` when they are the whole entry, with the checksum the archive gives.
    pub(super) fn checked(&self, file: &sevenz_rust2::ArchiveEntry, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if bytes.len() as u64 != file.size {
            return Err(corrupt(&self.path, format!("{} is truncated", file.name)));
        }
        if file.has_crc && u64::from(crc32fast::hash(&bytes)) != file.crc {
            return Err(corrupt(&self.path, format!("{} does not match its checksum", file.name)));
        }
        Ok(bytes)
    }
}

impl Archive for SevenZipBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let entry = &self.entries[index];
        check_declared(&self.path, entry, max_bytes)?;
        let Some(block) = self.archive.stream_map.file_block_index[index] else {
            return Ok(Vec::new());
        };
        if self.archive.is_solid {
            self.window.read(|budget| self.pass(block, index, max_bytes, budget), index)
        } else {
            self.pass(block, index, max_bytes, 0).map(|(bytes, _)| bytes)
        }
    }

    fn held_bytes(&self) -> u64 {
        self.window.held_bytes()
    }

    fn release(&self) {
        self.window.release();
    }
}

// ---- RAR ----
