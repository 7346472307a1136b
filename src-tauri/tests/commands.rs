//! The commands over IPC, through Tauri's mock runtime with the app's real context (so the
//! capability file applies), with the seed's argument names, on real sr_vulkan in CPU mode.

use std::path::Path;

use serde_json::{json, Value};
use srview_app::{Access, AppOptions, Gallery, SrVulkanManagerState};
use srview_core::{DeviceChoice, EngineConfig};
use srview_test_support::{home_like, snapshot};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

struct TestApp {
    app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

fn options(cache: &Path) -> AppOptions {
    AppOptions {
        engine: EngineConfig { device: DeviceChoice::Cpu, ..EngineConfig::default() },
        cache_root: cache.to_path_buf(),
        config_dir: cache.with_file_name("config"),
        initial_location: None,
        speeds_file: None,
    }
}

fn start_with(cache: &Path, label: &str) -> TestApp {
    let app = srview_app::build(mock_builder(), options(cache))
        .build(tauri::generate_context!(test = true))
        .expect("app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, label, Default::default()).build().expect("webview");
    TestApp { app, webview }
}

fn start(cache: &Path) -> TestApp {
    start_with(cache, "main")
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

    fn open(&self, path: &Path) -> Value {
        self.json("open_location", json!({ "path": path.display().to_string() }))
    }

    fn access(&self) -> tauri::State<'_, Access> {
        self.app.state::<Access>()
    }

    fn gallery(&self) -> tauri::State<'_, Gallery> {
        self.app.state::<Gallery>()
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
fn the_seed_commands_over_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("app").join("upscaled");
    let app = start(&cache);

    // init_sr_vulkan_manager: a new root beside the app's cache, then back to the default (empty).
    let other = dir.path().join("app").join("other-cache");
    app.json("init_sr_vulkan_manager", json!({ "thumbnailPath": other.display().to_string() }));
    assert!(other.join("CACHEDIR.TAG").is_file());
    app.json("init_sr_vulkan_manager", json!({ "thumbnailPath": "" }));

    app.json("check_sr_vulkan_availability", json!({}));
    let gpus = app.json("get_sr_vulkan_gpu_info", json!({}));
    assert!(gpus.is_array());

    // upscale_image_sr_vulkan answers with raw bytes, not a JSON array, for an opened image.
    let input = write_png(dir.path(), "page.png", 24, 18);
    app.open(Path::new(&input));
    let reply =
        app.invoke("upscale_image_sr_vulkan", upscale_args(&input, "MODEL_WAIFU2X_ANIME_UP2X", 2.0, 0)).unwrap();
    let InvokeResponseBody::Raw(bytes) = reply else { panic!("expected raw bytes, got JSON") };
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (48, 36));
    assert_eq!(image::guess_format(&bytes).unwrap(), image::ImageFormat::WebP);

    // With a save path the user chose in a save dialog, a copy is saved there.
    let saved = dir.path().join("saved.webp");
    app.access().allow_save_path(&saved);
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
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let input = write_png(&pages, "page.png", 8, 8);
    let gone = write_png(&pages, "gone.png", 8, 8);
    let text = pages.join("notes.png");
    std::fs::write(&text, "no pixels here").unwrap();
    let text = text.display().to_string();
    let elsewhere = write_png(dir.path(), "elsewhere.png", 8, 8);
    app.open(&pages);
    std::fs::remove_file(&gone).unwrap();

    let cases = [
        ("not_opened", upscale_args(&elsewhere, "WAIFU2X_ANIME_UP2X", 2.0, 0)),
        ("not_opened", upscale_args("/etc/passwd", "WAIFU2X_ANIME_UP2X", 2.0, 0)),
        ("not_opened", upscale_args(&gone, "WAIFU2X_ANIME_UP2X", 2.0, 0)),
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
            "save_path_not_chosen",
            json!({ "imagePath": input, "savePath": dir.path().join("x.webp"), "model": "WAIFU2X_ANIME_UP2X", "scale": 2.0, "gpuId": -1, "tileSize": 0, "tta": false }),
        ),
        (
            "save_path_not_chosen",
            json!({ "imagePath": input, "savePath": input, "model": "WAIFU2X_ANIME_UP2X", "scale": 2.0, "gpuId": -1, "tileSize": 0, "tta": false }),
        ),
    ];
    for (expected, args) in cases {
        assert_eq!(app.error_kind("upscale_image_sr_vulkan", args.clone()), expected, "{args}");
    }
    // Even a save path the user chose is never the source itself.
    app.access().allow_save_path(Path::new(&input));
    let args = json!({ "imagePath": input, "savePath": input, "model": "WAIFU2X_ANIME_UP2X", "scale": 2.0, "gpuId": -1, "tileSize": 0, "tta": false });
    assert_eq!(app.error_kind("upscale_image_sr_vulkan", args), "would_overwrite_source");
    assert!(image::open(&input).is_ok());
    assert_eq!(app.json("get_sr_vulkan_cache_stats", json!({}))["entries"], 1);

    // Arguments of the wrong type are refused by Tauri before the command runs.
    assert!(app.invoke("cleanup_sr_vulkan_cache", json!({ "maxAgeDays": "soon" })).is_err());
    assert!(app.invoke("upscale_image_sr_vulkan", json!({ "imagePath": input })).is_err());

    assert_eq!(app.error_kind("open_location", json!({ "path": "/no/such/path" })), "not_found");
    assert_eq!(app.error_kind("open_location", json!({ "path": dir.path().join("x.txt") })), "not_found");
    std::fs::write(dir.path().join("x.txt"), "text").unwrap();
    assert_eq!(app.error_kind("open_location", json!({ "path": dir.path().join("x.txt") })), "not_an_image");
    let args = json!({ "requestId": "r", "pageId": 999_999, "options": {}, "priority": "interactive", "skip": {}, "onProgress": "__CHANNEL__:1" });
    assert_eq!(app.error_kind("upscale_page", args), "not_opened");

    // A save path inside the cache is allowed; the engine still works afterwards.
    let inside = cache.join("exported.webp");
    let mut args = upscale_args(&input, "WAIFU2X_ANIME_UP2X", 3.0, 0);
    args["savePath"] = json!(inside.display().to_string());
    let reply = app.invoke("upscale_image_sr_vulkan", args).unwrap();
    let InvokeResponseBody::Raw(bytes) = reply else { panic!("expected raw bytes") };
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 24);
    assert!(inside.is_file());
}

#[test]
fn the_viewer_commands_work_on_page_ids_and_return_urls_into_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let app = start(&cache);
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    write_png(&pages, "p10.png", 10, 10);
    write_png(&pages, "p2.png", 12, 10);
    std::fs::write(pages.join("readme.txt"), "skip me").unwrap();

    let opened = app.open(&pages);
    let names: Vec<&str> = opened["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["p2.png", "p10.png"], "only images, in natural order");
    assert!(opened["images"][0]["url"].as_str().unwrap().starts_with("srimg://localhost/page/"));

    let report = app.json("get_engine_report", json!({}));
    assert_eq!(report["cpuMode"], true);
    let models = app.json("list_models", json!({}));
    assert_eq!(models["models"].as_array().unwrap().len(), 84);

    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 }, "format": "png" });
    let page = opened["images"][0]["id"].clone();
    let args = json!({ "requestId": "page-0", "pageId": page, "options": options, "priority": "interactive", "skip": {}, "onProgress": "__CHANNEL__:7" });
    let done = app.json("upscale_page", args.clone());
    assert_eq!((done["width"].as_u64(), done["height"].as_u64()), (Some(24), Some(20)));
    assert_eq!(done["fromCache"], false);
    let url = done["url"].as_str().unwrap();
    assert!(url.starts_with("srimg://localhost/cache/") && url.ends_with(".png"), "{url}");
    let again = app.json("upscale_page", args);
    assert_eq!(again["fromCache"], true);
    assert_eq!(again["url"], done["url"]);

    // The skip rules apply to every page, preloads included.
    let skip = json!({ "requestId": "page-1", "pageId": opened["images"][1]["id"], "options": options, "priority": "background", "skip": { "maxPixels": 50 }, "onProgress": "__CHANNEL__:8" });
    assert_eq!(app.error_kind("upscale_page", skip), "skipped");

    assert_eq!(app.json("cancel_upscales", json!({ "requestIds": ["page-9"] })), 0);
    let capped = app.json("cap_cache", json!({ "maxMegabytes": 1 }));
    assert_eq!(capped["removed"], 0);
    let cleared = app.json("clear_cache", json!({}));
    assert_eq!(cleared["removed"], 1);
}

#[test]
fn a_home_folder_is_never_used_as_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let home = dir.path().join("home");
    home_like(&home);
    let before = snapshot(&home);

    // Pointed at it later: refused, and the cache in use stays.
    let app = start(&cache);
    let args = json!({ "thumbnailPath": home.display().to_string() });
    assert_eq!(app.error_kind("init_sr_vulkan_manager", args), "cache_root_refused");
    assert_eq!(app.json("get_sr_vulkan_cache_stats", json!({}))["root"], cache.display().to_string());
    assert_eq!(app.json("clear_cache", json!({}))["removed"], 0);
    drop(app);

    // Started with it ($SRVIEW_CACHE_DIR=$HOME): a plain viewer that says why, and cleans nothing.
    let app = start(&home);
    app.json("get_engine_report", json!({}));
    assert_eq!(app.error_kind("check_sr_vulkan_availability", json!({})), "cache_root_refused");
    for (command, args) in [
        ("get_sr_vulkan_cache_stats", json!({})),
        ("cleanup_sr_vulkan_cache", json!({ "maxAgeDays": 30 })),
        ("cleanup_sr_vulkan_cache", json!({ "maxAgeDays": 0 })),
        ("cap_cache", json!({ "maxMegabytes": 1 })),
        ("clear_cache", json!({})),
    ] {
        assert_eq!(app.error_kind(command, args), "cache_root_refused", "{command}");
    }
    assert_eq!(snapshot(&home), before, "the user's files changed");
}

#[test]
fn the_capability_grants_every_command_of_the_one_list_to_the_main_window_only() {
    let dir = tempfile::tempdir().unwrap();
    let other = start_with(&dir.path().join("cache"), "other");
    let main = start(&dir.path().join("cache2"));
    assert!(srview_app::COMMANDS.contains(&"choose_models_folder"));
    for command in srview_app::COMMANDS {
        // No arguments: a granted command runs or refuses them; only the capability says "not allowed".
        let denied = other.invoke(command, json!({})).expect_err(command);
        assert!(denied.to_string().contains("not allowed"), "{command}: {denied}");
        if let Err(err) = main.invoke(command, json!({})) {
            assert!(!err.to_string().contains("not allowed"), "{command}: {err}");
        }
    }
    assert!(main.invoke("get_initial_location", json!({})).is_ok());
}

/// The seed's six commands keep their names; every other command is `verb_noun`.
#[test]
fn the_seed_commands_keep_their_names_and_the_others_are_verb_noun() {
    let seed = [
        "init_sr_vulkan_manager",
        "check_sr_vulkan_availability",
        "get_sr_vulkan_gpu_info",
        "upscale_image_sr_vulkan",
        "get_sr_vulkan_cache_stats",
        "cleanup_sr_vulkan_cache",
    ];
    for command in seed {
        assert!(srview_app::COMMANDS.contains(&command), "{command}");
    }
    let verbs = [
        "get", "list", "open", "upscale", "cancel", "save", "choose", "set", "start", "clear", "cap", "watch",
        "unwatch",
    ];
    for command in srview_app::COMMANDS.iter().filter(|c| !seed.contains(c)) {
        let (verb, noun) = command.split_once('_').unwrap_or_else(|| panic!("{command} has no noun"));
        assert!(verbs.contains(&verb), "{command} does not start with one of the verbs {verbs:?}");
        assert!(!noun.contains("sr_vulkan"), "{command}: only the seed's commands are named after sr_vulkan");
    }
}

#[test]
fn an_export_goes_only_to_a_folder_chosen_in_rusts_dialog_from_a_location_opened() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    write_png(&pages, "page.png", 8, 6);
    let unopened = dir.path().join("unopened");
    std::fs::create_dir(&unopened).unwrap();
    write_png(&unopened, "page.png", 8, 6);
    app.open(&pages);
    let before = snapshot(dir.path());
    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 } });
    let export = |source: &Path, destination: Option<&Path>| {
        let request = json!({ "source": source, "destination": destination, "layout": "folder", "pattern": "{name}.{ext}", "options": options });
        json!({ "request": request, "onProgress": "__CHANNEL__:6" })
    };

    let named = dir.path().join("named-by-the-page");
    assert_eq!(app.error_kind("start_export", export(&pages, Some(&named))), "save_path_not_chosen");
    assert_eq!(app.error_kind("start_export", export(&pages, Some(&unopened))), "save_path_not_chosen");
    assert_eq!(app.error_kind("start_export", export(&unopened, None)), "not_opened");
    assert_eq!(app.error_kind("start_export", export(Path::new("/etc"), None)), "not_opened");
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
    assert!(!named.exists(), "no folder was made");

    // The folder the user picks in the native dialog (here: what it would answer).
    let chosen = dir.path().join("chosen");
    std::fs::create_dir(&chosen).unwrap();
    let picked = chosen.clone();
    app.access().set_folder_dialog(std::sync::Arc::new(move || Some(picked.clone())));
    assert_eq!(app.json("choose_export_folder", json!({})), chosen.display().to_string());
    let summary = app.json("start_export", export(&pages, Some(&chosen)));
    assert_eq!(
        (summary["total"].as_u64(), summary["failures"].as_array().map(Vec::len)),
        (Some(1), Some(0)),
        "{summary}"
    );
}

#[test]
fn the_shelf_lists_the_books_beside_an_opened_location_only_with_covers_served_by_url() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let library = dir.path().join("library");
    let photos = library.join("Photos");
    std::fs::create_dir_all(&photos).unwrap();
    write_png(&photos, "p1.png", 8, 6);
    write_png(&library, "loose.png", 8, 6);
    std::fs::create_dir(library.join("Notes")).unwrap();
    std::fs::write(library.join("Notes").join("todo.txt"), b"not a book").unwrap();
    let opened = app.open(&library);

    let books = app.json("list_shelf", json!({ "location": opened["path"] }));
    let books = books.as_array().unwrap();
    assert_eq!(books.len(), 1, "only the folder of images is a book: {books:?}");
    assert_eq!((books[0]["name"].as_str(), books[0]["folder"].as_bool()), (Some("Photos"), Some(true)));
    assert!(books[0]["coverUrl"].as_str().unwrap().starts_with("srimg://localhost/cover/"), "{books:?}");
    assert_eq!(app.error_kind("list_shelf", json!({ "location": dir.path() })), "not_opened");
    assert_eq!(app.error_kind("list_shelf", json!({ "location": "/etc" })), "not_opened");
}

/// An RGB PNG whose header says 30000×30000 and whose 2.7 GB of zero pixels deflate to a few
/// MB, written row by row.
fn write_bomb(path: &Path) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, 30_000, 30_000);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().unwrap().into_stream_writer().unwrap();
    let row = vec![0u8; 30_000 * 3];
    for _ in 0..30_000 {
        std::io::Write::write_all(&mut writer, &row).unwrap();
    }
    writer.finish().unwrap();
}

/// Prints a measured figure on the real stderr (fd 2 carries native output to the log).
fn say(text: &str) {
    use std::io::Write;
    match srview_core::own_stdio() {
        Some(own) => {
            let _ = writeln!(&own.stderr, "{text}");
        }
        None => eprintln!("{text}"),
    }
}

/// `VmRSS` or `VmHWM` of this process, in bytes.
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

#[test]
fn a_decompression_bomb_page_is_too_large_within_a_little_memory_and_the_next_page_upscales() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    write_bomb(&pages.join("01-bomb.png"));
    write_png(&pages, "02-page.png", 14, 10);
    let bomb_bytes = std::fs::metadata(pages.join("01-bomb.png")).unwrap().len();
    assert!(bomb_bytes < 32 << 20, "the bomb is small on disk: {bomb_bytes} bytes");
    app.json("check_sr_vulkan_availability", json!({}));

    // The peak from here on: writing 5 to clear_refs resets VmHWM to the current size.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let idle = memory("VmRSS:");
    let opened = app.open(&pages);
    let ids: Vec<Value> = opened["images"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
    assert_eq!(ids.len(), 2, "the folder opens with both pages");
    for check in [false, true] {
        let info = app.json("get_page_info", json!({ "pageIds": ids, "check": check }));
        assert_eq!(info[0]["problem"]["kind"], "image_too_large", "{info}");
        assert_eq!(
            info[0]["problem"]["message"], "01-bomb.png is 30000×30000 pixels (900 MP), above the limit of 64 MP",
            "its size and the limit"
        );
        assert_eq!((info[1]["width"].as_u64(), info[1]["height"].as_u64()), (Some(14), Some(10)));
        assert!(info[1]["problem"].is_null(), "{info}");
    }
    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 } });
    let upscale = |id: &Value| json!({ "requestId": "r", "pageId": id, "options": options, "priority": "interactive", "skip": {}, "onProgress": "__CHANNEL__:5" });
    assert_eq!(app.error_kind("upscale_page", upscale(&ids[0])), "image_too_large");
    let peak = memory("VmHWM:");
    say(&format!(
        "bomb page: idle {} MiB, peak {} MiB (+{} MiB); the bomb is {} KiB on disk",
        idle >> 20,
        peak >> 20,
        peak.saturating_sub(idle) >> 20,
        bomb_bytes >> 10
    ));
    assert!(peak.saturating_sub(idle) < 300 << 20, "peak {} MiB over an idle {} MiB", peak >> 20, idle >> 20);

    let done = app.json("upscale_page", upscale(&ids[1]));
    assert_eq!((done["width"].as_u64(), done["height"].as_u64()), (Some(28), Some(20)));
}

#[test]
fn the_engine_starts_at_launch_with_no_call_from_the_frontend() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = srview_app::build(mock_builder(), options(&dir.path().join("cache")))
        .build(tauri::generate_context!(test = true))
        .expect("app builds");
    assert!(!app.state::<SrVulkanManagerState>().engine_started(), "nothing started before launch");
    // One turn of the event loop: what launching the app does, the setup hook included.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let state = app.state::<SrVulkanManagerState>();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !state.engine_started() {
        assert!(std::time::Instant::now() < deadline, "the engine did not start by itself");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn the_models_folder_is_chosen_in_rusts_dialog_never_taken_from_the_webview() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let config = cache.with_file_name("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("settings.json"), "{\"settings\":{}}").unwrap();
    let models = dir.path().join("my models");
    std::fs::create_dir(&models).unwrap();
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/plugins/nearest_neighbour.py");
    std::fs::copy(plugin, models.join("nearest_neighbour.py")).unwrap();
    let elsewhere = dir.path().join("downloads");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("evil.py"), "raise SystemExit('ran code from a folder the page named')").unwrap();

    let app = start(&cache);
    let before = app.json("list_models", json!({}))["modelsDir"].clone();
    let args = json!({ "path": elsewhere.display().to_string() });
    assert_eq!(app.error_kind("set_models_folder", args), "models_dir_not_chosen");
    let listing = app.json("list_models", json!({}));
    assert_eq!(listing["modelsDir"], before, "the folder did not change");
    assert!(!listing.to_string().contains("evil.py"));

    // The folder the user picks in the native dialog (here: what it would answer).
    let picked = models.clone();
    app.access().set_folder_dialog(std::sync::Arc::new(move || Some(picked.clone())));
    let listing = app.json("choose_models_folder", json!({}));
    assert_eq!(listing["modelsDir"], models.display().to_string());
    let names: Vec<&str> = listing["models"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"custom:nearest_neighbour.py"), "{names:?}");
    drop(app);

    // Rust remembers it for the next start.
    let app = start(&cache);
    assert_eq!(app.json("list_models", json!({}))["modelsDir"], models.display().to_string());
    drop(app);

    // A record the webview's settings store could write (JSON) is not Rust's: ignored.
    std::fs::write(config.join("models-folder"), format!("{{\"dir\":\"{}\"}}", elsewhere.display())).unwrap();
    let app = start(&cache);
    assert_eq!(app.json("list_models", json!({}))["modelsDir"], before);

    // An empty path goes back to the default folder; only Rust's record goes, the settings stay.
    let listing = app.json("set_models_folder", json!({ "path": "" }));
    assert_eq!(listing["modelsDir"], before);
    assert!(!config.join("models-folder").exists());
    assert_eq!(std::fs::read_to_string(config.join("settings.json")).unwrap(), "{\"settings\":{}}");
}

#[test]
fn the_seed_save_path_never_replaces_a_file_srview_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("app").join("upscaled");
    let app = start(&cache);
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let input = write_png(&pages, "page.png", 12, 10);
    app.open(&pages);
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    std::fs::write(exports.join("page_x2.webp"), b"the user's own export").unwrap();
    std::fs::write(cache.join("mine.webp"), b"the user's file, put in the cache folder").unwrap();
    let before = snapshot(dir.path());
    let save = |path: &Path| {
        let mut args = upscale_args(&input, "WAIFU2X_ANIME_UP2X", 2.0, 0);
        args["savePath"] = json!(path.display().to_string());
        args
    };

    // A file of the user's in the cache folder is never replaced.
    assert_eq!(app.error_kind("upscale_image_sr_vulkan", save(&cache.join("mine.webp"))), "output_exists");
    // A folder chosen for exports is not a file chosen in a save dialog.
    app.access().allow_export_folder(&exports);
    for target in [exports.clone(), exports.join("page_x2.webp")] {
        assert_eq!(app.error_kind("upscale_image_sr_vulkan", save(&target)), "save_path_not_chosen");
    }
    // The cache cannot be moved out to a folder the webview names, to be written there.
    for root in [pages.clone(), dir.path().join("new-folder"), dir.path().join("app/../pages")] {
        let args = json!({ "thumbnailPath": root.display().to_string() });
        assert_eq!(app.error_kind("init_sr_vulkan_manager", args), "cache_root_refused", "{}", root.display());
    }
    assert!(!dir.path().join("new-folder").exists());
    assert_eq!(snapshot(dir.path()), before, "the user's files changed");

    // A new file in the cache is written; SRView may then write it again.
    let new = cache.join("page-2x.webp");
    for _ in 0..2 {
        let reply = app.invoke("upscale_image_sr_vulkan", save(&new)).unwrap();
        let InvokeResponseBody::Raw(bytes) = reply else { panic!("expected raw bytes") };
        assert_eq!(std::fs::read(&new).unwrap(), bytes);
    }
    assert_eq!(std::fs::read(cache.join("mine.webp")).unwrap(), b"the user's file, put in the cache folder");
    assert_eq!(std::fs::read(exports.join("page_x2.webp")).unwrap(), b"the user's own export");
}

#[test]
fn bad_gpu_values_are_errors_not_a_silent_auto() {
    let args = |v: &[&str]| AppOptions::from_args(v.iter().map(|s| s.to_string()));
    assert!(args(&["--gpu", "cpu"]).is_ok());
    assert_eq!(args(&["--gpu", "-1"]).unwrap().engine.device, DeviceChoice::Cpu);
    assert_eq!(args(&["--gpu", "2"]).unwrap().engine.device, DeviceChoice::Gpu(2));
    assert!(args(&["--gpu", "banana"]).unwrap_err().contains("banana"));
    assert!(args(&["--gpu"]).is_err());
    assert!(args(&["--frobnicate"]).is_err());
    // The binary itself says so and exits 2, before any window opens.
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_srview-app")).args(["--gpu", "banana"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("banana"));
}

#[test]
fn a_page_whose_name_is_not_utf8_is_listed_served_and_upscaled() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"\x83y\x81[\x83W01.png");
    let written = write_png(dir.path(), "x.png", 10, 8);
    std::fs::rename(written, pages.join(name)).unwrap();
    let opened = app.open(&pages);
    let page = &opened["images"][0];
    assert!(page["name"].as_str().unwrap().contains('\u{FFFD}'), "{page}");
    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 } });
    let args = json!({ "requestId": "r", "pageId": page["id"], "options": options, "priority": "interactive", "skip": {}, "onProgress": "__CHANNEL__:3" });
    let done = app.json("upscale_page", args);
    assert_eq!((done["width"].as_u64(), done["height"].as_u64()), (Some(20), Some(16)));
}

fn zip_folder(folder: &Path, target: &Path) {
    let status =
        std::process::Command::new("zip").arg("-qr").arg(target).arg(".").current_dir(folder).status().unwrap();
    assert!(status.success());
}

#[test]
fn books_open_in_page_order_with_their_siblings_and_upscale() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(pages.join("ch2")).unwrap();
    write_png(&pages, "ch2/p10.png", 20, 10);
    write_png(&pages, "ch2/p2.png", 16, 24);
    std::fs::write(pages.join("ComicInfo.xml"), "<ComicInfo/>").unwrap();
    std::fs::write(pages.join("ch2/broken.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    for name in ["Vol 1.cbz", "Vol 2.cbz", "Vol 10.cbz"] {
        zip_folder(&pages, &library.join(name));
    }

    let folder = app.open(&library);
    assert_eq!(folder["kind"], "folder");
    assert_eq!(folder["images"].as_array().unwrap().len(), 0);
    let books: Vec<&str> = folder["books"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(books, ["Vol 1", "Vol 2", "Vol 10"]);

    let book = app.open(&library.join("Vol 2.cbz"));
    assert_eq!((book["kind"].as_str(), book["title"].as_str()), (Some("book"), Some("Vol 2")));
    let names: Vec<&str> = book["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ch2/broken.png", "ch2/p2.png", "ch2/p10.png"]);
    assert_eq!(book["previousBook"]["name"], "Vol 1");
    assert_eq!(book["nextBook"]["name"], "Vol 10");
    assert!(book["images"][1]["thumbnailUrl"].as_str().unwrap().starts_with("srimg://localhost/thumb/"));

    let ids: Vec<Value> = book["images"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
    let info = app.json("get_page_info", json!({ "pageIds": ids, "check": true }));
    assert_eq!(info[0]["problem"]["kind"], "corrupt_image", "{info}");
    assert_eq!((info[1]["width"].as_u64(), info[1]["height"].as_u64()), (Some(16), Some(24)));
    assert_eq!((info[2]["width"].as_u64(), info[2]["problem"].is_null()), (Some(20), true));

    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 } });
    let args = json!({ "requestId": "b", "pageId": ids[2], "options": options, "priority": "interactive", "skip": {}, "onProgress": "__CHANNEL__:4" });
    let done = app.json("upscale_page", args);
    assert_eq!((done["width"].as_u64(), done["height"].as_u64()), (Some(40), Some(20)));

    let last = app.open(&library.join("Vol 10.cbz"));
    assert!(last["nextBook"].is_null());
    std::fs::write(library.join("empty.cbz"), b"").unwrap();
    assert_eq!(app.error_kind("open_location", json!({ "path": library.join("empty.cbz") })), "corrupt_archive");
}

// ---- split RAR books: the archive layer's volumes, through the commands ----

#[test]
fn a_split_book_opened_from_its_second_part_shows_the_whole_book() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    let library = dir.path().join("library");
    std::fs::create_dir(&pages).unwrap();
    std::fs::create_dir(&library).unwrap();
    let sizes = [(12, 10), (14, 10), (16, 10), (18, 10), (20, 10), (22, 12)];
    let files: Vec<(String, Vec<u8>)> = sizes
        .iter()
        .zip(1..)
        .map(|((w, h), n)| {
            let name = format!("p{n}.png");
            (name.clone(), std::fs::read(write_png(&pages, &name, *w, *h)).unwrap())
        })
        .collect();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let parts = srview_test_support::rar::write_rar5(&library, "Vol 1", &files, Some(300));
    assert!(parts.len() >= 3, "{} parts", parts.len());

    // The folder lists the set once, by its first part.
    let folder = app.open(&library);
    let books: Vec<&str> = folder["books"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(books, ["Vol 1.part1"]);

    let book = app.open(&parts[1]);
    assert_eq!(book["kind"], "book");
    let names: Vec<&str> = book["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["p1.png", "p2.png", "p3.png", "p4.png", "p5.png", "p6.png"]);
    let ids: Vec<Value> = book["images"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
    let info = app.json("get_page_info", json!({ "pageIds": ids, "check": true }));
    for (index, (w, h)) in sizes.iter().enumerate() {
        assert_eq!(
            (info[index]["width"].as_u64(), info[index]["height"].as_u64()),
            (Some(u64::from(*w)), Some(u64::from(*h))),
            "{info}"
        );
    }
    let options = json!({ "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 } });
    let args = json!({ "requestId": "split", "pageId": ids[5], "options": options, "priority": "interactive", "skip": {}, "onProgress": "__CHANNEL__:5" });
    let done = app.json("upscale_page", args);
    assert_eq!((done["width"].as_u64(), done["height"].as_u64()), (Some(44), Some(24)));

    // Without its middle part, the book names the part that is missing.
    std::fs::remove_file(&parts[1]).unwrap();
    let err = app.invoke("open_location", json!({ "path": parts[2] })).expect_err("a part is missing");
    assert_eq!(err["kind"], "missing_volume", "{err}");
    assert!(err["message"].as_str().unwrap().contains("Vol 1.part2.rar"), "{err}");
}

// ---- Open books (issue 22 §1): the viewer keeps the book on screen and a few recent ones ----

fn solid_book(pages: &Path, target: &Path) {
    let output = std::process::Command::new("7z")
        .args(["a", "-bd", "-bso0", "-ms=on", "-mx=1"])
        .arg(target)
        .arg(".")
        .current_dir(pages)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn page_ids(opened: &Value) -> Vec<Value> {
    opened["images"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect()
}

#[test]
fn the_viewer_lets_go_of_books_off_screen_and_forgets_old_locations() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for name in ["p1.png", "p2.png", "p3.png"] {
        write_png(&pages, name, 40, 30);
    }
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    solid_book(&pages, &library.join("vol0.cb7"));
    for i in 1..12 {
        std::fs::copy(library.join("vol0.cb7"), library.join(format!("vol{i}.cb7"))).unwrap();
    }
    let shelf = || app.gallery().bookshelf().clone();
    let mut opened = Vec::new();
    let mut one_book = 0;
    for i in 0..12 {
        let book = app.open(&library.join(format!("vol{i}.cb7")));
        let ids = page_ids(&book);
        let info = app.json("get_page_info", json!({ "pageIds": ids, "check": false }));
        assert_eq!(info[2]["width"], 40);
        let held = shelf().held_bytes();
        if i == 0 {
            one_book = held;
        }
        assert!(held > 0 && held == one_book, "only the book on screen holds its data: {held} after book {i}");
        opened.push(ids);
    }
    assert!(shelf().open_books() <= 9, "the book on screen and eight recent ones: {}", shelf().open_books());
    let first = json!({ "pageIds": opened[0], "check": false });
    assert_eq!(app.error_kind("get_page_info", first), "not_opened", "an old location is forgotten");
    let old = library.join("vol0.cb7").display().to_string();
    let request = json!({ "source": old, "layout": "cbz", "pattern": "{name}.{ext}", "options": { "model": "WAIFU2X_ANIME_UP2X", "size": { "mode": "scale", "factor": 2.0 } } });
    assert_eq!(
        app.error_kind("start_export", json!({ "request": request, "onProgress": "__CHANNEL__:9" })),
        "not_opened"
    );
    // A recent book reads again, and becomes the only one holding data.
    let info = app.json("get_page_info", json!({ "pageIds": opened[6], "check": true }));
    assert!(info[0]["problem"].is_null(), "{info}");
    assert!(shelf().held_bytes() <= 2 * one_book);
    // Opened again, the first book gets new ids.
    let again = app.open(&library.join("vol0.cb7"));
    assert_eq!(app.json("get_page_info", json!({ "pageIds": page_ids(&again), "check": false }))[0]["width"], 40);
}

/// Issue 22's app benchmark, printed: peak memory after reading 20 solid books in a row, through
/// the commands, against after the first. `cargo test -p srview-app --test commands --
/// --ignored --nocapture reading_twenty_solid_books`.
#[test]
#[ignore = "a benchmark (about a minute): run it with --ignored --nocapture"]
fn reading_twenty_solid_books_in_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for i in 0..12 {
        srview_test_support::textured_page(1100 + i, 1100).save(pages.join(format!("p{i:02}.png"))).unwrap();
    }
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    solid_book(&pages, &library.join("vol00.cb7"));
    for i in 1..20 {
        std::fs::copy(library.join("vol00.cb7"), library.join(format!("vol{i:02}.cb7"))).unwrap();
    }
    // Making the pages raised this process's peak: start counting from here.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let memory = || {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let field = |name: &str| {
            let line = status.lines().find_map(|l| l.strip_prefix(name)).unwrap();
            line.trim().trim_end_matches("kB").trim().parse::<f64>().unwrap() / 1024.0
        };
        (field("VmHWM:"), field("VmRSS:"))
    };
    let before = memory();
    let mut peaks = Vec::new();
    for i in 0..20 {
        let book = app.open(&library.join(format!("vol{i:02}.cb7")));
        let info = app.json("get_page_info", json!({ "pageIds": page_ids(&book), "check": true }));
        assert!(info.as_array().unwrap().iter().all(|p| p["problem"].is_null()), "{info}");
        peaks.push((memory(), app.gallery().bookshelf().held_bytes() as f64 / 1_048_576.0));
    }
    println!("\n### The app reading 20 solid .cb7 books in a row (12 pages of 1100×1100 each, every page checked)\n");
    println!("| after book | peak RSS | RSS | held by the open books |\n|---|---|---|---|");
    println!("| none (the pages made) | {:.0} MiB | {:.0} MiB | |", before.0, before.1);
    for (i, ((peak, rss), held)) in peaks.iter().enumerate() {
        if i == 0 || (i + 1) % 5 == 0 {
            println!("| {} | {peak:.0} MiB | {rss:.0} MiB | {held:.1} MiB |", i + 1);
        }
    }
    println!("| 20 / 1 | {:.2}× | {:.2}× | |", peaks[19].0 .0 / peaks[0].0 .0, peaks[19].0 .1 / peaks[0].0 .1);
}

// ---- a damaged book, and the cache's lasting cap ----

#[test]
fn a_zip_cut_short_opens_with_its_readable_pages_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("cache"));
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    let names: Vec<String> = (1..=4)
        .map(|i| {
            write_png(&pages, &format!("p{i}.png"), 20 + i, 16);
            format!("p{i}.png")
        })
        .collect();
    let status = std::process::Command::new("zip")
        .arg("-q")
        .arg("../whole.cbz")
        .args(&names)
        .current_dir(&pages)
        .status()
        .unwrap();
    assert!(status.success());
    let whole = std::fs::read(dir.path().join("whole.cbz")).unwrap();
    // Cut 40 bytes into the last page's data (each PNG is larger than that): three readable.
    std::fs::write(dir.path().join("cut.cbz"), srview_test_support::cut_into_last_entry(&whole, 40)).unwrap();

    let book = app.open(&dir.path().join("cut.cbz"));
    assert_eq!(book["images"].as_array().unwrap().len(), 3, "{book}");
    assert_eq!(book["damage"]["readablePages"], 3);
    assert_eq!(book["damage"]["pagesFound"], 4);
    assert_eq!(book["damage"]["message"], "This book is damaged and its end is missing: 3 pages could be read.");
    assert!(app.open(&dir.path().join("whole.cbz"))["damage"].is_null());
}

#[test]
fn the_cache_cap_set_through_the_app_holds_in_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let app = start(&cache);
    assert!(app.json("get_sr_vulkan_cache_stats", json!({}))["cap"].is_null(), "no cap by default");
    let report = app.json("set_cache_cap", json!({ "maxMegabytes": 300 }));
    assert_eq!(report["removed"], 0);
    drop(app);
    let app = start(&cache);
    assert_eq!(app.json("get_sr_vulkan_cache_stats", json!({}))["cap"], 300 * 1024 * 1024);
    app.json("set_cache_cap", json!({ "maxMegabytes": null }));
    assert!(app.json("get_sr_vulkan_cache_stats", json!({}))["cap"].is_null());
}
