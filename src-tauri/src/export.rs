//! Exporting the open folder or book, or the books of the open folder: a batch in the
//! background, one at a time, reported over a `Channel` and cancellable.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use srview_core::batch::{self, BatchProgress, BatchSpec, BatchSummary, Layout, PageReport};
use srview_core::books::book::has_book_extension;
use srview_core::sync::lock;
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
        let scale = srview_core::models::options::size_label(options.size);
        return folder.join(format!("{stem}_{scale}.cbz"));
    }
    folder.join(format!("{stem} (upscaled)"))
}

/// The managed state of exports: the one in progress, if any.
#[derive(Default)]
pub struct Exports {
    running: Mutex<Option<CancellationToken>>,
}

/// Marks an export as running until it is dropped: when the export ends, fails, panics or
/// its command is dropped, the next export may start.
struct Running<'a> {
    exports: &'a Exports,
    token: CancellationToken,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *lock(&self.exports.running) = None;
    }
}

impl Exports {
    fn begin(&self) -> AppResult<Running<'_>> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return Err(AppError::InvalidArgument("an export is already running; cancel it or wait for it".into()));
        }
        let token = CancellationToken::new();
        *running = Some(token.clone());
        Ok(Running { exports: self, token })
    }

    /// Cancels the running export: queued pages are dropped; the page that is running
    /// finishes into the cache. Returns whether one was running.
    pub fn cancel(&self) -> bool {
        match lock(&self.running).as_ref() {
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
        let running = self.begin()?;
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
        let plan = batch::plan_with(shelf, &spec).await?;
        Ok(batch::run(&engine, plan, &spec, running.token.clone(), report).await)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use srview_core::{DeviceChoice, EngineConfig, SizeRequest};

    use super::*;

    fn shelf() -> Bookshelf {
        Bookshelf::new(srview_core::Limits::default())
    }

    fn page_folder(dir: &Path) -> PathBuf {
        let pages = dir.join("pages");
        std::fs::create_dir(&pages).unwrap();
        image::RgbImage::from_fn(12, 10, |x, y| image::Rgb([(x * 20) as u8, (y * 20) as u8, 90]))
            .save(pages.join("p1.png"))
            .unwrap();
        pages
    }

    /// Real sr_vulkan in CPU mode; the panic is injected where a caller's code runs: the report.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_during_an_export_does_not_block_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let pages = page_folder(dir.path());
        let config = EngineConfig {
            device: DeviceChoice::Cpu,
            cache_root: Some(dir.path().join("cache")),
            ..EngineConfig::default()
        };
        let engine = tokio::task::spawn_blocking(move || Engine::start(config)).await.unwrap().unwrap();
        let request = ExportRequest {
            source: pages.display().to_string(),
            destination: None,
            layout: ExportLayout::Folder,
            pattern: "{name}_x{scale}.{ext}".into(),
            options: UpscaleOptions {
                model: "WAIFU2X_ANIME_UP2X".into(),
                size: SizeRequest::Scale { factor: 2.0 },
                ..UpscaleOptions::default()
            },
        };
        let exports = Arc::new(Exports::default());

        let panicking = {
            let (exports, engine, pages, request) = (exports.clone(), engine.clone(), pages.clone(), request.clone());
            let out = dir.path().join("first");
            tokio::spawn(async move {
                exports.run(engine, shelf(), pages, out, &request, |_, _| panic!("a bug while reporting")).await
            })
        };
        assert!(panicking.await.unwrap_err().is_panic());

        let out = dir.path().join("second");
        let summary = exports.run(engine, shelf(), pages, out.clone(), &request, |_, _| {}).await.unwrap();
        assert_eq!((summary.total, summary.failures.len()), (1, 0), "{summary:?}");
        let written = image::open(out.join("p1_x2.webp")).unwrap();
        assert_eq!((written.width(), written.height()), (24, 20));
        assert!(!exports.cancel(), "no export is left marked as running");
    }
}
