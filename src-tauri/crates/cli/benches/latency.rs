//! Latency of cheap requests while the engine works: cache statistics, the info of an opened
//! page, a cache entry served as the `srimg:` protocol serves it, and an upscale answered from
//! the cache. Meanwhile a 1600×1200 page on screen is tiled and a batch of 1600×1200 pages runs
//! (CPU mode). The requests go through the same core calls as the app's handlers, on a runtime
//! with 2 workers like the app's on 2 cores; a request's latency runs from its spawn to its answer.
//!
//! `cargo bench -p srview-cli --bench latency` (about 2 minutes on 2 cores).
//! `LATENCY_OUT=file.json` keeps the figures; `LATENCY_BEFORE=file.json` prints them beside
//! this run's (run it on the code before a change with `LATENCY_OUT`, then on the change).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{Rgb, RgbImage};
use srview_core::{
    CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, Priority, ResultCache, SizeRequest,
    UpscaleOptions, UpscaleRequest,
};
use tokio::runtime::Handle;

const MODEL: &str = "WAIFU2X_ANIME_UP2X";
const BATCH_PAGES: u32 = 6;
/// Batch pages in flight at once: twice the pipeline depth, as `batch::run` keeps.
const BATCH_WINDOW: usize = 4;
/// Batch pages that must be done before the measurement ends.
const BATCH_DONE: usize = 2;
/// One cheap request every this often.
const EVERY: Duration = Duration::from_millis(20);

const KINDS: [&str; 4] = ["cache stats", "page info (header)", "srimg: cache entry", "upscale, cache hit"];

/// A comic-like page with lines, fills and gradients; `seed` makes each page different.
fn page(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let ring = ((x as i64 - 300 - seed as i64 * 37).pow(2) + (y as i64 - 200).pow(2)) as u32 / 900 % 7;
        let ink = if (x / 11 + y / 17 + seed).is_multiple_of(5) || ring == 0 { 20 } else { 230 };
        Rgb([ink, ((x * 255) / width) as u8 / 2 + ink / 2, ((y * 5 + seed * 31) % 256) as u8])
    })
}

fn write_page(dir: &Path, name: &str, seed: u32) -> PathBuf {
    let path = dir.join(name);
    page(1600, 1200, seed).save(&path).unwrap();
    path
}

fn options() -> UpscaleOptions {
    UpscaleOptions {
        model: MODEL.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Webp,
        ..UpscaleOptions::default()
    }
}

fn request(input: &Path, priority: Priority) -> UpscaleRequest {
    let mut request = UpscaleRequest::new(input, options());
    request.priority = priority;
    request
}

/// What the app's `get_sr_vulkan_cache_stats` command does.
async fn cache_stats(cache: ResultCache) {
    let stats = tokio::task::spawn_blocking(move || cache.stats()).await.unwrap();
    assert!(stats.entries >= 1);
}

/// What the app's `page_info` command does for a page on screen: its size from the header.
async fn page_info(page: PathBuf) {
    let (width, height) = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&page).unwrap();
        let (_, width, height, _) = srview_core::books::input::header("page.png", &bytes).unwrap();
        (width, height)
    })
    .await
    .unwrap();
    assert_eq!((width, height), (1600, 1200));
}

/// What the `srimg:` handler does for a cache entry: checks it is one, and reads it.
fn serve_entry(cache: &ResultCache, entry: &Path) -> usize {
    assert!(cache.is_entry(entry));
    std::fs::read(entry).unwrap().len()
}

/// What the app's upscale command does when the result is in the cache.
async fn upscale_hit(engine: Engine, input: PathBuf) {
    let outcome = engine.upscale(request(&input, Priority::Interactive), CancellationToken::new(), |_| {}).await;
    assert!(outcome.unwrap().from_cache);
}

/// Sends one cheap request after another until `stop`, and returns each kind's latencies (ms).
fn probe(
    runtime: Handle,
    engine: Engine,
    hit_page: PathBuf,
    entry: PathBuf,
    stop: Arc<AtomicBool>,
) -> BTreeMap<&'static str, Vec<f64>> {
    let cache = engine.cache().unwrap().clone();
    let mut latencies: BTreeMap<&'static str, Vec<f64>> = KINDS.iter().map(|k| (*k, Vec::new())).collect();
    let mut turn = 0usize;
    while !stop.load(Ordering::SeqCst) {
        let kind = KINDS[turn % KINDS.len()];
        turn += 1;
        let started = Instant::now();
        match kind {
            "cache stats" => runtime.block_on(runtime.spawn(cache_stats(cache.clone()))).unwrap(),
            "page info (header)" => runtime.block_on(runtime.spawn(page_info(hit_page.clone()))).unwrap(),
            "srimg: cache entry" => {
                // The protocol handler hands the read to the blocking pool from the webview's thread.
                let (cache, entry) = (cache.clone(), entry.clone());
                let bytes = runtime.block_on(runtime.spawn_blocking(move || serve_entry(&cache, &entry))).unwrap();
                assert!(bytes > 0);
            }
            _ => runtime.block_on(runtime.spawn(upscale_hit(engine.clone(), hit_page.clone()))).unwrap(),
        }
        latencies.get_mut(kind).unwrap().push(started.elapsed().as_secs_f64() * 1e3);
        std::thread::sleep(EVERY);
    }
    latencies
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// p50, p95, p99, max and count per kind.
fn summarise(latencies: &BTreeMap<&'static str, Vec<f64>>) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (kind, values) in latencies {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        out.insert(
            kind.to_string(),
            serde_json::json!({
                "n": sorted.len(),
                "p50": percentile(&sorted, 0.50),
                "p95": percentile(&sorted, 0.95),
                "p99": percentile(&sorted, 0.99),
                "max": sorted.last().copied().unwrap_or_default(),
            }),
        );
    }
    serde_json::Value::Object(out)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let engine = runtime
        .block_on(runtime.spawn_blocking({
            let root = dir.path().join("cache");
            move || {
                Engine::start(EngineConfig {
                    device: DeviceChoice::Cpu,
                    cache_root: Some(root),
                    ..EngineConfig::default()
                })
            }
        }))
        .unwrap()
        .expect("the engine starts");

    // A page already upscaled, whose cache entry the cheap requests read.
    let hit_page = write_page(dir.path(), "hit.png", 1);
    let warm = runtime
        .block_on(engine.upscale(request(&hit_page, Priority::Interactive), CancellationToken::new(), |_| {}))
        .unwrap();
    let entry = warm.cache_path.clone().unwrap();
    let on_screen = write_page(dir.path(), "screen.png", 2);
    let batch: Vec<PathBuf> =
        (0..BATCH_PAGES).map(|i| write_page(dir.path(), &format!("b{i:02}.png"), 10 + i)).collect();

    // Idle figures first, then under load.
    let mut results = serde_json::Map::new();
    let stop = Arc::new(AtomicBool::new(false));
    let idle = {
        let (handle, engine, hit, entry, stop) =
            (runtime.handle().clone(), engine.clone(), hit_page.clone(), entry.clone(), stop.clone());
        std::thread::spawn(move || probe(handle, engine, hit, entry, stop))
    };
    std::thread::sleep(Duration::from_secs(4));
    stop.store(true, Ordering::SeqCst);
    results.insert("idle".into(), summarise(&idle.join().unwrap()));

    let stop = Arc::new(AtomicBool::new(false));
    let prober = {
        let (handle, engine, hit, entry, stop) =
            (runtime.handle().clone(), engine.clone(), hit_page.clone(), entry.clone(), stop.clone());
        std::thread::spawn(move || probe(handle, engine, hit, entry, stop))
    };
    let started = Instant::now();
    let (screen_s, batch_done) = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let window = Arc::new(tokio::sync::Semaphore::new(BATCH_WINDOW));
        let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
        for path in batch.clone() {
            let (engine, cancel, window, done_tx) = (engine.clone(), cancel.clone(), window.clone(), done_tx.clone());
            tokio::spawn(async move {
                let _slot = window.acquire_owned().await.unwrap();
                let result = engine.upscale(request(&path, Priority::Batch), cancel, |_| {}).await;
                let _ = done_tx.send(result.is_ok());
            });
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let screen_started = Instant::now();
        let screen = engine.upscale(request(&on_screen, Priority::Interactive), CancellationToken::new(), |_| {});
        let screen = screen.await.unwrap();
        assert!(screen.tiles >= 12, "{} tiles", screen.tiles);
        let screen_s = screen_started.elapsed().as_secs_f64();
        let mut batch_done = 0;
        while batch_done < BATCH_DONE {
            if done_rx.recv().await.unwrap() {
                batch_done += 1;
            }
        }
        cancel.cancel();
        (screen_s, batch_done)
    });
    stop.store(true, Ordering::SeqCst);
    let load_s = started.elapsed().as_secs_f64();
    results.insert("load".into(), summarise(&prober.join().unwrap()));
    runtime.block_on(engine.idle());

    let figures = serde_json::Value::Object(results);
    if let Ok(path) = std::env::var("LATENCY_OUT") {
        std::fs::write(&path, serde_json::to_string_pretty(&figures).unwrap()).unwrap();
    }
    let before: Option<serde_json::Value> = std::env::var("LATENCY_BEFORE")
        .ok()
        .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap());

    println!(
        "\nLoad: a 1600×1200 page on screen ({screen_s:.1} s, tiled) while a batch of {BATCH_PAGES} such pages \
         runs ({batch_done} done, {BATCH_WINDOW} in flight), {load_s:.1} s in all; {MODEL}, CPU mode, 2 runtime workers.\n"
    );
    let ms = |v: &serde_json::Value, phase: &str, kind: &str, q: &str| v[phase][kind][q].as_f64().unwrap_or(f64::NAN);
    match &before {
        None => {
            println!("| phase | request | n | p50 ms | p95 ms | p99 ms | max ms |");
            println!("|---|---|---|---|---|---|---|");
            for phase in ["idle", "load"] {
                for kind in KINDS {
                    let row = &figures[phase][kind];
                    println!(
                        "| {phase} | {kind} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                        row["n"],
                        ms(&figures, phase, kind, "p50"),
                        ms(&figures, phase, kind, "p95"),
                        ms(&figures, phase, kind, "p99"),
                        ms(&figures, phase, kind, "max"),
                    );
                }
            }
        }
        Some(before) => {
            println!("| phase | request | p50 before / now | p95 before / now | p99 before / now | max before / now | p99 ratio |");
            println!("|---|---|---|---|---|---|---|");
            for phase in ["idle", "load"] {
                for kind in KINDS {
                    let pair =
                        |q: &str| format!("{:.1} / {:.1}", ms(before, phase, kind, q), ms(&figures, phase, kind, q));
                    println!(
                        "| {phase} | {kind} | {} | {} | {} | {} | {:.2} |",
                        pair("p50"),
                        pair("p95"),
                        pair("p99"),
                        pair("max"),
                        ms(&figures, phase, kind, "p99") / ms(before, phase, kind, "p99"),
                    );
                }
            }
        }
    }
    println!("\nTargets under load: p95 ≤ 50 ms, p99 ≤ 100 ms.");
    engine.shutdown();
}
