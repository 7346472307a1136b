//! The six seed commands over IPC, through Tauri's mock runtime, with the seed's argument
//! names, on real sr_vulkan in CPU mode.

use std::path::Path;

use serde_json::{json, Value};
use srview_app::AppOptions;
use srview_core::{DeviceChoice, EngineConfig};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct TestApp {
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

fn start(cache: &Path) -> TestApp {
    let options = AppOptions {
        engine: EngineConfig { device: DeviceChoice::Cpu, ..EngineConfig::default() },
        cache_root: cache.to_path_buf(),
        initial_location: None,
    };
    let app =
        srview_app::build(mock_builder(), options).unwrap().build(mock_context(noop_assets())).expect("app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("webview");
    TestApp { _app: app, webview }
}

impl TestApp {
    fn invoke(&self, command: &str, args: Value) -> Result<InvokeResponseBody, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: command.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
    }

    fn json(&self, command: &str, args: Value) -> Value {
        self.invoke(command, args).unwrap_or_else(|e| panic!("{command} failed: {e}")).deserialize::<Value>().unwrap()
    }

    fn error_kind(&self, command: &str, args: Value) -> String {
        let err = self.invoke(command, args).expect_err(command);
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "{err}");
        err["kind"].as_str().unwrap_or_else(|| panic!("untyped error: {err}")).to_owned()
    }
}

fn write_png(dir: &Path, name: &str, width: u32, height: u32) -> String {
    let path = dir.join(name);
    image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 7) as u8, (y * 11) as u8, 90]))
        .save(&path)
        .unwrap();
    path.display().to_string()
}

fn upscale_args(image_path: &str, model: &str, scale: f64, tile_size: u32) -> Value {
    json!({
        "imagePath": image_path,
        "savePath": "",
        "model": model,
        "scale": scale,
        "gpuId": -1,
        "tileSize": tile_size,
        "tta": false,
    })
}

#[test]
fn the_six_seed_commands_over_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let app = start(&cache);

    // init_sr_vulkan_manager: an explicit root, then back to the default (empty).
    let other = dir.path().join("other-cache");
    app.json("init_sr_vulkan_manager", json!({ "thumbnailPath": other.display().to_string() }));
    assert!(other.join(".tmp").is_dir());
    app.json("init_sr_vulkan_manager", json!({ "thumbnailPath": "" }));

    app.json("check_sr_vulkan_availability", json!({}));
    let gpus = app.json("get_sr_vulkan_gpu_info", json!({}));
    assert!(gpus.is_array());

    // upscale_image_sr_vulkan answers with raw bytes, not a JSON array.
    let input = write_png(dir.path(), "page.png", 24, 18);
    let reply =
        app.invoke("upscale_image_sr_vulkan", upscale_args(&input, "MODEL_WAIFU2X_ANIME_UP2X", 2.0, 0)).unwrap();
    let InvokeResponseBody::Raw(bytes) = reply else { panic!("expected raw bytes, got JSON") };
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (48, 36));
    assert_eq!(image::guess_format(&bytes).unwrap(), image::ImageFormat::WebP);

    // With a save path (as chosen in a dialog), a copy is exported.
    let saved = dir.path().join("saved.webp");
    let mut args = upscale_args(&input, "WAIFU2X_ANIME_UP2X", 2.0, 0);
    args["savePath"] = json!(saved.display().to_string());
    app.invoke("upscale_image_sr_vulkan", args).unwrap();
    assert_eq!(std::fs::read(&saved).unwrap(), bytes);

    let stats = app.json("get_sr_vulkan_cache_stats", json!({}));
    assert_eq!(stats["entries"], 1);
    assert!(stats["bytes"].as_u64().unwrap() > 0);

    // cleanup_sr_vulkan_cache: nothing is 30 days old; the default is 30; 0 removes all.
    assert_eq!(app.json("cleanup_sr_vulkan_cache", json!({ "maxAgeDays": 30 })), 0);
    assert_eq!(app.json("cleanup_sr_vulkan_cache", json!({})), 0);
    assert_eq!(app.json("cleanup_sr_vulkan_cache", json!({ "maxAgeDays": 0 })), 1);
    assert_eq!(app.json("get_sr_vulkan_cache_stats", json!({}))["entries"], 0);
}

#[test]
fn bad_arguments_come_back_as_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let app = start(&cache);
    let input = write_png(dir.path(), "page.png", 8, 8);
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "no pixels here").unwrap();
    let text = text.display().to_string();

    let cases = [
        ("input_not_found", upscale_args("/nowhere/page.png", "WAIFU2X_ANIME_UP2X", 2.0, 0)),
        ("not_an_image", upscale_args(&text, "WAIFU2X_ANIME_UP2X", 2.0, 0)),
        ("unknown_model", upscale_args(&input, "MODEL_NOT_A_MODEL", 2.0, 0)),
        ("invalid_option", upscale_args(&input, "WAIFU2X_ANIME_UP2X", -1.0, 0)),
        ("invalid_option", upscale_args(&input, "WAIFU2X_ANIME_UP2X", 2.0, 7)),
        (
            "invalid_option",
            json!({ "imagePath": input, "savePath": "", "model": "WAIFU2X_ANIME_UP2X", "scale": 2.0, "gpuId": 5, "tileSize": 0, "tta": false }),
        ),
        ("unsupported_on_cpu", upscale_args(&input, "REALESRGAN_X4PLUS_UP4X", 4.0, 0)),
        ("model_package_missing", upscale_args(&input, "REALSR_DF2K_UP4X", 4.0, 0)),
        (
            "would_overwrite_source",
            json!({ "imagePath": input, "savePath": input, "model": "WAIFU2X_ANIME_UP2X", "scale": 2.0, "gpuId": -1, "tileSize": 0, "tta": false }),
        ),
    ];
    for (expected, args) in cases {
        assert_eq!(app.error_kind("upscale_image_sr_vulkan", args.clone()), expected, "{args}");
    }
    // The overwrite refusal left the source alone; nothing else reached the cache.
    assert!(image::open(&input).is_ok());
    assert_eq!(app.json("get_sr_vulkan_cache_stats", json!({}))["entries"], 1);

    // Arguments of the wrong type are refused by Tauri before the command runs.
    assert!(app.invoke("cleanup_sr_vulkan_cache", json!({ "maxAgeDays": "soon" })).is_err());
    assert!(app.invoke("upscale_image_sr_vulkan", json!({ "imagePath": input })).is_err());

    // The engine still works afterwards.
    let reply = app.invoke("upscale_image_sr_vulkan", upscale_args(&input, "WAIFU2X_ANIME_UP2X", 3.0, 0)).unwrap();
    let InvokeResponseBody::Raw(bytes) = reply else { panic!("expected raw bytes") };
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 24);
}

#[test]
fn the_viewer_commands_return_urls_into_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let app = start(&cache);
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    write_png(&pages, "p10.png", 10, 10);
    write_png(&pages, "p2.png", 12, 10);
    std::fs::write(pages.join("readme.txt"), "skip me").unwrap();

    let opened = app.json("open_location", json!({ "path": pages.display().to_string() }));
    let names: Vec<&str> = opened["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["p2.png", "p10.png"]);

    let report = app.json("get_engine_report", json!({}));
    assert_eq!(report["cpuMode"], true);
    let models = app.json("list_models", json!({}));
    assert_eq!(models["models"].as_array().unwrap().len(), 84);

    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 }, "format": "png" });
    let channel = "__CHANNEL__:7";
    let first = opened["images"][0]["path"].clone();
    let args = json!({ "requestId": "page-0", "imagePath": first, "options": options, "priority": "interactive", "onProgress": channel });
    let done = app.json("upscale_to_url", args.clone());
    assert_eq!((done["width"].as_u64(), done["height"].as_u64()), (Some(24), Some(20)));
    assert_eq!(done["fromCache"], false);
    let url = done["url"].as_str().unwrap();
    assert!(url.starts_with("srimg://localhost/cache/") && url.ends_with(".png"), "{url}");
    let again = app.json("upscale_to_url", args);
    assert_eq!(again["fromCache"], true);
    assert_eq!(again["url"], done["url"]);

    assert_eq!(app.json("cancel_upscale", json!({ "requestIds": ["page-9"] })), 0);
    let capped = app.json("cap_sr_vulkan_cache", json!({ "maxMegabytes": 1 }));
    assert_eq!(capped["removed"], 0);
    let cleared = app.json("clear_sr_vulkan_cache", json!({}));
    assert_eq!(cleared["removed"], 1);
}
