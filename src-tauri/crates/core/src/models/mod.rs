//! What upscales: sr_vulkan's model catalogue, custom models from the models folder, the
//! options checked against them, the rules that choose a model by what the page is, their measured speed and the default model, and how a page is cut into tiles for a model.

pub mod catalogue;
pub mod custom;
pub mod options;
pub mod rules;
pub mod speed;
pub mod tiling;
