//! What `srview` prints, as text or `--json`.
//!
//! sr_vulkan writes progress and debug lines straight to file descriptor 1, which would
//! corrupt `--json`. So stdout is moved to a private descriptor at start, and fd 1 is
//! pointed at stderr for everything else.

use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::sync::Mutex;

use serde::Serialize;
use srview_core::{CacheStats, Catalogue, CleanReport, DeviceReport, SrError};

use crate::{Check, FileOutcome, FileResult};

pub struct Output {
    stdout: Mutex<File>,
    json: bool,
}

impl Output {
    pub fn take_stdout(json: bool) -> Self {
        // SAFETY: plain descriptor duplication on descriptors this process owns.
        let stdout = unsafe {
            let private = libc::dup(1);
            if private >= 0 && libc::dup2(2, 1) >= 0 {
                File::from_raw_fd(private)
            } else {
                File::from_raw_fd(libc::dup(1))
            }
        };
        Output { stdout: Mutex::new(stdout), json }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    fn print(&self, text: &str) {
        let mut out = self.stdout.lock().unwrap_or_else(|p| p.into_inner());
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
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
            eprintln!("srview: error [{}]: {err}", err.kind());
        }
    }

    pub fn interrupted(&self) {
        self.error(&SrError::Cancelled);
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
            format!(
                "{} entries, {:.1} MiB in {}\noldest use: {}\n",
                stats.entries,
                stats.bytes as f64 / 1_048_576.0,
                stats.root,
                stats.oldest.map(|t| format!("{t} (unix seconds)")).unwrap_or_else(|| "-".into())
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

    pub fn upscale_results(&self, results: &[FileResult], failed: usize) {
        self.emit(&serde_json::json!({ "results": results, "failed": failed }), || {
            let mut text = String::new();
            for r in results {
                match &r.outcome {
                    FileOutcome::Done(done) => {
                        let place = done.saved_to.as_ref().or(done.cache_path.as_ref());
                        text += &format!(
                            "{} -> {}×{} {} in {:.0} ms{}: {}\n",
                            r.input.display(),
                            done.width,
                            done.height,
                            done.format.extension(),
                            done.timings.total_ms,
                            if done.from_cache { " (cache)" } else { "" },
                            place.map(|p| p.display().to_string()).unwrap_or_default()
                        );
                    }
                    FileOutcome::Failed { error } => {
                        text += &format!("{} FAILED [{}]: {error}\n", r.input.display(), error.kind());
                    }
                }
            }
            if failed > 0 {
                text += &format!("{failed} of {} failed\n", results.len());
            }
            text
        });
    }
}
