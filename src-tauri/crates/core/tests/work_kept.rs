//! Work is never thrown away and never done twice: a cancelled running job still fills the
//! cache, identical requests share one computation, and the timeout counts only compute time.
//! Real sr_vulkan, CPU mode.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use srview_core::{
    CancellationToken, Engine, EngineConfig, Phase, Priority, Progress, SizeRequest, SrError, UpscaleOptions,
    UpscaleRequest,
};

fn cunet() -> UpscaleOptions {
    UpscaleOptions {
        model: "WAIFU2X_CUNET_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..UpscaleOptions::default()
    }
}

/// The job counter is process-wide, so these tests run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn started_jobs(engine: &Engine) -> u64 {
    engine.scheduler().0.started_total
}

/// Starts an upscale and returns once its job is running, with its cancel token.
async fn start_computing(
    engine: &Engine,
    request: UpscaleRequest,
) -> (tokio::task::JoinHandle<Result<srview_core::UpscaleOutcome, SrError>>, CancellationToken) {
    let token = CancellationToken::new();
    let (computing_tx, computing_rx) = tokio::sync::oneshot::channel();
    let computing_tx = std::sync::Mutex::new(Some(computing_tx));
    let task = {
        let (engine, token) = (engine.clone(), token.clone());
        tokio::spawn(async move {
            engine
                .upscale(request, token, move |p: Progress| {
                    if p.phase == Phase::Computing {
                        if let Some(tx) = computing_tx.lock().unwrap().take() {
                            let _ = tx.send(());
                        }
                    }
                })
                .await
        })
    };
    computing_rx.await.expect("the job started");
    (task, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_running_job_still_fills_the_cache() {
    let _serial = SERIAL.lock().await;
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 160, 160, 31);
    let (task, token) = start_computing(&engine, UpscaleRequest::new(&input, cunet())).await;
    token.cancel();
    assert_eq!(task.await.unwrap().unwrap_err().kind(), "cancelled");
    // The job could not be stopped; its result goes into the cache when it arrives.
    engine.idle().await;
    assert_eq!(cache_entries(cache.path()), 1);
    let jobs = started_jobs(&engine);
    let again = engine.upscale(UpscaleRequest::new(&input, cunet()), CancellationToken::new(), |_| {}).await.unwrap();
    assert!(again.from_cache, "coming back to the page must not compute it again");
    assert_eq!(started_jobs(&engine), jobs);
    assert_eq!(decoded_size(&again.bytes), (320, 320));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returning_while_the_cancelled_job_runs_joins_it() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 160, 160, 32);
    let jobs = started_jobs(&engine);
    let (task, token) = start_computing(&engine, UpscaleRequest::new(&input, cunet())).await;
    token.cancel();
    assert_eq!(task.await.unwrap().unwrap_err().kind(), "cancelled");
    let back = engine.upscale(UpscaleRequest::new(&input, cunet()), CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!(decoded_size(&back.bytes), (320, 320));
    assert_eq!(started_jobs(&engine) - jobs, 1, "one computation served both visits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_requests_in_flight_are_computed_once() {
    let _serial = SERIAL.lock().await;
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let input = write_image(dir.path(), "page.png", 120, 90, 33);
    let jobs = started_jobs(&engine);
    let requests = (0..4).map(|i| {
        let engine = engine.clone();
        let mut request = UpscaleRequest::new(&input, cunet());
        // The page on screen, a preload and a save of the same page, all at once.
        request.priority = [Priority::Background, Priority::Interactive, Priority::Batch, Priority::Interactive][i];
        if i == 3 {
            request.save_path = Some(dir.path().join("saved.webp"));
        }
        tokio::spawn(async move { engine.upscale(request, CancellationToken::new(), |_| {}).await })
    });
    let results: Vec<_> = futures_join(requests.collect()).await;
    let first = results[0].as_ref().unwrap().bytes.clone();
    for result in &results {
        assert_eq!(result.as_ref().unwrap().bytes, first);
    }
    assert_eq!(started_jobs(&engine) - jobs, 1, "four identical requests, one job");
    assert_eq!(cache_entries(cache.path()), 1);
    assert_eq!(std::fs::read(dir.path().join("saved.webp")).unwrap(), *first);
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeout_counts_compute_time_not_waiting() {
    let _serial = SERIAL.lock().await;
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    // Two long jobs fill sr_vulkan's pipeline first.
    let busy: Vec<_> = (0..2)
        .map(|i| {
            let input = write_image(dir.path(), &format!("busy{i}.png"), 400, 400, 40 + i);
            let engine = engine.clone();
            tokio::spawn(async move {
                engine.upscale(UpscaleRequest::new(&input, cunet()), CancellationToken::new(), |_| {}).await
            })
        })
        .collect();
    // A small page behind them, with a timeout shorter than the wait but longer than its compute.
    let (patient, _other) =
        engine_with(EngineConfig { timeout: Some(Duration::from_millis(900)), ..Default::default() });
    let small = write_image(dir.path(), "small.png", 24, 24, 45);
    let mut request = UpscaleRequest::new(&small, UpscaleOptions { model: "WAIFU2X_ANIME_UP2X".into(), ..cunet() });
    request.priority = Priority::Background;
    let waited = Arc::new(AtomicBool::new(false));
    let saw_queue = waited.clone();
    let done = patient
        .upscale(request, CancellationToken::new(), move |p| {
            if p.phase == Phase::Queued {
                saw_queue.store(true, Ordering::SeqCst);
            }
        })
        .await
        .expect("waiting behind other pages is not a timeout");
    assert!(done.timings.queue_wait_ms > 900.0, "it really waited: {:?}", done.timings);
    assert!(waited.load(Ordering::SeqCst));
    for task in busy {
        task.await.unwrap().unwrap();
    }
    // A compute that takes longer than the limit does time out.
    let (impatient, _third) =
        engine_with(EngineConfig { timeout: Some(Duration::from_millis(5)), ..Default::default() });
    let slow = write_image(dir.path(), "slow.png", 256, 256, 46);
    let err =
        impatient.upscale(UpscaleRequest::new(&slow, cunet()), CancellationToken::new(), |_| {}).await.unwrap_err();
    assert_eq!(err.kind(), "timeout");
}
