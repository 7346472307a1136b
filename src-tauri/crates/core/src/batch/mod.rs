//! Batches: files, folders (recursively) and books, streamed through the engine in bounded
//! memory. Shared by the CLI and the app's Export panel.
//!
//! Pages are submitted in order, at most `window` at once; each result is written as soon as it
//! is ready (a `.cbz` gets its pages in page order), and events come in page order. Nothing is
//! held for the whole batch, so memory does not grow with its size. Every write is atomic, so a
//! cancelled or killed batch leaves only whole files; rerunning it skips what exists and finds
//! the rest in the cache.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::books::book::{has_book_extension, Book};
use crate::books::bookshelf::Bookshelf;
use crate::books::naming::{has_image_extension, natural_cmp};
use crate::books::source::ImageSource;
use crate::engine::Priority;
use crate::engine::{Engine, UpscaleRequest};
use crate::error::{Result, SrError};
use crate::models::options::size_label;
use crate::models::options::UpscaleOptions;
use crate::store::export::{Overwrite, PendingFile};
use crate::sync::blocking;

/// How the results are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Image files mirroring the source tree, named by a pattern: `{name}` (the page's name
    /// without extension), `{scale}`, `{model}` and `{ext}` (the output format's extension).
    Files { pattern: String },
    /// One `.cbz` per book, with the same page names and order; loose images as files.
    Cbz { pattern: String },
}

pub const DEFAULT_PATTERN: &str = "{name}_x{scale}.{ext}";
/// The pattern that keeps the original names (with the new extension), in a new folder.
pub const KEEP_NAMES: &str = "{name}.{ext}";

/// What to upscale and where the results go.
#[derive(Debug, Clone)]
pub struct BatchSpec {
    pub inputs: Vec<PathBuf>,
    /// A folder, or (for one input) the output file itself; `None` keeps results in the cache only.
    pub output: Option<PathBuf>,
    pub layout: Layout,
    pub options: UpscaleOptions,
    pub overwrite: Overwrite,
    /// Pages in flight at most; 0 means twice the engine's pipeline depth.
    pub window: usize,
}

/// One page and where its result goes.
struct BatchItem {
    source: ItemSource,
    /// A name for people: the file, or `book.cbz › ch1/p01.png`.
    label: String,
    target: Target,
}

/// Where a page is read from. A book is opened only when the batch reaches it.
enum ItemSource {
    File(PathBuf),
    Page { book: usize, index: usize },
}

enum Target {
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
struct PlannedBook {
    path: PathBuf,
    /// Its pages and extras, by name and size: the book opened later must still be this one.
    listing: blake3::Hash,
    /// The batch's index of its last page: the book is let go once that page is done.
    last_item: usize,
    cbz: Option<usize>,
}

/// A `.cbz` to write: its pages come from the items (in order), its extras from the book.
struct CbzPlan {
    target: PathBuf,
    pages: usize,
    /// The entry name of each of the book's extras, in the book's order.
    extras: Vec<Vec<u8>>,
}

/// The pages of a batch, in order, and the books and archives they come from and go into.
pub struct BatchPlan {
    items: Vec<BatchItem>,
    books: Vec<PlannedBook>,
    cbz: Vec<CbzPlan>,
    /// Inputs that could not be read at all (a corrupt book), with why.
    pub unreadable: Vec<(String, SrError)>,
    shelf: Bookshelf,
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

fn render(pattern: &str, stem: &[u8], options: &UpscaleOptions) -> Result<OsString> {
    let ext = options.format.extension();
    let model = options.model.trim_start_matches("MODEL_");
    let scale = size_label(options.size);
    let scale = scale.trim_start_matches('x');
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.extend_from_slice(&rest.as_bytes()[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| SrError::InvalidOption(format!("the name pattern `{pattern}` has a `{{` without `}}`")))?;
        match &rest[start + 1..end] {
            "name" => out.extend_from_slice(stem),
            "scale" => out.extend_from_slice(scale.as_bytes()),
            "model" => out.extend_from_slice(model.as_bytes()),
            "ext" => out.extend_from_slice(ext.as_bytes()),
            other => {
                return Err(SrError::InvalidOption(format!(
                    "the name pattern `{pattern}` has `{{{other}}}`; use {{name}}, {{scale}}, {{model}} and {{ext}}"
                )))
            }
        }
        rest = &rest[end + 1..];
    }
    out.extend_from_slice(rest.as_bytes());
    if out.is_empty() || out.contains(&b'/') {
        return Err(SrError::InvalidOption(format!("the name pattern `{pattern}` must give a file name")));
    }
    Ok(OsString::from_vec(out))
}

/// A file name's stem: up to its last dot (a leading dot is part of the name, as in `.hidden`).
fn stem_of(file: &[u8]) -> &[u8] {
    match file.iter().rposition(|&b| b == b'.') {
        Some(0) | None => file,
        Some(dot) => &file[..dot],
    }
}

/// `dir/file` of a path inside a container or tree, as (folder, file name bytes).
fn split_page_path(relative: &Path) -> (PathBuf, Vec<u8>) {
    let folder = relative.parent().map(Path::to_path_buf).unwrap_or_default();
    let file = relative.file_name().map(|s| s.as_bytes().to_vec()).unwrap_or_else(|| b"page".to_vec());
    (folder, file)
}

/// Only the normal parts of a path inside an archive, byte for byte: never `..`, `.` or a root.
fn safe_relative(name: &[u8]) -> Vec<u8> {
    name.split(|&b| b == b'/').filter(|part| !matches!(*part, b"" | b"." | b"..")).collect::<Vec<_>>().join(&b'/')
}

/// `name` with ` (n)` before its extension.
fn numbered(name: &[u8], n: usize) -> Vec<u8> {
    let file_start = name.iter().rposition(|&b| b == b'/').map_or(0, |slash| slash + 1);
    let stem_end = file_start + stem_of(&name[file_start..]).len();
    [&name[..stem_end], format!(" ({n})").as_bytes(), &name[stem_end..]].concat()
}

/// `name`, or the first free `name (n)`; taken from then on.
fn claim(name: Vec<u8>, taken: &mut HashSet<Vec<u8>>) -> Vec<u8> {
    let free = if taken.contains(&name) {
        (2..).map(|n| numbered(&name, n)).find(|candidate| !taken.contains(candidate)).expect("a free name")
    } else {
        name
    };
    taken.insert(free.clone());
    free
}

/// The entry names of a book exported to a `.cbz`: the extras keep theirs, and each page gets
/// its own name with the new extension. Pages whose names would meet (`01.png` and `01.jpg`,
/// or a page and an extra `01.webp`) keep their old extension too (`01.png.webp`), in page order.
fn cbz_entry_names(book: &Book, extension: &str) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut taken = HashSet::new();
    let extras = book
        .extras
        .iter()
        .map(|extra| safe_relative(&extra.raw_name))
        .filter(|name| !name.is_empty())
        .map(|name| claim(name, &mut taken))
        .collect();
    let with_extension = |kept: &[u8]| [kept, b".", extension.as_bytes()].concat();
    let pages: Vec<(Vec<u8>, Vec<u8>)> = book
        .pages
        .iter()
        .map(|page| {
            let safe = safe_relative(&page.raw_name);
            let file_start = safe.iter().rposition(|&b| b == b'/').map_or(0, |slash| slash + 1);
            let stem_end = file_start + stem_of(&safe[file_start..]).len();
            (with_extension(&safe[..stem_end]), with_extension(&safe))
        })
        .collect();
    let mut uses: HashMap<&[u8], usize> = HashMap::new();
    for (short, _) in &pages {
        *uses.entry(short).or_default() += 1;
    }
    let pages = pages
        .iter()
        .map(|(short, long)| {
            let name = if uses[short.as_slice()] > 1 || taken.contains(short) { long } else { short };
            claim(name.clone(), &mut taken)
        })
        .collect();
    (pages, extras)
}

/// What identifies a book's listing: its pages and extras, by raw name and size.
fn listing_of(book: &Book) -> blake3::Hash {
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
                    || (has_book_extension(&path) && !crate::books::archive::listed_by_its_first_volume(&entry.path())))
            {
                found.push(path);
            }
        }
        // Depth first, in natural order: push in reverse so the first folder comes out first.
        stack.extend(subfolders.into_iter().rev());
    }
    // Files of a folder come before its sub-folders' files, each level in natural order.
    found.sort_by(|a, b| crate::books::naming::natural_path_cmp(a, b));
    Ok(found)
}

/// A file's target, and the one used when it would meet another: with the whole source name
/// (`01.png_x2.webp` beside `01.jpg_x2.webp`).
struct Named {
    short: PathBuf,
    long: PathBuf,
}

impl Named {
    fn new(folder: &Path, file: &[u8], name: impl Fn(&[u8]) -> Result<OsString>) -> Result<Named> {
        Ok(Named { short: folder.join(name(stem_of(file))?), long: folder.join(name(file)?) })
    }
}

/// What a file target names: an item, or a `.cbz`.
enum Slot {
    Item(usize),
    Archive(usize),
}

/// Gives each file target its short name unless another target has it too; two that still meet
/// are refused, naming both.
fn settle_names(named: &[(Named, String)], numbering: bool) -> Result<Vec<PathBuf>> {
    let mut uses: HashMap<&Path, usize> = HashMap::new();
    for (name, _) in named {
        *uses.entry(&name.short).or_default() += 1;
    }
    let chosen: Vec<PathBuf> = named
        .iter()
        .map(|(name, _)| if uses[name.short.as_path()] > 1 { name.long.clone() } else { name.short.clone() })
        .collect();
    let mut taken: HashSet<Vec<u8>> = HashSet::new();
    let mut first_label: HashMap<Vec<u8>, &str> = HashMap::new();
    let mut settled = Vec::with_capacity(chosen.len());
    for (path, (_, label)) in chosen.into_iter().zip(named) {
        let bytes = path.into_os_string().into_vec();
        if taken.contains(&bytes) && !numbering {
            return Err(SrError::InvalidOption(format!(
                "{} and {label} would both be written to {}; put {{name}} in the name pattern",
                first_label[&bytes],
                String::from_utf8_lossy(&bytes)
            )));
        }
        first_label.entry(bytes.clone()).or_insert(label);
        // Names that still meet (a folder `vol1/` beside a book `vol1.cbz`) are numbered.
        settled.push(PathBuf::from(OsString::from_vec(claim(bytes, &mut taken))));
    }
    Ok(settled)
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
    let single = spec.inputs.len() == 1;
    let cache_only = spec.output.is_none();
    let root = spec.output.clone().unwrap_or_default();
    let mut batch = BatchPlan {
        items: Vec::new(),
        books: Vec::new(),
        cbz: Vec::new(),
        unreadable: Vec::new(),
        shelf: shelf.clone(),
    };
    // (source path, path relative to the output root) for every image or book.
    let mut sources: Vec<(PathBuf, PathBuf)> = Vec::new();
    for input in &spec.inputs {
        if input.is_dir() {
            let found = walk(input).map_err(|e| SrError::io(input, e))?;
            sources.extend(found.into_iter().map(|relative| (input.join(&relative), relative)));
        } else if input.exists() {
            sources.push((input.clone(), PathBuf::from(input.file_name().unwrap_or_default())));
        } else {
            batch.unreadable.push((input.display().to_string(), SrError::InputNotFound(input.display().to_string())));
        }
    }
    // A split book given by several of its parts is one book, named by its first part.
    let given: HashSet<PathBuf> = sources.iter().map(|(path, _)| path.clone()).collect();
    sources.retain(|(path, _)| {
        !has_book_extension(path)
            || crate::books::archive::first_volume_of(path).is_none_or(|first| !given.contains(&first))
    });
    let output_is_file = single && sources.len() == 1 && !root.is_dir() && root.extension().is_some();
    let into_cbz =
        !cache_only && (cbz || (output_is_file && root.extension().is_some_and(|e| e.eq_ignore_ascii_case("cbz"))));
    let scale = size_label(spec.options.size);
    let cbz_name = |stem: &[u8]| -> Result<OsString> {
        Ok(OsString::from_vec([stem, b"_x", scale.trim_start_matches('x').as_bytes(), b".cbz"].concat()))
    };
    let page_name = |stem: &[u8]| render(pattern, stem, &spec.options);
    // File targets (items and archives), named once every target is known.
    let mut slots: Vec<Slot> = Vec::new();
    let mut named: Vec<(Named, String)> = Vec::new();
    for (path, relative) in sources {
        let (folder, file) = split_page_path(&relative);
        if !has_book_extension(&path) {
            let target = if cache_only {
                Target::Cache
            } else if output_is_file {
                Target::File(root.clone())
            } else {
                slots.push(Slot::Item(batch.items.len()));
                named.push((Named::new(&root.join(&folder), &file, page_name)?, path.display().to_string()));
                Target::File(PathBuf::new())
            };
            batch.items.push(BatchItem { label: path.display().to_string(), source: ItemSource::File(path), target });
            continue;
        }
        let book = match shelf.open(&path) {
            Ok(book) => book,
            Err(err) => {
                batch.unreadable.push((path.display().to_string(), err));
                continue;
            }
        };
        let book_index = batch.books.len();
        let archive = into_cbz.then_some(batch.cbz.len());
        let mut page_names = Vec::new();
        if into_cbz {
            let (pages, extras) = cbz_entry_names(&book, spec.options.format.extension());
            page_names = pages;
            if !output_is_file {
                slots.push(Slot::Archive(batch.cbz.len()));
                named.push((Named::new(&root.join(&folder), &file, cbz_name)?, path.display().to_string()));
            }
            batch.cbz.push(CbzPlan { target: root.clone(), pages: book.pages.len(), extras });
        }
        let book_dir = folder.join(OsString::from_vec(stem_of(&file).to_vec()));
        for (index, page) in book.pages.iter().enumerate() {
            let label = format!("{} › {}", path.display(), page.name);
            let target = if cache_only {
                Target::Cache
            } else if let Some(archive) = archive {
                Target::Cbz { archive, name: std::mem::take(&mut page_names[index]) }
            } else {
                let inner = PathBuf::from(OsString::from_vec(safe_relative(&page.raw_name)));
                let (inner_folder, page_file) = split_page_path(&inner);
                slots.push(Slot::Item(batch.items.len()));
                named.push((
                    Named::new(&root.join(&book_dir).join(inner_folder), &page_file, page_name)?,
                    label.clone(),
                ));
                Target::File(PathBuf::new())
            };
            batch.items.push(BatchItem { source: ItemSource::Page { book: book_index, index }, label, target });
        }
        batch.books.push(PlannedBook {
            path,
            listing: listing_of(&book),
            last_item: batch.items.len() - 1,
            cbz: archive,
        });
    }
    for (slot, path) in slots.into_iter().zip(settle_names(&named, pattern.contains("{name}"))?) {
        match slot {
            Slot::Item(item) => batch.items[item].target = Target::File(path),
            Slot::Archive(archive) => batch.cbz[archive].target = path,
        }
    }
    Ok(batch)
}

/// What happened to one page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum PageOutcome {
    Computed,
    /// Found in the cache: no compute.
    Cached,
    /// The output exists already; left as it is.
    Skipped,
    Failed {
        error: SrError,
    },
    /// The batch was cancelled before this page ran.
    Cancelled,
}

/// Sizes and times of a page that was upscaled (computed or from the cache).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PageDetail {
    pub width: u32,
    pub height: u32,
    pub tiles: u32,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub cache_path: Option<PathBuf>,
    pub timings: crate::engine::StageTimings,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PageReport {
    /// 0-based, in batch order.
    pub index: u32,
    /// The page's name; lossy when it is not UTF-8.
    pub input: String,
    /// The name's raw bytes as hex, only when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_raw: Option<String>,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub output: Option<PathBuf>,
    #[serde(flatten)]
    pub outcome: PageOutcome,
    /// For a page bound for a `.cbz`: where that archive stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cbz: Option<CbzStep>,
    pub bytes: u64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<PageDetail>,
}

/// Where the `.cbz` a page goes into stands once that page is done. The archive is named only
/// when its last page is in, so until then a page's report has no `output`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum CbzStep {
    /// The page is in; the archive is written with its last page.
    Added {
        #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        path: PathBuf,
        added: u32,
        pages: u32,
    },
    /// This was the last page: the archive is written.
    Written {
        #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        path: PathBuf,
    },
    /// A page of the book failed, so its archive is not written.
    NotWritten {
        #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        path: PathBuf,
    },
}

/// Where a batch stands, after each page.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub computed: u32,
    pub cached: u32,
    pub skipped: u32,
    pub failed: u32,
    pub bytes_written: u64,
    /// The page that finished last.
    pub current: Option<String>,
    /// Pages per minute over the last few pages.
    pub pages_per_minute: Option<f64>,
    pub seconds_left: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    pub total: u32,
    pub computed: u32,
    pub cached: u32,
    pub skipped: u32,
    pub failures: Vec<Failure>,
    #[serde(serialize_with = "serialize_paths")]
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub written: Vec<PathBuf>,
    pub cancelled: bool,
    pub seconds: f64,
    /// The most pages the runner held at once (in flight, or done and waiting to be written).
    pub peak_in_flight: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub input: String,
    pub error: SrError,
}

fn serialize_paths<S: serde::Serializer>(paths: &[PathBuf], serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}

/// A `.cbz` being written: entries are stored, not compressed (WebP and PNG do not shrink).
/// Its calls block (file writes, fsync, reading extras): they run on blocking threads.
struct CbzWriter {
    zip: zip::ZipWriter<std::io::BufWriter<PendingFileWriter>>,
    written: usize,
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
    fn create(target: &Path) -> Result<Self> {
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let pending = PendingFile::create_in(folder)?;
        Ok(CbzWriter { zip: zip::ZipWriter::new(std::io::BufWriter::new(PendingFileWriter(pending))), written: 0 })
    }

    /// Adds an entry named by `name`'s bytes, UTF-8 or not.
    fn add(&mut self, target: &Path, name: &[u8], bytes: &[u8]) -> Result<()> {
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
    fn finish(mut self, plan: &CbzPlan, book: &Book, overwrite: Overwrite) -> Result<()> {
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
enum CbzState {
    /// No page has arrived yet.
    Waiting,
    Writing(Box<CbzWriter>),
    /// Written, or given up after a failed page: nothing more is written for it.
    Closed,
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

/// A book the batch has reached: open (or why not), or skipped whole because its `.cbz` exists.
enum Reached {
    Open(Arc<Book>),
    Unreadable(SrError),
    CbzExists,
}

/// Opens a book the batch reached, unless its `.cbz` exists and is kept; it must still list
/// what it listed when the batch was planned.
async fn reach(shelf: &Bookshelf, book: &PlannedBook, cbz_target: Option<PathBuf>, overwrite: Overwrite) -> Reached {
    let (shelf, path, listing) = (shelf.clone(), book.path.clone(), book.listing);
    let reached = blocking(move || {
        if overwrite == Overwrite::Never && cbz_target.is_some_and(|target| target.exists()) {
            return Ok(None);
        }
        let book = shelf.open(&path)?;
        if listing_of(&book) != listing {
            return Err(SrError::io(
                &path,
                std::io::Error::other("the book changed after the batch was planned; run it again"),
            ));
        }
        Ok(Some(book))
    })
    .await
    .and_then(|opened| opened);
    match reached {
        Ok(Some(book)) => Reached::Open(book),
        Ok(None) => Reached::CbzExists,
        Err(err) => Reached::Unreadable(err),
    }
}

type Done = (PageOutcome, Option<Arc<Vec<u8>>>, Option<PageDetail>);

/// Runs a planned batch. `on_page` hears about each page in batch order, with the progress so far.
/// A book is opened when its first page is reached and let go after its last; a page leaves
/// the runner once it is reported, so nothing is held for the whole batch.
pub async fn run(
    engine: &Engine,
    batch: BatchPlan,
    spec: &BatchSpec,
    cancel: CancellationToken,
    mut on_page: impl FnMut(&PageReport, &BatchProgress),
) -> BatchSummary {
    let started = Instant::now();
    let window = if spec.window == 0 { 2 * engine.report().pipeline_depth as usize } else { spec.window }.max(1);
    let BatchPlan { items, books, cbz, unreadable, shelf } = batch;
    let total = items.len() as u32;
    let mut summary = BatchSummary { total, ..BatchSummary::default() };
    let mut progress = BatchProgress { total, ..BatchProgress::default() };
    for (input, error) in unreadable {
        summary.failures.push(Failure { input, error });
    }
    let cbz: Vec<Arc<CbzPlan>> = cbz.into_iter().map(Arc::new).collect();
    let mut cbz_states: Vec<CbzState> = cbz.iter().map(|_| CbzState::Waiting).collect();
    let mut reached: HashMap<usize, Reached> = HashMap::new();
    let mut recent: VecDeque<Instant> = VecDeque::new();
    let mut running: VecDeque<(usize, BatchItem, tokio::task::JoinHandle<Done>)> = VecDeque::new();
    let mut pending = items.into_iter().enumerate();

    loop {
        while running.len() < window && !cancel.is_cancelled() {
            let Some((index, item)) = pending.next() else { break };
            let source = match &item.source {
                ItemSource::File(path) => Ok(Some(ImageSource::File(path.clone()))),
                ItemSource::Page { book, index } => {
                    if !reached.contains_key(book) {
                        let planned = &books[*book];
                        let cbz_target = planned.cbz.map(|archive| cbz[archive].target.clone());
                        reached.insert(*book, reach(&shelf, planned, cbz_target, spec.overwrite).await);
                    }
                    match &reached[book] {
                        Reached::Open(open) => Ok(Some(open.page(*index))),
                        Reached::Unreadable(err) => Err(err.clone()),
                        Reached::CbzExists => Ok(None),
                    }
                }
            };
            let mut request = source.as_ref().ok().cloned().flatten().map(|source| {
                let mut request = UpscaleRequest::new(source, spec.options.clone());
                request.priority = Priority::Batch;
                request
            });
            let existing = match (&item.target, request.as_mut()) {
                (Target::File(path), Some(request)) => {
                    request.save_path = Some(path.clone());
                    request.overwrite = spec.overwrite;
                    (spec.overwrite == Overwrite::Never).then(|| path.clone())
                }
                _ => None,
            };
            let (engine, token) = (engine.clone(), cancel.child_token());
            let task = tokio::spawn(async move {
                let request = match (source, request) {
                    (Err(error), _) => return (PageOutcome::Failed { error }, None, None),
                    (Ok(_), None) => return (PageOutcome::Skipped, None, None),
                    (Ok(_), Some(request)) => request,
                };
                if let Some(path) = existing {
                    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                        return (PageOutcome::Skipped, None, None);
                    }
                }
                match engine.upscale(request, token, |_| {}).await {
                    Ok(done) => {
                        let detail = PageDetail {
                            width: done.width,
                            height: done.height,
                            tiles: done.tiles,
                            cache_path: done.cache_path.clone(),
                            timings: done.timings.clone(),
                        };
                        let outcome = if done.from_cache { PageOutcome::Cached } else { PageOutcome::Computed };
                        (outcome, Some(done.bytes), Some(detail))
                    }
                    Err(SrError::OutputExists(_)) => (PageOutcome::Skipped, None, None),
                    Err(SrError::Cancelled) => (PageOutcome::Cancelled, None, None),
                    Err(error) => (PageOutcome::Failed { error }, None, None),
                }
            });
            running.push_back((index, item, task));
            summary.peak_in_flight = summary.peak_in_flight.max(running.len() as u32);
        }
        let Some((index, item, task)) = running.pop_front() else { break };
        let (mut outcome, bytes, detail) = task.await.unwrap_or_else(|join| {
            (PageOutcome::Failed { error: SrError::Internal(format!("a batch task failed: {join}")) }, None, None)
        });
        let mut output = None;
        let mut cbz_step = None;
        let mut written = 0u64;
        match (&item.target, &outcome, bytes) {
            (Target::Cache, PageOutcome::Computed | PageOutcome::Cached, Some(bytes)) => {
                output = detail.as_ref().and_then(|d| d.cache_path.clone());
                written = bytes.len() as u64;
            }
            (Target::File(path), PageOutcome::Computed | PageOutcome::Cached, Some(bytes)) => {
                output = Some(path.clone());
                written = bytes.len() as u64;
                summary.written.push(path.clone());
            }
            (Target::Cbz { archive, name }, PageOutcome::Computed | PageOutcome::Cached, Some(bytes)) => {
                let plan = cbz[*archive].clone();
                let book = match &item.source {
                    ItemSource::Page { book, .. } => match reached.get(book) {
                        Some(Reached::Open(book)) => Some(book.clone()),
                        _ => None,
                    },
                    ItemSource::File(_) => None,
                };
                // A page of this book failed earlier: the book is not written, no writer is opened.
                let writer = match std::mem::replace(&mut cbz_states[*archive], CbzState::Closed) {
                    CbzState::Waiting => Some(None),
                    CbzState::Writing(writer) => Some(Some(*writer)),
                    CbzState::Closed => None,
                };
                if let Some(writer) = writer {
                    let (name, overwrite) = (name.clone(), spec.overwrite);
                    let size = bytes.len() as u64;
                    let added = blocking(move || {
                        let book =
                            book.ok_or_else(|| SrError::Internal("a book was let go before its last page".into()))?;
                        let mut writer = match writer {
                            Some(writer) => writer,
                            None => CbzWriter::create(&plan.target)?,
                        };
                        writer.add(&plan.target, &name, &bytes)?;
                        if writer.written == plan.pages {
                            writer.finish(&plan, &book, overwrite)?;
                            return Ok(None);
                        }
                        Ok(Some(writer))
                    })
                    .await
                    .and_then(|added| added);
                    let path = cbz[*archive].target.clone();
                    match added {
                        Ok(Some(writer)) => {
                            let (added, pages) = (writer.written as u32, cbz[*archive].pages as u32);
                            cbz_states[*archive] = CbzState::Writing(Box::new(writer));
                            cbz_step = Some(CbzStep::Added { path, added, pages });
                            written = size;
                        }
                        Ok(None) => {
                            summary.written.push(path.clone());
                            output = Some(path.clone());
                            cbz_step = Some(CbzStep::Written { path });
                            written = size;
                        }
                        Err(error) => outcome = PageOutcome::Failed { error },
                    }
                } else {
                    cbz_step = Some(CbzStep::NotWritten { path: cbz[*archive].target.clone() });
                }
            }
            (Target::Cbz { archive, .. }, PageOutcome::Skipped, _) => output = Some(cbz[*archive].target.clone()),
            (Target::File(path), PageOutcome::Skipped, _) => output = Some(path.clone()),
            _ => {}
        }
        // A book with a failed page is not written: its .cbz would be incomplete. What was
        // written of it has no name yet and goes with the writer.
        if let (Target::Cbz { archive, .. }, PageOutcome::Failed { .. }) = (&item.target, &outcome) {
            cbz_step = Some(CbzStep::NotWritten { path: cbz[*archive].target.clone() });
            if let CbzState::Writing(writer) = std::mem::replace(&mut cbz_states[*archive], CbzState::Closed) {
                let _ = blocking(move || drop(writer)).await;
            }
        }
        // The book's last page is done: let the book go.
        if let ItemSource::Page { book, .. } = &item.source {
            if books[*book].last_item == index {
                reached.remove(book);
            }
        }
        if !matches!(outcome, PageOutcome::Cancelled) {
            progress.done += 1;
        }
        match &outcome {
            PageOutcome::Computed => progress.computed += 1,
            PageOutcome::Cached => progress.cached += 1,
            PageOutcome::Skipped => progress.skipped += 1,
            PageOutcome::Failed { error } => {
                progress.failed += 1;
                summary.failures.push(Failure { input: item.label.clone(), error: error.clone() });
            }
            PageOutcome::Cancelled => {}
        }
        progress.bytes_written += written;
        progress.current = Some(item.label.clone());
        let now = Instant::now();
        recent.push_back(now);
        while recent.len() > 12 || recent.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(300)) {
            recent.pop_front();
        }
        let span = recent.front().map(|t| now.duration_since(*t).as_secs_f64()).unwrap_or(0.0);
        progress.pages_per_minute = (recent.len() > 1 && span > 0.0).then(|| (recent.len() - 1) as f64 * 60.0 / span);
        progress.seconds_left = progress.pages_per_minute.map(|rate| (total - progress.done) as f64 * 60.0 / rate);
        let input_raw = match &item.source {
            ItemSource::File(path) => crate::books::naming::raw_hex_if_not_utf8(path.as_os_str()),
            ItemSource::Page { .. } => None,
        };
        let report = PageReport {
            index: index as u32,
            input: item.label.clone(),
            input_raw,
            output,
            outcome,
            cbz: cbz_step,
            bytes: written,
            detail,
        };
        on_page(&report, &progress);
    }
    // A cancelled batch: the archives begun are dropped unnamed, off the runtime.
    let unfinished: Vec<CbzState> = cbz_states.into_iter().filter(|s| matches!(s, CbzState::Writing(_))).collect();
    if !unfinished.is_empty() {
        let _ = blocking(move || drop(unfinished)).await;
    }
    summary.computed = progress.computed;
    summary.cached = progress.cached;
    summary.skipped = progress.skipped;
    summary.cancelled = cancel.is_cancelled() && progress.done < total;
    debug_assert!(summary.cancelled || progress.done == total);
    summary.seconds = started.elapsed().as_secs_f64();
    summary
}
