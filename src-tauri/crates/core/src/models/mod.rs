//! What upscales: sr_vulkan's model catalogue, custom models from the models folder, the
//! options checked against them, their measured speed and the default model, and how a page is cut into tiles for a model.

pub mod catalogue;
pub mod custom;
pub mod options;
pub mod speed;
pub mod tiling;
