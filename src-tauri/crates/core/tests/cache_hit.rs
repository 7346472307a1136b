//! A cache hit makes no Python call. Alone in its binary, so no other test moves the counter.

mod common;

use common::*;
use srview_core::{python_call_count, CancellationToken, SizeRequest, UpscaleOptions, UpscaleRequest};

#[tokio::test]
async fn second_call_is_a_cache_hit_without_python() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 32, 24, 11);
    let options = UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..UpscaleOptions::default()
    };
    let request = UpscaleRequest::new(&input, options.clone());
    assert!(!engine.is_cached(&request).await.unwrap(), "nothing is cached yet");
    let calls_before_miss = python_call_count();
    let first =
        engine.upscale(UpscaleRequest::new(&input, options.clone()), CancellationToken::new(), |_| {}).await.unwrap();
    assert!(!first.from_cache);
    assert!(python_call_count() > calls_before_miss, "a miss goes through sr_vulkan");

    let calls_before_hit = python_call_count();
    let second =
        engine.upscale(UpscaleRequest::new(&input, options.clone()), CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!(python_call_count(), calls_before_hit, "a hit must not call Python");
    assert!(second.from_cache);
    assert_eq!(second.bytes, first.bytes);
    assert_eq!((second.width, second.height), (64, 48));
    assert_eq!(cache_entries(cache.path()), 1);
    assert!(engine.is_cached(&request).await.unwrap(), "the result is cached");
    let other = UpscaleOptions { size: SizeRequest::Scale { factor: 1.5 }, ..options.clone() };
    assert!(!engine.is_cached(&UpscaleRequest::new(&input, other)).await.unwrap(), "another scale is not");
    assert_eq!(python_call_count(), calls_before_hit, "looking in the cache must not call Python");

    // A copy of the same bytes under another name is the same content: also a hit.
    let copy = dir.path().join("copy.png");
    std::fs::copy(&input, &copy).unwrap();
    let third = engine.upscale(UpscaleRequest::new(&copy, options), CancellationToken::new(), |_| {}).await.unwrap();
    assert!(third.from_cache);
    assert_eq!(python_call_count(), calls_before_hit);

    // The input's hash is remembered by its path, size and time: a changed page is not cached.
    let changed = write_image(dir.path(), "page.png", 40, 24, 12);
    assert_eq!(changed, input);
    assert!(!engine.is_cached(&request).await.unwrap(), "the changed page has no result yet");
}
