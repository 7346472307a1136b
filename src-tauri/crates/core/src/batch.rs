//! Batches: files, folders (recursively) and books, streamed through the engine in bounded
//! memory. Shared by the CLI and the app's Export panel.
//!
//! Pages are submitted in order, at most `window` at once; each result is written as soon as it
//! is ready (a `.cbz` gets its pages in page order), and events come in page order. Nothing is
//! held for the whole batch, so memory does not grow with its size. Every write is atomic, so a
//! cancelled or killed batch leaves only whole files; rerunning it skips what exists and finds
//! the rest in the cache.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::book::{has_book_extension, Book};
use crate::engine::{Engine, UpscaleRequest};
use crate::error::{Result, SrError};
use crate::export::{Overwrite, PendingFile};
use crate::naming::{has_image_extension, natural_cmp, size_label};
use crate::options::UpscaleOptions;
use crate::session::Priority;
use crate::source::ImageSource;

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
pub struct BatchItem {
    pub source: ImageSource,
    /// A name for people: the file, or `book.cbz › ch1/p01.png`.
    pub label: String,
    target: Target,
}

enum Target {
    /// Only into the cache.
    Cache,
    File(PathBuf),
    /// Entry `name` of `.cbz` number `archive`.
    Cbz {
        archive: usize,
        name: String,
    },
}

/// A `.cbz` to write: its pages come from `items` (in order), its extras from the source book.
struct CbzPlan {
    target: PathBuf,
    book: Arc<Book>,
    pages: usize,
}

/// The pages of a batch, in order, and the archives they go into.
pub struct BatchPlan {
    pub items: Vec<BatchItem>,
    cbz: Vec<CbzPlan>,
    /// Inputs that could not be read at all (a corrupt book), with why.
    pub unreadable: Vec<(String, SrError)>,
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

/// `dir/stem` of a path inside a container or tree, as (folder, stem bytes).
fn split_page_path(relative: &Path) -> (PathBuf, Vec<u8>) {
    let folder = relative.parent().map(Path::to_path_buf).unwrap_or_default();
    let stem = relative.file_stem().map(|s| s.as_bytes().to_vec()).unwrap_or_else(|| b"page".to_vec());
    (folder, stem)
}

/// Only the normal parts of a path inside an archive: never `..`, a root, or a prefix.
fn safe_relative(name: &str) -> PathBuf {
    Path::new(name)
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part),
            _ => None,
        })
        .collect()
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
                    || (has_book_extension(&path) && !crate::archive::is_later_volume(&entry.path())))
            {
                found.push(path);
            }
        }
        // Depth first, in natural order: push in reverse so the first folder comes out first.
        stack.extend(subfolders.into_iter().rev());
    }
    // Files of a folder come before its sub-folders' files, each level in natural order.
    found.sort_by(|a, b| crate::naming::natural_path_cmp(a, b));
    Ok(found)
}

/// Plans a batch: which pages, in which order, written where. Refuses two pages that would be
/// written to the same file.
pub fn plan(spec: &BatchSpec, max_bytes: u64) -> Result<BatchPlan> {
    let (pattern, cbz) = match &spec.layout {
        Layout::Files { pattern } => (pattern.as_str(), false),
        Layout::Cbz { pattern } => (pattern.as_str(), true),
    };
    render(pattern, b"page", &spec.options)?;
    let single = spec.inputs.len() == 1;
    let cache_only = spec.output.is_none();
    let root = spec.output.clone().unwrap_or_default();
    let mut batch = BatchPlan { items: Vec::new(), cbz: Vec::new(), unreadable: Vec::new() };
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
    let output_is_file = single && sources.len() == 1 && !root.is_dir() && root.extension().is_some();
    for (path, relative) in sources {
        if has_book_extension(&path) {
            let book = match Book::open(&path, max_bytes) {
                Ok(book) => book,
                Err(err) => {
                    batch.unreadable.push((path.display().to_string(), err));
                    continue;
                }
            };
            let (folder, stem) = split_page_path(&relative);
            let book_dir = folder.join(OsString::from_vec(stem.clone()));
            let into_cbz = !cache_only
                && (cbz || (output_is_file && root.extension().is_some_and(|e| e.eq_ignore_ascii_case("cbz"))));
            let archive = batch.cbz.len();
            if into_cbz {
                let target = if output_is_file {
                    root.clone()
                } else {
                    let mut name = stem.clone();
                    name.extend_from_slice(
                        format!("_x{}.cbz", size_label(spec.options.size).trim_start_matches('x')).as_bytes(),
                    );
                    root.join(&folder).join(OsString::from_vec(name))
                };
                batch.cbz.push(CbzPlan { target, book: book.clone(), pages: book.pages.len() });
            }
            for (index, page) in book.pages.iter().enumerate() {
                let inner = safe_relative(&page.name);
                let (inner_folder, page_stem) = split_page_path(&inner);
                let label = format!("{} › {}", path.display(), page.name);
                let target = if cache_only {
                    Target::Cache
                } else if into_cbz {
                    let mut name = inner_folder.join(OsString::from_vec(page_stem)).into_os_string().into_vec();
                    name.extend_from_slice(format!(".{}", spec.options.format.extension()).as_bytes());
                    Target::Cbz { archive, name: String::from_utf8_lossy(&name).into_owned() }
                } else {
                    Target::File(root.join(&book_dir).join(&inner_folder).join(render(
                        pattern,
                        &page_stem,
                        &spec.options,
                    )?))
                };
                batch.items.push(BatchItem { source: book.page(index), label, target });
            }
        } else {
            let (folder, stem) = split_page_path(&relative);
            let target = if cache_only {
                Target::Cache
            } else if output_is_file {
                Target::File(root.clone())
            } else {
                Target::File(root.join(folder).join(render(pattern, &stem, &spec.options)?))
            };
            batch.items.push(BatchItem { label: path.display().to_string(), source: ImageSource::File(path), target });
        }
    }
    let mut seen: HashMap<PathBuf, &str> = HashMap::new();
    for item in &batch.items {
        if let Target::File(path) = &item.target {
            if let Some(first) = seen.insert(path.clone(), &item.label) {
                return Err(SrError::InvalidOption(format!(
                    "{first} and {} would both be written to {}; rename one, or use another name pattern",
                    item.label,
                    path.display()
                )));
            }
        }
    }
    for archive in &batch.cbz {
        if let Some(first) = seen.insert(archive.target.clone(), "a book") {
            return Err(SrError::InvalidOption(format!(
                "{first} and a book would both be written to {}",
                archive.target.display()
            )));
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
    #[serde(serialize_with = "crate::naming::serialize_lossy_path_opt")]
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
    #[serde(serialize_with = "crate::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub output: Option<PathBuf>,
    #[serde(flatten)]
    pub outcome: PageOutcome,
    pub bytes: u64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<PageDetail>,
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

fn stored() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(false)
}

impl CbzWriter {
    fn create(target: &Path) -> Result<Self> {
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let pending = PendingFile::create_in(folder)?;
        Ok(CbzWriter { zip: zip::ZipWriter::new(std::io::BufWriter::new(PendingFileWriter(pending))), written: 0 })
    }

    fn add(&mut self, target: &Path, name: &str, bytes: &[u8]) -> Result<()> {
        let failed = |e: String| SrError::Io { path: target.display().to_string(), source: std::io::Error::other(e) };
        self.zip.start_file(name, stored()).map_err(|e| failed(e.to_string()))?;
        self.zip.write_all(bytes).map_err(|e| failed(e.to_string()))?;
        self.written += 1;
        Ok(())
    }

    /// Copies the book's extras (`ComicInfo.xml`) and gives the archive its name.
    fn finish(mut self, plan: &CbzPlan, overwrite: Overwrite) -> Result<()> {
        let target = &plan.target;
        for extra in &plan.book.extras {
            let bytes = plan.book.read_extra(extra)?;
            self.add(target, &safe_relative(&extra.name).to_string_lossy(), &bytes)?;
        }
        let failed = |e: String| SrError::Io { path: target.display().to_string(), source: std::io::Error::other(e) };
        let buffered = self.zip.finish().map_err(|e| failed(e.to_string()))?;
        let PendingFileWriter(pending) = buffered.into_inner().map_err(|e| failed(e.to_string()))?;
        pending.persist(target, overwrite)
    }
}

/// `plan` off the async runtime, with the engine's byte limit.
pub async fn plan_for(engine: &Engine, spec: &BatchSpec) -> Result<BatchPlan> {
    let (spec, max_bytes) = (spec.clone(), engine.limits().max_bytes);
    tokio::task::spawn_blocking(move || plan(&spec, max_bytes))
        .await
        .unwrap_or_else(|join| Err(SrError::Internal(format!("planning the batch failed: {join}"))))
}

/// Runs a planned batch. `on_page` hears about each page in batch order, with the progress so far.
pub async fn run(
    engine: &Engine,
    batch: BatchPlan,
    spec: &BatchSpec,
    cancel: CancellationToken,
    mut on_page: impl FnMut(&PageReport, &BatchProgress),
) -> BatchSummary {
    let started = Instant::now();
    let window = if spec.window == 0 { 2 * engine.report().pipeline_depth as usize } else { spec.window }.max(1);
    let total = batch.items.len() as u32;
    let mut summary = BatchSummary { total, ..BatchSummary::default() };
    let mut progress = BatchProgress { total, ..BatchProgress::default() };
    for (input, error) in &batch.unreadable {
        summary.failures.push(Failure { input: input.clone(), error: error.clone() });
    }
    // Books whose .cbz exists already are skipped whole (unless replacing was asked for).
    let cbz_exists: Vec<bool> =
        batch.cbz.iter().map(|c| spec.overwrite == Overwrite::Never && c.target.exists()).collect();
    let mut writers: Vec<Option<CbzWriter>> = batch.cbz.iter().map(|_| None).collect();
    let mut recent: VecDeque<Instant> = VecDeque::new();
    type Done = (PageOutcome, Option<Arc<Vec<u8>>>, Option<PageDetail>);
    let mut running: VecDeque<(usize, tokio::task::JoinHandle<Done>)> = VecDeque::new();
    let mut next = 0usize;
    let items = Arc::new(batch.items);

    loop {
        while running.len() < window && next < items.len() && !cancel.is_cancelled() {
            let index = next;
            next += 1;
            let item = &items[index];
            let skip = match &item.target {
                Target::Cache => false,
                Target::File(path) => spec.overwrite == Overwrite::Never && path.exists(),
                Target::Cbz { archive, .. } => cbz_exists[*archive],
            };
            let mut request = UpscaleRequest::new(item.source.clone(), spec.options.clone());
            request.priority = Priority::Batch;
            if let Target::File(path) = &item.target {
                request.save_path = Some(path.clone());
                request.overwrite = spec.overwrite;
            }
            let (engine, token) = (engine.clone(), cancel.child_token());
            running.push_back((
                index,
                tokio::spawn(async move {
                    if skip {
                        return (PageOutcome::Skipped, None, None);
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
                }),
            ));
            summary.peak_in_flight = summary.peak_in_flight.max(running.len() as u32);
        }
        let Some((index, task)) = running.pop_front() else { break };
        let (mut outcome, bytes, detail) = task.await.unwrap_or_else(|join| {
            (PageOutcome::Failed { error: SrError::Internal(format!("a batch task failed: {join}")) }, None, None)
        });
        let item = &items[index];
        let mut output = None;
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
                let plan = &batch.cbz[*archive];
                output = Some(plan.target.clone());
                let added = (|| -> Result<()> {
                    if writers[*archive].is_none() {
                        writers[*archive] = Some(CbzWriter::create(&plan.target)?);
                    }
                    let writer = writers[*archive].as_mut().expect("created above");
                    writer.add(&plan.target, name, &bytes)?;
                    written = bytes.len() as u64;
                    if writer.written == plan.pages {
                        let writer = writers[*archive].take().expect("present");
                        writer.finish(plan, spec.overwrite)?;
                        summary.written.push(plan.target.clone());
                    }
                    Ok(())
                })();
                if let Err(error) = added {
                    writers[*archive] = None;
                    outcome = PageOutcome::Failed { error };
                }
            }
            (Target::Cbz { archive, .. }, PageOutcome::Skipped, _) => output = Some(batch.cbz[*archive].target.clone()),
            (Target::File(path), PageOutcome::Skipped, _) => output = Some(path.clone()),
            _ => {}
        }
        // A book with a failed page is not written: its .cbz would be incomplete.
        if let (Target::Cbz { archive, .. }, PageOutcome::Failed { .. }) = (&item.target, &outcome) {
            writers[*archive] = None;
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
        let input_raw = item.source.file_path().and_then(|p| crate::naming::raw_hex_if_not_utf8(p.as_os_str()));
        let report = PageReport {
            index: index as u32,
            input: item.label.clone(),
            input_raw,
            output,
            outcome,
            bytes: written,
            detail,
        };
        on_page(&report, &progress);
    }
    summary.computed = progress.computed;
    summary.cached = progress.cached;
    summary.skipped = progress.skipped;
    summary.cancelled = cancel.is_cancelled() && (progress.done as usize) < items.len();
    debug_assert!(summary.cancelled || (progress.done as usize) == items.len());
    summary.seconds = started.elapsed().as_secs_f64();
    summary
}
