//! `srview upscale book.pdf -o out.cbz`: a PDF of image pages and a vector page, upscaled into
//! a `.cbz` in CPU mode, its pages in order at twice their size; a bad PDF is a typed error.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn make_pdfs(dir: &Path) {
    let venv = srview_core::venv::locate_venv(None).expect("the project venv");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/python/make_pdfs.py");
    let status = Command::new(venv.join("bin/python")).arg(&script).arg(dir).status().unwrap();
    assert!(status.success(), "make_pdfs.py failed (are Pillow and pypdf installed? run scripts/setup.sh)");
}

/// Runs `srview --json …` and returns its exit code and JSON lines.
fn srview(cache: &Path, args: &[&std::ffi::OsStr]) -> (i32, Vec<Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_srview"))
        .arg("--cache")
        .arg(cache)
        .env_remove("SRVIEW_LOG")
        .arg("--json")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines =
        stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    (output.status.code().unwrap_or(-1), lines)
}

#[test]
fn a_pdf_book_upscales_into_a_cbz_page_for_page() {
    let dir = tempfile::tempdir().unwrap();
    make_pdfs(dir.path());
    let (book, out, cache) = (dir.path().join("mixed.pdf"), dir.path().join("out.cbz"), dir.path().join("cache"));
    let args: Vec<&std::ffi::OsStr> = vec![
        "upscale".as_ref(),
        "--model".as_ref(),
        "WAIFU2X_ANIME_UP2X".as_ref(),
        "--format".as_ref(),
        "png".as_ref(),
        "--pdf-height".as_ref(),
        "300".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        book.as_os_str(),
    ];
    let (code, lines) = srview(&cache, &args);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!((summary["total"].as_u64(), summary["computed"].as_u64()), (Some(4), Some(4)), "{summary}");

    let mut archive = zip_entries(&out);
    archive.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<&str> = archive.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["page-001.png", "page-002.png", "page-003.png", "page-004.png"]);
    let sizes: Vec<(u32, u32)> = archive
        .iter()
        .map(|(_, bytes)| image::load_from_memory(bytes).map(|i| (i.width(), i.height())).unwrap())
        .collect();
    // The JPEG pages at twice their size; the vector page (200 × 300 pt) rendered 300 px high, then twice that.
    assert_eq!(sizes, [(480, 680), (520, 720), (480, 680), (400, 600)]);

    // Again: every page comes from the cache, the rendered one included (same DPI, same key).
    let again = dir.path().join("again.cbz");
    let mut args = args;
    args[8] = again.as_os_str();
    let (code, lines) = srview(&cache, &args);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!((code, summary["cached"].as_u64()), (0, Some(4)), "{summary}");

    // A PDF cut short is a typed error, and the run says so.
    let whole = std::fs::read(&book).unwrap();
    let cut = dir.path().join("cut.pdf");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let (code, lines) =
        srview(&cache, &["upscale".as_ref(), "-o".as_ref(), dir.path().join("cut.cbz").as_os_str(), cut.as_os_str()]);
    assert_ne!(code, 0);
    let text = format!("{lines:?}");
    assert!(text.contains("pdf_cut_short"), "{text}");
}

/// Each entry of a zip: its name and bytes (stored or deflated, as SRView writes them).
fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let output = Command::new("unzip").arg("-Z1").arg(path).output().unwrap();
    assert!(output.status.success(), "{} is not a valid zip", path.display());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|name| {
            let mut child = Command::new("unzip").arg("-p").arg(path).arg(name).stdout(Stdio::piped()).spawn().unwrap();
            let mut bytes = Vec::new();
            child.stdout.take().unwrap().read_to_end(&mut bytes).unwrap();
            assert!(child.wait().unwrap().success());
            (name.to_owned(), bytes)
        })
        .collect()
}
