//! Engine benchmarks, side by side in one run, printed as Markdown tables.
//!
//! `cargo bench -p srview-cli --bench engine` (CPU mode; about 3 minutes on 2 cores).
//! The direct-Python baselines run `crates/core/tests/python/direct_upscale.py` with the
//! project's venv.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use image::{ImageFormat, Rgb, RgbImage};
use srview_core::{
    CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, SizeRequest, UpscaleOptions, UpscaleRequest,
};

fn picture(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let stripe = if ((x / 9) + (y / 13) + seed).is_multiple_of(3) { 220 } else { 35 };
        Rgb([stripe, ((x * 255) / width) as u8, ((y * 3 + x / 2 + seed * 17) % 256) as u8])
    })
}

fn write_png(dir: &Path, name: &str, width: u32, height: u32, seed: u32) -> PathBuf {
    let path = dir.join(name);
    picture(width, height, seed).save_with_format(&path, ImageFormat::Png).unwrap();
    path
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn options(model: &str) -> UpscaleOptions {
    UpscaleOptions {
        model: model.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Png,
        ..UpscaleOptions::default()
    }
}

struct Bench {
    engine: Engine,
    cached: Engine,
    python: PathBuf,
    script: PathBuf,
    dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
}

/// Wall time and peak RSS (MiB) of a child process, reaped by `wait4` for its rusage.
#[allow(clippy::zombie_processes)]
fn run_measured(command: &mut Command) -> (f64, f64) {
    let started = Instant::now();
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child failed");
    (started.elapsed().as_secs_f64(), usage.ru_maxrss as f64 / 1024.0)
}

impl Bench {
    fn engine_once(&self, engine: &Engine, input: &Path, model: &str) -> f64 {
        self.engine_timed(engine, input, model).0
    }

    /// Whole request, and the part from `add` to the result (the bridge and sr_vulkan alone).
    fn engine_timed(&self, engine: &Engine, input: &Path, model: &str) -> (f64, f64) {
        let started = Instant::now();
        let request = UpscaleRequest::new(input, options(model));
        let done = self.runtime.block_on(engine.upscale(request, CancellationToken::new(), |_| {})).expect("upscale");
        (started.elapsed().as_secs_f64(), done.timings.compute_ms / 1e3)
    }

    fn python(&self, input: &Path, model: &str, tile: u32, repeat: usize, tuned: bool) -> Command {
        let mut command = Command::new(&self.python);
        command.arg(&self.script).arg(input).arg(self.dir.path().join("python-out"));
        command.args([model, "2", "png", &tile.to_string(), &repeat.to_string()]);
        if tuned {
            command.env("SR_THREADS", "1,2,1").env("SR_CPU_NUM", "2");
        }
        command
    }

    fn python_loop(&self, input: &Path, model: &str, tile: u32, repeat: usize) -> Vec<f64> {
        let output = self.python(input, model, tile, repeat, true).stderr(Stdio::null()).output().expect("python");
        assert!(output.status.success());
        let text = String::from_utf8_lossy(&output.stdout);
        let json: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        json["seconds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
    }

    fn bridge_overhead(&self) {
        println!("\n### Bridge overhead: the engine against the same calls in a warm Python loop\n");
        println!("| model | image | jobs | engine request | engine add→result | Python add→load | request / Python | add→result / Python |");
        println!("|---|---|---|---|---|---|---|---|");
        for (model, size) in [("WAIFU2X_ANIME_UP2X", 64), ("WAIFU2X_CUNET_UP2X", 64)] {
            let input = write_png(self.dir.path(), &format!("overhead-{model}.png"), size, size, 1);
            let (rounds, per_round) = (4, 5);
            let jobs = rounds * per_round;
            self.engine_once(&self.engine, &input, model); // warm the model
                                                           // Interleaved rounds, so a noisy neighbour affects both sides alike.
            let (mut ours, mut bridge, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..rounds {
                for _ in 0..per_round {
                    let (total, compute) = self.engine_timed(&self.engine, &input, model);
                    ours.push(total);
                    bridge.push(compute);
                }
                theirs.extend(self.python_loop(&input, model, 100, per_round + 1)[1..].iter().copied());
            }
            let (a, c, b) = (median(ours), median(bridge), median(theirs));
            println!(
                "| {model} | {size}² | {jobs} | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} | {:.2} |",
                a * 1e3,
                c * 1e3,
                b * 1e3,
                a / b,
                c / b
            );
        }
    }

    fn against_subprocess(&self) {
        println!("\n### The engine against one Python subprocess per image\n");
        println!("| model | image | runs | engine (warm) | subprocess per image | subprocess / engine |");
        println!("|---|---|---|---|---|---|");
        for (model, size, runs) in
            [("WAIFU2X_CUNET_UP2X", 64, 7), ("WAIFU2X_ANIME_UP2X", 64, 7), ("WAIFU2X_CUNET_UP2X", 512, 5)]
        {
            let input = write_png(self.dir.path(), &format!("sub-{model}-{size}.png"), size, size, 2);
            self.engine_once(&self.engine, &input, model);
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                ours.push(self.engine_once(&self.engine, &input, model));
                theirs.push(run_measured(&mut self.python(&input, model, 100, 1, true)).0);
            }
            let (a, b) = (median(ours), median(theirs));
            println!("| {model} | {size}² | {runs} | {a:.3} s | {b:.3} s | {:.2}× |", b / a);
        }
    }

    fn tuned_against_defaults(&self) {
        println!("\n### Tuned defaults against the library's defaults, WAIFU2X_CUNET_UP2X ×2, 1024×768, one process each, best time of 2 interleaved runs, highest peak RSS\n");
        let input = write_png(self.dir.path(), "big.png", 1024, 768, 3);
        let out = self.dir.path().join("tuned.webp");
        let (mut tuned, mut defaults) = (Vec::new(), Vec::new());
        for _ in 0..2 {
            tuned.push(run_measured(
                Command::new(env!("CARGO_BIN_EXE_srview"))
                    .args([
                        "--gpu",
                        "cpu",
                        "upscale",
                        "--no-cache",
                        "--overwrite",
                        "--model",
                        "WAIFU2X_CUNET_UP2X",
                        "-o",
                    ])
                    .arg(&out)
                    .arg(&input),
            ));
            defaults.push(run_measured(&mut self.python(&input, "WAIFU2X_CUNET_UP2X", 0, 1, false)));
        }
        let best = |runs: &[(f64, f64)]| {
            (runs.iter().map(|r| r.0).fold(f64::MAX, f64::min), runs.iter().map(|r| r.1).fold(0.0, f64::max))
        };
        let ((tuned_s, tuned_mb), (default_s, default_mb)) = (best(&tuned), best(&defaults));
        println!("| setting | wall time | peak RSS |");
        println!("|---|---|---|");
        println!("| srview (tile 100, threads 1/2/1, cpuNum = cores) | {tuned_s:.1} s | {tuned_mb:.0} MiB |");
        println!(
            "| library defaults (tile auto, default threads, cpuNum 0) | {default_s:.1} s | {default_mb:.0} MiB |"
        );
        println!("| ratio (defaults / srview) | {:.2}× | {:.2}× |", default_s / tuned_s, default_mb / tuned_mb);
    }

    fn cache_hit(&self) {
        println!("\n### Cache-hit latency, 2 MP input (1632×1224 → 3264×2448 WebP)\n");
        let input = write_png(self.dir.path(), "two-mp.png", 1632, 1224, 4);
        let request = || {
            UpscaleRequest::new(&input, UpscaleOptions { format: OutputFormat::Webp, ..options("WAIFU2X_ANIME_UP2X") })
        };
        let first = Instant::now();
        let miss = self.runtime.block_on(self.cached.upscale(request(), CancellationToken::new(), |_| {})).unwrap();
        let miss_s = first.elapsed().as_secs_f64();
        let hits: Vec<f64> = (0..30)
            .map(|_| {
                let started = Instant::now();
                let hit =
                    self.runtime.block_on(self.cached.upscale(request(), CancellationToken::new(), |_| {})).unwrap();
                assert!(hit.from_cache);
                started.elapsed().as_secs_f64()
            })
            .collect();
        let hit = median(hits);
        println!("| miss (compute) | hit, median of 30 | output size | miss / hit |");
        println!("|---|---|---|---|");
        println!(
            "| {miss_s:.1} s | {:.1} ms | {:.1} MiB | {:.0}× |",
            hit * 1e3,
            miss.bytes.len() as f64 / 1048576.0,
            miss_s / hit
        );
    }

    fn queued_against_sequential(&self) {
        println!("\n### 16 images queued at once against one at a time, WAIFU2X_CUNET_UP2X ×2, 128², best of 2 interleaved rounds\n");
        let inputs: Vec<PathBuf> =
            (0..16).map(|i| write_png(self.dir.path(), &format!("q{i}.png"), 128, 128, 10 + i)).collect();
        let (mut sequential, mut queued) = (Vec::new(), Vec::new());
        for _ in 0..2 {
            let started = Instant::now();
            for input in &inputs {
                self.engine_once(&self.engine, input, "WAIFU2X_CUNET_UP2X");
            }
            sequential.push(started.elapsed().as_secs_f64());
            let started = Instant::now();
            self.runtime.block_on(async {
                let tasks: Vec<_> = inputs
                    .iter()
                    .map(|input| {
                        let engine = self.engine.clone();
                        let request = UpscaleRequest::new(input, options("WAIFU2X_CUNET_UP2X"));
                        tokio::spawn(async move { engine.upscale(request, CancellationToken::new(), |_| {}).await })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap().unwrap();
                }
            });
            queued.push(started.elapsed().as_secs_f64());
        }
        let (sequential, queued) =
            (sequential.into_iter().fold(f64::MAX, f64::min), queued.into_iter().fold(f64::MAX, f64::min));
        println!("| one at a time | 16 queued at once | speed-up |");
        println!("|---|---|---|");
        println!(
            "| {sequential:.2} s ({:.2} s/image) | {queued:.2} s ({:.2} s/image) | {:.2}× |",
            sequential / 16.0,
            queued / 16.0,
            sequential / queued
        );
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let engine = Engine::start(EngineConfig { device: DeviceChoice::Cpu, ..EngineConfig::default() }).expect("engine");
    let cached = engine.with_cache(Some(srview_core::ResultCache::open(&cache).unwrap()));
    let venv = PathBuf::from(&engine.report().venv);
    let bench = Bench {
        python: venv.join("bin/python"),
        script: Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/python/direct_upscale.py"),
        engine,
        cached,
        dir,
        runtime: tokio::runtime::Runtime::new().unwrap(),
    };
    let report = bench.engine.report();
    println!(
        "## srview engine benchmark\n\nsr_vulkan {}, {} ({} cores, {} threads), Python {}",
        report.sr_vulkan_version, report.device_name, report.cpu_cores, report.cpu_threads, report.python_version
    );
    let started = Instant::now();
    bench.bridge_overhead();
    bench.against_subprocess();
    bench.queued_against_sequential();
    bench.cache_hit();
    bench.tuned_against_defaults();
    println!("\n(benchmark took {:.0} s)", started.elapsed().as_secs_f64());
    bench.engine.shutdown();
}
