//! The page on screen first: start-up, tiles, preemption, preload and pipeline depth,
//! measured side by side and printed as Markdown tables (CPU mode).
//!
//! `cargo bench -p srview-cli --bench pages` (about 6 minutes on 2 cores). Cases that depend
//! on the pipeline depth run in a child process per depth, since the depth is fixed when the
//! engine starts (`SRVIEW_PIPELINE_DEPTH`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use image::{Rgb, RgbImage};
use serde_json::{json, Value};
use srview_core::{
    CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, Phase, Priority, Progress, SizeRequest,
    UpscaleOptions, UpscaleRequest,
};

const MODEL: &str = "WAIFU2X_ANIME_UP2X";

/// A page with lines, fills and gradients; `seed` makes each page different.
fn page(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let ring = ((x as i64 - 300 - seed as i64 * 37).pow(2) + (y as i64 - 200).pow(2)) as u32 / 900 % 7;
        let ink = if (x / 11 + y / 17 + seed).is_multiple_of(5) || ring == 0 { 20 } else { 230 };
        Rgb([ink, ((x * 255) / width) as u8 / 2 + ink / 2, ((y * 5 + seed * 31) % 256) as u8])
    })
}

/// A comic-like page: white paper, black panel borders and lines, a few grey fills.
fn comic(width: u32, height: u32, seed: u32) -> RgbImage {
    let mut image = RgbImage::from_pixel(width, height, Rgb([250, 250, 248]));
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut next = |limit: u32| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state % limit.max(1)
    };
    for _ in 0..25 {
        let (x0, y0) = (next(width), next(height));
        let (x1, y1) = ((x0 + 20 + next(300)).min(width - 1), (y0 + 20 + next(300)).min(height - 1));
        let fill = [250u8, 250, 200, 120][next(4) as usize];
        for y in y0..=y1 {
            for x in x0..=x1 {
                let border = x < x0 + 3 || x + 3 > x1 || y < y0 + 3 || y + 3 > y1;
                let diagonal = ((x - x0) as i64 * (y1 - y0) as i64 - (y1 - y) as i64 * (x1 - x0) as i64).abs()
                    < 2 * (x1 - x0).max(y1 - y0) as i64;
                let v = if border || diagonal { 0 } else { fill };
                image.put_pixel(x, y, Rgb([v, v, v]));
            }
        }
    }
    image
}

fn write_pages(dir: &Path, count: u32, width: u32, height: u32, first_seed: u32) -> Vec<PathBuf> {
    write_with(dir, count, width, height, first_seed, page)
}

fn write_with(
    dir: &Path,
    count: u32,
    width: u32,
    height: u32,
    first_seed: u32,
    make: fn(u32, u32, u32) -> RgbImage,
) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let path = dir.join(format!("p{:03}.png", first_seed + i));
            make(width, height, first_seed + i).save(&path).unwrap();
            path
        })
        .collect()
}

fn options() -> UpscaleOptions {
    UpscaleOptions {
        model: MODEL.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Webp,
        ..UpscaleOptions::default()
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn engine(dir: &Path, tiling: bool) -> Engine {
    Engine::start(EngineConfig {
        device: DeviceChoice::Cpu,
        cache_root: Some(dir.join(format!("cache-{tiling}-{}", std::process::id()))),
        tiling,
        ..EngineConfig::default()
    })
    .expect("engine")
}

async fn upscale(engine: &Engine, input: &Path, priority: Priority) -> srview_core::UpscaleOutcome {
    let mut request = UpscaleRequest::new(input, options());
    request.priority = priority;
    engine.upscale(request, CancellationToken::new(), |_| {}).await.expect("upscale")
}

/// The measurements that depend on the pipeline depth; run in a child process.
async fn depth_case(dir: &Path) -> Value {
    let tiled = engine(dir, true);
    let whole = engine(dir, false);

    // One 1600×1200 page, alone: its progress events and their spacing.
    let big = write_pages(dir, 1, 1600, 1200, 100).remove(0);
    let events = Arc::new(Mutex::new(Vec::<(f64, u32)>::new()));
    let started = Instant::now();
    let log = events.clone();
    let report = move |p: Progress| {
        if p.phase == Phase::Computing {
            log.lock().unwrap().push((started.elapsed().as_secs_f64(), p.done));
        }
    };
    let single = tiled.upscale(UpscaleRequest::new(&big, options()), CancellationToken::new(), report).await.unwrap();
    let single_s = started.elapsed().as_secs_f64();
    let times: Vec<f64> = events.lock().unwrap().iter().filter(|(_, done)| *done > 0).map(|(t, _)| *t).collect();
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let mean_gap = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
    let spread = (gaps.iter().map(|g| (g - mean_gap).powi(2)).sum::<f64>() / gaps.len().max(1) as f64).sqrt();
    let tile_s = single.timings.compute_ms / 1e3 / single.tiles as f64;

    // Navigating: two preloaded pages compute, then the reader turns to a third.
    let pre = write_pages(dir, 3, 1600, 1200, 200);
    let (tx, mut computing) = tokio::sync::mpsc::unbounded_channel();
    let preloads: Vec<_> = pre[..2]
        .iter()
        .map(|path| {
            let (engine, path, tx) = (tiled.clone(), path.clone(), tx.clone());
            tokio::spawn(async move {
                let mut request = UpscaleRequest::new(&path, options());
                request.priority = Priority::Background;
                let report = move |p: Progress| {
                    if p.phase == Phase::Computing {
                        let _ = tx.send(());
                    }
                };
                engine.upscale(request, CancellationToken::new(), report).await.unwrap()
            })
        })
        .collect();
    computing.recv().await.unwrap();
    let turned = upscale(&tiled, &pre[2], Priority::Interactive).await;
    for task in preloads {
        task.await.unwrap();
    }

    // Time to the first page with a preload sent just before it, against without.
    let firsts = write_pages(dir, 4, 1600, 1200, 300);
    let started = Instant::now();
    upscale(&tiled, &firsts[0], Priority::Interactive).await;
    let alone_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let preload = {
        let (engine, path) = (tiled.clone(), firsts[2].clone());
        tokio::spawn(async move { upscale(&engine, &path, Priority::Background).await })
    };
    tokio::task::yield_now().await;
    upscale(&tiled, &firsts[1], Priority::Interactive).await;
    let with_preload_s = started.elapsed().as_secs_f64();
    preload.await.unwrap();

    // A 20-page batch, tiled against whole-page jobs, interleaved by halves: on noise-like
    // synthetic pages and on comic-like ones.
    let batch = write_pages(dir, 20, 800, 600, 400);
    let seconds = batch_seconds(&tiled, &whole, &batch).await;
    let comics = write_with(dir, 20, 800, 600, 500, comic);
    let comic_seconds = batch_seconds(&tiled, &whole, &comics).await;
    json!({
        "single_s": single_s,
        "tiles": single.tiles,
        "tile_s": tile_s,
        "events": times.len(),
        "gap_mean_s": mean_gap,
        "gap_sd_s": spread,
        "turn_wait_s": turned.timings.queue_wait_ms / 1e3,
        "alone_s": alone_s,
        "with_preload_s": with_preload_s,
        "batch_tiled_s": seconds[0],
        "batch_whole_s": seconds[1],
        "comic_tiled_s": comic_seconds[0],
        "comic_whole_s": comic_seconds[1],
    })
}

/// Seconds for `pages` as tiled and as whole-page jobs, ten pages at a time, interleaved.
async fn batch_seconds(tiled: &Engine, whole: &Engine, pages: &[PathBuf]) -> [f64; 2] {
    let mut seconds = [0.0f64; 2];
    for half in pages.chunks(10) {
        for (slot, engine) in [tiled, whole].into_iter().enumerate() {
            let started = Instant::now();
            let tasks: Vec<_> = half
                .iter()
                .map(|path| {
                    let (engine, path) = (engine.clone(), path.clone());
                    tokio::spawn(async move { upscale(&engine, &path, Priority::Batch).await })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            seconds[slot] += started.elapsed().as_secs_f64();
        }
    }
    seconds
}

fn startup(srview: &Path) -> Vec<(String, f64)> {
    let mut runs: Vec<Vec<(String, f64)>> = Vec::new();
    for _ in 0..9 {
        let output = Command::new(srview).args(["--json", "--gpu", "cpu", "gpus"]).output().unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        runs.push(
            report["startup"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["step"].as_str().unwrap().to_owned(), s["ms"].as_f64().unwrap()))
                .collect(),
        );
    }
    let mut steps: Vec<(String, f64)> = runs[0]
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), median(runs.iter().map(|r| r[i].1).collect())))
        .collect();
    steps.push(("total".into(), median(runs.iter().map(|r| r.iter().map(|s| s.1).sum()).collect())));
    steps
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    if std::env::var_os("SRVIEW_BENCH_CHILD").is_some() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let result = runtime.block_on(depth_case(dir.path()));
        println!("RESULT {result}");
        return;
    }
    let started = Instant::now();
    let srview = PathBuf::from(env!("CARGO_BIN_EXE_srview"));
    let steps = startup(&srview);
    println!("### Engine start, `srview --json --gpu cpu gpus`, median of 9 runs\n");
    println!("| step | ms |\n|---|---|");
    for (step, ms) in &steps {
        println!("| {step} | {ms:.1} |");
    }

    let mut by_depth = Vec::new();
    for depth in [1, 2] {
        let output = Command::new(std::env::current_exe().unwrap())
            .env("SRVIEW_BENCH_CHILD", "1")
            .env("SRVIEW_PIPELINE_DEPTH", depth.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        let line =
            text.lines().find_map(|l| l.strip_prefix("RESULT ")).unwrap_or_else(|| panic!("child failed: {text}"));
        by_depth.push((depth, serde_json::from_str::<Value>(line).unwrap()));
    }
    let f = |v: &Value, key: &str| v[key].as_f64().unwrap();
    println!("\n### Pages, {MODEL} ×2 to WebP, CPU mode, by pipeline depth (jobs handed to sr_vulkan at once)\n");
    println!("| measure | depth 1 | depth 2 | target |\n|---|---|---|---|");
    let row = |name: &str, target: &str, value: &dyn Fn(&Value) -> String| {
        println!("| {name} | {} | {} | {target} |", value(&by_depth[0].1), value(&by_depth[1].1));
    };
    row("one 1600×1200 page alone", "", &|v| format!("{:.1} s ({} tiles)", f(v, "single_s"), v["tiles"]));
    row("one tile's share of that page", "", &|v| format!("{:.2} s", f(v, "tile_s")));
    row("progress events for it", "≥ 10, even", &|v| {
        format!("{} (every {:.2} ± {:.2} s)", v["events"], f(v, "gap_mean_s"), f(v, "gap_sd_s"))
    });
    // At depth d, d tiles run side by side, so one tile job lasts about d × its share.
    let depth_of = |v: &Value| if std::ptr::eq(v, &by_depth[0].1) { 1.0 } else { 2.0 };
    row("turning to a page while 2 preloads compute: wait before it starts, in tile jobs", "≤ 1.5 tiles", &|v| {
        format!(
            "{:.2} s = {:.2} of a tile job ({:.2} s)",
            f(v, "turn_wait_s"),
            f(v, "turn_wait_s") / (f(v, "tile_s") * depth_of(v)),
            f(v, "tile_s") * depth_of(v)
        )
    });
    // "a / b s = r×", where r puts the slower side on top as the target states it.
    let pair = |label: &str, target: &str, a: &'static str, b: &'static str, ratio: fn(f64, f64) -> f64| {
        row(label, target, &|v| format!("{:.1} / {:.1} s = {:.2}×", f(v, a), f(v, b), ratio(f(v, a), f(v, b))));
    };
    pair("first page with a preload sent with it / alone", "≤ 1.1×", "with_preload_s", "alone_s", |a, b| a / b);
    let throughput = |tiled: f64, whole: f64| whole / tiled;
    pair(
        "20 noise-like pages of 800×600: throughput tiled / whole-page jobs",
        "≥ 0.9×",
        "batch_tiled_s",
        "batch_whole_s",
        throughput,
    );
    pair(
        "20 comic-like pages of 800×600: throughput tiled / whole-page jobs",
        "≥ 0.9×",
        "comic_tiled_s",
        "comic_whole_s",
        throughput,
    );
    println!("\n(The whole benchmark took {:.0} s.)", started.elapsed().as_secs_f64());
}
