//! Upscale options and their validation.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use serde::{Deserialize, Serialize};
use srview_python::{EncodeFormat, OutputSize};

use crate::error::{Result, SrError};
use crate::models::catalogue::{Catalogue, ModelFamily, ModelInfo};

pub const DEFAULT_MODEL: &str = "WAIFU2X_CUNET_UP2X";
pub const MAX_SCALE: f64 = 16.0;
pub const MAX_OUTPUT_SIDE: u32 = 32_768;
pub const MAX_OUTPUT_PIXELS: u64 = 400_000_000;
pub const MIN_TILE: u32 = 32;
pub const MAX_TILE: u32 = 4096;
/// Fastest tile for waifu2x in CPU mode, and about 5× less memory than the library's auto.
pub const WAIFU2X_CPU_TILE: u32 = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    #[default]
    Webp,
    Png,
    #[serde(alias = "jpeg")]
    Jpg,
}

impl OutputFormat {
    /// Every format, in the order the settings list them.
    pub const ALL: [OutputFormat; 3] = [OutputFormat::Webp, OutputFormat::Png, OutputFormat::Jpg];

    pub fn extension(self) -> &'static str {
        self.encode().as_str()
    }

    pub(crate) fn encode(self) -> EncodeFormat {
        match self {
            OutputFormat::Webp => EncodeFormat::Webp,
            OutputFormat::Png => EncodeFormat::Png,
            OutputFormat::Jpg => EncodeFormat::Jpg,
        }
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = SrError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "webp" => Ok(OutputFormat::Webp),
            "png" => Ok(OutputFormat::Png),
            "jpg" | "jpeg" => Ok(OutputFormat::Jpg),
            other => Err(SrError::InvalidOption(format!("format `{other}` is not one of webp, png, jpg"))),
        }
    }
}

/// The output size: a factor, or an exact width and height.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum SizeRequest {
    Scale { factor: f64 },
    Target { width: u32, height: u32 },
}

impl Default for SizeRequest {
    fn default() -> Self {
        SizeRequest::Scale { factor: 2.0 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct UpscaleOptions {
    /// A model name, with or without `MODEL_`.
    pub model: String,
    pub size: SizeRequest,
    /// 0 = auto: the fastest setting for the device and model family.
    pub tile_size: u32,
    /// Selects the model's `_TTA` variant.
    pub tta: bool,
    /// Must match the device the engine runs on (-1 = CPU); `None` = whatever it runs on.
    pub gpu_id: Option<i32>,
    pub format: OutputFormat,
    /// 1..=100, used for WebP output.
    pub webp_quality: u8,
}

impl Default for UpscaleOptions {
    fn default() -> Self {
        UpscaleOptions {
            model: DEFAULT_MODEL.into(),
            size: SizeRequest::default(),
            tile_size: 0,
            tta: false,
            gpu_id: None,
            format: OutputFormat::Webp,
            webp_quality: 90,
        }
    }
}

/// The device the engine runs on, as the options are checked against it.
pub(crate) struct RunningDevice<'a> {
    /// `None` in CPU mode.
    pub active_gpu: Option<i32>,
    pub name: &'a str,
    pub gpu_memory_mb: Option<u64>,
}

impl RunningDevice<'_> {
    fn cpu_mode(&self) -> bool {
        self.active_gpu.is_none()
    }
}

/// Options checked against the catalogue and the running device.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub model: ModelInfo,
    pub size: SizeRequest,
    /// The tile size passed to sr_vulkan (0 = the library's auto).
    pub tile_size: u32,
    /// Whether the user chose the tile size (rather than "auto").
    pub tile_chosen: bool,
    pub format: OutputFormat,
    pub webp_quality: u8,
    /// The loaded model, for a custom one.
    pub custom: Option<std::sync::Arc<crate::models::custom::LoadedModel>>,
}

impl Plan {
    pub fn output_size(&self) -> OutputSize {
        match self.size {
            SizeRequest::Scale { factor } => OutputSize::Scale(factor),
            SizeRequest::Target { width, height } => OutputSize::Exact { width, height },
        }
    }

    /// The size sr_vulkan produces for an input of `width`×`height`: `ceil(scale·w)`.
    pub fn expected_dimensions(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        let (w, h) = match self.size {
            SizeRequest::Scale { factor } => ((width as f64 * factor).ceil(), (height as f64 * factor).ceil()),
            SizeRequest::Target { width, height } => (width as f64, height as f64),
        };
        if w > MAX_OUTPUT_SIDE as f64 || h > MAX_OUTPUT_SIDE as f64 || w * h > MAX_OUTPUT_PIXELS as f64 {
            return Err(SrError::InvalidOption(format!(
                "the output would be {w}×{h}, above the limit of {MAX_OUTPUT_SIDE} per side and {MAX_OUTPUT_PIXELS} pixels"
            )));
        }
        Ok((w as u32, h as u32))
    }

    /// The parts of the cache key that come from the options.
    pub fn key_fields(&self) -> String {
        let size = match self.size {
            SizeRequest::Scale { factor } => format!("scale={factor}"),
            SizeRequest::Target { width, height } => format!("target={width}x{height}"),
        };
        let quality = match self.format {
            OutputFormat::Webp => self.webp_quality.to_string(),
            _ => "-".into(),
        };
        let tile = if self.model.family.tile_affects_output() { self.tile_size.to_string() } else { "-".into() };
        let model = match &self.custom {
            Some(custom) => format!(
                "{}|content={}|provider={}|pad={}",
                self.model.name,
                custom.hash,
                custom.model.description.provider,
                crate::models::custom::CUSTOM_PAD
            ),
            None => self.model.name.clone(),
        };
        format!("model={model}|{size}|format={}|quality={quality}|tile={tile}", self.format.extension())
    }
}

impl UpscaleOptions {
    pub(crate) fn plan(&self, catalogue: &Catalogue, device: &RunningDevice) -> Result<Plan> {
        let model = catalogue.resolve(&self.model, self.tta)?.clone();
        if self.tta && !model.tta {
            return Err(SrError::InvalidOption(format!("{} has no TTA variant", self.model)));
        }
        if device.cpu_mode() && !model.runs_on_cpu {
            return Err(SrError::UnsupportedOnCpu { model: model.name });
        }
        if !model.installed {
            return Err(SrError::ModelPackageMissing { model: model.name, package: model.package });
        }
        self.check(device)?;
        let tile_size = match (self.tile_size, device.gpu_memory_mb) {
            (0, _) if device.cpu_mode() && model.family == ModelFamily::Waifu2x => WAIFU2X_CPU_TILE,
            (0, Some(available)) if !device.cpu_mode() => crate::models::tiling::tile_for_budget(&model, available),
            (tile, _) => tile,
        };
        Ok(Plan {
            model,
            size: self.size,
            tile_size,
            tile_chosen: self.tile_size != 0,
            format: self.format,
            webp_quality: self.webp_quality,
            custom: None,
        })
    }

    /// The plan for a custom model, already resolved from the models folder.
    pub(crate) fn plan_custom(
        &self,
        model: ModelInfo,
        loaded: std::sync::Arc<crate::models::custom::LoadedModel>,
        device: &RunningDevice,
    ) -> Result<Plan> {
        if self.tta {
            return Err(SrError::InvalidOption(format!("{} has no TTA variant", model.name)));
        }
        self.check(device)?;
        Ok(Plan {
            model,
            size: self.size,
            tile_size: if self.tile_size == 0 { crate::models::custom::CUSTOM_AUTO_TILE } else { self.tile_size },
            tile_chosen: self.tile_size != 0,
            format: self.format,
            webp_quality: self.webp_quality,
            custom: Some(loaded),
        })
    }

    /// The checks every model shares: size, tile, quality and device.
    fn check(&self, device: &RunningDevice) -> Result<()> {
        match self.size {
            SizeRequest::Scale { factor } if !factor.is_finite() || factor <= 0.0 || factor > MAX_SCALE => {
                return Err(SrError::InvalidOption(format!(
                    "scale {factor} must be a number above 0 and at most {MAX_SCALE}"
                )));
            }
            SizeRequest::Target { width, height }
                if width == 0 || height == 0 || width > MAX_OUTPUT_SIDE || height > MAX_OUTPUT_SIDE =>
            {
                return Err(SrError::InvalidOption(format!(
                    "target size {width}×{height} must be between 1 and {MAX_OUTPUT_SIDE} per side"
                )));
            }
            _ => {}
        }
        if self.tile_size != 0 && !(MIN_TILE..=MAX_TILE).contains(&self.tile_size) {
            return Err(SrError::InvalidOption(format!(
                "tile size {} must be 0 (auto) or between {MIN_TILE} and {MAX_TILE}",
                self.tile_size
            )));
        }
        if !(1..=100).contains(&self.webp_quality) {
            return Err(SrError::InvalidOption(format!(
                "WebP quality {} must be between 1 and 100",
                self.webp_quality
            )));
        }
        if let Some(gpu_id) = self.gpu_id {
            let running = device.active_gpu.unwrap_or(-1);
            if gpu_id != running {
                let wanted = if gpu_id < 0 { "CPU mode".to_owned() } else { format!("GPU {gpu_id}") };
                return Err(SrError::InvalidOption(format!(
                    "{wanted} was asked for, but the engine runs on {} (GPU choice is a restart setting)",
                    device.name
                )));
            }
        }
        Ok(())
    }
}

/// `2`, `1.5` or `1920x1080`: how a size reads in a file name.
pub fn size_label(size: SizeRequest) -> String {
    match size {
        SizeRequest::Scale { factor } => format!("x{factor}"),
        SizeRequest::Target { width, height } => format!("{width}x{height}"),
    }
}

/// `page.png` upscaled 2× to WebP is exported as `page_x2.webp`; the stem keeps its raw bytes.
pub fn export_file_name(input: &Path, size: SizeRequest, format: OutputFormat) -> OsString {
    let stem = input.file_stem().unwrap_or(OsStr::new("image"));
    let mut name = stem.as_bytes().to_vec();
    name.extend_from_slice(format!("_{}.{}", size_label(size), format.extension()).as_bytes());
    OsString::from_vec(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(name: &str, tile_size: u32) -> Plan {
        let model = Catalogue::from_constants(&[(name.to_owned(), 0)], |_| true).models.remove(0);
        Plan {
            model,
            size: SizeRequest::Scale { factor: 2.0 },
            tile_size,
            tile_chosen: true,
            format: OutputFormat::Webp,
            webp_quality: 90,
            custom: None,
        }
    }

    #[test]
    fn the_cache_key_holds_the_tile_size_for_every_family_whose_output_it_changes() {
        let keys = |name| (plan(name, 32).key_fields(), plan(name, 40).key_fields());
        for name in ["WAIFU2X_CUNET_UP2X", "REALSR_DF2K_UP4X", "REALESRGAN_ANIMAVIDEOV3_UP2X"] {
            let (a, b) = keys(name);
            assert_ne!(a, b, "{name}");
        }
        let (a, b) = keys("REALCUGAN_SE_UP2X");
        assert_eq!(a, b, "Real-CUGAN's output does not depend on the tile size");
    }

    #[test]
    fn export_names_keep_raw_bytes() {
        let shift_jis = OsStr::from_bytes(b"\x83y\x81[\x83W01.png");
        let name = export_file_name(Path::new(shift_jis), SizeRequest::Scale { factor: 2.0 }, OutputFormat::Webp);
        assert_eq!(name.as_bytes(), b"\x83y\x81[\x83W01_x2.webp");
        assert!(crate::books::naming::raw_hex_if_not_utf8(&name).unwrap().starts_with("837981"));
        assert_eq!(crate::books::naming::raw_hex_if_not_utf8(OsStr::new("plain.png")), None);
    }
}
