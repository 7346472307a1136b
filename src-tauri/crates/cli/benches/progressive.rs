//! Progressive pages, measured side by side in CPU mode and printed as a Markdown table: the
//! first AI tile against one tile's compute time, the stagger's effect on the finished page,
//! the cost of reporting tiles, batch pages as one job against tiles, and a page turned to
//! while an export runs beside the reader.
//!
//! `cargo bench -p srview-cli --bench progressive` (about 8 minutes on 2 cores).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use image::{Rgb, RgbImage};
use srview_core::{
    CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, Priority, Progress, SizeRequest, TileReady,
    UpscaleOptions, UpscaleRequest,
};

const MODEL: &str = "WAIFU2X_ANIME_UP2X";
const RUNS: u32 = 3;

/// Noise-like texture with lines: the hardest case for tiles, as in the `pages` benchmark.
fn page(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let ring = ((x as i64 - 300 - seed as i64 * 37).pow(2) + (y as i64 - 200).pow(2)) as u32 / 900 % 7;
        let ink = if (x / 11 + y / 17 + seed).is_multiple_of(5) || ring == 0 { 20 } else { 230 };
        Rgb([ink, ((x * 255) / width) as u8 / 2 + ink / 2, ((y * 5 + seed * 31) % 256) as u8])
    })
}

fn write(dir: &Path, width: u32, height: u32, seed: u32) -> PathBuf {
    let path = dir.join(format!("p{seed:04}-{width}x{height}.png"));
    page(width, height, seed).save(&path).unwrap();
    path
}

fn engine(config: EngineConfig) -> Engine {
    Engine::start(EngineConfig { device: DeviceChoice::Cpu, cache_root: None, ..config }).expect("engine")
}

fn request(path: &Path, priority: Priority) -> UpscaleRequest {
    let options = UpscaleOptions {
        model: MODEL.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Webp,
        ..UpscaleOptions::default()
    };
    UpscaleRequest { priority, ..UpscaleRequest::new(path, options) }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// One page for the screen: seconds to its top-left tile (the reader's first) and to the
/// finished page, that tile, the tile count and the check stage (read, hash, decode) in seconds.
/// With `draw`, each tile's PNG is decoded as a viewer would.
async fn on_screen(engine: &Engine, path: &Path, draw: bool) -> (f64, f64, TileReady, u32, f64) {
    let started = Instant::now();
    let first = Arc::new(Mutex::new(None::<(f64, TileReady)>));
    let seen = first.clone();
    let report = move |p: Progress| {
        if let Some(tile) = p.tile {
            if draw {
                image::load_from_memory(&tile.png).expect("tile decodes");
            }
            if (tile.x, tile.y) == (0, 0) {
                seen.lock().unwrap().get_or_insert((started.elapsed().as_secs_f64(), tile));
            }
        }
    };
    let done = engine.upscale(request(path, Priority::Interactive), CancellationToken::new(), report).await.unwrap();
    let page_s = started.elapsed().as_secs_f64();
    let (first_s, tile) = first.lock().unwrap().take().expect("a tiled page reports tiles");
    (first_s, page_s, tile, done.tiles, done.timings.check_ms / 1e3)
}

/// Seconds for `pages` at batch priority, four at a time, as an export sends them.
async fn batch(engine: &Engine, pages: &[PathBuf]) -> f64 {
    let started = Instant::now();
    let window = Arc::new(tokio::sync::Semaphore::new(4));
    let tasks: Vec<_> = pages
        .iter()
        .map(|path| {
            let (engine, path, window) = (engine.clone(), path.clone(), window.clone());
            tokio::spawn(async move {
                let _slot = window.acquire_owned().await.unwrap();
                engine.upscale(request(&path, Priority::Batch), CancellationToken::new(), |_| {}).await.unwrap()
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    started.elapsed().as_secs_f64()
}

async fn measure(dir: &Path) {
    let staggered = engine(EngineConfig::default());
    let plain = engine(EngineConfig { stagger: false, ..EngineConfig::default() });
    let whole = engine(EngineConfig { tiling: false, ..EngineConfig::default() });
    let mut seed = 0;
    let mut next_page = |width, height| {
        seed += 1;
        write(dir, width, height, seed)
    };

    // The page on screen, with and without the stagger, and one tile alone (the first tile's
    // padded region as one job, with the same internal tile size), interleaved.
    let mut firsts = [Vec::new(), Vec::new()];
    let mut pages = [Vec::new(), Vec::new()];
    let mut alone = Vec::new();
    let mut tile_size = (0, 0);
    let mut tiles = 0;
    let mut checks = Vec::new();
    for _ in 0..RUNS {
        let mut first_tile = None;
        for (i, engine) in [&plain, &staggered].into_iter().enumerate() {
            let (first_s, page_s, tile, count, check_s) = on_screen(engine, &next_page(1600, 1200), true).await;
            checks.push(check_s);
            firsts[i].push(first_s);
            pages[i].push(page_s);
            tiles = count;
            first_tile.get_or_insert(tile);
        }
        let tile = first_tile.unwrap();
        let png = image::load_from_memory(&tile.png).unwrap();
        tile_size = (png.width() / tile.scale, png.height() / tile.scale);
        let region = next_page(tile_size.0, tile_size.1);
        let started = Instant::now();
        whole.upscale(request(&region, Priority::Interactive), CancellationToken::new(), |_| {}).await.unwrap();
        alone.push(started.elapsed().as_secs_f64());
    }
    let (tw, th) = tile_size;
    let tile_s = median(alone);

    // Reporting tiles drawn (each PNG decoded) against not listening, interleaved.
    let mut drawn = [Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        for (i, draw) in [true, false].into_iter().enumerate() {
            drawn[i].push(on_screen(&plain, &next_page(1600, 1200), draw).await.1);
        }
    }

    // 20 noise-like pages as a CLI batch (no reader): the default engine, against whole-page
    // jobs, against tiles beside a reader.
    let batch_pages: Vec<PathBuf> = (0..20).map(|_| next_page(800, 600)).collect();
    let mut batch_s = [0.0; 3];
    for half in batch_pages.chunks(10) {
        batch_s[0] += batch(&staggered, half).await;
        batch_s[1] += batch(&whole, half).await;
        staggered.set_reader_open(true);
        batch_s[2] += batch(&staggered, &half.iter().map(|_| next_page(800, 600)).collect::<Vec<_>>()).await;
        staggered.set_reader_open(false);
    }

    // An export of 20 such pages beside an open reader; the reader turns to a large page.
    staggered.set_reader_open(true);
    let export_pages: Vec<PathBuf> = (0..20).map(|_| next_page(800, 600)).collect();
    let export = {
        let (engine, pages) = (staggered.clone(), export_pages.clone());
        tokio::spawn(async move { batch(&engine, &pages).await })
    };
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let turned =
        staggered.upscale(request(&next_page(1600, 1200), Priority::Interactive), CancellationToken::new(), |_| {});
    let turned = turned.await.unwrap();
    export.await.unwrap();
    staggered.set_reader_open(false);
    let tile_job_s = turned.timings.compute_ms / 1e3 / turned.tiles as f64 * 2.0;

    let (first_plain, first_staggered) = (median(firsts[0].clone()), median(firsts[1].clone()));
    let (page_plain, page_staggered) = (median(pages[0].clone()), median(pages[1].clone()));
    let (with_tiles, without) = (median(drawn[0].clone()), median(drawn[1].clone()));
    println!("### Progressive pages, {MODEL} ×2, CPU mode, 1600×1200 pages in {tiles} tiles (medians of {RUNS})\n");
    println!("| measure | value | target |\n|---|---|---|");
    println!("| one tile alone ({tw}×{th} with its context) | {tile_s:.2} s | |");
    println!(
        "| turn to the first AI tile, reading order / one tile alone | {first_plain:.2} s = {:.2}× | ≤ 1.3× |",
        first_plain / tile_s
    );
    println!("| of which the turned page's check (read, hash, decode) | {:.3} s | |", median(checks));
    println!(
        "| the same with the stagger (a half tile second) | {first_staggered:.2} s = {:.2}× | |",
        first_staggered / tile_s
    );
    println!(
        "| finished page, stagger / reading order alone | {page_staggered:.1} / {page_plain:.1} s = {:.2}× | the sooner wins |",
        page_staggered / page_plain
    );
    println!(
        "| finished page, tiles reported and decoded / not listened to | {with_tiles:.1} / {without:.1} s = {:.2}× | ≤ 1.05× |",
        with_tiles / without
    );
    println!(
        "| 20 pages of 800×600, no reader: throughput default / whole-page jobs | {:.1} / {:.1} s = {:.2}× | ≥ 0.97× |",
        batch_s[0],
        batch_s[1],
        batch_s[1] / batch_s[0]
    );
    println!(
        "| the same beside an open reader (tiled) / whole-page jobs | {:.1} / {:.1} s = {:.2}× | |",
        batch_s[2],
        batch_s[1],
        batch_s[1] / batch_s[2]
    );
    println!(
        "| export beside the reader: the turned page waits / one tile job ({tile_job_s:.2} s) | {:.2} s = {:.2} tile jobs | ≤ 1.5 |",
        turned.timings.queue_wait_ms / 1e3,
        turned.timings.queue_wait_ms / 1e3 / tile_job_s
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(measure(dir.path()));
    println!("\n(The whole benchmark took {:.0} s.)", started.elapsed().as_secs_f64());
}
