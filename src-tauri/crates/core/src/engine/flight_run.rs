//! A flight's task, in stages: check the page, cut it into units, take the tiles kept from an
//! earlier flight, run the units through the scheduler while anyone waits, then assemble,
//! encode and store the page.
//!
//! The task only decides and waits: decoding, checking, pasting and encoding run in
//! `spawn_blocking`, and tiles are cut and handed to sr_vulkan by the session's own thread.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tracing::Instrument;

use crate::books::input::{self, PreparedInput};
use crate::engine::encode;
use crate::engine::flight::{Computed, Flight, FlightJob, FlightState};
use crate::engine::flight_units::{accept, chain_scale, custom_policy, tile_key, unit_spec, Accepted, TiledPage, Unit};
use crate::engine::request::TileReady;
use crate::engine::scheduler::JobDone;
use crate::error::{Result, SrError};
use crate::models::custom::passes;
use crate::models::tiling::{self, Stitcher, Tile, TilePolicy};
use crate::sync::{blocking, lock};

/// A page whose upscaled pixels take at most this much memory may run as one job.
const WHOLE_PAGE_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

/// Whether a page upscaled by `scale` fits `WHOLE_PAGE_BYTES` as RGBA.
fn fits_whole(width: u32, height: u32, scale: f64) -> bool {
    width as f64 * height as f64 * scale.ceil().powi(2) * 4.0 <= WHOLE_PAGE_BYTES
}

/// Runs a flight to its end and publishes the outcome.
pub(crate) async fn fly(mut job: FlightJob, flight: Arc<Flight>) {
    let input = std::mem::take(&mut job.input);
    let outcome = compute(&job, input, &flight).await;
    if let Err(err) = &outcome {
        tracing::debug!(name = %job.name, kind = err.kind(), "flight ended without a page");
    }
    flight.publish(FlightState::Finished(outcome.map(Arc::new)));
    job.flights.retire(&job.key, &flight);
    tokio::task::spawn_blocking(return_freed_memory);
}

/// Hands the heap memory a flight freed (its page, sr_vulkan's and ncnn's buffers) back to the
/// system, which glibc would otherwise keep: 143 MiB after a 120-page walk (`reader_memory`).
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

async fn compute(job: &FlightJob, input: Vec<u8>, flight: &Arc<Flight>) -> Result<Computed> {
    flight.publish(FlightState::Preparing);
    let mut run = FlightRun::check(job, flight, input).await?;
    run.resume().await?;
    let (queue_wait, compute) = run.run_units().await?;
    run.write(queue_wait, compute).await
}

enum UnitState {
    Pending,
    Queued(i32),
    Running,
    Done,
}

enum Event {
    Started(usize),
    Done(usize, Result<JobDone>),
}

/// One flight's page and units while it runs.
struct FlightRun<'a> {
    job: &'a FlightJob,
    flight: &'a Arc<Flight>,
    /// The output's size and the input's.
    width: u32,
    height: u32,
    source_width: u32,
    source_height: u32,
    wanted_scale: f64,
    /// Whether the input is all black (then a black result is no sign of failure).
    input_black: bool,
    check: Duration,
    policy: Option<TilePolicy>,
    whole_input: Arc<Vec<u8>>,
    units: Vec<Unit>,
    states: Vec<UnitState>,
    tiled: Option<TiledPage>,
    /// The scale each tile is upscaled by (1 for a whole page).
    chain: u32,
    done: u32,
    whole_output: Option<Vec<u8>>,
}

/// When the queue and compute stages began and ended, with their spans (traces record them
/// as async spans, from their start to their end).
struct StageClock {
    queued_at: Instant,
    first_start: Option<Instant>,
    last_done: Instant,
    queue_span: Option<tracing::Span>,
    compute_span: Option<tracing::Span>,
}

impl<'a> FlightRun<'a> {
    /// Stage 1: reads the page within the limits and decodes it, and cuts it into units.
    async fn check(job: &'a FlightJob, flight: &'a Arc<Flight>, input: Vec<u8>) -> Result<FlightRun<'a>> {
        let check_started = Instant::now();
        let cpu_mode = job.session.report.cpu_mode;
        // Out of memory only happens on a GPU; there a black page from a non-black input is one.
        let check_black = !cpu_mode && job.plan.custom.is_none();
        let (prepared, input_black) = {
            let (name, limits) = (job.name.clone(), job.limits);
            blocking(move || -> Result<_> {
                let prepared = input::prepare(&name, input, &limits)?;
                let black = check_black && prepared.decoded.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]);
                Ok((prepared, black))
            })
            .instrument(tracing::debug_span!("check"))
            .await??
        };
        let (width, height) = job.plan.expected_dimensions(prepared.width, prepared.height)?;
        let (source_width, source_height) = (prepared.width, prepared.height);
        let wanted_scale = (width as f64 / source_width as f64).max(height as f64 / source_height as f64);
        let policy = match &job.plan.custom {
            Some(_) => Some(custom_policy(job, source_width, source_height)),
            None => tiling::policy(&job.plan.model, job.plan.tile_size, job.plan.tile_chosen, cpu_mode).filter(|p| {
                let worth = job.tiling && prepared.frames == 1 && tiling::worth_tiling(source_width, source_height, p);
                // On a GPU a running job cannot be stopped: tiles keep Ctrl-C and memory retries short.
                worth && (job.reader_waits || !cpu_mode || !fits_whole(source_width, source_height, wanted_scale))
            }),
        };
        let mut run = FlightRun {
            job,
            flight,
            width,
            height,
            source_width,
            source_height,
            wanted_scale,
            input_black,
            check: check_started.elapsed(),
            policy,
            whole_input: Arc::default(),
            units: Vec::new(),
            states: Vec::new(),
            tiled: None,
            chain: 1,
            done: 0,
            whole_output: None,
        };
        run.cut(prepared);
        let first = run.units.first().copied();
        tracing::debug!(name = %job.name, units = run.units.len(), ?policy, order = ?job.order, ?first, "computing");
        Ok(run)
    }

    /// The page as one unit, or as tiles stitched at the chained scale.
    fn cut(&mut self, prepared: PreparedInput) {
        let job = self.job;
        self.whole_input = Arc::new(prepared.data);
        match self.policy {
            Some(policy) => {
                let chain = match &job.plan.custom {
                    Some(custom) => passes(&custom.model.description.scales, self.wanted_scale).iter().product(),
                    None => chain_scale(job.plan.model.native_scale, self.wanted_scale),
                };
                let page_size = (self.source_width, self.source_height);
                let mut tiles = tiling::grid(page_size.0, page_size.1, &policy);
                tiling::order(&mut tiles, &job.order, page_size);
                // The page on screen keeps the reader's order; other pages get even progress.
                let on_screen = self.flight.urgency.is_interactive();
                if job.stagger && !on_screen && job.plan.custom.is_none() && job.session.report.pipeline_depth >= 2 {
                    tiling::stagger(&mut tiles, &policy, page_size);
                }
                self.units = tiles.into_iter().map(|tile| Unit::Tile { tile, internal: policy.internal }).collect();
                let page = Arc::new(prepared.decoded);
                let stitcher = Arc::new(Mutex::new(Stitcher::new(page_size.0, page_size.1, chain)));
                self.tiled = Some(TiledPage { page, stitcher });
                self.chain = chain;
            }
            None => self.units = vec![Unit::Whole { tile_size: job.plan.tile_size }],
        }
        self.states = self.units.iter().map(|_| UnitState::Pending).collect();
    }

    /// Stage 2: pastes the tiles of this page kept from an earlier, unfinished flight (a page
    /// the reader left and came back to); they are done.
    async fn resume(&mut self) -> Result<()> {
        let Some(page) = self.tiled.as_ref() else { return Ok(()) };
        let (job, chain) = (self.job, self.chain);
        let stored: Vec<(usize, Tile, Arc<Vec<u8>>)> = self
            .units
            .iter()
            .enumerate()
            .filter_map(|(i, unit)| match unit {
                Unit::Tile { tile, .. } => Some((i, *tile, job.tiles.get(&tile_key(job, unit, chain))?)),
                Unit::Whole { .. } => None,
            })
            .collect();
        if stored.is_empty() {
            return Ok(());
        }
        let stitcher = page.stitcher.clone();
        let pasted: Vec<(usize, Tile, Arc<Vec<u8>>)> = blocking(move || {
            let mut stitcher = lock(&stitcher);
            stored
                .into_iter()
                .filter_map(|(i, tile, png)| {
                    stitcher.paste(&tile, &Stitcher::decode(&tile, chain, &png).ok()?);
                    Some((i, tile, png))
                })
                .collect()
        })
        .await?;
        for (i, tile, png) in pasted {
            self.states[i] = UnitState::Done;
            self.done += 1;
            self.flight.tile_done(self.tile_ready(&tile, png));
        }
        Ok(())
    }

    /// Stage 3: runs the units while anyone waits for the page; when nobody does, withdraws
    /// the queued ones and, once none runs, ends. Returns the queue wait and compute time.
    async fn run_units(&mut self) -> Result<(Duration, Duration)> {
        let total = self.units.len() as u32;
        let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
        let mut clock = StageClock {
            queued_at: Instant::now(),
            first_start: None,
            last_done: Instant::now(),
            queue_span: Some(tracing::debug_span!("queue")),
            compute_span: None,
        };
        let done = self.done;
        self.flight.publish(if done > 0 { FlightState::Computing { done, total } } else { FlightState::Queued });
        while self.done < total {
            if self.flight.waiting() > 0 {
                self.submit_pending(&events_tx)?;
            } else if !self.withdraw_queued() {
                if self.job.flights.retire_if_abandoned(&self.job.key, self.flight) {
                    return Err(SrError::Cancelled);
                }
                continue;
            }
            tokio::select! {
                event = events.recv() => self.on_event(event.expect("the flight holds a sender"), &mut clock, total).await?,
                _ = self.flight.changed.notified() => {}
            }
        }
        drop((clock.queue_span, clock.compute_span));
        let queue_wait = clock.first_start.map_or(Duration::ZERO, |s| s.saturating_duration_since(clock.queued_at));
        let compute = clock.first_start.map_or(Duration::ZERO, |s| clock.last_done.saturating_duration_since(s));
        Ok((queue_wait, compute))
    }

    /// Queues every pending unit; each one's start and result come back as events.
    fn submit_pending(&mut self, events: &mpsc::UnboundedSender<Event>) -> Result<()> {
        for i in 0..self.units.len() {
            if !matches!(self.states[i], UnitState::Pending) {
                continue;
            }
            let spec = unit_spec(
                self.job,
                &self.units[i],
                self.tiled.as_ref(),
                self.chain,
                self.wanted_scale,
                &self.whole_input,
            );
            // The reader's first tile of a page not started yet (see `Queued::lead`).
            let lead = i == 0 && self.done == 0 && self.tiled.is_some();
            let ticket = match self.job.session.scheduler.submit(spec, self.flight.urgency.clone(), lead) {
                Ok(ticket) => ticket,
                Err(err) => return Err(self.withdraw(err)),
            };
            self.states[i] = UnitState::Queued(ticket.back_id);
            let events = events.clone();
            tokio::spawn(async move {
                // `started` closes unsent when the job is withdrawn before it starts.
                if ticket.started.await.is_ok() {
                    let _ = events.send(Event::Started(i));
                }
                let result = ticket.done.await.unwrap_or(Err(SrError::Cancelled));
                let _ = events.send(Event::Done(i, result));
            });
        }
        Ok(())
    }

    /// Withdraws the queued units (nobody waits); returns whether any is still queued or running.
    fn withdraw_queued(&self) -> bool {
        for state in &self.states {
            if let UnitState::Queued(back_id) = state {
                self.job.session.scheduler.cancel_queued(*back_id);
            }
        }
        self.states.iter().any(|s| matches!(s, UnitState::Queued(_) | UnitState::Running))
    }

    /// Withdraws the page's queued jobs after a failure; running ones finish unheard.
    fn withdraw(&self, err: SrError) -> SrError {
        for state in &self.states {
            if let UnitState::Queued(back_id) = state {
                self.job.session.scheduler.cancel_queued(*back_id);
            }
        }
        err
    }

    /// A unit started, or ended: accepted, retried, or back to pending when it was withdrawn.
    async fn on_event(&mut self, event: Event, clock: &mut StageClock, total: u32) -> Result<()> {
        match event {
            Event::Started(i) => {
                if matches!(self.states[i], UnitState::Queued(_)) {
                    self.states[i] = UnitState::Running;
                }
                if clock.first_start.is_none() {
                    clock.first_start = Some(Instant::now());
                    clock.queue_span = None;
                    clock.compute_span = Some(tracing::debug_span!("compute", units = total));
                    self.flight.publish(FlightState::Computing { done: self.done, total });
                }
            }
            Event::Done(i, Err(SrError::Cancelled)) => self.states[i] = UnitState::Pending,
            Event::Done(i, result) => {
                clock.first_start.get_or_insert_with(Instant::now);
                let accepted =
                    accept(self.job, &mut self.units[i], self.tiled.as_ref(), self.chain, self.input_black, result)
                        .await;
                match accepted {
                    Err(err) => return Err(self.withdraw(err)),
                    Ok(Accepted::Retry) => self.states[i] = UnitState::Pending,
                    Ok(accepted) => {
                        match (accepted, self.units[i]) {
                            (Accepted::Page(bytes), _) => self.whole_output = Some(bytes),
                            (Accepted::Tile(png), Unit::Tile { tile, .. }) => {
                                self.flight.tile_done(self.tile_ready(&tile, png))
                            }
                            _ => {}
                        }
                        self.states[i] = UnitState::Done;
                        self.done += 1;
                        clock.last_done = Instant::now();
                        self.flight.publish(FlightState::Computing { done: self.done, total });
                    }
                }
            }
        }
        Ok(())
    }

    /// What a reader needs to draw a finished tile.
    fn tile_ready(&self, tile: &Tile, png: Arc<Vec<u8>>) -> TileReady {
        TileReady {
            x: tile.x,
            y: tile.y,
            width: tile.width,
            height: tile.height,
            page_width: self.source_width,
            page_height: self.source_height,
            image_x: (tile.x - tile.padded_x) * self.chain,
            image_y: (tile.y - tile.padded_y) * self.chain,
            scale: self.chain,
            png,
        }
    }

    /// Stage 4: the page's bytes (the whole page's result checked for size, or the tiles
    /// stitched, resized and encoded), stored in the cache; its tiles leave the tile store.
    async fn write(self, queue_wait: Duration, compute: Duration) -> Result<Computed> {
        let (job, width, height, chain) = (self.job, self.width, self.height, self.chain);
        self.flight.publish(FlightState::Writing);
        let write_span = tracing::debug_span!("write");
        let write_started = Instant::now();
        let bytes = match self.tiled {
            None => {
                let bytes =
                    self.whole_output.ok_or_else(|| SrError::Internal("the page's job gave no output".into()))?;
                let produced = input::dimensions(&bytes);
                if produced != Some((width, height)) {
                    return Err(SrError::UpscaleFailed(format!(
                        "sr_vulkan returned {produced:?}, expected {width}×{height}; nothing was cached"
                    )));
                }
                Arc::new(bytes)
            }
            Some(page) => {
                let (format, quality) = (job.plan.format, job.plan.webp_quality);
                let stitcher = Arc::try_unwrap(page.stitcher)
                    .map_err(|_| SrError::Internal("a tile was still being pasted when the page was done".into()))?;
                blocking(move || {
                    let stitched = stitcher.into_inner().unwrap_or_else(|p| p.into_inner()).finish();
                    let sized = if stitched.dimensions() == (width, height) {
                        stitched
                    } else {
                        image::imageops::resize(&stitched, width, height, image::imageops::FilterType::Lanczos3)
                    };
                    encode::encode(sized, format, quality).map(Arc::new)
                })
                .await??
            }
        };
        let cache_path = match &job.cache {
            Some(cache) => {
                let (cache, key, stored) = (cache.clone(), job.cache_key.clone(), bytes.clone());
                let extension = job.plan.format.extension();
                Some(blocking(move || cache.store(&key, extension, &stored)).await??)
            }
            None => None,
        };
        for unit in &self.units {
            job.tiles.remove(&tile_key(job, unit, chain));
        }
        drop(write_span);
        Ok(Computed {
            bytes,
            cache_path,
            width,
            height,
            source_width: self.source_width,
            source_height: self.source_height,
            check: self.check,
            queue_wait,
            compute,
            write: write_started.elapsed(),
            tiles: if self.policy.is_some() { self.units.len() as u32 } else { 0 },
        })
    }
}
