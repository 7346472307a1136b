//! SRView's core: the upscale engine over sr_vulkan, the result cache and the model
//! catalogue. No Tauri here; the CLI and the desktop app are thin layers over it.

pub mod cache;
pub mod catalogue;
pub mod engine;
pub mod error;
pub mod input;
pub mod options;
mod session;
pub mod venv;

pub use cache::{CacheStats, CleanPolicy, CleanReport, ResultCache};
pub use catalogue::{Catalogue, ModelFamily, ModelInfo};
pub use engine::{export_file_name, Engine, EngineConfig, Phase, StageTimings, UpscaleOutcome, UpscaleRequest};
pub use error::SrError;
pub use options::{OutputFormat, SizeRequest, UpscaleOptions};
pub use session::{DeviceChoice, DeviceReport, GpuDevice, Priority};
pub use srview_python::python_call_count;
pub use tokio_util::sync::CancellationToken;
