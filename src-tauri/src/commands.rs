//! Tauri commands: IPC only. Each one unpacks its arguments and calls the core.

use std::path::{Path, PathBuf};

use serde::Serialize;
use srview_core::{
    CacheStats, Catalogue, CleanPolicy, CleanReport, DeviceReport, OutputFormat, Phase, Priority, SizeRequest,
    StageTimings, UpscaleOptions, UpscaleRequest,
};
use tauri::ipc::{Channel, InvokeResponseBody, IpcResponse, Response};
use tauri::State;

use crate::error::{AppError, AppResult};
use crate::gallery::{self, OpenedLocation};
use crate::protocol;
use crate::state::SrVulkanManagerState;

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
    pub timings: StageTimings,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpscaleProgress {
    pub request_id: String,
    pub phase: Phase,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::InvalidArgument(format!("worker failed: {e}")))
}

fn optional_path(path: &str) -> Option<PathBuf> {
    (!path.trim().is_empty()).then(|| PathBuf::from(path))
}

/// Sets the cache root; an empty path means the app's cache folder.
#[tauri::command]
#[specta::specta]
pub async fn init_sr_vulkan_manager(state: State<'_, SrVulkanManagerState>, thumbnail_path: String) -> AppResult<()> {
    state.set_cache_root(Path::new(&thumbnail_path))
}

/// Resolves once the engine is up, or fails with why it is not.
#[tauri::command]
#[specta::specta]
pub async fn check_sr_vulkan_availability(state: State<'_, SrVulkanManagerState>) -> AppResult<()> {
    state.engine().await.map(drop)
}

#[tauri::command]
#[specta::specta]
pub async fn get_sr_vulkan_gpu_info(state: State<'_, SrVulkanManagerState>) -> AppResult<Vec<String>> {
    Ok(state.engine().await?.report().gpus.iter().map(|g| g.name.clone()).collect())
}

/// Upscales by a factor and returns the encoded bytes (WebP).
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
    let engine = state.engine().await?;
    let options = UpscaleOptions {
        model,
        size: SizeRequest::Scale { factor: scale },
        tile_size,
        tta,
        gpu_id: Some(gpu_id),
        ..UpscaleOptions::default()
    };
    let mut request = UpscaleRequest::new(image_path, options);
    request.save_path = optional_path(&save_path);
    let done = engine.upscale(request, Default::default(), |_| {}).await?;
    let bytes = std::sync::Arc::try_unwrap(done.bytes).unwrap_or_else(|shared| (*shared).clone());
    Ok(RawImage(Response::new(bytes)))
}

#[tauri::command]
#[specta::specta]
pub async fn get_sr_vulkan_cache_stats(state: State<'_, SrVulkanManagerState>) -> AppResult<CacheStats> {
    let cache = state.cache();
    blocking(move || cache.stats()).await
}

/// Removes entries unused for more than `maxAgeDays` (default 30; 0 removes all). Returns how many.
#[tauri::command]
#[specta::specta]
pub async fn cleanup_sr_vulkan_cache(
    state: State<'_, SrVulkanManagerState>,
    max_age_days: Option<u32>,
) -> AppResult<u32> {
    let cache = state.cache();
    let days = max_age_days.unwrap_or(30);
    Ok(blocking(move || cache.clean(CleanPolicy::MaxAge { days })).await?.removed as u32)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sr_vulkan_cache(state: State<'_, SrVulkanManagerState>) -> AppResult<CleanReport> {
    let cache = state.cache();
    blocking(move || cache.clean(CleanPolicy::All)).await
}

/// Removes least recently used entries until the cache holds at most `maxMegabytes`.
#[tauri::command]
#[specta::specta]
pub async fn cap_sr_vulkan_cache(state: State<'_, SrVulkanManagerState>, max_megabytes: u32) -> AppResult<CleanReport> {
    let cache = state.cache();
    let bytes = u64::from(max_megabytes) * 1024 * 1024;
    blocking(move || cache.clean(CleanPolicy::MaxBytes { bytes })).await
}

/// Devices, the one in use, CPU or software fallback, cores and versions.
#[tauri::command]
#[specta::specta]
pub async fn get_engine_report(state: State<'_, SrVulkanManagerState>) -> AppResult<DeviceReport> {
    Ok(state.engine().await?.report().clone())
}

#[tauri::command]
#[specta::specta]
pub async fn list_models(state: State<'_, SrVulkanManagerState>) -> AppResult<Catalogue> {
    Ok(state.engine().await?.catalogue().clone())
}

/// Upscales for display: returns a URL into the cache, reporting phases on `onProgress`.
/// A later request with the same `requestId`, or `cancel_upscale`, cancels it.
#[tauri::command]
#[specta::specta]
pub async fn upscale_to_url(
    state: State<'_, SrVulkanManagerState>,
    request_id: String,
    image_path: String,
    options: UpscaleOptions,
    priority: Priority,
    on_progress: Channel<UpscaleProgress>,
) -> AppResult<UpscaledImage> {
    let (token, ticket) = state.track(&request_id);
    let result = async {
        let engine = state.engine().await?;
        let request = UpscaleRequest { priority, ..UpscaleRequest::new(&image_path, options) };
        let id = request_id.clone();
        let report = move |phase| {
            let _ = on_progress.send(UpscaleProgress { request_id: id.clone(), phase });
        };
        let done = engine.upscale(request, token, report).await?;
        let cache_path = done.cache_path.as_ref().expect("the app always has a cache");
        let relative = cache_path.strip_prefix(state.cache().root()).unwrap_or(cache_path);
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

/// Lists a folder's images (or a file's folder) and allows the webview to load them.
#[tauri::command]
#[specta::specta]
pub async fn open_location(state: State<'_, SrVulkanManagerState>, path: String) -> AppResult<OpenedLocation> {
    let location = PathBuf::from(&path);
    let (files, start_index) = blocking(move || gallery::list(&location))
        .await?
        .map_err(|e| AppError::InvalidArgument(format!("cannot open {path}: {e}")))?;
    Ok(state.gallery.register(files, start_index, protocol::file_url))
}

/// The path given on the command line (`srview-app PATH`), if any.
#[tauri::command]
#[specta::specta]
pub fn initial_location(state: State<'_, SrVulkanManagerState>) -> Option<String> {
    state.initial_location.as_ref().map(|p| p.display().to_string())
}
