//! One computation per cache key ("flight"), shared by every request that wants it.
//!
//! A flight runs as its own task, apart from the requests waiting for it: requests join and
//! leave, and the flight's urgency follows the most urgent one still waiting. When the last
//! one leaves, the flight withdraws its queued jobs; the jobs sr_vulkan is already running
//! cannot be stopped, so their results are kept (a whole page goes into the cache, a tile into
//! the tile store) and nothing computed is ever thrown away. A request for the same page that
//! arrives meanwhile joins the same flight and it carries on.
//!
//! A flight's task runs its stages in `flight_run`, and its units (the whole page, or its
//! tiles) in `flight_units`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Notify};

use crate::engine::request::TileReady;
use crate::engine::scheduler::{Priority, Urgency};
use crate::engine::session::Session;
use crate::engine::tile_store::TileStore;
use crate::error::SrError;
use crate::limits::Limits;
use crate::models::options::Plan;
use crate::models::tiling::TileOrder;
use crate::store::cache::{CacheKey, ResultCache};
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
    /// The tiles done so far, in the order they finished, for drawing.
    tiles_done: Mutex<Vec<TileReady>>,
    /// Requests waiting, per priority.
    waiters: Mutex<[u32; 3]>,
    pub urgency: Arc<Urgency>,
    /// Woken whenever a request joins or leaves.
    pub(super) changed: Notify,
    state: watch::Sender<FlightState>,
}

impl Flight {
    fn new(priority: Priority, order: u64) -> Arc<Self> {
        Arc::new(Flight {
            tiles_done: Mutex::default(),
            waiters: Mutex::new([0; 3]),
            urgency: Urgency::new(priority, order),
            changed: Notify::new(),
            state: watch::channel(FlightState::Preparing).0,
        })
    }

    pub(super) fn waiting(&self) -> u32 {
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

    /// Records a finished tile; the next published state makes it known.
    pub(super) fn tile_done(&self, tile: TileReady) {
        lock(&self.tiles_done).push(tile);
    }

    /// The tiles done after the first `seen`.
    pub(super) fn tiles_after(&self, seen: usize) -> Vec<TileReady> {
        lock(&self.tiles_done).get(seen..).map(<[TileReady]>::to_vec).unwrap_or_default()
    }

    pub(super) fn publish(&self, state: FlightState) {
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
        order: u64,
        session: &Arc<Session>,
        start: impl FnOnce(Arc<Flight>),
    ) -> Waiter {
        let mut map = lock(&self.map);
        let flight = match map.get(&key) {
            Some(flight) => flight.clone(),
            None => {
                let flight = Flight::new(priority, order);
                map.insert(key, flight.clone());
                start(flight.clone());
                flight
            }
        };
        flight.urgency.include_order(order);
        flight.update(priority, 1);
        drop(map);
        session.scheduler.reschedule();
        Waiter { flight, priority, session: session.clone() }
    }

    /// Ends an abandoned flight, unless a request joined it meanwhile (then it carries on).
    pub(super) fn retire_if_abandoned(&self, key: &FlightKey, flight: &Arc<Flight>) -> bool {
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

    pub(super) fn retire(&self, key: &FlightKey, flight: &Arc<Flight>) {
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
    /// Whether a reader may wait for the page (the app with a book open, or a request for the
    /// screen): then a page is tiled, so that the page on screen can preempt it. Otherwise, in
    /// CPU mode, a page that fits `WHOLE_PAGE_BYTES` runs as one job, which is faster.
    pub reader_waits: bool,
    /// Even out progress with a half tile (see `tiling::stagger`).
    pub stagger: bool,
    /// The order of the tiles.
    pub order: TileOrder,
    /// How long one custom-model call may run.
    pub custom_limit: Duration,
}
