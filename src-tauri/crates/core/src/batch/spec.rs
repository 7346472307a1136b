//! What a batch is asked to do.

use std::path::PathBuf;

use crate::models::options::UpscaleOptions;
use crate::store::export::Overwrite;

/// How the results are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Image files mirroring the source tree, named by a pattern: `{name}` (the page's name
    /// without extension), `{scale}`, `{model}` and `{ext}` (the output format's extension).
    Files { pattern: String },
    /// One `.cbz` per book, with the same page names and order; loose images as files.
    Cbz { pattern: String },
}

pub const DEFAULT_PATTERN: &str = "{name}_x{scale}.{ext}";
/// The pattern that keeps the original names (with the new extension), in a new folder.
pub const KEEP_NAMES: &str = "{name}.{ext}";

/// What to upscale and where the results go.
#[derive(Debug, Clone)]
pub struct BatchSpec {
    pub inputs: Vec<PathBuf>,
    /// A folder, or (for one input) the output file itself; `None` keeps results in the cache only.
    pub output: Option<PathBuf>,
    pub layout: Layout,
    pub options: UpscaleOptions,
    pub overwrite: Overwrite,
    /// Pages in flight at most; 0 means twice the engine's pipeline depth.
    pub window: usize,
}
