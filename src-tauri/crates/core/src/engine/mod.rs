//! The engine: the process's one sr_vulkan session (device start, scheduler, worker
//! threads), one computation ("flight") per result shared by the requests wanting it, and
//! the statistics of every request.

mod device;
mod encode;
mod flight;
mod model_packages;
mod scheduler;
mod session;
pub mod stats;
mod tile_store;
mod upscale;
pub mod vulkan_memory;
mod workers;

pub use device::{DeviceChoice, DeviceReport, GpuDevice, StartupStep};
pub use scheduler::{Priority, SchedulerSnapshot};
pub use stats::StageTimings;
pub use upscale::{Engine, EngineConfig, ModelListing, Phase, Progress, SkipRules, UpscaleOutcome, UpscaleRequest};
