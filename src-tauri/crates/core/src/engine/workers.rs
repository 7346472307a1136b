//! The session's threads: one hands jobs to sr_vulkan (`sr_vulkan-submit`: it cuts and
//! encodes tiles and holds the GIL for `add`), one blocks in `load` for results, one runs
//! custom models; and the shutdown that ends them. No async task ever takes the GIL or
//! encodes a tile.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use srview_python::Job;

use crate::engine::scheduler::{JobDone, JobSpec, Running};
use crate::engine::session::Session;
use crate::error::{Result, SrError};
use crate::models::custom::CustomJob;
use crate::sync::lock;

impl Session {
    /// The thread that hands queued jobs to sr_vulkan: each wake is one pass over the queue
    /// (wakes that arrive meanwhile are served by the next pass, so none is lost).
    pub(super) fn spawn_submitter(self: &Arc<Self>) {
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        self.scheduler.set_waker(Some(wake));
        let session = Arc::downgrade(self);
        let handle = std::thread::Builder::new()
            .name("sr_vulkan-submit".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    woken.try_iter().for_each(drop);
                    let Some(session) = session.upgrade() else { return };
                    session.pump();
                }
            })
            .expect("spawning the sr_vulkan submit thread");
        *lock(&self.submitter) = Some(handle);
    }

    pub(super) fn spawn_loader(self: &Arc<Self>) {
        let session = self.clone();
        let handle = std::thread::Builder::new()
            .name("sr_vulkan-load".into())
            .spawn(move || session.load_loop())
            .expect("spawning the sr_vulkan loader thread");
        *lock(&self.loader) = Some(handle);
    }

    /// The thread that runs custom models, one job at a time. onnxruntime releases the GIL
    /// while it runs, so other commands go on meanwhile.
    pub(super) fn spawn_custom_worker(self: &Arc<Self>) {
        let (sender, jobs) = std::sync::mpsc::channel::<(i32, CustomJob)>();
        *lock(&self.custom_jobs) = Some(sender);
        let session = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("custom-upscaler".into())
            .spawn(move || {
                for (back_id, job) in jobs {
                    let span = tracing::debug_span!("custom_job", model = %job.model.name, back_id).entered();
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::models::custom::run(&job)))
                            .unwrap_or_else(|_| Err(SrError::Internal("the custom model's worker panicked".into())));
                    drop(span);
                    let Some(session) = session.upgrade() else { return };
                    session.scheduler.finish(back_id, result.map(JobDone::Pixels));
                }
            })
            .expect("spawning the custom model thread");
    }

    /// The one thread that blocks in `load(0)` and routes each result to its job.
    fn load_loop(&self) {
        let reason = loop {
            let waiting = tracing::debug_span!("load_wait").entered();
            let result = self.sr.wait_result();
            drop(waiting);
            let result = match result {
                Ok(Some(result)) => result,
                Ok(None) => break "sr_vulkan stopped".to_owned(),
                Err(err) => {
                    tracing::error!(%err, "sr_vulkan.load failed; closing the session");
                    break format!("sr_vulkan's result loop failed: {err}");
                }
            };
            if let Some(cause) = crate::testing::take_loader_fault() {
                tracing::error!(%cause, "injected loader failure; closing the session");
                break format!("sr_vulkan's result loop failed: {cause}");
            }
            match self.scheduler.take_running(result.back_id) {
                Some(Running { done, input_size, .. }) => {
                    let mut data = result.data;
                    crate::testing::apply_result_fault(input_size, &mut data);
                    tracing::trace!(back_id = result.back_id, ?input_size, "job done");
                    let outcome = match data {
                        Some(bytes) => Ok(JobDone::Encoded(bytes)),
                        None => Err(SrError::UpscaleFailed(
                            result.error.filter(|e| !e.is_empty()).unwrap_or_else(|| "the job failed".into()),
                        )),
                    };
                    let _ = done.send(outcome);
                }
                None => tracing::warn!(back_id = result.back_id, "result for an unknown job"),
            }
            self.scheduler.reschedule();
        };
        self.scheduler.close(&reason);
    }

    /// Hands queued jobs to sr_vulkan while the rules allow. Runs on the submitting thread only.
    fn pump(&self) {
        while let Some((back_id, spec, started)) = self.scheduler.start_next() {
            // A panic while cutting a tile fails that job, not the thread every job needs.
            let handed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.hand_over(back_id, spec)))
                .unwrap_or_else(|_| Err(SrError::Internal("handing a job to the upscaler panicked".into())));
            match handed {
                Ok(()) => {
                    let _ = started.send(());
                }
                Err(error) => self.scheduler.fail_start(back_id, error),
            }
        }
    }

    /// Cuts the job's input and gives it to sr_vulkan, or to the custom model thread.
    fn hand_over(&self, back_id: i32, spec: JobSpec) -> Result<()> {
        let job = match spec {
            JobSpec::SrVulkan(job) => job,
            JobSpec::Custom(tile) => {
                let sent =
                    lock(&self.custom_jobs).as_ref().is_some_and(|jobs| jobs.send((back_id, tile.cut())).is_ok());
                return match sent {
                    true => Ok(()),
                    false => Err(SrError::EngineUnavailable("the custom model thread stopped".into())),
                };
            }
        };
        let data = job.input.bytes();
        self.sr.set_webp_quality(job.webp_quality)?;
        let added = self.sr.add(&Job {
            data: &data,
            model_index: job.model_index,
            back_id,
            size: job.size,
            format: job.format,
            tile_size: job.tile_size,
        })?;
        added.map_err(SrError::UpscaleFailed)?;
        tracing::debug!(back_id, "handed to sr_vulkan");
        Ok(())
    }

    /// Stops sr_vulkan for good: refuses new work, lets running GPU jobs finish (stopping
    /// under a running Vulkan job hangs the exit), calls `stop()` and joins the loader.
    /// Idempotent; blocking. With tiles, a running job is one tile, so the drain is short.
    pub(crate) fn shutdown(&self) {
        const DRAIN_LIMIT: Duration = Duration::from_secs(120);
        if self.shut_down.swap(true, Ordering::SeqCst) {
            return;
        }
        lock(&self.custom_jobs).take();
        self.scheduler.refuse_new("SRView is shutting down");
        // No job is handed over after this: the submitter finishes its pass and ends.
        self.scheduler.set_waker(None);
        let submitter = lock(&self.submitter).take();
        if let Some(submitter) = submitter.filter(|s| s.thread().id() != std::thread::current().id()) {
            let _ = submitter.join();
        }
        if !self.report.cpu_mode {
            self.scheduler.drain(DRAIN_LIMIT);
        }
        if let Err(err) = self.sr.stop() {
            tracing::warn!(%err, "sr_vulkan.stop() failed");
        }
        let loader = lock(&self.loader).take();
        if let Some(loader) = loader {
            if loader.thread().id() != std::thread::current().id() {
                let _ = loader.join();
            }
        }
        self.scheduler.close("sr_vulkan stopped");
        tracing::info!("sr_vulkan session stopped");
    }
}
