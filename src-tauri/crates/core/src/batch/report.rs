//! What a batch tells about each page, its progress, and the summary at its end.

use std::path::PathBuf;

use serde::Serialize;

use crate::engine::StageTimings;
use crate::error::SrError;

/// What happened to one page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum PageOutcome {
    Computed,
    /// Found in the cache: no compute.
    Cached,
    /// The output exists already; left as it is.
    Skipped,
    /// Not to be upscaled (a rule leaves it as it is, or it is animated): its original bytes
    /// are written where its upscaled page would go, with its own extension.
    Kept {
        reason: String,
        /// The original's extension, which its written copy keeps.
        #[serde(skip)]
        #[cfg_attr(feature = "specta", specta(skip))]
        extension: String,
    },
    Failed {
        error: SrError,
    },
    /// The batch was cancelled before this page ran.
    Cancelled,
}

/// Sizes and times of a page that was upscaled (computed or from the cache).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PageDetail {
    /// The model that upscaled the page (with `--model auto`, the one its rule chose).
    pub model: String,
    /// With the model `auto`: the rule that chose the model.
    pub rule: Option<String>,
    pub width: u32,
    pub height: u32,
    pub tiles: u32,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub cache_path: Option<PathBuf>,
    pub timings: StageTimings,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PageReport {
    /// 0-based, in batch order.
    pub index: u32,
    /// The page's name; lossy when it is not UTF-8.
    pub input: String,
    /// The name's raw bytes as hex, only when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_raw: Option<String>,
    #[serde(serialize_with = "crate::books::naming::serialize_lossy_path_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub output: Option<PathBuf>,
    #[serde(flatten)]
    pub outcome: PageOutcome,
    /// For a page bound for a `.cbz`: where that archive stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cbz: Option<CbzStep>,
    pub bytes: u64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<PageDetail>,
}

/// Where the `.cbz` a page goes into stands once that page is done. The archive is named only
/// when its last page is in, so until then a page's report has no `output`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum CbzStep {
    /// The page is in; the archive is written with its last page.
    Added {
        #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        path: PathBuf,
        added: u32,
        pages: u32,
    },
    /// This was the last page: the archive is written.
    Written {
        #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        path: PathBuf,
    },
    /// A page of the book failed, so its archive is not written.
    NotWritten {
        #[serde(serialize_with = "crate::books::naming::serialize_lossy_path")]
        #[cfg_attr(feature = "specta", specta(type = String))]
        path: PathBuf,
    },
}

/// Where a batch stands, after each page.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub computed: u32,
    pub cached: u32,
    pub skipped: u32,
    /// Pages written as they are (`PageOutcome::Kept`).
    pub kept: u32,
    pub failed: u32,
    pub bytes_written: u64,
    /// The page that finished last.
    pub current: Option<String>,
    /// Computed pages per minute over the last few computed pages; none before two were computed.
    pub pages_per_minute: Option<f64>,
    /// The pages left at that rate; none with it.
    pub seconds_left: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    pub total: u32,
    pub computed: u32,
    pub cached: u32,
    pub skipped: u32,
    /// Pages written as they are (`PageOutcome::Kept`).
    pub kept: u32,
    pub failures: Vec<Failure>,
    #[serde(serialize_with = "serialize_paths")]
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub written: Vec<PathBuf>,
    pub cancelled: bool,
    pub seconds: f64,
    /// The most pages the runner held at once (in flight, or done and waiting to be written).
    pub peak_in_flight: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub input: String,
    pub error: SrError,
}

fn serialize_paths<S: serde::Serializer>(paths: &[PathBuf], serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}
