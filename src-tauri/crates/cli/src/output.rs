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

use crate::Check;

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
        "unknown date".into()
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let ago = now.saturating_sub(unix_seconds);
    let ago = match ago {
        0..=59 => "just now".to_owned(),
        60..=3599 => format!("{} min ago", ago / 60),
        3600..=86_399 => format!("{} h ago", ago / 3600),
        _ => format!("{} days ago", ago / 86_400),
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
            ProgressStyle::with_template("{bar:30} {pos}/{len} pages {elapsed_precise} {msg}")
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
            self.message(&format!("srview: error [{}]: {err}", err.kind()));
        }
    }

    pub fn gpus(&self, report: &DeviceReport) {
        self.emit(report, || {
            let mut text = String::new();
            for gpu in &report.gpus {
                let kind = if gpu.software { "software Vulkan" } else { "GPU" };
                let active = if report.active_gpu == Some(gpu.id) { "  <- in use" } else { "" };
                let cores = if gpu.cores == 1 { "1 core".to_owned() } else { format!("{} cores", gpu.cores) };
                text += &format!("{:>3}  {} ({kind}, {cores}){active}\n", gpu.id, gpu.name);
            }
            if report.gpus.is_empty() {
                text += "no Vulkan devices\n";
            }
            if report.cpu_mode {
                text += &format!("CPU mode, {} threads on {} cores\n", report.cpu_threads, report.cpu_cores);
            }
            if let Some(reason) = &report.fallback_reason {
                text += &format!("why: {reason}\n");
            }
            text + &format!("sr_vulkan {}, Python {}\n", report.sr_vulkan_version, report.python_version)
        });
    }

    pub fn models(&self, listing: &ModelListing) {
        self.emit(listing, || {
            let mut text = format!("{:<44} {:<10} {:>5}  {:<9} {}\n", "MODEL", "FAMILY", "SCALE", "INSTALLED", "CPU");
            for m in &listing.models {
                let usable = match &m.custom {
                    Some(custom) if custom.problem.is_some() => "broken",
                    _ if m.installed => "yes",
                    _ => "no",
                };
                let runs_on = match &m.custom {
                    Some(custom) => custom.provider.clone().unwrap_or_else(|| "-".into()),
                    None => (if m.runs_on_cpu { "yes" } else { "no" }).into(),
                };
                let scale = match &m.custom {
                    Some(custom) if custom.scales.is_empty() => "-".to_owned(),
                    Some(custom) => custom.scales.iter().map(|s| format!("{s}x")).collect::<Vec<_>>().join(","),
                    None => format!("{}x", m.native_scale),
                };
                text += &format!("{:<44} {:<10} {:>5}  {:<9} {}\n", m.name, m.family.label(), scale, usable, runs_on);
                if let Some(problem) = m.custom.as_ref().and_then(|c| c.problem.as_ref()) {
                    text += &format!("    {}\n", problem.replace('\n', "\n    "));
                }
            }
            match (&listing.models_dir, &listing.models_dir_problem) {
                (_, Some(problem)) => text += &format!("custom models: {problem}\n"),
                (Some(dir), None) => text += &format!("custom models: {}\n", dir.display()),
                (None, None) => {}
            }
            text
        });
    }

    pub fn cache_stats(&self, stats: &CacheStats) {
        self.emit(stats, || {
            let when = |t: Option<u64>| t.map(readable_time).unwrap_or_else(|| "-".into());
            format!(
                "{} entries, {:.1} MiB in {}\noldest use: {}\nnewest use: {}\n",
                stats.entries,
                stats.bytes as f64 / 1_048_576.0,
                stats.root,
                when(stats.oldest),
                when(stats.newest),
            )
        });
    }

    pub fn clean_report(&self, report: &CleanReport) {
        self.emit(report, || format!("removed {} entries, {} bytes\n", report.removed, report.bytes_freed));
    }

    pub fn doctor(&self, checks: &[Check]) {
        self.emit(&serde_json::json!({ "checks": checks }), || {
            checks
                .iter()
                .map(|c| {
                    let fix = c.fix.as_ref().map(|f| format!("\n      fix: {f}")).unwrap_or_default();
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
                format!("{} (page {added} of {pages}; written with the last)", path.display())
            }
            (_, Some(CbzStep::Written { path })) => format!("{} (written)", path.display()),
            (Some(path), _) => path.display().to_string(),
            (None, _) => "the cache".to_owned(),
        };
        let mut line = match &page.outcome {
            PageOutcome::Computed => format!("{} -> {output}", page.input),
            PageOutcome::Cached => format!("{} -> {output} (cache)", page.input),
            PageOutcome::Skipped => format!("{} skipped: {output} exists (--overwrite replaces it)", page.input),
            PageOutcome::Failed { error } => format!("{} FAILED [{}]: {error}", page.input, error.kind()),
            PageOutcome::Cancelled => format!("{} cancelled", page.input),
        };
        if let Some(PageDetail { model, rule: Some(rule), .. }) = &page.detail {
            line = format!("{line} [{model}, rule “{rule}”]");
        }
        if let Some(CbzStep::NotWritten { path }) = &page.cbz {
            line = match &page.outcome {
                PageOutcome::Failed { .. } => format!("{line}; {} is not written", path.display()),
                _ => format!("{}: not exported, {} is not written (a page of it failed)", page.input, path.display()),
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
        let damaged_books = match damaged.len() {
            0 => String::new(),
            1 => ", 1 damaged book".to_owned(),
            count => format!(", {count} damaged books"),
        };
        let mut text = format!(
            "{} pages: {} computed, {} from the cache, {} skipped (already there), {} failed{damaged_books}, in {:.1} s\n",
            summary.total,
            summary.computed,
            summary.cached,
            summary.skipped,
            failed.len(),
            summary.seconds
        );
        if summary.total > 0 && summary.computed == 0 && summary.failures.is_empty() && !summary.cancelled {
            text += "nothing needed computing\n";
        }
        for failure in failed {
            text += &format!("  failed: {} [{}]: {}\n", failure.input, failure.error.kind(), failure.error);
        }
        for book in damaged {
            text += &format!("  damaged: {}\n", book.error);
        }
        if summary.cancelled {
            text += "interrupted; run the same command again to resume\n";
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
            (Some(db), Some(worst), Some((x, y))) => format!(
                "PSNR {db:.2} dB over {}×{}; worst {}×{} block {worst:.2} dB at {x},{y}\n",
                comparison.width,
                comparison.height,
                crate::compare::BLOCK,
                crate::compare::BLOCK
            ),
            _ => format!("identical ({}×{})\n", comparison.width, comparison.height),
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
        let mut text = format!(
            "engine: sr_vulkan {} on {}, started in {started:.0} ms ({}), which added {:.0} MiB of resident memory\n",
            report.sr_vulkan_version,
            report.device_name,
            report.startup.iter().map(|s| format!("{} {:.0} ms", s.step, s.ms)).collect::<Vec<_>>().join(", "),
            mib(stats.memory.engine_added_bytes)
        );
        text += &format!(
            "memory: {:.0} MiB resident now, {:.0} MiB at the peak\n",
            mib(stats.memory.resident_bytes),
            mib(stats.memory.peak_resident_bytes)
        );
        for device in memory.unwrap_or_default() {
            for heap in device.heaps.iter().filter(|h| h.device_local) {
                let budget = heap.budget_bytes.map(|b| format!(", budget {:.0} MiB", mib(b))).unwrap_or_default();
                let used = heap.usage_bytes.map(|b| format!(", {:.0} MiB used", mib(b))).unwrap_or_default();
                text += &format!("device: {} heap {:.0} MiB{budget}{used}\n", device.name, mib(heap.size_bytes));
            }
        }
        let all = &stats.all;
        text += &format!(
            "requests: {} ({} from the cache, {:.0} %), {:.1} pages per minute\n",
            all.requests,
            all.cache_hits,
            stats.cache_hit_rate * 100.0,
            stats.pages_per_minute
        );
        if all.requests > 0 {
            text += &format!("{:<14} {:>6} {:>11} {:>11}\n", "stage", "count", "median", "p95");
            for (name, f) in [
                ("cache lookup", &all.cache_lookup),
                ("check", &all.check),
                ("queue wait", &all.queue_wait),
                ("compute", &all.compute),
                ("write", &all.write),
                ("total", &all.total),
            ] {
                text += &format!("{name:<14} {:>6} {:>8.1} ms {:>8.1} ms\n", f.count, f.median_ms, f.p95_ms);
            }
            for (model, table) in &stats.by_model {
                text += &format!(
                    "{model}: {} requests, compute median {:.0} ms, p95 {:.0} ms\n",
                    table.requests, table.compute.median_ms, table.compute.p95_ms
                );
            }
        }
        self.print(&text);
    }
}

/// "12.3 pages/min, about 40 s left" for the progress bar.
pub fn describe_rate(progress: &BatchProgress) -> String {
    match (progress.pages_per_minute, progress.seconds_left) {
        (Some(rate), Some(left)) => format!("{rate:.1} pages/min, about {left:.0} s left"),
        _ => String::new(),
    }
}
