//! Books: comic and manga archives (`.cbz`/`.zip`, `.cbr`/`.rar`, `.cb7`/`.7z`) and PDFs as a
//! list of pages. The engine, the batch runner and the CLI see a book's pages as `ImageSource`s and never
//! care which container they came from.
//!
//! Pages are the image entries, in natural order across folders (`ch2/p2` before `ch2/p10`,
//! `ch2` before `ch10`). A book inside the book (a volume zipped from chapter archives) adds its
//! own pages in place. Other entries (`ComicInfo.xml`, `Thumbs.db`, `__MACOSX/`) are not pages;
//! they are kept as extras, which an export copies through.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use crate::books::archive::{self, is_pdf, Archive};
use crate::books::naming::{has_image_extension, natural_path_cmp};
use crate::books::source::{ImageSource, PageReader};
use crate::error::{Result, SrError};
use crate::limits::Limits;
use crate::sync::lock;

/// File extensions of books SRView opens.
pub const BOOK_EXTENSIONS: [&str; 7] = ["cbz", "zip", "cbr", "rar", "cb7", "7z", "pdf"];

/// Whether a path has a book's extension (any case), or is an old-style RAR volume (`.r00`).
pub fn has_book_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        let e = e.to_ascii_lowercase();
        BOOK_EXTENSIONS.contains(&e.as_str())
            || (e.len() == 3 && e.starts_with('r') && e[1..].bytes().all(|b| b.is_ascii_digit()))
    })
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
    /// The page's path inside the book, for display (`ch1/p01.png`, or `ch1.cbz/p01.png`
    /// inside a nested book); lossy where the archive's name is not UTF-8.
    pub name: String,
    /// The same path as the archive spells it, byte for byte: export names come from it.
    pub raw_name: Vec<u8>,
    pub size: u64,
    place: Place,
}

/// An entry copied through when a book is exported (`ComicInfo.xml`).
#[derive(Debug, Clone)]
pub struct BookExtra {
    pub name: String,
    pub raw_name: Vec<u8>,
    index: usize,
}

/// A book inside the book, read into memory: its entry in the outer book and its archive.
struct Nested {
    entry: usize,
    bytes: u64,
    archive: Arc<dyn Archive>,
}

/// A damaged book, opened with the pages that could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BookDamage {
    pub readable_pages: u32,
    /// The pages the damaged book still names: the readable ones and those cut off or garbled.
    pub pages_found: u32,
    /// The book stops short, so pages after the damage may be gone without a trace.
    pub end_missing: bool,
}

impl BookDamage {
    /// What a reader is told: "This book is damaged: 21 of 24 pages could be read.", or, where
    /// the book stops short and its length is unknowable, that its end is missing.
    pub fn message(&self) -> String {
        match (self.end_missing, self.readable_pages == self.pages_found) {
            (true, _) => {
                format!("This book is damaged and its end is missing: {} pages could be read.", self.readable_pages)
            }
            (false, true) => format!("This book is damaged: all {} pages could be read.", self.pages_found),
            (false, false) => {
                format!("This book is damaged: {} of {} pages could be read.", self.readable_pages, self.pages_found)
            }
        }
    }

    /// Pages are known to be lost: cut off, garbled, or after an end that is missing.
    pub fn lost_pages(&self) -> bool {
        self.end_missing || self.readable_pages < self.pages_found
    }
}

pub struct Book {
    pub path: PathBuf,
    pub pages: Vec<BookPage>,
    pub extras: Vec<BookExtra>,
    /// Set when the book is damaged and only some of its pages are listed.
    pub damage: Option<BookDamage>,
    archive: Arc<dyn Archive>,
    /// The nested book read last, kept for the pages that follow.
    nested: Mutex<Option<Nested>>,
    limits: Limits,
    /// The owner that counts this book's held bytes against its budget (none when opened alone).
    shelf: Option<Weak<dyn ReadBudget>>,
}

/// Who counts a book's decompressed bytes against a budget (the `Bookshelf`): told of every read.
pub(crate) trait ReadBudget: Send + Sync {
    fn used(&self, book: &Book);
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").field("path", &self.path).field("pages", &self.pages.len()).finish()
    }
}

impl Book {
    /// Opens a book and lists its pages (reading no page yet). `max_bytes` bounds each entry read.
    pub fn open(path: &Path, max_bytes: u64) -> Result<Arc<Book>> {
        Book::open_on(path, Limits { max_bytes, ..Limits::default() }, None)
    }

    /// `open`, with `shelf` told of every read.
    pub(crate) fn open_on(path: &Path, limits: Limits, shelf: Option<Weak<dyn ReadBudget>>) -> Result<Arc<Book>> {
        let archive = archive::open_file_within(path, &limits)?;
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
                pages.push(BookPage {
                    name: entry.name.clone(),
                    raw_name: archive.raw_name(index),
                    size: entry.size,
                    place: Place::Entry(index),
                });
            } else if has_book_extension(entry_path) && !is_pdf(entry_path) && !entry.encrypted {
                // Listing a nested book means reading it; its bytes are let go after listing.
                let inner = archive.read(index, limits.max_bytes)?;
                let inner = archive::open_bytes_within(&path.join(&entry.name), Arc::new(inner), &limits)?;
                let outer_name = archive.raw_name(index);
                for (inner_index, inner_entry) in inner.entries().iter().enumerate() {
                    if !inner_entry.is_dir
                        && !is_junk(&inner_entry.name)
                        && has_image_extension(Path::new(&inner_entry.name))
                    {
                        pages.push(BookPage {
                            name: format!("{}/{}", entry.name, inner_entry.name),
                            raw_name: [&outer_name[..], b"/", &inner.raw_name(inner_index)].concat(),
                            size: inner_entry.size,
                            place: Place::Nested { outer: index, inner: inner_index },
                        });
                    }
                }
            } else {
                extras.push(BookExtra { name: entry.name.clone(), raw_name: archive.raw_name(index), index });
            }
        }
        if pages.is_empty() {
            return Err(SrError::NoPages(path.display().to_string()));
        }
        if encrypted == pages.len() {
            return Err(SrError::Encrypted(path.display().to_string()));
        }
        pages.sort_by(|a, b| natural_path_cmp(Path::new(&a.name), Path::new(&b.name)));
        let damage = archive.recovery().map(|recovery| {
            let lost = recovery.lost.iter().filter(|name| !is_junk(name) && has_image_extension(Path::new(name)));
            BookDamage {
                readable_pages: pages.len() as u32,
                pages_found: (pages.len() + lost.count()) as u32,
                end_missing: recovery.end_missing,
            }
        });
        Ok(Arc::new(Book {
            path: path.to_path_buf(),
            pages,
            extras,
            damage,
            archive,
            nested: Mutex::new(None),
            limits,
            shelf,
        }))
    }

    /// Page `index` as a source the engine reads on demand.
    pub fn page(self: &Arc<Self>, index: usize) -> ImageSource {
        ImageSource::Page(Arc::new(PageOfBook { book: self.clone(), index }))
    }

    /// Reads page `index`'s bytes.
    pub fn read_page(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let page = &self.pages[index];
        let bytes = match page.place {
            Place::Entry(entry) => self.archive.read(entry, max_bytes),
            Place::Nested { outer, inner } => self.nested_archive(outer).and_then(|a| a.read(inner, max_bytes)),
        };
        self.tell_shelf();
        bytes
    }

    /// Pages made when read (a PDF's rendered pages) fit `width` × `height` pixels from now on.
    pub fn set_render_box(&self, width: u32, height: u32) {
        self.archive.set_render_box(width, height);
    }

    /// Reads an extra entry's bytes (for export).
    pub fn read_extra(&self, extra: &BookExtra) -> Result<Vec<u8>> {
        let bytes = self.archive.read(extra.index, self.limits.max_bytes);
        self.tell_shelf();
        bytes
    }

    /// Decompressed bytes this book holds between reads: its solid data, and the nested book
    /// kept in memory with its own solid data.
    pub fn held_bytes(&self) -> u64 {
        let nested = lock(&self.nested).as_ref().map_or(0, |n| n.bytes + n.archive.held_bytes());
        self.archive.held_bytes() + nested
    }

    /// Lets go of what `held_bytes` counts; later reads decompress again.
    pub fn release(&self) {
        lock(&self.nested).take();
        self.archive.release();
    }

    fn tell_shelf(&self) {
        if let Some(shelf) = self.shelf.as_ref().and_then(Weak::upgrade) {
            shelf.used(self);
        }
    }

    /// The nested book at entry `outer`, read again unless it was the last one read (pages are
    /// mostly read in order, so one kept in memory serves a chapter).
    fn nested_archive(&self, outer: usize) -> Result<Arc<dyn Archive>> {
        if let Some(nested) = lock(&self.nested).as_ref().filter(|n| n.entry == outer) {
            return Ok(nested.archive.clone());
        }
        // Read with the lock released, so `held_bytes` never waits on a decompression.
        let bytes = Arc::new(self.archive.read(outer, self.limits.max_bytes)?);
        let name = self.path.join(&self.archive.entries()[outer].name);
        let archive = archive::open_bytes_within(&name, bytes.clone(), &self.limits)?;
        *lock(&self.nested) = Some(Nested { entry: outer, bytes: bytes.len() as u64, archive: archive.clone() });
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
        let name = &self.book.pages[self.index].raw_name;
        OsString::from_vec(name.rsplit(|&b| b == b'/').next().unwrap_or(name).to_vec())
    }

    fn read(&self, max_bytes: u64) -> Result<Vec<u8>> {
        self.book.read_page(self.index, max_bytes)
    }

    fn path_in_container(&self) -> String {
        self.book.pages[self.index].name.clone()
    }

    fn identity(&self) -> String {
        let page = &self.book.pages[self.index];
        let name = match std::str::from_utf8(&page.raw_name) {
            Ok(name) => name.to_owned(),
            Err(_) => page.raw_name.escape_ascii().to_string(),
        };
        let rendered = match page.place {
            Place::Entry(entry) => self.book.archive.render_key(entry).map(|key| format!("|{key}")),
            Place::Nested { .. } => None,
        };
        format!(
            "{}#{name}|{}{}",
            crate::books::source::file_identity(&self.book.path),
            page.size,
            rendered.unwrap_or_default()
        )
    }
}
