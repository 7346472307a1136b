//! Tauri commands: IPC only. Each one unpacks its arguments, asks `access` what the webview may
//! touch, and calls the state of its concern: the engine (`SrVulkanManagerState`), the
//! `Gallery` or the `Exports`.
//!
//! Names: the seed's six commands keep theirs (`*_sr_vulkan_*`); every other one is `verb_noun`.

use std::path::Path;
use std::sync::Arc;

use srview_core::batch::{BatchSummary, PageReport};
use srview_core::engine::stats::EngineStats;
use srview_core::engine::vulkan_memory::DeviceMemory;
use srview_core::models::rules::ModelRules;
use srview_core::models::tiling::TileOrder;
use srview_core::{
    CacheStats, CleanPolicy, CleanReport, DeviceReport, ModelListing, Priority, SkipRules, UpscaleOptions,
    UpscaleRequest,
};
use tauri::ipc::{Channel, InvokeResponseBody, IpcResponse, Response};
use tauri::State;

use crate::access::{self, Access};
use crate::engine::{SeedUpscale, SrVulkanManagerState, UpscaleProgress, UpscaledImage};
use crate::error::{blocking, AppResult};
use crate::export::{self, ExportEvent, ExportLayout, ExportRequest, Exports};
use crate::gallery::{Gallery, OpenedLocation, PageInfo};
use crate::model_speeds::{ModelSpeeds, SpeedsWatch};
use crate::shelf::ShelfBook;

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

// ---- The seed's commands ----

/// Sets where the cache lives; an empty path means the app's cache folder. Any other folder must
/// lie inside the folder that holds it (`~/.cache/dev.srview.app`), and be new, empty or an
/// SRView cache; anything else is refused (`cache_root_refused`).
#[tauri::command]
#[specta::specta]
pub async fn init_sr_vulkan_manager(
    state: State<'_, SrVulkanManagerState>,
    access: State<'_, Access>,
    thumbnail_path: String,
) -> AppResult<()> {
    let root = access.cache_root(&thumbnail_path).await?;
    state.open_cache(root).await
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
    state.gpu_names().await
}

/// Upscales an opened image by a factor and returns the encoded bytes (WebP). `savePath`, if
/// not empty, is a file chosen in a save dialog, or a new file inside the cache; it never
/// replaces a file that SRView did not write.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn upscale_image_sr_vulkan(
    state: State<'_, SrVulkanManagerState>,
    gallery: State<'_, Gallery>,
    access: State<'_, Access>,
    image_path: String,
    save_path: String,
    model: String,
    scale: f64,
    gpu_id: i32,
    tile_size: u32,
    tta: bool,
) -> AppResult<RawImage> {
    let image = access::opened_image(&gallery, &image_path).await?;
    let (save_path, overwrite) = access.seed_save_path(&save_path, state.cache()).await?;
    let seed = SeedUpscale { image, model, scale, gpu_id, tile_size, tta, save_path, overwrite };
    let (bytes, saved) = state.upscale_seed(seed).await?;
    if let Some(saved) = &saved {
        access.wrote_file(saved);
    }
    Ok(RawImage(Response::new(bytes)))
}

#[tauri::command]
#[specta::specta]
pub async fn get_sr_vulkan_cache_stats(state: State<'_, SrVulkanManagerState>) -> AppResult<CacheStats> {
    state.cache_stats().await
}

/// Removes entries unused for more than `maxAgeDays` (default 30; 0 removes all). Returns how many.
#[tauri::command]
#[specta::specta]
pub async fn cleanup_sr_vulkan_cache(
    state: State<'_, SrVulkanManagerState>,
    max_age_days: Option<u32>,
) -> AppResult<u32> {
    let days = max_age_days.unwrap_or(30);
    Ok(state.clean_cache(CleanPolicy::MaxAge { days }).await?.removed as u32)
}

// ---- The cache and the engine ----

/// Empties the cache.
#[tauri::command]
#[specta::specta]
pub async fn clear_cache(state: State<'_, SrVulkanManagerState>) -> AppResult<CleanReport> {
    state.clean_cache(CleanPolicy::All).await
}

/// Removes least recently used entries until the cache holds at most `maxMegabytes`.
#[tauri::command]
#[specta::specta]
pub async fn cap_cache(state: State<'_, SrVulkanManagerState>, max_megabytes: u32) -> AppResult<CleanReport> {
    let bytes = u64::from(max_megabytes) * 1024 * 1024;
    state.clean_cache(CleanPolicy::MaxBytes { bytes }).await
}

/// Sets the cache's lasting size cap (`null` lifts it): kept in the cache folder, so it holds
/// in later runs, and applied now and after every write, least recently used first.
#[tauri::command]
#[specta::specta]
pub async fn set_cache_cap(
    state: State<'_, SrVulkanManagerState>,
    max_megabytes: Option<u32>,
) -> AppResult<CleanReport> {
    let cache = state.cache()?;
    let bytes = max_megabytes.map(|megabytes| u64::from(megabytes) * 1024 * 1024);
    Ok(crate::error::blocking(move || cache.set_cap(bytes)).await??)
}

/// Devices, the one in use, CPU or software fallback, cores and versions.
#[tauri::command]
#[specta::specta]
pub async fn get_engine_report(state: State<'_, SrVulkanManagerState>) -> AppResult<DeviceReport> {
    state.report().await
}

/// Every Vulkan device's memory heaps and budget, for the GPU panel.
#[tauri::command]
#[specta::specta]
pub async fn get_device_memory(state: State<'_, SrVulkanManagerState>) -> AppResult<Vec<DeviceMemory>> {
    state.device_memory().await
}

/// Sends the engine's figures now and again each time a request finishes, until
/// `unwatch_engine_stats` (the engine panel is open meanwhile). Nothing runs while no one watches.
#[tauri::command]
#[specta::specta]
pub async fn watch_engine_stats(
    state: State<'_, SrVulkanManagerState>,
    on_stats: Channel<EngineStats>,
) -> AppResult<()> {
    state.watch_stats(|stats| on_stats.send(stats).is_ok()).await
}

/// Stops `watch_engine_stats`.
#[tauri::command]
#[specta::specta]
pub fn unwatch_engine_stats(state: State<'_, SrVulkanManagerState>) {
    state.unwatch_stats();
}

// ---- Models ----

/// sr_vulkan's models and the custom ones in the models folder (loaded to read their scale).
#[tauri::command]
#[specta::specta]
pub async fn list_models(state: State<'_, SrVulkanManagerState>) -> AppResult<ModelListing> {
    state.models().await
}

/// Asks for the folder of custom models and plugins in a native dialog, and uses it from now on
/// (remembered by Rust for the next start). Returns the models, or nothing if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_models_folder(
    state: State<'_, SrVulkanManagerState>,
    access: State<'_, Access>,
) -> AppResult<Option<ModelListing>> {
    state.engine_only().await?;
    let Some(dir) = access.choose_models_dir().await? else { return Ok(None) };
    state.use_models_dir(Some(dir)).await.map(Some)
}

/// Goes back to the default models folder (`path` empty). Plugins in the models folder run as
/// code, so a folder is only ever chosen in `choose_models_folder`'s dialog: a path from the page
/// is refused (`models_dir_not_chosen`).
#[tauri::command]
#[specta::specta]
pub async fn set_models_folder(
    state: State<'_, SrVulkanManagerState>,
    access: State<'_, Access>,
    path: String,
) -> AppResult<ModelListing> {
    access::models_dir_from_webview(&path)?;
    state.engine_only().await?;
    access.forget_models_dir().await?;
    state.use_models_dir(srview_core::models::custom::default_models_dir()).await
}

// ---- Model speeds ----

/// Sends the models' speeds on this device now and again as they are measured (or read from
/// their file), until the page goes away.
#[tauri::command]
#[specta::specta]
pub fn watch_model_speeds(speeds: State<'_, SpeedsWatch>, on_speeds: Channel<ModelSpeeds>) {
    let mut changes = speeds.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let current = changes.borrow_and_update().clone();
            if on_speeds.send(current).is_err() || changes.changed().await.is_err() {
                break;
            }
        }
    });
}

/// The model to upscale with: `chosen` if the user chose one that runs here, else the best
/// one that upscales a typical page in `keep_up_seconds` or less on this device.
#[tauri::command]
#[specta::specta]
pub async fn choose_default_model(
    state: State<'_, SrVulkanManagerState>,
    speeds: State<'_, SpeedsWatch>,
    chosen: Option<String>,
    keep_up_seconds: f64,
) -> AppResult<Option<String>> {
    let engine = state.engine_only().await?;
    Ok(speeds.default_model(&engine, chosen.as_deref(), keep_up_seconds))
}

/// Creates the default models folder if it does not exist yet, and returns its path.
#[tauri::command]
#[specta::specta]
pub async fn open_models_folder(state: State<'_, SrVulkanManagerState>) -> AppResult<String> {
    crate::model_speeds::open_models_folder(&state.engine_only().await?).await
}

// ---- Pages ----

/// Opens a folder (its images and books), a book, or an image (its folder), and lets the
/// webview load the pages.
#[tauri::command]
#[specta::specta]
pub async fn open_location(
    state: State<'_, SrVulkanManagerState>,
    gallery: State<'_, Gallery>,
    path: String,
) -> AppResult<OpenedLocation> {
    let opened = gallery.open(&path).await?;
    state.reader_opened();
    Ok(opened)
}

/// The size the viewer shows pages at, in device pixels (`0`: no bound on that side): PDF pages
/// that are not one image are rendered to fit it, in the books open and those opened next.
#[tauri::command]
#[specta::specta]
pub async fn set_render_size(gallery: State<'_, Gallery>, width: u32, height: u32) -> AppResult<()> {
    let bound = |pixels: u32| if pixels == 0 { u32::MAX } else { pixels };
    gallery.bookshelf().set_render_box(bound(width), bound(height));
    Ok(())
}

/// Sizes of opened pages from their headers (for spreads), and with `check`, whether they decode
/// whole (a damaged page is said to be damaged at once).
#[tauri::command]
#[specta::specta]
pub async fn get_page_info(gallery: State<'_, Gallery>, page_ids: Vec<u32>, check: bool) -> AppResult<Vec<PageInfo>> {
    gallery.page_info(page_ids, check).await
}

/// Upscales an opened page for display: returns a URL into the cache, reporting progress
/// (phase, tiles done) on `onProgress`. A later request with the same `requestId`, or
/// `cancel_upscales`, cancels it. Pages the `skip` rules exclude fail with `skipped`. With the
/// model `auto`, `modelRules` choose the model and scale, and the result and progress name the rule.
/// A large page's tiles are computed in `tileOrder` (by default from the top left), and each is
/// reported with its image's URL as it finishes.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn upscale_page(
    state: State<'_, SrVulkanManagerState>,
    gallery: State<'_, Gallery>,
    request_id: String,
    page_id: u32,
    options: UpscaleOptions,
    priority: Priority,
    skip: SkipRules,
    model_rules: Option<ModelRules>,
    tile_order: Option<TileOrder>,
    on_progress: Channel<UpscaleProgress>,
) -> AppResult<UpscaledImage> {
    let request = access::opened_page(&gallery, page_id).map(|source| UpscaleRequest {
        priority,
        skip,
        model_rules: model_rules.map(Arc::new),
        tile_order: tile_order.unwrap_or_default(),
        ..UpscaleRequest::new(source, options)
    });
    let report = move |progress| drop(on_progress.send(progress));
    state.upscale_page(&request_id, request, report).await
}

/// The pages among `pageIds` already upscaled with `options`: their results are in the cache.
#[tauri::command]
#[specta::specta]
pub async fn get_cached_pages(
    state: State<'_, SrVulkanManagerState>,
    gallery: State<'_, Gallery>,
    page_ids: Vec<u32>,
    options: UpscaleOptions,
    model_rules: Option<ModelRules>,
) -> AppResult<Vec<u32>> {
    let pages = page_ids.into_iter().filter_map(|id| access::opened_page(&gallery, id).ok().map(|s| (id, s))).collect();
    state.cached_pages(pages, options, model_rules.map(Arc::new)).await
}

/// Cancels upscales that are no longer wanted; returns how many were still running.
#[tauri::command]
#[specta::specta]
pub fn cancel_upscales(state: State<'_, SrVulkanManagerState>, request_ids: Vec<String>) -> u32 {
    state.cancel(&request_ids)
}

/// Asks where to save the page upscaled with `options` (a native save dialog, which asks
/// before replacing a file), then saves it there. Returns the path, or nothing if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_page(
    state: State<'_, SrVulkanManagerState>,
    gallery: State<'_, Gallery>,
    access: State<'_, Access>,
    page_id: u32,
    options: UpscaleOptions,
) -> AppResult<Option<String>> {
    let source = access::opened_page(&gallery, page_id)?;
    let suggested =
        srview_core::models::options::export_file_name(Path::new(&source.file_name()), options.size, options.format);
    let suggested = suggested.to_string_lossy().into_owned();
    let Some(target) = access.choose_save_path(suggested, options.format.extension()).await? else { return Ok(None) };
    state.save_page(source, options, target.clone()).await?;
    Ok(Some(target.display().to_string()))
}

/// The books beside an opened location (archives, and folders of images), as they are now,
/// with their covers' URLs; what SRView's exports wrote is left out.
#[tauri::command]
#[specta::specta]
pub async fn list_shelf(gallery: State<'_, Gallery>, location: String) -> AppResult<Vec<ShelfBook>> {
    gallery.shelf_books(&location).await
}

/// The path given on the command line (`srview-app PATH`), if any.
#[tauri::command]
#[specta::specta]
pub fn get_initial_location(gallery: State<'_, Gallery>) -> Option<String> {
    gallery.initial_location().map(|p| p.display().to_string())
}

// ---- Exports ----

/// Asks for the folder an export goes to (a native dialog). Returns it, or nothing if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_export_folder(access: State<'_, Access>) -> AppResult<Option<String>> {
    Ok(access.choose_export_folder().await?.map(|f| f.display().to_string()))
}

/// Where an export of `source` goes when no folder is chosen: in a sibling folder of the library
/// read (`Library (upscaled)`), never inside it, nor in a folder of the user's.
#[tauri::command]
#[specta::specta]
pub async fn get_export_destination(
    source: String,
    layout: ExportLayout,
    options: UpscaleOptions,
) -> AppResult<String> {
    blocking(move || export::default_destination(Path::new(&source), layout, &options).display().to_string()).await
}

/// Exports the open folder or book (a folder's books included): every page upscaled with
/// `options`, to `destination` (chosen in a dialog) or beside the source. Reports each page on
/// `onProgress`; `cancel_export` stops it. Resolves with what was done. The default
/// destination's folder is created when it starts.
#[tauri::command]
#[specta::specta]
pub async fn start_export(
    state: State<'_, SrVulkanManagerState>,
    gallery: State<'_, Gallery>,
    access: State<'_, Access>,
    exports: State<'_, Exports>,
    request: ExportRequest,
    on_progress: Channel<ExportEvent>,
) -> AppResult<BatchSummary> {
    let (source, destination) = access.export_target(&gallery, &request)?;
    let engine = state.engine().await?;
    let report = |page: &PageReport, progress: &srview_core::batch::BatchProgress| {
        let _ = on_progress.send(ExportEvent { page: page.clone(), progress: progress.clone() });
    };
    let create_folder = request.destination.is_none();
    exports.run(engine, gallery.bookshelf().clone(), source, destination, create_folder, &request, report).await
}

/// Cancels the export in progress; returns whether one was running.
#[tauri::command]
#[specta::specta]
pub fn cancel_export(exports: State<'_, Exports>) -> bool {
    exports.cancel()
}
