//! SRView's core: the upscale engine over sr_vulkan, the result cache and the model
//! catalogue. No Tauri here; the CLI and the desktop app are thin layers over it.
//!
//! Subsystems, each a folder, from the bottom up (a folder imports only those below it;
//! `tests/layers.rs` checks this):
//! - `store`: the result cache and safe saves;
//! - `books`: pages from files, folders and books, their checks and names;
//! - `models`: the catalogue, custom models, options and tile geometry;
//! - `engine`: the sr_vulkan session, its scheduler and workers, flights and statistics;
//! - `batch`: batches for the CLI and the Export panel.
//!
//! Underneath them all: `error`, `limits`, `sync`, `user_dirs`, `venv`, `logging`, `testing`.

pub mod batch;
pub mod books;
pub mod engine;
pub mod error;
pub mod limits;
pub mod logging;
pub mod models;
pub mod store;
pub mod sync;
#[doc(hidden)]
pub mod testing;
pub mod user_dirs;
pub mod venv;

pub use books::book::Book;
pub use books::bookshelf::Bookshelf;
pub use books::source::{ImageSource, PageReader};
pub use engine::{
    DeviceChoice, DeviceReport, Engine, EngineConfig, GpuDevice, ModelListing, Phase, Priority, Progress,
    SchedulerSnapshot, SkipRules, StageTimings, StartupStep, TileReady, UpscaleOutcome, UpscaleRequest,
};
pub use error::SrError;
pub use limits::Limits;
pub use models::catalogue::{Catalogue, ModelFamily, ModelInfo};
pub use models::custom::{CustomModelInfo, CUSTOM_PREFIX};
pub use models::options::{OutputFormat, SizeRequest, UpscaleOptions};
pub use srview_python::{capture_native_output, own_stdio, python_call_count, Captured, OwnStdio};
pub use store::cache::{CacheStats, CleanPolicy, CleanReport, ResultCache};
pub use store::export::Overwrite;
pub use tokio_util::sync::CancellationToken;
pub use {batch::DEFAULT_PATTERN, books::book::BOOK_EXTENSIONS, books::naming::IMAGE_EXTENSIONS}; // shared with the frontend
