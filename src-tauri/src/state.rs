//! `SrVulkanManagerState`: the engine (started once, in the background), the cache, the
//! opened pages, the files and folders the user chose, and the requests that can still be cancelled.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use srview_core::{CancellationToken, Engine, EngineConfig, Limits, Overwrite, ResultCache, SrError};
use tokio::sync::OnceCell;

use crate::error::{AppError, AppResult};
use crate::gallery::Gallery;

/// Asks the user where to save, suggesting a file name and extension; blocking.
pub type SaveDialog = dyn Fn(String, &'static str) -> Option<PathBuf> + Send + Sync;
/// Asks the user for a folder; blocking.
pub type FolderDialog = dyn Fn() -> Option<PathBuf> + Send + Sync;

/// A running request: its token, and a ticket so a finished request never removes a newer one with its id.
struct TrackedRequest {
    token: CancellationToken,
    ticket: u64,
}

/// The models folder the user chose in the folder dialog, kept by Rust in a file of its own
/// (`models-folder` in the app's config folder) that holds the folder's absolute path. The
/// webview's settings store writes only JSON objects, so it cannot write such a record: one
/// that does not start with `/` is ignored.
#[derive(Debug, Clone)]
pub struct ModelsDirRecord {
    file: PathBuf,
}

impl ModelsDirRecord {
    pub fn in_folder(config_dir: &Path) -> Self {
        ModelsDirRecord { file: config_dir.join("models-folder") }
    }

    /// The recorded folder, if there is a valid record. Blocking.
    pub fn read(&self) -> Option<PathBuf> {
        use std::os::unix::ffi::OsStrExt;
        let bytes = std::fs::read(&self.file).ok()?;
        let path = PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
        path.is_absolute().then_some(path)
    }

    /// Records `dir`, or with `None` removes the record (the default folder then). Blocking.
    pub fn write(&self, dir: Option<&Path>) -> Result<(), SrError> {
        use std::os::unix::ffi::OsStrExt;
        match dir {
            Some(dir) => srview_core::export::save_file(&self.file, dir.as_os_str().as_bytes(), Overwrite::Replace),
            None => match std::fs::remove_file(&self.file) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(SrError::Io { path: self.file.display().to_string(), source: err })
                }
                _ => Ok(()),
            },
        }
    }
}

/// Where `init_sr_vulkan_manager` may put the cache: the app's own cache folder, or a folder
/// inside the folder that holds it (`~/.cache/dev.srview.app`), never one the webview names elsewhere.
#[derive(Debug, Clone)]
pub struct CacheRoots {
    default: PathBuf,
}

impl CacheRoots {
    /// The cache root for `requested` (empty: the default). Blocking: it resolves links.
    pub fn resolve(&self, requested: &Path) -> Result<PathBuf, SrError> {
        if requested.as_os_str().is_empty() {
            return Ok(self.default.clone());
        }
        let app_folder = self.default.parent().unwrap_or(Path::new("/"));
        let refuse = || SrError::CacheRootRefused {
            path: requested.display().to_string(),
            reason: format!("the app keeps its cache inside {}", app_folder.display()),
        };
        let inside = requested.strip_prefix(app_folder).map_err(|_| refuse())?;
        if inside.as_os_str().is_empty() || !inside.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(refuse());
        }
        // No symbolic link may lead out: the deepest part that exists must resolve inside.
        let app_folder = app_folder.canonicalize().map_err(|_| refuse())?;
        let existing = requested.ancestors().find(|a| a.exists()).and_then(|a| a.canonicalize().ok());
        match existing {
            Some(existing) if existing.starts_with(&app_folder) => Ok(requested.to_path_buf()),
            _ => Err(refuse()),
        }
    }
}

pub struct SrVulkanManagerState {
    config: EngineConfig,
    engine: OnceCell<Result<Engine, (String, String)>>,
    default_cache_root: PathBuf,
    models_dir_record: ModelsDirRecord,
    /// The cache, or why there is none (then the app is a plain viewer and says so).
    cache: RwLock<Result<ResultCache, SrError>>,
    /// Thumbnails of pages, in their own cache beside it (none if that folder is unusable).
    thumbnails: Option<ResultCache>,
    requests: Mutex<HashMap<String, TrackedRequest>>,
    /// Files the user chose in a save dialog during this run.
    chosen_files: Mutex<HashSet<PathBuf>>,
    /// Folders the user chose for exports during this run.
    chosen_folders: Mutex<HashSet<PathBuf>>,
    /// Files `upscale_image_sr_vulkan` wrote during this run, which it may write again.
    written_files: Mutex<HashSet<PathBuf>>,
    save_dialog: std::sync::OnceLock<Arc<SaveDialog>>,
    folder_dialog: std::sync::OnceLock<Arc<FolderDialog>>,
    pub exports: crate::export::Exports,
    /// Stops the engine panel's live figures.
    stats_watch: Mutex<Option<CancellationToken>>,
    pub gallery: Gallery,
    pub initial_location: Option<PathBuf>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl SrVulkanManagerState {
    /// Never fails: a cache folder that cannot be used leaves the app a plain viewer that says
    /// why. The models folder the user chose earlier is read from Rust's own record in `config_dir`.
    pub fn new(
        mut config: EngineConfig,
        default_cache_root: PathBuf,
        initial_location: Option<PathBuf>,
        config_dir: &Path,
    ) -> Self {
        let models_dir_record = ModelsDirRecord::in_folder(config_dir);
        if let Some(dir) = models_dir_record.read() {
            config.models_dir = Some(dir);
        }
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
        let limits = config.limits;
        let gallery =
            Gallery::new(Limits { max_bytes: limits.max_bytes, max_pixels: limits.max_pixels, ..Limits::default() });
        SrVulkanManagerState {
            config,
            engine: OnceCell::new(),
            default_cache_root,
            models_dir_record,
            cache: RwLock::new(cache),
            thumbnails,
            requests: Mutex::new(HashMap::new()),
            chosen_files: Mutex::new(HashSet::new()),
            chosen_folders: Mutex::new(HashSet::new()),
            written_files: Mutex::new(HashSet::new()),
            save_dialog: std::sync::OnceLock::new(),
            folder_dialog: std::sync::OnceLock::new(),
            exports: Default::default(),
            stats_watch: Mutex::new(None),
            gallery,
            initial_location,
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
        Ok(engine.with_cache(Some(self.cache()?)))
    }

    /// The engine if it has started, without waiting.
    fn started_engine(&self) -> Option<Engine> {
        self.engine.get().and_then(|started| started.as_ref().ok().cloned())
    }

    pub fn cache(&self) -> AppResult<ResultCache> {
        self.cache.read().unwrap_or_else(|p| p.into_inner()).clone().map_err(AppError::from)
    }

    pub fn thumbnails(&self) -> Option<ResultCache> {
        self.thumbnails.clone()
    }

    pub fn limits(&self) -> Limits {
        self.config.limits
    }

    /// Where `init_sr_vulkan_manager` may put the cache.
    pub fn cache_roots(&self) -> CacheRoots {
        CacheRoots { default: self.default_cache_root.clone() }
    }

    /// Rust's record of the models folder the user chose.
    pub fn models_dir_record(&self) -> ModelsDirRecord {
        self.models_dir_record.clone()
    }

    /// Uses `cache` from now on (opened, and so accepted, by `ResultCache::open`).
    pub fn set_cache(&self, cache: ResultCache) {
        *self.cache.write().unwrap_or_else(|p| p.into_inner()) = Ok(cache);
    }

    /// Installs the native save dialog (the app does at start; tests have none).
    pub fn set_save_dialog(&self, dialog: Arc<SaveDialog>) {
        let _ = self.save_dialog.set(dialog);
    }

    pub fn save_dialog(&self) -> Option<Arc<SaveDialog>> {
        self.save_dialog.get().cloned()
    }

    pub fn set_folder_dialog(&self, dialog: Arc<FolderDialog>) {
        let _ = self.folder_dialog.set(dialog);
    }

    pub fn folder_dialog(&self) -> Option<Arc<FolderDialog>> {
        self.folder_dialog.get().cloned()
    }

    /// A token for a new watcher of the figures; an earlier watcher is stopped.
    pub fn watch_stats(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Some(previous) = lock(&self.stats_watch).replace(token.clone()) {
            previous.cancel();
        }
        token
    }

    pub fn unwatch_stats(&self) {
        if let Some(token) = lock(&self.stats_watch).take() {
            token.cancel();
        }
    }

    /// Whether a folder was chosen for exports in the folder dialog during this run.
    pub fn was_chosen_folder(&self, folder: &Path) -> bool {
        lock(&self.chosen_folders).contains(folder)
    }

    /// Remembers a folder the user chose for exports, so an export may write into it.
    pub fn allow_export_folder(&self, folder: &Path) {
        lock(&self.chosen_folders).insert(folder.to_path_buf());
    }

    /// Remembers a file the user chose in a save dialog, so it may be written, and replaced.
    pub fn allow_save_path(&self, path: &Path) {
        lock(&self.chosen_files).insert(path.to_path_buf());
    }

    /// Remembers a file `upscale_image_sr_vulkan` wrote, so writing it again may replace it.
    pub fn wrote_file(&self, path: &Path) {
        lock(&self.written_files).insert(path.to_path_buf());
    }

    /// How `upscale_image_sr_vulkan` may write `path`: over it when the user chose it in a save
    /// dialog or this run wrote it; otherwise only as a new file inside the cache, never over
    /// anything there (`output_exists`).
    pub async fn save_path_overwrite(&self, path: &Path) -> AppResult<Overwrite> {
        if lock(&self.chosen_files).contains(path) || lock(&self.written_files).contains(path) {
            return Ok(Overwrite::Replace);
        }
        let not_chosen = || AppError::SavePathNotChosen(path.display().to_string());
        let cache = self.cache().map_err(|_| not_chosen())?;
        let root = tokio::fs::canonicalize(cache.root()).await.map_err(|_| not_chosen())?;
        let folder = match path.parent() {
            Some(parent) if path.file_name().is_some() => tokio::fs::canonicalize(parent).await.ok(),
            _ => None,
        };
        if !folder.is_some_and(|folder| folder.starts_with(&root)) {
            return Err(not_chosen());
        }
        if tokio::fs::symlink_metadata(path).await.is_ok() {
            return Err(SrError::OutputExists(path.display().to_string()).into());
        }
        Ok(Overwrite::Never)
    }

    /// Registers a cancellable request; a second request with the same id cancels the first.
    pub fn track(&self, request_id: &str) -> (CancellationToken, u64) {
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

    pub fn finish(&self, request_id: &str, ticket: u64) {
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

    /// Stops sr_vulkan (blocking): called when the app exits.
    pub fn shutdown(&self) {
        for (_, request) in lock(&self.requests).drain() {
            request.token.cancel();
        }
        self.exports.cancel();
        if let Some(engine) = self.started_engine() {
            engine.shutdown();
        }
    }
}
