//! One computation per cache key ("flight"), shared by every request that wants it.
//!
//! A flight runs as its own task, apart from the requests waiting for it: requests join and
//! leave, and the flight's urgency follows the most urgent one still waiting. When the last
//! one leaves, the flight withdraws its queued jobs; the jobs sr_vulkan is already running
//! cannot be stopped, so their results are kept (a whole page goes into the cache, a tile into
//! the tile store) and nothing computed is ever thrown away. A request for the same page that
//! arrives meanwhile joins the same flight and it carries on.
//!
//! A large page is computed as tiles (see `tiling`): one job per tile, stitched in Rust.
//!
//! The flight's task only decides and waits: decoding, checking, pasting and encoding run in
//! `spawn_blocking`, and tiles are cut and handed to sr_vulkan by the session's own thread.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use image::{DynamicImage, RgbaImage};
use srview_python::{EncodeFormat, OutputSize};
use tokio::sync::{mpsc, watch, Notify};
use tracing::Instrument;

use crate::books::input;
use crate::engine::encode;
use crate::engine::scheduler::{CustomTile, JobDone, JobInput, JobSpec, Priority, SrVulkanJob, Urgency};
use crate::engine::session::Session;
use crate::engine::tile_store::TileStore;
use crate::error::{Result, SrError};
use crate::limits::Limits;
use crate::models::custom::{CUSTOM_AUTO_TILE, CUSTOM_PAD};
use crate::models::options::Plan;
use crate::models::tiling::{self, Stitcher, Tile, MIN_INTERNAL_TILE};
use crate::store::cache::{CacheKey, ResultCache};
use crate::sync::blocking;
use crate::sync::lock;

/// A finished page, shared by every request that waited for it.
#[derive(Debug)]
pub(crate) struct Computed {
    pub bytes: Arc<Vec<u8>>,
    pub cache_path: Option<PathBuf>,
    pub width: u32,
    pub height: u32,
    pub source_width: u32,
    pub source_height: u32,
    pub check: Duration,
    pub queue_wait: Duration,
    pub compute: Duration,
    pub write: Duration,
    pub tiles: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum FlightState {
    Preparing,
    Queued,
    Computing { done: u32, total: u32 },
    Writing,
    Finished(std::result::Result<Arc<Computed>, SrError>),
}

pub(crate) struct Flight {
    /// Requests waiting, per priority.
    waiters: Mutex<[u32; 3]>,
    pub urgency: Arc<Urgency>,
    /// Woken whenever a request joins or leaves.
    changed: Notify,
    state: watch::Sender<FlightState>,
}

impl Flight {
    fn new(priority: Priority) -> Arc<Self> {
        Arc::new(Flight {
            waiters: Mutex::new([0; 3]),
            urgency: Urgency::new(priority),
            changed: Notify::new(),
            state: watch::channel(FlightState::Preparing).0,
        })
    }

    fn waiting(&self) -> u32 {
        lock(&self.waiters).iter().sum()
    }

    fn update(&self, priority: Priority, delta: i32) {
        let mut waiters = lock(&self.waiters);
        let slot = &mut waiters[priority as usize];
        *slot = slot.saturating_add_signed(delta);
        let most_urgent = Priority::ALL.into_iter().find(|p| waiters[*p as usize] > 0);
        self.urgency.set(most_urgent);
        drop(waiters);
        self.changed.notify_one();
    }

    pub fn subscribe(&self) -> watch::Receiver<FlightState> {
        self.state.subscribe()
    }

    fn publish(&self, state: FlightState) {
        self.state.send_replace(state);
    }
}

/// A request's place in a flight; leaving is dropping it.
pub(crate) struct Waiter {
    pub flight: Arc<Flight>,
    priority: Priority,
    session: Arc<Session>,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.flight.update(self.priority, -1);
        self.session.scheduler.reschedule();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FlightKey {
    pub cache_root: Option<PathBuf>,
    pub key: String,
}

#[derive(Default)]
pub(crate) struct Flights {
    map: Mutex<HashMap<FlightKey, Arc<Flight>>>,
    /// Woken whenever a flight ends.
    ended: Notify,
}

impl Flights {
    /// Joins the flight computing `key`, or starts one: `start` receives the new flight.
    pub fn join(
        self: &Arc<Self>,
        key: FlightKey,
        priority: Priority,
        session: &Arc<Session>,
        start: impl FnOnce(Arc<Flight>),
    ) -> Waiter {
        let mut map = lock(&self.map);
        let flight = match map.get(&key) {
            Some(flight) => flight.clone(),
            None => {
                let flight = Flight::new(priority);
                map.insert(key, flight.clone());
                start(flight.clone());
                flight
            }
        };
        flight.update(priority, 1);
        drop(map);
        session.scheduler.reschedule();
        Waiter { flight, priority, session: session.clone() }
    }

    /// Ends an abandoned flight, unless a request joined it meanwhile (then it carries on).
    fn retire_if_abandoned(&self, key: &FlightKey, flight: &Arc<Flight>) -> bool {
        let mut map = lock(&self.map);
        if flight.waiting() > 0 {
            return false;
        }
        if map.get(key).is_some_and(|f| Arc::ptr_eq(f, flight)) {
            map.remove(key);
        }
        self.ended.notify_waiters();
        true
    }

    fn retire(&self, key: &FlightKey, flight: &Arc<Flight>) {
        let mut map = lock(&self.map);
        if map.get(key).is_some_and(|f| Arc::ptr_eq(f, flight)) {
            map.remove(key);
        }
        self.ended.notify_waiters();
    }

    pub fn len(&self) -> usize {
        lock(&self.map).len()
    }

    /// Resolves once no flight is in progress (abandoned ones included).
    pub async fn idle(&self) {
        loop {
            let ended = self.ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if self.len() == 0 {
                return;
            }
            ended.await;
        }
    }
}

/// Everything one flight needs, owned by its task.
pub(crate) struct FlightJob {
    pub key: FlightKey,
    pub cache_key: CacheKey,
    pub cache: Option<ResultCache>,
    pub name: String,
    pub input: Vec<u8>,
    pub plan: Plan,
    pub limits: Limits,
    pub session: Arc<Session>,
    pub flights: Arc<Flights>,
    pub tiles: Arc<TileStore>,
    /// Tile large pages (off only to compare against whole-page jobs).
    pub tiling: bool,
    /// How long one custom-model call may run.
    pub custom_limit: Duration,
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
}

/// One unit of work: the whole page, or one tile of it.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Whole { tile_size: u32 },
    Tile { tile: Tile, internal: u32 },
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

/// How a tiled page is assembled. The stitcher is only used inside `spawn_blocking`.
struct TiledPage {
    page: Arc<DynamicImage>,
    chain_scale: u32,
    stitcher: Arc<Mutex<Stitcher>>,
}

/// The scale a tile is upscaled by: the model's own scale, chained until it reaches what
/// is asked; the stitched page is then resized to the exact size.
fn chain_scale(native: u32, wanted: f64) -> u32 {
    let native = native.max(2);
    let mut scale = native;
    while (scale as f64) < wanted - 1e-9 {
        scale *= native;
    }
    scale
}

fn tile_key(job: &FlightJob, unit: &Unit, chain: u32) -> String {
    match unit {
        Unit::Tile { tile, internal } => format!(
            "{}|{},{},{},{}|internal={internal}|chain={chain}",
            job.cache_key.as_str(),
            tile.padded_x,
            tile.padded_y,
            tile.padded_width,
            tile.padded_height
        ),
        Unit::Whole { .. } => String::new(),
    }
}

fn smaller_tile(tile: u32) -> Option<u32> {
    let next = if tile == 0 { 200 } else { tile / 2 };
    (next >= MIN_INTERNAL_TILE).then_some(next)
}

async fn compute(job: &FlightJob, input: Vec<u8>, flight: &Arc<Flight>) -> Result<Computed> {
    flight.publish(FlightState::Preparing);
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
    let check = check_started.elapsed();

    let wanted_scale = (width as f64 / source_width as f64).max(height as f64 / source_height as f64);
    let policy = match &job.plan.custom {
        Some(_) => Some(custom_policy(job, source_width, source_height)),
        None => tiling::policy(&job.plan.model, job.plan.tile_size, job.plan.tile_chosen, cpu_mode)
            .filter(|p| job.tiling && prepared.frames == 1 && tiling::worth_tiling(source_width, source_height, p)),
    };
    let whole_input = Arc::new(prepared.data);
    let (mut units, tiled) = match policy {
        Some(policy) => {
            let chain = match &job.plan.custom {
                Some(custom) => {
                    crate::models::custom::passes(&custom.model.description.scales, wanted_scale).iter().product()
                }
                None => chain_scale(job.plan.model.native_scale, wanted_scale),
            };
            let mut tiles = tiling::grid(source_width, source_height, &policy);
            if job.plan.custom.is_none() && job.session.report.pipeline_depth >= 2 {
                tiling::stagger(&mut tiles, &policy, (source_width, source_height));
            }
            let units =
                tiles.into_iter().map(|tile| Unit::Tile { tile, internal: policy.internal }).collect::<Vec<_>>();
            let page = Arc::new(prepared.decoded);
            let stitcher = Arc::new(Mutex::new(Stitcher::new(source_width, source_height, chain)));
            (units, Some(TiledPage { page, chain_scale: chain, stitcher }))
        }
        None => (vec![Unit::Whole { tile_size: job.plan.tile_size }], None),
    };
    let chain = tiled.as_ref().map_or(1, |t| t.chain_scale);
    tracing::debug!(name = %job.name, units = units.len(), ?policy, "computing");

    let total = units.len() as u32;
    let mut states: Vec<UnitState> = units.iter().map(|_| UnitState::Pending).collect();
    let mut whole_output: Option<Vec<u8>> = None;
    let mut done = 0u32;
    // Tiles finished earlier (a page the reader left and came back to).
    if let Some(page) = tiled.as_ref() {
        for i in resume(job, &units, page, chain).await? {
            states[i] = UnitState::Done;
            done += 1;
        }
    }
    let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
    // Stage spans live from their start to their end (traces record them as async spans).
    let mut queue_span = Some(tracing::debug_span!("queue"));
    let mut compute_span = None;
    let mut first_start: Option<Instant> = None;
    let mut last_done = Instant::now();
    let queued_at = Instant::now();
    flight.publish(if done > 0 { FlightState::Computing { done, total } } else { FlightState::Queued });

    while done < total {
        if flight.waiting() > 0 {
            for (i, state) in states.iter_mut().enumerate() {
                if !matches!(state, UnitState::Pending) {
                    continue;
                }
                let spec = unit_spec(job, &units[i], tiled.as_ref(), chain, wanted_scale, &whole_input);
                let ticket = match job.session.scheduler.submit(spec, flight.urgency.clone()) {
                    Ok(ticket) => ticket,
                    Err(err) => return Err(withdraw(job, &states, err)),
                };
                *state = UnitState::Queued(ticket.back_id);
                let events = events_tx.clone();
                tokio::spawn(async move {
                    // `started` closes unsent when the job is withdrawn before it starts.
                    if ticket.started.await.is_ok() {
                        let _ = events.send(Event::Started(i));
                    }
                    let result = ticket.done.await.unwrap_or(Err(SrError::Cancelled));
                    let _ = events.send(Event::Done(i, result));
                });
            }
        } else {
            for state in &states {
                if let UnitState::Queued(back_id) = state {
                    job.session.scheduler.cancel_queued(*back_id);
                }
            }
            let busy = states.iter().any(|s| matches!(s, UnitState::Queued(_) | UnitState::Running));
            if !busy {
                if job.flights.retire_if_abandoned(&job.key, flight) {
                    return Err(SrError::Cancelled);
                }
                continue;
            }
        }
        tokio::select! {
            event = events.recv() => match event.expect("the flight holds a sender") {
                Event::Started(i) => {
                    if matches!(states[i], UnitState::Queued(_)) {
                        states[i] = UnitState::Running;
                    }
                    if first_start.is_none() {
                        first_start = Some(Instant::now());
                        queue_span = None;
                        compute_span = Some(tracing::debug_span!("compute", units = total));
                        flight.publish(FlightState::Computing { done, total });
                    }
                }
                Event::Done(i, Err(SrError::Cancelled)) => states[i] = UnitState::Pending,
                Event::Done(i, result) => {
                    first_start.get_or_insert_with(Instant::now);
                    let accepted = accept(job, &mut units[i], tiled.as_ref(), chain, input_black, result).await;
                    let accepted = match accepted {
                        Ok(accepted) => accepted,
                        Err(err) => return Err(withdraw(job, &states, err)),
                    };
                    match accepted {
                        Accepted::Retry => states[i] = UnitState::Pending,
                        Accepted::Output(bytes) => {
                            whole_output = bytes;
                            states[i] = UnitState::Done;
                            done += 1;
                            last_done = Instant::now();
                            flight.publish(FlightState::Computing { done, total });
                        }
                    }
                }
            },
            _ = flight.changed.notified() => {}
        }
    }
    drop((queue_span, compute_span));
    let queue_wait = first_start.map_or(Duration::ZERO, |s| s.saturating_duration_since(queued_at));
    let compute = first_start.map_or(Duration::ZERO, |s| last_done.saturating_duration_since(s));

    flight.publish(FlightState::Writing);
    let write_span = tracing::debug_span!("write");
    let write_started = Instant::now();
    let bytes = match tiled {
        None => {
            let bytes = whole_output.ok_or_else(|| SrError::Internal("the page's job gave no output".into()))?;
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
    for unit in &units {
        job.tiles.remove(&tile_key(job, unit, chain));
    }
    drop(write_span);
    Ok(Computed {
        bytes,
        cache_path,
        width,
        height,
        source_width,
        source_height,
        check,
        queue_wait,
        compute,
        write: write_started.elapsed(),
        tiles: if policy.is_some() { total } else { 0 },
    })
}

/// Pastes the tiles of this page kept from an earlier, unfinished flight; returns their units.
async fn resume(job: &FlightJob, units: &[Unit], page: &TiledPage, chain: u32) -> Result<Vec<usize>> {
    let stored: Vec<(usize, Tile, Arc<Vec<u8>>)> = units
        .iter()
        .enumerate()
        .filter_map(|(i, unit)| match unit {
            Unit::Tile { tile, .. } => Some((i, *tile, job.tiles.get(&tile_key(job, unit, chain))?)),
            Unit::Whole { .. } => None,
        })
        .collect();
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let (stitcher, raw_pixels) = (page.stitcher.clone(), job.plan.custom.is_some());
    blocking(move || {
        let mut stitcher = lock(&stitcher);
        stored
            .into_iter()
            .filter_map(|(i, tile, bytes)| {
                let image = match raw_pixels {
                    true => RgbaImage::from_raw(tile.padded_width * chain, tile.padded_height * chain, bytes.to_vec()),
                    false => Stitcher::decode(&tile, chain, &bytes).ok(),
                }?;
                stitcher.paste(&tile, &image);
                Some(i)
            })
            .collect()
    })
    .await
}

/// Withdraws the page's queued jobs after a failure; running ones finish unheard.
fn withdraw(job: &FlightJob, states: &[UnitState], err: SrError) -> SrError {
    for state in states {
        if let UnitState::Queued(back_id) = state {
            job.session.scheduler.cancel_queued(*back_id);
        }
    }
    err
}

/// How a page is cut for a custom model: tiles of the chosen size (or `CUSTOM_AUTO_TILE`), each
/// given to the model whole unless it runs out of memory; a small page is one tile.
fn custom_policy(job: &FlightJob, width: u32, height: u32) -> tiling::TilePolicy {
    let core = if job.plan.tile_chosen { job.plan.tile_size } else { CUSTOM_AUTO_TILE };
    let policy = tiling::TilePolicy { pad: CUSTOM_PAD, internal: core + 2 * CUSTOM_PAD, core, on_internal_grid: false };
    if job.tiling && tiling::worth_tiling(width, height, &policy) {
        policy
    } else {
        let whole = width.max(height);
        tiling::TilePolicy { pad: 0, internal: whole, core: whole, on_internal_grid: false }
    }
}

fn unit_spec(
    job: &FlightJob,
    unit: &Unit,
    tiled: Option<&TiledPage>,
    chain: u32,
    wanted_scale: f64,
    whole_input: &Arc<Vec<u8>>,
) -> JobSpec {
    if let (Some(model), Unit::Tile { tile, internal }, Some(page)) = (&job.plan.custom, unit, tiled) {
        return JobSpec::Custom(CustomTile {
            page: page.page.clone(),
            tile: *tile,
            model: model.clone(),
            passes: crate::models::custom::passes(&model.model.description.scales, wanted_scale),
            sub_tile: *internal,
            limit: job.custom_limit,
        });
    }
    JobSpec::SrVulkan(match (unit, tiled) {
        (Unit::Tile { tile, internal }, Some(page)) => SrVulkanJob {
            input: JobInput::Region { page: page.page.clone(), tile: *tile },
            model_index: job.plan.model.index,
            size: OutputSize::Scale(chain as f64),
            format: EncodeFormat::Png,
            tile_size: *internal as i32,
            webp_quality: job.plan.webp_quality,
        },
        (unit, _) => SrVulkanJob {
            input: JobInput::Encoded(whole_input.clone()),
            model_index: job.plan.model.index,
            size: job.plan.output_size(),
            format: job.plan.format.encode(),
            tile_size: match unit {
                Unit::Whole { tile_size } => *tile_size as i32,
                Unit::Tile { internal, .. } => *internal as i32,
            },
            webp_quality: job.plan.webp_quality,
        },
    })
}

enum Accepted {
    /// Run the unit again (smaller, after an apparent out-of-memory failure).
    Retry,
    /// Done; for a whole page, its encoded bytes.
    Output(Option<Vec<u8>>),
}

/// Checks one unit's result. An empty or black result is what an out-of-memory failure looks
/// like (sr_vulkan reports none), so the unit is retried with half the tile size, down to a floor.
async fn accept(
    job: &FlightJob,
    unit: &mut Unit,
    tiled: Option<&TiledPage>,
    chain: u32,
    input_black: bool,
    result: Result<JobDone>,
) -> Result<Accepted> {
    let retry = |unit: &mut Unit, why: &str| -> Result<Accepted> {
        let current = match unit {
            Unit::Whole { tile_size } => tile_size,
            Unit::Tile { internal, .. } => internal,
        };
        match smaller_tile(*current) {
            Some(next) => {
                tracing::warn!(name = %job.name, from = *current, to = next, why, "retrying with a smaller tile");
                *current = next;
                Ok(Accepted::Retry)
            }
            None => {
                Err(SrError::OutOfMemory(format!("{}: {why} even in tiles of {MIN_INTERNAL_TILE} pixels", job.name)))
            }
        }
    };
    let bytes = match result {
        Err(SrError::OutOfMemory(message)) if job.plan.custom.is_some() => {
            return retry(unit, &format!("the model ran out of memory ({message})"));
        }
        Err(err) => return Err(err),
        Ok(JobDone::Pixels(image)) => return accept_pixels(job, unit, tiled, chain, image).await,
        Ok(JobDone::Encoded(bytes)) => bytes,
    };
    if bytes.is_empty() {
        return retry(unit, "the upscaler returned nothing");
    }
    match (*unit, tiled) {
        (Unit::Tile { tile, .. }, Some(page)) => {
            let bytes = Arc::new(bytes);
            let (png, source, stitcher) = (bytes.clone(), page.page.clone(), page.stitcher.clone());
            let failed = blocking(move || {
                let image = Stitcher::decode(&tile, chain, &png)?;
                let failed = tiling::looks_failed(&image, &source, &tile);
                if !failed {
                    lock(&stitcher).paste(&tile, &image);
                }
                Ok::<_, String>(failed)
            })
            .await?
            .map_err(SrError::UpscaleFailed)?;
            if failed {
                return retry(unit, "the tile came back black");
            }
            job.tiles.put(tile_key(job, unit, chain), bytes);
            Ok(Accepted::Output(None))
        }
        _ => {
            // Out of memory only happens on a GPU; there a black page from a non-black input is one.
            if !job.session.report.cpu_mode && !input_black {
                let bytes = bytes.clone();
                let black = blocking(move || {
                    image::load_from_memory(&bytes).is_ok_and(|img| img.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]))
                })
                .await?;
                if black {
                    return retry(unit, "the page came back black");
                }
            }
            Ok(Accepted::Output(Some(bytes)))
        }
    }
}

/// A custom model's tile: checked for size, pasted, and kept in the tile store as raw pixels.
async fn accept_pixels(
    job: &FlightJob,
    unit: &Unit,
    tiled: Option<&TiledPage>,
    chain: u32,
    image: RgbaImage,
) -> Result<Accepted> {
    let (Unit::Tile { tile, .. }, Some(page)) = (unit, tiled) else {
        return Err(SrError::Internal("a custom model's result arrived for a whole-page job".into()));
    };
    let expected = (tile.padded_width * chain, tile.padded_height * chain);
    if image.dimensions() != expected {
        return Err(SrError::BadModelOutput {
            model: job.plan.model.name.clone(),
            reason: format!("a tile came back {:?}, expected {expected:?}", image.dimensions()),
        });
    }
    let (stitcher, tile) = (page.stitcher.clone(), *tile);
    let image = blocking(move || {
        lock(&stitcher).paste(&tile, &image);
        image
    })
    .await?;
    job.tiles.put(tile_key(job, unit, chain), Arc::new(image.into_raw()));
    Ok(Accepted::Output(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_chain_the_model_scale_up_to_the_wanted_one() {
        assert_eq!(chain_scale(2, 2.0), 2);
        assert_eq!(chain_scale(2, 1.5), 2);
        assert_eq!(chain_scale(2, 3.0), 4);
        assert_eq!(chain_scale(4, 2.0), 4);
        assert_eq!(chain_scale(1, 2.0), 2);
    }
}
