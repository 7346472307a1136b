//! The engine: the process's one sr_vulkan session (device start, scheduler, worker
//! threads), one computation ("flight") per result shared by the requests wanting it, and
//! the statistics of every request.

mod device;
mod encode;
mod flight;
mod flight_run;
mod flight_units;
mod input_hashes;
mod model_packages;
mod request;
mod scheduler;
mod session;
mod speed_probe;
pub mod stats;
mod tile_store;
mod upscale;
pub mod vulkan_memory;
mod workers;

pub use device::{DeviceChoice, DeviceReport, GpuDevice, StartupStep};
pub use request::{EngineConfig, ModelListing, Phase, Progress, SkipRules, TileReady, UpscaleOutcome, UpscaleRequest};
pub use scheduler::{Priority, SchedulerSnapshot};
pub use speed_probe::Speeds;
pub use stats::StageTimings;
pub use upscale::Engine;
