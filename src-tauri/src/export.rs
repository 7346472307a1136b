//! Exporting the open folder or book, or the books of the open folder: a batch in the
//! background, one at a time, reported over a `Channel` and cancellable.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use srview_core::batch::{self, BatchProgress, BatchSpec, BatchSummary, Layout, PageReport};
use srview_core::book::has_book_extension;
use srview_core::{Bookshelf, CancellationToken, Engine, Overwrite, UpscaleOptions};

use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ExportLayout {
    /// Image files, mirroring the source.
    Folder,
    /// One .cbz per book.
    Cbz,
}

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// The folder or book that is open.
    pub source: String,
    /// A folder chosen with `choose_export_folder`; none: beside the source.
    pub destination: Option<String>,
    pub layout: ExportLayout,
    /// `{name}`, `{scale}`, `{model}`, `{ext}`.
    pub pattern: String,
    pub options: UpscaleOptions,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportEvent {
    pub page: PageReport,
    pub progress: BatchProgress,
}

/// Where an export goes when no folder was chosen: beside the source, in a new folder
/// (`Photos (upscaled)`), or for one book written as a .cbz, a new file beside it.
pub fn default_destination(source: &Path, layout: ExportLayout, options: &UpscaleOptions) -> PathBuf {
    let stem =
        source.file_stem().or_else(|| source.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let folder = source.parent().unwrap_or(Path::new("."));
    if layout == ExportLayout::Cbz && has_book_extension(source) {
        let scale = srview_core::naming::size_label(options.size);
        return folder.join(format!("{stem}_{scale}.cbz"));
    }
    folder.join(format!("{stem} (upscaled)"))
}

/// The export in progress, if any.
#[derive(Default)]
pub struct Exports {
    running: Mutex<Option<CancellationToken>>,
}

impl Exports {
    fn begin(&self) -> AppResult<CancellationToken> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.is_some() {
            return Err(AppError::InvalidArgument("an export is already running; cancel it or wait for it".into()));
        }
        let token = CancellationToken::new();
        *running = Some(token.clone());
        Ok(token)
    }

    fn end(&self) {
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Cancels the running export: queued pages are dropped; the page that is running
    /// finishes into the cache. Returns whether one was running.
    pub fn cancel(&self) -> bool {
        match self.running.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Plans and runs an export, opening books through `shelf`; `report` hears about each page in order.
    pub async fn run(
        &self,
        engine: Engine,
        shelf: Bookshelf,
        source: PathBuf,
        destination: PathBuf,
        request: &ExportRequest,
        report: impl FnMut(&PageReport, &BatchProgress),
    ) -> AppResult<BatchSummary> {
        let token = self.begin()?;
        let pattern = request.pattern.clone();
        let spec = BatchSpec {
            inputs: vec![source],
            output: Some(destination),
            layout: match request.layout {
                ExportLayout::Folder => Layout::Files { pattern },
                ExportLayout::Cbz => Layout::Cbz { pattern },
            },
            options: request.options.clone(),
            overwrite: Overwrite::Never,
            window: 0,
        };
        let plan = match batch::plan_with(shelf, &spec).await {
            Ok(plan) => plan,
            Err(err) => {
                self.end();
                return Err(err.into());
            }
        };
        let summary = batch::run(&engine, plan, &spec, token, report).await;
        self.end();
        Ok(summary)
    }
}
