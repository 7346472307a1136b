//! Reading entries of zip, 7z and RAR archives, one entry at a time, with every size bounded.
//!
//! Nothing is ever extracted to a named path, so entry names such as `../../etc/passwd` are
//! only names. Zip entries and entries of non-solid 7z and RAR archives are read on demand,
//! streamed from the file. A solid block can only be decompressed from its start: reading one
//! of its entries decodes the block up to it, then keeps it and the entries after it while they
//! fit in `Limits::max_decompressed_bytes`, so pages read in order decode the block about once.
//! A split RAR book (`Book.part1.rar`, `Book.part2.rar`, … or `Book.rar`, `Book.r00`, …) opens
//! as one book from any of its parts. A zip whose central directory is missing (cut short)
//! opens with the entries that read whole, found from their local headers. A PDF's pages are
//! its entries (`pdf_book`).

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;
use std::sync::Arc;

use crate::error::{Result, SrError};
use crate::limits::Limits;

mod pdf_book;
mod rar_book;
mod seven_zip_book;
mod solid;
mod volumes;
mod zip_book;
mod zip_recovery;

use pdf_book::PdfBook;
use rar_book::RarBook;
use seven_zip_book::{SevenZipBook, Source};
pub use volumes::{first_volume_of, is_later_volume, listed_by_its_first_volume};
use zip_recovery::open_zip;

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
    /// For a damaged archive opened with what could be read: what was lost.
    fn recovery(&self) -> Option<&Recovery> {
        None
    }
    /// What entry `index`'s bytes depend on besides the file, for a page made when it is read
    /// (a PDF page rendered at some DPI); part of the page's identity.
    fn render_key(&self, _index: usize) -> Option<String> {
        None
    }
    /// Pages made when read (a PDF's rendered pages) are made to fit `width` × `height` pixels
    /// from now on (`Limits::render_width`).
    fn set_render_box(&self, _width: u32, _height: u32) {}
}

/// Whether the path names a PDF (`.pdf`, any case).
pub fn is_pdf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// What a damaged archive lost: the entries found whose data is cut off or does not match its
/// checksum. Entries after the damage, whose headers are gone too, cannot be known.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    pub lost: Vec<String>,
    /// The archive stops short: whatever came after the damage is gone, so the book's own
    /// page count cannot be known.
    pub end_missing: bool,
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
    if is_pdf(path) {
        return Ok(Arc::new(PdfBook::open(path, limits)?));
    }
    let mut head = [0u8; 8];
    let mut file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SrError::InputNotFound(path.display().to_string()),
        _ => SrError::io(path, e),
    })?;
    let read = file.read(&mut head).map_err(|e| SrError::io(path, e))?;
    let budget = limits.max_decompressed_bytes;
    match ArchiveKind::sniff(&head[..read]) {
        Some(ArchiveKind::Zip) => open_zip(path, Source::File(path.to_path_buf()), limits.max_bytes),
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
        Some(ArchiveKind::Zip) => open_zip(name, Source::Memory(bytes), limits.max_bytes),
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
