//! Writing a `.cbz`: entries stored in page order into a file that gets its name only once
//! it is whole, with SRView's mark in the archive comment.

use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::batch::plan::CbzPlan;
use crate::books::book::Book;
use crate::error::{Result, SrError};
use crate::store::export::{Overwrite, PendingFile};

/// A `.cbz` being written: entries are stored, not compressed (WebP and PNG do not shrink).
/// Its calls block (file writes, fsync, reading extras): they run on blocking threads.
pub(super) struct CbzWriter {
    zip: zip::ZipWriter<std::io::BufWriter<PendingFileWriter>>,
    pub written: usize,
}

/// The archive comment of every `.cbz` SRView writes: how its own exports are told from books.
pub const EXPORT_MARK: &str = "Upscaled by SRView";

/// The end of central directory record without its comment: signature to comment length.
const END_RECORD_LEN: usize = 22;

/// Whether `path` is a zip that SRView wrote: its archive comment is `EXPORT_MARK`. Reads the
/// file's last bytes only; blocking.
pub fn is_srview_export(path: &Path) -> bool {
    let tail_len = (END_RECORD_LEN + EXPORT_MARK.len()) as u64;
    let read_tail = || -> std::io::Result<Vec<u8>> {
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len < tail_len {
            return Ok(Vec::new());
        }
        file.seek(std::io::SeekFrom::Start(len - tail_len))?;
        let mut tail = Vec::with_capacity(tail_len as usize);
        file.take(tail_len).read_to_end(&mut tail)?;
        Ok(tail)
    };
    let Ok(tail) = read_tail() else { return false };
    let (record, comment) = tail.split_at(tail.len().min(END_RECORD_LEN));
    record.len() == END_RECORD_LEN
        && record.starts_with(b"PK\x05\x06")
        && usize::from(u16::from_le_bytes([record[20], record[21]])) == EXPORT_MARK.len()
        && comment == EXPORT_MARK.as_bytes()
}

/// `PendingFile` as a `Write + Seek` for the zip writer.
struct PendingFileWriter(PendingFile);

impl Write for PendingFileWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.file().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.file().flush()
    }
}

impl std::io::Seek for PendingFileWriter {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.file().seek(pos)
    }
}

fn zip_failed(target: &Path, err: impl std::fmt::Display) -> SrError {
    SrError::Io { path: target.display().to_string(), source: std::io::Error::other(err.to_string()) }
}

impl CbzWriter {
    pub fn create(target: &Path) -> Result<Self> {
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let pending = PendingFile::create_in(folder)?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(PendingFileWriter(pending)));
        zip.set_comment(EXPORT_MARK).map_err(|e| zip_failed(target, e))?;
        Ok(CbzWriter { zip, written: 0 })
    }

    /// Adds an entry named by `name`'s bytes, UTF-8 or not.
    pub fn add(&mut self, target: &Path, name: &[u8], bytes: &[u8]) -> Result<()> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(false)
            .name(name);
        self.zip.start_file_with_options(options).map_err(|e| zip_failed(target, e))?;
        self.zip.write_all(bytes).map_err(|e| zip_failed(target, e))?;
        self.written += 1;
        Ok(())
    }

    /// Copies the book's extras (`ComicInfo.xml`) under their planned names and gives the
    /// archive its name. An extra that cannot be read (encrypted, over the limits) is left out:
    /// the pages are what was asked for.
    pub fn finish(mut self, plan: &CbzPlan, book: &Book, overwrite: Overwrite) -> Result<()> {
        let target = &plan.target;
        for (extra, name) in book.extras.iter().zip(&plan.extras) {
            match book.read_extra(extra) {
                Ok(bytes) => self.add(target, name, &bytes)?,
                Err(err) => {
                    tracing::warn!(book = %book.path.display(), extra = %extra.name, kind = err.kind(), "{err}; the extra is left out of the .cbz")
                }
            }
        }
        let buffered = self.zip.finish().map_err(|e| zip_failed(target, e))?;
        let PendingFileWriter(pending) = buffered.into_inner().map_err(|e| zip_failed(target, e))?;
        pending.persist(target, overwrite)
    }
}

/// The state of one `.cbz` while the batch runs.
pub(super) enum CbzState {
    /// No page has arrived yet.
    Waiting,
    Writing(Box<CbzWriter>),
    /// Written, or given up after a failed page: nothing more is written for it.
    Closed,
}
