//! The engine: one async `upscale` call per request. It reads the input, looks in the cache,
//! and otherwise joins (or starts) the one flight computing that result; see `flight`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::books::input;
use crate::engine::device::DeviceReport;
use crate::engine::flight::{Computed, FlightJob, FlightKey, FlightState, Flights};
use crate::engine::flight_run::fly;
use crate::engine::input_hashes::InputHashes;
use crate::engine::request::{
    check_skip_rules, EngineConfig, ModelListing, Phase, Progress, UpscaleOutcome, UpscaleRequest,
};
use crate::engine::scheduler::{Priority, SchedulerSnapshot};
use crate::engine::session::{self, Session};
use crate::engine::stats::{EngineStats, Record, StageTimings, Stats};
use crate::engine::tile_store::TileStore;
use crate::error::{Result, SrError};
use crate::limits::Limits;
use crate::models::catalogue::Catalogue;
use crate::models::custom::{CustomModels, CUSTOM_PREFIX};
use crate::models::options::export_file_name;
use crate::models::options::{Plan, SizeRequest, UpscaleOptions};
use crate::models::rules::{self, Chosen, ModelRules, PageFacts};
use crate::store::cache::{CacheKey, ResultCache};
use crate::store::export::save_file;
use crate::sync::blocking;

/// An input's bytes, its result's cache key, and the cache file and its bytes on a hit.
type CacheLookup = (Vec<u8>, CacheKey, Option<(PathBuf, Vec<u8>)>);

/// A request's plan; with the model `auto`, also the rule that chose it and the input's bytes
/// (read to apply the rules).
struct Planned {
    plan: Plan,
    rule: Option<String>,
    input: Option<Vec<u8>>,
}

struct EngineShared {
    session: Arc<Session>,
    flights: Arc<Flights>,
    tiles: Arc<TileStore>,
    limits: Limits,
    timeout: Option<Duration>,
    tiling: bool,
    stagger: bool,
    /// Whether a reader is open (see `Engine::set_reader_open`).
    reader_open: AtomicBool,
    stats: Stats,
    custom: Arc<CustomModels>,
    custom_call_limit: Duration,
    input_hashes: Arc<InputHashes>,
    /// What the model `auto` follows.
    model_rules: RwLock<Arc<ModelRules>>,
}

/// The upscaling engine. Cheap to clone; every clone shares the process's one session.
#[derive(Clone)]
pub struct Engine {
    shared: Arc<EngineShared>,
    cache: Option<ResultCache>,
}

fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e5).round() / 100.0
}

impl Engine {
    /// Starts (or joins) the process's sr_vulkan session. Blocking: call it from a
    /// worker thread (`spawn_blocking`), never from a UI thread.
    pub fn start(config: EngineConfig) -> Result<Engine> {
        let session = session::session(config.venv, config.device)?;
        let cache = config.cache_root.map(ResultCache::open).transpose()?;
        let stats = Stats::new(config.stats, session.report.memory_added_bytes);
        let shared = EngineShared {
            stats,
            session,
            flights: Arc::new(Flights::default()),
            tiles: Arc::new(TileStore::new(config.kept_tiles_bytes)),
            limits: config.limits,
            timeout: config.timeout,
            tiling: config.tiling,
            stagger: config.stagger,
            reader_open: AtomicBool::new(false),
            custom: Arc::new(CustomModels::new(config.models_dir)),
            custom_call_limit: config.custom_call_limit,
            input_hashes: Arc::default(),
            model_rules: RwLock::default(),
        };
        Ok(Engine { shared: Arc::new(shared), cache })
    }

    /// The same engine, writing to another cache (or none).
    pub fn with_cache(&self, cache: Option<ResultCache>) -> Engine {
        Engine { cache, ..self.clone() }
    }

    pub fn cache(&self) -> Option<&ResultCache> {
        self.cache.as_ref()
    }

    pub fn report(&self) -> &DeviceReport {
        &self.shared.session.report
    }

    pub(super) fn session(&self) -> &Arc<Session> {
        &self.shared.session
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.shared.session.catalogue
    }

    /// sr_vulkan's models and the models folder's (blocking: custom models are loaded to
    /// read their scale and provider).
    pub fn models(&self) -> ModelListing {
        let scan = self.shared.custom.scan();
        let mut models = self.catalogue().models.clone();
        models.extend(scan.models);
        ModelListing {
            models,
            models_dir: scan.dir,
            models_dir_problem: scan.problem,
            onnxruntime: crate::models::custom::onnxruntime_version(),
        }
    }

    /// Custom models loaded in memory now; a listing describes models without keeping them.
    pub fn custom_models_loaded(&self) -> usize {
        self.shared.custom.loaded()
    }

    pub fn models_dir(&self) -> Option<PathBuf> {
        self.shared.custom.dir()
    }

    /// Where custom models are found from now on.
    pub fn set_models_dir(&self, dir: Option<PathBuf>) {
        self.shared.custom.set_dir(dir);
    }

    /// The rules that choose the model and scale of each page a request asks `auto` for, from
    /// now on. Results are cached under the model a rule chose, so changing them never serves
    /// another model's result.
    pub fn set_model_rules(&self, rules: ModelRules) {
        *crate::sync::write(&self.shared.model_rules) = Arc::new(rules);
    }

    pub fn model_rules(&self) -> Arc<ModelRules> {
        crate::sync::read(&self.shared.model_rules).clone()
    }

    pub fn limits(&self) -> Limits {
        self.shared.limits
    }

    /// Says whether a reader is open (the app with a book). While one is, batch pages are
    /// computed in tiles, so that the page on screen can go before the rest of a batch page;
    /// otherwise a batch page runs as one job, which is faster. Pages for the screen (any
    /// priority but `Batch`) are always tiled.
    pub fn set_reader_open(&self, open: bool) {
        self.shared.reader_open.store(open, Ordering::Relaxed);
    }

    /// Jobs waiting and running in sr_vulkan right now, and flights in progress.
    pub fn scheduler(&self) -> (SchedulerSnapshot, usize) {
        (self.shared.session.scheduler.snapshot(), self.shared.flights.len())
    }

    /// What this engine did so far: stage figures, hit rate, pages per minute, memory.
    pub fn stats(&self) -> EngineStats {
        self.shared.stats.snapshot()
    }

    /// Changes whenever a request finishes (for live figures without polling).
    pub fn stats_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.shared.stats.subscribe()
    }

    /// Resolves once nothing is being computed, including work whose requests were
    /// cancelled but whose running jobs are finishing into the cache.
    pub async fn idle(&self) {
        self.shared.flights.idle().await;
    }

    /// Finished tiles of unfinished pages kept in memory.
    pub fn tiles_kept(&self) -> usize {
        self.shared.tiles.len()
    }

    /// Every Vulkan device's memory heaps and budget (blocking the first time: it opens Vulkan).
    pub fn device_memory(&self) -> std::result::Result<Vec<crate::engine::vulkan_memory::DeviceMemory>, String> {
        self.shared.session.device_memory()
    }

    /// Stops sr_vulkan for the rest of the process (blocking; see `Session::shutdown`).
    pub fn shutdown(&self) {
        self.shared.session.shutdown();
    }

    /// Upscales one image: from the cache when it can, else through sr_vulkan.
    /// Cancelling (or dropping the future) leaves the computation to finish into the cache
    /// if it is already running; see `flight`. Once the result is there, saving it to the
    /// request's save path is not cancelled: a file is either not started or whole and reported.
    pub async fn upscale(
        &self,
        request: UpscaleRequest,
        cancel: CancellationToken,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<UpscaleOutcome> {
        let span =
            tracing::info_span!("upscale", input = %request.source.display_name(), model = %request.options.model);
        async move {
            // Work that finished is reported as done, even if a cancel arrived at the same time.
            let (mut outcome, plan) = tokio::select! {
                biased;
                result = self.run(&request, &progress) => result?,
                _ = cancel.cancelled() => return Err(SrError::Cancelled),
            };
            let save_started = Instant::now();
            outcome.saved_to = self.save(&request, &plan, outcome.bytes.clone()).await?;
            if outcome.saved_to.is_some() {
                let saving = ms(save_started.elapsed());
                outcome.timings.write_ms += saving;
                outcome.timings.total_ms += saving;
            }
            self.shared.stats.record(Record {
                model: outcome.model.clone(),
                from_cache: outcome.from_cache,
                timings: outcome.timings.clone(),
            });
            progress(Progress { rule: outcome.rule.clone(), ..Progress::phase(Phase::Done) });
            Ok(outcome)
        }
        .instrument(span)
        .await
    }

    /// Everything but saving: the outcome, and the plan it was computed with.
    async fn run(
        &self,
        request: &UpscaleRequest,
        progress: &(impl Fn(Progress) + Send + Sync),
    ) -> Result<(UpscaleOutcome, Plan)> {
        let request_started = Instant::now();
        let session = &self.shared.session;
        let _under_way = (request.priority == Priority::Interactive).then(|| session.scheduler.interactive_request());
        let Planned { plan, rule, input } = self.plan(request).await?;
        let progress = &|report: Progress| progress(Progress { rule: rule.clone(), ..report });

        progress(Progress::phase(Phase::CacheLookup));
        let lookup_started = Instant::now();
        let (input_bytes, key, hit) =
            self.look_up(request, &plan, input).instrument(tracing::debug_span!("cache_lookup")).await?;
        let mut timings = StageTimings { cache_lookup_ms: ms(lookup_started.elapsed()), ..StageTimings::default() };
        let source_size = input::dimensions(&input_bytes).unwrap_or_default();
        if let Some((path, data)) = hit {
            timings.total_ms = ms(request_started.elapsed());
            tracing::info!(from_cache = true, total_ms = timings.total_ms, "upscale done");
            return Ok((cached_outcome(&plan, rule, path, data, source_size, timings), plan));
        }

        let name = request.source.display_name();
        check_skip_rules(&name, &input_bytes, &request.skip)?;
        progress(Progress::phase(Phase::Checking));
        let computed = self.join_flight(request, &plan, key, name, input_bytes, progress).await?;
        progress(Progress::phase(Phase::Writing));
        timings.check_ms = ms(computed.check);
        timings.queue_wait_ms = ms(computed.queue_wait);
        timings.compute_ms = ms(computed.compute);
        timings.write_ms = ms(computed.write);
        timings.total_ms = ms(request_started.elapsed());
        tracing::info!(
            from_cache = false,
            tiles = computed.tiles,
            queue_wait_ms = timings.queue_wait_ms,
            compute_ms = timings.compute_ms,
            write_ms = timings.write_ms,
            total_ms = timings.total_ms,
            "upscale done"
        );
        Ok((computed_outcome(&plan, rule, &computed, timings), plan))
    }

    /// The request's plan. With the model `auto`, the input is read and the rules choose the
    /// model and scale; a rule that skips the page fails it with `skipped`.
    async fn plan(&self, request: &UpscaleRequest) -> Result<Planned> {
        if !rules::is_auto(&request.options.model) {
            return Ok(Planned { plan: self.plan_options(&request.options).await?, rule: None, input: None });
        }
        let model_rules = request.model_rules.clone().unwrap_or_else(|| self.model_rules());
        let (source, limits) = (request.source.clone(), self.shared.limits);
        let (input, chosen) = blocking(move || -> Result<_> {
            let bytes = source.read(limits.max_bytes)?;
            let name = source.display_name();
            let (format, width, height, _) = input::check(&name, &bytes, &limits)?;
            let names = rules::page_names(&name, Path::new(&source.file_name()));
            let facts = PageFacts { names: &names, height };
            let greyscale =
                || input::decode_bounded(&name, &bytes, format, width, height).map(|image| rules::is_greyscale(&image));
            let chosen = model_rules.choose(&facts, greyscale)?;
            Ok((bytes, chosen))
        })
        .await??;
        match chosen {
            Chosen::Skip { rule } => Err(SrError::Skipped(format!("the rule “{rule}” leaves this page as it is"))),
            Chosen::Upscale { rule, model, factor } => {
                tracing::debug!(rule, model, factor, "chosen by the model rules");
                let options = UpscaleOptions { model, size: SizeRequest::Scale { factor }, ..request.options.clone() };
                Ok(Planned { plan: self.plan_options(&options).await?, rule: Some(rule), input: Some(input) })
            }
        }
    }

    /// Options checked against their model (a custom one is loaded) and the device.
    async fn plan_options(&self, options: &UpscaleOptions) -> Result<Plan> {
        let session = &self.shared.session;
        if options.model.trim().to_ascii_lowercase().starts_with(CUSTOM_PREFIX) {
            let (custom, name) = (self.shared.custom.clone(), options.model.clone());
            let (model, loaded) = blocking(move || custom.resolve(&name)).await??;
            options.plan_custom(model, loaded, &session.report.running())
        } else {
            options.plan(&session.catalogue, &session.report.running())
        }
    }

    /// What, besides the input's bytes, a result's cache key is made of.
    fn key_fields(&self, plan: &Plan) -> String {
        let report = &self.shared.session.report;
        format!("{}|device={}|sr_vulkan={}", plan.key_fields(), report.device_name, report.sr_vulkan_version)
    }

    /// Whether the result of `request` is in the cache already: computes nothing, and leaves
    /// the entry's last use as it was. The input is read and hashed once while it is unchanged.
    pub async fn is_cached(&self, request: &UpscaleRequest) -> Result<bool> {
        let Some(cache) = self.cache.clone() else { return Ok(false) };
        let Planned { plan, input, .. } = match self.plan(request).await {
            Err(SrError::Skipped(_)) => return Ok(false),
            planned => planned?,
        };
        let key_fields = self.key_fields(&plan);
        let (source, extension, max_bytes) =
            (request.source.clone(), plan.format.extension(), self.shared.limits.max_bytes);
        let hashes = self.shared.input_hashes.clone();
        blocking(move || -> Result<bool> {
            let identity = source.identity();
            let hash = match (input, hashes.get(&identity)) {
                (Some(bytes), _) => blake3::hash(&bytes),
                (None, Some(hash)) => hash,
                (None, None) => {
                    let hash = blake3::hash(&source.read(max_bytes)?);
                    hashes.remember(identity, hash);
                    hash
                }
            };
            Ok(cache.path_for(&CacheKey::new(&hash, &key_fields), extension).is_file())
        })
        .await?
    }

    /// Reads the input (unless `input` holds it) and looks its result up in the cache: the
    /// input's bytes, the result's cache key and, on a hit, the cache file and its bytes.
    async fn look_up(&self, request: &UpscaleRequest, plan: &Plan, input: Option<Vec<u8>>) -> Result<CacheLookup> {
        let key_fields = self.key_fields(plan);
        let source = request.source.clone();
        let cache = self.cache.clone();
        let extension = plan.format.extension();
        let max_bytes = self.shared.limits.max_bytes;
        let hashes = self.shared.input_hashes.clone();
        blocking(move || -> Result<_> {
            let identity = source.identity();
            let bytes = match input {
                Some(bytes) => bytes,
                None => source.read(max_bytes)?,
            };
            let hash = blake3::hash(&bytes);
            hashes.remember(identity, hash);
            let key = CacheKey::new(&hash, &key_fields);
            let hit = cache.as_ref().and_then(|c| c.read(&key, extension));
            Ok((bytes, key, hit))
        })
        .await?
    }

    /// Waits for the flight that computes `key`, starting it if there is none. The timeout
    /// counts from when the computation starts, not while it waits behind other work.
    async fn join_flight(
        &self,
        request: &UpscaleRequest,
        plan: &Plan,
        key: CacheKey,
        name: String,
        input: Vec<u8>,
        progress: &(impl Fn(Progress) + Send + Sync),
    ) -> Result<Arc<Computed>> {
        let shared = &self.shared;
        let flight_key =
            FlightKey { cache_root: self.cache.as_ref().map(|c| c.root().to_path_buf()), key: key.as_str().to_owned() };
        let job = FlightJob {
            key: flight_key.clone(),
            cache_key: key,
            cache: self.cache.clone(),
            name,
            input,
            plan: plan.clone(),
            limits: shared.limits,
            session: shared.session.clone(),
            flights: shared.flights.clone(),
            tiles: shared.tiles.clone(),
            tiling: shared.tiling,
            reader_waits: request.priority != Priority::Batch || shared.reader_open.load(Ordering::Relaxed),
            stagger: shared.stagger,
            order: request.tile_order,
            custom_limit: shared.custom_call_limit,
        };
        let waiter = shared.flights.join(flight_key, request.priority, request.order, &shared.session, move |flight| {
            tokio::spawn(fly(job, flight).instrument(tracing::debug_span!("flight")));
        });
        let mut states = waiter.flight.subscribe();
        let mut deadline: Option<tokio::time::Instant> = None;
        let (mut last, mut computing, mut tiles_seen) = (None, None, 0);
        loop {
            let state = states.borrow_and_update().clone();
            let report = match &state {
                FlightState::Preparing => Progress::phase(Phase::Checking),
                FlightState::Queued => Progress::phase(Phase::Queued),
                FlightState::Computing { done, total } => {
                    Progress { phase: Phase::Computing, done: *done, total: *total, rule: None, tile: None }
                }
                FlightState::Writing => Progress::phase(Phase::Writing),
                FlightState::Finished(_) => Progress::phase(Phase::Done),
            };
            if matches!(state, FlightState::Computing { .. }) && deadline.is_none() {
                deadline = shared.timeout.map(|limit| tokio::time::Instant::now() + limit);
            }
            if report.phase == Phase::Computing {
                computing = Some(report.clone());
            }
            if last.as_ref() != Some(&report) && report.phase != Phase::Done {
                progress(report.clone());
                last = Some(report);
            }
            // Every finished tile is reported, also the last ones, seen only once the page is done.
            if let Some(computing) = &computing {
                for tile in waiter.flight.tiles_after(tiles_seen) {
                    tiles_seen += 1;
                    progress(Progress { tile: Some(tile), ..computing.clone() });
                }
            }
            if let FlightState::Finished(result) = state {
                return result;
            }
            let timeout = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                changed = states.changed() => {
                    if changed.is_err() {
                        return Err(SrError::Internal("the computation ended without a result".into()));
                    }
                }
                _ = timeout => {
                    return Err(SrError::Timeout(shared.timeout.unwrap_or_default().as_secs_f64()));
                }
            }
        }
    }

    /// Saves the result to the request's save path, never over the source, and over an
    /// existing file only when the request allows it. Every file system call runs off the runtime.
    async fn save(&self, request: &UpscaleRequest, plan: &Plan, bytes: Arc<Vec<u8>>) -> Result<Option<PathBuf>> {
        let Some(save_path) = request.save_path.clone() else { return Ok(None) };
        let file_name = export_file_name(Path::new(&request.source.file_name()), plan.size, plan.format);
        let source = request.source.file_path().map(Path::to_path_buf);
        let overwrite = request.overwrite;
        blocking(move || {
            let target = if save_path.is_dir() { save_path.join(file_name) } else { save_path };
            if source.is_some_and(|source| same_file(&target, &source)) {
                return Err(SrError::WouldOverwriteSource(target.display().to_string()));
            }
            save_file(&target, &bytes, overwrite).map(|()| Some(target))
        })
        .await?
    }
}

/// The outcome of a request the cache answered.
fn cached_outcome(
    plan: &Plan,
    rule: Option<String>,
    path: PathBuf,
    data: Vec<u8>,
    source_size: (u32, u32),
    timings: StageTimings,
) -> UpscaleOutcome {
    let (width, height) = input::dimensions(&data).unwrap_or_default();
    UpscaleOutcome {
        bytes: Arc::new(data),
        cache_path: Some(path),
        saved_to: None,
        width,
        height,
        source_width: source_size.0,
        source_height: source_size.1,
        format: plan.format,
        model: plan.model.name.clone(),
        rule,
        from_cache: true,
        tiles: 0,
        timings,
    }
}

/// The outcome of a request a flight computed.
fn computed_outcome(plan: &Plan, rule: Option<String>, computed: &Computed, timings: StageTimings) -> UpscaleOutcome {
    UpscaleOutcome {
        bytes: computed.bytes.clone(),
        cache_path: computed.cache_path.clone(),
        saved_to: None,
        width: computed.width,
        height: computed.height,
        source_width: computed.source_width,
        source_height: computed.source_height,
        format: plan.format,
        model: plan.model.name.clone(),
        rule,
        from_cache: false,
        tiles: computed.tiles,
        timings,
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
