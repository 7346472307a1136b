//! The engine: cache lookup, input checks, the sr_vulkan session and the cache write,
//! as one async `upscale` call.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::cache::{write_atomically, CacheKey, ResultCache};
use crate::catalogue::Catalogue;
use crate::error::{Result, SrError};
use crate::input::{self, DEFAULT_MAX_INPUT_PIXELS};
use crate::options::{OutputFormat, Plan, SizeRequest, UpscaleOptions};
use crate::session::{self, DeviceChoice, DeviceReport, JobSpec, Priority, Session};

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The venv with sr-vulkan; `None` searches (see `venv::locate_venv`).
    pub venv: Option<PathBuf>,
    pub device: DeviceChoice,
    /// Cache root; `None` disables the cache.
    pub cache_root: Option<PathBuf>,
    /// Inputs above this many pixels are refused as decompression bombs.
    pub max_input_pixels: u64,
    /// A request that takes longer fails with `Timeout`.
    pub timeout: Option<Duration>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            venv: None,
            device: DeviceChoice::Auto,
            cache_root: None,
            max_input_pixels: DEFAULT_MAX_INPUT_PIXELS,
            timeout: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct UpscaleRequest {
    pub input: PathBuf,
    pub options: UpscaleOptions,
    /// Also export the result here (a file, or a folder to put it in).
    pub save_path: Option<PathBuf>,
    pub priority: Priority,
}

impl UpscaleRequest {
    pub fn new(input: impl Into<PathBuf>, options: UpscaleOptions) -> Self {
        UpscaleRequest { input: input.into(), options, save_path: None, priority: Priority::Interactive }
    }
}

/// Where a request is, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    CacheLookup,
    Checking,
    Queued,
    Computing,
    Writing,
    Done,
}

/// Milliseconds spent in each stage of one request.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StageTimings {
    pub cache_lookup_ms: f64,
    pub check_ms: f64,
    pub queue_wait_ms: f64,
    pub compute_ms: f64,
    pub write_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UpscaleOutcome {
    #[serde(skip)]
    pub bytes: Arc<Vec<u8>>,
    /// The cache file, when the cache is on.
    pub cache_path: Option<PathBuf>,
    pub saved_to: Option<PathBuf>,
    pub width: u32,
    pub height: u32,
    pub source_width: u32,
    pub source_height: u32,
    pub format: OutputFormat,
    pub model: String,
    pub from_cache: bool,
    pub timings: StageTimings,
}

/// The upscaling engine. Cheap to clone; every clone shares the process's one session.
#[derive(Clone)]
pub struct Engine {
    session: Arc<Session>,
    cache: Option<ResultCache>,
    max_input_pixels: u64,
    timeout: Option<Duration>,
}

fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e5).round() / 100.0
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| SrError::EngineUnavailable(format!("worker task failed: {e}")))
}

/// Cancels a submitted job if the request future is dropped before it completes.
struct CancelOnDrop<'a> {
    session: &'a Session,
    back_id: Option<i32>,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(back_id) = self.back_id {
            self.session.cancel(back_id);
        }
    }
}

impl Engine {
    /// Starts (or joins) the process's sr_vulkan session. Blocking: call it from a
    /// worker thread (`spawn_blocking`), never from a UI thread.
    pub fn start(config: EngineConfig) -> Result<Engine> {
        let session = session::session(config.venv, config.device)?;
        let cache = config.cache_root.map(ResultCache::open).transpose()?;
        Ok(Engine { session, cache, max_input_pixels: config.max_input_pixels, timeout: config.timeout })
    }

    /// The same engine, writing to another cache (or none).
    pub fn with_cache(&self, cache: Option<ResultCache>) -> Engine {
        Engine { cache, ..self.clone() }
    }

    pub fn report(&self) -> &DeviceReport {
        &self.session.report
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.session.catalogue
    }

    /// Stops sr_vulkan for the rest of the process (blocking; see `Session::shutdown`).
    pub fn shutdown(&self) {
        self.session.shutdown();
    }

    /// Upscales one image: from the cache when it can, else through sr_vulkan.
    pub async fn upscale(
        &self,
        request: UpscaleRequest,
        cancel: CancellationToken,
        progress: impl Fn(Phase) + Send + Sync,
    ) -> Result<UpscaleOutcome> {
        let span = tracing::info_span!("upscale", input = %request.input.display(), model = %request.options.model);
        let work = self.run(request, &progress);
        let deadline = self.timeout;
        async move {
            let guarded = async {
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => Err(SrError::Cancelled),
                    result = work => result,
                }
            };
            match deadline {
                Some(limit) => {
                    tokio::time::timeout(limit, guarded).await.unwrap_or(Err(SrError::Timeout(limit.as_secs_f64())))
                }
                None => guarded.await,
            }
        }
        .instrument(span)
        .await
    }

    async fn run(&self, request: UpscaleRequest, progress: &(impl Fn(Phase) + Send + Sync)) -> Result<UpscaleOutcome> {
        let request_started = Instant::now();
        let mut timings = StageTimings::default();
        let plan = request.options.plan(&self.session.catalogue, &self.session.report)?;
        let key_fields = format!(
            "{}|device={}|sr_vulkan={}",
            plan.key_fields(),
            self.session.report.device_name,
            self.session.report.sr_vulkan_version
        );

        progress(Phase::CacheLookup);
        let lookup_started = Instant::now();
        let (input_bytes, key, hit) = {
            let input = request.input.clone();
            let cache = self.cache.clone();
            let extension = plan.format.extension();
            blocking(move || -> Result<_> {
                let bytes = std::fs::read(&input).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => SrError::InputNotFound(input.display().to_string()),
                    _ => SrError::io(&input, e),
                })?;
                let key = CacheKey::new(&blake3::hash(&bytes), &key_fields);
                let hit = cache.as_ref().and_then(|c| c.lookup(&key, extension)).and_then(|path| {
                    let data = std::fs::read(&path).ok()?;
                    Some((path, data))
                });
                Ok((bytes, key, hit))
            })
            .instrument(tracing::debug_span!("cache_lookup"))
            .await??
        };
        timings.cache_lookup_ms = ms(lookup_started.elapsed());

        if let Some((path, data)) = hit {
            let (source_width, source_height) = input::dimensions(&input_bytes).unwrap_or_default();
            let (width, height) = input::dimensions(&data).unwrap_or_default();
            let saved_to = self.export(&request, &plan, &data).await?;
            timings.total_ms = ms(request_started.elapsed());
            tracing::info!(from_cache = true, total_ms = timings.total_ms, "upscale done");
            progress(Phase::Done);
            return Ok(UpscaleOutcome {
                bytes: Arc::new(data),
                cache_path: Some(path),
                saved_to,
                width,
                height,
                source_width,
                source_height,
                format: plan.format,
                model: plan.model.name.clone(),
                from_cache: true,
                timings,
            });
        }

        progress(Phase::Checking);
        let check_started = Instant::now();
        let input = {
            let path = request.input.clone();
            let limit = self.max_input_pixels;
            blocking(move || input::prepare(&path, input_bytes, limit))
                .instrument(tracing::debug_span!("check"))
                .await??
        };
        let (width, height) = plan.expected_dimensions(input.width, input.height)?;
        timings.check_ms = ms(check_started.elapsed());

        progress(Phase::Queued);
        let queued_at = Instant::now();
        let ticket = self.session.submit(JobSpec {
            data: input.data,
            model_index: plan.model.index,
            size: plan.output_size(),
            format: plan.format.encode(),
            tile_size: plan.tile_size as i32,
            webp_quality: plan.webp_quality,
            priority: request.priority,
        })?;
        let mut guard = CancelOnDrop { session: &self.session, back_id: Some(ticket.back_id) };
        let (mut started, mut done) = (ticket.started, ticket.done);
        let finished_early = tokio::select! {
            biased;
            finished = &mut done => Some(finished),
            _ = &mut started => None,
        };
        timings.queue_wait_ms = ms(queued_at.elapsed());
        let finished = match finished_early {
            Some(finished) => finished,
            None => {
                progress(Phase::Computing);
                (&mut done).instrument(tracing::debug_span!("compute")).await
            }
        };
        guard.back_id = None;
        let job = finished.map_err(|_| SrError::EngineUnavailable("sr_vulkan stopped".into()))??;
        timings.compute_ms = ms(job.compute);

        let produced = input::dimensions(&job.bytes);
        if produced != Some((width, height)) {
            return Err(SrError::UpscaleFailed(format!(
                "sr_vulkan returned {produced:?}, expected {width}×{height}; nothing was cached"
            )));
        }

        progress(Phase::Writing);
        let write_started = Instant::now();
        let bytes = job.bytes;
        let cache_path = match &self.cache {
            Some(cache) => {
                let (cache, key, bytes) = (cache.clone(), key.clone(), bytes.clone());
                let extension = plan.format.extension();
                Some(
                    blocking(move || cache.store(&key, extension, &bytes))
                        .instrument(tracing::debug_span!("write"))
                        .await??,
                )
            }
            None => None,
        };
        let saved_to = self.export(&request, &plan, &bytes).await?;
        timings.write_ms = ms(write_started.elapsed());
        timings.total_ms = ms(request_started.elapsed());
        tracing::info!(
            from_cache = false,
            queue_wait_ms = timings.queue_wait_ms,
            compute_ms = timings.compute_ms,
            write_ms = timings.write_ms,
            total_ms = timings.total_ms,
            "upscale done"
        );
        progress(Phase::Done);
        Ok(UpscaleOutcome {
            bytes: Arc::new(bytes),
            cache_path,
            saved_to,
            width,
            height,
            source_width: input.width,
            source_height: input.height,
            format: plan.format,
            model: plan.model.name.clone(),
            from_cache: false,
            timings,
        })
    }

    /// Copies the result to the request's save path, atomically, never over the source.
    async fn export(&self, request: &UpscaleRequest, plan: &Plan, bytes: &[u8]) -> Result<Option<PathBuf>> {
        let Some(save_path) = request.save_path.clone() else { return Ok(None) };
        let target = if save_path.is_dir() {
            save_path.join(export_file_name(&request.input, plan.size, plan.format))
        } else {
            save_path
        };
        if same_file(&target, &request.input) {
            return Err(SrError::WouldOverwriteSource(target.display().to_string()));
        }
        let bytes = bytes.to_vec();
        blocking(move || {
            let dir = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            std::fs::create_dir_all(&dir).map_err(|e| SrError::io(&dir, e))?;
            write_atomically(&dir, &target, &bytes)?;
            Ok(Some(target))
        })
        .await?
    }
}

/// `page.png` upscaled 2× to WebP is exported as `page_x2.webp`.
pub fn export_file_name(input: &Path, size: SizeRequest, format: OutputFormat) -> String {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "image".into());
    let size = match size {
        SizeRequest::Scale { factor } => format!("x{factor}"),
        SizeRequest::Target { width, height } => format!("{width}x{height}"),
    };
    format!("{stem}_{size}.{}", format.extension())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
