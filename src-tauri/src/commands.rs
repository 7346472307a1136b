//! Tauri commands: IPC only. Each one unpacks its arguments and calls the core.

use std::path::{Path, PathBuf};

use serde::Serialize;
use srview_core::stats::EngineStats;
use srview_core::vulkan_memory::DeviceMemory;
use srview_core::{
    CacheStats, CleanPolicy, CleanReport, DeviceReport, ImageSource, ModelListing, OutputFormat, Overwrite, Priority,
    Progress, SizeRequest, SkipRules, StageTimings, UpscaleOptions, UpscaleRequest,
};
use tauri::ipc::{Channel, InvokeResponseBody, IpcResponse, Response};
use tauri::State;

use crate::error::{AppError, AppResult};
use crate::export::{self, ExportEvent, ExportLayout, ExportRequest};
use crate::gallery::{self, OpenError, OpenedLocation, PageInfo};
use crate::protocol;
use crate::state::SrVulkanManagerState;
use srview_core::batch::{BatchProgress, BatchSummary, PageReport};

/// Raw image bytes: an `ArrayBuffer` in the webview, never a JSON number array.
pub struct RawImage(Response);

impl IpcResponse for RawImage {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        self.0.body()
    }
}

impl specta::Type for RawImage {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <specta_typescript::Any<()> as specta::Type>::definition(types)
    }
}

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
    pub from_cache: bool,
    pub tiles: u32,
    pub timings: StageTimings,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpscaleProgress {
    pub request_id: String,
    pub progress: Progress,
}

/// Runs blocking work off the async runtime; a panic there is an `internal` error.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(format!("a worker failed: {e}")))
}

fn optional_path(path: &str) -> Option<PathBuf> {
    (!path.trim().is_empty()).then(|| PathBuf::from(path))
}

fn opened_page(state: &SrVulkanManagerState, page_id: u32) -> AppResult<ImageSource> {
    state.gallery.page(page_id).ok_or_else(|| AppError::NotOpened(format!("page {page_id}")))
}

/// Sets where the cache lives; an empty path means the app's cache folder. Any other folder must
/// lie inside the folder that holds it (`~/.cache/dev.srview.app`), and be new, empty or an
/// SRView cache; anything else is refused (`cache_root_refused`).
#[tauri::command]
#[specta::specta]
pub async fn init_sr_vulkan_manager(state: State<'_, SrVulkanManagerState>, thumbnail_path: String) -> AppResult<()> {
    let roots = state.cache_roots();
    // Resolving links and opening check folders: off the async runtime's threads.
    let cache = blocking(move || {
        let root = roots.resolve(Path::new(&thumbnail_path))?;
        srview_core::ResultCache::open(root)
    })
    .await??;
    state.set_cache(cache);
    Ok(())
}

/// Resolves once the engine is up and has a cache, or fails with why it is not.
#[tauri::command]
#[specta::specta]
pub async fn check_sr_vulkan_availability(state: State<'_, SrVulkanManagerState>) -> AppResult<()> {
    state.engine().await.map(drop)
}

#[tauri::command]
#[specta::specta]
pub async fn get_sr_vulkan_gpu_info(state: State<'_, SrVulkanManagerState>) -> AppResult<Vec<String>> {
    Ok(state.engine_only().await?.report().gpus.iter().map(|g| g.name.clone()).collect())
}

/// Upscales an opened image by a factor and returns the encoded bytes (WebP). `savePath`, if
/// not empty, is a file chosen in a save dialog, or a new file inside the cache; it never
/// replaces a file that SRView did not write.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn upscale_image_sr_vulkan(
    state: State<'_, SrVulkanManagerState>,
    image_path: String,
    save_path: String,
    model: String,
    scale: f64,
    gpu_id: i32,
    tile_size: u32,
    tta: bool,
) -> AppResult<RawImage> {
    let image = PathBuf::from(&image_path);
    let canonical = {
        let image = image.clone();
        blocking(move || image.canonicalize().ok()).await?
    };
    if !canonical.is_some_and(|path| state.gallery.is_opened_file(&path)) {
        return Err(AppError::NotOpened(image_path));
    }
    let save_path = optional_path(&save_path);
    let overwrite = match &save_path {
        Some(path) => state.save_path_overwrite(path).await?,
        None => Overwrite::Never,
    };
    let engine = state.engine().await?;
    let options = UpscaleOptions {
        model,
        size: SizeRequest::Scale { factor: scale },
        tile_size,
        tta,
        gpu_id: Some(gpu_id),
        ..UpscaleOptions::default()
    };
    let mut request = UpscaleRequest::new(image, options);
    request.save_path = save_path;
    request.overwrite = overwrite;
    let done = engine.upscale(request, Default::default(), |_| {}).await?;
    if let Some(saved) = &done.saved_to {
        state.wrote_file(saved);
    }
    let bytes = std::sync::Arc::try_unwrap(done.bytes).unwrap_or_else(|shared| (*shared).clone());
    Ok(RawImage(Response::new(bytes)))
}

/// Asks where to save the page upscaled with `options` (a native save dialog, which asks
/// before replacing a file), then saves it there. Returns the path, or nothing if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_page_as(
    state: State<'_, SrVulkanManagerState>,
    page_id: u32,
    options: UpscaleOptions,
) -> AppResult<Option<String>> {
    let source = opened_page(&state, page_id)?;
    let suggested =
        srview_core::options::export_file_name(Path::new(&source.file_name()), options.size, options.format);
    let ask = state.save_dialog().ok_or_else(|| AppError::Internal("no save dialog in this build".into()))?;
    let extension = options.format.extension();
    let chosen = blocking(move || ask(suggested.to_string_lossy().into_owned(), extension)).await?;
    let Some(target) = chosen else { return Ok(None) };
    state.allow_save_path(&target);
    let mut request = UpscaleRequest::new(source, options);
    request.save_path = Some(target.clone());
    request.overwrite = Overwrite::Replace;
    state.engine().await?.upscale(request, Default::default(), |_| {}).await?;
    Ok(Some(target.display().to_string()))
}

#[tauri::command]
#[specta::specta]
pub async fn get_sr_vulkan_cache_stats(state: State<'_, SrVulkanManagerState>) -> AppResult<CacheStats> {
    let cache = state.cache()?;
    blocking(move || cache.stats()).await
}

/// Removes entries unused for more than `maxAgeDays` (default 30; 0 removes all). Returns how many.
#[tauri::command]
#[specta::specta]
pub async fn cleanup_sr_vulkan_cache(
    state: State<'_, SrVulkanManagerState>,
    max_age_days: Option<u32>,
) -> AppResult<u32> {
    let cache = state.cache()?;
    let days = max_age_days.unwrap_or(30);
    Ok(blocking(move || cache.clean(CleanPolicy::MaxAge { days })).await?.removed as u32)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sr_vulkan_cache(state: State<'_, SrVulkanManagerState>) -> AppResult<CleanReport> {
    let cache = state.cache()?;
    blocking(move || cache.clean(CleanPolicy::All)).await
}

/// Removes least recently used entries until the cache holds at most `maxMegabytes`.
#[tauri::command]
#[specta::specta]
pub async fn cap_sr_vulkan_cache(state: State<'_, SrVulkanManagerState>, max_megabytes: u32) -> AppResult<CleanReport> {
    let cache = state.cache()?;
    let bytes = u64::from(max_megabytes) * 1024 * 1024;
    blocking(move || cache.clean(CleanPolicy::MaxBytes { bytes })).await
}

/// Devices, the one in use, CPU or software fallback, cores and versions.
#[tauri::command]
#[specta::specta]
pub async fn get_engine_report(state: State<'_, SrVulkanManagerState>) -> AppResult<DeviceReport> {
    Ok(state.engine_only().await?.report().clone())
}

/// Every Vulkan device's memory heaps and budget, for the GPU panel.
#[tauri::command]
#[specta::specta]
pub async fn get_device_memory(state: State<'_, SrVulkanManagerState>) -> AppResult<Vec<DeviceMemory>> {
    let engine = state.engine_only().await?;
    blocking(move || engine.device_memory()).await?.map_err(AppError::InvalidArgument)
}

/// sr_vulkan's models and the custom ones in the models folder (loaded to read their scale).
#[tauri::command]
#[specta::specta]
pub async fn list_models(state: State<'_, SrVulkanManagerState>) -> AppResult<ModelListing> {
    let engine = state.engine_only().await?;
    blocking(move || engine.models()).await
}

/// Asks for the folder of custom models and plugins in a native dialog, and uses it from now on
/// (remembered by Rust for the next start). Returns the models, or nothing if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_models_dir(state: State<'_, SrVulkanManagerState>) -> AppResult<Option<ModelListing>> {
    let ask = state.folder_dialog().ok_or_else(|| AppError::Internal("no folder dialog in this build".into()))?;
    let engine = state.engine_only().await?;
    let record = state.models_dir_record();
    blocking(move || {
        let Some(dir) = ask() else { return Ok(None) };
        record.write(Some(&dir))?;
        engine.set_models_dir(Some(dir));
        Ok(Some(engine.models()))
    })
    .await?
}

/// Goes back to the default models folder (`path` empty). Plugins in the models folder run as
/// code, so a folder is only ever chosen in `choose_models_dir`'s dialog: a path from the page
/// is refused (`models_dir_not_chosen`).
#[tauri::command]
#[specta::specta]
pub async fn set_models_dir(state: State<'_, SrVulkanManagerState>, path: String) -> AppResult<ModelListing> {
    if !path.is_empty() {
        return Err(AppError::ModelsDirNotChosen(path));
    }
    let engine = state.engine_only().await?;
    let record = state.models_dir_record();
    blocking(move || {
        record.write(None)?;
        engine.set_models_dir(srview_core::custom::default_models_dir());
        Ok(engine.models())
    })
    .await?
}

/// Upscales an opened page for display: returns a URL into the cache, reporting progress
/// (phase, tiles done) on `onProgress`. A later request with the same `requestId`, or
/// `cancel_upscale`, cancels it. Pages the `skip` rules exclude fail with `skipped`.
#[tauri::command]
#[specta::specta]
pub async fn upscale_to_url(
    state: State<'_, SrVulkanManagerState>,
    request_id: String,
    page_id: u32,
    options: UpscaleOptions,
    priority: Priority,
    skip: SkipRules,
    on_progress: Channel<UpscaleProgress>,
) -> AppResult<UpscaledImage> {
    let (token, ticket) = state.track(&request_id);
    let result = async {
        let source = opened_page(&state, page_id)?;
        let engine = state.engine().await?;
        let request = UpscaleRequest { priority, skip, ..UpscaleRequest::new(source, options) };
        let id = request_id.clone();
        let report = move |progress| {
            let _ = on_progress.send(UpscaleProgress { request_id: id.clone(), progress });
        };
        let done = engine.upscale(request, token, report).await?;
        let cache = state.cache()?;
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
            from_cache: done.from_cache,
            tiles: done.tiles,
            timings: done.timings,
        })
    }
    .await;
    state.finish(&request_id, ticket);
    result
}

/// Cancels requests that are no longer wanted; returns how many were still running.
#[tauri::command]
#[specta::specta]
pub fn cancel_upscale(state: State<'_, SrVulkanManagerState>, request_ids: Vec<String>) -> u32 {
    state.cancel(&request_ids)
}

/// Opens a folder (its images and books), a book, or an image (its folder), and lets the
/// webview load the pages.
#[tauri::command]
#[specta::specta]
pub async fn open_location(state: State<'_, SrVulkanManagerState>, path: String) -> AppResult<OpenedLocation> {
    let location = PathBuf::from(&path);
    let gallery = state.gallery.clone();
    let listed = blocking(move || {
        gallery::list(&location, gallery.bookshelf())
            .map(|listing| gallery.register(listing, protocol::page_url, protocol::thumbnail_url))
    });
    listed.await?.map_err(|e| match e {
        OpenError::NotFound(p) => AppError::NotFound(p.display().to_string()),
        OpenError::NotAnImage(p) => {
            AppError::Engine(srview_core::SrError::NotAnImage { path: p.display().to_string() })
        }
        OpenError::Book(err) => AppError::Engine(err),
        OpenError::Io(p, err) => {
            AppError::Engine(srview_core::SrError::Io { path: p.display().to_string(), source: err })
        }
    })
}

/// Sizes of opened pages from their headers (for spreads), and with `check`, whether they decode
/// whole (a damaged page is said to be damaged at once).
#[tauri::command]
#[specta::specta]
pub async fn page_info(
    state: State<'_, SrVulkanManagerState>,
    page_ids: Vec<u32>,
    check: bool,
) -> AppResult<Vec<PageInfo>> {
    let pages: Vec<(u32, ImageSource)> =
        page_ids.into_iter().map(|id| opened_page(&state, id).map(|s| (id, s))).collect::<AppResult<_>>()?;
    let limits = state.limits();
    blocking(move || pages.iter().map(|(id, source)| gallery::page_info(*id, source, &limits, check)).collect()).await
}

/// Asks for the folder an export goes to (a native dialog). Returns it, or nothing if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_export_folder(state: State<'_, SrVulkanManagerState>) -> AppResult<Option<String>> {
    let ask = state.folder_dialog().ok_or_else(|| AppError::Internal("no folder dialog in this build".into()))?;
    let chosen = blocking(move || ask()).await?;
    if let Some(folder) = &chosen {
        state.allow_export_folder(folder);
    }
    Ok(chosen.map(|f| f.display().to_string()))
}

/// Where an export of `source` goes when no folder is chosen: beside it.
#[tauri::command]
#[specta::specta]
pub fn export_destination(source: String, layout: ExportLayout, options: UpscaleOptions) -> String {
    export::default_destination(Path::new(&source), layout, &options).display().to_string()
}

/// Exports the open folder or book (a folder's books included): every page upscaled with
/// `options`, to `destination` (chosen in a dialog) or beside the source. Reports each page on
/// `onProgress`; `cancel_export` stops it. Resolves with what was done.
#[tauri::command]
#[specta::specta]
pub async fn start_export(
    state: State<'_, SrVulkanManagerState>,
    request: ExportRequest,
    on_progress: Channel<ExportEvent>,
) -> AppResult<BatchSummary> {
    let source = PathBuf::from(&request.source);
    if !state.gallery.is_opened_location(&source) {
        return Err(AppError::NotOpened(request.source.clone()));
    }
    let destination = match &request.destination {
        Some(folder) if state.was_chosen_folder(Path::new(folder)) => PathBuf::from(folder),
        Some(folder) => return Err(AppError::SavePathNotChosen(folder.clone())),
        None => export::default_destination(&source, request.layout, &request.options),
    };
    let engine = state.engine().await?;
    let report = |page: &PageReport, progress: &BatchProgress| {
        let _ = on_progress.send(ExportEvent { page: page.clone(), progress: progress.clone() });
    };
    state.exports.run(engine, state.gallery.bookshelf().clone(), source, destination, &request, report).await
}

/// Cancels the export in progress; returns whether one was running.
#[tauri::command]
#[specta::specta]
pub fn cancel_export(state: State<'_, SrVulkanManagerState>) -> bool {
    state.exports.cancel()
}

/// Sends the engine's figures now and again each time a request finishes, until
/// `unwatch_engine_stats` (the engine panel is open meanwhile). Nothing runs while no one watches.
#[tauri::command]
#[specta::specta]
pub async fn watch_engine_stats(
    state: State<'_, SrVulkanManagerState>,
    on_stats: Channel<EngineStats>,
) -> AppResult<()> {
    let engine = state.engine_only().await?;
    let stop = state.watch_stats();
    let mut changes = engine.stats_changes();
    loop {
        if on_stats.send(engine.stats()).is_err() {
            return Ok(());
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return Ok(()) },
            _ = stop.cancelled() => return Ok(()),
        }
    }
}

/// Stops `watch_engine_stats`.
#[tauri::command]
#[specta::specta]
pub fn unwatch_engine_stats(state: State<'_, SrVulkanManagerState>) {
    state.unwatch_stats();
}

/// The path given on the command line (`srview-app PATH`), if any.
#[tauri::command]
#[specta::specta]
pub fn initial_location(state: State<'_, SrVulkanManagerState>) -> Option<String> {
    state.initial_location.as_ref().map(|p| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_worker_is_an_internal_error() {
        let err = blocking(|| -> u32 { panic!("worker bug") }).await.unwrap_err();
        assert_eq!(err.kind(), "internal");
        assert!(err.to_string().contains("worker"), "{err}");
    }
}
