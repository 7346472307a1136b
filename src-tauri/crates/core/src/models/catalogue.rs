//! The model catalogue, read from the `MODEL_*` constants that sr_vulkan exposes.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Result, SrError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum ModelFamily {
    Waifu2x,
    Realcugan,
    Realesrgan,
    Realsr,
    /// A user's `.onnx` model or `.py` plugin (see `custom`).
    Custom,
}

impl ModelFamily {
    fn from_model_name(name: &str) -> Option<Self> {
        let family = name.split('_').next()?;
        Some(match family {
            "WAIFU2X" => ModelFamily::Waifu2x,
            "REALCUGAN" => ModelFamily::Realcugan,
            "REALESRGAN" => ModelFamily::Realesrgan,
            "REALSR" => ModelFamily::Realsr,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            ModelFamily::Waifu2x => "waifu2x",
            ModelFamily::Realcugan => "realcugan",
            ModelFamily::Realesrgan => "realesrgan",
            ModelFamily::Realsr => "realsr",
            ModelFamily::Custom => "custom",
        }
    }

    /// The Python module that carries this family's weights.
    pub fn python_module(self) -> String {
        format!("sr_vulkan_model_{}", self.label())
    }

    /// The pip package that installs this family's weights.
    pub fn pip_package(self) -> String {
        format!("sr-vulkan-model-{}", self.label())
    }

    pub fn runs_on_cpu(self) -> bool {
        self != ModelFamily::Realesrgan
    }

    /// Whether the tile size changes the output (and so belongs in the cache key). Real-CUGAN
    /// gives the same bytes at any tile size; Real-ESRGAN does not on a GPU (tile 40 against
    /// 32: 41.8 dB on llvmpipe).
    pub fn tile_affects_output(self) -> bool {
        !matches!(self, ModelFamily::Realcugan)
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    /// The constant's name without `MODEL_`, e.g. `WAIFU2X_CUNET_UP2X`.
    pub name: String,
    pub index: i32,
    pub family: ModelFamily,
    /// The model's own factor (1, 2, 3 or 4); other scales chain and resize.
    pub native_scale: u32,
    pub tta: bool,
    /// The TTA twin of this model, or the plain one for a TTA model.
    pub variant_of: Option<String>,
    pub package: String,
    /// The command that adds the package where this engine finds it.
    pub install_hint: String,
    pub installed: bool,
    pub runs_on_cpu: bool,
    /// For a custom model: its file, provider and scales, or why it is unusable.
    pub custom: Option<CustomModelInfo>,
}

/// What the catalogue says about a custom model.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CustomModelInfo {
    /// `onnx` or `plugin`.
    pub kind: String,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub file: PathBuf,
    /// onnxruntime's execution provider, or `python` for a plugin.
    pub provider: Option<String>,
    pub scales: Vec<u32>,
    /// A plugin's own `NAME`.
    pub label: Option<String>,
    /// What the model's input takes: `0-1` floats or `0-255` bytes.
    pub value_range: Option<String>,
    /// Why it cannot be used (with the traceback for a plugin); `None` when it works.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Catalogue {
    pub models: Vec<ModelInfo>,
}

impl Catalogue {
    /// Builds the catalogue from `(name, index)` pairs and a package check.
    pub fn from_constants(constants: &[(String, i32)], installed: impl Fn(ModelFamily) -> bool) -> Self {
        let models = constants
            .iter()
            .filter_map(|(name, index)| {
                let family = ModelFamily::from_model_name(name)?;
                let tta = name.ends_with("_TTA");
                let base = name.trim_end_matches("_TTA");
                let native_scale = base
                    .split('_')
                    .find_map(|part| part.strip_prefix("UP")?.strip_suffix('X')?.parse().ok())
                    .unwrap_or(1);
                let variant_of = if tta { base.to_owned() } else { format!("{name}_TTA") };
                Some(ModelInfo {
                    name: name.clone(),
                    index: *index,
                    family,
                    native_scale,
                    tta,
                    variant_of: constants.iter().any(|(n, _)| *n == variant_of).then_some(variant_of),
                    package: family.pip_package(),
                    install_hint: crate::user_dirs::install_hint(&family.pip_package()),
                    installed: installed(family),
                    runs_on_cpu: family.runs_on_cpu(),
                    custom: None,
                })
            })
            .collect();
        Catalogue { models }
    }

    /// Finds a model by name, with or without `MODEL_`, any case; `tta` selects the `_TTA` twin.
    pub fn resolve(&self, name: &str, tta: bool) -> Result<&ModelInfo> {
        let wanted = name.trim().to_ascii_uppercase();
        let wanted = wanted.strip_prefix("MODEL_").unwrap_or(&wanted);
        let wanted = match (tta, wanted.ends_with("_TTA")) {
            (true, false) => format!("{wanted}_TTA"),
            _ => wanted.to_owned(),
        };
        self.models.iter().find(|m| m.name == wanted).ok_or_else(|| SrError::UnknownModel(name.to_owned()))
    }
}
