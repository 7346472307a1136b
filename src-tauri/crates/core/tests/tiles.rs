//! Large pages as tiles: stitched to the exact size and close to one sr_vulkan call, the page
//! on screen first, cancel within one tile, resume, and a failed tile retried smaller.
//! Real sr_vulkan, CPU mode; the empty tile is the one injected fault.

mod common;

use common::*;
use image::ImageFormat;
use srview_core::models::tiling::TileOrder;
use srview_core::testing::{job_starts, record_job_starts, set_result_fault, Fault};
use srview_core::{
    CancellationToken, Engine, EngineConfig, OutputFormat, Phase, Priority, Progress, SizeRequest, TileReady,
    UpscaleOptions, UpscaleRequest,
};

/// Job counters and fault hooks are process-wide, so these tests run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn options(model: &str) -> UpscaleOptions {
    UpscaleOptions {
        model: model.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Png,
        ..UpscaleOptions::default()
    }
}

fn started(engine: &Engine) -> u64 {
    engine.scheduler().0.started_total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_pages_are_tiled_stitched_exactly_and_match_one_call() {
    let _serial = SERIAL.lock().await;
    let (tiled, _a) = engine();
    let (whole, _b) = engine_with(EngineConfig { tiling: false, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 900, 700, 7);
    // Fine noise-like texture everywhere: the hardest case for seams.
    let textured = dir.path().join("textured.png");
    srview_test_support::textured_page(900, 700).save(&textured).unwrap();
    for model in ["WAIFU2X_ANIME_UP2X", "WAIFU2X_CUNET_UP2X"] {
        for page in [&input, &textured] {
            let request = || UpscaleRequest::new(page, options(model));
            let ours = tiled.upscale(request(), CancellationToken::new(), |_| {}).await.unwrap();
            assert!(ours.tiles >= 4, "{model}: {} tiles", ours.tiles);
            assert_eq!(decoded_size(&ours.bytes), (1800, 1400));
            let one = whole.upscale(request(), CancellationToken::new(), |_| {}).await.unwrap();
            assert_eq!(one.tiles, 0);
            let db = srview_core::models::tiling::psnr(&ours.bytes, &one.bytes).unwrap();
            let name = page.file_name().unwrap().to_string_lossy();
            say(&format!("{model}, {name}: {} tiles, {db:.1} dB against one sr_vulkan call", ours.tiles));
            assert!(db >= 50.0, "{model}, {name}: tiled output reached {db:.1} dB, below 50");
        }
    }
    // Real-CUGAN pools over the whole page, so it stays one job, identical to one call.
    let model = "REALCUGAN_SE_UP2X";
    let small = write_image(dir.path(), "small.png", 700, 500, 8);
    let ours =
        tiled.upscale(UpscaleRequest::new(&small, options(model)), CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!(ours.tiles, 0);
    // WebP output of a tiled page is a lossy WebP at the requested size.
    let webp = UpscaleOptions { format: OutputFormat::Webp, ..options("WAIFU2X_ANIME_UP2X") };
    let done = tiled.upscale(UpscaleRequest::new(&input, webp), CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!(image::guess_format(&done.bytes).unwrap(), ImageFormat::WebP);
    assert_eq!(decoded_size(&done.bytes), (1800, 1400));
}

/// Pages reach sr_vulkan as BMP (its PNG decoder keeps every page it decodes): transparency,
/// grey and 16-bit pages come out as they did, tiled and as one call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transparent_and_grey_pages_keep_their_look_tiled_and_whole() {
    let _serial = SERIAL.lock().await;
    let (tiled, _a) = engine();
    let (whole, _b) = engine_with(EngineConfig { tiling: false, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let textured = srview_test_support::textured_page(900, 700);
    let transparent = dir.path().join("transparent.png");
    image::RgbaImage::from_fn(900, 700, |x, y| {
        let [r, g, b] = textured.get_pixel(x, y).0;
        image::Rgba([r, g, b, if x < 450 { 0 } else { 255 }])
    })
    .save(&transparent)
    .unwrap();
    let grey = dir.path().join("grey16.png");
    image::DynamicImage::ImageRgb8(textured.clone()).into_luma16().save(&grey).unwrap();
    for page in [&transparent, &grey] {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let request = || UpscaleRequest::new(page, options("WAIFU2X_ANIME_UP2X"));
        let ours = tiled.upscale(request(), CancellationToken::new(), |_| {}).await.unwrap();
        let one = whole.upscale(request(), CancellationToken::new(), |_| {}).await.unwrap();
        assert!(ours.tiles >= 4 && one.tiles == 0, "{name}: {} and {} tiles", ours.tiles, one.tiles);
        for (how, done) in [("tiled", &ours), ("one call", &one)] {
            let image = image::load_from_memory(&done.bytes).unwrap().to_rgba8();
            assert_eq!(image.dimensions(), (1800, 1400), "{name}, {how}");
            let alpha = |x, y| image.get_pixel(x, y).0[3];
            match name.as_str() {
                "transparent.png" => {
                    assert_eq!((alpha(200, 700), alpha(1600, 700)), (0, 255), "{name}, {how}: alpha lost");
                }
                _ => {
                    let [r, g, b, _] = image.get_pixel(1200, 300).0;
                    assert!(r.abs_diff(g) <= 2 && g.abs_diff(b) <= 2, "{name}, {how}: grey came back as {r},{g},{b}");
                }
            }
        }
        let db = srview_core::models::tiling::psnr(&ours.bytes, &one.bytes).unwrap();
        assert!(db >= 50.0, "{name}: tiled output reached {db:.1} dB against one call, below 50");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_on_screen_starts_before_queued_background_tiles() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    record_job_starts();
    // Two preloaded pages of 7 tiles each (6, the first one halved) fill the queue.
    let (computing_tx, mut computing) = tokio::sync::mpsc::unbounded_channel();
    let background: Vec<_> = (0..2)
        .map(|i| {
            let input = write_image(dir.path(), &format!("pre{i}.png"), 900, 700, 20 + i);
            let mut request = UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X"));
            request.priority = Priority::Background;
            let (engine, computing_tx) = (engine.clone(), computing_tx.clone());
            tokio::spawn(async move {
                let report = move |p: Progress| {
                    if p.phase == Phase::Computing {
                        let _ = computing_tx.send(());
                    }
                };
                engine.upscale(request, CancellationToken::new(), report).await
            })
        })
        .collect();
    // Once they compute, the reader turns to a page of their own.
    computing.recv().await.expect("the preloads started");
    let page = write_image(dir.path(), "screen.png", 120, 90, 30);
    let done = engine
        .upscale(UpscaleRequest::new(&page, options("WAIFU2X_ANIME_UP2X")), CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(decoded_size(&done.bytes), (240, 180));
    for task in background {
        task.await.unwrap().unwrap();
    }
    let starts = job_starts();
    let on_screen = starts.iter().position(|s| s.input_size == (120, 90)).expect("the page on screen ran");
    let background_after = starts[on_screen..].iter().filter(|s| s.urgency != 0).count();
    say(&format!(
        "job start order (0 = on screen, 1 = preload): {:?}",
        starts.iter().map(|s| s.urgency).collect::<Vec<_>>()
    ));
    // It waited only for the tiles already running (at most the pipeline depth).
    assert!(on_screen <= 2 + 2, "the page on screen started {on_screen}th");
    assert!(background_after >= 8, "most background tiles ran after it: {background_after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_within_a_tile_keeps_the_tiles_and_coming_back_resumes() {
    let _serial = SERIAL.lock().await;
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 900, 700, 40);
    let token = CancellationToken::new();
    let (first_tile_tx, first_tile) = tokio::sync::oneshot::channel();
    let first_tile_tx = std::sync::Mutex::new(Some(first_tile_tx));
    let before = started(&engine);
    let task = {
        let (engine, token, input) = (engine.clone(), token.clone(), input.clone());
        tokio::spawn(async move {
            engine
                .upscale(UpscaleRequest::new(&input, options("WAIFU2X_CUNET_UP2X")), token, move |p: Progress| {
                    if p.phase == Phase::Computing && p.done >= 1 {
                        if let Some(tx) = first_tile_tx.lock().unwrap().take() {
                            let _ = tx.send(p.total);
                        }
                    }
                })
                .await
        })
    };
    let total = first_tile.await.unwrap() as u64;
    token.cancel();
    let at_cancel = started(&engine) - before;
    assert_eq!(task.await.unwrap().unwrap_err().kind(), "cancelled");
    engine.idle().await;
    let ran = started(&engine) - before;
    assert_eq!(ran, at_cancel, "no tile started after the cancel");
    assert!(ran < total, "it stopped before the page was done ({ran} of {total} tiles)");
    let kept = engine.tiles_kept() as u64;
    assert_eq!(kept, ran, "every tile that ran is kept");
    assert_eq!(cache_entries(cache.path()), 0, "no page was written");

    let resumed = engine
        .upscale(UpscaleRequest::new(&input, options("WAIFU2X_CUNET_UP2X")), CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(decoded_size(&resumed.bytes), (1800, 1400));
    assert_eq!(started(&engine) - before, total, "coming back computed only the missing tiles");
    assert_eq!(engine.tiles_kept(), 0, "a finished page's tiles are let go");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_tile_is_retried_smaller_and_the_page_completes() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 900, 700, 50);
    // The first tile-sized job comes back empty, as on a GPU out of memory.
    let mut failed_once = false;
    set_result_fault(Some(Box::new(move |size: (u32, u32)| {
        if !failed_once && size.0 > 300 {
            failed_once = true;
            return Some(Fault::Empty);
        }
        None
    })));
    let before = started(&engine);
    let done = engine
        .upscale(UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X")), CancellationToken::new(), |_| {})
        .await;
    set_result_fault(None);
    let done = done.unwrap();
    assert_eq!(decoded_size(&done.bytes), (1800, 1400));
    assert_eq!(started(&engine) - before, done.tiles as u64 + 1, "one tile ran twice");
    let (whole, _whole_cache) = engine_with(EngineConfig { tiling: false, ..Default::default() });
    let one = whole
        .upscale(UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X")), CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert!(srview_core::models::tiling::psnr(&done.bytes, &one.bytes).unwrap() >= 50.0);
}

/// Tiles start in the reader's order (top-left first left to right, top-right first right to
/// left). Each finished tile is reported once, with its image; their parts cover the page
/// exactly once, and drawn together they are the finished page, pixel for pixel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiles_start_in_reading_order_and_each_is_reported_as_it_finishes() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine_with(EngineConfig { stagger: false, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    for (right_to_left, seed) in [(false, 21), (true, 22)] {
        let (width, height) = (900, 700);
        let page = write_image(dir.path(), &format!("page-{seed}.png"), width, height, seed);
        let mut request = UpscaleRequest::new(&page, options("WAIFU2X_ANIME_UP2X"));
        request.tile_order = TileOrder { right_to_left, focus: None };
        let reported = std::sync::Mutex::new(Vec::<TileReady>::new());
        record_job_starts();
        let done = engine
            .upscale(request, CancellationToken::new(), |p: Progress| reported.lock().unwrap().extend(p.tile))
            .await
            .unwrap();
        let starts: Vec<(u32, u32)> = job_starts().iter().filter_map(|s| s.tile_at).collect();
        let tiles = reported.into_inner().unwrap();
        say(&format!("right to left {right_to_left}: tiles started at {starts:?}"));
        assert!(
            done.tiles >= 4 && tiles.len() == done.tiles as usize,
            "{} tiles, {} reported",
            done.tiles,
            tiles.len()
        );
        let mut reading = starts.clone();
        reading.sort_by_key(|&(x, y)| (y, if right_to_left { u32::MAX - x } else { x }));
        assert_eq!(starts, reading, "tiles start in reading order");
        let first = starts[0];
        assert_eq!(first.1, 0);
        assert_eq!(
            first.0 == 0,
            !right_to_left,
            "the first tile is at the top {}",
            if right_to_left { "right" } else { "left" }
        );

        let scale = tiles[0].scale;
        let mut composite = image::RgbaImage::new(width * scale, height * scale);
        let mut covered = vec![0u8; (width * height) as usize];
        for tile in &tiles {
            assert_eq!((tile.page_width, tile.page_height, tile.scale), (width, height, scale));
            let image = image::load_from_memory_with_format(&tile.png, ImageFormat::Png).unwrap().to_rgba8();
            assert!(
                image.width() >= tile.image_x + tile.width * scale
                    && image.height() >= tile.image_y + tile.height * scale
            );
            let part =
                image::imageops::crop_imm(&image, tile.image_x, tile.image_y, tile.width * scale, tile.height * scale);
            image::imageops::replace(&mut composite, &*part, (tile.x * scale) as i64, (tile.y * scale) as i64);
            for y in tile.y..tile.y + tile.height {
                for x in tile.x..tile.x + tile.width {
                    covered[(y * width + x) as usize] += 1;
                }
            }
        }
        assert!(covered.iter().all(|&c| c == 1), "the reported tiles cover the page exactly once");
        let finished = image::load_from_memory(&done.bytes).unwrap().to_rgba8();
        assert_eq!(composite.dimensions(), finished.dimensions());
        assert!(composite == finished, "the tiles drawn together are the finished page");
    }
}

/// With no reader waiting, a batch page runs as one job (faster); with a reader open, batch
/// pages are tiled so that the page on screen can go first; a page for the screen always is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_pages_run_whole_unless_a_reader_is_open() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let upscale = |seed: u32, priority: Priority| {
        let page = write_image(dir.path(), &format!("batch-{seed}.png"), 900, 700, seed);
        let engine = engine.clone();
        async move {
            let request = UpscaleRequest { priority, ..UpscaleRequest::new(&page, options("WAIFU2X_ANIME_UP2X")) };
            engine.upscale(request, CancellationToken::new(), |_| {}).await.unwrap()
        }
    };
    let alone = upscale(31, Priority::Batch).await;
    assert_eq!(alone.tiles, 0, "no reader: one job");
    assert_eq!(decoded_size(&alone.bytes), (1800, 1400));
    assert!(upscale(32, Priority::Interactive).await.tiles >= 4, "the page on screen is tiled");
    engine.set_reader_open(true);
    let beside_a_reader = upscale(33, Priority::Batch).await;
    assert!(beside_a_reader.tiles >= 4, "beside a reader: tiles ({})", beside_a_reader.tiles);
    engine.set_reader_open(false);
}
