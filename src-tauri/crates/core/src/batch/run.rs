//! Running a planned batch: pages go through the engine at most `window` at once, in
//! order; each is written as soon as it is done and reported in batch order.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::batch::cbz::{CbzState, CbzWriter};
use crate::batch::eta::ComputeRate;
use crate::batch::plan::{listing_of, BatchItem, BatchPlan, CbzPlan, ItemSource, PlannedBook, Target};
use crate::batch::report::{BatchProgress, BatchSummary, CbzStep, Failure, PageDetail, PageOutcome, PageReport};
use crate::batch::spec::BatchSpec;
use crate::books::book::Book;
use crate::books::bookshelf::Bookshelf;
use crate::books::naming::raw_hex_if_not_utf8;
use crate::books::source::ImageSource;
use crate::engine::{Engine, Priority, UpscaleRequest};
use crate::error::{Result, SrError};
use crate::store::export::Overwrite;
use crate::sync::blocking;

/// A book the batch has reached: open (or why not), or skipped whole because its `.cbz` exists.
enum Reached {
    Open(Arc<Book>),
    Unreadable(SrError),
    CbzExists,
}

/// Opens a book the batch reached, unless its `.cbz` exists and is kept; it must still list
/// what it listed when the batch was planned.
/// A page no model is to upscale (`SrError::Skipped`: a rule leaves it as it is, or it is
/// animated), read whole to be written as it is.
async fn keep_original(engine: &Engine, original: Option<ImageSource>, reason: String) -> Done {
    let Some(original) = original else { return (PageOutcome::Failed { error: SrError::Skipped(reason) }, None, None) };
    let extension =
        Path::new(&original.file_name()).extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let max_bytes = engine.limits().max_bytes;
    match blocking(move || original.read(max_bytes)).await {
        Ok(Ok(bytes)) => (PageOutcome::Kept { reason, extension }, Some(Arc::new(bytes)), None),
        Ok(Err(error)) | Err(error) => (PageOutcome::Failed { error }, None, None),
    }
}

/// An archive entry's name with `extension` in place of its own (raw bytes, as names are kept).
fn with_extension(name: &[u8], extension: &str) -> Vec<u8> {
    let stem = match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if !name[dot..].contains(&b'/') => &name[..dot],
        _ => name,
    };
    [stem, b".", extension.as_bytes()].concat()
}

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

/// Where a done page went.
struct Placed {
    outcome: PageOutcome,
    output: Option<PathBuf>,
    cbz: Option<CbzStep>,
    bytes: u64,
}

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
    let mut runner = Runner {
        engine,
        spec,
        books,
        cbz_states: cbz.iter().map(|_| CbzState::Waiting).collect(),
        cbz: cbz.into_iter().map(Arc::new).collect(),
        shelf,
        reached: HashMap::new(),
        rate: ComputeRate::new(started),
        summary: BatchSummary { total, ..BatchSummary::default() },
        progress: BatchProgress { total, ..BatchProgress::default() },
    };
    for (input, error) in unreadable {
        runner.summary.failures.push(Failure { input, error });
    }
    let mut running: VecDeque<(usize, BatchItem, JoinHandle<Done>)> = VecDeque::new();
    let mut pending = items.into_iter().enumerate();
    loop {
        while running.len() < window && !cancel.is_cancelled() {
            let Some((index, item)) = pending.next() else { break };
            let task = runner.start(&item, &cancel).await;
            running.push_back((index, item, task));
            runner.summary.peak_in_flight = runner.summary.peak_in_flight.max(running.len() as u32);
        }
        let Some((index, item, task)) = running.pop_front() else { break };
        let done = task.await.unwrap_or_else(|join| {
            (PageOutcome::Failed { error: SrError::Internal(format!("a batch task failed: {join}")) }, None, None)
        });
        let report = runner.finish_page(index, item, done).await;
        on_page(&report, &runner.progress);
    }
    runner.close(cancel.is_cancelled(), started).await
}

/// A batch under way: the books reached, the archives being written, and the counts.
struct Runner<'a> {
    engine: &'a Engine,
    spec: &'a BatchSpec,
    books: Vec<PlannedBook>,
    cbz: Vec<Arc<CbzPlan>>,
    cbz_states: Vec<CbzState>,
    shelf: Bookshelf,
    reached: HashMap<usize, Reached>,
    /// When the last computed pages finished, for the rate and the time left.
    rate: ComputeRate,
    summary: BatchSummary,
    progress: BatchProgress,
}

impl Runner<'_> {
    /// Where a page is read from: its file, or its book (opened when first reached); `None`
    /// when the book's `.cbz` exists and is kept.
    async fn source(&mut self, item: &BatchItem) -> Result<Option<ImageSource>> {
        match &item.source {
            ItemSource::File(path) => Ok(Some(ImageSource::File(path.clone()))),
            ItemSource::Page { book, index } => {
                if !self.reached.contains_key(book) {
                    let planned = &self.books[*book];
                    let cbz_target = planned.cbz.map(|archive| self.cbz[archive].target.clone());
                    let reached = reach(&self.shelf, planned, cbz_target, self.spec.overwrite).await;
                    self.reached.insert(*book, reached);
                }
                match &self.reached[book] {
                    Reached::Open(open) => Ok(Some(open.page(*index))),
                    Reached::Unreadable(err) => Err(err.clone()),
                    Reached::CbzExists => Ok(None),
                }
            }
        }
    }

    /// Starts a page's upscale as a task of its own.
    async fn start(&mut self, item: &BatchItem, cancel: &CancellationToken) -> JoinHandle<Done> {
        let spec = self.spec;
        let source = self.source(item).await;
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
        let (engine, token) = (self.engine.clone(), cancel.child_token());
        let original = source.as_ref().ok().cloned().flatten();
        tokio::spawn(async move {
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
                        model: done.model.clone(),
                        rule: done.rule.clone(),
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
                Err(SrError::Skipped(reason)) => keep_original(&engine, original, reason).await,
                Err(error) => (PageOutcome::Failed { error }, None, None),
            }
        })
    }

    /// A page is done: written where it goes, counted, and its book let go after its last page.
    async fn finish_page(&mut self, index: usize, item: BatchItem, (outcome, bytes, detail): Done) -> PageReport {
        let placed = self.place(&item, outcome, bytes, detail.as_ref()).await;
        if let ItemSource::Page { book, .. } = &item.source {
            if self.books[*book].last_item == index {
                self.reached.remove(book);
            }
        }
        self.count(&item, &placed);
        let input_raw = match &item.source {
            ItemSource::File(path) => raw_hex_if_not_utf8(path.as_os_str()),
            ItemSource::Page { .. } => None,
        };
        PageReport {
            index: index as u32,
            input: item.label,
            input_raw,
            output: placed.output,
            outcome: placed.outcome,
            cbz: placed.cbz,
            bytes: placed.bytes,
            detail,
        }
    }

    /// Writes a done page where it goes: the cache holds it already, a file was saved by the
    /// engine, a `.cbz` gets it as its next entry.
    async fn place(
        &mut self,
        item: &BatchItem,
        outcome: PageOutcome,
        bytes: Option<Arc<Vec<u8>>>,
        detail: Option<&PageDetail>,
    ) -> Placed {
        let upscaled = matches!(outcome, PageOutcome::Computed | PageOutcome::Cached);
        let skipped = matches!(outcome, PageOutcome::Skipped);
        let kept = match &outcome {
            PageOutcome::Kept { extension, .. } => Some(extension.clone()),
            _ => None,
        };
        let mut placed = Placed { outcome, output: None, cbz: None, bytes: 0 };
        if let (Some(extension), Some(bytes)) = (kept, &bytes) {
            match &item.target {
                Target::File(path) => {
                    let path = path.with_extension(&extension);
                    let (target, data, overwrite) = (path.clone(), bytes.clone(), self.spec.overwrite);
                    match blocking(move || crate::store::export::save_file(&target, &data, overwrite)).await {
                        Ok(Ok(())) => {
                            placed.output = Some(path.clone());
                            placed.bytes = bytes.len() as u64;
                            self.summary.written.push(path);
                        }
                        Ok(Err(SrError::OutputExists(_))) => placed.outcome = PageOutcome::Skipped,
                        Ok(Err(error)) | Err(error) => placed.outcome = PageOutcome::Failed { error },
                    }
                }
                Target::Cbz { archive, name } => {
                    let name = with_extension(name, &extension);
                    self.add_to_cbz(item, *archive, name, bytes.clone(), &mut placed).await;
                }
                Target::Cache => {}
            }
            return placed;
        }
        match (&item.target, bytes) {
            (Target::Cache, Some(bytes)) if upscaled => {
                placed.output = detail.and_then(|d| d.cache_path.clone());
                placed.bytes = bytes.len() as u64;
            }
            (Target::File(path), Some(bytes)) if upscaled => {
                placed.output = Some(path.clone());
                placed.bytes = bytes.len() as u64;
                self.summary.written.push(path.clone());
            }
            (Target::Cbz { archive, name }, Some(bytes)) if upscaled => {
                self.add_to_cbz(item, *archive, name.clone(), bytes, &mut placed).await;
            }
            (Target::Cbz { archive, .. }, _) if skipped => placed.output = Some(self.cbz[*archive].target.clone()),
            (Target::File(path), _) if skipped => placed.output = Some(path.clone()),
            _ => {}
        }
        // A book with a failed page is not written: its .cbz would be incomplete. What was
        // written of it has no name yet and goes with the writer.
        if let (Target::Cbz { archive, .. }, PageOutcome::Failed { .. }) = (&item.target, &placed.outcome) {
            placed.cbz = Some(CbzStep::NotWritten { path: self.cbz[*archive].target.clone() });
            if let CbzState::Writing(writer) = std::mem::replace(&mut self.cbz_states[*archive], CbzState::Closed) {
                let _ = blocking(move || drop(writer)).await;
            }
        }
        placed
    }

    /// Adds a page to its book's `.cbz` (created with the first page, named with the last),
    /// unless a page of the book failed before.
    async fn add_to_cbz(
        &mut self,
        item: &BatchItem,
        archive: usize,
        name: Vec<u8>,
        bytes: Arc<Vec<u8>>,
        placed: &mut Placed,
    ) {
        let plan = self.cbz[archive].clone();
        let path = plan.target.clone();
        let book: Option<Arc<Book>> = match &item.source {
            ItemSource::Page { book, .. } => match self.reached.get(book) {
                Some(Reached::Open(book)) => Some(book.clone()),
                _ => None,
            },
            ItemSource::File(_) => None,
        };
        let writer = match std::mem::replace(&mut self.cbz_states[archive], CbzState::Closed) {
            CbzState::Waiting => None,
            CbzState::Writing(writer) => Some(*writer),
            CbzState::Closed => {
                placed.cbz = Some(CbzStep::NotWritten { path });
                return;
            }
        };
        let overwrite = self.spec.overwrite;
        let size = bytes.len() as u64;
        let added = blocking(move || {
            let book = book.ok_or_else(|| SrError::Internal("a book was let go before its last page".into()))?;
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
        match added {
            Ok(Some(writer)) => {
                let (added, pages) = (writer.written as u32, self.cbz[archive].pages as u32);
                self.cbz_states[archive] = CbzState::Writing(Box::new(writer));
                placed.cbz = Some(CbzStep::Added { path, added, pages });
                placed.bytes = size;
            }
            Ok(None) => {
                self.summary.written.push(path.clone());
                placed.output = Some(path.clone());
                placed.cbz = Some(CbzStep::Written { path });
                placed.bytes = size;
            }
            Err(error) => placed.outcome = PageOutcome::Failed { error },
        }
    }

    /// Counts a done page in the progress, with the rate of the last computed pages.
    fn count(&mut self, item: &BatchItem, placed: &Placed) {
        let progress = &mut self.progress;
        if !matches!(placed.outcome, PageOutcome::Cancelled) {
            progress.done += 1;
        }
        match &placed.outcome {
            PageOutcome::Computed => progress.computed += 1,
            PageOutcome::Cached => progress.cached += 1,
            PageOutcome::Skipped => progress.skipped += 1,
            PageOutcome::Kept { .. } => progress.kept += 1,
            PageOutcome::Failed { error } => {
                progress.failed += 1;
                self.summary.failures.push(Failure { input: item.label.clone(), error: error.clone() });
            }
            PageOutcome::Cancelled => {}
        }
        progress.bytes_written += placed.bytes;
        progress.current = Some(item.label.clone());
        if matches!(placed.outcome, PageOutcome::Computed) {
            self.rate.computed(Instant::now());
        }
        progress.pages_per_minute = self.rate.pages_per_minute();
        progress.seconds_left = self.rate.seconds_left(progress.total - progress.done);
    }

    /// The summary once every page is reported (or the batch was cancelled): archives begun
    /// and not finished are dropped unnamed, off the runtime.
    async fn close(self, cancelled: bool, started: Instant) -> BatchSummary {
        let unfinished: Vec<CbzState> =
            self.cbz_states.into_iter().filter(|s| matches!(s, CbzState::Writing(_))).collect();
        if !unfinished.is_empty() {
            let _ = blocking(move || drop(unfinished)).await;
        }
        let (mut summary, progress) = (self.summary, self.progress);
        summary.computed = progress.computed;
        summary.cached = progress.cached;
        summary.skipped = progress.skipped;
        summary.kept = progress.kept;
        summary.cancelled = cancelled && progress.done < summary.total;
        debug_assert!(summary.cancelled || progress.done == summary.total);
        summary.seconds = started.elapsed().as_secs_f64();
        summary
    }
}
