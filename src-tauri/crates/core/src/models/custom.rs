//! Custom upscalers: `.onnx` models and `.py` plugins from the user's models folder, named
//! `custom:<file name>`. They run through the bridge (onnxruntime or the plugin's own code),
//! behind the same queue, cache, cancel and progress as sr_vulkan's models.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use image::{imageops, GrayImage, RgbImage, RgbaImage};
use srview_python::{CustomDescription, CustomModel};

use crate::error::{Result, SrError};
pub use crate::models::catalogue::CustomModelInfo;
use crate::models::catalogue::{ModelFamily, ModelInfo};
use crate::models::tiling::{self, TilePolicy};
use crate::sync::lock;

pub const CUSTOM_PREFIX: &str = "custom:";
/// Context pixels around each tile and sub-tile of a custom model (input pixels).
pub const CUSTOM_PAD: u32 = 16;
/// A tile's core when the tile size is automatic.
pub const CUSTOM_AUTO_TILE: u32 = 256;
/// How long one model call may run before it is interrupted, unless configured.
pub const DEFAULT_CALL_LIMIT: Duration = Duration::from_secs(300);

/// `$XDG_DATA_HOME/srview/models`, or `~/.local/share/srview/models`.
pub fn default_models_dir() -> Option<PathBuf> {
    crate::user_dirs::user_data_dir().map(|dir| dir.join("models"))
}

/// Makes `dir` ready to be opened: the default models folder is created if it does not exist
/// yet; another folder (one the user chose) must exist. Blocking.
pub fn prepare_models_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if Some(dir) != default_models_dir().as_deref() {
        return Err(SrError::ModelsDirMissing(dir.display().to_string()));
    }
    std::fs::create_dir_all(dir).map_err(|e| SrError::io(dir, e))
}

/// onnxruntime's version, or `None` when it is not installed (blocking: runs Python).
pub fn onnxruntime_version() -> Option<String> {
    srview_python::onnxruntime_version().ok().flatten()
}

/// A loaded model, identified by its file's content.
pub struct LoadedModel {
    pub name: String,
    /// blake3 of the file's bytes: part of every cache key made with it.
    pub hash: String,
    pub model: CustomModel,
}

impl std::fmt::Debug for LoadedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedModel").field("name", &self.name).field("hash", &self.hash).finish()
    }
}

/// What is known of one file: its description (or why it is unusable), and the loaded model
/// while it is one of the few in use.
struct Entry {
    stamp: (SystemTime, u64),
    hash: String,
    described: std::result::Result<CustomDescription, String>,
    loaded: Option<Arc<LoadedModel>>,
    last_used: u64,
}

/// Models kept loaded at once. A listing loads each model only to describe it, then frees it:
/// a folder of many models must not hold all their weights in memory.
const KEEP_LOADED: usize = 2;

/// The models folder and what was loaded from it. A file is hashed and loaded again whenever
/// its size or modification time changes, so a replaced model never serves stale results.
pub struct CustomModels {
    dir: Mutex<Option<PathBuf>>,
    entries: Mutex<HashMap<PathBuf, Entry>>,
    clock: std::sync::atomic::AtomicU64,
    /// One load at a time: loading runs Python.
    loading: Mutex<()>,
}

/// What the models folder holds: models (broken ones included), or why it cannot be read.
pub struct CustomScan {
    pub dir: Option<PathBuf>,
    pub models: Vec<ModelInfo>,
    pub problem: Option<SrError>,
}

fn is_custom_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !name.starts_with('.') && (name.ends_with(".onnx") || name.ends_with(".py")) && path.is_file()
}

impl CustomModels {
    pub fn new(dir: Option<PathBuf>) -> Self {
        CustomModels {
            dir: Mutex::new(dir),
            entries: Mutex::new(HashMap::new()),
            clock: Default::default(),
            loading: Mutex::new(()),
        }
    }

    pub fn dir(&self) -> Option<PathBuf> {
        lock(&self.dir).clone()
    }

    pub fn set_dir(&self, dir: Option<PathBuf>) {
        *lock(&self.dir) = dir;
    }

    /// Lists and loads every model in the folder (blocking: it runs Python). A folder that
    /// does not exist lists nothing and says so, except the default one, which is simply empty
    /// until the user opens it.
    pub fn scan(&self) -> CustomScan {
        let dir = self.dir();
        let Some(folder) = dir.clone() else {
            return CustomScan { dir, models: Vec::new(), problem: None };
        };
        let listing = match std::fs::read_dir(&folder) {
            Ok(listing) => listing,
            Err(err)
                if err.kind() == std::io::ErrorKind::NotFound && Some(&folder) == default_models_dir().as_ref() =>
            {
                return CustomScan { dir, models: Vec::new(), problem: None };
            }
            Err(err) => {
                let problem = if err.kind() == std::io::ErrorKind::NotFound {
                    SrError::ModelsDirMissing(folder.display().to_string())
                } else {
                    SrError::io(&folder, err)
                };
                return CustomScan { dir, models: Vec::new(), problem: Some(problem) };
            }
        };
        let mut files: Vec<PathBuf> = listing.flatten().map(|e| e.path()).filter(|p| is_custom_file(p)).collect();
        files.sort_by(|a, b| crate::books::naming::natural_cmp(a.as_os_str(), b.as_os_str()));
        let models = files.iter().map(|path| self.describe(path)).collect();
        CustomScan { dir, models, problem: None }
    }

    fn describe(&self, path: &Path) -> ModelInfo {
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("{CUSTOM_PREFIX}{file_name}");
        let onnx = file_name.ends_with(".onnx");
        let mut info = CustomModelInfo {
            kind: if onnx { "onnx" } else { "plugin" }.into(),
            file: path.to_path_buf(),
            provider: None,
            scales: Vec::new(),
            label: None,
            value_range: None,
            problem: None,
        };
        match self.load(path, &name, false) {
            Ok((d, _)) => {
                info.provider = Some(d.provider);
                info.scales = d.scales;
                info.label = d.name;
                info.value_range = Some(d.value_range);
            }
            Err(problem) => info.problem = Some(problem),
        }
        let package = if onnx { "onnxruntime" } else { "" };
        ModelInfo {
            name,
            index: -1,
            family: ModelFamily::Custom,
            native_scale: info.scales.first().copied().unwrap_or(1),
            tta: false,
            variant_of: None,
            package: package.into(),
            install_hint: if onnx { crate::user_dirs::install_hint(package) } else { String::new() },
            installed: info.problem.is_none(),
            runs_on_cpu: true,
            custom: Some(info),
        }
    }

    /// Describes the model in `path`, loading it when nothing is known of this content yet;
    /// with `keep`, also returns it loaded, kept among the `KEEP_LOADED` used last. The error
    /// text says why the model is unusable.
    fn load(
        &self,
        path: &Path,
        name: &str,
        keep: bool,
    ) -> std::result::Result<(CustomDescription, Option<Arc<LoadedModel>>), String> {
        let _one_at_a_time = lock(&self.loading);
        let now = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
        let stamp = (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len());
        let known = |entries: &mut HashMap<PathBuf, Entry>, same: &dyn Fn(&Entry) -> bool| {
            let entry = entries.get_mut(path).filter(|e| same(e))?;
            if keep && entry.described.is_ok() && entry.loaded.is_none() {
                return None;
            }
            entry.last_used = now;
            Some(entry.described.clone().map(|d| (d, entry.loaded.clone())))
        };
        if let Some(known) = known(&mut lock(&self.entries), &|e| e.stamp == stamp) {
            return known;
        }
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
        let hash = blake3::hash(&bytes).to_hex().to_string();
        if let Some(known) = known(&mut lock(&self.entries), &|e| e.hash == hash) {
            if let Some(entry) = lock(&self.entries).get_mut(path) {
                entry.stamp = stamp;
            }
            return known;
        }
        let module_name = format!("srview_plugin_{}", &hash[..16]);
        let loaded = srview_python::load_custom(path, &module_name).map_err(|err| {
            let text = err.to_string();
            if text.contains("No module named 'onnxruntime'") {
                format!("onnxruntime is not installed. Fix: {}", crate::user_dirs::install_hint("onnxruntime"))
            } else {
                text
            }
        });
        if let Err(problem) = &loaded {
            tracing::debug!(model = name, %problem, "custom model unusable");
        }
        let described = loaded.as_ref().map(|m| m.description.clone()).map_err(Clone::clone);
        let kept = match loaded {
            Ok(model) if keep => Some(Arc::new(LoadedModel { name: name.to_owned(), hash: hash.clone(), model })),
            _ => None,
        };
        let mut entries = lock(&self.entries);
        let entry = Entry { stamp, hash, described: described.clone(), loaded: kept.clone(), last_used: now };
        entries.insert(path.to_path_buf(), entry);
        // Free the models used longest ago beyond the few kept (running jobs hold their own).
        let mut loaded: Vec<(u64, PathBuf)> =
            entries.iter().filter(|(_, e)| e.loaded.is_some()).map(|(p, e)| (e.last_used, p.clone())).collect();
        loaded.sort();
        for (_, old) in loaded.iter().take(loaded.len().saturating_sub(KEEP_LOADED)) {
            if let Some(entry) = entries.get_mut(old) {
                entry.loaded = None;
            }
        }
        described.map(|d| (d, kept))
    }

    /// How many models are loaded now (at most `KEEP_LOADED`, besides those running jobs hold).
    pub fn loaded(&self) -> usize {
        lock(&self.entries).values().filter(|e| e.loaded.is_some()).count()
    }

    /// Resolves `custom:<file name>` to its catalogue entry and loaded model (blocking).
    pub fn resolve(&self, name: &str) -> Result<(ModelInfo, Arc<LoadedModel>)> {
        let file_name = name.trim().strip_prefix(CUSTOM_PREFIX).unwrap_or(name.trim());
        let Some(dir) = self.dir() else {
            return Err(SrError::UnknownModel(format!("{name} (no models folder is set)")));
        };
        if !dir.is_dir() {
            return Err(SrError::ModelsDirMissing(dir.display().to_string()));
        }
        let path = dir.join(file_name);
        if file_name.contains('/') || !is_custom_file(&path) {
            return Err(SrError::UnknownModel(format!("{name} (no such .onnx or .py file in {})", dir.display())));
        }
        let info = self.describe(&path);
        match self.load(&path, &info.name, true) {
            Ok((_, Some(loaded))) => Ok((info, loaded)),
            Ok((_, None)) => Err(SrError::Internal(format!("{} was described but not loaded", info.name))),
            Err(reason) => Err(SrError::CustomModelBroken { model: info.name.clone(), reason }),
        }
    }
}

/// The passes that reach `wanted`: the smallest supported scale that is enough, else the
/// largest, repeated. The stitched result is resized to the exact size afterwards.
pub fn passes(scales: &[u32], wanted: f64) -> Vec<u32> {
    if let Some(enough) = scales.iter().copied().filter(|s| *s as f64 >= wanted - 1e-9).min() {
        return vec![enough];
    }
    let largest = scales.iter().copied().max().unwrap_or(1);
    if largest < 2 {
        return vec![largest.max(1)];
    }
    let mut passes = vec![largest];
    while (passes.iter().product::<u32>() as f64) < wanted - 1e-9 {
        passes.push(largest);
    }
    passes
}

/// One tile for a custom model: RGBA pixels in, RGBA pixels out.
pub(crate) struct CustomJob {
    pub model: Arc<LoadedModel>,
    pub tile: RgbaImage,
    pub passes: Vec<u32>,
    /// The largest piece given to the model at once; halved after running out of memory.
    pub sub_tile: u32,
    pub limit: Duration,
}

/// Runs one tile: the colour through the model (in sub-tiles when larger than `sub_tile`),
/// alpha resized on its own.
pub(crate) fn run(job: &CustomJob) -> Result<RgbaImage> {
    let (width, height) = job.tile.dimensions();
    let alpha: Option<GrayImage> = job
        .tile
        .pixels()
        .any(|p| p.0[3] != 255)
        .then(|| GrayImage::from_fn(width, height, |x, y| image::Luma([job.tile.get_pixel(x, y).0[3]])));
    let mut rgb = image::DynamicImage::ImageRgba8(job.tile.clone()).to_rgb8();
    for scale in &job.passes {
        rgb = run_pass(job, rgb, *scale)?;
    }
    let (out_w, out_h) = rgb.dimensions();
    let alpha = alpha.map(|a| imageops::resize(&a, out_w, out_h, imageops::FilterType::CatmullRom));
    Ok(RgbaImage::from_fn(out_w, out_h, |x, y| {
        let [r, g, b] = rgb.get_pixel(x, y).0;
        image::Rgba([r, g, b, alpha.as_ref().map_or(255, |a| a.get_pixel(x, y).0[0])])
    }))
}

fn model_error(job: &CustomJob, err: srview_python::BridgeError) -> SrError {
    use srview_python::BridgeError as B;
    let model = job.model.name.clone();
    match err {
        B::OutOfMemory(message) => SrError::OutOfMemory(format!("{model}: {message}")),
        B::BadOutput(reason) | B::ModelRefused(reason) => SrError::BadModelOutput { model, reason },
        B::TimedOut { seconds } => SrError::Timeout(seconds),
        other => other.into(),
    }
}

/// One pass of the model over an image, cut into sub-tiles that fit `sub_tile` (or the model's
/// fixed input size), each with `CUSTOM_PAD` pixels of context.
fn run_pass(job: &CustomJob, image: RgbImage, scale: u32) -> Result<RgbImage> {
    let (width, height) = image.dimensions();
    let description = &job.model.model.description;
    let (limit_w, limit_h) = match description.fixed_size {
        Some((h, w)) => (w, h),
        None => (job.sub_tile, job.sub_tile),
    };
    if description.fixed_size.is_none() && width <= limit_w && height <= limit_h {
        return call(job, image, scale);
    }
    let pad = CUSTOM_PAD.min(limit_w.min(limit_h) / 4);
    let core = (limit_w.min(limit_h)).saturating_sub(2 * pad).max(1);
    let policy = TilePolicy { pad, internal: 0, core, on_internal_grid: false };
    let mut out = RgbImage::new(width * scale, height * scale);
    for tile in tiling::grid(width, height, &policy) {
        let piece =
            imageops::crop_imm(&image, tile.padded_x, tile.padded_y, tile.padded_width, tile.padded_height).to_image();
        let piece = match description.fixed_size {
            Some(_) => extend_edges(&piece, limit_w, limit_h),
            None => piece,
        };
        let upscaled = call(job, piece, scale)?;
        let core = imageops::crop_imm(
            &upscaled,
            (tile.x - tile.padded_x) * scale,
            (tile.y - tile.padded_y) * scale,
            tile.width * scale,
            tile.height * scale,
        );
        imageops::replace(&mut out, &*core, (tile.x * scale) as i64, (tile.y * scale) as i64);
    }
    Ok(out)
}

/// `image` grown to `width`×`height` by repeating its last column and row.
fn extend_edges(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    RgbImage::from_fn(width, height, |x, y| *image.get_pixel(x.min(w - 1), y.min(h - 1)))
}

fn call(job: &CustomJob, image: RgbImage, scale: u32) -> Result<RgbImage> {
    let (width, height) = image.dimensions();
    let (upscaled, _) = job
        .model
        .model
        .upscale(image.into_raw(), width, height, scale, job.limit)
        .map_err(|err| model_error(job, err))?;
    RgbImage::from_raw(upscaled.width, upscaled.height, upscaled.rgb)
        .ok_or_else(|| SrError::Internal("the model's pixels do not fill the image".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_use_the_smallest_enough_scale_or_chain_the_largest() {
        assert_eq!(passes(&[2], 2.0), [2]);
        assert_eq!(passes(&[2], 4.0), [2, 2]);
        assert_eq!(passes(&[2], 3.0), [2, 2]);
        assert_eq!(passes(&[2, 4], 3.0), [4]);
        assert_eq!(passes(&[4], 1.5), [4]);
        assert_eq!(passes(&[1], 2.0), [1], "resized afterwards");
    }
}
