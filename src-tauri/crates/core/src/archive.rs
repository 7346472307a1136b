//! Reading entries of zip, 7z and RAR archives, one entry at a time, with every size bounded.
//!
//! Nothing is ever extracted to a named path, so entry names such as `../../etc/passwd` are
//! only names. Zip entries and entries of non-solid 7z and RAR archives are read on demand,
//! streamed from the file. A solid archive can only be decompressed from its start, so its
//! image entries are decompressed once, into memory, up to `SOLID_BOUND` bytes in all.

use std::fs::File;
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Result, SrError};
use crate::session::lock;

/// A solid archive's entries in archive order, decompressed once (`None`: not a file).
type SolidEntries = Arc<Vec<Option<Vec<u8>>>>;

/// The most bytes a solid archive's entries may take in memory once decompressed.
pub const SOLID_BOUND: u64 = 1024 * 1024 * 1024;
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

/// Opens the archive at `path`, of the kind its first bytes say.
pub fn open_file(path: &Path) -> Result<Arc<dyn Archive>> {
    let mut head = [0u8; 8];
    let mut file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SrError::InputNotFound(path.display().to_string()),
        _ => SrError::io(path, e),
    })?;
    let read = file.read(&mut head).map_err(|e| SrError::io(path, e))?;
    match ArchiveKind::sniff(&head[..read]) {
        Some(ArchiveKind::Zip) => Ok(Arc::new(ZipBook::open(path, file)?)),
        Some(ArchiveKind::SevenZip) => {
            Ok(Arc::new(SevenZipBook::open(path.to_path_buf(), Source::File(path.to_path_buf()))?))
        }
        Some(ArchiveKind::Rar) => Ok(Arc::new(RarBook::open(path)?)),
        None if read == 0 => Err(corrupt(path, "the file is empty")),
        None => Err(corrupt(path, "it is not a zip, 7z or RAR archive")),
    }
}

/// Opens an archive held in memory (a book inside a book); RAR needs a file, so it is refused.
pub fn open_bytes(name: &Path, bytes: Arc<Vec<u8>>) -> Result<Arc<dyn Archive>> {
    match ArchiveKind::sniff(&bytes) {
        Some(ArchiveKind::Zip) => Ok(Arc::new(ZipBook::open(name, SharedBytes(bytes))?)),
        Some(ArchiveKind::SevenZip) => Ok(Arc::new(SevenZipBook::open(name.to_path_buf(), Source::Memory(bytes))?)),
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

// ---- zip ----

struct ZipBook {
    path: PathBuf,
    archive: Mutex<zip::ZipArchive<Box<dyn ReadSeek>>>,
    entries: Vec<EntryInfo>,
    raw_names: Vec<Vec<u8>>,
}

impl ZipBook {
    fn open<R: IntoReader>(path: &Path, source: R) -> Result<Self> {
        let archive = zip::ZipArchive::new(source.into_reader()).map_err(|e| corrupt(path, e))?;
        if archive.len() > MAX_ENTRIES {
            return Err(corrupt(path, format!("it has {} entries, more than {MAX_ENTRIES}", archive.len())));
        }
        let mut archive = archive;
        let mut entries = Vec::with_capacity(archive.len());
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
        }
        Ok(ZipBook { path: path.to_path_buf(), archive: Mutex::new(archive), entries, raw_names })
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
    /// A solid archive's entries, decompressed once on first use.
    solid: Mutex<Option<SolidEntries>>,
}

fn seven_error(path: &Path, err: sevenz_rust2::Error) -> SrError {
    match err {
        sevenz_rust2::Error::PasswordRequired | sevenz_rust2::Error::MaybeBadPassword(_) => {
            SrError::Encrypted(path.display().to_string())
        }
        other => corrupt(path, other),
    }
}

impl SevenZipBook {
    fn open(path: PathBuf, source: Source) -> Result<Self> {
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
        Ok(SevenZipBook { path, source, archive, entries, solid: Mutex::new(None) })
    }

    /// Decompresses every entry of a solid archive once, bounded in all by `SOLID_BOUND`.
    fn decompress_all(&self, max_bytes: u64) -> Result<SolidEntries> {
        let mut cached = lock(&self.solid);
        if let Some(all) = cached.as_ref() {
            return Ok(all.clone());
        }
        let declared: u64 = self.entries.iter().map(|e| e.size).sum();
        if declared > SOLID_BOUND {
            return Err(corrupt(&self.path, format!("it is a solid archive of {declared} bytes, above the {SOLID_BOUND} that SRView decompresses at once")));
        }
        let reader = self.source.reader().map_err(|e| SrError::io(&self.path, e))?;
        let mut archive_reader =
            sevenz_rust2::ArchiveReader::from_archive(self.archive.clone(), reader, sevenz_rust2::Password::empty());
        let mut all: Vec<Option<Vec<u8>>> = vec![None; self.entries.len()];
        let mut total = 0u64;
        let mut failure = None;
        let first = archive_reader.archive().files.as_ptr();
        archive_reader
            .for_each_entries(|entry: &sevenz_rust2::ArchiveEntry, data: &mut dyn Read| {
                // SAFETY: `entry` is an element of the reader's `files`, which starts at `first`.
                let position = unsafe { (entry as *const sevenz_rust2::ArchiveEntry).offset_from(first) } as usize;
                if entry.is_directory || position >= all.len() {
                    return Ok(true);
                }
                let info = &self.entries[position];
                match read_bounded(&self.path, info, data, max_bytes) {
                    Ok(bytes) => {
                        total += bytes.len() as u64;
                        all[position] = Some(bytes);
                        Ok(total <= SOLID_BOUND)
                    }
                    Err(err) => {
                        failure = Some(err);
                        Ok(false)
                    }
                }
            })
            .map_err(|e| seven_error(&self.path, e))?;
        if let Some(err) = failure {
            return Err(err);
        }
        let all = Arc::new(all);
        *cached = Some(all.clone());
        Ok(all)
    }
}

impl Archive for SevenZipBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let entry = &self.entries[index];
        check_declared(&self.path, entry, max_bytes)?;
        if self.archive.is_solid {
            let all = self.decompress_all(max_bytes)?;
            return all[index].clone().ok_or_else(|| corrupt(&self.path, format!("{} could not be read", entry.name)));
        }
        // Non-solid: each entry is its own block, which decodes to exactly its declared size.
        let reader = self.source.reader().map_err(|e| SrError::io(&self.path, e))?;
        let mut archive_reader =
            sevenz_rust2::ArchiveReader::from_archive(self.archive.clone(), reader, sevenz_rust2::Password::empty());
        archive_reader.read_file(&self.archive.files[index].name).map_err(|e| seven_error(&self.path, e))
    }

    fn held_bytes(&self) -> u64 {
        lock(&self.solid).as_ref().map_or(0, |all| solid_size(all))
    }

    fn release(&self) {
        lock(&self.solid).take();
    }
}

/// The bytes a solid archive's decompressed entries take.
fn solid_size(entries: &[Option<Vec<u8>>]) -> u64 {
    entries.iter().flatten().map(|bytes| bytes.len() as u64).sum()
}

// ---- RAR ----

struct RarBook {
    path: PathBuf,
    entries: Vec<EntryInfo>,
    solid: bool,
    cache: Mutex<Option<SolidEntries>>,
}

fn rar_error(path: &Path, err: unrar::error::UnrarError) -> SrError {
    use unrar::error::Code;
    match err.code {
        Code::MissingPassword | Code::BadPassword => SrError::Encrypted(path.display().to_string()),
        _ => corrupt(path, err),
    }
}

impl RarBook {
    fn open(path: &Path) -> Result<Self> {
        let listing = unrar::Archive::new(path).open_for_listing().map_err(|e| rar_error(path, e))?;
        if listing.has_encrypted_headers() {
            return Err(SrError::Encrypted(path.display().to_string()));
        }
        let solid = listing.is_solid();
        let mut entries = Vec::new();
        for header in listing {
            let header = header.map_err(|e| rar_error(path, e))?;
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
        Ok(RarBook { path: path.to_path_buf(), entries, solid, cache: Mutex::new(None) })
    }

    /// Walks the archive from its start, reading the entries `wanted` says and skipping the rest.
    /// UnRAR stops at each entry's declared size, so checking that size bounds what is read.
    fn walk(&self, max_bytes: u64, wanted: impl Fn(usize) -> bool) -> Result<Vec<Option<Vec<u8>>>> {
        let mut out = vec![None; self.entries.len()];
        let mut archive =
            unrar::Archive::new(&self.path).open_for_processing().map_err(|e| rar_error(&self.path, e))?;
        let mut index = 0;
        let mut total = 0u64;
        while let Some(header) = archive.read_header().map_err(|e| rar_error(&self.path, e))? {
            let entry = self.entries.get(index).cloned();
            archive = match entry {
                Some(entry) if wanted(index) && !entry.is_dir => {
                    check_declared(&self.path, &entry, max_bytes)?;
                    total += entry.size;
                    if total > SOLID_BOUND {
                        return Err(corrupt(
                            &self.path,
                            format!("more than {SOLID_BOUND} bytes would be decompressed at once"),
                        ));
                    }
                    let (bytes, rest) = header.read().map_err(|e| rar_error(&self.path, e))?;
                    out[index] = Some(bytes);
                    rest
                }
                _ if self.solid => header.test().map_err(|e| rar_error(&self.path, e))?,
                _ => header.skip().map_err(|e| rar_error(&self.path, e))?,
            };
            index += 1;
        }
        Ok(out)
    }
}

impl Archive for RarBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let entry = &self.entries[index];
        check_declared(&self.path, entry, max_bytes)?;
        let missing = || corrupt(&self.path, format!("{} could not be read", entry.name));
        if !self.solid {
            return self.walk(max_bytes, |i| i == index)?.swap_remove(index).ok_or_else(missing);
        }
        let mut cache = lock(&self.cache);
        if cache.is_none() {
            let images: Vec<bool> =
                self.entries.iter().map(|e| crate::naming::has_image_extension(Path::new(&e.name))).collect();
            *cache = Some(Arc::new(self.walk(max_bytes, |i| images[i] || i == index)?));
        }
        cache.as_ref().and_then(|all| all[index].clone()).ok_or_else(missing)
    }

    fn held_bytes(&self) -> u64 {
        lock(&self.cache).as_ref().map_or(0, |all| solid_size(all))
    }

    fn release(&self) {
        lock(&self.cache).take();
    }
}
