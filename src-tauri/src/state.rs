//! `SrVulkanManagerState`: the engine (started once, in the background), the cache, the
//! opened pages, the save paths the user chose, and the requests that can still be cancelled.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use srview_core::{CancellationToken, Engine, EngineConfig, InputLimits, Limits, ResultCache, SrError};
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

pub struct SrVulkanManagerState {
    config: EngineConfig,
    engine: OnceCell<Result<Engine, (String, String)>>,
    default_cache_root: PathBuf,
    /// The cache, or why there is none (then the app is a plain viewer and says so).
    cache: RwLock<Result<ResultCache, SrError>>,
    /// Thumbnails of pages, in their own cache beside it (none if that folder is unusable).
    thumbnails: Option<ResultCache>,
    requests: Mutex<HashMap<String, TrackedRequest>>,
    /// Files the user chose in a save dialog during this run.
    chosen_save_paths: Mutex<HashSet<PathBuf>>,
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
    /// Never fails: a cache folder that cannot be used leaves the app a plain viewer that says why.
    pub fn new(config: EngineConfig, default_cache_root: PathBuf, initial_location: Option<PathBuf>) -> Self {
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
            cache: RwLock::new(cache),
            thumbnails,
            requests: Mutex::new(HashMap::new()),
            chosen_save_paths: Mutex::new(HashSet::new()),
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

    pub fn limits(&self) -> InputLimits {
        self.config.limits
    }

    /// Where the cache goes for `init_sr_vulkan_manager(root)`: an empty path means the app's folder.
    pub fn cache_root_for(&self, root: &Path) -> PathBuf {
        if root.as_os_str().is_empty() {
            self.default_cache_root.clone()
        } else {
            root.to_path_buf()
        }
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

    /// Whether a path was chosen in a save or folder dialog during this run.
    pub fn was_chosen(&self, path: &Path) -> bool {
        lock(&self.chosen_save_paths).contains(path)
    }

    /// Remembers a file the user chose in a save dialog, so it may be written.
    pub fn allow_save_path(&self, path: &Path) {
        lock(&self.chosen_save_paths).insert(path.to_path_buf());
    }

    /// A save path is allowed when the user chose it in a save dialog, or when it is inside the cache.
    pub fn check_save_path(&self, path: &Path) -> AppResult<()> {
        if lock(&self.chosen_save_paths).contains(path) {
            return Ok(());
        }
        let inside_cache = self.cache().ok().is_some_and(|cache| {
            let root = cache.root().canonicalize().unwrap_or_else(|_| cache.root().to_path_buf());
            let folder = path.parent().and_then(|p| p.canonicalize().ok());
            folder.is_some_and(|f| f.starts_with(&root)) && path.file_name().is_some()
        });
        if inside_cache {
            Ok(())
        } else {
            Err(AppError::SavePathNotChosen(path.display().to_string()))
        }
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
