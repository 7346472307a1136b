//! Custom upscalers through the whole engine: real ONNX models built with the `onnx` package
//! (see `python/make_models.py`), run on onnxruntime, compared with numpy's expected output;
//! and Python plugins, the shipped example and ones that misbehave.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::*;
use image::RgbImage;
use srview_core::{
    CancellationToken, Engine, EngineConfig, OutputFormat, SizeRequest, SrError, UpscaleOptions, UpscaleOutcome,
    UpscaleRequest,
};

/// The generated models, input and expected outputs (made once per test binary).
struct Fixtures {
    _dir: tempfile::TempDir,
    root: PathBuf,
    input: PathBuf,
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        let input = write_image(&root, "input.png", WIDTH, HEIGHT, 3);
        let raw = root.join("input.rgb");
        std::fs::write(&raw, picture(WIDTH, HEIGHT, 3).into_raw()).expect("write raw input");
        let venv = srview_core::venv::locate_venv(None).expect("the project venv");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/make_models.py");
        let status = std::process::Command::new(venv.join("bin/python"))
            .arg(&script)
            .arg(&root)
            .arg(&raw)
            .args([WIDTH.to_string(), HEIGHT.to_string()])
            .status()
            .expect("run make_models.py");
        assert!(status.success(), "make_models.py failed (is the `onnx` test package installed? run scripts/setup.sh)");
        Fixtures { _dir: dir, root, input }
    })
}

fn engine_on(models_dir: &Path, limit: Duration) -> (Engine, tempfile::TempDir) {
    engine_with(EngineConfig {
        models_dir: Some(models_dir.to_path_buf()),
        custom_call_limit: limit,
        ..EngineConfig::default()
    })
}

fn options(model: &str, factor: f64, tile: u32) -> UpscaleOptions {
    UpscaleOptions {
        model: model.into(),
        size: SizeRequest::Scale { factor },
        tile_size: tile,
        format: OutputFormat::Png,
        ..UpscaleOptions::default()
    }
}

async fn upscale(engine: &Engine, input: &Path, options: UpscaleOptions) -> Result<UpscaleOutcome, SrError> {
    engine.upscale(UpscaleRequest::new(input.to_path_buf(), options), CancellationToken::new(), |_| {}).await
}

fn rgb(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("output decodes").to_rgb8()
}

const WIDTH: u32 = 300;
const HEIGHT: u32 = 260;

/// numpy's output for `name`, on the test image.
fn expected(name: &str) -> RgbImage {
    let raw = std::fs::read(fixtures().root.join("expected").join(format!("{name}.rgb"))).expect("expected output");
    let scale = ((raw.len() / (WIDTH * HEIGHT * 3) as usize) as f64).sqrt() as u32;
    RgbImage::from_raw(WIDTH * scale, HEIGHT * scale, raw).expect("expected output has a whole scale")
}

fn nearest(image: &RgbImage, scale: u32) -> RgbImage {
    RgbImage::from_fn(image.width() * scale, image.height() * scale, |x, y| *image.get_pixel(x / scale, y / scale))
}

fn folder_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("models dir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write model");
    }
    dir
}

fn plugin(body: &str) -> Vec<u8> {
    format!("import numpy as np\nSCALES = [2]\n\ndef upscale(image, scale):\n{body}\n").into_bytes()
}

/// A built-in model still runs after whatever went wrong.
async fn builtin_still_works(engine: &Engine) {
    let dir = tempfile::tempdir().unwrap();
    let page = write_image(dir.path(), "small.png", 40, 30, 9);
    let outcome = upscale(engine, &page, options("WAIFU2X_CUNET_UP2X", 2.0, 0)).await.expect("waifu2x still runs");
    assert_eq!((outcome.width, outcome.height), (80, 60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onnx_models_match_their_numpy_reference_pixel_for_pixel() {
    let f = fixtures();
    let (engine, _cache) = engine_on(&f.root.join("models"), Duration::from_secs(60));
    for (model, scale) in [("d2s-2x", 2), ("d2s-2x-fixed48", 2), ("nearest-4x-uint8", 4), ("invert-2x", 2)] {
        let outcome = upscale(&engine, &f.input, options(&format!("custom:{model}.onnx"), scale as f64, 128))
            .await
            .unwrap_or_else(|e| panic!("{model}: {e}"));
        assert_eq!((outcome.width, outcome.height), (300 * scale, 260 * scale), "{model}");
        assert!(outcome.tiles > 1, "{model} ran in tiles ({})", outcome.tiles);
        assert_eq!(outcome.model, format!("custom:{model}.onnx"));
        let produced = rgb(&outcome.bytes);
        assert!(produced == expected(model), "{model}: SRView's output differs from numpy's");
        say(&format!("custom model {model}: {} tiles, equal to numpy pixel for pixel", outcome.tiles));
    }
    // A 2× model asked for 4× runs twice.
    let outcome = upscale(&engine, &f.input, options("custom:d2s-2x.onnx", 4.0, 0)).await.expect("chained");
    assert!(rgb(&outcome.bytes) == nearest(&image::open(&f.input).unwrap().to_rgb8(), 4));
    assert_eq!(engine.custom_models_loaded(), 2, "four models used, the two used last stay loaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiled_equals_untiled_for_a_pointwise_model() {
    let f = fixtures();
    let (engine, _cache) = engine_on(&f.root.join("models"), Duration::from_secs(60));
    let tiled = upscale(&engine, &f.input, options("custom:invert-2x.onnx", 2.0, 64)).await.expect("tiled");
    let whole = upscale(&engine, &f.input, options("custom:invert-2x.onnx", 2.0, 0)).await.expect("whole");
    assert!(tiled.tiles >= 20 && whole.tiles == 1, "tiles: {} and {}", tiled.tiles, whole.tiles);
    assert!(!tiled.from_cache && !whole.from_cache, "the tile size is part of the key");
    assert!(tiled.bytes == whole.bytes, "no seams: tiled and whole outputs are the same bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_a_model_file_never_serves_its_old_results() {
    let f = fixtures();
    let models = f.root.join("models");
    let dir = folder_with(&[("mine.onnx", &std::fs::read(models.join("d2s-2x.onnx")).unwrap())]);
    let (engine, cache) = engine_on(dir.path(), Duration::from_secs(60));
    let first = upscale(&engine, &f.input, options("custom:mine.onnx", 2.0, 0)).await.expect("first");
    assert!(!first.from_cache && rgb(&first.bytes) == expected("d2s-2x"));
    let again = upscale(&engine, &f.input, options("custom:mine.onnx", 2.0, 0)).await.expect("again");
    assert!(again.from_cache, "the same model file hits the cache");
    std::fs::write(dir.path().join("mine.onnx"), std::fs::read(models.join("invert-2x.onnx")).unwrap()).unwrap();
    let replaced = upscale(&engine, &f.input, options("custom:mine.onnx", 2.0, 0)).await.expect("replaced");
    assert!(!replaced.from_cache, "a new file under the same name is a new model");
    assert!(rgb(&replaced.bytes) == expected("invert-2x"));
    assert_eq!(cache_entries(cache.path()), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_are_listed_with_scale_and_provider_and_broken_ones_say_why() {
    let f = fixtures();
    let (models, broken) = (f.root.join("models"), f.root.join("broken"));
    let read = |dir: &Path, name: &str| std::fs::read(dir.join(name)).unwrap();
    let dir = folder_with(&[
        ("d2s-2x.onnx", &read(&models, "d2s-2x.onnx")),
        ("nearest-4x-uint8.onnx", &read(&models, "nearest-4x-uint8.onnx")),
        ("corrupt.onnx", &read(&broken, "corrupt.onnx")),
        ("two-inputs.onnx", &read(&broken, "two-inputs.onnx")),
        ("not-a-multiple.onnx", &read(&broken, "not-a-multiple.onnx")),
        ("syntax.py", b"SCALES = [2]\ndef upscale(image, scale)\n    return image\n"),
        ("notes.txt", b"not a model"),
    ]);
    let (engine, _cache) = engine_on(dir.path(), Duration::from_secs(60));
    let listing = engine.models();
    assert_eq!(engine.custom_models_loaded(), 0, "listing describes the models without keeping them loaded");
    let custom: Vec<_> = listing.models.iter().filter(|m| m.custom.is_some()).collect();
    let names: Vec<&str> = custom.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "custom:corrupt.onnx",
            "custom:d2s-2x.onnx",
            "custom:nearest-4x-uint8.onnx",
            "custom:not-a-multiple.onnx",
            "custom:syntax.py",
            "custom:two-inputs.onnx"
        ]
    );
    let find = |name: &str| custom.iter().find(|m| m.name == name).unwrap();
    let d2s = find("custom:d2s-2x.onnx");
    let info = d2s.custom.as_ref().unwrap();
    assert_eq!(
        (d2s.native_scale, info.provider.as_deref(), info.value_range.as_deref()),
        (2, Some("CPUExecutionProvider"), Some("0-1"))
    );
    let uint8 = find("custom:nearest-4x-uint8.onnx");
    assert_eq!((uint8.native_scale, uint8.custom.as_ref().unwrap().value_range.as_deref()), (4, Some("0-255")));
    for (name, why) in [
        ("custom:corrupt.onnx", "onnxruntime cannot load it"),
        ("custom:two-inputs.onnx", "2 inputs"),
        ("custom:not-a-multiple.onnx", "not a whole multiple"),
        ("custom:syntax.py", "SyntaxError"),
    ] {
        let problem = find(name).custom.as_ref().unwrap().problem.clone().unwrap_or_default();
        assert!(problem.contains(why), "{name}: {problem}");
        assert!(!find(name).installed, "{name} is not offered");
        let err = upscale(&engine, &f.input, options(name, 2.0, 0)).await.expect_err("a broken model is refused");
        assert_eq!(err.kind(), "custom_model_broken", "{name}: {err}");
    }
    assert!(find("custom:syntax.py").custom.as_ref().unwrap().problem.as_ref().unwrap().contains("Traceback"));
    assert!(listing.onnxruntime.as_deref().is_some_and(|v| v.starts_with("1.")), "{:?}", listing.onnxruntime);
    let err = upscale(&engine, &f.input, options("custom:notes.txt", 2.0, 0)).await.expect_err("not a model");
    assert_eq!(err.kind(), "unknown_model");
    builtin_still_works(&engine).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_plugin_upscales_like_numpy_and_any_array_layout_is_read() {
    let f = fixtures();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/plugins/nearest_neighbour.py");
    let fortran = plugin("    return np.asfortranarray(image.repeat(scale, axis=0).repeat(scale, axis=1))");
    let dir = folder_with(&[("nearest_neighbour.py", &std::fs::read(example).unwrap()), ("fortran.py", &fortran)]);
    let (engine, _cache) = engine_on(dir.path(), Duration::from_secs(60));
    let source = image::open(&f.input).unwrap().to_rgb8();
    let listing = engine.models();
    let example = listing.models.iter().find(|m| m.name == "custom:nearest_neighbour.py").unwrap();
    let info = example.custom.as_ref().unwrap();
    assert_eq!((info.label.as_deref(), info.scales.as_slice()), (Some("Nearest neighbour (numpy)"), &[2, 3, 4][..]));
    for scale in [2, 3] {
        let outcome = upscale(&engine, &f.input, options("custom:nearest_neighbour.py", scale as f64, 128))
            .await
            .expect("the example plugin runs");
        assert!(rgb(&outcome.bytes) == nearest(&source, scale), "{scale}×");
    }
    let outcome = upscale(&engine, &f.input, options("custom:fortran.py", 2.0, 0)).await.expect("fortran order");
    assert!(rgb(&outcome.bytes) == nearest(&source, 2), "a non-contiguous result is copied out correctly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugins_that_misbehave_get_typed_errors_and_everything_still_works() {
    let dir = folder_with(&[
        ("raises.py", &plugin("    raise ValueError('this plugin is unhappy')")),
        ("loops.py", &plugin("    while True:\n        pass")),
        ("none.py", &plugin("    return None")),
        ("float64.py", &plugin("    return image.repeat(2, 0).repeat(2, 1).astype(np.float64)")),
        ("wrong_size.py", &plugin("    return image")),
        ("good.py", &plugin("    return image.repeat(2, 0).repeat(2, 1)")),
    ]);
    let limit = Duration::from_secs(2);
    let (engine, cache) = engine_on(dir.path(), limit);
    let small = write_image(dir.path(), "small.png", 64, 48, 5);
    for (name, kind, says) in [
        ("raises.py", "python", "this plugin is unhappy"),
        ("none.py", "bad_model_output", "returned None; expected a 96×128×3 uint8 numpy array"),
        ("float64.py", "bad_model_output", "float64"),
        ("wrong_size.py", "bad_model_output", "shape [48, 64, 3]"),
        ("loops.py", "timeout", "2.0 s"),
    ] {
        let started = Instant::now();
        let err = upscale(&engine, &small, options(&format!("custom:{name}"), 2.0, 0)).await.expect_err(name);
        assert_eq!(err.kind(), kind, "{name}: {err}");
        assert!(err.to_string().contains(says), "{name}: {err}");
        if name == "loops.py" {
            let took = started.elapsed();
            assert!(took < limit + Duration::from_secs(10), "interrupted after {took:?}");
        }
        let good = upscale(&engine, &small, options("custom:good.py", 2.0, 0)).await.expect("the next request works");
        assert_eq!((good.width, good.height), (128, 96));
    }
    assert_eq!(cache_entries(cache.path()), 1, "failures leave nothing in the cache");
    builtin_still_works(&engine).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_models_folder_that_does_not_exist_is_reported_and_builtin_models_still_work() {
    let missing = tempfile::tempdir().unwrap().path().join("no-such-folder");
    let (engine, _cache) = engine_on(&missing, Duration::from_secs(60));
    let listing = engine.models();
    assert_eq!(listing.models_dir_problem.as_ref().map(SrError::kind), Some("models_dir_missing"));
    assert!(listing.models.iter().all(|m| m.custom.is_none()) && !listing.models.is_empty());
    let err = upscale(&engine, &fixtures().input, options("custom:d2s-2x.onnx", 2.0, 0)).await.expect_err("no folder");
    assert_eq!(err.kind(), "models_dir_missing");
    builtin_still_works(&engine).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tile_that_runs_out_of_memory_is_retried_smaller_and_the_page_completes() {
    let f = fixtures();
    let picky = plugin(
        "    if image.shape[0] * image.shape[1] > 48 * 48:\n        raise MemoryError('too big for this device')\n    return image.repeat(2, 0).repeat(2, 1)",
    );
    let dir = folder_with(&[("picky.py", &picky), ("never.py", &plugin("    raise MemoryError('never fits')"))]);
    let (engine, _cache) = engine_on(dir.path(), Duration::from_secs(60));
    let outcome = upscale(&engine, &f.input, options("custom:picky.py", 2.0, 128)).await.expect("completes smaller");
    assert!(rgb(&outcome.bytes) == nearest(&image::open(&f.input).unwrap().to_rgb8(), 2));
    let err = upscale(&engine, &f.input, options("custom:never.py", 2.0, 128)).await.expect_err("floor reached");
    assert_eq!(err.kind(), "out_of_memory", "{err}");
    builtin_still_works(&engine).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transparency_goes_around_the_model_and_is_resized_on_its_own() {
    let f = fixtures();
    let (engine, _cache) = engine_on(&f.root.join("models"), Duration::from_secs(60));
    let dir = tempfile::tempdir().unwrap();
    let rgba = image::RgbaImage::from_fn(120, 90, |x, y| {
        let p = picture(120, 90, 4).get_pixel(x, y).0;
        image::Rgba([p[0], p[1], p[2], (x * 2) as u8])
    });
    let input = dir.path().join("alpha.png");
    rgba.save(&input).unwrap();
    let outcome = upscale(&engine, &input, options("custom:d2s-2x.onnx", 2.0, 0)).await.expect("RGBA page");
    let out = image::load_from_memory(&outcome.bytes).unwrap().to_rgba8();
    assert_eq!(out.dimensions(), (240, 180));
    let colour = image::DynamicImage::ImageRgba8(rgba.clone()).to_rgb8();
    assert!(
        image::DynamicImage::ImageRgba8(out.clone()).to_rgb8() == nearest(&colour, 2),
        "colour went through the model"
    );
    for (x, y) in [(0, 0), (60, 40), (200, 100), (238, 170)] {
        let expected = rgba.get_pixel(x / 2, y / 2).0[3] as i32;
        let got = out.get_pixel(x, y).0[3] as i32;
        assert!((got - expected).abs() <= 3, "alpha at ({x}, {y}): {got}, source {expected}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_between_tiles_and_coming_back_resumes_without_recomputing() {
    let f = fixtures();
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.txt");
    let slow = plugin(&format!(
        "    import time\n    open({:?}, 'a').write('x')\n    time.sleep(0.15)\n    return image.repeat(2, 0).repeat(2, 1)",
        calls.display().to_string()
    ));
    std::fs::write(dir.path().join("slow.py"), slow).unwrap();
    let (engine, _cache) = engine_on(dir.path(), Duration::from_secs(60));
    let cancel = CancellationToken::new();
    let request = UpscaleRequest::new(f.input.clone(), options("custom:slow.py", 2.0, 64));
    let token = cancel.clone();
    let started = Instant::now();
    let err = engine
        .upscale(request.clone(), cancel.clone(), move |p| {
            if p.done >= 3 {
                token.cancel();
            }
        })
        .await
        .expect_err("cancelled");
    assert_eq!(err.kind(), "cancelled");
    engine.idle().await;
    let tiles_then = std::fs::read(&calls).unwrap().len();
    assert!((3..=5).contains(&tiles_then), "stopped within a tile of the cancel: {tiles_then} calls");
    assert!(engine.tiles_kept() >= 3, "finished tiles are kept");
    // The resumed request reports every tile once, the kept ones too, each a PNG the viewer can draw.
    let reported = Arc::new(Mutex::new(Vec::new()));
    let seen = reported.clone();
    let outcome = engine
        .upscale(request, CancellationToken::new(), move |p| seen.lock().unwrap().extend(p.tile))
        .await
        .expect("resumed");
    let reported = reported.lock().unwrap();
    assert_eq!(reported.len() as u32, outcome.tiles, "every tile reported once");
    let area: u32 = reported.iter().map(|t| t.width * t.height).sum();
    assert_eq!(area, WIDTH * HEIGHT, "the reported tiles cover the page");
    for tile in reported.iter() {
        let png = image::load_from_memory_with_format(&tile.png, image::ImageFormat::Png).expect("a tile's PNG decodes");
        assert!(png.width() >= (tile.image_x + tile.width * 2) && png.height() >= (tile.image_y + tile.height * 2));
    }
    let total = std::fs::read(&calls).unwrap().len();
    assert_eq!(total as u32, outcome.tiles, "every tile computed once: {tiles_then} before, {total} in all");
    assert!(rgb(&outcome.bytes) == nearest(&image::open(&f.input).unwrap().to_rgb8(), 2));
    say(&format!(
        "custom plugin: cancelled after {tiles_then} of {} tiles in {:?}, resumed",
        outcome.tiles,
        started.elapsed()
    ));
}
