//! Books: comic and manga archives (`.cbz`/`.zip`, `.cbr`/`.rar`, `.cb7`/`.7z`) as a list of
//! pages. The engine, the batch runner and the CLI see a book's pages as `ImageSource`s and never
//! care which container they came from.
//!
//! Pages are the image entries, in natural order across folders (`ch2/p2` before `ch2/p10`,
//! `ch2` before `ch10`). A book inside the book (a volume zipped from chapter archives) adds its
//! own pages in place. Other entries (`ComicInfo.xml`, `Thumbs.db`, `__MACOSX/`) are not pages;
//! they are kept as extras, which an export copies through.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::archive::{self, Archive};
use crate::error::{Result, SrError};
use crate::naming::{has_image_extension, natural_path_cmp};
use crate::session::lock;
use crate::source::{ImageSource, PageReader};

/// File extensions of books SRView opens.
pub const BOOK_EXTENSIONS: [&str; 6] = ["cbz", "zip", "cbr", "rar", "cb7", "7z"];
/// A book inside a book is read into memory to be opened; at most this big.
const NESTED_BOUND: u64 = 1024 * 1024 * 1024;

/// Whether a path has a book's extension (any case).
pub fn has_book_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| BOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// An entry that is not a page: metadata and the like.
fn is_junk(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("__macosx/")
        || lower.contains("/__macosx/")
        || lower
            .rsplit('/')
            .next()
            .is_some_and(|file| file.starts_with("._") || file == "thumbs.db" || file == ".ds_store")
}

/// Where a page is: an entry of the book, or an entry of a book inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Entry(usize),
    Nested { outer: usize, inner: usize },
}

#[derive(Debug, Clone)]
pub struct BookPage {
    /// The page's path inside the book, for display and for export names (`ch1/p01.png`,
    /// or `ch1.cbz/p01.png` inside a nested book).
    pub name: String,
    pub size: u64,
    place: Place,
}

/// An entry copied through when a book is exported (`ComicInfo.xml`).
#[derive(Debug, Clone)]
pub struct BookExtra {
    pub name: String,
    index: usize,
}

pub struct Book {
    pub path: PathBuf,
    pub pages: Vec<BookPage>,
    pub extras: Vec<BookExtra>,
    archive: Arc<dyn Archive>,
    /// The nested book read last (its entry in this book), kept for the pages that follow.
    nested: Mutex<Option<(usize, Arc<dyn Archive>)>>,
    max_bytes: u64,
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").field("path", &self.path).field("pages", &self.pages.len()).finish()
    }
}

impl Book {
    /// Opens a book and lists its pages (reading no page yet). `max_bytes` bounds each entry read.
    pub fn open(path: &Path, max_bytes: u64) -> Result<Arc<Book>> {
        let archive = archive::open_file(path)?;
        let mut pages = Vec::new();
        let mut extras = Vec::new();
        let mut encrypted = 0;
        for (index, entry) in archive.entries().iter().enumerate() {
            if entry.is_dir || is_junk(&entry.name) {
                continue;
            }
            let entry_path = Path::new(&entry.name);
            if has_image_extension(entry_path) {
                encrypted += usize::from(entry.encrypted);
                pages.push(BookPage { name: entry.name.clone(), size: entry.size, place: Place::Entry(index) });
            } else if has_book_extension(entry_path) && !entry.encrypted {
                // Listing a nested book means reading it; its bytes are let go after listing.
                let inner = archive.read(index, NESTED_BOUND)?;
                let inner = archive::open_bytes(&path.join(&entry.name), Arc::new(inner))?;
                for (inner_index, inner_entry) in inner.entries().iter().enumerate() {
                    if !inner_entry.is_dir
                        && !is_junk(&inner_entry.name)
                        && has_image_extension(Path::new(&inner_entry.name))
                    {
                        pages.push(BookPage {
                            name: format!("{}/{}", entry.name, inner_entry.name),
                            size: inner_entry.size,
                            place: Place::Nested { outer: index, inner: inner_index },
                        });
                    }
                }
            } else {
                extras.push(BookExtra { name: entry.name.clone(), index });
            }
        }
        if pages.is_empty() {
            return Err(SrError::NoPages(path.display().to_string()));
        }
        if encrypted == pages.len() {
            return Err(SrError::Encrypted(path.display().to_string()));
        }
        pages.sort_by(|a, b| natural_path_cmp(Path::new(&a.name), Path::new(&b.name)));
        Ok(Arc::new(Book { path: path.to_path_buf(), pages, extras, archive, nested: Mutex::new(None), max_bytes }))
    }

    /// The book's name without its extension (`Vol 1` for `Vol 1.cbz`).
    pub fn title(&self) -> String {
        self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Page `index` as a source the engine reads on demand.
    pub fn page(self: &Arc<Self>, index: usize) -> ImageSource {
        ImageSource::Page(Arc::new(PageOfBook { book: self.clone(), index }))
    }

    /// Reads page `index`'s bytes.
    pub fn read_page(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let page = &self.pages[index];
        match page.place {
            Place::Entry(entry) => self.archive.read(entry, max_bytes),
            Place::Nested { outer, inner } => self.nested_archive(outer)?.read(inner, max_bytes),
        }
    }

    /// Reads an extra entry's bytes (for export).
    pub fn read_extra(&self, extra: &BookExtra) -> Result<Vec<u8>> {
        self.archive.read(extra.index, self.max_bytes)
    }

    /// The nested book at entry `outer`, read again unless it was the last one read (pages are
    /// mostly read in order, so one kept in memory serves a chapter).
    fn nested_archive(&self, outer: usize) -> Result<Arc<dyn Archive>> {
        let mut nested = lock(&self.nested);
        if let Some((index, archive)) = nested.as_ref() {
            if *index == outer {
                return Ok(archive.clone());
            }
        }
        let bytes = self.archive.read(outer, NESTED_BOUND)?;
        let name = self.path.join(&self.archive.entries()[outer].name);
        let archive = archive::open_bytes(&name, Arc::new(bytes))?;
        *nested = Some((outer, archive.clone()));
        Ok(archive)
    }
}

/// One page of a book, read on demand.
pub struct PageOfBook {
    pub book: Arc<Book>,
    pub index: usize,
}

impl PageReader for PageOfBook {
    fn display_name(&self) -> String {
        format!("{} › {}", self.book.path.display(), self.book.pages[self.index].name)
    }

    fn file_name(&self) -> OsString {
        let name = &self.book.pages[self.index].name;
        OsString::from(name.rsplit('/').next().unwrap_or(name))
    }

    fn read(&self, max_bytes: u64) -> Result<Vec<u8>> {
        self.book.read_page(self.index, max_bytes)
    }

    fn path_in_container(&self) -> String {
        self.book.pages[self.index].name.clone()
    }

    fn identity(&self) -> String {
        let page = &self.book.pages[self.index];
        format!("{}#{}|{}", crate::source::file_identity(&self.book.path), page.name, page.size)
    }
}
