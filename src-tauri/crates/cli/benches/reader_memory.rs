//! Memory of a reader turning through a book with upscaling on, faster than pages finish: each
//! 2 MP page is asked for on screen, its first tiles are reported and kept for the webview (as
//! the app's `TileImages` keeps them), then the reader turns and the page is cancelled; every
//! 20th page is read to its end. Two walks side by side, each in its own process (RSS is per
//! process): with the caps of before (256 MiB of kept tiles, the webview's tiles kept until
//! 96 MiB push them out) and of now (96 MiB, a finished page's tiles let go at once).
//!
//! `cargo bench -p srview-cli --bench reader_memory` (about 6 minutes on 2 cores).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use image::{Rgb, RgbImage};
use srview_core::engine::stats::process_memory;
use srview_core::{
    CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, Priority, Progress, ResultCache, SizeRequest,
    UpscaleOptions, UpscaleRequest,
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MODEL: &str = "WAIFU2X_ANIME_UP2X";
const PAGES: u32 = 120;
/// Tiles of each page the reader waits for before turning.
const DWELL_TILES: usize = 2;
/// Every this many pages, the reader stays until the page is finished.
const FINISH_EVERY: u32 = 20;
/// The app's `TileImages` cap.
const SHOWN_CAP: usize = 96 * 1024 * 1024;

/// A scanned screentone manga page: dots, text-like strokes and the grain of a scan.
fn page(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let tone = if (x + y + seed).is_multiple_of(4) { 60 } else { 235 };
        let stroke = (x / 9 + y / 23 + seed).is_multiple_of(7) && (y % 40) < 30;
        let grain = ((x ^ (y << 11)).wrapping_mul(seed.wrapping_mul(2_654_435_761) | 1) >> 27) as u8;
        let v = if stroke { 10 + grain } else { tone - grain };
        Rgb([v, v, v])
    })
}

fn write(dir: &Path, seed: u32) -> PathBuf {
    let path = dir.join(format!("p{seed:04}.png"));
    page(1200, 1700, seed).save(&path).unwrap();
    path
}

/// The tiles kept for the webview, by page.
#[derive(Default)]
struct Shown {
    images: VecDeque<(u32, Arc<Vec<u8>>)>,
    bytes: usize,
}

impl Shown {
    fn add(&mut self, page: u32, png: Arc<Vec<u8>>) {
        self.bytes += png.len();
        self.images.push_back((page, png));
        while self.bytes > SHOWN_CAP && self.images.len() > 1 {
            let (_, gone) = self.images.pop_front().unwrap();
            self.bytes -= gone.len();
        }
    }

    fn release(&mut self, page: u32) {
        self.images.retain(|(of, _)| *of != page);
        self.bytes = self.images.iter().map(|(_, png)| png.len()).sum();
    }
}

/// The caps of one walk.
struct Caps {
    name: &'static str,
    kept_tiles_bytes: usize,
    release_finished: bool,
}

fn walks() -> [Caps; 2] {
    [
        Caps { name: "before", kept_tiles_bytes: 256 << 20, release_finished: false },
        Caps { name: "now", kept_tiles_bytes: EngineConfig::default().kept_tiles_bytes, release_finished: true },
    ]
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Walks the book; returns the RSS at the end, in MiB.
async fn walk(dir: &Path, caps: &Caps) -> f64 {
    let cache = ResultCache::open(dir.join("cache")).unwrap();
    let config = EngineConfig {
        device: DeviceChoice::Cpu,
        cache_root: None,
        kept_tiles_bytes: caps.kept_tiles_bytes,
        ..EngineConfig::default()
    };
    let engine = Engine::start(config).expect("engine").with_cache(Some(cache));
    engine.set_reader_open(true);
    let shown = Arc::new(Mutex::new(Shown::default()));
    let options = UpscaleOptions {
        model: MODEL.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Webp,
        ..UpscaleOptions::default()
    };
    let (start_rss, _) = process_memory();
    println!("#### {}: kept tiles up to {} MiB; a finished page's tiles let go: {}\n", caps.name, caps.kept_tiles_bytes >> 20, caps.release_finished);
    println!("| pages | RSS MiB | peak MiB | tiles kept by the engine | tile PNGs kept for the webview MiB |");
    println!("|---|---|---|---|---|");
    let started = Instant::now();
    for n in 1..=PAGES {
        let path = write(dir, n);
        let cancel = CancellationToken::new();
        let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
        let shown_here = shown.clone();
        let report = move |p: Progress| {
            if let Some(tile) = p.tile {
                shown_here.lock().unwrap().add(n, tile.png.clone());
                let _ = seen_tx.send(());
            }
        };
        let request = UpscaleRequest { priority: Priority::Interactive, ..UpscaleRequest::new(&path, options.clone()) };
        let task = tokio::spawn({
            let (engine, cancel) = (engine.clone(), cancel.clone());
            async move { engine.upscale(request, cancel, report).await }
        });
        if n % FINISH_EVERY != 0 {
            for _ in 0..DWELL_TILES {
                if seen_rx.recv().await.is_none() {
                    break;
                }
            }
            cancel.cancel();
        }
        let finished = task.await.unwrap().is_ok();
        if finished && caps.release_finished {
            shown.lock().unwrap().release(n);
        }
        std::fs::remove_file(&path).unwrap();
        if n == 1 || n % 20 == 0 {
            let (rss, peak) = process_memory();
            let shown_mib = shown.lock().unwrap().bytes as u64;
            println!("| {n} | {:.0} | {:.0} | {} | {:.0} |", mib(rss), mib(peak), engine.tiles_kept(), mib(shown_mib));
        }
    }
    engine.idle().await;
    let (rss, peak) = process_memory();
    println!(
        "\nStart {:.0} MiB; end {:.0} MiB (peak {:.0}); {:.0} s.\n",
        mib(start_rss),
        mib(rss),
        mib(peak),
        started.elapsed().as_secs_f64()
    );
    // What of it is memory glibc's heap holds free (sr_vulkan, ncnn and Python allocate there).
    // SAFETY: malloc_trim only returns free heap memory to the system.
    unsafe { libc::malloc_trim(0) };
    println!("After `malloc_trim(0)`: {:.0} MiB.\n", mib(process_memory().0));
    mib(rss)
}

fn main() {
    // Each walk runs in a child process of its own; the parent compares their last lines.
    if let Some(which) = std::env::var("READER_MEMORY_WALK").ok().and_then(|w| w.parse::<usize>().ok()) {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let rss = runtime.block_on(walk(dir.path(), &walks()[which]));
        println!("END_RSS {rss}");
        return;
    }
    println!("### A reader turning through {PAGES} pages of 1200×1700, {MODEL} ×2, CPU mode\n");
    println!("Each page: asked for on screen, {DWELL_TILES} tiles shown, then the reader turns (cancelled); every {FINISH_EVERY}th page is read to its end.\n");
    let mut ends = Vec::new();
    for which in 0..walks().len() {
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .env("READER_MEMORY_WALK", which.to_string())
            .stderr(std::process::Stdio::null())
            .output()
            .expect("a walk runs");
        let out = String::from_utf8_lossy(&child.stdout);
        for line in out.lines().filter(|l| !l.starts_with("END_RSS")) {
            println!("{line}");
        }
        ends.push(out.lines().find_map(|l| l.strip_prefix("END_RSS ")?.parse::<f64>().ok()).expect("a walk's end"));
    }
    println!("RSS at the end, now / before: {:.0} / {:.0} MiB = {:.2}×", ends[1], ends[0], ends[1] / ends[0]);
}
