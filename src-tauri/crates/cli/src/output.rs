//! What `srview` prints, as text or `--json`.
//!
//! sr_vulkan and ncnn write to file descriptors 1 and 2 themselves (device banners, progress).
//! Those are captured into `tracing` at debug level, so stdout and stderr carry only SRView's
//! own output, written here to the real streams.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use srview_core::batch::{BatchProgress, BatchSummary, CbzStep, PageDetail, PageOutcome, PageReport};
use srview_core::engine::stats::EngineStats;
use srview_core::engine::vulkan_memory::DeviceMemory;
use srview_core::{CacheStats, CleanReport, DeviceReport, ModelListing, SrError};

use crate::i18n::{describe_error, kept_reason, pad, pad_left, rule_label};
use crate::{t, Check};

#[derive(Clone)]
pub struct Output {
    stdout: Arc<File>,
    stderr: Arc<File>,
    json: bool,
    logging: Arc<srview_core::logging::Logging>,
}

/// Local date and time of a Unix timestamp, and how long ago it was.
fn readable_time(unix_seconds: u64) -> String {
    let seconds = unix_seconds as libc::time_t;
    // SAFETY: localtime_r fills the zeroed struct from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let converted = unsafe { !libc::localtime_r(&seconds, &mut tm).is_null() };
    let date = if converted {
        format!("{}-{:02}-{:02} {:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min)
    } else {
        t!("unknown-date")
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let ago = now.saturating_sub(unix_seconds);
    let ago = match ago {
        0..=59 => t!("just-now"),
        60..=3599 => t!("minutes-ago", count = ago / 60),
        3600..=86_399 => t!("hours-ago", count = ago / 3600),
        _ => t!("days-ago", count = ago / 86_400),
    };
    format!("{date} ({ago})")
}

impl Output {
    /// Sets up logging (native output captured, `SRVIEW_LOG`, `SRVIEW_TRACE`) and keeps the
    /// real streams for SRView's own messages.
    pub fn new(json: bool) -> Self {
        let logging = Arc::new(srview_core::logging::init("srview", "warn"));
        Output { stdout: logging.stdout.clone(), stderr: logging.stderr.clone(), json, logging }
    }

    /// Completes the trace file, if one is recorded; call before leaving.
    pub fn finish(&self) {
        self.logging.finish();
    }

    fn print(&self, text: &str) {
        let _ = (&*self.stdout).write_all(text.as_bytes());
        let _ = (&*self.stdout).flush();
    }

    /// A line on stderr, for the person at the terminal.
    pub fn message(&self, text: &str) {
        let _ = writeln!(&*self.stderr, "{text}");
    }

    /// A progress bar on the terminal (stderr), hidden for `--json` or when stderr is not one.
    pub fn progress_bar(&self, total: u64) -> ProgressBar {
        if self.json || !self.stderr.is_terminal() {
            return ProgressBar::hidden();
        }
        let stderr = self.stderr.try_clone().expect("duplicate stderr");
        let term = console::Term::read_write_pair(File::open("/dev/null").expect("/dev/null"), stderr);
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::term_like(Box::new(term)));
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{bar:30}} {{pos}}/{{len}} {} {{elapsed_precise}} {{msg}}",
                t!("progress-pages")
            ))
            .expect("valid progress template"),
        );
        bar
    }

    fn emit(&self, value: &impl Serialize, text: impl FnOnce() -> String) {
        if self.json {
            self.print(&format!("{}\n", serde_json::to_string_pretty(value).expect("serialisable output")));
        } else {
            self.print(&text());
        }
    }

    pub fn error(&self, err: &SrError) {
        if self.json {
            self.print(&format!("{}\n", serde_json::json!({ "error": err })));
        } else {
            self.message(&t!("error-line", kind = err.kind(), message = describe_error(err)));
        }
    }

    pub fn gpus(&self, report: &DeviceReport) {
        self.emit(report, || {
            let mut text = String::new();
            for gpu in &report.gpus {
                let kind = if gpu.software { t!("software-vulkan") } else { t!("gpu") };
                let active = if report.active_gpu == Some(gpu.id) { t!("in-use") } else { String::new() };
                let cores = t!("cores", count = gpu.cores);
                text += &format!("{:>3}  {} ({kind}, {cores}){active}\n", gpu.id, gpu.name);
            }
            if report.gpus.is_empty() {
                text += &format!("{}\n", t!("no-vulkan-devices"));
            }
            if report.cpu_mode {
                text +=
                    &format!("{}\n", t!("cpu-mode-threads", threads = report.cpu_threads, cores = report.cpu_cores));
            }
            if let Some(reason) = &report.fallback_reason {
                text += &format!("{}\n", t!("why", reason = reason.as_str()));
            }
            let versions =
                t!("versions", sr_vulkan = report.sr_vulkan_version.as_str(), python = report.python_version.as_str());
            text + &format!("{versions}\n")
        });
    }

    pub fn models(&self, listing: &ModelListing) {
        self.emit(listing, || {
            let (model, family, scale) =
                (t!("models-header-model"), t!("models-header-family"), t!("models-header-scale"));
            let (installed, cpu) = (t!("models-header-installed"), t!("models-header-cpu"));
            let columns = 9.max(crate::i18n::width(&installed));
            let mut text = format!(
                "{} {} {}  {} {cpu}\n",
                pad(&model, 44),
                pad(&family, 10),
                pad_left(&scale, 5),
                pad(&installed, columns)
            );
            for m in &listing.models {
                let usable = match &m.custom {
                    Some(custom) if custom.problem.is_some() => t!("broken"),
                    _ if m.installed => t!("yes"),
                    _ => t!("no"),
                };
                let runs_on = match &m.custom {
                    Some(custom) => custom.provider.clone().unwrap_or_else(|| "-".into()),
                    None => {
                        if m.runs_on_cpu {
                            t!("yes")
                        } else {
                            t!("no")
                        }
                    }
                };
                let scale = match &m.custom {
                    Some(custom) if custom.scales.is_empty() => "-".to_owned(),
                    Some(custom) => custom.scales.iter().map(|s| format!("{s}x")).collect::<Vec<_>>().join(","),
                    None => format!("{}x", m.native_scale),
                };
                text += &format!(
                    "{:<44} {:<10} {:>5}  {} {}\n",
                    m.name,
                    m.family.label(),
                    scale,
                    pad(&usable, columns),
                    runs_on
                );
                if let Some(problem) = m.custom.as_ref().and_then(|c| c.problem.as_ref()) {
                    text += &format!("    {}\n", problem.replace('\n', "\n    "));
                }
            }
            match (&listing.models_dir, &listing.models_dir_problem) {
                (_, Some(problem)) => text += &format!("{}\n", t!("custom-models", what = describe_error(problem))),
                (Some(dir), None) => text += &format!("{}\n", t!("custom-models", what = dir.display().to_string())),
                (None, None) => {}
            }
            text
        });
    }

    pub fn cache_stats(&self, stats: &CacheStats) {
        self.emit(stats, || {
            let when = |t: Option<u64>| t.map(readable_time).unwrap_or_else(|| "-".into());
            let text = t!(
                "cache-stats",
                entries = stats.entries,
                mib = format!("{:.1}", stats.bytes as f64 / 1_048_576.0),
                root = stats.root.as_str(),
                oldest = when(stats.oldest),
                newest = when(stats.newest),
            );
            format!("{text}\n")
        });
    }

    pub fn clean_report(&self, report: &CleanReport) {
        self.emit(report, || {
            format!("{}\n", t!("cache-removed", entries = report.removed, bytes = report.bytes_freed))
        });
    }

    pub fn doctor(&self, checks: &[Check]) {
        self.emit(&serde_json::json!({ "checks": checks }), || {
            checks
                .iter()
                .map(|c| {
                    let fix = c
                        .fix
                        .as_ref()
                        .map(|f| format!("\n      {}", t!("doctor-fix", fix = f.as_str())))
                        .unwrap_or_default();
                    format!("[{}] {}: {}{fix}\n", if c.ok { "ok" } else { "!!" }, c.name, c.detail)
                })
                .collect()
        });
    }

    /// One page of a batch: a JSON line, or a line of text.
    pub fn page(&self, page: &PageReport) {
        if self.json {
            self.print(&format!("{}\n", serde_json::to_string(page).expect("serialisable page")));
            return;
        }
        let output = match (&page.output, &page.cbz) {
            (_, Some(CbzStep::Added { path, added, pages })) => {
                t!("page-in-book", path = path.display().to_string(), added = *added, pages = *pages)
            }
            (_, Some(CbzStep::Written { path })) => t!("page-written", path = path.display().to_string()),
            (Some(path), _) => path.display().to_string(),
            (None, _) => t!("the-cache"),
        };
        let input = page.input.as_str();
        let mut line = match &page.outcome {
            PageOutcome::Computed => t!("page-computed", input = input, output = output),
            PageOutcome::Cached => t!("page-cached", input = input, output = output),
            PageOutcome::Skipped => t!("page-skipped", input = input, output = output),
            PageOutcome::Kept { reason, .. } => {
                let reason = kept_reason(reason);
                t!("page-kept", input = input, output = output, reason = reason)
            }
            PageOutcome::Failed { error } => {
                t!("page-failed", input = input, kind = error.kind(), error = describe_error(error))
            }
            PageOutcome::Cancelled => t!("page-cancelled", input = input),
        };
        if let Some(PageDetail { model, rule: Some(rule), .. }) = &page.detail {
            line = t!("page-rule", line = line, model = model.as_str(), rule = rule_label(rule));
        }
        if let Some(CbzStep::NotWritten { path }) = &page.cbz {
            let path = path.display().to_string();
            line = match &page.outcome {
                PageOutcome::Failed { .. } => t!("page-book-not-written", line = line, path = path),
                _ => t!("page-not-exported", input = input, path = path),
            };
        }
        self.print(&format!("{line}\n"));
    }

    /// The end of a batch: what was done, and every page that failed and why.
    pub fn summary(&self, summary: &BatchSummary, stats: Option<&EngineStats>, memory: Option<&[DeviceMemory]>) {
        if self.json {
            let line = match stats {
                Some(stats) => serde_json::json!({ "summary": summary, "stats": stats, "deviceMemory": memory }),
                None => serde_json::json!({ "summary": summary }),
            };
            self.print(&format!("{line}\n"));
            return;
        }
        // A damaged book's readable pages went through: it is counted as a book, not a failed page.
        let (damaged, failed): (Vec<_>, Vec<_>) =
            summary.failures.iter().partition(|f| matches!(f.error, SrError::DamagedBook { .. }));
        let damaged_books = t!("damaged-books", count = damaged.len());
        let seconds = format!("{:.1}", summary.seconds);
        let line = if summary.total == 0 {
            t!("summary-no-pages", failed = failed.len(), damaged = damaged_books, seconds = seconds)
        } else {
            t!(
                "summary",
                total = summary.total,
                computed = summary.computed,
                cached = summary.cached,
                skipped = summary.skipped,
                kept = t!("kept-pages", count = summary.kept),
                failed = failed.len(),
                damaged = damaged_books,
                seconds = seconds,
            )
        };
        let mut text = format!("{line}\n");
        if summary.total > 0 && summary.computed == 0 && summary.failures.is_empty() && !summary.cancelled {
            text += &format!("{}\n", t!("nothing-needed"));
        }
        for failure in failed {
            let error = describe_error(&failure.error);
            text += &format!(
                "  {}\n",
                t!("summary-failed", input = failure.input.as_str(), kind = failure.error.kind(), error = error)
            );
        }
        for book in damaged {
            text += &format!("  {}\n", t!("summary-damaged", error = describe_error(&book.error)));
        }
        if summary.cancelled {
            text += &format!("{}\n", t!("summary-interrupted"));
        }
        self.print(&text);
    }
}

impl Output {
    /// The figures after a batch: in the summary line with `--json`, else as `stats` prints them.
    pub fn batch_stats(&self, report: &DeviceReport, stats: &EngineStats, memory: Option<&[DeviceMemory]>) {
        self.stats(report, stats, if self.json { None } else { memory });
    }

    /// `srview compare`: the PSNR, or that the images are identical.
    pub fn comparison(&self, comparison: &crate::compare::Comparison) {
        self.emit(comparison, || match (comparison.psnr_db, comparison.worst_block_db, comparison.worst_block_at) {
            (Some(db), Some(worst), Some((x, y))) => {
                let (width, height, block) = (comparison.width, comparison.height, crate::compare::BLOCK);
                let (db, worst) = (format!("{db:.2}"), format!("{worst:.2}"));
                format!(
                    "{}\n",
                    t!("psnr", db = db, width = width, height = height, block = block, worst = worst, x = x, y = y)
                )
            }
            _ => format!("{}\n", t!("identical", width = comparison.width, height = comparison.height)),
        });
    }

    /// The engine's figures as a table (text only; `--json` has them in the summary line, or
    /// for `srview stats` as one object).
    pub fn stats(&self, report: &DeviceReport, stats: &EngineStats, memory: Option<&[DeviceMemory]>) {
        if self.json {
            if memory.is_some() || stats.all.requests == 0 {
                let value = serde_json::json!({ "stats": stats, "startup": report.startup, "deviceMemory": memory });
                self.print(&format!("{value}\n"));
            }
            return;
        }
        let mib = |b: u64| b as f64 / 1_048_576.0;
        let started: f64 = report.startup.iter().map(|s| s.ms).sum();
        let mib = |b: u64| format!("{:.0}", mib(b));
        let steps = report.startup.iter().map(|s| format!("{} {:.0} ms", s.step, s.ms)).collect::<Vec<_>>().join(", ");
        let engine = t!(
            "stats-engine",
            version = report.sr_vulkan_version.as_str(),
            device = report.device_name.as_str(),
            ms = format!("{started:.0}"),
            steps = steps,
            mib = mib(stats.memory.engine_added_bytes),
        );
        let memory_line =
            t!("stats-memory", now = mib(stats.memory.resident_bytes), peak = mib(stats.memory.peak_resident_bytes));
        let mut text = format!("{engine}\n{memory_line}\n");
        for device in memory.unwrap_or_default() {
            for heap in device.heaps.iter().filter(|h| h.device_local) {
                let budget = heap.budget_bytes.map(|b| t!("stats-budget", mib = mib(b))).unwrap_or_default();
                let used = heap.usage_bytes.map(|b| t!("stats-used", mib = mib(b))).unwrap_or_default();
                let line = t!(
                    "stats-device",
                    name = device.name.as_str(),
                    mib = mib(heap.size_bytes),
                    budget = budget,
                    used = used
                );
                text += &format!("{line}\n");
            }
        }
        let all = &stats.all;
        let requests = t!(
            "stats-requests",
            requests = all.requests,
            hits = all.cache_hits,
            rate = format!("{:.0}", stats.cache_hit_rate * 100.0),
            pages = format!("{:.1}", stats.pages_per_minute),
        );
        text += &format!("{requests}\n");
        if all.requests > 0 {
            let (stage, count, median, p95) =
                (t!("stats-stage"), t!("stats-count"), t!("stats-median"), t!("stats-p95"));
            text += &format!(
                "{} {} {} {}\n",
                pad(&stage, 14),
                pad_left(&count, 6),
                pad_left(&median, 11),
                pad_left(&p95, 11)
            );
            for (name, f) in [
                (t!("stage-cache-lookup"), &all.cache_lookup),
                (t!("stage-check"), &all.check),
                (t!("stage-queue-wait"), &all.queue_wait),
                (t!("stage-compute"), &all.compute),
                (t!("stage-write"), &all.write),
                (t!("stage-total"), &all.total),
            ] {
                text += &format!("{} {:>6} {:>8.1} ms {:>8.1} ms\n", pad(&name, 14), f.count, f.median_ms, f.p95_ms);
            }
            for (model, table) in &stats.by_model {
                let (median, p95) = (format!("{:.0}", table.compute.median_ms), format!("{:.0}", table.compute.p95_ms));
                text += &format!(
                    "{}\n",
                    t!("stats-model", model = model.as_str(), requests = table.requests, median = median, p95 = p95)
                );
            }
        }
        self.print(&text);
    }
}

/// "12.3 pages/min, about 40 s left" for the progress bar.
pub fn describe_rate(progress: &BatchProgress) -> String {
    match (progress.pages_per_minute, progress.seconds_left) {
        (Some(rate), Some(left)) => t!("rate", rate = format!("{rate:.1}"), left = format!("{left:.0}")),
        _ => String::new(),
    }
}
