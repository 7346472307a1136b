//! What a request asks and what it gets back: the engine's configuration, a request, its
//! progress and its outcome.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::books::input;
use crate::books::source::ImageSource;
use crate::engine::device::DeviceChoice;
use crate::engine::scheduler::Priority;
use crate::engine::stats::StageTimings;
use crate::error::{Result, SrError};
use crate::limits::Limits;
use crate::models::catalogue::ModelInfo;
use crate::models::options::{OutputFormat, UpscaleOptions};
use crate::models::rules::ModelRules;
use crate::models::tiling::TileOrder;
use crate::store::export::Overwrite;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The venv with sr-vulkan; `None` searches (see `venv::locate_venv`).
    pub venv: Option<PathBuf>,
    pub device: DeviceChoice,
    /// Cache root; `None` disables the cache.
    pub cache_root: Option<PathBuf>,
    /// Inputs above these limits are refused (decompression bombs, huge files, endless animations).
    pub limits: Limits,
    /// A request whose computation takes longer fails with `Timeout`. Time spent waiting
    /// for other work does not count.
    pub timeout: Option<Duration>,
    /// Tile large pages (see `tiling`); off only to compare against whole-page jobs.
    pub tiling: bool,
    /// Split one tile of a page in two to even out progress (see `tiling::stagger`); off only
    /// to compare.
    pub stagger: bool,
    /// Keep per-stage statistics (see `stats`); off only to measure what they cost.
    pub stats: bool,
    /// Bytes of finished tiles of unfinished pages kept in memory (see `tile_store`).
    pub kept_tiles_bytes: usize,
    /// The folder of custom `.onnx` models and `.py` plugins (see `custom`).
    pub models_dir: Option<PathBuf>,
    /// How long one call into a custom model may run before it is interrupted.
    pub custom_call_limit: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            venv: None,
            device: DeviceChoice::Auto,
            cache_root: None,
            limits: Limits::default(),
            timeout: None,
            tiling: true,
            stagger: true,
            stats: true,
            kept_tiles_bytes: crate::engine::tile_store::DEFAULT_CAPACITY,
            models_dir: crate::models::custom::default_models_dir(),
            custom_call_limit: crate::models::custom::DEFAULT_CALL_LIMIT,
        }
    }
}

/// Rules under which a page is not upscaled at all (the viewer's settings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct SkipRules {
    /// Skip inputs above this many pixels (all frames counted).
    pub max_pixels: Option<u64>,
    /// Skip animated images.
    pub animated: bool,
}

#[derive(Debug, Clone)]
pub struct UpscaleRequest {
    pub source: ImageSource,
    pub options: UpscaleOptions,
    /// Also save the result here (a file, or a folder to put it in).
    pub save_path: Option<PathBuf>,
    /// Whether saving may replace an existing file.
    pub overwrite: Overwrite,
    pub priority: Priority,
    /// Among requests of the same priority, the lower goes first. `new` numbers requests as
    /// they are made, so a batch's pages are computed in its order, whichever is read first.
    pub order: u64,
    pub skip: SkipRules,
    /// With the model `auto`: these rules rather than the engine's (`Engine::set_model_rules`).
    pub model_rules: Option<Arc<ModelRules>>,
    /// The order a tiled page's tiles are computed in (the first request's, when several wait).
    pub tile_order: TileOrder,
}

static NEXT_ORDER: AtomicU64 = AtomicU64::new(0);

impl UpscaleRequest {
    pub fn new(source: impl Into<ImageSource>, options: UpscaleOptions) -> Self {
        UpscaleRequest {
            source: source.into(),
            options,
            save_path: None,
            overwrite: Overwrite::Never,
            priority: Priority::Interactive,
            order: NEXT_ORDER.fetch_add(1, Ordering::Relaxed),
            skip: SkipRules::default(),
            model_rules: None,
            tile_order: TileOrder::default(),
        }
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

/// A progress report: the phase, and for a page being computed, its parts done (tiles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub phase: Phase,
    pub done: u32,
    pub total: u32,
    /// With the model `auto`: the name of the rule that chose the model.
    pub rule: Option<String>,
    /// A tile that is done: one report for each, in the order they finish.
    #[serde(skip)]
    pub tile: Option<TileReady>,
}

impl Progress {
    pub(super) fn phase(phase: Phase) -> Self {
        Progress { phase, done: 0, total: 0, rule: None, tile: None }
    }
}

/// A finished tile of a page still being computed, to draw before the page is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TileReady {
    /// The part of the page the tile gives, in the original's pixels.
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// The original's size.
    pub page_width: u32,
    pub page_height: u32,
    /// Where that part starts in the tile's image, which also holds its context.
    pub image_x: u32,
    pub image_y: u32,
    /// The image's pixels per original pixel.
    pub scale: u32,
    /// The image, as PNG.
    #[serde(skip)]
    pub png: Arc<Vec<u8>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UpscaleOutcome {
    #[serde(skip)]
    pub bytes: Arc<Vec<u8>>,
    /// The cache file, when the cache is on.
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub cache_path: Option<PathBuf>,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub saved_to: Option<PathBuf>,
    pub width: u32,
    pub height: u32,
    pub source_width: u32,
    pub source_height: u32,
    pub format: OutputFormat,
    /// The model that upscaled: the one asked for, or the one a rule chose for `auto`.
    pub model: String,
    /// With the model `auto`: the name of the rule that chose the model.
    pub rule: Option<String>,
    pub from_cache: bool,
    /// How many tiles the page was computed in (0: one job).
    pub tiles: u32,
    pub timings: StageTimings,
}

/// Every model the engine can run: sr_vulkan's and the models folder's.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ModelListing {
    pub models: Vec<ModelInfo>,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub models_dir: Option<PathBuf>,
    /// Why the models folder could not be read (`{kind, message}`), if it could not.
    pub models_dir_problem: Option<SrError>,
    /// onnxruntime's version, or `None` when it is not installed.
    pub onnxruntime: Option<String>,
}

/// Refuses, as `skipped`, a page the viewer's rules say not to upscale; from its header alone.
pub(super) fn check_skip_rules(name: &str, data: &[u8], rules: &SkipRules) -> Result<()> {
    if rules.max_pixels.is_none() && !rules.animated {
        return Ok(());
    }
    let Ok((_, width, height, frames)) = input::header(name, data) else { return Ok(()) };
    if rules.animated && frames > 1 {
        return Err(SrError::Skipped(format!("{name} is animated ({frames} frames)")));
    }
    let pixels = width as u64 * height as u64 * frames as u64;
    if let Some(limit) = rules.max_pixels.filter(|limit| pixels > *limit) {
        return Err(SrError::Skipped(format!(
            "{name} is {} MP, above the {} MP limit",
            megapixels(pixels),
            megapixels(limit)
        )));
    }
    Ok(())
}

fn megapixels(pixels: u64) -> String {
    let mp = pixels as f64 / 1e6;
    if mp < 10.0 {
        format!("{mp:.2}")
    } else {
        format!("{mp:.1}")
    }
}
