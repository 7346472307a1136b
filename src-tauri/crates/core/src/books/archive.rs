//! Reading entries of zip, 7z and RAR archives, one entry at a time, with every size bounded.
//!
//! Nothing is ever extracted to a named path, so entry names such as `../../etc/passwd` are
//! only names. Zip entries and entries of non-solid 7z and RAR archives are read on demand,
//! streamed from the file. A solid block can only be decompressed from its start: reading one
//! of its entries decodes the block up to it, then keeps it and the entries after it while they
//! fit in `Limits::max_decompressed_bytes`, so pages read in order decode the block about once.
//! A split RAR book (`Book.part1.rar`, `Book.part2.rar`, … or `Book.rar`, `Book.r00`, …) opens
//! as one book from any of its parts.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Result, SrError};
use crate::limits::Limits;
use crate::sync::lock;

/// Archives with more entries than this are refused.
pub const MAX_ENTRIES: usize = 100_000;

/// What kind of container the bytes are, from their first bytes (not the file extension:
/// many `.cbr` files are zip files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    SevenZip,
    Rar,
}

impl ArchiveKind {
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Some(ArchiveKind::Zip)
        } else if head.starts_with(b"7z\xBC\xAF\x27\x1C") {
            Some(ArchiveKind::SevenZip)
        } else if head.starts_with(b"Rar!\x1A\x07") {
            Some(ArchiveKind::Rar)
        } else {
            None
        }
    }
}

/// One entry of an archive.
#[derive(Debug, Clone)]
pub struct EntryInfo {
    /// The entry's path inside the archive, with `/` separators, as the archive spells it.
    pub name: String,
    /// The size the archive declares for the entry once decompressed.
    pub size: u64,
    pub is_dir: bool,
    pub encrypted: bool,
}

/// An archive whose entries can be read one at a time.
pub trait Archive: Send + Sync {
    fn entries(&self) -> &[EntryInfo];
    /// Entry `index`'s bytes; more than `max_bytes` (declared or read) is refused.
    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>>;
    /// Decompressed bytes the archive holds in memory between reads (a solid block's entries).
    fn held_bytes(&self) -> u64 {
        0
    }
    /// Lets go of what `held_bytes` counts; a later read decompresses again.
    fn release(&self) {}
    /// Entry `index`'s name as the archive stores it (`name` is lossy where that is not UTF-8).
    fn raw_name(&self, index: usize) -> Vec<u8> {
        self.entries()[index].name.as_bytes().to_vec()
    }
}

fn corrupt(path: &Path, reason: impl std::fmt::Display) -> SrError {
    SrError::CorruptArchive { path: path.display().to_string(), reason: reason.to_string() }
}

fn unsupported(path: &Path, method: &str) -> SrError {
    SrError::UnsupportedCompression { path: path.display().to_string(), method: method.to_owned() }
}

fn too_large(path: &Path, entry: &EntryInfo, bytes: u64, limit: u64) -> SrError {
    SrError::FileTooLarge { path: format!("{} › {}", path.display(), entry.name), bytes, limit }
}

fn check_declared(path: &Path, entry: &EntryInfo, max_bytes: u64) -> Result<()> {
    if entry.encrypted {
        return Err(SrError::Encrypted(format!("{} › {}", path.display(), entry.name)));
    }
    if entry.size > max_bytes {
        return Err(too_large(path, entry, entry.size, max_bytes));
    }
    Ok(())
}

/// Reads at most `max_bytes`, refusing a stream that goes on past it (a lying header).
fn read_bounded(path: &Path, entry: &EntryInfo, reader: &mut dyn Read, max_bytes: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(entry.size.min(max_bytes).min(64 << 20) as usize);
    reader.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| corrupt(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(path, entry, bytes.len() as u64, max_bytes));
    }
    Ok(bytes)
}

/// Opens the archive at `path`, of the kind its first bytes say, with the default limits.
pub fn open_file(path: &Path) -> Result<Arc<dyn Archive>> {
    open_file_within(path, &Limits::default())
}

/// Opens the archive at `path`; a solid archive holds at most `limits.max_decompressed_bytes`.
pub fn open_file_within(path: &Path, limits: &Limits) -> Result<Arc<dyn Archive>> {
    let mut head = [0u8; 8];
    let mut file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SrError::InputNotFound(path.display().to_string()),
        _ => SrError::io(path, e),
    })?;
    let read = file.read(&mut head).map_err(|e| SrError::io(path, e))?;
    let budget = limits.max_decompressed_bytes;
    match ArchiveKind::sniff(&head[..read]) {
        Some(ArchiveKind::Zip) => Ok(Arc::new(ZipBook::open(path, file)?)),
        Some(ArchiveKind::SevenZip) => {
            Ok(Arc::new(SevenZipBook::open(path.to_path_buf(), Source::File(path.to_path_buf()), budget)?))
        }
        Some(ArchiveKind::Rar) => Ok(Arc::new(RarBook::open(path, budget)?)),
        None if read == 0 => Err(corrupt(path, "the file is empty")),
        None => Err(corrupt(path, "it is not a zip, 7z or RAR archive")),
    }
}

/// Opens an archive held in memory (a book inside a book) with the default limits.
pub fn open_bytes(name: &Path, bytes: Arc<Vec<u8>>) -> Result<Arc<dyn Archive>> {
    open_bytes_within(name, bytes, &Limits::default())
}

/// Opens an archive held in memory (a book inside a book); RAR needs a file, so it is refused.
pub fn open_bytes_within(name: &Path, bytes: Arc<Vec<u8>>, limits: &Limits) -> Result<Arc<dyn Archive>> {
    match ArchiveKind::sniff(&bytes) {
        Some(ArchiveKind::Zip) => Ok(Arc::new(ZipBook::open(name, SharedBytes(bytes))?)),
        Some(ArchiveKind::SevenZip) => {
            Ok(Arc::new(SevenZipBook::open(name.to_path_buf(), Source::Memory(bytes), limits.max_decompressed_bytes)?))
        }
        Some(ArchiveKind::Rar) => Err(corrupt(name, "a RAR archive inside another archive is not supported")),
        None => Err(corrupt(name, "it is not a zip, 7z or RAR archive")),
    }
}

/// Bytes shared between readers, readable and seekable.
#[derive(Clone)]
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

// ---- solid blocks: decode up to an entry, keep what follows within a budget ----

/// What a pass gives: the wanted entry's bytes, and the entries to hold (by index).
type Passed = (Vec<u8>, Vec<(usize, Vec<u8>)>);

/// What a pass over a solid block does with the entry it meets.
enum Step {
    /// Decode through it (it comes before the wanted entry, or it is a folder).
    Pass,
    /// Keep its bytes.
    Keep,
    /// Stop decoding: nothing more fits.
    Stop,
}

/// One pass over a solid block, in archive order: decodes through the entries before the wanted
/// one, keeps it, then keeps the entries after it while they fit in `budget`.
struct Pass<'a> {
    path: &'a Path,
    entries: &'a [EntryInfo],
    wanted: usize,
    max_bytes: u64,
    budget: u64,
    found: Option<Vec<u8>>,
    /// Entries to hold: the wanted one when it fits, and those after it.
    held: Vec<(usize, Vec<u8>)>,
    held_bytes: u64,
    failure: Option<SrError>,
    /// The last entry met, to tell an error in the wanted entry from one after it.
    last_met: Option<usize>,
}

impl<'a> Pass<'a> {
    fn new(path: &'a Path, entries: &'a [EntryInfo], wanted: usize, max_bytes: u64, budget: u64) -> Self {
        Pass {
            path,
            entries,
            wanted,
            max_bytes,
            budget,
            found: None,
            held: Vec::new(),
            held_bytes: 0,
            failure: None,
            last_met: None,
        }
    }

    fn step(&mut self, index: usize) -> Step {
        self.last_met = Some(index);
        let entry = &self.entries[index];
        if self.found.is_none() {
            return if index == self.wanted { Step::Keep } else { Step::Pass };
        }
        if self.budget == 0 {
            Step::Stop
        } else if entry.is_dir {
            Step::Pass
        } else if !entry.encrypted && entry.size <= self.max_bytes && self.held_bytes + entry.size <= self.budget {
            Step::Keep
        } else {
            Step::Stop
        }
    }

    /// Takes a kept entry's bytes, read bounded; false when the pass should stop.
    fn take(&mut self, index: usize, read: Result<Vec<u8>>) -> bool {
        match read {
            Ok(bytes) => {
                self.keep(index, bytes);
                true
            }
            Err(err) => {
                if index == self.wanted {
                    self.failure = Some(err);
                }
                false
            }
        }
    }

    fn keep(&mut self, index: usize, bytes: Vec<u8>) {
        let size = bytes.len() as u64;
        if index == self.wanted {
            if size <= self.budget {
                self.held.push((index, bytes.clone()));
                self.held_bytes += size;
            }
            self.found = Some(bytes);
        } else if self.held_bytes + size <= self.budget {
            self.held.push((index, bytes));
            self.held_bytes += size;
        }
    }

    /// The wanted entry's bytes and the entries to hold. A decoding error after the wanted
    /// entry only ends what is kept ahead.
    fn finish(self, decoded: Result<()>) -> Result<Passed> {
        if let Some(err) = self.failure {
            return Err(err);
        }
        match (self.found, decoded) {
            (Some(bytes), Ok(())) => Ok((bytes, self.held)),
            (Some(bytes), Err(err)) if self.last_met > Some(self.wanted) => {
                tracing::debug!(path = %self.path.display(), error = %err, "decoding ahead stopped");
                Ok((bytes, self.held))
            }
            (_, Err(err)) => Err(err),
            (None, Ok(())) => Err(corrupt(self.path, format!("{} could not be read", self.entries[self.wanted].name))),
        }
    }
}

/// Entries of a solid archive decoded ahead of the reader, held within a byte budget.
struct Window {
    budget: u64,
    /// One pass at a time; `held` is locked only briefly, so `release` never waits for a pass.
    decoding: Mutex<()>,
    held: Mutex<HashMap<usize, Vec<u8>>>,
    held_bytes: AtomicU64,
}

impl Window {
    fn new(budget: u64) -> Self {
        Window { budget, decoding: Mutex::new(()), held: Mutex::new(HashMap::new()), held_bytes: AtomicU64::new(0) }
    }

    fn get(&self, index: usize) -> Option<Vec<u8>> {
        lock(&self.held).get(&index).cloned()
    }

    /// Entry `index`, from what is held or from a new pass, which replaces what is held.
    fn read(&self, new_pass: impl FnOnce(u64) -> Result<Passed>, index: usize) -> Result<Vec<u8>> {
        if let Some(bytes) = self.get(index) {
            return Ok(bytes);
        }
        let _decoding = lock(&self.decoding);
        if let Some(bytes) = self.get(index) {
            return Ok(bytes);
        }
        self.release();
        let (bytes, held) = new_pass(self.budget)?;
        let mut map = lock(&self.held);
        for (index, bytes) in held {
            self.held_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            map.insert(index, bytes);
        }
        Ok(bytes)
    }

    fn held_bytes(&self) -> u64 {
        self.held_bytes.load(Ordering::Relaxed)
    }

    fn release(&self) {
        let mut map = lock(&self.held);
        map.clear();
        self.held_bytes.store(0, Ordering::Relaxed);
    }
}

// ---- zip ----

struct ZipBook {
    path: PathBuf,
    archive: Mutex<zip::ZipArchive<Box<dyn ReadSeek>>>,
    entries: Vec<EntryInfo>,
    methods: Vec<zip::CompressionMethod>,
    raw_names: Vec<Vec<u8>>,
}

/// Whether SRView's zip reader decompresses `method`.
fn zip_reads(method: zip::CompressionMethod) -> bool {
    use zip::CompressionMethod as M;
    matches!(method, M::Stored | M::Deflated | M::Deflate64 | M::Bzip2 | M::Lzma | M::Xz | M::Ppmd)
}

/// A zip method's name as people know it.
fn zip_method_name(method: zip::CompressionMethod) -> String {
    match method.to_string().as_str() {
        "Zstd" => "Zstandard".into(),
        "Unknown" => "an unknown".into(),
        name => name.into(),
    }
}

impl ZipBook {
    fn open<R: IntoReader>(path: &Path, source: R) -> Result<Self> {
        let archive = zip::ZipArchive::new(source.into_reader()).map_err(|e| corrupt(path, e))?;
        if archive.len() > MAX_ENTRIES {
            return Err(corrupt(path, format!("it has {} entries, more than {MAX_ENTRIES}", archive.len())));
        }
        let mut archive = archive;
        let mut entries = Vec::with_capacity(archive.len());
        let mut methods = Vec::with_capacity(archive.len());
        let mut raw_names = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(|e| corrupt(path, e))?;
            raw_names.push(entry.name_raw().iter().map(|&b| if b == b'\\' { b'/' } else { b }).collect());
            entries.push(EntryInfo {
                name: String::from_utf8_lossy(entry.name_raw()).replace('\\', "/"),
                size: entry.size(),
                is_dir: entry.is_dir(),
                encrypted: entry.encrypted(),
            });
            methods.push(entry.compression());
        }
        Ok(ZipBook { path: path.to_path_buf(), archive: Mutex::new(archive), entries, methods, raw_names })
    }
}

trait IntoReader {
    fn into_reader(self) -> Box<dyn ReadSeek>;
}

impl IntoReader for File {
    fn into_reader(self) -> Box<dyn ReadSeek> {
        Box::new(std::io::BufReader::new(self))
    }
}

impl IntoReader for SharedBytes {
    fn into_reader(self) -> Box<dyn ReadSeek> {
        Box::new(Cursor::new(self))
    }
}

impl Archive for ZipBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let entry = &self.entries[index];
        check_declared(&self.path, entry, max_bytes)?;
        if !zip_reads(self.methods[index]) {
            return Err(unsupported(&self.path, &zip_method_name(self.methods[index])));
        }
        let mut archive = lock(&self.archive);
        let mut file = archive.by_index(index).map_err(|e| corrupt(&self.path, e))?;
        read_bounded(&self.path, entry, &mut file, max_bytes)
    }

    fn raw_name(&self, index: usize) -> Vec<u8> {
        self.raw_names[index].clone()
    }
}

// ---- 7z ----

enum Source {
    File(PathBuf),
    Memory(Arc<Vec<u8>>),
}

impl Source {
    fn reader(&self) -> std::io::Result<Box<dyn ReadSeek>> {
        match self {
            Source::File(path) => Ok(Box::new(std::io::BufReader::new(File::open(path)?))),
            Source::Memory(bytes) => Ok(Box::new(Cursor::new(SharedBytes(bytes.clone())))),
        }
    }
}

struct SevenZipBook {
    path: PathBuf,
    source: Source,
    archive: sevenz_rust2::Archive,
    entries: Vec<EntryInfo>,
    /// A solid archive's entries decoded ahead of the reader.
    window: Window,
}

/// A 7z method's name as people know it.
fn seven_method_name(name: &str) -> String {
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
fn seven_error(path: &Path, err: sevenz_rust2::Error) -> SrError {
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
    fn open(path: PathBuf, source: Source, budget: u64) -> Result<Self> {
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
    fn pass(&self, block: usize, index: usize, max_bytes: u64, budget: u64) -> Result<Passed> {
        let mut pass = Pass::new(&self.path, &self.entries, index, max_bytes, budget);
        let decoded = self.decode(block, &mut pass);
        pass.finish(decoded)
    }

    fn decode(&self, block: usize, pass: &mut Pass) -> Result<()> {
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
    fn is_deflate64(&self, block: usize) -> bool {
        let coders = &self.archive.blocks[block].coders;
        coders.len() == 1 && coders[0].encoder_method_id() == sevenz_rust2::EncoderMethod::ID_DEFLATE64
    }

    /// Decodes a Deflate64 block with the `deflate64` crate (zip's), entry by entry.
    fn decode_deflate64(&self, block: usize, pass: &mut Pass) -> Result<()> {
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
    fn checked(&self, file: &sevenz_rust2::ArchiveEntry, bytes: Vec<u8>) -> Result<Vec<u8>> {
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

/// The volume that starts the set `path` belongs to, when its name says it is a later part:
/// `Book.part2.rar` → `Book.part1.rar` (digits as wide as given), `Book.r00` → `Book.rar`.
fn first_volume_by_name(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if let Some((prefix, digits, ext)) = split_part_name(name) {
        let number: u64 = digits.parse().ok()?;
        return (number > 1).then(|| path.with_file_name(format!("{prefix}{:0width$}{ext}", 1, width = digits.len())));
    }
    let ext = path.extension()?.to_str()?.as_bytes();
    let old_style = ext.len() == 3
        && matches!(ext[0].to_ascii_lowercase(), b'r'..=b'z')
        && ext[1..].iter().all(|b| b.is_ascii_digit());
    old_style.then(|| path.with_extension(if ext[0].is_ascii_uppercase() { "RAR" } else { "rar" }))
}

/// `Book.part02.rar` as (`Book.part`, `02`, `.rar`).
fn split_part_name(name: &str) -> Option<(&str, &str, &str)> {
    let body_len = name.len().checked_sub(4)?;
    let ext = name.get(body_len..)?;
    if !ext.eq_ignore_ascii_case(".rar") {
        return None;
    }
    let body = &name[..body_len];
    let prefix = body.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &body[prefix.len()..];
    let is_part = prefix.len() >= 5 && prefix.get(prefix.len() - 5..).is_some_and(|p| p.eq_ignore_ascii_case(".part"));
    (!digits.is_empty() && is_part).then_some((prefix, digits, ext))
}

/// The volume after `path` in its set, as UnRAR names it.
fn next_volume(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if let Some((prefix, digits, ext)) = split_part_name(name) {
        let number: u64 = digits.parse().ok()?;
        return Some(path.with_file_name(format!("{prefix}{:0width$}{ext}", number + 1, width = digits.len())));
    }
    let ext = path.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("rar") {
        return Some(path.with_extension(if ext.starts_with('R') { "R00" } else { "r00" }));
    }
    let (letter, digits) = ext.split_at_checked(1)?;
    let number: u8 = digits.parse().ok()?;
    Some(match number {
        99 => path.with_extension(format!("{}00", (letter.as_bytes()[0] + 1) as char)),
        n => path.with_extension(format!("{letter}{:02}", n + 1)),
    })
}

/// The first volume of the set, from `first` on, that is not on disk (the one UnRAR asked for).
fn first_missing_volume(first: &Path) -> Option<PathBuf> {
    let mut volume = first.to_path_buf();
    for _ in 0..10_000 {
        if !volume.exists() {
            return Some(volume);
        }
        volume = next_volume(&volume)?;
    }
    None
}

/// Whether `path` is a later part of a split RAR book (`Book.part2.rar`, `Book.r00`): its name
/// says so and its header agrees. Folder listings show the first part only, which opens the set.
pub fn is_later_volume(path: &Path) -> bool {
    // UnRAR reported a second part, opened alone, as a first volume (a test book of
    // 200-byte volumes): the name, and being a volume at all, is what counts.
    first_volume_by_name(path).is_some()
        && unrar::Archive::new(path)
            .open_for_listing()
            .is_ok_and(|listing| listing.volume_info() != unrar::VolumeInfo::None)
}

/// The first part of the split book that `path` is a later part of.
pub fn first_volume_of(path: &Path) -> Option<PathBuf> {
    first_volume_by_name(path).filter(|_| is_later_volume(path))
}

/// Whether a listing leaves `path` out: a later part whose first part is beside it and stands
/// for the set. A later part without its first part stays, so opening it names what is missing.
pub fn listed_by_its_first_volume(path: &Path) -> bool {
    first_volume_of(path).is_some_and(|first| first.is_file())
}

fn volume_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

struct RarBook {
    /// The first volume: UnRAR reads a split book from its start.
    path: PathBuf,
    entries: Vec<EntryInfo>,
    solid: bool,
    split: bool,
    window: Window,
}

/// A RAR error in words; UnRAR failing to open the next volume of a split book names it.
fn rar_error(path: &Path, split: bool, err: unrar::error::UnrarError) -> SrError {
    use unrar::error::Code;
    match err.code {
        Code::MissingPassword | Code::BadPassword => SrError::Encrypted(path.display().to_string()),
        Code::EOpen if split => match first_missing_volume(path) {
            Some(volume) => SrError::MissingVolume { path: path.display().to_string(), volume: volume_name(&volume) },
            None => corrupt(path, err),
        },
        _ => corrupt(path, err),
    }
}

impl RarBook {
    fn open(path: &Path, budget: u64) -> Result<Self> {
        let first = match first_volume_by_name(path) {
            Some(first) if is_later_volume(path) => first,
            _ => path.to_path_buf(),
        };
        if !first.exists() {
            return Err(SrError::MissingVolume { path: path.display().to_string(), volume: volume_name(&first) });
        }
        let listing = unrar::Archive::new(&first).open_for_listing().map_err(|e| rar_error(&first, false, e))?;
        if listing.has_encrypted_headers() {
            return Err(SrError::Encrypted(path.display().to_string()));
        }
        let solid = listing.is_solid();
        let split = listing.volume_info() != unrar::VolumeInfo::None;
        let mut entries = Vec::new();
        for header in listing {
            let header = header.map_err(|e| rar_error(&first, split, e))?;
            if entries.len() >= MAX_ENTRIES {
                return Err(corrupt(path, format!("it has more than {MAX_ENTRIES} entries")));
            }
            entries.push(EntryInfo {
                name: header.filename.to_string_lossy().replace('\\', "/"),
                size: header.unpacked_size,
                is_dir: header.is_directory(),
                encrypted: header.is_encrypted(),
            });
        }
        Ok(RarBook { path: first, entries, solid, split, window: Window::new(budget) })
    }

    fn error(&self, err: unrar::error::UnrarError) -> SrError {
        rar_error(&self.path, self.split, err)
    }

    /// One pass from the archive's start, for entry `index`. Entries before it are skipped, or
    /// tested (decompressed) in a solid archive. UnRAR stops at each entry's declared size.
    fn pass(&self, index: usize, max_bytes: u64, budget: u64) -> Result<Passed> {
        let mut pass = Pass::new(&self.path, &self.entries, index, max_bytes, budget);
        let decoded = self.decode(&mut pass);
        pass.finish(decoded)
    }

    fn decode(&self, pass: &mut Pass) -> Result<()> {
        let mut archive = unrar::Archive::new(&self.path).open_for_processing().map_err(|e| self.error(e))?;
        let mut index = 0;
        while index < self.entries.len() {
            let Some(header) = archive.read_header().map_err(|e| self.error(e))? else {
                break;
            };
            if header.entry().is_split_before() {
                // The rest of a file split across volumes, met again after skipping its start.
                archive = header.skip().map_err(|e| self.error(e))?;
                continue;
            }
            archive = match pass.step(index) {
                Step::Stop => break,
                Step::Keep => {
                    // Bounded: UnRAR stops at the declared size, checked against `max_bytes`.
                    let (bytes, rest) = header.read().map_err(|e| self.error(e))?;
                    pass.take(index, Ok(bytes));
                    rest
                }
                Step::Pass if self.solid => header.test().map_err(|e| self.error(e))?,
                Step::Pass => header.skip().map_err(|e| self.error(e))?,
            };
            index += 1;
        }
        Ok(())
    }
}

impl Archive for RarBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        check_declared(&self.path, &self.entries[index], max_bytes)?;
        if self.solid {
            self.window.read(|budget| self.pass(index, max_bytes, budget), index)
        } else {
            self.pass(index, max_bytes, 0).map(|(bytes, _)| bytes)
        }
    }

    fn held_bytes(&self) -> u64 {
        self.window.held_bytes()
    }

    fn release(&self) {
        self.window.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_names_follow_unrar() {
        let p = Path::new;
        assert_eq!(first_volume_by_name(p("/b/Vol.part03.rar")), Some(PathBuf::from("/b/Vol.part01.rar")));
        assert_eq!(first_volume_by_name(p("/b/Vol.PART2.RAR")), Some(PathBuf::from("/b/Vol.PART1.RAR")));
        assert_eq!(first_volume_by_name(p("/b/Vol.part1.rar")), None);
        assert_eq!(first_volume_by_name(p("/b/Vol.r00")), Some(PathBuf::from("/b/Vol.rar")));
        assert_eq!(first_volume_by_name(p("/b/Vol.rar")), None);
        assert_eq!(first_volume_by_name(p("/b/Vol 2.rar")), None);
        assert_eq!(next_volume(p("/b/Vol.part09.rar")), Some(PathBuf::from("/b/Vol.part10.rar")));
        assert_eq!(next_volume(p("/b/Vol.rar")), Some(PathBuf::from("/b/Vol.r00")));
        assert_eq!(next_volume(p("/b/Vol.r07")), Some(PathBuf::from("/b/Vol.r08")));
        assert_eq!(next_volume(p("/b/Vol.r99")), Some(PathBuf::from("/b/Vol.s00")));
    }
}
