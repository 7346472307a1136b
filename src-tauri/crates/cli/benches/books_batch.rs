//! Books, batches and statistics, side by side in one run, printed as Markdown tables:
//! reading a page from a book against a loose file, memory while paging through a 500-page
//! book, a batch's peak memory at 20 and 500 pages, batch throughput against the pages one at a
//! time, and what keeping statistics costs per request (CPU mode).
//!
//! `cargo bench -p srview-cli --bench books_batch` (about 5 minutes on 2 cores).
//!
//! `cargo bench -p srview-cli --bench books_batch -- full-size` runs only issue 22's memory
//! benchmarks, on the real `srview` binary: a batch of 120 pages of 1600×1200 against 4 such
//! pages (resident memory every 10 pages), and 8 solid `.cb7` books of 12 pages of 1100×1100
//! against 1 book. Hours of CPU time on 2 cores; `SRVIEW_BENCH_PAGES=N` runs N pages instead of
//! 120. `SRVIEW_BENCH_BINARIES="label=/path/to/srview …"` runs those builds (another allocator,
//! an older commit) instead of this one, each on the same inputs; `SRVIEW_BENCH_PARTS=pages` or
//! `books` runs one part.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use image::{Rgb, RgbImage};
use srview_core::batch::{self, BatchSpec, Layout, DEFAULT_PATTERN};
use srview_core::engine::stats::process_memory;
use srview_core::{
    Book, Bookshelf, CancellationToken, DeviceChoice, Engine, EngineConfig, ImageSource, Limits, Overwrite,
    SizeRequest, UpscaleOptions, UpscaleRequest,
};

fn page(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let v = ((x * 7 + y * 13 + seed * 31) % 256) as u8;
        let ink = if (x / 9 + y / 11 + seed).is_multiple_of(4) { 30 } else { 220 };
        Rgb([ink, v, ((x ^ y) as u8).wrapping_add(seed as u8)])
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn zip_tree(tree: &Path, target: &Path, stored: bool) {
    let flags = if stored { "-qr0" } else { "-qr" };
    let status = Command::new("zip").arg(flags).arg(target).arg(".").current_dir(tree).status().expect("zip");
    assert!(status.success());
}

/// Wall time and peak RSS (MiB) of a child process.
#[allow(clippy::zombie_processes)]
fn measured(command: &mut Command) -> (f64, f64) {
    let started = Instant::now();
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(waited > 0 && libc::WIFEXITED(status), "child failed");
    (started.elapsed().as_secs_f64(), usage.ru_maxrss as f64 / 1024.0)
}

fn options() -> UpscaleOptions {
    UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    }
}

/// Resident and peak resident memory (MiB) of process `pid`, from `/proc/PID/status`.
fn rss_of(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Runs `srview --json upscale …`, sampling its resident memory after every `every` pages.
/// Returns the samples (pages done, RSS MiB), the peak RSS (MiB, from wait4) and the wall time.
#[allow(clippy::zombie_processes)] // waited for with wait4, for its peak memory
fn batch_run(srview: &Path, args: &[std::ffi::OsString], every: usize) -> (Vec<(usize, f64)>, f64, f64) {
    use std::io::BufRead;
    let started = Instant::now();
    let mut child = Command::new(srview)
        .args(["--json", "--gpu", "cpu"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn srview");
    let pid = child.id();
    let mut samples = Vec::new();
    let mut pages = 0;
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.starts_with("{\"index\"") {
            pages += 1;
            assert!(!line.contains("\"status\":\"failed\""), "a page failed: {line}");
            if pages % every == 0 {
                samples.push((pages, rss_of(pid).0));
            }
        }
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid as i32, &mut status, 0, &mut usage) };
    assert!(waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "srview failed");
    (samples, usage.ru_maxrss as f64 / 1024.0, started.elapsed().as_secs_f64())
}

/// The `srview` builds to compare: those named in `SRVIEW_BENCH_BINARIES`, else this one.
fn binaries() -> Vec<(String, PathBuf)> {
    match std::env::var("SRVIEW_BENCH_BINARIES") {
        Ok(listed) => listed
            .split_whitespace()
            .map(|pair| {
                let (label, path) = pair.split_once('=').expect("SRVIEW_BENCH_BINARIES holds label=path pairs");
                (label.to_owned(), PathBuf::from(path))
            })
            .collect(),
        Err(_) => vec![("this build".to_owned(), PathBuf::from(env!("CARGO_BIN_EXE_srview")))],
    }
}

/// Issue 22 §1 and §1b: peak memory of real `srview` batches on pages of the size people read.
fn full_size(d: &Path) {
    let count: usize = std::env::var("SRVIEW_BENCH_PAGES").ok().and_then(|n| n.parse().ok()).unwrap_or(120);
    let (many, few) = (d.join("full-many"), d.join("full-few"));
    for (folder, pages) in [(&many, count), (&few, 4)] {
        std::fs::create_dir_all(folder).unwrap();
        for i in 0..pages {
            page(1600, 1200, 30_000 + i as u32).save(folder.join(format!("p{i:03}.jpg"))).unwrap();
        }
    }
    // 8 solid books of the same 12 pages: the first computes them, the others are cache hits, so
    // the run measures what reading the books holds, beside one book doing the same.
    let tree = d.join("book-pages");
    std::fs::create_dir_all(&tree).unwrap();
    for i in 0..12 {
        page(1100, 1100, 40_000 + i).save(tree.join(format!("p{i:02}.png"))).unwrap();
    }
    let (eight, one) = (d.join("eight-books"), d.join("one-book"));
    std::fs::create_dir_all(&eight).unwrap();
    std::fs::create_dir_all(&one).unwrap();
    let status = Command::new("7z")
        .args(["a", "-bd", "-bso0", "-ms=on"])
        .arg(one.join("vol1.cb7"))
        .arg(".")
        .current_dir(&tree)
        .status()
        .expect("7z");
    assert!(status.success());
    for i in 1..=8 {
        std::fs::copy(one.join("vol1.cb7"), eight.join(format!("vol{i}.cb7"))).unwrap();
    }
    let upscale = |cache: &Path, out: &Path, input: &Path, cbz: bool| -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec!["--cache".into(), cache.into(), "upscale".into()];
        args.extend(["--model", "WAIFU2X_ANIME_UP2X", "--out-dir"].map(Into::into));
        args.push(out.into());
        if cbz {
            args.push("--cbz".into());
        }
        args.push(input.into());
        args
    };
    let parts = std::env::var("SRVIEW_BENCH_PARTS").unwrap_or_else(|_| "pages,books".to_owned());
    for (n, (label, srview)) in binaries().iter().enumerate() {
        let run = |name: &str, input: &Path, cbz: bool, every: usize| {
            let scratch = d.join(format!("{name}-{n}"));
            batch_run(srview, &upscale(&scratch.join("cache"), &scratch.join("out"), input, cbz), every)
        };
        if parts.contains("pages") {
            println!("\n### {label}: `srview upscale FOLDER --out-dir OUT`, 1600×1200 JPEG pages, WAIFU2X_ANIME_UP2X, CPU mode\n");
            println!("| 4 pages: peak RSS | {count} pages: peak RSS | ratio | RSS every 10 pages (MiB) | wall time ({count}) |");
            println!("|---|---|---|---|---|");
            let (_, few_peak, _) = run("few", &few, false, 1);
            let (samples, many_peak, seconds) = run("many", &many, false, 10);
            let samples: Vec<String> = samples.iter().map(|(_, rss)| format!("{rss:.0}")).collect();
            println!(
                "| {few_peak:.0} MiB | {many_peak:.0} MiB | {:.2}× | {} | {seconds:.0} s |",
                many_peak / few_peak,
                samples.join(", ")
            );
        }
        if parts.contains("books") {
            println!("\n### {label}: `srview upscale FOLDER --out-dir OUT --cbz`, solid `.cb7` books of 12 pages of 1100×1100 PNG\n");
            println!("| 1 book: peak RSS | 8 books: peak RSS | ratio | RSS after each book (MiB) | wall time (8) |");
            println!("|---|---|---|---|---|");
            let (_, one_peak, _) = run("one", &one, true, 12);
            let (samples, eight_peak, seconds) = run("eight", &eight, true, 12);
            let samples: Vec<String> = samples.iter().map(|(_, rss)| format!("{rss:.0}")).collect();
            println!(
                "| {one_peak:.0} MiB | {eight_peak:.0} MiB | {:.2}× | {} | {seconds:.0} s |",
                eight_peak / one_peak,
                samples.join(", ")
            );
        }
    }
}

fn main() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if std::env::args().any(|a| a == "full-size") {
        full_size(d);
        println!("\n(The benchmark took {:.0} s.)", started.elapsed().as_secs_f64());
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    srview_core::capture_native_output(srview_core::Captured::Stderr).unwrap();

    // ---- a page from a book against a loose file: 2 MP JPEG, read and decoded ----
    let tree = d.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    let jpeg_path = tree.join("page.jpg");
    page(1632, 1224, 1).save(&jpeg_path).unwrap();
    zip_tree(&tree, &d.join("stored.cbz"), true);
    zip_tree(&tree, &d.join("deflated.cbz"), false);
    let max = 1 << 30;
    let stored = Book::open(&d.join("stored.cbz"), max).unwrap();
    let deflated = Book::open(&d.join("deflated.cbz"), max).unwrap();
    let sources: [(&str, ImageSource); 3] = [
        ("loose file", ImageSource::File(jpeg_path.clone())),
        ("stored .cbz", stored.page(0)),
        ("deflated .cbz", deflated.page(0)),
    ];
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..15 {
        for (i, (_, source)) in sources.iter().enumerate() {
            let t = Instant::now();
            let bytes = source.read(max).unwrap();
            let decoded = image::load_from_memory(&bytes).unwrap();
            std::hint::black_box(decoded);
            times[i].push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let loose = median(times[0].clone());
    println!("### A page from a book against a loose file (2 MP JPEG, read and decoded, median of 15, interleaved)\n");
    println!("| source | ms | against the loose file |\n|---|---|---|");
    for (i, (name, _)) in sources.iter().enumerate() {
        let m = median(times[i].clone());
        println!("| {name} | {m:.1} | {:.2}× |", m / loose);
    }

    // ---- a 500-page book: opening it, and memory while paging through ----
    let big_tree = d.join("big");
    std::fs::create_dir_all(&big_tree).unwrap();
    for i in 0..500 {
        page(800, 1100, i).save(big_tree.join(format!("p{i:03}.jpg"))).unwrap();
    }
    zip_tree(&big_tree, &d.join("500.cbz"), false);
    let opens: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let book = Book::open(&d.join("500.cbz"), max).unwrap();
            let first = book.read_page(0, max).unwrap();
            std::hint::black_box(image::load_from_memory(&first).unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let book = Book::open(&d.join("500.cbz"), max).unwrap();
    let mut samples = Vec::new();
    for i in 0..500 {
        let bytes = book.read_page(i, max).unwrap();
        std::hint::black_box(image::load_from_memory(&bytes).unwrap());
        if i % 100 == 99 {
            samples.push(process_memory().0 as f64 / 1_048_576.0);
        }
    }
    println!("\n### A 500-page book (800×1100 JPEG pages, deflated .cbz)\n");
    println!("| measure | value |\n|---|---|");
    println!("| open it and read and decode page 1 (median of 5) | {:.0} ms |", median(opens));
    println!(
        "| resident memory after 100, 200, … 500 pages read | {} MiB |",
        samples.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ")
    );

    // ---- batch: peak memory at 20 and 500 pages of the same size ----
    let srview = PathBuf::from(env!("CARGO_BIN_EXE_srview"));
    let mut peaks = Vec::new();
    for count in [20u32, 500] {
        let folder = d.join(format!("batch-{count}"));
        std::fs::create_dir_all(&folder).unwrap();
        for i in 0..count {
            page(128, 96, 10_000 + i).save(folder.join(format!("p{i:03}.png"))).unwrap();
        }
        let (seconds, peak) = measured(
            Command::new(&srview)
                .arg("--cache")
                .arg(d.join(format!("cache-{count}")))
                .args(["--gpu", "cpu", "upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"])
                .arg(d.join(format!("out-{count}")))
                .arg(&folder),
        );
        peaks.push((count, seconds, peak));
    }
    println!("\n### Batch memory: `srview upscale FOLDER --out-dir OUT`, 128×96 pages, one process each\n");
    println!("| pages | wall time | peak RSS |\n|---|---|---|");
    for (count, seconds, peak) in &peaks {
        println!("| {count} | {seconds:.1} s | {peak:.0} MiB |");
    }
    println!("| 500 / 20 | | {:.2}× |", peaks[1].2 / peaks[0].2);

    // ---- batch throughput against the same pages one at a time ----
    let engine =
        Engine::start(EngineConfig { device: DeviceChoice::Cpu, cache_root: None, ..Default::default() }).unwrap();
    let hundred = d.join("hundred");
    std::fs::create_dir_all(&hundred).unwrap();
    let paths: Vec<PathBuf> = (0..100)
        .map(|i| {
            let path = hundred.join(format!("p{i:03}.png"));
            page(200, 150, 20_000 + i).save(&path).unwrap();
            path
        })
        .collect();
    let one_by_one: f64 = paths
        .iter()
        .map(|path| {
            let t = Instant::now();
            runtime
                .block_on(engine.upscale(UpscaleRequest::new(path, options()), CancellationToken::new(), |_| {}))
                .unwrap();
            t.elapsed().as_secs_f64()
        })
        .sum();
    let spec = BatchSpec {
        inputs: vec![hundred.clone()],
        output: Some(d.join("hundred-out")),
        layout: Layout::Files { pattern: DEFAULT_PATTERN.into() },
        options: options(),
        overwrite: Overwrite::Never,
        window: 0,
    };
    let plan = batch::plan(&spec, &Bookshelf::new(Limits { max_bytes: max, ..Limits::default() })).unwrap();
    let t = Instant::now();
    let summary = runtime.block_on(batch::run(&engine, plan, &spec, CancellationToken::new(), |_, _| {}));
    let batched = t.elapsed().as_secs_f64();
    assert_eq!(summary.computed, 100);
    println!("\n### Batch throughput: 100 pages of 200×150, WAIFU2X_ANIME_UP2X, no cache\n");
    println!(
        "| one at a time (sum) | as a batch | pages/s one at a time | pages/s batched | ratio |\n|---|---|---|---|---|"
    );
    println!(
        "| {one_by_one:.1} s | {batched:.1} s | {:.2} | {:.2} | {:.2} |",
        100.0 / one_by_one,
        100.0 / batched,
        one_by_one / batched
    );

    // ---- statistics on and off, side by side ----
    let stats_dir = d.join("stats");
    std::fs::create_dir_all(&stats_dir).unwrap();
    let input = stats_dir.join("page.png");
    page(64, 48, 7).save(&input).unwrap();
    let engine_with = |stats: bool| {
        let config = EngineConfig {
            device: DeviceChoice::Cpu,
            cache_root: Some(d.join("stats-cache")),
            stats,
            ..Default::default()
        };
        Engine::start(config).unwrap()
    };
    let (with_stats, without) = (engine_with(true), engine_with(false));
    runtime
        .block_on(with_stats.upscale(UpscaleRequest::new(&input, options()), CancellationToken::new(), |_| {}))
        .unwrap();
    let mut hit_times = [Vec::new(), Vec::new()];
    for round in 0..2000 {
        for (slot, engine) in [&with_stats, &without].into_iter().enumerate() {
            let t = Instant::now();
            let done = runtime
                .block_on(engine.upscale(UpscaleRequest::new(&input, options()), CancellationToken::new(), |_| {}))
                .unwrap();
            assert!(done.from_cache);
            if round >= 100 {
                hit_times[slot].push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    let (on, off) = (median(hit_times[0].clone()), median(hit_times[1].clone()));
    println!("\n### Statistics on and off: cache hits of a 64×48 page (the fastest request), median of 1900 each, interleaved\n");
    println!("| statistics on | statistics off | difference per request | ratio |\n|---|---|---|---|");
    println!("| {on:.3} ms | {off:.3} ms | {:.3} ms | {:.3} |", on - off, on / off);
    let _ = std::io::stdout().flush();
    println!("\n(The whole benchmark took {:.0} s.)", started.elapsed().as_secs_f64());
}
