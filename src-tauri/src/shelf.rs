//! The Books panel's shelf: the books beside the one open (archives, and folders of images),
//! each with a cover made from its first page. Covers are served by `srimg:` (`/cover/<id>`)
//! and kept in the thumbnail cache, so no image crosses IPC.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use srview_core::books::naming::{has_image_extension, natural_cmp};
use srview_core::sync::lock;
use srview_core::{Book, ImageSource, Limits, SrError};

use crate::protocol;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ShelfBook {
    pub path: String,
    pub name: String,
    /// A folder of images, not an archive.
    pub folder: bool,
    /// Its cover: a thumbnail of its first page.
    pub cover_url: String,
}

/// The books whose covers the webview may load, by id. Ids only grow; the oldest are forgotten
/// past `COVERS`, so an old URL never shows another book's cover.
#[derive(Clone)]
pub struct Covers {
    listed: Arc<Mutex<Listed>>,
}

struct Listed {
    /// The id of `books[0]`.
    first_id: u32,
    books: VecDeque<PathBuf>,
}

impl Default for Covers {
    fn default() -> Self {
        Covers { listed: Arc::new(Mutex::new(Listed { first_id: 1, books: VecDeque::new() })) }
    }
}

/// Covers remembered at most.
const COVERS: usize = 4096;

impl Covers {
    /// `book` as the shelf lists it, its cover allowed.
    pub fn shelf_book(&self, book: &Path, name: String) -> ShelfBook {
        let id = {
            let mut listed = lock(&self.listed);
            match listed.books.iter().position(|b| b == book) {
                Some(at) => listed.first_id + at as u32,
                None => {
                    if listed.books.len() >= COVERS {
                        listed.books.pop_front();
                        listed.first_id += 1;
                    }
                    listed.books.push_back(book.to_path_buf());
                    listed.first_id + listed.books.len() as u32 - 1
                }
            }
        };
        ShelfBook { path: book.display().to_string(), name, folder: book.is_dir(), cover_url: protocol::cover_url(id) }
    }

    pub fn book(&self, id: u32) -> Option<PathBuf> {
        let listed = lock(&self.listed);
        let index = id.checked_sub(listed.first_id)? as usize;
        listed.books.get(index).cloned()
    }
}

/// The first page of a book, or of a folder of images (in natural order), or of a folder's
/// first sub-folder that has one (a few levels down), to make its cover from. Blocking: it
/// reads the folders or the book's index.
pub fn first_page(book: &Path, limits: &Limits) -> Result<ImageSource, SrError> {
    let not_found = || SrError::InputNotFound(book.display().to_string());
    if book.is_dir() {
        return first_image(book, 3).map(ImageSource::File).ok_or_else(not_found);
    }
    let opened = Book::open(book, limits.max_bytes)?;
    if opened.pages.is_empty() {
        return Err(not_found());
    }
    Ok(opened.page(0))
}

/// The first image in `folder`, else in its sub-folders in natural order, `depth` levels down.
fn first_image(folder: &Path, depth: u32) -> Option<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder).ok()?.flatten().map(|e| e.path()).collect();
    paths.sort_by(|a, b| natural_cmp(a.file_name().unwrap_or_default(), b.file_name().unwrap_or_default()));
    if let Some(image) = paths.iter().find(|p| p.is_file() && has_image_extension(p)) {
        return Some(image.clone());
    }
    let below = depth.checked_sub(1).filter(|d| *d > 0)?;
    paths.iter().filter(|p| p.is_dir()).find_map(|p| first_image(p, below))
}
