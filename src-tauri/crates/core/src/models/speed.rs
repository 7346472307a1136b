//! How fast each model runs on this device, what that means for a page, and the default
//! model that follows from it.
//!
//! **From a tile to a page.** The engine times one job of `SMALL_SIDE`² and one of
//! `LARGE_SIDE`² pixels per network (after a warm-up job that loads it), keeping the faster of two
//! runs of each. A job's time is taken
//! as `overhead + per_pixel · pixels`, so the two sizes give
//! `per_pixel = (t_large − t_small) / (large² − small²)` and `overhead = t_small − per_pixel · small²`.
//! A typical page (`TYPICAL_PAGE`, about 2 MP) is cut into the jobs the engine would run for it
//! (`tiling::grid`, with each tile's context padding), and its time is the sum over those jobs:
//! `Σ (overhead + per_pixel · padded_width · padded_height)`. A family that runs whole (Real-CUGAN)
//! is one job of the page's size; its cost grows faster than its pixels on the CPU, so the
//! figure is a lower bound there.
//!
//! **Quality order** (`QUALITY_ORDER`), for anime and manga at 2×, best first: Real-CUGAN pro,
//! Real-CUGAN standard (trained on anime at a larger scale than waifu2x, sharper lines in its
//! authors' comparisons), waifu2x CUNet, Real-ESRGAN AnimeVideo v3 (a compact network made for
//! video speed), waifu2x UpConv7 anime. The default is the first of these that keeps up with
//! reading: a page in `keep_up_seconds` (10 s unless the user sets another) or less.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, SrError};
use crate::models::catalogue::ModelInfo;
use crate::models::tiling;

/// A typical page: about 2 MP, the size of a scanned manga page.
pub const TYPICAL_PAGE: (u32, u32) = (1200, 1700);
/// The two tiles timed per network.
pub const SMALL_SIDE: u32 = 64;
pub const LARGE_SIDE: u32 = 128;
/// A page in this many seconds keeps up with reading, unless the user sets another limit.
pub const DEFAULT_KEEP_UP_SECONDS: f64 = 10.0;
/// The default until timings exist: waifu2x UpConv7 anime, 3× faster than CUNet in CPU mode.
pub const FAST_DEFAULT: &str = "WAIFU2X_ANIME_UP2X";
/// Candidates for the default, best first (see the module docs).
pub const QUALITY_ORDER: [&str; 5] = [
    "REALCUGAN_PRO_UP2X",
    "REALCUGAN_SE_UP2X",
    "WAIFU2X_CUNET_UP2X",
    "REALESRGAN_ANIMAVIDEOV3_UP2X",
    "WAIFU2X_ANIME_UP2X",
];

/// One model's measured speed on this device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ModelSpeed {
    pub model: String,
    /// The model whose tiles were timed: denoise and conservative variants share its network.
    pub measured_as: String,
    pub small_ms: f64,
    pub large_ms: f64,
    /// Seconds for a typical page (`TYPICAL_PAGE`) at the model's own scale.
    pub page_seconds: f64,
}

/// The speeds measured on one device, as kept in `model-speeds.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SpeedTable {
    /// The device's name as the engine lists it ("cpu" in CPU mode).
    pub device: String,
    pub sr_vulkan: String,
    /// The models that were to be measured, sorted: another list measures again.
    pub models: Vec<String>,
    pub speeds: Vec<ModelSpeed>,
}

/// `$XDG_DATA_HOME/srview/model-speeds.json`: SRView's own data folder.
pub fn default_speeds_file() -> Option<PathBuf> {
    crate::user_dirs::user_data_dir().map(|dir| dir.join("model-speeds.json"))
}

impl SpeedTable {
    /// The table in `file`, if it is there and readable (blocking).
    pub fn read(file: &Path) -> Option<SpeedTable> {
        let text = std::fs::read(file).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Writes the table whole or not at all (blocking).
    pub fn write(&self, file: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| SrError::Internal(e.to_string()))?;
        crate::store::export::save_file(file, &json, crate::store::export::Overwrite::Replace)
    }

    /// Whether it was measured on this device and sr_vulkan, for these models.
    pub fn fits(&self, device: &str, sr_vulkan: &str, models: &[String]) -> bool {
        let mut wanted = models.to_vec();
        wanted.sort();
        self.device == device && self.sr_vulkan == sr_vulkan && self.models == wanted
    }

    pub fn page_seconds(&self) -> HashMap<&str, f64> {
        self.speeds.iter().map(|s| (s.model.as_str(), s.page_seconds)).collect()
    }
}

/// The model whose network `name` runs: denoise levels and "conservative" are other weights
/// of the same network, so they run at its speed.
pub fn network_of(name: &str) -> String {
    name.split('_')
        .filter(|part| !(part.starts_with("DENOISE") || *part == "CONSERVATIVE" || *part == "TTA"))
        .collect::<Vec<_>>()
        .join("_")
}

/// A job's cost: a fixed part and a part per input pixel, from the two timed tiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobCost {
    pub overhead_ms: f64,
    pub per_pixel_ms: f64,
}

impl JobCost {
    pub fn from_tiles(small_ms: f64, large_ms: f64) -> JobCost {
        let (small, large) = ((SMALL_SIDE * SMALL_SIDE) as f64, (LARGE_SIDE * LARGE_SIDE) as f64);
        let per_pixel_ms = ((large_ms - small_ms) / (large - small)).max(large_ms / large / 4.0);
        JobCost { overhead_ms: (small_ms - per_pixel_ms * small).max(0.0), per_pixel_ms }
    }

    /// Seconds for jobs of these input sizes, one after another.
    pub fn seconds(&self, jobs: &[(u32, u32)]) -> f64 {
        jobs.iter().map(|(w, h)| self.overhead_ms + self.per_pixel_ms * (*w as f64 * *h as f64)).sum::<f64>() / 1000.0
    }
}

/// The input sizes of the jobs the engine runs for a `page` with this model and sr_vulkan
/// tile size: its tiles with their context, or the whole page.
pub fn page_jobs(
    model: &ModelInfo,
    tile_size: u32,
    tile_chosen: bool,
    cpu_mode: bool,
    page: (u32, u32),
) -> Vec<(u32, u32)> {
    match tiling::policy(model, tile_size, tile_chosen, cpu_mode) {
        Some(policy) if tiling::worth_tiling(page.0, page.1, &policy) => {
            tiling::grid(page.0, page.1, &policy).iter().map(|t| (t.padded_width, t.padded_height)).collect()
        }
        _ => vec![page],
    }
}

/// The model to upscale with: the one the user chose, if it can run here; else the best of
/// `QUALITY_ORDER` that is usable and measured at `keep_up_seconds` per page or less; else,
/// when none keeps up, the fastest measured candidate; else (nothing measured yet)
/// `FAST_DEFAULT`; else the first usable model. `usable`: installed and runs on this device.
pub fn choose_model(
    explicit: Option<&str>,
    usable: &[String],
    speeds: &[ModelSpeed],
    keep_up_seconds: f64,
) -> Option<String> {
    let usable_name = |name: &str| usable.iter().any(|u| u == name);
    if let Some(chosen) = explicit.filter(|c| usable_name(c)) {
        return Some(chosen.to_owned());
    }
    let seconds: HashMap<&str, f64> = speeds.iter().map(|s| (s.model.as_str(), s.page_seconds)).collect();
    let measured: Vec<(&str, f64)> =
        QUALITY_ORDER.iter().filter(|m| usable_name(m)).filter_map(|m| Some((*m, *seconds.get(m)?))).collect();
    if let Some((best, _)) = measured.iter().find(|(_, s)| *s <= keep_up_seconds) {
        return Some((*best).to_owned());
    }
    if let Some((fastest, _)) = measured.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
        return Some((*fastest).to_owned());
    }
    if usable_name(FAST_DEFAULT) {
        return Some(FAST_DEFAULT.to_owned());
    }
    usable.first().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::catalogue::Catalogue;

    fn speed(model: &str, page_seconds: f64) -> ModelSpeed {
        ModelSpeed { model: model.into(), measured_as: model.into(), small_ms: 1.0, large_ms: 2.0, page_seconds }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const ALL: [&str; 4] = ["WAIFU2X_ANIME_UP2X", "WAIFU2X_CUNET_UP2X", "REALCUGAN_SE_UP2X", "REALCUGAN_PRO_UP2X"];

    #[test]
    fn before_any_timing_the_default_is_the_fast_model() {
        assert_eq!(choose_model(None, &names(&ALL), &[], 10.0).as_deref(), Some(FAST_DEFAULT));
        let no_fast = names(&["WAIFU2X_CUNET_UP2X", "WAIFU2X_PHOTO_UP2X"]);
        assert_eq!(choose_model(None, &no_fast, &[], 10.0).as_deref(), Some("WAIFU2X_CUNET_UP2X"));
        assert_eq!(choose_model(None, &[], &[], 10.0), None);
    }

    #[test]
    fn on_a_cpu_the_best_model_that_keeps_up_is_a_fast_one() {
        // As measured in CPU mode on 2 cores: CUNet and Real-CUGAN are far above 10 s a page.
        let cpu = [
            speed("WAIFU2X_ANIME_UP2X", 8.5),
            speed("WAIFU2X_CUNET_UP2X", 24.0),
            speed("REALCUGAN_SE_UP2X", 40.0),
            speed("REALCUGAN_PRO_UP2X", 41.0),
        ];
        assert_eq!(choose_model(None, &names(&ALL), &cpu, 10.0).as_deref(), Some("WAIFU2X_ANIME_UP2X"));
        assert_eq!(
            choose_model(None, &names(&ALL), &cpu, 30.0).as_deref(),
            Some("WAIFU2X_CUNET_UP2X"),
            "a higher limit allows CUNet"
        );
    }

    #[test]
    fn on_a_gpu_it_is_real_cugan() {
        let gpu = [
            speed("WAIFU2X_ANIME_UP2X", 0.3),
            speed("WAIFU2X_CUNET_UP2X", 0.8),
            speed("REALCUGAN_SE_UP2X", 1.5),
            speed("REALCUGAN_PRO_UP2X", 1.6),
        ];
        assert_eq!(choose_model(None, &names(&ALL), &gpu, 10.0).as_deref(), Some("REALCUGAN_PRO_UP2X"));
        let without_pro = names(&ALL[..3]);
        assert_eq!(
            choose_model(None, &without_pro, &gpu, 10.0).as_deref(),
            Some("REALCUGAN_SE_UP2X"),
            "a model not usable here is never chosen"
        );
    }

    #[test]
    fn when_nothing_keeps_up_the_fastest_measured_candidate_is_chosen() {
        let slow = [speed("WAIFU2X_ANIME_UP2X", 14.0), speed("WAIFU2X_CUNET_UP2X", 30.0)];
        assert_eq!(choose_model(None, &names(&ALL), &slow, 10.0).as_deref(), Some("WAIFU2X_ANIME_UP2X"));
    }

    #[test]
    fn a_model_the_user_chose_is_kept_if_it_runs_here() {
        let cpu = [speed("WAIFU2X_ANIME_UP2X", 8.5), speed("WAIFU2X_CUNET_UP2X", 24.0)];
        assert_eq!(
            choose_model(Some("WAIFU2X_CUNET_UP2X"), &names(&ALL), &cpu, 10.0).as_deref(),
            Some("WAIFU2X_CUNET_UP2X")
        );
        assert_eq!(
            choose_model(Some("REALESRGAN_X4PLUS_UP4X"), &names(&ALL), &cpu, 10.0).as_deref(),
            Some("WAIFU2X_ANIME_UP2X"),
            "a choice that cannot run here falls back to the rule"
        );
    }

    #[test]
    fn variants_share_their_network() {
        assert_eq!(network_of("WAIFU2X_CUNET_UP2X_DENOISE3X"), "WAIFU2X_CUNET_UP2X");
        assert_eq!(network_of("REALCUGAN_SE_UP4X_CONSERVATIVE"), "REALCUGAN_SE_UP4X");
        assert_eq!(network_of("WAIFU2X_CUNET_UP1X_DENOISE0X"), "WAIFU2X_CUNET_UP1X");
        assert_eq!(network_of("REALSR_DF2K_UP4X"), "REALSR_DF2K_UP4X");
    }

    #[test]
    fn a_page_costs_its_jobs_overhead_plus_its_pixels() {
        // 10 ms fixed and 0.001 ms per pixel: a 64² tile takes 14.1 ms, a 128² one 26.4 ms.
        let cost = JobCost::from_tiles(10.0 + 0.001 * 4096.0, 10.0 + 0.001 * 16384.0);
        assert!((cost.overhead_ms - 10.0).abs() < 1e-9 && (cost.per_pixel_ms - 0.001).abs() < 1e-12, "{cost:?}");
        assert!((cost.seconds(&[(100, 100), (100, 100)]) - 0.04).abs() < 1e-9);

        let catalogue = Catalogue::from_constants(
            &names(&["WAIFU2X_ANIME_UP2X", "REALCUGAN_SE_UP2X"]).into_iter().zip(0..).collect::<Vec<_>>(),
            |_| true,
        );
        let waifu2x = page_jobs(&catalogue.models[0], 100, false, true, TYPICAL_PAGE);
        assert_eq!(waifu2x.len(), 15, "1200×1700 runs as 3 × 5 tiles of about 400");
        let padded: u64 = waifu2x.iter().map(|(w, h)| *w as u64 * *h as u64).sum();
        assert!(padded > 1200 * 1700, "the tiles' context is paid for too");
        assert_eq!(
            page_jobs(&catalogue.models[1], 0, false, true, TYPICAL_PAGE),
            vec![TYPICAL_PAGE],
            "Real-CUGAN runs whole"
        );
    }

    #[test]
    fn a_table_fits_only_its_device_version_and_models() {
        let table =
            SpeedTable { device: "cpu".into(), sr_vulkan: "2.1.0".into(), models: names(&["A", "B"]), speeds: vec![] };
        assert!(table.fits("cpu", "2.1.0", &names(&["B", "A"])));
        assert!(!table.fits("NVIDIA H200", "2.1.0", &names(&["A", "B"])));
        assert!(!table.fits("cpu", "2.2.0", &names(&["A", "B"])));
        assert!(!table.fits("cpu", "2.1.0", &names(&["A", "B", "C"])));
    }
}
