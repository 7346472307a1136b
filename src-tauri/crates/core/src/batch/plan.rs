//! Planning a batch: every page, in order, and where each result goes.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use crate::batch::names::{cbz_entry_names, render, safe_relative, settle_names, split_page_path, stem_of, Named};
use crate::batch::spec::{BatchSpec, Layout};
use crate::books::archive::{first_volume_of, listed_by_its_first_volume};
use crate::books::book::{has_book_extension, Book};
use crate::books::bookshelf::Bookshelf;
use crate::books::naming::{has_image_extension, natural_cmp, natural_path_cmp};
use crate::engine::Engine;
use crate::error::{Result, SrError};
use crate::models::options::size_label;
use crate::sync::blocking;

/// One page and where its result goes.
pub(super) struct BatchItem {
    pub(super) source: ItemSource,
    /// A name for people: the file, or `book.cbz › ch1/p01.png`.
    pub(super) label: String,
    pub(super) target: Target,
}

/// Where a page is read from. A book is opened only when the batch reaches it.
pub(super) enum ItemSource {
    File(PathBuf),
    Page { book: usize, index: usize },
}

pub(super) enum Target {
    /// Only into the cache.
    Cache,
    File(PathBuf),
    /// Entry `name` (raw bytes, unique in its archive) of `.cbz` number `archive`.
    Cbz {
        archive: usize,
        name: Vec<u8>,
    },
}

/// A book of the batch, as it was listed when the batch was planned.
pub(super) struct PlannedBook {
    pub(super) path: PathBuf,
    /// Its pages and extras, by name and size: the book opened later must still be this one.
    pub(super) listing: blake3::Hash,
    /// The batch's index of its last page: the book is let go once that page is done.
    pub(super) last_item: usize,
    pub(super) cbz: Option<usize>,
}

/// A `.cbz` to write: its pages come from the items (in order), its extras from the book.
pub(super) struct CbzPlan {
    pub(super) target: PathBuf,
    pub(super) pages: usize,
    /// The entry name of each of the book's extras, in the book's order.
    pub(super) extras: Vec<Vec<u8>>,
}

/// The pages of a batch, in order, and the books and archives they come from and go into.
pub struct BatchPlan {
    pub(super) items: Vec<BatchItem>,
    pub(super) books: Vec<PlannedBook>,
    pub(super) cbz: Vec<CbzPlan>,
    /// Inputs that could not be read at all (a corrupt book), with why.
    pub unreadable: Vec<(String, SrError)>,
    pub(super) shelf: Bookshelf,
}

impl BatchPlan {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Where the results go: each file, and each archive.
    pub fn targets(&self) -> Vec<PathBuf> {
        let mut targets: Vec<PathBuf> = self
            .items
            .iter()
            .filter_map(|i| match &i.target {
                Target::File(path) => Some(path.clone()),
                Target::Cbz { .. } | Target::Cache => None,
            })
            .collect();
        targets.extend(self.cbz.iter().map(|c| c.target.clone()));
        targets
    }
}

/// What identifies a book's listing: its pages and extras, by raw name and size.
pub(super) fn listing_of(book: &Book) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    for page in &book.pages {
        hasher.update(&(page.raw_name.len() as u64).to_le_bytes());
        hasher.update(&page.raw_name);
        hasher.update(&page.size.to_le_bytes());
    }
    for extra in &book.extras {
        hasher.update(&(extra.raw_name.len() as u64).to_le_bytes());
        hasher.update(&extra.raw_name);
    }
    hasher.finalize()
}

/// Every image and book under `folder`, recursively, in natural order, as paths relative to it.
fn walk(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(folder.join(&relative))?.flatten().collect();
        entries.sort_by(|a, b| natural_cmp(&a.file_name(), &b.file_name()));
        let mut subfolders = Vec::new();
        for entry in entries {
            let kind = entry.file_type()?;
            let path = relative.join(entry.file_name());
            if kind.is_dir() {
                subfolders.push(path);
            } else if kind.is_file()
                && (has_image_extension(&path)
                    || (has_book_extension(&path) && !listed_by_its_first_volume(&entry.path())))
            {
                found.push(path);
            }
        }
        // Depth first, in natural order: push in reverse so the first folder comes out first.
        stack.extend(subfolders.into_iter().rev());
    }
    // Files of a folder come before its sub-folders' files, each level in natural order.
    found.sort_by(|a, b| natural_path_cmp(a, b));
    Ok(found)
}

/// What a file target names: an item, or a `.cbz`.
enum Slot {
    Item(usize),
    Archive(usize),
}

/// Plans a batch: which pages, in which order, written where. Every output name is decided
/// here: unique, in page order, from the source names' bytes. Each book is listed and let go;
/// `run` opens it again, through `shelf`, when it reaches it.
pub fn plan(spec: &BatchSpec, shelf: &Bookshelf) -> Result<BatchPlan> {
    let (pattern, cbz) = match &spec.layout {
        Layout::Files { pattern } => (pattern.as_str(), false),
        Layout::Cbz { pattern } => (pattern.as_str(), true),
    };
    render(pattern, b"page", &spec.options)?;
    let mut batch = BatchPlan {
        items: Vec::new(),
        books: Vec::new(),
        cbz: Vec::new(),
        unreadable: Vec::new(),
        shelf: shelf.clone(),
    };
    let sources = sources(&spec.inputs, &mut batch.unreadable)?;
    let cache_only = spec.output.is_none();
    let root = spec.output.clone().unwrap_or_default();
    let output_is_file = spec.inputs.len() == 1 && sources.len() == 1 && !root.is_dir() && root.extension().is_some();
    let into_cbz =
        !cache_only && (cbz || (output_is_file && root.extension().is_some_and(|e| e.eq_ignore_ascii_case("cbz"))));
    let mut planner = Planner {
        spec,
        shelf,
        pattern,
        cache_only,
        output_is_file,
        into_cbz,
        root,
        batch,
        slots: Vec::new(),
        named: Vec::new(),
    };
    for (path, relative) in sources {
        if has_book_extension(&path) {
            planner.add_book(path, &relative)?;
        } else {
            planner.add_file(path, &relative)?;
        }
    }
    planner.name_targets()
}

/// (source path, path relative to the output root) for every image or book of the inputs;
/// inputs that do not exist go to `unreadable`. A split book given by several of its parts
/// is one book, named by its first part.
fn sources(inputs: &[PathBuf], unreadable: &mut Vec<(String, SrError)>) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut sources: Vec<(PathBuf, PathBuf)> = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let found = walk(input).map_err(|e| SrError::io(input, e))?;
            sources.extend(found.into_iter().map(|relative| (input.join(&relative), relative)));
        } else if input.exists() {
            sources.push((input.clone(), PathBuf::from(input.file_name().unwrap_or_default())));
        } else {
            unreadable.push((input.display().to_string(), SrError::InputNotFound(input.display().to_string())));
        }
    }
    let given: HashSet<PathBuf> = sources.iter().map(|(path, _)| path.clone()).collect();
    sources.retain(|(path, _)| {
        !has_book_extension(path) || first_volume_of(path).is_none_or(|first| !given.contains(&first))
    });
    Ok(sources)
}

/// A batch being planned: its items so far, and the file targets still to be named.
struct Planner<'a> {
    spec: &'a BatchSpec,
    shelf: &'a Bookshelf,
    pattern: &'a str,
    cache_only: bool,
    /// The output is the one file to write (one input, `-o page.webp` or `-o book.cbz`).
    output_is_file: bool,
    into_cbz: bool,
    root: PathBuf,
    batch: BatchPlan,
    /// File targets (items and archives), named once every target is known.
    slots: Vec<Slot>,
    named: Vec<(Named, String)>,
}

impl Planner<'_> {
    fn page_name(&self, stem: &[u8]) -> Result<OsString> {
        render(self.pattern, stem, &self.spec.options)
    }

    fn cbz_name(&self, stem: &[u8]) -> Result<OsString> {
        let scale = size_label(self.spec.options.size);
        Ok(OsString::from_vec([stem, b"_x", scale.trim_start_matches('x').as_bytes(), b".cbz"].concat()))
    }

    /// A loose image: one item, into the cache, the output file, or a file named later.
    fn add_file(&mut self, path: PathBuf, relative: &Path) -> Result<()> {
        let (folder, file) = split_page_path(relative);
        let target = if self.cache_only {
            Target::Cache
        } else if self.output_is_file {
            Target::File(self.root.clone())
        } else {
            let named = Named::new(&self.root.join(&folder), &file, |stem| self.page_name(stem))?;
            self.slots.push(Slot::Item(self.batch.items.len()));
            self.named.push((named, path.display().to_string()));
            Target::File(PathBuf::new())
        };
        self.batch.items.push(BatchItem { label: path.display().to_string(), source: ItemSource::File(path), target });
        Ok(())
    }

    /// A book: listed (an unreadable one is noted and skipped), one item per page, into a
    /// `.cbz` of its own or into files under a folder named after it.
    fn add_book(&mut self, path: PathBuf, relative: &Path) -> Result<()> {
        let (folder, file) = split_page_path(relative);
        let book = match self.shelf.open(&path) {
            Ok(book) => book,
            Err(err) => {
                self.batch.unreadable.push((path.display().to_string(), err));
                return Ok(());
            }
        };
        // A damaged book's readable pages go through; the pages lost are said once, as a failure.
        if let Some(damage) = book.damage.filter(|d| d.lost_pages()) {
            let (readable, found, end_missing) = (damage.readable_pages, damage.pages_found, damage.end_missing);
            let error = SrError::DamagedBook { path: path.display().to_string(), readable, found, end_missing };
            self.batch.unreadable.push((path.display().to_string(), error));
        }
        let book_index = self.batch.books.len();
        let archive = self.into_cbz.then_some(self.batch.cbz.len());
        let mut page_names = Vec::new();
        if self.into_cbz {
            let (pages, extras) = cbz_entry_names(&book, self.spec.options.format.extension());
            page_names = pages;
            if !self.output_is_file {
                let named = Named::new(&self.root.join(&folder), &file, |stem| self.cbz_name(stem))?;
                self.slots.push(Slot::Archive(self.batch.cbz.len()));
                self.named.push((named, path.display().to_string()));
            }
            self.batch.cbz.push(CbzPlan { target: self.root.clone(), pages: book.pages.len(), extras });
        }
        let book_dir = folder.join(OsString::from_vec(stem_of(&file).to_vec()));
        for (index, page) in book.pages.iter().enumerate() {
            let label = format!("{} › {}", path.display(), page.name);
            let target = if self.cache_only {
                Target::Cache
            } else if let Some(archive) = archive {
                Target::Cbz { archive, name: std::mem::take(&mut page_names[index]) }
            } else {
                let inner = PathBuf::from(OsString::from_vec(safe_relative(&page.raw_name)));
                let (inner_folder, page_file) = split_page_path(&inner);
                let named =
                    Named::new(&self.root.join(&book_dir).join(inner_folder), &page_file, |stem| self.page_name(stem))?;
                self.slots.push(Slot::Item(self.batch.items.len()));
                self.named.push((named, label.clone()));
                Target::File(PathBuf::new())
            };
            self.batch.items.push(BatchItem { source: ItemSource::Page { book: book_index, index }, label, target });
        }
        self.batch.books.push(PlannedBook {
            path,
            listing: listing_of(&book),
            last_item: self.batch.items.len() - 1,
            cbz: archive,
        });
        Ok(())
    }

    /// Names every file target now that all are known, and hands over the plan.
    fn name_targets(mut self) -> Result<BatchPlan> {
        let settled = settle_names(&self.named, self.pattern.contains("{name}"))?;
        for (slot, path) in self.slots.into_iter().zip(settled) {
            match slot {
                Slot::Item(item) => self.batch.items[item].target = Target::File(path),
                Slot::Archive(archive) => self.batch.cbz[archive].target = path,
            }
        }
        Ok(self.batch)
    }
}

/// `plan` off the async runtime, with the engine's limits and a shelf of its own.
pub async fn plan_for(engine: &Engine, spec: &BatchSpec) -> Result<BatchPlan> {
    plan_with(Bookshelf::new(engine.limits()), spec).await
}

/// `plan` off the async runtime, opening books through `shelf` (the viewer's, in the app).
pub async fn plan_with(shelf: Bookshelf, spec: &BatchSpec) -> Result<BatchPlan> {
    let spec = spec.clone();
    blocking(move || plan(&spec, &shelf)).await?
}
