//! `SrVulkanManagerState`: the engine (started once, in the background), the cache, the
//! opened images and the requests that can still be cancelled.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use srview_core::{CancellationToken, Engine, EngineConfig, ResultCache};
use tokio::sync::OnceCell;

use crate::error::{AppError, AppResult};
use crate::gallery::Gallery;

/// A running request: its token, and a ticket so a finished request never removes a newer one with its id.
struct TrackedRequest {
    token: CancellationToken,
    ticket: u64,
}

pub struct SrVulkanManagerState {
    config: EngineConfig,
    engine: OnceCell<Result<Engine, (String, String)>>,
    default_cache_root: PathBuf,
    cache: RwLock<ResultCache>,
    requests: Mutex<HashMap<String, TrackedRequest>>,
    pub gallery: Gallery,
    pub initial_location: Option<PathBuf>,
}

impl SrVulkanManagerState {
    pub fn new(
        config: EngineConfig,
        default_cache_root: PathBuf,
        initial_location: Option<PathBuf>,
    ) -> AppResult<Self> {
        let cache = ResultCache::open(&default_cache_root)?;
        Ok(SrVulkanManagerState {
            config,
            engine: OnceCell::new(),
            default_cache_root,
            cache: RwLock::new(cache),
            requests: Mutex::new(HashMap::new()),
            gallery: Gallery::default(),
            initial_location,
        })
    }

    /// The engine, once started. The first caller starts it on a blocking thread; every
    /// caller awaits the same start. A failed start is remembered and reported each time.
    pub async fn engine(&self) -> AppResult<Engine> {
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
                    Err(join) => Err(("engine_unavailable".to_owned(), join.to_string())),
                }
            })
            .await;
        match started {
            Ok(engine) => Ok(engine.with_cache(Some(self.cache()))),
            Err((kind, message)) => Err(AppError::Unavailable { kind: kind.clone(), message: message.clone() }),
        }
    }

    /// The engine if it has started, without waiting.
    fn started_engine(&self) -> Option<Engine> {
        self.engine.get().and_then(|started| started.as_ref().ok().cloned())
    }

    pub fn cache(&self) -> ResultCache {
        self.cache.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Moves the cache to `root`; an empty path means the app's cache folder.
    pub fn set_cache_root(&self, root: &Path) -> AppResult<()> {
        let root = if root.as_os_str().is_empty() { self.default_cache_root.clone() } else { root.to_path_buf() };
        let cache = ResultCache::open(root)?;
        *self.cache.write().unwrap_or_else(|p| p.into_inner()) = cache;
        Ok(())
    }

    /// Registers a cancellable request; a second request with the same id cancels the first.
    pub fn track(&self, request_id: &str) -> (CancellationToken, u64) {
        static TICKETS: AtomicU64 = AtomicU64::new(1);
        let ticket = TICKETS.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        let previous =
            self.lock_requests().insert(request_id.to_owned(), TrackedRequest { token: token.clone(), ticket });
        if let Some(previous) = previous {
            previous.token.cancel();
        }
        (token, ticket)
    }

    pub fn finish(&self, request_id: &str, ticket: u64) {
        let mut requests = self.lock_requests();
        if requests.get(request_id).is_some_and(|r| r.ticket == ticket) {
            requests.remove(request_id);
        }
    }

    /// Cancels requests by id; returns how many were still running.
    pub fn cancel(&self, request_ids: &[String]) -> u32 {
        let mut requests = self.lock_requests();
        let mut cancelled = 0;
        for id in request_ids {
            if let Some(request) = requests.remove(id) {
                request.token.cancel();
                cancelled += 1;
            }
        }
        cancelled
    }

    fn lock_requests(&self) -> std::sync::MutexGuard<'_, HashMap<String, TrackedRequest>> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops sr_vulkan (blocking): called when the app exits.
    pub fn shutdown(&self) {
        for (_, request) in self.lock_requests().drain() {
            request.token.cancel();
        }
        if let Some(engine) = self.started_engine() {
            engine.shutdown();
        }
    }
}
