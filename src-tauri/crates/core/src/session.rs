//! The one sr_vulkan session of the process: device choice, the job scheduler and the
//! thread that blocks in `load`.
//!
//! Jobs wait in a Rust-side queue and at most `pipeline_depth` are handed to sr_vulkan at
//! once, so every job sr_vulkan holds is running. The most urgent queued job goes next;
//! urgency is read live, so a page that the reader comes back to is promoted. In CPU mode a
//! background job never starts beside the page on screen: one job already uses every core,
//! and a second would halve the speed of both. A queued job can be cancelled; a running one
//! cannot (sr_vulkan has no way to stop it), and its result is always delivered.
//!
//! One thread (`sr_vulkan-submit`) hands jobs over: it cuts and encodes tiles and holds the GIL
//! for `add`. Everything else only queues jobs and wakes it through a channel, so no async
//! task ever takes the GIL or encodes a tile.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::DynamicImage;
use serde::Serialize;
use srview_python::{EncodeFormat, Job, OutputSize, SrVulkan};
use tokio::sync::oneshot;

use crate::catalogue::{Catalogue, ModelFamily};
use crate::custom::{CustomJob, LoadedModel};
use crate::error::{Result, SrError};
use crate::tiling::{self, Tile};
use crate::venv::locate_venv;

/// Which device the session runs on. A restart setting: sr_vulkan's `initSet` works once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeviceChoice {
    /// The first hardware GPU, else CPU mode (software Vulkan is 5–14× slower than CPU).
    #[default]
    Auto,
    Cpu,
    Gpu(i32),
}

impl std::str::FromStr for DeviceChoice {
    type Err = SrError;
    /// `auto`, `cpu` or `-1`, or a GPU id.
    fn from_str(value: &str) -> Result<Self> {
        match value.trim() {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" | "-1" => Ok(DeviceChoice::Cpu),
            id => id
                .parse::<i32>()
                .ok()
                .filter(|id| *id >= 0)
                .map(DeviceChoice::Gpu)
                .ok_or_else(|| SrError::InvalidOption(format!("`{id}` is not auto, cpu, -1 or a GPU id"))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GpuDevice {
    pub id: i32,
    pub name: String,
    /// llvmpipe, lavapipe or SwiftShader: Vulkan on the CPU.
    pub software: bool,
    pub cores: i32,
}

/// What the GPU info panel and `srview gpus` show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceReport {
    pub gpus: Vec<GpuDevice>,
    /// `None` in CPU mode.
    pub active_gpu: Option<i32>,
    /// "cpu" or the GPU's name; part of every cache key.
    pub device_name: String,
    pub cpu_mode: bool,
    /// Why CPU mode was chosen, in plain words, when it was not asked for.
    pub fallback_reason: Option<String>,
    pub cpu_cores: i32,
    pub cpu_threads: i32,
    pub process_threads: i32,
    /// Jobs handed to sr_vulkan at once.
    pub pipeline_depth: u32,
    /// Memory a job may use on the GPU in use (MB), which sets the automatic tile size.
    pub gpu_memory_mb: Option<u64>,
    /// Where start-up time went, in milliseconds per step.
    pub startup: Vec<StartupStep>,
    /// Resident memory that starting the engine added (Python, sr_vulkan, Vulkan), in bytes.
    pub memory_added_bytes: u64,
    pub sr_vulkan_version: String,
    pub python_version: String,
    pub venv: String,
}

/// One step of starting the engine and how long it took.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StartupStep {
    pub step: String,
    pub ms: f64,
}

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
/// for it. Shared between the page's computation and its queued jobs.
#[derive(Debug)]
pub(crate) struct Urgency(AtomicU8);

const NOBODY_WAITS: u8 = u8::MAX;

impl Urgency {
    pub fn new(priority: Priority) -> Arc<Self> {
        Arc::new(Urgency(AtomicU8::new(priority.rank())))
    }

    pub fn set(&self, priority: Option<Priority>) {
        self.0.store(priority.map_or(NOBODY_WAITS, Priority::rank), Ordering::SeqCst);
    }

    fn rank(&self) -> u8 {
        self.0.load(Ordering::SeqCst)
    }

    fn is_interactive(&self) -> bool {
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

    fn input_size(&self) -> (u32, u32) {
        match self {
            JobSpec::SrVulkan(job) => match &job.input {
                JobInput::Encoded(bytes) => crate::input::dimensions(bytes).unwrap_or_default(),
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
    /// The padded region of a decoded page, sent as PNG.
    Region { page: Arc<DynamicImage>, tile: Tile },
}

impl JobInput {
    fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            JobInput::Encoded(bytes) => Cow::Borrowed(bytes),
            JobInput::Region { page, tile } => Cow::Owned(tiling::tile_png(page, tile)),
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
    fn cut(self) -> CustomJob {
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
    started: oneshot::Sender<()>,
    done: oneshot::Sender<Result<JobDone>>,
}

struct Running {
    done: oneshot::Sender<Result<JobDone>>,
    urgency: Arc<Urgency>,
    input_size: (u32, u32),
    custom: bool,
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
        if self.closed.is_some() || self.running.len() >= depth {
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
            .min_by_key(|(_, q)| (q.urgency.rank(), q.seq))
            .map(|(i, _)| i)?;
        let interactive_busy =
            self.interactive_arriving > 0 || self.running.values().any(|r| r.urgency.is_interactive());
        if cpu_mode && interactive_busy && !self.queued[best].urgency.is_interactive() {
            return None;
        }
        Some(self.queued.swap_remove(best))
    }
}

/// An interactive request under way; see `Session::interactive_request`.
pub(crate) struct InteractiveRequest(Arc<Session>);

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

pub(crate) struct Session {
    sr: &'static SrVulkan,
    /// Every Vulkan device's heaps, read on first use.
    memory: OnceLock<std::result::Result<Vec<crate::vulkan_memory::DeviceMemory>, String>>,
    pub report: DeviceReport,
    pub catalogue: Catalogue,
    pipeline_depth: usize,
    dispatch: Mutex<Dispatch>,
    /// Signalled whenever a running job finishes, for draining.
    finished: Condvar,
    /// Wakes the submitting thread, the only one that calls `setWebpQuality` and `add` (the
    /// quality is global and captured at `add`); `None` once it was told to end.
    wake_submitter: Mutex<Option<std::sync::mpsc::Sender<()>>>,
    submitter: Mutex<Option<JoinHandle<()>>>,
    loader: Mutex<Option<JoinHandle<()>>>,
    /// Hands custom-model jobs to their thread (see `custom_worker`).
    custom_jobs: Mutex<Option<std::sync::mpsc::Sender<(i32, CustomJob)>>>,
    shut_down: AtomicBool,
}

static SESSION: OnceLock<Arc<Session>> = OnceLock::new();
static START_LOCK: Mutex<()> = Mutex::new(());

/// Returns the process's session, starting it on first call. Blocking: run it off UI and
/// async threads. Later calls get the same session whatever they ask for, unless they
/// ask for another device, which needs a restart.
pub(crate) fn session(venv: Option<PathBuf>, device: DeviceChoice) -> Result<Arc<Session>> {
    let _guard = lock(&START_LOCK);
    if let Some(existing) = SESSION.get() {
        existing.check_device(device)?;
        return Ok(existing.clone());
    }
    let session = Arc::new(Session::start(venv, device)?);
    let _ = SESSION.set(session.clone());
    // At exit the bridge runs this before it stops sr_vulkan: refuse new work, drain, stop.
    srview_python::set_exit_hook(shutdown_at_exit);
    session.spawn_submitter();
    session.spawn_loader();
    session.spawn_custom_worker();
    Ok(session)
}

fn shutdown_at_exit() {
    if let Some(session) = SESSION.get() {
        session.shutdown();
    }
    if let Some(links) = MODEL_LINKS.get() {
        let _ = std::fs::remove_dir_all(links);
    }
}

/// The folder of links to model packages that `setModelPath` points at, when there is one.
static MODEL_LINKS: OnceLock<PathBuf> = OnceLock::new();

/// sr_vulkan reads a family's weights from `sr_vulkan/../sr_vulkan_model_<family>/models` only,
/// so it would not find a package installed elsewhere (the user's own folder). Then every
/// installed family is linked into one temporary folder and `setModelPath` points there.
fn point_at_model_packages(sr: &SrVulkan, packages: &[(String, Option<PathBuf>)], own: Option<&Path>) -> Result<()> {
    let parent = |folder: &Path| folder.canonicalize().ok().and_then(|f| f.parent().map(Path::to_path_buf));
    let own_parent = own.and_then(parent);
    let found: Vec<(&str, &Path)> =
        packages.iter().filter_map(|(module, folder)| Some((module.as_str(), folder.as_deref()?))).collect();
    if found.iter().all(|(_, folder)| parent(folder) == own_parent) {
        return Ok(());
    }
    let failed = |e: std::io::Error| SrError::EngineUnavailable(format!("linking the model packages: {e}"));
    let links = tempfile::Builder::new().prefix("srview-models-").tempdir().map_err(failed)?.keep();
    for (module, folder) in found {
        let family = module.trim_start_matches("sr_vulkan_model_");
        std::os::unix::fs::symlink(folder.join("models"), links.join(family)).map_err(failed)?;
    }
    sr.set_model_path(&links)?;
    tracing::info!(folder = %links.display(), "model packages outside sr_vulkan's folder are linked");
    let _ = MODEL_LINKS.set(links);
    Ok(())
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not poison the engine for every later request.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn is_software_vulkan(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["llvmpipe", "lavapipe", "swiftshader", "softpipe"].iter().any(|s| name.contains(s))
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

impl Session {
    fn start(venv: Option<PathBuf>, device: DeviceChoice) -> Result<Self> {
        let started = Instant::now();
        let resident_before = crate::stats::process_memory().0;
        let mut startup = Vec::new();
        let mut lap = Instant::now();
        let mut step = |name: &str| {
            startup
                .push(StartupStep { step: name.to_owned(), ms: (lap.elapsed().as_secs_f64() * 1e5).round() / 100.0 });
            lap = Instant::now();
        };
        let venv = locate_venv(venv)?;
        let user_packages: Vec<PathBuf> = crate::venv::user_packages_dir().into_iter().collect();
        let python = srview_python::start_interpreter(&venv, &user_packages)?;
        step("start Python");
        let sr = srview_python::sr_vulkan()?;
        step("import sr_vulkan");
        if sr.is_stopped() {
            return Err(SrError::EngineUnavailable("sr_vulkan was stopped in this process; restart SRView".into()));
        }
        let version = sr.version()?;
        let constants = sr.model_constants()?;
        let families = [ModelFamily::Waifu2x, ModelFamily::Realcugan, ModelFamily::Realesrgan, ModelFamily::Realsr];
        let mut installed = srview_python::installed_packages(
            &[families.map(|f| f.python_module()).as_slice(), &["sr_vulkan".into()]].concat(),
        );
        let own_folder = installed.pop().and_then(|(_, folder)| folder);
        point_at_model_packages(sr, &installed, own_folder.as_deref())?;
        let catalogue = Catalogue::from_constants(&constants, |family: ModelFamily| {
            installed.iter().any(|(module, folder)| folder.is_some() && *module == family.python_module())
        });
        step("model catalogue");

        let vulkan_ok = sr.init()? == 0;
        step("init");
        let names = if vulkan_ok { sr.gpu_names()? } else { Vec::new() };
        let mut gpus = Vec::with_capacity(names.len());
        for (id, name) in names.into_iter().enumerate() {
            let id = id as i32;
            gpus.push(GpuDevice { id, software: is_software_vulkan(&name), cores: sr.gpu_core_count(id)?, name });
        }
        let cpu_cores = sr.cpu_core_count()?.max(1);
        step("devices");

        let (active_gpu, fallback_reason) = match device {
            DeviceChoice::Cpu => (None, None),
            DeviceChoice::Gpu(id) => {
                if !gpus.iter().any(|g| g.id == id) {
                    return Err(SrError::InvalidOption(format!(
                        "GPU {id} does not exist; devices: {}",
                        describe_gpus(&gpus)
                    )));
                }
                (Some(id), None)
            }
            DeviceChoice::Auto => match gpus.iter().find(|g| !g.software) {
                Some(gpu) => (Some(gpu.id), None),
                None if gpus.is_empty() => (None, Some("no Vulkan GPU was found, so SRView runs on the CPU".to_owned())),
                None => (
                    None,
                    Some(format!(
                        "the only Vulkan device is software ({}), which is 5–14× slower than CPU mode, so SRView runs on the CPU",
                        gpus[0].name
                    )),
                ),
            },
        };

        // Measured on 2 cores: (1, 2, 1) nearly halves the time per image with a queue,
        // and `cpuNum` = all cores beats the default of half.
        let process_threads = 2;
        sr.set_thread_num(1, process_threads, 1)?;
        let cpu_threads = cpu_cores;
        if sr.init_set(active_gpu, cpu_threads)? != 0 {
            return Err(SrError::EngineUnavailable(format!("initSet failed: {}", sr.last_error())));
        }
        step("initSet");
        // On a GPU the automatic tile size needs the device's memory budget now.
        let memory = OnceLock::new();
        let gpu_memory_mb = match active_gpu {
            Some(id) => {
                let devices = memory.get_or_init(crate::vulkan_memory::query);
                let name = &gpus[id as usize].name;
                devices.as_ref().ok().and_then(|d| d.iter().find(|m| m.name == *name)).and_then(|m| m.available_mb())
            }
            None => None,
        };
        if active_gpu.is_some() {
            step("Vulkan memory");
        }
        let device_name = match active_gpu {
            Some(id) => gpus[id as usize].name.clone(),
            None => "cpu".to_owned(),
        };
        let depth = pipeline_depth();
        let report = DeviceReport {
            gpus,
            active_gpu,
            device_name,
            cpu_mode: active_gpu.is_none(),
            fallback_reason,
            cpu_cores,
            cpu_threads,
            process_threads,
            pipeline_depth: depth as u32,
            gpu_memory_mb,
            startup,
            memory_added_bytes: crate::stats::process_memory().0.saturating_sub(resident_before),
            sr_vulkan_version: version,
            python_version: python.version,
            venv: venv.display().to_string(),
        };
        tracing::info!(device = %report.device_name, version = %report.sr_vulkan_version, elapsed_ms = started.elapsed().as_millis() as u64, "sr_vulkan session started");
        Ok(Session {
            sr,
            memory,
            report,
            catalogue,
            pipeline_depth: depth,
            dispatch: Mutex::new(Dispatch::default()),
            finished: Condvar::new(),
            wake_submitter: Mutex::new(None),
            submitter: Mutex::new(None),
            loader: Mutex::new(None),
            custom_jobs: Mutex::new(None),
            shut_down: AtomicBool::new(false),
        })
    }

    /// Every Vulkan device's memory heaps (read once, on first use; blocking).
    pub(crate) fn device_memory(&self) -> std::result::Result<Vec<crate::vulkan_memory::DeviceMemory>, String> {
        self.memory.get_or_init(crate::vulkan_memory::query).clone()
    }

    fn check_device(&self, device: DeviceChoice) -> Result<()> {
        let matches = match device {
            DeviceChoice::Auto => true,
            DeviceChoice::Cpu => self.report.cpu_mode,
            DeviceChoice::Gpu(id) => self.report.active_gpu == Some(id),
        };
        if matches {
            Ok(())
        } else {
            Err(SrError::InvalidOption(format!(
                "this process already runs sr_vulkan on {}; the device is a restart setting",
                self.report.device_name
            )))
        }
    }

    /// The thread that hands queued jobs to sr_vulkan: each wake is one pass over the queue
    /// (wakes that arrive meanwhile are served by the next pass, so none is lost).
    fn spawn_submitter(self: &Arc<Self>) {
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        *lock(&self.wake_submitter) = Some(wake);
        let session = Arc::downgrade(self);
        let handle = std::thread::Builder::new()
            .name("sr_vulkan-submit".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    woken.try_iter().for_each(drop);
                    let Some(session) = session.upgrade() else { return };
                    session.pump();
                }
            })
            .expect("spawning the sr_vulkan submit thread");
        *lock(&self.submitter) = Some(handle);
    }

    fn spawn_loader(self: &Arc<Self>) {
        let session = self.clone();
        let handle = std::thread::Builder::new()
            .name("sr_vulkan-load".into())
            .spawn(move || session.load_loop())
            .expect("spawning the sr_vulkan loader thread");
        *lock(&self.loader) = Some(handle);
    }

    /// The thread that runs custom models, one job at a time. onnxruntime releases the GIL
    /// while it runs, so other commands go on meanwhile.
    fn spawn_custom_worker(self: &Arc<Self>) {
        let (sender, jobs) = std::sync::mpsc::channel::<(i32, CustomJob)>();
        *lock(&self.custom_jobs) = Some(sender);
        let session = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("custom-upscaler".into())
            .spawn(move || {
                for (back_id, job) in jobs {
                    let span = tracing::debug_span!("custom_job", model = %job.model.name, back_id).entered();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::custom::run(&job)))
                        .unwrap_or_else(|_| Err(SrError::Internal("the custom model's worker panicked".into())));
                    drop(span);
                    let Some(session) = session.upgrade() else { return };
                    session.finish(back_id, result.map(JobDone::Pixels));
                }
            })
            .expect("spawning the custom model thread");
    }

    /// Delivers a running job's result and starts what may start next.
    fn finish(&self, back_id: i32, result: Result<JobDone>) {
        let running = lock(&self.dispatch).running.remove(&back_id);
        self.finished.notify_all();
        if let Some(running) = running {
            let _ = running.done.send(result);
        }
        self.reschedule();
    }

    /// The one thread that blocks in `load(0)` and routes each result to its job.
    fn load_loop(&self) {
        let reason = loop {
            let waiting = tracing::debug_span!("load_wait").entered();
            let result = self.sr.wait_result();
            drop(waiting);
            let result = match result {
                Ok(Some(result)) => result,
                Ok(None) => break "sr_vulkan stopped".to_owned(),
                Err(err) => {
                    tracing::error!(%err, "sr_vulkan.load failed; closing the session");
                    break format!("sr_vulkan's result loop failed: {err}");
                }
            };
            #[cfg(feature = "testing")]
            if let Some(cause) = crate::testing::take_loader_fault() {
                tracing::error!(%cause, "injected loader failure; closing the session");
                break format!("sr_vulkan's result loop failed: {cause}");
            }
            let running = lock(&self.dispatch).running.remove(&result.back_id);
            self.finished.notify_all();
            match running {
                Some(Running { done, input_size, .. }) => {
                    #[cfg_attr(not(feature = "testing"), allow(unused_mut))]
                    let mut data = result.data;
                    #[cfg(feature = "testing")]
                    crate::testing::apply_result_fault(input_size, &mut data);
                    tracing::trace!(back_id = result.back_id, ?input_size, "job done");
                    let outcome = match data {
                        Some(bytes) => Ok(JobDone::Encoded(bytes)),
                        None => Err(SrError::UpscaleFailed(
                            result.error.filter(|e| !e.is_empty()).unwrap_or_else(|| "the job failed".into()),
                        )),
                    };
                    let _ = done.send(outcome);
                }
                None => tracing::warn!(back_id = result.back_id, "result for an unknown job"),
            }
            self.reschedule();
        };
        self.close(&reason);
    }

    /// Queues a job with the urgency of the page it belongs to.
    pub(crate) fn submit(&self, spec: JobSpec, urgency: Arc<Urgency>) -> Result<Ticket> {
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
            dispatch.queued.push(Queued { back_id, seq, spec, urgency, started: started_tx, done: done_tx });
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

    /// Hands queued jobs to sr_vulkan while the rules allow. Runs on the submitting thread only.
    fn pump(&self) {
        loop {
            let (back_id, spec, started) = {
                let mut dispatch = lock(&self.dispatch);
                let Some(job) = dispatch.pick(self.pipeline_depth, self.report.cpu_mode) else { return };
                let Queued { back_id, spec, urgency, started, done, .. } = job;
                let input_size = spec.input_size();
                #[cfg(feature = "testing")]
                crate::testing::record_start(input_size, urgency.rank());
                let custom = spec.is_custom();
                dispatch.running.insert(back_id, Running { done, urgency, input_size, custom });
                dispatch.started_total += 1;
                (back_id, spec, started)
            };
            // A panic while cutting a tile fails that job, not the thread every job needs.
            let handed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.hand_over(back_id, spec)))
                .unwrap_or_else(|_| Err(SrError::Internal("handing a job to the upscaler panicked".into())));
            match handed {
                Ok(()) => {
                    let _ = started.send(());
                }
                Err(error) => {
                    if let Some(running) = lock(&self.dispatch).running.remove(&back_id) {
                        let _ = running.done.send(Err(error));
                    }
                }
            }
        }
    }

    /// Cuts the job's input and gives it to sr_vulkan, or to the custom model thread.
    fn hand_over(&self, back_id: i32, spec: JobSpec) -> Result<()> {
        let job = match spec {
            JobSpec::SrVulkan(job) => job,
            JobSpec::Custom(tile) => {
                let sent =
                    lock(&self.custom_jobs).as_ref().is_some_and(|jobs| jobs.send((back_id, tile.cut())).is_ok());
                return match sent {
                    true => Ok(()),
                    false => Err(SrError::EngineUnavailable("the custom model thread stopped".into())),
                };
            }
        };
        let data = job.input.bytes();
        self.sr.set_webp_quality(job.webp_quality)?;
        let added = self.sr.add(&Job {
            data: &data,
            model_index: job.model_index,
            back_id,
            size: job.size,
            format: job.format,
            tile_size: job.tile_size,
        })?;
        added.map_err(SrError::UpscaleFailed)?;
        tracing::debug!(back_id, "handed to sr_vulkan");
        Ok(())
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

    fn close(&self, reason: &str) {
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

    /// Stops sr_vulkan for good: refuses new work, lets running GPU jobs finish (stopping
    /// under a running Vulkan job hangs the exit), calls `stop()` and joins the loader.
    /// Idempotent; blocking. With tiles, a running job is one tile, so the drain is short.
    pub(crate) fn shutdown(&self) {
        const DRAIN_LIMIT: Duration = Duration::from_secs(120);
        if self.shut_down.swap(true, Ordering::SeqCst) {
            return;
        }
        lock(&self.custom_jobs).take();
        {
            let mut dispatch = lock(&self.dispatch);
            if dispatch.closed.is_none() {
                dispatch.closed = Some("SRView is shutting down".into());
            }
            for job in dispatch.queued.drain(..) {
                let _ = job.done.send(Err(SrError::Cancelled));
            }
        }
        // No job is handed over after this: the submitter finishes its pass and ends.
        lock(&self.wake_submitter).take();
        let submitter = lock(&self.submitter).take();
        if let Some(submitter) = submitter.filter(|s| s.thread().id() != std::thread::current().id()) {
            let _ = submitter.join();
        }
        {
            let mut dispatch = lock(&self.dispatch);
            if !self.report.cpu_mode {
                let deadline = Instant::now() + DRAIN_LIMIT;
                while !dispatch.running.is_empty() && Instant::now() < deadline {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    dispatch = self.finished.wait_timeout(dispatch, wait).unwrap_or_else(|p| p.into_inner()).0;
                }
            }
        }
        if let Err(err) = self.sr.stop() {
            tracing::warn!(%err, "sr_vulkan.stop() failed");
        }
        let loader = lock(&self.loader).take();
        if let Some(loader) = loader {
            if loader.thread().id() != std::thread::current().id() {
                let _ = loader.join();
            }
        }
        self.close("sr_vulkan stopped");
        tracing::info!("sr_vulkan session stopped");
    }
}

fn describe_gpus(gpus: &[GpuDevice]) -> String {
    if gpus.is_empty() {
        return "none".into();
    }
    gpus.iter().map(|g| format!("{}: {}", g.id, g.name)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(dispatch: &mut Dispatch, priority: Priority) {
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
            urgency: Urgency::new(priority),
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
}
