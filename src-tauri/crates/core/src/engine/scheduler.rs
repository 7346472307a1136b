//! The job scheduler. Jobs wait in a Rust-side queue and at most `pipeline_depth` are handed
//! to sr_vulkan at once, so every job sr_vulkan holds is running. The most urgent queued job
//! goes next, and among equally urgent ones the earliest request's (a batch runs in its order);
//! urgency is read live, so a page that the reader comes back to is promoted. In
//! CPU mode a background job never starts beside the page on screen: one job already uses
//! every core, and a second would halve the speed of both. An idle job (a speed probe) starts
//! only when nothing else runs or waits. A queued job can be cancelled; a
//! running one cannot (sr_vulkan has no way to stop it), and its result is always delivered.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use image::DynamicImage;
use serde::Serialize;
use srview_python::{EncodeFormat, OutputSize};
use tokio::sync::oneshot;

use crate::error::{Result, SrError};
use crate::models::custom::{CustomJob, LoadedModel};
use crate::models::tiling::{self, Tile};
use crate::sync::lock;

/// How urgent a request is. The page on screen goes first, then preloads, then batch exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    #[default]
    Interactive,
    Background,
    Batch,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Interactive, Priority::Background, Priority::Batch];

    fn rank(self) -> u8 {
        self as u8
    }
}

/// The live urgency of a group of jobs (one page): the most urgent of the requests waiting
/// for it, and the earliest of their orders (`UpscaleRequest::order`). Shared between the
/// page's computation and its queued jobs.
#[derive(Debug)]
pub(crate) struct Urgency {
    rank: AtomicU8,
    order: AtomicU64,
}

const NOBODY_WAITS: u8 = u8::MAX;
const IDLE: u8 = Priority::Batch as u8 + 1;

impl Urgency {
    pub fn new(priority: Priority, order: u64) -> Arc<Self> {
        Arc::new(Urgency { rank: AtomicU8::new(priority.rank()), order: AtomicU64::new(order) })
    }

    /// Below every priority: runs only while nothing else is queued or running (speed probes).
    pub fn idle() -> Arc<Self> {
        Arc::new(Urgency { rank: AtomicU8::new(IDLE), order: AtomicU64::new(u64::MAX) })
    }

    pub fn set(&self, priority: Option<Priority>) {
        self.rank.store(priority.map_or(NOBODY_WAITS, Priority::rank), Ordering::SeqCst);
    }

    /// A request of `order` waits for these jobs too.
    pub fn include_order(&self, order: u64) {
        self.order.fetch_min(order, Ordering::SeqCst);
    }

    pub(super) fn rank(&self) -> u8 {
        self.rank.load(Ordering::SeqCst)
    }

    fn order(&self) -> u64 {
        self.order.load(Ordering::SeqCst)
    }

    pub(super) fn is_interactive(&self) -> bool {
        self.rank() == Priority::Interactive.rank()
    }
}

/// One job's result: sr_vulkan's encoded bytes (empty when it returned none), or a custom
/// model's pixels.
pub(crate) enum JobDone {
    Encoded(Vec<u8>),
    Pixels(image::RgbaImage),
}

pub(crate) enum JobSpec {
    SrVulkan(SrVulkanJob),
    Custom(CustomTile),
}

impl JobSpec {
    fn is_custom(&self) -> bool {
        matches!(self, JobSpec::Custom(_))
    }

    /// Where the tile's own part of the page starts, for a tile.
    fn tile_at(&self) -> Option<(u32, u32)> {
        match self {
            JobSpec::SrVulkan(SrVulkanJob { input: JobInput::Region { tile, .. }, .. }) => Some((tile.x, tile.y)),
            JobSpec::SrVulkan(_) => None,
            JobSpec::Custom(job) => Some((job.tile.x, job.tile.y)),
        }
    }

    pub(super) fn input_size(&self) -> (u32, u32) {
        match self {
            JobSpec::SrVulkan(job) => match &job.input {
                JobInput::Encoded(bytes) => crate::books::input::dimensions(bytes).unwrap_or_default(),
                JobInput::Region { tile, .. } => (tile.padded_width, tile.padded_height),
            },
            JobSpec::Custom(job) => (job.tile.padded_width, job.tile.padded_height),
        }
    }
}

/// What an sr_vulkan job reads. A region is cut and encoded only when the job is handed over,
/// on the submitting thread: never on the async runtime, and never for a job withdrawn first.
pub(crate) enum JobInput {
    /// A whole page, as sr_vulkan decodes it.
    Encoded(Arc<Vec<u8>>),
    /// The padded region of a decoded page, sent as BMP.
    Region { page: Arc<DynamicImage>, tile: Tile },
}

impl JobInput {
    pub(super) fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            JobInput::Encoded(bytes) => Cow::Borrowed(bytes),
            JobInput::Region { page, tile } => Cow::Owned(tiling::tile_bmp(page, tile)),
        }
    }
}

/// A custom model's tile; its pixels are cut from the page on the submitting thread.
pub(crate) struct CustomTile {
    pub page: Arc<DynamicImage>,
    pub tile: Tile,
    pub model: Arc<LoadedModel>,
    pub passes: Vec<u32>,
    pub sub_tile: u32,
    pub limit: Duration,
}

impl CustomTile {
    pub(super) fn cut(self) -> CustomJob {
        let tile = &self.tile;
        let region = self.page.crop_imm(tile.padded_x, tile.padded_y, tile.padded_width, tile.padded_height);
        CustomJob {
            model: self.model,
            tile: region.to_rgba8(),
            passes: self.passes,
            sub_tile: self.sub_tile,
            limit: self.limit,
        }
    }
}

pub(crate) struct SrVulkanJob {
    pub input: JobInput,
    pub model_index: i32,
    pub size: OutputSize,
    pub format: EncodeFormat,
    pub tile_size: i32,
    pub webp_quality: u8,
}

/// A submitted job: `started` fires when sr_vulkan takes it, `done` with its result.
pub(crate) struct Ticket {
    pub back_id: i32,
    pub started: oneshot::Receiver<()>,
    pub done: oneshot::Receiver<Result<JobDone>>,
}

struct Queued {
    back_id: i32,
    seq: u64,
    spec: JobSpec,
    urgency: Arc<Urgency>,
    /// The first tile the reader sees of its page: for the screen, it runs with nothing
    /// started beside it, so its pixels come in one tile's time.
    lead: bool,
    started: oneshot::Sender<()>,
    done: oneshot::Sender<Result<JobDone>>,
}

pub(super) struct Running {
    pub done: oneshot::Sender<Result<JobDone>>,
    urgency: Arc<Urgency>,
    pub input_size: (u32, u32),
    custom: bool,
    /// Nothing starts beside it.
    alone: bool,
}

#[derive(Default)]
struct Dispatch {
    queued: Vec<Queued>,
    running: HashMap<i32, Running>,
    next_back_id: i32,
    next_seq: u64,
    started_total: u64,
    closed: Option<String>,
    /// Interactive requests on their way to the queue (reading, checking, cutting tiles).
    interactive_arriving: usize,
}

impl Dispatch {
    fn allocate_back_id(&mut self) -> i32 {
        self.next_back_id = if self.next_back_id >= i32::MAX - 1 { 1 } else { self.next_back_id + 1 };
        self.next_back_id
    }

    /// The next job to start, if any may start now.
    fn pick(&mut self, depth: usize, cpu_mode: bool) -> Option<Queued> {
        if self.closed.is_some() || self.running.len() >= depth || self.running.values().any(|r| r.alone) {
            return None;
        }
        self.queued.retain(|q| !q.done.is_closed());
        // Custom models run one at a time, on their own thread.
        let custom_busy = self.running.values().any(|r| r.custom);
        let best = self
            .queued
            .iter()
            .enumerate()
            .filter(|(_, q)| q.urgency.rank() != NOBODY_WAITS && !(custom_busy && q.spec.is_custom()))
            .min_by_key(|(_, q)| (q.urgency.rank(), q.urgency.order(), q.seq))
            .map(|(i, _)| i)?;
        let interactive_busy =
            self.interactive_arriving > 0 || self.running.values().any(|r| r.urgency.is_interactive());
        if cpu_mode && interactive_busy && !self.queued[best].urgency.is_interactive() {
            return None;
        }
        if self.queued[best].urgency.rank() == IDLE && (interactive_busy || !self.running.is_empty()) {
            return None;
        }
        Some(self.queued.swap_remove(best))
    }
}

/// An interactive request under way; see `Scheduler::interactive_request`.
pub(crate) struct InteractiveRequest(Arc<Scheduler>);

impl Drop for InteractiveRequest {
    fn drop(&mut self) {
        lock(&self.0.dispatch).interactive_arriving -= 1;
        self.0.reschedule();
    }
}

/// What the scheduler looks like at one moment (for tests and the engine panel).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedulerSnapshot {
    pub queued: usize,
    pub running: usize,
    /// Jobs handed to sr_vulkan since the process started.
    pub started_total: u64,
}

/// Jobs handed to sr_vulkan at once. Measured in CPU mode by `cargo bench -p srview-cli --bench
/// engine` and `--bench pages` (see PYO3_INTEGRATION.md); no GPU was at hand to measure, so GPUs
/// use the same. `SRVIEW_PIPELINE_DEPTH` overrides it for those benchmarks.
fn pipeline_depth() -> usize {
    const MEASURED: usize = 2;
    std::env::var("SRVIEW_PIPELINE_DEPTH")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|d| (1..=8).contains(d))
        .unwrap_or(MEASURED)
}

/// The queue and the running jobs. The submitting thread (see `workers`) takes jobs from it;
/// everything else only queues jobs and wakes that thread.
pub(crate) struct Scheduler {
    pipeline_depth: usize,
    cpu_mode: bool,
    dispatch: Mutex<Dispatch>,
    /// Signalled whenever a running job finishes, for draining.
    finished: Condvar,
    /// Wakes the submitting thread; `None` once it was told to end.
    wake_submitter: Mutex<Option<Sender<()>>>,
}

impl Scheduler {
    pub(super) fn new(cpu_mode: bool) -> Self {
        Scheduler {
            pipeline_depth: pipeline_depth(),
            cpu_mode,
            dispatch: Mutex::new(Dispatch::default()),
            finished: Condvar::new(),
            wake_submitter: Mutex::new(None),
        }
    }

    pub(super) fn pipeline_depth(&self) -> usize {
        self.pipeline_depth
    }

    /// Who `reschedule` wakes (`None`: nobody, from now on).
    pub(super) fn set_waker(&self, wake: Option<Sender<()>>) {
        *lock(&self.wake_submitter) = wake;
    }

    /// Queues a job with the urgency of the page it belongs to; `lead` for the page's first tile
    /// in reading order (see `Queued::lead`).
    pub(crate) fn submit(&self, spec: JobSpec, urgency: Arc<Urgency>, lead: bool) -> Result<Ticket> {
        let (started_tx, started) = oneshot::channel();
        let (done_tx, done) = oneshot::channel();
        let back_id = {
            let mut dispatch = lock(&self.dispatch);
            if let Some(reason) = &dispatch.closed {
                return Err(SrError::EngineUnavailable(reason.clone()));
            }
            let back_id = dispatch.allocate_back_id();
            dispatch.next_seq += 1;
            let seq = dispatch.next_seq;
            dispatch.queued.push(Queued { back_id, seq, spec, urgency, lead, started: started_tx, done: done_tx });
            back_id
        };
        self.reschedule();
        Ok(Ticket { back_id, started, done })
    }

    /// Marks an interactive request as under way until the guard drops. In CPU mode no
    /// background job starts meanwhile, even before the request's own jobs reach the queue,
    /// so a preload sent at the same moment cannot take the CPU from the page on screen.
    pub(crate) fn interactive_request(self: &Arc<Self>) -> InteractiveRequest {
        lock(&self.dispatch).interactive_arriving += 1;
        InteractiveRequest(self.clone())
    }

    /// Has the queue looked at again (after jobs, urgencies or running jobs changed); never
    /// blocks, and never takes the GIL.
    pub(crate) fn reschedule(&self) {
        if let Some(wake) = lock(&self.wake_submitter).as_ref() {
            let _ = wake.send(());
        }
    }

    /// The next job that may start now, moved to the running ones.
    pub(super) fn start_next(&self) -> Option<(i32, JobSpec, oneshot::Sender<()>)> {
        let mut dispatch = lock(&self.dispatch);
        let Queued { back_id, spec, urgency, lead, started, done, .. } =
            dispatch.pick(self.pipeline_depth, self.cpu_mode)?;
        let input_size = spec.input_size();
        crate::testing::record_start(input_size, spec.tile_at(), urgency.rank());
        let custom = spec.is_custom();
        let alone = lead && urgency.is_interactive();
        dispatch.running.insert(back_id, Running { done, urgency, input_size, custom, alone });
        dispatch.started_total += 1;
        Some((back_id, spec, started))
    }

    /// A job that could not be handed over fails with `error`.
    pub(super) fn fail_start(&self, back_id: i32, error: SrError) {
        if let Some(running) = lock(&self.dispatch).running.remove(&back_id) {
            let _ = running.done.send(Err(error));
        }
    }

    /// A running job that ended, taken out of the running ones.
    pub(super) fn take_running(&self, back_id: i32) -> Option<Running> {
        let running = lock(&self.dispatch).running.remove(&back_id);
        self.finished.notify_all();
        running
    }

    /// Delivers a running job's result and starts what may start next.
    pub(super) fn finish(&self, back_id: i32, result: Result<JobDone>) {
        if let Some(running) = self.take_running(back_id) {
            let _ = running.done.send(result);
        }
        self.reschedule();
    }

    /// Cancels a job that has not started; returns whether it was still queued. A running
    /// job cannot be stopped, and its result is delivered as usual.
    pub(crate) fn cancel_queued(&self, back_id: i32) -> bool {
        let mut dispatch = lock(&self.dispatch);
        let Some(pos) = dispatch.queued.iter().position(|q| q.back_id == back_id) else { return false };
        let job = dispatch.queued.swap_remove(pos);
        let _ = job.done.send(Err(SrError::Cancelled));
        true
    }

    pub(crate) fn snapshot(&self) -> SchedulerSnapshot {
        let dispatch = lock(&self.dispatch);
        SchedulerSnapshot {
            queued: dispatch.queued.len(),
            running: dispatch.running.len(),
            started_total: dispatch.started_total,
        }
    }

    /// Refuses new work from now on and cancels the queued jobs; running ones go on.
    pub(super) fn refuse_new(&self, reason: &str) {
        let mut dispatch = lock(&self.dispatch);
        if dispatch.closed.is_none() {
            dispatch.closed = Some(reason.to_owned());
        }
        for job in dispatch.queued.drain(..) {
            let _ = job.done.send(Err(SrError::Cancelled));
        }
    }

    /// Waits until no job runs, at most `limit`.
    pub(super) fn drain(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut dispatch = lock(&self.dispatch);
        while !dispatch.running.is_empty() && Instant::now() < deadline {
            let wait = deadline.saturating_duration_since(Instant::now());
            dispatch = self.finished.wait_timeout(dispatch, wait).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
    }

    /// Fails every queued and running job with `reason`; no job is taken after this.
    pub(super) fn close(&self, reason: &str) {
        let mut dispatch = lock(&self.dispatch);
        if dispatch.closed.is_none() {
            dispatch.closed = Some(reason.to_owned());
        }
        for job in dispatch.queued.drain(..) {
            let _ = job.done.send(Err(SrError::EngineUnavailable(reason.to_owned())));
        }
        for (_, running) in dispatch.running.drain() {
            let _ = running.done.send(Err(SrError::EngineUnavailable(reason.to_owned())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(dispatch: &mut Dispatch, priority: Priority) {
        queue_with(dispatch, Urgency::new(priority, 0));
    }

    fn queue_with(dispatch: &mut Dispatch, urgency: Arc<Urgency>) {
        let (started, _) = oneshot::channel();
        let (done, done_rx) = oneshot::channel();
        std::mem::forget(done_rx);
        dispatch.next_seq += 1;
        let spec = JobSpec::SrVulkan(SrVulkanJob {
            input: JobInput::Encoded(Arc::default()),
            model_index: 0,
            size: OutputSize::Scale(2.0),
            format: EncodeFormat::Png,
            tile_size: 0,
            webp_quality: 90,
        });
        dispatch.queued.push(Queued {
            back_id: dispatch.next_seq as i32,
            seq: dispatch.next_seq,
            spec,
            urgency,
            lead: false,
            started,
            done,
        });
    }

    #[test]
    fn in_cpu_mode_background_waits_while_an_interactive_request_is_under_way() {
        let mut dispatch = Dispatch::default();
        queue(&mut dispatch, Priority::Background);
        dispatch.interactive_arriving = 1;
        assert!(dispatch.pick(2, true).is_none(), "a preload must not take the CPU from the page on screen");
        assert!(dispatch.pick(2, false).is_some(), "on a GPU it runs beside it");
        queue(&mut dispatch, Priority::Background);
        dispatch.interactive_arriving = 0;
        assert!(dispatch.pick(2, true).is_some(), "with nothing interactive it starts");
    }

    #[test]
    fn the_most_urgent_job_goes_first_then_the_oldest() {
        let mut dispatch = Dispatch::default();
        queue(&mut dispatch, Priority::Batch);
        queue(&mut dispatch, Priority::Background);
        queue(&mut dispatch, Priority::Interactive);
        queue(&mut dispatch, Priority::Background);
        let order: Vec<u64> = std::iter::from_fn(|| dispatch.pick(8, false).map(|q| q.seq)).collect();
        assert_eq!(order, [3, 2, 4, 1]);
    }

    #[test]
    fn equally_urgent_jobs_go_in_their_requests_order_whenever_they_were_queued() {
        let mut dispatch = Dispatch::default();
        let (first, second) = (Urgency::new(Priority::Batch, 7), Urgency::new(Priority::Batch, 8));
        // The second page was read first, so its tiles reached the queue first.
        queue_with(&mut dispatch, second.clone());
        queue_with(&mut dispatch, second);
        queue_with(&mut dispatch, first.clone());
        queue_with(&mut dispatch, first);
        queue(&mut dispatch, Priority::Interactive);
        let order: Vec<u64> = std::iter::from_fn(|| dispatch.pick(8, false).map(|q| q.seq)).collect();
        assert_eq!(order, [5, 3, 4, 1, 2]);
    }

    #[test]
    fn an_idle_job_starts_only_when_nothing_else_runs_or_waits() {
        let mut dispatch = Dispatch::default();
        queue(&mut dispatch, Priority::Batch);
        queue_with(&mut dispatch, Urgency::idle());
        let batch = dispatch.pick(8, false).expect("the batch job goes first");
        let (running_done, _rx) = oneshot::channel();
        dispatch.running.insert(
            batch.back_id,
            Running { done: running_done, urgency: batch.urgency, input_size: (1, 1), custom: false, alone: false },
        );
        assert!(dispatch.pick(8, false).is_none(), "the idle job waits while another runs, even with room beside it");
        dispatch.running.clear();
        dispatch.interactive_arriving = 1;
        assert!(dispatch.pick(8, false).is_none(), "and while a page the reader waits for is on its way");
        dispatch.interactive_arriving = 0;
        assert_eq!(dispatch.pick(8, false).map(|q| q.seq), Some(2));
    }

    #[test]
    fn nothing_starts_beside_the_first_tile_of_the_page_on_screen() {
        let mut dispatch = Dispatch::default();
        queue(&mut dispatch, Priority::Interactive);
        queue(&mut dispatch, Priority::Interactive);
        dispatch.queued[0].lead = true;
        let lead = dispatch.pick(2, true).expect("the first tile starts");
        let (done, _rx) = oneshot::channel();
        dispatch.running.insert(
            lead.back_id,
            Running { done, urgency: lead.urgency, input_size: (1, 1), custom: false, alone: true },
        );
        assert!(dispatch.pick(2, true).is_none(), "the page's next tile waits for the first");
        dispatch.running.clear();
        assert!(dispatch.pick(2, true).is_some(), "then it starts");
    }
}
