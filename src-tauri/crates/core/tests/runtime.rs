//! The async runtime is never blocked. On a runtime of one thread, tiled pages are checked,
//! cut, handed to sr_vulkan, preempted, cancelled and stitched, and that thread never enters
//! Python and spends next to no CPU time: the work runs on the session's threads and in
//! `spawn_blocking`. Real sr_vulkan, CPU mode.

mod common;

use std::time::Duration;

use common::*;
use srview_core::{CancellationToken, OutputFormat, Priority, SizeRequest, UpscaleOptions, UpscaleRequest};

fn options() -> UpscaleOptions {
    UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        format: OutputFormat::Webp,
        ..UpscaleOptions::default()
    }
}

/// CPU time the calling thread has used.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: writes into a valid timespec.
    assert_eq!(unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) }, 0);
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

#[test]
fn tiled_pages_never_take_the_gil_or_the_cpu_of_the_runtime_thread() {
    // Starting the engine enters Python; it happens here, before the runtime runs.
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let on_screen = write_image(dir.path(), "screen.png", 900, 700, 60);
    let preload = write_image(dir.path(), "preload.png", 900, 700, 61);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let gil_before = srview_python::gil_holds_on_this_thread();
    let cpu_before = thread_cpu_time();
    let (page, preload_result) = runtime.block_on(async {
        // A preload is queued first; the page on screen preempts it, then the reader leaves it.
        let leave = CancellationToken::new();
        let preloading = {
            let (engine, token) = (engine.clone(), leave.clone());
            let mut request = UpscaleRequest::new(&preload, options());
            request.priority = Priority::Background;
            tokio::spawn(async move { engine.upscale(request, token, |_| {}).await })
        };
        tokio::task::yield_now().await;
        let page = engine.upscale(UpscaleRequest::new(&on_screen, options()), CancellationToken::new(), |_| {}).await;
        leave.cancel();
        let preload_result = preloading.await.unwrap();
        engine.idle().await;
        (page, preload_result)
    });
    let runtime_cpu = thread_cpu_time() - cpu_before;
    let gil_holds = srview_python::gil_holds_on_this_thread() - gil_before;

    let page = page.unwrap();
    assert!(page.tiles >= 4, "the page was tiled: {} tiles", page.tiles);
    assert_eq!(decoded_size(&page.bytes), (1800, 1400));
    assert_eq!(preload_result.unwrap_err().kind(), "cancelled");
    say(&format!("runtime thread: {gil_holds} GIL holds, {:.1} ms of CPU", runtime_cpu.as_secs_f64() * 1e3));
    assert_eq!(gil_holds, 0, "the runtime's thread entered Python");
    // Checking, cutting and encoding tiles, pasting and encoding the page take seconds of CPU;
    // what stays on the runtime is bookkeeping.
    assert!(runtime_cpu < Duration::from_millis(40), "the runtime's thread computed for {runtime_cpu:?}");

    // The engine still works afterwards, from a cache hit to a new page.
    let again = runtime
        .block_on(engine.upscale(UpscaleRequest::new(&on_screen, options()), CancellationToken::new(), |_| {}))
        .unwrap();
    assert!(again.from_cache);
    assert_eq!(decoded_size(&again.bytes), (1800, 1400));
}
