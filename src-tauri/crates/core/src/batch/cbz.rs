//! Writing a `.cbz`: entries stored in page order into a file that gets its name only once
//! it is whole.

use std::io::Write;
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
        Ok(CbzWriter { zip: zip::ZipWriter::new(std::io::BufWriter::new(PendingFileWriter(pending))), written: 0 })
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
