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
use srview_core::batch::{BatchProgress, BatchSummary, PageOutcome, PageReport};
use srview_core::{CacheStats, Captured, Catalogue, CleanReport, DeviceReport, SrError};

use crate::Check;

#[derive(Clone)]
pub struct Output {
    stdout: Arc<File>,
    stderr: Arc<File>,
    json: bool,
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
    /// Captures native output and keeps the real streams for SRView's own messages.
    pub fn new(json: bool) -> Self {
        let (stdout, stderr) = match srview_core::capture_native_output(Captured::StdoutAndStderr) {
            Ok(own) => (own.stdout.try_clone(), own.stderr.try_clone()),
            Err(_) => (File::options().write(true).open("/dev/stdout"), File::options().write(true).open("/dev/stderr")),
        };
        let stdout = Arc::new(stdout.expect("a stdout to write to"));
        let stderr = Arc::new(stderr.expect("a stderr to write to"));
        let log_to = stderr.clone();
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("SRVIEW_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .with_writer(move || LogWriter(log_to.clone()))
            .with_ansi(false)
            .init();
        let panic_to = stderr.clone();
        std::panic::set_hook(Box::new(move |info| {
            let _ = writeln!(&*panic_to, "srview: internal error: {info}");
        }));
        Output { stdout, stderr, json }
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
            ProgressStyle::with_template("{bar:30} {pos}/{len} pages {elapsed_precise} {msg}").expect("valid progress template"),
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
                text += &format!("{:>3}  {} ({kind}, {} cores){active}\n", gpu.id, gpu.name, gpu.cores);
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

    pub fn models(&self, catalogue: &Catalogue) {
        self.emit(catalogue, || {
            let mut text = format!("{:<44} {:<10} {:>5}  {:<9} {}\n", "MODEL", "FAMILY", "SCALE", "INSTALLED", "CPU");
            for m in &catalogue.models {
                text += &format!(
                    "{:<44} {:<10} {:>4}x  {:<9} {}\n",
                    m.name,
                    m.family.label(),
                    m.native_scale,
                    if m.installed { "yes" } else { "no" },
                    if m.runs_on_cpu { "yes" } else { "no" }
                );
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
        let output = page.output.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let line = match &page.outcome {
            PageOutcome::Computed => format!("{} -> {output}", page.input),
            PageOutcome::Cached => format!("{} -> {output} (cache)", page.input),
            PageOutcome::Skipped => format!("{} skipped: {output} exists (--overwrite replaces it)", page.input),
            PageOutcome::Failed { error } => format!("{} FAILED [{}]: {error}", page.input, error.kind()),
            PageOutcome::Cancelled => format!("{} cancelled", page.input),
        };
        self.print(&format!("{line}\n"));
    }

    /// The end of a batch: what was done, and every page that failed and why.
    pub fn summary(&self, summary: &BatchSummary) {
        if self.json {
            self.print(&format!("{}\n", serde_json::json!({ "summary": summary })));
            return;
        }
        let mut text = format!(
            "{} pages: {} computed, {} from the cache, {} skipped (already there), {} failed, in {:.1} s\n",
            summary.total,
            summary.computed,
            summary.cached,
            summary.skipped,
            summary.failures.len(),
            summary.seconds
        );
        if summary.total > 0 && summary.computed == 0 && summary.failures.is_empty() && !summary.cancelled {
            text += "nothing needed computing\n";
        }
        for failure in &summary.failures {
            text += &format!("  failed: {} [{}]: {}\n", failure.input, failure.error.kind(), failure.error);
        }
        if summary.cancelled {
            text += "interrupted; run the same command again to resume\n";
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

/// Log lines go to the real stderr, never to fd 2 (which native output was moved off).
struct LogWriter(Arc<File>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        (&*self.0).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&*self.0).flush()
    }
}
