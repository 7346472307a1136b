//! Inputs that users have: names that are not UTF-8, motion-photo JPEGs, animations, huge
//! files; and saving like a normal file save. Real sr_vulkan, CPU mode.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;

use common::*;
use image::ImageFormat;
use srview_core::{
    CancellationToken, EngineConfig, Limits, Overwrite, SizeRequest, SkipRules, UpscaleOptions, UpscaleRequest,
};

fn anime() -> UpscaleOptions {
    UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..UpscaleOptions::default()
    }
}

async fn run(
    engine: &srview_core::Engine,
    request: UpscaleRequest,
) -> Result<srview_core::UpscaleOutcome, srview_core::SrError> {
    engine.upscale(request, CancellationToken::new(), |_| {}).await
}

fn animated_gif(width: u32, height: u32, frames: u8) -> Vec<u8> {
    let frames: Vec<image::Frame> = (0..frames)
        .map(|i| image::Frame::new(image::RgbaImage::from_pixel(width, height, image::Rgba([i * 40, 90, 20, 255]))))
        .collect();
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        encoder.set_repeat(image::codecs::gif::Repeat::Infinite).unwrap();
        encoder.encode_frames(frames).unwrap();
    }
    gif
}

#[tokio::test]
async fn a_shift_jis_file_name_is_upscaled_and_saved_with_its_bytes() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    // "ページ01.png" in Shift-JIS, as unzipping a Japanese archive leaves it.
    let name = OsStr::from_bytes(b"\x83y\x81[\x83W01.png");
    let input = dir.path().join(name);
    std::fs::write(&input, encode(&picture(20, 16, 1), ImageFormat::Png)).unwrap();
    let mut request = UpscaleRequest::new(&input, anime());
    request.save_path = Some(dir.path().to_path_buf());
    let done = run(&engine, request).await.unwrap();
    assert_eq!((done.width, done.height), (40, 32));
    let saved = done.saved_to.unwrap();
    assert_eq!(saved.file_name().unwrap().as_bytes(), b"\x83y\x81[\x83W01_x2.webp");
    assert_eq!(std::fs::read(&saved).unwrap(), *done.bytes);
}

#[tokio::test]
async fn a_jpeg_with_a_video_appended_is_accepted() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let mut motion = encode(&picture(32, 24, 2), ImageFormat::Jpeg);
    motion.extend_from_slice(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom");
    motion.extend((0..4000u32).map(|i| (i * 7 % 251) as u8));
    let input = dir.path().join("motion.jpg");
    std::fs::write(&input, &motion).unwrap();
    let done = run(&engine, UpscaleRequest::new(&input, anime())).await.unwrap();
    assert_eq!(decoded_size(&done.bytes), (64, 48));
}

#[tokio::test]
async fn the_pixel_limit_counts_every_frame_and_the_byte_limit_comes_first() {
    let limits = Limits { max_pixels: 10_000, max_bytes: 1_000_000, ..Default::default() };
    let (engine, cache) = engine_with(EngineConfig { limits, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    // 60×60 = 3600 pixels a frame, under the limit; 4 frames are 14 400, over it.
    let gif = dir.path().join("loop.gif");
    std::fs::write(&gif, animated_gif(60, 60, 4)).unwrap();
    let err = run(&engine, UpscaleRequest::new(&gif, anime())).await.unwrap_err();
    assert_eq!(err.kind(), "image_too_large");
    assert!(err.to_string().contains("4 frames"), "{err}");
    let two = dir.path().join("two.gif");
    std::fs::write(&two, animated_gif(60, 60, 2)).unwrap();
    let done = run(&engine, UpscaleRequest::new(&two, anime())).await.unwrap();
    assert_eq!((done.width, done.height), (120, 120));

    // A 3 GB file (sparse: it takes no disk) is refused before a byte of it is read.
    let huge = dir.path().join("huge.png");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(3 << 30).unwrap();
    let err = run(&engine, UpscaleRequest::new(&huge, anime())).await.unwrap_err();
    assert_eq!(err.kind(), "file_too_large");
    assert_eq!(cache_entries(cache.path()), 1);
}

#[tokio::test]
async fn the_frame_limit_refuses_long_animations_on_every_read_path() {
    let limits = Limits { max_frames: 3, ..Default::default() };
    let (engine, cache) = engine_with(EngineConfig { limits, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.gif");
    std::fs::write(&long, animated_gif(16, 16, 5)).unwrap();
    let short = dir.path().join("short.gif");
    std::fs::write(&short, animated_gif(16, 16, 3)).unwrap();

    let err = run(&engine, UpscaleRequest::new(&long, anime())).await.unwrap_err();
    assert_eq!(err.kind(), "too_many_frames");
    assert!(err.to_string().contains("5 frames, above the limit of 3"), "{err}");
    let page = srview_core::ImageSource::from(long.as_path());
    assert_eq!(
        srview_core::books::input::check_page("long.gif", &page, &limits, false).unwrap_err().kind(),
        "too_many_frames"
    );
    let bytes = std::fs::read(&long).unwrap();
    assert_eq!(srview_core::books::thumbnail::make("long.gif", &bytes, &limits).unwrap_err().kind(), "too_many_frames");

    let done = run(&engine, UpscaleRequest::new(&short, anime())).await.unwrap();
    assert_eq!((done.width, done.height), (32, 32));
    let page = srview_core::ImageSource::from(short.as_path());
    assert_eq!(srview_core::books::input::check_page("short.gif", &page, &limits, true).unwrap(), (16, 16));
    assert_eq!(cache_entries(cache.path()), 1);
}

#[test]
fn a_page_whose_header_claims_900_megapixels_is_refused_from_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.png");
    std::fs::write(&bomb, png_header_only(30_000, 30_000)).unwrap();
    let page = srview_core::ImageSource::from(bomb.as_path());
    for decode in [false, true] {
        let err = srview_core::books::input::check_page("bomb.png", &page, &Limits::default(), decode).unwrap_err();
        assert_eq!(err.kind(), "image_too_large");
        assert_eq!(err.to_string(), "bomb.png is 30000×30000 pixels (900 MP), above the limit of 64 MP");
    }
}

#[tokio::test]
async fn skip_rules_refuse_before_any_work() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("loop.gif");
    std::fs::write(&gif, animated_gif(16, 16, 3)).unwrap();
    let big = write_image(dir.path(), "big.png", 300, 200, 3);
    let mut request = UpscaleRequest::new(&gif, anime());
    request.skip = SkipRules { max_pixels: None, animated: true };
    assert_eq!(run(&engine, request).await.unwrap_err().kind(), "skipped");
    let mut request = UpscaleRequest::new(&big, anime());
    request.skip = SkipRules { max_pixels: Some(50_000), animated: false };
    let err = run(&engine, request).await.unwrap_err();
    assert_eq!(err.kind(), "skipped");
    assert!(err.to_string().contains("0.06 MP, above the 0.05 MP limit"), "{err}");
    assert_eq!(cache_entries(cache.path()), 0);
}

#[tokio::test]
async fn saving_never_replaces_a_file_unless_asked_and_uses_normal_permissions() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 16, 16, 4);
    let target = dir.path().join("out").join("page_x2.webp");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, b"the user's own file").unwrap();
    let mut request = UpscaleRequest::new(&input, anime());
    request.save_path = Some(target.clone());
    let err = run(&engine, request.clone()).await.unwrap_err();
    assert_eq!(err.kind(), "output_exists");
    assert_eq!(std::fs::read(&target).unwrap(), b"the user's own file");
    request.overwrite = Overwrite::Replace;
    let done = run(&engine, request).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), *done.bytes);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    let umask = srview_test_support::process_umask();
    assert_eq!(mode, 0o666 & !umask, "a saved file gets the permissions a normal save gives");
    let leftovers: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".srview"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
