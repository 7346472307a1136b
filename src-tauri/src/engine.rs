//! `SrVulkanManagerState`: the engine (started once, in the background), its cache, and the
//! upscales that can still be cancelled.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;
use srview_core::engine::stats::EngineStats;
use srview_core::engine::vulkan_memory::DeviceMemory;
use srview_core::models::rules::ModelRules;
use srview_core::sync::{lock, read, write};
use srview_core::{
    CacheStats, CancellationToken, CleanPolicy, CleanReport, DeviceReport, Engine, EngineConfig, ImageSource, Limits,
    ModelListing, OutputFormat, Overwrite, Progress, ResultCache, SizeRequest, SrError, StageTimings, TileReady,
    UpscaleOptions, UpscaleRequest,
};
use tokio::sync::OnceCell;

use crate::error::{blocking, AppError, AppResult};
use crate::protocol;
use crate::tile_images::{TileImage, TileImages};

/// What the viewer shows for an upscaled image.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpscaledImage {
    /// Loads the result straight from the cache.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub source_width: u32,
    pub source_height: u32,
    pub bytes: u32,
    pub format: OutputFormat,
    pub model: String,
    /// With the model `auto`: the rule that chose the model.
    pub rule: Option<String>,
    pub from_cache: bool,
    pub tiles: u32,
    pub timings: StageTimings,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpscaleProgress {
    pub request_id: String,
    pub progress: Progress,
    /// A tile of the page that is done, to draw before the page is.
    pub tile: Option<TileImage>,
}

/// The seed's upscale: a page by path, by a factor, with its save path already checked.
pub struct SeedUpscale {
    pub image: PathBuf,
    pub model: String,
    pub scale: f64,
    pub gpu_id: i32,
    pub tile_size: u32,
    pub tta: bool,
    pub save_path: Option<PathBuf>,
    pub overwrite: Overwrite,
}

/// A running request: its token, and a ticket so a finished request never removes a newer one with its id.
struct TrackedRequest {
    token: CancellationToken,
    ticket: u64,
}

pub struct SrVulkanManagerState {
    config: EngineConfig,
    engine: OnceCell<Result<Engine, (String, String)>>,
    /// The cache, or why there is none (then the app is a plain viewer and says so).
    cache: RwLock<Result<ResultCache, SrError>>,
    /// Thumbnails of pages, in their own cache beside it (none if that folder is unusable).
    thumbnails: Option<ResultCache>,
    requests: Mutex<HashMap<String, TrackedRequest>>,
    tile_images: TileImages,
    /// Whether a book is open in the reader (see `Engine::set_reader_open`).
    reader_open: AtomicBool,
    /// Stops the engine panel's live figures.
    stats_watch: Mutex<Option<CancellationToken>>,
}

impl SrVulkanManagerState {
    /// Never fails: a cache folder that cannot be used leaves the app a plain viewer that says why.
    pub fn new(config: EngineConfig, default_cache_root: PathBuf) -> Self {
        let cache = ResultCache::open(&default_cache_root);
        if let Err(err) = &cache {
            tracing::warn!(%err, "no cache, so no upscaling");
        }
        let thumbnails = match ResultCache::open(default_cache_root.with_file_name("thumbnails")) {
            Ok(thumbnails) => Some(thumbnails),
            Err(err) => {
                tracing::warn!(%err, "no thumbnail cache; the strip shows the pages themselves");
                None
            }
        };
        SrVulkanManagerState {
            config,
            engine: OnceCell::new(),
            cache: RwLock::new(cache),
            thumbnails,
            requests: Mutex::new(HashMap::new()),
            tile_images: TileImages::default(),
            reader_open: AtomicBool::new(false),
            stats_watch: Mutex::new(None),
        }
    }

    /// The engine, once started, without a cache. The first caller starts it on a blocking
    /// thread; every caller awaits the same start. A failed start is remembered.
    pub async fn engine_only(&self) -> AppResult<Engine> {
        let started = self
            .engine
            .get_or_init(|| async {
                let config = self.config.clone();
                match tokio::task::spawn_blocking(move || Engine::start(config)).await {
                    Ok(Ok(engine)) => Ok(engine),
                    Ok(Err(err)) => {
                        tracing::warn!(kind = err.kind(), %err, "upscaling is unavailable");
                        Err((err.kind().to_owned(), err.to_string()))
                    }
                    Err(join) => Err(("internal".to_owned(), format!("starting the engine failed: {join}"))),
                }
            })
            .await;
        match started {
            Ok(engine) => Ok(engine.clone()),
            Err((kind, message)) => Err(AppError::Unavailable { kind: kind.clone(), message: message.clone() }),
        }
    }

    /// Whether the engine's start has finished, well or not.
    pub fn engine_started(&self) -> bool {
        self.engine.initialized()
    }

    /// The engine with the app's cache: what every upscale uses.
    pub async fn engine(&self) -> AppResult<Engine> {
        let engine = self.engine_only().await?;
        engine.set_reader_open(self.reader_open.load(Ordering::Relaxed));
        Ok(engine.with_cache(Some(self.cache()?)))
    }

    /// A book is open in the reader from now on: batch pages are tiled, so the page on screen
    /// can go first.
    pub fn reader_opened(&self) {
        self.reader_open.store(true, Ordering::Relaxed);
        if let Some(engine) = self.started_engine() {
            engine.set_reader_open(true);
        }
    }

    /// Keeps a finished tile's image for the webview, and says where it is.
    pub fn keep_tile(&self, request_id: &str, tile: &TileReady) -> TileImage {
        self.tile_images.add(request_id, tile, protocol::tile_url)
    }

    /// A finished tile's image, while it is kept.
    pub fn tile_image(&self, id: u64) -> Option<Arc<Vec<u8>>> {
        self.tile_images.get(id)
    }

    /// The engine if it has started, without waiting.
    fn started_engine(&self) -> Option<Engine> {
        self.engine.get().and_then(|started| started.as_ref().ok().cloned())
    }

    pub fn cache(&self) -> AppResult<ResultCache> {
        read(&self.cache).clone().map_err(AppError::from)
    }

    pub fn thumbnails(&self) -> Option<ResultCache> {
        self.thumbnails.clone()
    }

    pub fn limits(&self) -> Limits {
        self.config.limits
    }

    /// Opens `root` (already allowed by `CacheRoots`) as the cache and uses it from now on.
    pub async fn open_cache(&self, root: PathBuf) -> AppResult<()> {
        let cache = blocking(move || ResultCache::open(root)).await??;
        *write(&self.cache) = Ok(cache);
        Ok(())
    }

    pub async fn cache_stats(&self) -> AppResult<CacheStats> {
        let cache = self.cache()?;
        blocking(move || cache.stats()).await
    }

    pub async fn clean_cache(&self, policy: CleanPolicy) -> AppResult<CleanReport> {
        let cache = self.cache()?;
        blocking(move || cache.clean(policy)).await
    }

    pub async fn gpu_names(&self) -> AppResult<Vec<String>> {
        Ok(self.engine_only().await?.report().gpus.iter().map(|g| g.name.clone()).collect())
    }

    pub async fn report(&self) -> AppResult<DeviceReport> {
        Ok(self.engine_only().await?.report().clone())
    }

    pub async fn device_memory(&self) -> AppResult<Vec<DeviceMemory>> {
        let engine = self.engine_only().await?;
        blocking(move || engine.device_memory()).await?.map_err(AppError::InvalidArgument)
    }

    pub async fn models(&self) -> AppResult<ModelListing> {
        let engine = self.engine_only().await?;
        blocking(move || engine.models()).await
    }

    /// Uses the models folder `dir` (`None`: sr_vulkan's own) from now on; returns the models.
    pub async fn use_models_dir(&self, dir: Option<PathBuf>) -> AppResult<ModelListing> {
        let engine = self.engine_only().await?;
        blocking(move || {
            engine.set_models_dir(dir);
            engine.models()
        })
        .await
    }

    /// Runs the seed's upscale; returns the encoded bytes and the file saved, if any.
    pub async fn upscale_seed(&self, seed: SeedUpscale) -> AppResult<(Vec<u8>, Option<PathBuf>)> {
        let engine = self.engine().await?;
        let options = UpscaleOptions {
            model: seed.model,
            size: SizeRequest::Scale { factor: seed.scale },
            tile_size: seed.tile_size,
            tta: seed.tta,
            gpu_id: Some(seed.gpu_id),
            ..UpscaleOptions::default()
        };
        let mut request = UpscaleRequest::new(seed.image, options);
        request.save_path = seed.save_path;
        request.overwrite = seed.overwrite;
        let done = engine.upscale(request, Default::default(), |_| {}).await?;
        let bytes = std::sync::Arc::try_unwrap(done.bytes).unwrap_or_else(|shared| (*shared).clone());
        Ok((bytes, done.saved_to))
    }

    /// Upscales `source` with `options` and saves it to `target` (chosen in a save dialog), over
    /// what is there.
    pub async fn save_page(&self, source: ImageSource, options: UpscaleOptions, target: PathBuf) -> AppResult<()> {
        let mut request = UpscaleRequest::new(source, options);
        request.save_path = Some(target);
        request.overwrite = Overwrite::Replace;
        self.engine().await?.upscale(request, Default::default(), |_| {}).await?;
        Ok(())
    }

    /// Upscales a page for display, into the cache, reporting progress; a later request with
    /// the same id, or `cancel`, cancels it (even when this one is refused: `request` is an error).
    pub async fn upscale_page(
        &self,
        request_id: &str,
        request: AppResult<UpscaleRequest>,
        report: impl Fn(UpscaleProgress) + Send + Sync,
    ) -> AppResult<UpscaledImage> {
        let (token, ticket) = self.track(request_id);
        let result = async {
            let request = request?;
            let engine = self.engine().await?;
            let id = request_id.to_owned();
            let progress = move |mut progress: Progress| {
                let tile = progress.tile.take().map(|tile| self.keep_tile(&id, &tile));
                report(UpscaleProgress { request_id: id.clone(), progress, tile })
            };
            let done = engine.upscale(request, token, progress).await;
            // The finished image replaces the tiles; a page the reader left keeps them.
            if !matches!(done, Err(SrError::Cancelled)) {
                self.tile_images.release(request_id);
            }
            let done = done?;
            let cache = self.cache()?;
            let cache_path = done.cache_path.as_ref().ok_or_else(|| AppError::Internal("no cache entry".into()))?;
            let relative = cache_path.strip_prefix(cache.root()).unwrap_or(cache_path);
            Ok(UpscaledImage {
                url: protocol::cache_url(relative),
                width: done.width,
                height: done.height,
                source_width: done.source_width,
                source_height: done.source_height,
                bytes: done.bytes.len() as u32,
                format: done.format,
                model: done.model,
                rule: done.rule,
                from_cache: done.from_cache,
                tiles: done.tiles,
                timings: done.timings,
            })
        }
        .await;
        self.finish(request_id, ticket);
        result
    }

    /// The pages among `pages` whose results for `options` are in the cache (for the marks in
    /// the thumbnail strip); a page that cannot be read is left out.
    pub async fn cached_pages(
        &self,
        pages: Vec<(u32, ImageSource)>,
        options: UpscaleOptions,
        model_rules: Option<Arc<ModelRules>>,
    ) -> AppResult<Vec<u32>> {
        let engine = self.engine().await?;
        let mut cached = Vec::new();
        for (id, source) in pages {
            let request =
                UpscaleRequest { model_rules: model_rules.clone(), ..UpscaleRequest::new(source, options.clone()) };
            if engine.is_cached(&request).await.unwrap_or(false) {
                cached.push(id);
            }
        }
        Ok(cached)
    }

    /// Registers a cancellable request; a second request with the same id cancels the first.
    fn track(&self, request_id: &str) -> (CancellationToken, u64) {
        static TICKETS: AtomicU64 = AtomicU64::new(1);
        let ticket = TICKETS.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        let previous =
            lock(&self.requests).insert(request_id.to_owned(), TrackedRequest { token: token.clone(), ticket });
        if let Some(previous) = previous {
            previous.token.cancel();
        }
        (token, ticket)
    }

    fn finish(&self, request_id: &str, ticket: u64) {
        let mut requests = lock(&self.requests);
        if requests.get(request_id).is_some_and(|r| r.ticket == ticket) {
            requests.remove(request_id);
        }
    }

    /// Cancels requests by id; returns how many were still running.
    pub fn cancel(&self, request_ids: &[String]) -> u32 {
        let mut requests = lock(&self.requests);
        let mut cancelled = 0;
        for id in request_ids {
            if let Some(request) = requests.remove(id) {
                request.token.cancel();
                cancelled += 1;
            }
        }
        cancelled
    }

    /// Sends the engine's figures to `send` now and each time a request finishes, until `send`
    /// fails, the engine stops, or `unwatch_stats` (or a newer watcher) stops it.
    pub async fn watch_stats(&self, send: impl Fn(EngineStats) -> bool) -> AppResult<()> {
        let engine = self.engine_only().await?;
        let stop = CancellationToken::new();
        if let Some(previous) = lock(&self.stats_watch).replace(stop.clone()) {
            previous.cancel();
        }
        let mut changes = engine.stats_changes();
        while send(engine.stats()) {
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { break },
                _ = stop.cancelled() => break,
            }
        }
        Ok(())
    }

    pub fn unwatch_stats(&self) {
        if let Some(token) = lock(&self.stats_watch).take() {
            token.cancel();
        }
    }

    /// Stops sr_vulkan (blocking): called when the app exits.
    pub fn shutdown(&self) {
        for (_, request) in lock(&self.requests).drain() {
            request.token.cancel();
        }
        if let Some(engine) = self.started_engine() {
            engine.shutdown();
        }
    }
}
