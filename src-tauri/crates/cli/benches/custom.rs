//! Custom models: what the bridge adds to an ONNX model, and what crossing as numpy costs.
//!
//! `cargo bench -p srview-cli --bench custom` (CPU mode; about 2 minutes on 2 cores).
//! The model is a small ESPCN-shaped network built by `crates/core/tests/python/make_models.py`;
//! the baseline is `crates/core/tests/python/direct_onnx.py`, a plain Python script running the
//! same onnxruntime session on the same decoded array. Rounds alternate between the two.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use image::{ImageFormat, Rgb, RgbImage};
use srview_core::{
    CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, SizeRequest, UpscaleOptions, UpscaleRequest,
};

const WIDTH: u32 = 1600;
const HEIGHT: u32 = 1250;
const REPEATS: usize = 5;
const ROUNDS: usize = 2;

fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let stripe = if ((x / 9) + (y / 13)).is_multiple_of(3) { 220 } else { 35 };
        Rgb([stripe, ((x * 255) / width) as u8, ((y * 3 + x / 2) % 256) as u8])
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn python_baseline(python: &Path, script: &Path, model: &Path, raw: &Path) -> Vec<f64> {
    let output = Command::new(python)
        .arg(script)
        .arg(model)
        .arg(raw)
        .args([WIDTH.to_string(), HEIGHT.to_string(), REPEATS.to_string()])
        .output()
        .expect("run direct_onnx.py");
    assert!(output.status.success(), "direct_onnx.py failed: {}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("direct_onnx.py prints JSON");
    json["ms"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

fn main() {
    srview_core::capture_native_output(srview_core::Captured::Stderr).expect("capture native output");
    let dir = tempfile::tempdir().unwrap();
    let image = picture(WIDTH, HEIGHT);
    let raw = dir.path().join("page.rgb");
    std::fs::write(&raw, image.as_raw()).unwrap();
    let png = dir.path().join("page.png");
    image.save_with_format(&png, ImageFormat::Png).unwrap();
    let venv = srview_core::venv::locate_venv(None).expect("the project venv (scripts/setup.sh)");
    let python = venv.join("bin/python");
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/python");
    let made = Command::new(&python)
        .arg(scripts.join("make_models.py"))
        .arg(dir.path())
        .arg(&raw)
        .args([WIDTH.to_string(), HEIGHT.to_string()])
        .status()
        .expect("make_models.py");
    assert!(made.success());
    let models = dir.path().join("models");
    let model = models.join("espcn-like-2x.onnx");
    std::fs::rename(dir.path().join("espcn-like-2x.onnx"), &model).unwrap();

    let config = |tiling| EngineConfig {
        device: DeviceChoice::Cpu,
        models_dir: Some(models.clone()),
        tiling,
        ..EngineConfig::default()
    };
    let engine = Engine::start(config(true)).expect("engine");
    let loaded = srview_python::load_custom(&model, "bench").expect("load the model");
    let limit = Duration::from_secs(600);

    // 1. The bridge against plain Python, on the whole 2 MP array, rounds alternating.
    let (mut direct, mut bridge, mut crossing_in, mut crossing_out) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    loaded.upscale(image.as_raw().clone(), WIDTH, HEIGHT, 2, limit).expect("warm-up");
    for _ in 0..ROUNDS {
        direct.extend(python_baseline(&python, &scripts.join("direct_onnx.py"), &model, &raw));
        for _ in 0..REPEATS {
            let pixels = image.as_raw().clone();
            let started = Instant::now();
            let (out, times) = loaded.upscale(pixels, WIDTH, HEIGHT, 2, limit).expect("bridge run");
            bridge.push(ms(started.elapsed()));
            crossing_in.push(ms(times.array_in));
            crossing_out.push(ms(times.view_out));
            assert_eq!((out.width, out.height), (WIDTH * 2, HEIGHT * 2));
        }
    }
    // 2. The crossing alone: a numpy array over the Rust buffer, an identity call, one copy out.
    let (mut bare_in, mut bare_out) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let times = srview_python::crossing_roundtrip(image.as_raw().clone(), WIDTH, HEIGHT).expect("crossing");
        bare_in.push(ms(times.array_in));
        bare_out.push(ms(times.view_out));
    }
    // 3. The whole engine: decode, tiles (or one piece), model, stitch, PNG encode.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let whole_engine = Engine::start(config(false)).expect("engine without tiles");
    let mut engine_rows = Vec::new();
    for (label, engine) in [("tiles of 256 (auto), 16 px context", &engine), ("one piece", &whole_engine)] {
        let (mut totals, mut computes, mut tiles) = (Vec::new(), Vec::new(), 0);
        for _ in 0..3 {
            let options = UpscaleOptions {
                model: "custom:espcn-like-2x.onnx".into(),
                size: SizeRequest::Scale { factor: 2.0 },
                format: OutputFormat::Png,
                ..UpscaleOptions::default()
            };
            let outcome = runtime
                .block_on(engine.upscale(UpscaleRequest::new(png.clone(), options), CancellationToken::new(), |_| {}))
                .expect("engine run");
            totals.push(outcome.timings.total_ms);
            computes.push(outcome.timings.compute_ms);
            tiles = outcome.tiles;
        }
        engine_rows.push((label, tiles, median(computes), median(totals)));
    }

    let (direct_ms, bridge_ms) = (median(direct.clone()), median(bridge.clone()));
    let overhead = bridge_ms - direct_ms;
    let allowed = (direct_ms * 0.05).max(20.0);
    println!(
        "### Custom models, {WIDTH}×{HEIGHT} ({:.1} MP), ESPCN-shaped 2× model, CPU provider",
        (WIDTH * HEIGHT) as f64 / 1e6
    );
    println!();
    println!("| Path | Median | Runs |");
    println!("|---|---:|---:|");
    println!("| plain Python script, same session and array | {direct_ms:.1} ms | {} |", direct.len());
    println!("| SRView's bridge (numpy in, run, view out, one copy) | {bridge_ms:.1} ms | {} |", bridge.len());
    println!();
    println!(
        "Bridge overhead: {overhead:+.1} ms, ratio {:.3}× (target: at most {allowed:.1} ms, the larger of 5 % and 20 ms): {}",
        bridge_ms / direct_ms,
        if overhead <= allowed { "met" } else { "NOT met" }
    );
    let (cross_in, cross_out) = (median(bare_in), median(bare_out));
    println!(
        "Crossing as numpy, 2 MP: array in {cross_in:.3} ms, view and copy out {cross_out:.3} ms, {:.3} ms in all (target < 5 ms): {}",
        cross_in + cross_out,
        if cross_in + cross_out < 5.0 { "met" } else { "NOT met" }
    );
    println!(
        "Inside the bridge runs: array in {:.3} ms, view and copy out of the 4× larger result {:.3} ms (medians)",
        median(crossing_in),
        median(crossing_out)
    );
    println!();
    println!("| Whole engine, PNG in and out, no cache | Tiles | Compute | Total |");
    println!("|---|---:|---:|---:|");
    for (label, tiles, compute, total) in engine_rows {
        println!("| {label} | {tiles} | {compute:.0} ms | {total:.0} ms |");
    }
}
