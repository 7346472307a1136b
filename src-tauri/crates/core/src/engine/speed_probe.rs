//! Timing each model on this device: two small tiles per network through sr_vulkan, as idle
//! jobs, which start only when nothing else runs or waits, so a page the reader waits for
//! always goes first and no other job shares the device while one is timed. The table is kept
//! in a file and measured again only when the device, sr_vulkan or the model list changes.
//! See `models::speed` for what the times mean for a page.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use image::{ImageFormat, Rgb, RgbImage};
use srview_python::OutputSize;

use crate::engine::scheduler::{JobDone, JobInput, JobSpec, SrVulkanJob, Urgency};
use crate::engine::upscale::Engine;
use crate::error::{Result, SrError};
use crate::models::options::UpscaleOptions;
use crate::models::speed::{self, JobCost, ModelSpeed, SpeedTable, LARGE_SIDE, SMALL_SIDE, TYPICAL_PAGE};
use crate::sync::blocking;

/// A timed job that another job ran beside is timed again, this many times at most.
const ATTEMPTS: usize = 3;
/// The warm-up job that loads a network.
const WARM_UP_SIDE: u32 = 32;

/// A speed table and whether it was measured now (`false`: read from its file).
pub struct Speeds {
    pub table: SpeedTable,
    pub measured: bool,
}

/// A tile with lines and gradients, as a page has: PNG bytes.
fn probe_image(side: u32) -> Result<Vec<u8>> {
    let image = RgbImage::from_fn(side, side, |x, y| {
        let line = if (x / 7 + y / 11) % 5 == 0 { 0 } else { 230 };
        Rgb([line, ((x * 255) / side) as u8, ((y * 255) / side) as u8])
    });
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).map_err(|e| SrError::Internal(e.to_string()))?;
    Ok(bytes)
}

impl Engine {
    /// Each of `models`' speed on this device: from `file` when it was measured for this device,
    /// sr_vulkan and these models; otherwise measured now (one network at a time, each as idle
    /// jobs) and written to `file`. `progress(done, total)` follows the networks measured.
    pub async fn model_speeds(
        &self,
        file: PathBuf,
        models: Vec<String>,
        progress: impl Fn(usize, usize),
    ) -> Result<Speeds> {
        let report = self.report();
        let (device, version) = (report.device_name.clone(), report.sr_vulkan_version.clone());
        let read_from = file.clone();
        if let Some(table) = blocking(move || SpeedTable::read(&read_from)).await? {
            if table.fits(&device, &version, &models) {
                tracing::info!(file = %file.display(), "model speeds read from their file");
                return Ok(Speeds { table, measured: false });
            }
        }
        let mut networks: Vec<String> = models.iter().map(|m| speed::network_of(m)).collect();
        networks.sort();
        networks.dedup();
        let mut by_network = std::collections::HashMap::new();
        for (done, network) in networks.iter().enumerate() {
            progress(done, networks.len());
            // A network's own model may be absent (only its variants listed): time the first variant.
            let Some(probe) = models.iter().find(|m| speed::network_of(m) == *network) else { continue };
            let measured = self.time_model(probe).await?;
            by_network.insert(network.clone(), (probe.clone(), measured));
        }
        progress(networks.len(), networks.len());
        let speeds = models
            .iter()
            .filter_map(|model| {
                let (probe, (small_ms, large_ms, page_seconds)) = by_network.get(&speed::network_of(model))?;
                Some(ModelSpeed {
                    model: model.clone(),
                    measured_as: probe.clone(),
                    small_ms: *small_ms,
                    large_ms: *large_ms,
                    page_seconds: *page_seconds,
                })
            })
            .collect();
        let mut sorted = models;
        sorted.sort();
        let table = SpeedTable { device, sr_vulkan: version, models: sorted, speeds };
        let (write_to, written) = (file.clone(), table.clone());
        blocking(move || written.write(&write_to)).await??;
        tracing::info!(file = %file.display(), networks = networks.len(), "model speeds measured");
        Ok(Speeds { table, measured: true })
    }

    /// (small tile ms, large tile ms, seconds for a typical page) for one model.
    async fn time_model(&self, model: &str) -> Result<(f64, f64, f64)> {
        let options = UpscaleOptions { model: model.to_owned(), ..UpscaleOptions::default() };
        let plan = options.plan(self.catalogue(), &self.report().running())?;
        let job = |input: Vec<u8>| {
            JobSpec::SrVulkan(SrVulkanJob {
                input: JobInput::Encoded(Arc::new(input)),
                model_index: plan.model.index,
                size: OutputSize::Scale(plan.model.native_scale as f64),
                format: plan.format.encode(),
                tile_size: plan.tile_size as i32,
                webp_quality: plan.webp_quality,
            })
        };
        let (warm_up, small, large) = (probe_image(WARM_UP_SIDE)?, probe_image(SMALL_SIDE)?, probe_image(LARGE_SIDE)?);
        self.time_job(job(warm_up)).await?;
        let small_ms = self.best_of_two(|| job(small.clone())).await?;
        let large_ms = self.best_of_two(|| job(large.clone())).await?;
        let jobs =
            speed::page_jobs(&plan.model, plan.tile_size, plan.tile_chosen, self.report().cpu_mode, TYPICAL_PAGE);
        let page_seconds = JobCost::from_tiles(small_ms, large_ms).seconds(&jobs);
        tracing::info!(model, small_ms, large_ms, page_seconds, "model timed");
        Ok((small_ms, large_ms, page_seconds))
    }

    /// The faster of two runs: one run slowed by anything else on the machine misjudges a model.
    async fn best_of_two(&self, job: impl Fn() -> JobSpec) -> Result<f64> {
        Ok(self.time_alone(&job).await?.min(self.time_alone(&job).await?))
    }

    /// A job's time while no other job started beside it (timed again if one did).
    async fn time_alone(&self, job: impl Fn() -> JobSpec) -> Result<f64> {
        let mut last = 0.0;
        for _ in 0..ATTEMPTS {
            let (ms, alone) = self.time_job(job()).await?;
            if alone {
                return Ok(ms);
            }
            last = ms;
        }
        Ok(last)
    }

    /// Runs one idle job: milliseconds from its start to its result, and whether it ran alone.
    async fn time_job(&self, job: JobSpec) -> Result<(f64, bool)> {
        let scheduler = &self.session().scheduler;
        let ticket = scheduler.submit(job, Urgency::idle(), false)?;
        ticket.started.await.map_err(|_| SrError::Cancelled)?;
        let started = Instant::now();
        let jobs_before = scheduler.snapshot().started_total;
        let done = ticket.done.await.map_err(|_| SrError::Cancelled)??;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let alone = scheduler.snapshot().started_total == jobs_before;
        match done {
            JobDone::Encoded(bytes) if !bytes.is_empty() => Ok((ms, alone)),
            _ => Err(SrError::UpscaleFailed("the speed probe's tile came back empty".into())),
        }
    }
}
