//! Model speeds measured through real sr_vulkan in CPU mode, kept in their file, and the
//! default model that follows from them.

mod common;

use common::*;
use srview_core::models::speed::{choose_model, SpeedTable};
use srview_core::testing::{job_starts, record_job_starts};
use srview_core::{CancellationToken, UpscaleOptions, UpscaleRequest};

/// The session and its job counters are process-wide, so these tests run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn speeds_are_measured_once_kept_per_device_and_the_default_follows_them() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("notes.txt"), b"the user's").unwrap();
    let file = data.path().join("model-speeds.json");
    let models = names(&["WAIFU2X_ANIME_UP2X", "WAIFU2X_ANIME_UP2X_DENOISE1X", "WAIFU2X_CUNET_UP2X"]);
    let jobs = || engine.scheduler().0.started_total;

    let before = jobs();
    let progress = std::sync::Mutex::new(Vec::new());
    let first = engine
        .model_speeds(file.clone(), models.clone(), |done, total| progress.lock().unwrap().push((done, total)))
        .await
        .unwrap();
    assert!(first.measured);
    assert_eq!(jobs() - before, 10, "two networks, five jobs each (a warm-up, then each size timed twice)");
    assert_eq!(*progress.lock().unwrap(), [(0, 2), (1, 2), (2, 2)]);
    let table = &first.table;
    assert_eq!((table.device.as_str(), table.sr_vulkan.as_str()), ("cpu", engine.report().sr_vulkan_version.as_str()));
    let seconds = table.page_seconds();
    assert_eq!(seconds.len(), 3, "{table:?}");
    let (anime, cunet) = (seconds["WAIFU2X_ANIME_UP2X"], seconds["WAIFU2X_CUNET_UP2X"]);
    assert!(anime > 0.0 && anime.is_finite(), "{table:?}");
    assert!(cunet > anime, "CUNet is slower than UpConv7 in CPU mode: {table:?}");
    let denoise = table.speeds.iter().find(|s| s.model == "WAIFU2X_ANIME_UP2X_DENOISE1X").unwrap();
    assert_eq!(denoise.measured_as, "WAIFU2X_ANIME_UP2X", "a denoise level runs its model's network");
    assert_eq!(denoise.page_seconds, anime);
    for speed in &table.speeds {
        assert!(speed.large_ms > 0.0 && speed.small_ms > 0.0, "{speed:?}");
    }
    assert_eq!(SpeedTable::read(&file).as_ref(), Some(table), "the file holds what was measured");
    assert_eq!(std::fs::read(data.path().join("notes.txt")).unwrap(), b"the user's");

    // Started again on the same device: read from the file, nothing runs.
    let before = jobs();
    let second = engine.model_speeds(file.clone(), models.clone(), |_, _| {}).await.unwrap();
    assert!(!second.measured);
    assert_eq!(jobs(), before, "no job ran");
    assert_eq!(&second.table, table);

    // The default follows the timings: the best model under the limit.
    let pick = |limit: f64| choose_model(None, &models, &table.speeds, limit);
    assert_eq!(pick(cunet + 0.01).as_deref(), Some("WAIFU2X_CUNET_UP2X"));
    assert_eq!(pick((anime + cunet) / 2.0).as_deref(), Some("WAIFU2X_ANIME_UP2X"));
    assert_eq!(
        choose_model(Some("WAIFU2X_CUNET_UP2X"), &models, &table.speeds, anime).as_deref(),
        Some("WAIFU2X_CUNET_UP2X")
    );

    // Another model list is measured again.
    let more = names(&["WAIFU2X_ANIME_UP2X", "WAIFU2X_PHOTO_UP2X"]);
    let before = jobs();
    let third = engine.model_speeds(file.clone(), more, |_, _| {}).await.unwrap();
    assert!(third.measured);
    assert_eq!(jobs() - before, 10);
    assert_eq!(third.table.page_seconds().len(), 2);
    let mut left: Vec<_> = std::fs::read_dir(data.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["model-speeds.json", "notes.txt"], "only its own file is written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_the_reader_waits_for_goes_before_the_speed_probes() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let data = tempfile::tempdir().unwrap();
    let pages = tempfile::tempdir().unwrap();
    let page = write_image(pages.path(), "page.png", 120, 90, 7);
    let models = names(&["WAIFU2X_ANIME_UP2X", "WAIFU2X_CUNET_UP2X", "WAIFU2X_PHOTO_UP2X", "REALCUGAN_SE_UP2X"]);
    record_job_starts();
    let (first_done_tx, mut first_done) = tokio::sync::mpsc::unbounded_channel();
    let measuring = {
        let (engine, file) = (engine.clone(), data.path().join("model-speeds.json"));
        tokio::spawn(async move {
            let report = move |done: usize, _| {
                if done == 1 {
                    let _ = first_done_tx.send(());
                }
            };
            engine.model_speeds(file, models, report).await
        })
    };
    first_done.recv().await.expect("the first network was timed");
    let before = job_starts().len();
    let request =
        UpscaleRequest::new(&page, UpscaleOptions { model: "WAIFU2X_ANIME_UP2X".into(), ..UpscaleOptions::default() });
    let done = engine.upscale(request, CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!((done.width, done.height), (240, 180));
    let speeds = measuring.await.unwrap().unwrap();
    assert_eq!(speeds.table.speeds.len(), 4);
    let starts = job_starts();
    let on_screen = starts.iter().position(|s| s.input_size == (120, 90)).expect("the page ran");
    assert_eq!(starts[on_screen].urgency, 0);
    assert!(
        on_screen <= before + 1,
        "the page started after at most the probe already under way: {starts:?}, asked at {before}"
    );
    assert!(starts.iter().filter(|s| s.urgency == 3).count() >= 12, "every probe ran, as idle jobs: {starts:?}");
}
