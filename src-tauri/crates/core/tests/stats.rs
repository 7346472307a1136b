//! The engine's figures agree with the requests it served (real sr_vulkan, CPU mode).

mod common;

use common::*;
use srview_core::{CancellationToken, SizeRequest, UpscaleOptions, UpscaleRequest};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len().div_ceil(2) - 1]
}

#[tokio::test]
async fn counts_hit_rate_and_stage_figures_match_the_requests() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let options = |model: &str| UpscaleOptions {
        model: model.into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    };
    let mut outcomes = Vec::new();
    for (i, model) in [
        (1, "WAIFU2X_ANIME_UP2X"),
        (2, "WAIFU2X_ANIME_UP2X"),
        (3, "WAIFU2X_PHOTO_UP2X"),
        (1, "WAIFU2X_ANIME_UP2X"),
        (3, "WAIFU2X_PHOTO_UP2X"),
    ] {
        let input = dir.path().join(format!("p{i}.png"));
        if !input.exists() {
            write_image(dir.path(), &format!("p{i}.png"), 20 + i, 16, i);
        }
        outcomes.push(
            engine
                .upscale(UpscaleRequest::new(&input, options(model)), CancellationToken::new(), |_| {})
                .await
                .unwrap(),
        );
    }
    let stats = engine.stats();
    assert_eq!((stats.all.requests, stats.all.cache_hits), (5, 2));
    assert!((stats.cache_hit_rate - 0.4).abs() < 1e-9);
    let computed: Vec<f64> = outcomes.iter().filter(|o| !o.from_cache).map(|o| o.timings.compute_ms).collect();
    assert_eq!(stats.all.compute.count, 3);
    assert_eq!(stats.all.compute.median_ms, median(computed));
    let totals: Vec<f64> = outcomes.iter().map(|o| o.timings.total_ms).collect();
    assert_eq!(stats.all.total.median_ms, median(totals.clone()));
    assert_eq!(stats.all.total.p95_ms, totals.iter().cloned().fold(0.0, f64::max));
    let anime = &stats.by_model["WAIFU2X_ANIME_UP2X"];
    assert_eq!((anime.requests, anime.cache_hits, anime.compute.count), (3, 1, 2));
    assert_eq!(stats.by_model["WAIFU2X_PHOTO_UP2X"].requests, 2);
    let memory = &stats.memory;
    assert!(memory.resident_bytes > 0 && memory.peak_resident_bytes >= memory.resident_bytes);
    assert!(
        memory.engine_added_bytes > 10 << 20 && memory.engine_added_bytes < memory.peak_resident_bytes,
        "{memory:?}"
    );
    assert!(stats.pages_per_minute > 0.0);
}
