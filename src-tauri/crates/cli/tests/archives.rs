//! Every archive the project holds or the tests make goes through the real `srview` CLI, one
//! process per file: none may abort (a signal, or exit 134), hang or panic, and each gives
//! pages or a typed error. This is a debug build, so undefined behaviour that the standard
//! library checks aborts the process and fails the test.

use std::io::Cursor;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;
use srview_test_support::rar::write_rar5;

/// Longer than any one archive needs, engine start-up included.
const PER_FILE: Duration = Duration::from_secs(120);

fn picture(width: u32, height: u32, seed: u32, format: ImageFormat) -> Vec<u8> {
    let image =
        RgbImage::from_fn(width, height, |x, y| Rgb([(x * 9 + seed) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8]));
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
    bytes
}

fn tool(program: &str, args: &[&str], dir: &Path) {
    let output = Command::new(program).args(args).current_dir(dir).output().expect(program);
    assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// Books as a reader might have them, good and bad, made with the tools installed here.
fn made_archives(dir: &Path) -> Vec<PathBuf> {
    let pages = dir.join("pages");
    std::fs::create_dir(&pages).unwrap();
    // Bitmaps, so that every method compresses them.
    let files = ["p1.bmp", "p10.bmp", "p2.bmp"];
    for (n, name) in files.iter().enumerate() {
        std::fs::write(pages.join(name), picture(16 + n as u32, 12, n as u32, ImageFormat::Bmp)).unwrap();
    }
    let mut made = Vec::new();
    let mut make = |name: &str, program: &str, options: &[&str]| {
        let path = dir.join(name);
        let mut args: Vec<&str> = if program == "7z" { vec!["a", "-bd", "-bso0"] } else { vec!["-q"] };
        args.extend_from_slice(options);
        args.push(path.to_str().unwrap());
        args.extend_from_slice(&files);
        tool(program, &args, &pages);
        made.push(path);
    };
    for method in ["LZMA2", "BZip2", "Deflate", "Deflate64", "PPMd", "Copy"] {
        make(&format!("{method}.cb7"), "7z", &[&format!("-m0={method}")]);
    }
    make("BCJ2.cb7", "7z", &["-m0=BCJ2", "-m1=LZMA"]);
    make("encrypted.cb7", "7z", &["-psecret", "-mhe=on"]);
    make("store.cbz", "zip", &["-0"]);
    make("bzip2.cbz", "zip", &["-Z", "bzip2"]);
    for method in ["Deflate64", "LZMA", "PPMd", "XZ"] {
        make(&format!("{method}.zip"), "7z", &["-tzip", &format!("-mm={method}")]);
    }
    let good = std::fs::read(dir.join("store.cbz")).unwrap();
    let mut bad = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).unwrap();
        made.push(dir.join(name));
    };
    bad("truncated.cbz", &good[..good.len() / 2]);
    bad("empty.cbr", b"");
    let mut zstd = good.clone();
    let local = zstd.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
    zstd[local + 8..local + 10].copy_from_slice(&93u16.to_le_bytes());
    let central = zstd.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    zstd[central + 10..central + 12].copy_from_slice(&93u16.to_le_bytes());
    bad("zstandard.cbz", &zstd);
    let seven = std::fs::read(dir.join("LZMA2.cb7")).unwrap();
    bad("truncated.cb7", &seven[..seven.len() - 20]);
    let rar_pages: Vec<(&str, Vec<u8>)> = ["p1.png", "p10.png", "p2.png"]
        .iter()
        .zip(0..)
        .map(|(n, s)| (*n, picture(20, 14, s, ImageFormat::Png)))
        .collect();
    made.extend(write_rar5(dir, "split", &rar_pages, Some(400)));
    made.extend(write_rar5(dir, "single", &rar_pages, None));
    made
}

fn fixtures() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.fixtures/rarfile");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e != "exp") && !path.ends_with("LICENSE"))
        .collect();
    found.sort();
    assert!(found.len() > 40, "{} fixtures", found.len());
    found
}

/// Runs `srview --json upscale FILE` and kills it if it takes longer than `PER_FILE`.
fn run(cache: &Path, out: &Path, file: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_srview"))
        .arg("--cache")
        .arg(cache)
        .env_remove("SRVIEW_LOG")
        .args(["--json", "upscale", "--model", "WAIFU2X_ANIME_UP2X", "--out-dir"])
        .arg(out)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(PER_FILE) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            // SAFETY: signalling our own child process.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("{}: srview hung for {PER_FILE:?}", file.display());
        }
    }
}

/// The typed errors a run reports: a lone error line, or the summary's failures.
fn errors(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .flat_map(|line| match (line.get("error"), line.get("summary")) {
            (Some(error), _) if line.get("status").is_none() => vec![error],
            (_, Some(summary)) => summary["failures"].as_array().unwrap().iter().map(|f| &f["error"]).collect(),
            _ => line.get("error").into_iter().collect(),
        })
        .collect()
}

#[test]
fn every_archive_gives_pages_or_a_typed_error_and_never_aborts() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let mut archives = fixtures();
    archives.extend(made_archives(dir.path()));
    let mut with_pages = 0;
    for (n, file) in archives.iter().enumerate() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let output = run(&cache, &dir.path().join(format!("out-{n}")), file);
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.signal(), None, "{name} was killed by a signal:\n{text}");
        let code = output.status.code().unwrap();
        assert!(matches!(code, 0..=2), "{name}: exit {code}:\n{text}");
        assert!(!text.contains("panicked") && !text.contains("unsafe precondition"), "{name}:\n{text}");
        let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {l}")))
            .collect();
        let pages = lines.iter().filter(|l| l.get("status").is_some_and(|s| s != "failed")).count();
        let errors = errors(&lines);
        for error in &errors {
            let kind = error["kind"].as_str().unwrap_or_else(|| panic!("{name}: untyped error {error}"));
            let message = error["message"].as_str().unwrap();
            assert!(kind != "internal" && !message.contains("Error("), "{name}: {kind}: {message}");
        }
        assert!(pages > 0 || !errors.is_empty(), "{name}: neither pages nor an error:\n{text}");
        with_pages += usize::from(pages > 0);
        if name.starts_with("split.part") || name == "single.cbr" || name.ends_with(".cb7") && name != "encrypted.cb7" {
            assert!(pages == 3 || name.starts_with("truncated"), "{name}: {pages} pages:\n{text}");
        }
    }
    assert!(with_pages >= 15, "{with_pages} archives gave pages");
}

#[test]
fn a_folder_holding_a_split_book_upscales_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    let pages: Vec<(&str, Vec<u8>)> =
        ["p1.png", "p2.png"].iter().zip(0..).map(|(n, s)| (*n, picture(18, 12, s, ImageFormat::Png))).collect();
    let parts = write_rar5(&library, "Vol 1", &pages, Some(300));
    assert!(parts.len() >= 3, "{} parts", parts.len());
    let output = run(&dir.path().join("cache"), &dir.path().join("out"), &library);
    let lines: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!((summary["total"].as_u64(), summary["computed"].as_u64()), (Some(2), Some(2)), "{summary}");
    assert!(summary["failures"].as_array().unwrap().is_empty(), "{summary}");
}
