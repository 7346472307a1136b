//! The owner of open books, shared by the viewer and the batch runner. Solid archives and
//! books inside books hold decompressed bytes between reads; the shelf counts them across
//! every open book and, past `Limits::max_decompressed_bytes`, releases the least recently
//! read books first. A released book stays open: its next read decompresses again.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::books::book::{Book, ReadBudget};
use crate::error::Result;
use crate::limits::Limits;
use crate::sync::lock;

/// Books opened through a shelf; cloning shares it.
#[derive(Clone)]
pub struct Bookshelf(Arc<Shelf>);

struct Shelf {
    limits: Limits,
    /// `Limits::render_width` and `render_height`: the size pages are shown at, once known.
    render_width: AtomicU32,
    render_height: AtomicU32,
    /// The books alive, least recently read first. The shelf never keeps a book alive: whoever
    /// opened it does, and a book nobody holds is gone with its bytes.
    books: Mutex<Vec<Weak<Book>>>,
}

impl Bookshelf {
    pub fn new(limits: Limits) -> Self {
        let render_width = AtomicU32::new(limits.render_width);
        let render_height = AtomicU32::new(limits.render_height);
        Bookshelf(Arc::new(Shelf { limits, render_width, render_height, books: Mutex::new(Vec::new()) }))
    }

    pub fn limits(&self) -> Limits {
        Limits {
            render_width: self.0.render_width.load(Ordering::Relaxed),
            render_height: self.0.render_height.load(Ordering::Relaxed),
            ..self.0.limits
        }
    }

    /// Renders the PDF pages that are not one image to fit `width` × `height` pixels (the size
    /// the viewer shows them at; `u32::MAX`: no bound on that side), in the books open and
    /// those opened from now on. A page's DPI, so its cache key, follows.
    pub fn set_render_box(&self, width: u32, height: u32) {
        let (width, height) = (width.max(1), height.max(1));
        self.0.render_width.store(width, Ordering::Relaxed);
        self.0.render_height.store(height, Ordering::Relaxed);
        for book in self.0.live() {
            book.set_render_box(width, height);
        }
    }

    /// Opens a book (listing its pages, reading none) whose reads count against the budget.
    pub fn open(&self, path: &Path) -> Result<Arc<Book>> {
        let budget: Weak<dyn ReadBudget> = Arc::downgrade(&self.0) as Weak<Shelf>;
        let book = Book::open_on(path, self.limits(), Some(budget))?;
        let mut books = lock(&self.0.books);
        books.retain(|b| b.strong_count() > 0);
        books.push(Arc::downgrade(&book));
        Ok(book)
    }

    /// Decompressed bytes held now by every open book.
    pub fn held_bytes(&self) -> u64 {
        self.0.live().iter().map(|b| b.held_bytes()).sum()
    }

    /// How many books opened through the shelf are still open.
    pub fn open_books(&self) -> usize {
        self.0.live().len()
    }
}

impl Shelf {
    fn live(&self) -> Vec<Arc<Book>> {
        lock(&self.books).iter().filter_map(Weak::upgrade).collect()
    }
}

impl ReadBudget for Shelf {
    /// `book` was just read: it becomes the most recent, and the least recent books are
    /// released until the held bytes fit the budget (`book` last, when it alone is above it).
    fn used(&self, book: &Book) {
        let live = {
            let mut books = lock(&self.books);
            books.retain(|b| b.strong_count() > 0);
            if let Some(at) = books.iter().position(|b| std::ptr::eq(b.as_ptr(), book)) {
                let this = books.remove(at);
                books.push(this);
            }
            books.iter().filter_map(Weak::upgrade).collect::<Vec<_>>()
        };
        // Sizes are read with the list unlocked: a book may be decompressing.
        let held: Vec<u64> = live.iter().map(|b| b.held_bytes()).collect();
        let mut total: u64 = held.iter().sum();
        let budget = self.limits.max_decompressed_bytes;
        for (book, bytes) in live.iter().zip(held) {
            if total <= budget {
                break;
            }
            if bytes > 0 {
                tracing::debug!(book = %book.path.display(), bytes, total, budget, "releasing a book's decompressed data");
                book.release();
                total -= bytes;
            }
        }
    }
}
