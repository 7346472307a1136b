//! What the engine did over this run: per-stage times (count, median, 95th percentile), split
//! by model, the cache hit rate, pages per minute, and the process's memory. Recording a
//! request is a few appends under a lock; figures are computed only when asked for.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;

use crate::sync::lock;

/// Requests kept for the figures: the last this many (older ones are summarised away).
const KEPT: usize = 10_000;
/// Pages per minute are counted over this window.
const RATE_WINDOW: Duration = Duration::from_secs(300);

/// Milliseconds spent in each stage of one request.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StageTimings {
    pub cache_lookup_ms: f64,
    pub check_ms: f64,
    pub queue_wait_ms: f64,
    pub compute_ms: f64,
    pub write_ms: f64,
    pub total_ms: f64,
}

/// Count, median and 95th percentile of one stage, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StageFigures {
    pub count: u32,
    pub median_ms: f64,
    pub p95_ms: f64,
}

/// The nearest-rank percentile of sorted values (`q` in 0..=1).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn figures(mut values: Vec<f64>) -> StageFigures {
    values.sort_by(f64::total_cmp);
    StageFigures { count: values.len() as u32, median_ms: percentile(&values, 0.5), p95_ms: percentile(&values, 0.95) }
}

/// Per-stage figures, over all requests or one model's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StageTable {
    pub requests: u32,
    pub cache_hits: u32,
    pub cache_lookup: StageFigures,
    pub check: StageFigures,
    pub queue_wait: StageFigures,
    pub compute: StageFigures,
    pub write: StageFigures,
    pub total: StageFigures,
}

/// Resident memory of the process, in bytes (from /proc/self/status).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MemoryFigures {
    pub resident_bytes: u64,
    pub peak_resident_bytes: u64,
    /// What starting the engine (Python, sr_vulkan, Vulkan) added, measured around its start.
    pub engine_added_bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EngineStats {
    pub all: StageTable,
    /// The same table for each model used.
    pub by_model: BTreeMap<String, StageTable>,
    /// Hits over requests, 0..=1.
    pub cache_hit_rate: f64,
    /// Pages computed (not taken from the cache) per minute over the last five minutes.
    pub pages_per_minute: f64,
    pub memory: MemoryFigures,
}

/// One finished request.
#[derive(Debug, Clone)]
pub struct Record {
    pub model: String,
    pub from_cache: bool,
    pub timings: StageTimings,
}

/// Reads VmRSS and VmHWM (kB) of this process.
pub fn process_memory() -> (u64, u64) {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return (0, 0) };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn table<'a>(records: impl Iterator<Item = &'a Record> + Clone) -> StageTable {
    let stage = |pick: fn(&StageTimings) -> f64, computed_only: bool| {
        figures(records.clone().filter(|r| !computed_only || !r.from_cache).map(|r| pick(&r.timings)).collect())
    };
    StageTable {
        requests: records.clone().count() as u32,
        cache_hits: records.clone().filter(|r| r.from_cache).count() as u32,
        cache_lookup: stage(|t| t.cache_lookup_ms, false),
        check: stage(|t| t.check_ms, true),
        queue_wait: stage(|t| t.queue_wait_ms, true),
        compute: stage(|t| t.compute_ms, true),
        write: stage(|t| t.write_ms, true),
        total: stage(|t| t.total_ms, false),
    }
}

/// The figures of a set of records (pure: unit-tested on known inputs).
pub fn summarise(records: &[Record]) -> (StageTable, BTreeMap<String, StageTable>) {
    let mut models: Vec<&str> = records.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    let by_model = models
        .into_iter()
        .map(|model| (model.to_owned(), table(records.iter().filter(move |r| r.model == model))))
        .collect();
    (table(records.iter()), by_model)
}

struct Inner {
    records: VecDeque<Record>,
    finished: VecDeque<Instant>,
}

/// The engine's statistics; shared by its clones.
pub struct Stats {
    enabled: bool,
    inner: Mutex<Inner>,
    engine_added_bytes: u64,
    /// Bumped on every record, so a watcher hears about changes without polling.
    changed: watch::Sender<u64>,
}

impl Stats {
    pub fn new(enabled: bool, engine_added_bytes: u64) -> Self {
        Stats {
            enabled,
            inner: Mutex::new(Inner { records: VecDeque::new(), finished: VecDeque::new() }),
            engine_added_bytes,
            changed: watch::channel(0).0,
        }
    }

    pub fn record(&self, record: Record) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        {
            let mut inner = lock(&self.inner);
            if inner.records.len() == KEPT {
                inner.records.pop_front();
            }
            // Pages per minute is the engine's speed: a page taken from the cache is not one it made.
            if !record.from_cache {
                inner.finished.push_back(now);
            }
            inner.records.push_back(record);
            while inner.finished.front().is_some_and(|t| now.duration_since(*t) > RATE_WINDOW) {
                inner.finished.pop_front();
            }
        }
        self.changed.send_modify(|n| *n += 1);
    }

    /// A receiver that changes whenever a request is recorded.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub fn snapshot(&self) -> EngineStats {
        let (records, finished) = {
            let inner = lock(&self.inner);
            (inner.records.iter().cloned().collect::<Vec<_>>(), inner.finished.clone())
        };
        let (all, by_model) = summarise(&records);
        let now = Instant::now();
        let recent = finished.iter().filter(|t| now.duration_since(**t) <= RATE_WINDOW).count();
        // Over the last five minutes, or since the first page if that is sooner (at least 10 s).
        let span = finished.front().map_or(0.0, |t| now.duration_since(*t).as_secs_f64()).max(10.0);
        let (resident, peak) = process_memory();
        EngineStats {
            cache_hit_rate: if all.requests > 0 { all.cache_hits as f64 / all.requests as f64 } else { 0.0 },
            pages_per_minute: recent as f64 * 60.0 / span,
            all,
            by_model,
            memory: MemoryFigures {
                resident_bytes: resident,
                peak_resident_bytes: peak,
                engine_added_bytes: self.engine_added_bytes,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timings(total: f64) -> StageTimings {
        StageTimings {
            cache_lookup_ms: 1.0,
            check_ms: 2.0,
            queue_wait_ms: 3.0,
            compute_ms: total - 10.0,
            write_ms: 4.0,
            total_ms: total,
        }
    }

    #[test]
    fn pages_per_minute_counts_computed_pages_not_cache_hits() {
        let stats = Stats::new(true, 0);
        let record = |from_cache| Record { model: "A".into(), from_cache, timings: timings(100.0) };
        for _ in 0..5 {
            stats.record(record(true));
        }
        assert_eq!(stats.snapshot().pages_per_minute, 0.0, "cache hits alone are no speed");
        stats.record(record(false));
        // One page within the first ten seconds counts over ten seconds.
        assert_eq!(stats.snapshot().pages_per_minute, 6.0);
        assert_eq!(stats.snapshot().all.requests, 6);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 10.0);
        assert_eq!(percentile(&values, 0.95), 19.0);
        assert_eq!(percentile(&values, 1.0), 20.0);
        assert_eq!(percentile(&[7.0], 0.95), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn figures_split_by_model_and_leave_hits_out_of_compute() {
        let mut records: Vec<Record> = (1..=10)
            .map(|i| Record { model: "A".into(), from_cache: false, timings: timings(100.0 * i as f64) })
            .collect();
        records.push(Record { model: "B".into(), from_cache: false, timings: timings(50.0) });
        records.push(Record {
            model: "A".into(),
            from_cache: true,
            timings: StageTimings { cache_lookup_ms: 0.5, total_ms: 0.5, ..Default::default() },
        });
        let (all, by_model) = summarise(&records);
        assert_eq!((all.requests, all.cache_hits), (12, 1));
        assert_eq!(all.compute.count, 11, "a hit has no compute");
        assert_eq!(all.total.count, 12);
        let a = &by_model["A"];
        assert_eq!((a.requests, a.cache_hits, a.compute.count), (11, 1, 10));
        assert_eq!(a.compute.median_ms, 490.0);
        assert_eq!(a.compute.p95_ms, 990.0);
        assert_eq!(by_model["B"].total.median_ms, 50.0);
    }

    #[test]
    fn a_disabled_recorder_records_nothing_and_memory_reads() {
        let stats = Stats::new(false, 0);
        stats.record(Record { model: "A".into(), from_cache: false, timings: timings(20.0) });
        assert_eq!(stats.snapshot().all.requests, 0);
        let (resident, peak) = process_memory();
        assert!(resident > 0 && peak >= resident);
    }
}
