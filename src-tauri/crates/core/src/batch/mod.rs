//! Batches: files, folders (recursively) and books, streamed through the engine in bounded
//! memory. Shared by the CLI and the app's Export panel.
//!
//! Pages are submitted in order, at most `window` at once; each result is written as soon as it
//! is ready (a `.cbz` gets its pages in page order), and events come in page order. Nothing is
//! held for the whole batch, so memory does not grow with its size. Every write is atomic, so a
//! cancelled or killed batch leaves only whole files; rerunning it skips what exists and finds
//! the rest in the cache.
//!
//! `plan` decides every page and output name; `run` streams the pages through the engine and
//! writes them (files, or `.cbz` archives through `cbz`), reporting each one (`report`).

mod cbz;
mod eta;
mod names;
mod plan;
mod report;
mod run;
mod spec;

pub use cbz::{is_srview_export, EXPORT_MARK};
pub use eta::ComputeRate;
pub use plan::{plan, plan_for, plan_with, BatchPlan};
pub use report::{BatchProgress, BatchSummary, CbzStep, Failure, PageDetail, PageOutcome, PageReport};
pub use run::run;
pub use spec::{BatchSpec, Layout, DEFAULT_PATTERN, KEEP_NAMES};
