//! What a user opened: a folder of images, a book, or a folder of books. Each page gets an id;
//! the webview and the upscale commands refer to pages by id, so only what the user opened can
//! be read, and names that are not UTF-8 work.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use srview_core::books::book::has_book_extension;
use srview_core::books::naming::{has_image_extension, natural_cmp};
use srview_core::sync::lock;
use srview_core::{Book, Bookshelf, ImageSource, Limits, SrError};

use crate::access::opened_page;
use crate::error::{blocking, AppError, AppResult};
use crate::export::ExportRecord;
use crate::protocol;
use crate::shelf::{Covers, ShelfBook};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImageEntry {
    pub id: u32,
    /// The file or page name, for display (lossy when it is not UTF-8).
    pub name: String,
    /// A URL the webview loads the original from.
    pub url: String,
    /// A small thumbnail made in Rust.
    pub thumbnail_url: String,
    pub animated: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BookEntry {
    pub path: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Serialize, specta::Type, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum LocationKind {
    Folder,
    Book,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenedLocation {
    pub kind: LocationKind,
    /// The folder or book's name, for display.
    pub title: String,
    /// The folder or book opened; a book's last page is remembered under it.
    pub path: String,
    pub images: Vec<ImageEntry>,
    /// Index of the image to show first (the file itself when a file was opened).
    pub start_index: u32,
    /// The books in the opened folder (or, for a book, in its folder), in natural order.
    pub books: Vec<BookEntry>,
    /// For a book: the books before and after it in its folder.
    pub previous_book: Option<BookEntry>,
    pub next_book: Option<BookEntry>,
    /// For a damaged book opened with the pages that could be read: how many, in words.
    pub damage: Option<BookDamageNote>,
}

/// A damaged book's pages read and found, and the sentence that says so.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BookDamageNote {
    pub readable_pages: u32,
    pub pages_found: u32,
    pub message: String,
}

impl From<srview_core::books::book::BookDamage> for BookDamageNote {
    fn from(damage: srview_core::books::book::BookDamage) -> Self {
        let message = damage.message();
        BookDamageNote { readable_pages: damage.readable_pages, pages_found: damage.pages_found, message }
    }
}

/// A page's size, or why it cannot be shown.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub id: u32,
    pub width: u32,
    pub height: u32,
    /// Why the page cannot be shown (`{kind, message}`), when it cannot: damaged, or above the
    /// limits (`image_too_large` and `too_many_frames` give its size and the limit).
    pub problem: Option<SrError>,
}

/// Why a location cannot be opened.
#[derive(Debug)]
pub enum OpenError {
    NotFound(PathBuf),
    NotAnImage(PathBuf),
    Book(SrError),
    Io(PathBuf, std::io::Error),
}

impl From<OpenError> for AppError {
    fn from(err: OpenError) -> Self {
        match err {
            OpenError::NotFound(p) => AppError::NotFound(p.display().to_string()),
            OpenError::NotAnImage(p) => AppError::Engine(SrError::NotAnImage { path: p.display().to_string() }),
            OpenError::Book(err) => AppError::Engine(err),
            OpenError::Io(p, err) => AppError::Engine(SrError::Io { path: p.display().to_string(), source: err }),
        }
    }
}

/// What was found at a location, before ids are given out.
pub struct Listing {
    pub kind: LocationKind,
    pub path: PathBuf,
    /// The book opened, for a book.
    pub book: Option<Arc<Book>>,
    pub pages: Vec<(ImageSource, bool)>,
    pub start_index: u32,
    pub books: Vec<PathBuf>,
    pub previous_book: Option<PathBuf>,
    pub next_book: Option<PathBuf>,
}

fn sorted(mut paths: Vec<PathBuf>) -> Vec<PathBuf> {
    paths.sort_by(|a, b| natural_cmp(a.file_name().unwrap_or_default(), b.file_name().unwrap_or_default()));
    paths
}

/// Whether `folder` holds an image directly: a folder of images is a book too.
pub(crate) fn holds_images(folder: &Path) -> bool {
    std::fs::read_dir(folder)
        .map(|entries| entries.flatten().any(|e| has_image_extension(&e.path()) && e.path().is_file()))
        .unwrap_or(false)
}

/// How deep below a listed folder its images or books may lie (`Library/Series/Vol 1/*.png`).
const BOOK_DEPTH: u32 = 3;

/// Whether `folder` leads to something to read within `depth` levels: images, an archive, or a
/// sub-folder that does. What SRView's exports wrote leads nowhere.
fn leads_to_books(folder: &Path, depth: u32, outputs: &ExportRecord) -> bool {
    if depth == 0 || outputs.wrote(folder) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(folder) else { return false };
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            folders.push(path);
        } else if has_image_extension(&path) || (has_book_extension(&path) && !outputs.wrote(&path)) {
            return true;
        }
    }
    folders.iter().any(|f| leads_to_books(f, depth - 1, outputs))
}

/// The images and the books directly in `folder` (archives, and sub-folders that hold images or
/// books within `BOOK_DEPTH` levels), each in natural order. What SRView's exports wrote is not a book (`outputs`).
fn folder_contents(folder: &Path, outputs: &ExportRecord) -> Result<(Vec<PathBuf>, Vec<PathBuf>), OpenError> {
    let mut images = Vec::new();
    let mut books = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| OpenError::Io(folder.to_path_buf(), e))?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if leads_to_books(&path, BOOK_DEPTH, outputs) {
                books.push(path);
            }
            continue;
        }
        if !path.is_file() {
            continue;
        }
        if has_image_extension(&path) {
            images.push(path);
        } else if has_book_extension(&path)
            && !srview_core::books::archive::listed_by_its_first_volume(&path)
            && !outputs.wrote(&path)
        {
            books.push(path);
        }
    }
    Ok((sorted(images), sorted(books)))
}

/// Lists what `location` is: a book (opened through `shelf`), a folder (its images and books),
/// or an image (its folder, with it selected); `outputs` are never listed as books. Blocking:
/// it reads folders and a book's index.
pub fn list(location: &Path, shelf: &Bookshelf, outputs: &ExportRecord) -> Result<Listing, OpenError> {
    let location = location.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OpenError::NotFound(location.to_path_buf()),
        _ => OpenError::Io(location.to_path_buf(), e),
    })?;
    if location.is_dir() {
        let (images, books) = folder_contents(&location, outputs)?;
        if !images.is_empty() && books.is_empty() {
            return folder_book(location, images, outputs);
        }
        let pages = file_pages(images);
        return Ok(Listing {
            kind: LocationKind::Folder,
            path: location,
            book: None,
            pages,
            start_index: 0,
            books,
            previous_book: None,
            next_book: None,
        });
    }
    let folder = location.parent().map(Path::to_path_buf).unwrap_or_default();
    if has_book_extension(&location) {
        let book = shelf.open(&location).map_err(OpenError::Book)?;
        let (_, books) = folder_contents(&folder, outputs)?;
        let (previous_book, next_book) = neighbours(&books, &location);
        let pages = (0..book.pages.len()).map(|i| (book.page(i), false)).collect();
        return Ok(Listing {
            kind: LocationKind::Book,
            path: location,
            book: Some(book),
            pages,
            start_index: 0,
            books,
            previous_book,
            next_book,
        });
    }
    if !has_image_extension(&location) {
        return Err(OpenError::NotAnImage(location));
    }
    let (images, books) = folder_contents(&folder, outputs)?;
    let start_index = images.iter().position(|f| *f == location).unwrap_or(0) as u32;
    let pages = file_pages(images);
    Ok(Listing {
        kind: LocationKind::Folder,
        path: folder,
        book: None,
        pages,
        start_index,
        books,
        previous_book: None,
        next_book: None,
    })
}

/// A folder of images and nothing else read as a book, as an archive is: beside its sibling
/// books, with the one before and after it.
fn folder_book(location: PathBuf, images: Vec<PathBuf>, outputs: &ExportRecord) -> Result<Listing, OpenError> {
    let (books, previous_book, next_book) = match location.parent() {
        Some(parent) => {
            let (_, books) = folder_contents(parent, outputs)?;
            let (previous_book, next_book) = neighbours(&books, &location);
            (books, previous_book, next_book)
        }
        None => (Vec::new(), None, None),
    };
    let pages = file_pages(images);
    Ok(Listing {
        kind: LocationKind::Book,
        path: location,
        book: None,
        pages,
        start_index: 0,
        books,
        previous_book,
        next_book,
    })
}

/// The books before and after `here` that can be read as books: archives and folders of
/// images. A folder of books (`Series/Vol 1/…`) is a shelf, never offered as the next book.
fn neighbours(books: &[PathBuf], here: &Path) -> (Option<PathBuf>, Option<PathBuf>) {
    let readable = |book: &&PathBuf| !book.is_dir() || holds_images(book);
    let Some(i) = books.iter().position(|b| b == here) else { return (None, None) };
    (books[..i].iter().rev().find(readable).cloned(), books[i + 1..].iter().find(readable).cloned())
}

/// A folder's image files as pages, each marked animated or not from its first bytes.
fn file_pages(images: Vec<PathBuf>) -> Vec<(ImageSource, bool)> {
    images
        .into_iter()
        .map(|path| {
            let animated = read_head(&path).is_some_and(|head| srview_core::books::input::looks_animated(&head));
            (ImageSource::File(path), animated)
        })
        .collect()
}

fn read_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).ok()?.take(4096).read_to_end(&mut head).ok()?;
    Some(head)
}

/// A book's name: an archive's file name without its extension, a folder's name.
fn book_name(path: &Path) -> String {
    let name = if path.is_dir() { path.file_name() } else { path.file_stem() };
    name.map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn book_entry(path: &Path) -> BookEntry {
    BookEntry { path: path.display().to_string(), name: book_name(path) }
}

/// Locations kept besides the one on screen; older ones are forgotten with their books.
pub const RECENT_LOCATIONS: usize = 8;

/// An opened location: its pages have the ids `first_id..first_id + pages.len()`.
struct Location {
    path: PathBuf,
    first_id: u32,
    pages: Vec<ImageSource>,
    book: Option<Arc<Book>>,
}

#[derive(Default)]
struct Opened {
    /// The location on screen first, then the others by how recently they were used.
    locations: VecDeque<Location>,
    last_id: u32,
}

/// The managed state of what the user opened: the pages, by id, and the locations (folders,
/// books) they came from. It keeps the location on screen and a few recent ones; a book not on
/// screen lets go of its decompressed data, and every book's data counts against one budget
/// (the shelf's). It also holds the location given on the command line.
#[derive(Clone)]
pub struct Gallery {
    shelf: Bookshelf,
    /// Sizes and frame counts pages are checked against.
    limits: Limits,
    opened: Arc<Mutex<Opened>>,
    initial_location: Option<PathBuf>,
    /// What SRView's exports wrote: never listed as books.
    outputs: ExportRecord,
    covers: Covers,
}

impl Gallery {
    /// Books open within the size limits of `limits` (the engine's); their other limits are the defaults.
    pub fn new(limits: Limits) -> Self {
        let shelf =
            Bookshelf::new(Limits { max_bytes: limits.max_bytes, max_pixels: limits.max_pixels, ..Limits::default() });
        Gallery {
            shelf,
            limits,
            opened: Arc::default(),
            initial_location: None,
            outputs: ExportRecord::default(),
            covers: Covers::default(),
        }
    }

    /// With the record of what exports wrote, which is never listed as books.
    pub fn with_outputs(self, outputs: ExportRecord) -> Self {
        Gallery { outputs, ..self }
    }

    /// With the location to open first (`srview-app PATH`).
    pub fn with_initial_location(self, initial_location: Option<PathBuf>) -> Self {
        Gallery { initial_location, ..self }
    }

    pub fn initial_location(&self) -> Option<&Path> {
        self.initial_location.as_deref()
    }

    /// Opens a folder, a book or an image (its folder), and gives its pages ids.
    pub async fn open(&self, path: &str) -> AppResult<OpenedLocation> {
        let location = PathBuf::from(path);
        let gallery = self.clone();
        let listed = blocking(move || {
            list(&location, gallery.bookshelf(), &gallery.outputs)
                .map(|listing| gallery.register(listing, protocol::page_url, protocol::thumbnail_url))
        });
        Ok(listed.await??)
    }

    /// The sizes of opened pages from their headers, within the limits, and with `check` whether
    /// they decode whole. Any id not opened is `not_opened`.
    pub async fn page_info(&self, page_ids: Vec<u32>, check: bool) -> AppResult<Vec<PageInfo>> {
        let pages: Vec<(u32, ImageSource)> =
            page_ids.into_iter().map(|id| opened_page(self, id).map(|s| (id, s))).collect::<AppResult<_>>()?;
        let limits = self.limits;
        blocking(move || pages.iter().map(|(id, source)| page_info(*id, source, &limits, check)).collect()).await
    }

    /// The books beside the opened `location` (in the folder opened, or the folder of the book
    /// opened), as they are now, each with its cover's URL. Any other path is `not_opened`.
    pub async fn shelf_books(&self, location: &str) -> AppResult<Vec<ShelfBook>> {
        let path = PathBuf::from(location);
        if !self.is_opened_location(&path) {
            return Err(AppError::NotOpened(location.to_owned()));
        }
        let (outputs, covers) = (self.outputs.clone(), self.covers.clone());
        let books = blocking(move || -> Result<Vec<ShelfBook>, OpenError> {
            let parent = path.parent().unwrap_or(Path::new("/"));
            let folder = if path.is_dir() { path.as_path() } else { parent };
            let (images, mut books) = folder_contents(folder, &outputs)?;
            // A folder book (images and no books) sits beside its siblings, as an archive does.
            if path.is_dir() && !images.is_empty() && books.is_empty() {
                books = folder_contents(parent, &outputs)?.1;
            }
            Ok(books.iter().map(|book| covers.shelf_book(book, book_name(book))).collect())
        })
        .await??;
        Ok(books)
    }

    /// The book or folder whose cover is `id`, if it was listed.
    pub fn cover(&self, id: u32) -> Option<PathBuf> {
        self.covers.book(id)
    }

    /// The owner of the open books, shared with exports.
    pub fn bookshelf(&self) -> &Bookshelf {
        &self.shelf
    }

    fn opened(&self) -> MutexGuard<'_, Opened> {
        lock(&self.opened)
    }

    /// Gives the listed pages ids, remembers them as the location on screen, and describes the
    /// location for the viewer. Blocking: the books no longer on screen let go of their data.
    pub fn register(
        &self,
        listing: Listing,
        page_url: impl Fn(u32) -> String,
        thumbnail_url: impl Fn(u32) -> String,
    ) -> OpenedLocation {
        let mut sources = Vec::with_capacity(listing.pages.len());
        let (forgotten, off_screen, first_id, images) = {
            let mut opened = self.opened();
            let first_id = opened.last_id + 1;
            let images: Vec<ImageEntry> = listing
                .pages
                .into_iter()
                .map(|(source, animated)| {
                    let id = first_id + sources.len() as u32;
                    let name = match &source {
                        ImageSource::Page(page) => page.path_in_container(),
                        ImageSource::File(_) => source.file_name().to_string_lossy().into_owned(),
                    };
                    sources.push(source);
                    ImageEntry { id, name, url: page_url(id), thumbnail_url: thumbnail_url(id), animated }
                })
                .collect();
            opened.last_id += images.len() as u32;
            // Opened again: the new listing replaces the old one.
            opened.locations.retain(|l| l.path != listing.path);
            let kept = RECENT_LOCATIONS.min(opened.locations.len());
            let forgotten: Vec<Location> = opened.locations.drain(kept..).collect();
            let off_screen: Vec<Arc<Book>> = opened.locations.iter().filter_map(|l| l.book.clone()).collect();
            (forgotten, off_screen, first_id, images)
        };
        // With the list unlocked: a book may be decompressing a page.
        drop(forgotten);
        for book in off_screen {
            book.release();
        }
        let title = match book_name(&listing.path) {
            name if name.is_empty() => listing.path.display().to_string(),
            name => name,
        };
        let described = OpenedLocation {
            kind: listing.kind,
            title,
            path: listing.path.display().to_string(),
            images,
            start_index: listing.start_index,
            books: listing.books.iter().map(|b| book_entry(b)).collect(),
            previous_book: listing.previous_book.as_deref().map(book_entry),
            next_book: listing.next_book.as_deref().map(book_entry),
            damage: listing.book.as_ref().and_then(|book| book.damage).map(BookDamageNote::from),
        };
        let location = Location { path: listing.path, first_id, pages: sources, book: listing.book };
        self.opened().locations.push_front(location);
        described
    }

    /// An opened page; its location becomes the most recent.
    pub fn page(&self, id: u32) -> Option<ImageSource> {
        let mut opened = self.opened();
        let at =
            opened.locations.iter().position(|l| id >= l.first_id && ((id - l.first_id) as usize) < l.pages.len())?;
        let location = opened.locations.remove(at)?;
        let source = location.pages[(id - location.first_id) as usize].clone();
        opened.locations.push_front(location);
        Some(source)
    }

    /// Whether `path` is a folder or book the user opened (and the viewer still remembers).
    pub fn is_opened_location(&self, path: &Path) -> bool {
        self.opened().locations.iter().any(|l| l.path == path)
    }

    /// Whether `path` (canonical) is a file the user opened.
    pub fn is_opened_file(&self, path: &Path) -> bool {
        self.opened().locations.iter().flat_map(|l| &l.pages).any(|s| s.file_path() == Some(path))
    }
}

/// A page's name in the viewer, as `Gallery::register` gives it: its file name, or its path
/// inside its book.
fn page_name(source: &ImageSource) -> String {
    match source {
        ImageSource::Page(page) => page.path_in_container(),
        ImageSource::File(_) => source.file_name().to_string_lossy().into_owned(),
    }
}

/// A page's size from its header, within the limits and, with `check`, whether it decodes
/// whole; blocking.
fn page_info(id: u32, source: &ImageSource, limits: &Limits, check: bool) -> PageInfo {
    match srview_core::books::input::check_page(&page_name(source), source, limits, check) {
        Ok((width, height)) => PageInfo { id, width, height, problem: None },
        Err(err) => PageInfo { id, width: 0, height: 0, problem: Some(err) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_file_lists_its_folder_images_and_books_in_natural_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["p10.png", "p2.png", "a.jpg", "notes.txt", "vol10.cbz", "vol2.cbz"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let gallery = Gallery::new(Limits::default());
        let listing = list(&dir.path().join("p2.png"), gallery.bookshelf(), &ExportRecord::default()).ok().unwrap();
        let names: Vec<_> = listing.pages.iter().map(|(s, _)| s.file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.jpg", "p2.png", "p10.png"]);
        assert_eq!(listing.start_index, 1);
        let books: Vec<_> = listing.books.iter().map(|b| b.file_name().unwrap().to_str().unwrap().to_owned()).collect();
        assert_eq!(books, ["vol2.cbz", "vol10.cbz"]);
        let opened = gallery.register(listing, |id| format!("page/{id}"), |id| format!("thumb/{id}"));
        let root = dir.path().canonicalize().unwrap();
        assert!(gallery.is_opened_file(&root.join("p10.png")));
        assert!(!gallery.is_opened_file(&root.join("notes.txt")));
        assert_eq!(gallery.page(opened.images[2].id).unwrap().file_path(), Some(root.join("p10.png").as_path()));
        let shelf = gallery.bookshelf();
        let none = ExportRecord::default();
        assert!(matches!(list(&dir.path().join("notes.txt"), shelf, &none), Err(OpenError::NotAnImage(_))));
        assert!(matches!(list(&dir.path().join("missing"), shelf, &none), Err(OpenError::NotFound(_))));
        assert!(matches!(list(&dir.path().join("vol2.cbz"), shelf, &none), Err(OpenError::Book(_))));
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_folder_leading_to_images_or_books_within_a_few_levels_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().join("Library");
        for folder in ["Series/Sub Vol", "Deep/a/b/c", "Empty/a", "Shelf/a"] {
            std::fs::create_dir_all(library.join(folder)).unwrap();
        }
        std::fs::write(library.join("Series/Sub Vol/p1.png"), b"x").unwrap();
        std::fs::write(library.join("Deep/a/b/c/p1.png"), b"x").unwrap();
        std::fs::write(library.join("Empty/a/notes.txt"), b"x").unwrap();
        std::fs::write(library.join("Shelf/a/Vol 1.cbz"), b"x").unwrap();
        std::fs::write(library.join("Vol 1.cbz"), b"x").unwrap();
        let shelf = Bookshelf::new(Limits::default());
        let listing = list(&library, &shelf, &ExportRecord::default()).ok().unwrap();
        assert_eq!(
            names(&listing.books),
            ["Series", "Shelf", "Vol 1.cbz"],
            "deeper than three levels, or empty: not listed"
        );
    }

    #[test]
    fn a_folder_of_images_opens_as_a_book_beside_its_siblings() {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().canonicalize().unwrap().join("Library");
        std::fs::create_dir_all(library.join("Photo Folder")).unwrap();
        std::fs::create_dir_all(library.join("Series/Sub Vol")).unwrap();
        for name in ["Photo Folder/p2.png", "Photo Folder/p10.png", "Series/Sub Vol/p1.png", "A.cbz", "Z.cbz"] {
            std::fs::write(library.join(name), b"x").unwrap();
        }
        let shelf = Bookshelf::new(Limits::default());
        let listing = list(&library.join("Photo Folder"), &shelf, &ExportRecord::default()).ok().unwrap();
        assert_eq!(listing.kind, LocationKind::Book);
        assert_eq!(listing.pages.len(), 2);
        assert_eq!(names(&listing.books), ["A.cbz", "Photo Folder", "Series", "Z.cbz"]);
        assert_eq!(listing.previous_book, Some(library.join("A.cbz")));
        assert_eq!(listing.next_book, Some(library.join("Z.cbz")), "a folder of books is not the next book");
        assert_eq!(
            neighbours(&listing.books, &library.join("Z.cbz")),
            (Some(library.join("Photo Folder")), None),
            "nor the book before"
        );
        // A folder of books stays a folder, listing its own.
        let listing = list(&library.join("Series"), &shelf, &ExportRecord::default()).ok().unwrap();
        assert_eq!((listing.kind, names(&listing.books)), (LocationKind::Folder, vec!["Sub Vol".to_owned()]));
    }

    #[test]
    fn the_books_panel_of_a_folder_book_lists_its_siblings() {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().canonicalize().unwrap().join("Library");
        std::fs::create_dir_all(library.join("Photo Folder")).unwrap();
        for name in ["Photo Folder/p1.png", "A.cbz"] {
            std::fs::write(library.join(name), b"x").unwrap();
        }
        let gallery = Gallery::new(Limits::default());
        let folder = library.join("Photo Folder").to_string_lossy().into_owned();
        let shelf = tauri::async_runtime::block_on(async {
            gallery.open(&folder).await.ok().unwrap();
            gallery.shelf_books(&folder).await.ok().unwrap()
        });
        let listed: Vec<_> = shelf.iter().map(|book| book.name.as_str()).collect();
        assert_eq!(listed, ["A", "Photo Folder"]);
    }
}
