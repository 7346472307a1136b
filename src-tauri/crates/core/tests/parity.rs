//! The engine's output is byte-identical to sr_vulkan called directly from Python.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use srview_core::{CancellationToken, OutputFormat, SizeRequest, UpscaleOptions, UpscaleRequest};

fn direct_python(venv: &str, input: &Path, output: &Path, model: &str, scale: f64, tile: u32) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/direct_upscale.py");
    let status = Command::new(Path::new(venv).join("bin/python"))
        .arg(script)
        .args([input.as_os_str(), output.as_os_str()])
        .args([model, &scale.to_string(), "png", &tile.to_string()])
        .status()
        .expect("run the venv's python");
    assert!(status.success(), "direct sr_vulkan call failed");
}

#[tokio::test]
async fn engine_output_matches_sr_vulkan_called_from_python() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 48, 40, 21);
    for (model, scale, tile) in
        [("WAIFU2X_CUNET_UP2X", 2.0, 100), ("REALCUGAN_SE_UP2X", 2.0, 0), ("WAIFU2X_ANIME_UP2X", 1.5, 64)]
    {
        let options = UpscaleOptions {
            model: model.into(),
            size: SizeRequest::Scale { factor: scale },
            tile_size: tile,
            format: OutputFormat::Png,
            ..UpscaleOptions::default()
        };
        let ours =
            engine.upscale(UpscaleRequest::new(&input, options), CancellationToken::new(), |_| {}).await.unwrap();
        let direct = dir.path().join(format!("{model}.png"));
        direct_python(&engine.report().venv, &input, &direct, model, scale, tile);
        let theirs = std::fs::read(&direct).unwrap();
        assert_eq!(decoded_size(&theirs), (ours.width, ours.height));
        assert!(*ours.bytes == theirs, "{model} ×{scale} tile {tile}: the engine's bytes differ from sr_vulkan's own");
    }
}
