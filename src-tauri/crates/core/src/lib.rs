//! SRView's core: the upscale engine over sr_vulkan, the result cache and the model
//! catalogue. No Tauri here; the CLI and the desktop app are thin layers over it.

pub mod archive;
pub mod batch;
pub mod book;
pub mod bookshelf;
pub mod cache;
pub mod catalogue;
pub mod custom;
mod encode;
pub mod engine;
pub mod error;
pub mod export;
mod flight;
pub mod input;
pub mod limits;
pub mod logging;
pub mod naming;
pub mod options;
mod session;
pub mod source;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod thumbnail;
mod tile_store;
pub mod tiling;
pub mod venv;
pub mod vulkan_memory;

pub use book::Book;
pub use {batch::DEFAULT_PATTERN, book::BOOK_EXTENSIONS, naming::IMAGE_EXTENSIONS}; // shared with the frontend
pub use bookshelf::Bookshelf;
pub use cache::{CacheStats, CleanPolicy, CleanReport, ResultCache};
pub use catalogue::{Catalogue, ModelFamily, ModelInfo};
pub use custom::{CustomModelInfo, CUSTOM_PREFIX};
pub use engine::{
    Engine, EngineConfig, ModelListing, Phase, Progress, SkipRules, StageTimings, UpscaleOutcome, UpscaleRequest,
};
pub use error::SrError;
pub use export::Overwrite;
pub use limits::Limits;
pub use options::{OutputFormat, SizeRequest, UpscaleOptions};
pub use session::{DeviceChoice, DeviceReport, GpuDevice, Priority, SchedulerSnapshot, StartupStep};
pub use source::{ImageSource, PageReader};
pub use srview_python::{capture_native_output, own_stdio, python_call_count, Captured, OwnStdio};
pub use tokio_util::sync::CancellationToken;
