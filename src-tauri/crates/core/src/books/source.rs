//! Where an image comes from: a file, or a page of a book. The engine, the batch runner and
//! the CLI only see an `ImageSource`; they never care which container a page came from.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::io::Read;

use crate::error::{Result, SrError};

/// Reads a file, refusing one above `max_bytes` before reading it (and reading at most
/// `max_bytes + 1` bytes in any case, for files that grow or lie about their size).
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let display = || path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SrError::InputNotFound(display()),
        _ => SrError::io(path, e),
    })?;
    let meta = file.metadata().map_err(|e| SrError::io(path, e))?;
    if meta.is_dir() {
        return Err(SrError::NotAnImage { path: display() });
    }
    if meta.len() > max_bytes {
        return Err(SrError::FileTooLarge { path: display(), bytes: meta.len(), limit: max_bytes });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| SrError::io(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(SrError::FileTooLarge { path: display(), bytes: bytes.len() as u64, limit: max_bytes });
    }
    Ok(bytes)
}

/// A page that is read on demand, such as an entry of an archive.
pub trait PageReader: Send + Sync {
    /// How the page is named to a person: `book.cbz › ch1/012.png`.
    fn display_name(&self) -> String;
    /// The page's own file name, whose stem names exported files.
    fn file_name(&self) -> OsString;
    /// The page's bytes, refusing more than `max_bytes`.
    fn read(&self, max_bytes: u64) -> Result<Vec<u8>>;
    /// The page's path inside its container (`ch1/p01.png`), which exports mirror.
    fn path_in_container(&self) -> String;
    /// What identifies this version of the page without reading it (container path, size,
    /// modification time, entry), for the thumbnail cache.
    fn identity(&self) -> String;
}

#[derive(Clone)]
pub enum ImageSource {
    File(PathBuf),
    Page(Arc<dyn PageReader>),
}

impl fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageSource::File(path) => write!(f, "File({})", path.display()),
            ImageSource::Page(page) => write!(f, "Page({})", page.display_name()),
        }
    }
}

impl ImageSource {
    pub fn display_name(&self) -> String {
        match self {
            ImageSource::File(path) => path.display().to_string(),
            ImageSource::Page(page) => page.display_name(),
        }
    }

    /// The file on disk, when the source is one.
    pub fn file_path(&self) -> Option<&Path> {
        match self {
            ImageSource::File(path) => Some(path),
            ImageSource::Page(_) => None,
        }
    }

    /// The name exported files are derived from.
    pub fn file_name(&self) -> OsString {
        match self {
            ImageSource::File(path) => path.file_name().map(Into::into).unwrap_or_else(|| "image".into()),
            ImageSource::Page(page) => page.file_name(),
        }
    }

    /// What identifies this version of the image without reading it: its path, size and
    /// modification time (and entry, for a page of a book).
    pub fn identity(&self) -> String {
        match self {
            ImageSource::File(path) => file_identity(path),
            ImageSource::Page(page) => page.identity(),
        }
    }

    /// Reads the bytes, refusing a source above `max_bytes` before reading it.
    pub fn read(&self, max_bytes: u64) -> Result<Vec<u8>> {
        match self {
            ImageSource::File(path) => read_file(path, max_bytes),
            ImageSource::Page(page) => page.read(max_bytes),
        }
    }
}

/// `path|size|modified`, or just the path when it cannot be read.
pub fn file_identity(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}|{}|{modified}", path.display(), meta.len())
        }
        Err(_) => path.display().to_string(),
    }
}

impl From<PathBuf> for ImageSource {
    fn from(path: PathBuf) -> Self {
        ImageSource::File(path)
    }
}

impl From<&PathBuf> for ImageSource {
    fn from(path: &PathBuf) -> Self {
        ImageSource::File(path.clone())
    }
}

impl From<&Path> for ImageSource {
    fn from(path: &Path) -> Self {
        ImageSource::File(path.to_path_buf())
    }
}

impl From<&str> for ImageSource {
    fn from(path: &str) -> Self {
        ImageSource::File(PathBuf::from(path))
    }
}

impl From<String> for ImageSource {
    fn from(path: String) -> Self {
        ImageSource::File(PathBuf::from(path))
    }
}
