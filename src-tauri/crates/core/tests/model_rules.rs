//! The model `auto`: the rules choose each page's model by what the page is, through real
//! sr_vulkan in CPU mode, and the cache keeps each model's result apart.

mod common;

use std::sync::Mutex;

use common::*;
use image::{ImageFormat, Rgb, RgbImage};
use srview_core::models::rules::{default_rules, ModelRule, ModelRules, RuleScale};
use srview_core::{CancellationToken, Engine, Progress, SrError, UpscaleOptions, UpscaleOutcome, UpscaleRequest};

fn auto() -> UpscaleOptions {
    UpscaleOptions { model: "auto".into(), ..UpscaleOptions::default() }
}

/// A black-and-white page (line art on grey tones) stored as a colour JPEG, as scans often are.
fn grey_page(dir: &std::path::Path) -> std::path::PathBuf {
    let page = RgbImage::from_fn(40, 30, |x, y| {
        let v = if (x + 2 * y) % 9 == 0 { 15 } else { (150 + (x * 5 + y * 3) % 90) as u8 };
        Rgb([v, v, v])
    });
    let path = dir.join("mono.jpg");
    std::fs::write(&path, encode(&page, ImageFormat::Jpeg)).unwrap();
    path
}

async fn upscale(engine: &Engine, input: &std::path::Path) -> Result<(UpscaleOutcome, Vec<Progress>), SrError> {
    let seen = Mutex::new(Vec::new());
    let done = engine
        .upscale(UpscaleRequest::new(input, auto()), CancellationToken::new(), |p| seen.lock().unwrap().push(p))
        .await?;
    Ok((done, seen.into_inner().unwrap()))
}

fn everything_with(model: &str) -> ModelRules {
    ModelRules {
        rules: vec![ModelRule {
            name: format!("all with {model}"),
            model: model.into(),
            scale: RuleScale::Factor { factor: 2.0 },
            ..ModelRule::default()
        }],
        target_height: 1080,
    }
}

#[tokio::test]
async fn the_default_rules_give_a_greyscale_page_and_a_colour_page_different_models() {
    let (engine, _cache) = engine();
    engine.set_model_rules(ModelRules { rules: default_rules(), target_height: 60 });
    let dir = tempfile::tempdir().unwrap();
    let mono = grey_page(dir.path());
    let colour = write_image(dir.path(), "colour.png", 40, 30, 3);

    let (grey, grey_progress) = upscale(&engine, &mono).await.unwrap();
    let (coloured, colour_progress) = upscale(&engine, &colour).await.unwrap();
    assert_eq!((grey.model.as_str(), grey.rule.as_deref()), ("WAIFU2X_ANIME_UP2X", Some("Black-and-white pages")));
    assert_eq!((coloured.model.as_str(), coloured.rule.as_deref()), ("REALCUGAN_SE_UP2X", Some("Colour pages")));
    // 30 px tall towards 60: 2× reaches it.
    assert_eq!(decoded_size(&grey.bytes), (80, 60));
    assert_eq!(decoded_size(&coloured.bytes), (80, 60));
    assert!(grey_progress.iter().all(|p| p.rule.as_deref() == Some("Black-and-white pages")), "{grey_progress:?}");
    assert!(colour_progress.iter().all(|p| p.rule.as_deref() == Some("Colour pages")), "{colour_progress:?}");

    // Towards 200 px, 2× (60 px) falls short, so the rule takes 4×.
    engine.set_model_rules(ModelRules { rules: default_rules(), target_height: 200 });
    let (grey, _) = upscale(&engine, &mono).await.unwrap();
    assert_eq!(decoded_size(&grey.bytes), (160, 120));

    // A page already as tall as the target is left as it is, and says which rule said so.
    engine.set_model_rules(ModelRules { rules: default_rules(), target_height: 30 });
    let err = upscale(&engine, &mono).await.unwrap_err();
    assert_eq!(err.kind(), "skipped");
    assert!(err.to_string().contains("“Already large enough”"), "{err}");
    assert!(!engine.is_cached(&UpscaleRequest::new(&mono, auto())).await.unwrap());
}

#[tokio::test]
async fn changing_a_rule_never_serves_another_models_result() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let page = write_image(dir.path(), "page.png", 36, 28, 5);
    let request = || UpscaleRequest::new(&page, auto());

    engine.set_model_rules(everything_with("WAIFU2X_ANIME_UP2X"));
    let (anime, _) = upscale(&engine, &page).await.unwrap();
    assert!(!anime.from_cache);
    assert!(engine.is_cached(&request()).await.unwrap());
    assert!(upscale(&engine, &page).await.unwrap().0.from_cache);

    engine.set_model_rules(everything_with("WAIFU2X_CUNET_UP2X"));
    assert!(!engine.is_cached(&request()).await.unwrap(), "another model's result is not this rule's");
    let (cunet, _) = upscale(&engine, &page).await.unwrap();
    assert!(!cunet.from_cache, "computed with the model the rule names now");
    assert_eq!(
        (cunet.model.as_str(), cunet.rule.as_deref()),
        ("WAIFU2X_CUNET_UP2X", Some("all with WAIFU2X_CUNET_UP2X"))
    );
    assert_ne!(anime.bytes, cunet.bytes);
    assert_eq!(cache_entries(cache.path()), 2);

    // The same result as asking for the model by name: one cache entry per model, whoever asked.
    let named = engine
        .upscale(
            UpscaleRequest::new(
                &page,
                UpscaleOptions { model: "WAIFU2X_ANIME_UP2X".into(), ..UpscaleOptions::default() },
            ),
            CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap();
    assert!(named.from_cache);
    assert_eq!(named.rule, None);
    assert_eq!(named.bytes, anime.bytes);

    // A request's own rules go before the engine's (the viewer sends the user's with each page).
    let own = UpscaleRequest { model_rules: Some(everything_with("WAIFU2X_ANIME_UP2X").into()), ..request() };
    assert!(engine.is_cached(&own).await.unwrap());
    let done = engine.upscale(own, CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!((done.model.as_str(), done.from_cache), ("WAIFU2X_ANIME_UP2X", true));
}

#[tokio::test]
async fn rules_that_cannot_be_followed_are_clear_errors_and_the_engine_goes_on() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let page = write_image(dir.path(), "page.png", 20, 20, 1);
    engine.set_model_rules(ModelRules { rules: vec![], target_height: 1080 });
    let err = upscale(&engine, &page).await.unwrap_err();
    assert_eq!(err.kind(), "invalid_option");
    assert!(err.to_string().contains("no model rule matches"), "{err}");
    engine.set_model_rules(everything_with("NOT_A_MODEL"));
    assert_eq!(upscale(&engine, &page).await.unwrap_err().kind(), "unknown_model");
    let not_an_image = dir.path().join("notes.png");
    std::fs::write(&not_an_image, b"plain text").unwrap();
    engine.set_model_rules(everything_with("WAIFU2X_ANIME_UP2X"));
    assert!(upscale(&engine, &not_an_image).await.is_err());
    assert_eq!(upscale(&engine, &page).await.unwrap().0.model, "WAIFU2X_ANIME_UP2X");
}
