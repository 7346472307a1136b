//! Seams: a page computed in tiles against the same page in one sr_vulkan call, in PSNR, for
//! every model family whose package is installed, on the device it runs on here (CPU mode, or
//! llvmpipe for Real-ESRGAN, which has no CPU mode). Printed as a Markdown table.
//!
//! `cargo bench -p srview-cli --bench seams`. The optional families need their packages:
//! `pip install --target "$XDG_DATA_HOME/srview/python" -r requirements-extras.txt`.
//! Each device runs in a child process, since sr_vulkan chooses its device once per process.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};
use srview_core::models::options::WAIFU2X_CPU_TILE;
use srview_core::{
    models::tiling, CancellationToken, DeviceChoice, Engine, EngineConfig, OutputFormat, SizeRequest, UpscaleOptions,
    UpscaleRequest,
};

/// (model, device, input width, height, tile size): the tile size sets the tile grid, and is
/// small for the slow models so that their pages stay small and still make several tiles.
/// Real-ESRGAN's 4× models (RRDB, like RealSR) took over 10 minutes on llvmpipe, so its
/// compact 2× model stands for the family.
const CASES: &[(&str, &str, u32, u32, u32)] = &[
    ("WAIFU2X_ANIME_UP2X", "cpu", 900, 700, 0),
    ("WAIFU2X_CUNET_UP2X", "cpu", 900, 700, 0),
    ("REALSR_DF2K_UP4X", "cpu", 260, 200, 32),
    ("REALESRGAN_ANIMAVIDEOV3_UP2X", "0", 260, 200, 32),
];

/// One device's cases, in this (child) process.
async fn device_cases(device: &str, dir: &Path) -> Vec<Value> {
    let choice: DeviceChoice = device.parse().unwrap();
    let start = |tiling: bool| {
        Engine::start(EngineConfig {
            device: choice,
            cache_root: Some(dir.join(format!("cache-{tiling}"))),
            tiling,
            ..EngineConfig::default()
        })
        .expect("engine")
    };
    let (tiled, whole) = (start(true), start(false));
    let installed = tiled.models().models;
    let mut rows = Vec::new();
    for &(model, case_device, width, height, tile_size) in CASES.iter().filter(|c| c.1 == device) {
        if !installed.iter().any(|m| m.name == model && m.installed) {
            rows.push(json!({ "model": model, "device": case_device, "missing": true }));
            continue;
        }
        let input = dir.join(format!("{model}.png"));
        srview_test_support::textured_page(width, height).save(&input).unwrap();
        let options = UpscaleOptions {
            model: model.into(),
            size: SizeRequest::Scale { factor: if model.ends_with("UP4X") { 4.0 } else { 2.0 } },
            tile_size,
            format: OutputFormat::Png,
            ..UpscaleOptions::default()
        };
        let run = |engine: &Engine, options: UpscaleOptions| {
            let request = UpscaleRequest::new(&input, options);
            let engine = engine.clone();
            async move {
                let started = Instant::now();
                let outcome = engine.upscale(request, CancellationToken::new(), |_| {}).await.expect("upscale");
                (outcome, started.elapsed().as_secs_f64())
            }
        };
        let (ours, tiled_s) = run(&tiled, options.clone()).await;
        let (one, whole_s) = run(&whole, options.clone()).await;
        // sr_vulkan against itself: one call at an internal tile 8 px larger than the page's.
        let info = installed.iter().find(|m| m.name == model).unwrap();
        let page_tile = if tile_size == 0 { WAIFU2X_CPU_TILE } else { tile_size };
        let policy = tiling::policy(info, page_tile, tile_size != 0, case_device == "cpu").unwrap();
        let other_tile_size = policy.internal + 8;
        let (other_tile, _) = run(&whole, UpscaleOptions { tile_size: other_tile_size, ..options.clone() }).await;
        rows.push(json!({
            "model": model,
            "device": case_device,
            "input": format!("{width}×{height}"),
            "tiles": ours.tiles,
            "db": tiling::psnr(&ours.bytes, &one.bytes).unwrap(),
            "page_tile": policy.internal,
            "other_tile": other_tile_size,
            "own_db": tiling::psnr(&other_tile.bytes, &one.bytes).unwrap(),
            "tiled_s": tiled_s,
            "whole_s": whole_s,
        }));
    }
    rows
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    if let Some(device) = std::env::var_os("SRVIEW_SEAMS_DEVICE") {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let rows = runtime.block_on(device_cases(device.to_str().unwrap(), dir.path()));
        println!("RESULT {}", Value::Array(rows));
        return;
    }
    println!("### Seams: tiled against one sr_vulkan call (PSNR of the PNG outputs)\n");
    println!("| model | device | input | tiles | tiled against one call | sr_vulkan against itself: one call at another tile size | tiled / one call |");
    println!("|---|---|---|---|---|---|---|");
    for device in ["cpu", "0"] {
        let output =
            Command::new(std::env::current_exe().unwrap()).env("SRVIEW_SEAMS_DEVICE", device).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("RESULT "))
            .unwrap_or_else(|| panic!("the {device} child failed: {text}{}", String::from_utf8_lossy(&output.stderr)));
        let device_name = if device == "cpu" { "CPU mode" } else { "llvmpipe (GPU 0)" };
        for row in serde_json::from_str::<Vec<Value>>(line).unwrap() {
            let model = row["model"].as_str().unwrap();
            if row["missing"] == true {
                println!("| {model} | {device_name} | not installed | | | | |");
                continue;
            }
            let db = |key: &str| {
                let db = row[key].as_f64().unwrap_or(f64::INFINITY);
                if db.is_infinite() {
                    "identical".to_owned()
                } else {
                    format!("{db:.1} dB")
                }
            };
            println!(
                "| {model} | {device_name} | {} | {} | {} | {} (tile {} against {}) | {:.1} / {:.1} s |",
                row["input"].as_str().unwrap(),
                row["tiles"],
                db("db"),
                db("own_db"),
                row["other_tile"],
                row["page_tile"],
                row["tiled_s"].as_f64().unwrap(),
                row["whole_s"].as_f64().unwrap()
            );
        }
    }
}
