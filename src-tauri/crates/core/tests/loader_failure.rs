//! When the thread that collects sr_vulkan's results fails, every waiting and later request
//! fails with a typed error that carries the cause. Alone in its binary: it ends the session.

mod common;

use common::*;
use srview_core::testing::fail_loader_with;
use srview_core::{CancellationToken, SizeRequest, UpscaleOptions, UpscaleRequest};

#[tokio::test]
async fn the_loaders_cause_reaches_every_request() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let options = UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    };
    let first = write_image(dir.path(), "first.png", 16, 16, 1);
    engine.upscale(UpscaleRequest::new(&first, options.clone()), CancellationToken::new(), |_| {}).await.unwrap();

    fail_loader_with("the Python thread state was lost");
    let second = write_image(dir.path(), "second.png", 16, 16, 2);
    let err = engine
        .upscale(UpscaleRequest::new(&second, options.clone()), CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "engine_unavailable");
    assert!(err.to_string().contains("the Python thread state was lost"), "{err}");
    let third = write_image(dir.path(), "third.png", 16, 16, 3);
    let err = engine
        .upscale(UpscaleRequest::new(&third, options.clone()), CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the Python thread state was lost"), "{err}");
    // What was cached before still serves.
    let hit = engine.upscale(UpscaleRequest::new(&first, options), CancellationToken::new(), |_| {}).await.unwrap();
    assert!(hit.from_cache);
    assert_eq!(cache_entries(cache.path()), 1);
}
