//! `srview upscale --model auto`: the rules choose each page's model, and `--json` names it.

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Stdio};

use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;

fn srview(cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_srview"));
    command.arg("--cache").arg(cache).env_remove("SRVIEW_LOG");
    command
}

/// `srview --json …`: the exit code, one JSON line per page (by input file name), the last line.
fn run_json(command: &mut Command) -> (i32, std::collections::BTreeMap<String, Value>, Value) {
    let output = command.arg("--json").stdout(Stdio::piped()).stderr(Stdio::piped()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let last = lines.pop().unwrap_or(Value::Null);
    let pages = lines
        .into_iter()
        .map(|line| {
            let name = Path::new(line["input"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
            (name, line)
        })
        .collect();
    (output.status.code().unwrap_or(-1), pages, last)
}

/// A folder of a black-and-white page stored as a colour JPEG, and a colour PNG.
fn mixed_folder(dir: &Path) -> std::path::PathBuf {
    let folder = dir.join("chapter");
    std::fs::create_dir(&folder).unwrap();
    let mono = RgbImage::from_fn(40, 30, |x, y| {
        let v = if (x + 2 * y) % 9 == 0 { 15 } else { (150 + (x * 5 + y * 3) % 90) as u8 };
        Rgb([v, v, v])
    });
    let mut jpeg = Vec::new();
    mono.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).unwrap();
    std::fs::write(folder.join("01-mono.jpg"), jpeg).unwrap();
    let colour = RgbImage::from_fn(40, 30, |x, y| Rgb([(x * 6) as u8, (y * 8) as u8, 200]));
    colour.save_with_format(folder.join("02-colour.png"), ImageFormat::Png).unwrap();
    folder
}

#[test]
fn model_auto_on_a_mixed_folder_names_each_pages_model_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, out, cache) = (mixed_folder(dir.path()), dir.path().join("out"), dir.path().join("cache"));
    let (code, pages, summary) = run_json(
        srview(&cache)
            .args(["upscale", "--model", "auto", "--target-height", "60", "--out-dir"])
            .arg(&out)
            .arg(&folder),
    );
    assert_eq!(code, 0, "{pages:?} {summary}");
    let mono = &pages["01-mono.jpg"];
    let colour = &pages["02-colour.png"];
    assert_eq!(
        (mono["model"].as_str(), mono["rule"].as_str()),
        (Some("WAIFU2X_ANIME_UP2X"), Some("Black-and-white pages"))
    );
    assert_eq!((colour["model"].as_str(), colour["rule"].as_str()), (Some("REALCUGAN_SE_UP2X"), Some("Colour pages")));
    for page in [mono, colour] {
        assert_eq!(page["status"], "computed");
        assert_eq!((page["width"].as_u64(), page["height"].as_u64()), (Some(80), Some(60)), "2× reaches 60 px");
        let output = page["output"].as_str().unwrap();
        assert!(output.ends_with("_xauto.webp"), "the name says the rules chose the scale: {output}");
        let written = image::open(output).expect("the output decodes");
        assert_eq!((written.width(), written.height()), (80, 60));
    }

    // Towards 100 px, 2× is not enough: 4×. Pages as tall as the target are left alone, by name.
    let (code, pages, _) = run_json(
        srview(&cache)
            .args(["upscale", "--model", "auto", "--target-height", "100", "--out-dir"])
            .arg(dir.path().join("x4"))
            .arg(&folder),
    );
    assert_eq!(code, 0);
    assert_eq!(pages["01-mono.jpg"]["height"].as_u64(), Some(120));
    let (code, pages, _) = run_json(
        srview(&cache)
            .args(["upscale", "--model", "auto", "--target-height", "30", "--out-dir"])
            .arg(dir.path().join("tall"))
            .arg(&folder),
    );
    assert_eq!(code, 0, "pages left as they are are not failures");
    for (name, kept) in [("01-mono.jpg", "01-mono_xauto.jpg"), ("02-colour.png", "02-colour_xauto.png")] {
        let left = &pages[name];
        assert_eq!(left["status"], "kept", "{left}");
        assert!(left["reason"].as_str().unwrap().contains("“Already large enough”"), "{left}");
        let written = dir.path().join("tall").join(kept);
        assert_eq!(left["output"].as_str(), Some(written.to_str().unwrap()));
        assert_eq!(std::fs::read(&written).unwrap(), std::fs::read(folder.join(name)).unwrap(), "the original's bytes");
    }

    // A book: its .cbz holds every page, those left as they are with their own bytes and extension.
    let book = dir.path().join("book.cbz");
    let zipped = Command::new("zip")
        .arg("-qj")
        .arg(&book)
        .arg(folder.join("01-mono.jpg"))
        .arg(folder.join("02-colour.png"))
        .status();
    assert!(zipped.unwrap().success());
    let cbz = dir.path().join("book_x.cbz");
    let (code, pages, summary) = run_json(
        srview(&cache).args(["upscale", "--model", "auto", "--target-height", "30", "-o"]).arg(&cbz).arg(&book),
    );
    assert_eq!(code, 0, "{pages:?} {summary}");
    assert_eq!(
        (summary["summary"]["kept"].as_u64(), summary["summary"]["computed"].as_u64()),
        (Some(2), Some(0)),
        "{summary}"
    );
    let listed = Command::new("unzip").arg("-Z1").arg(&cbz).output().unwrap();
    let mut names: Vec<String> = String::from_utf8_lossy(&listed.stdout).lines().map(str::to_owned).collect();
    names.sort();
    assert_eq!(names, ["01-mono.jpg", "02-colour.png"]);
    let entry = Command::new("unzip").arg("-p").arg(&cbz).arg("02-colour.png").output().unwrap().stdout;
    assert_eq!(entry, std::fs::read(folder.join("02-colour.png")).unwrap());
}

/// The default rules' names are the reader's language in the human output; `--json` keeps them.
#[test]
fn the_default_rules_are_named_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, cache) = (mixed_folder(dir.path()), dir.path().join("cache"));
    let text = |lang: &str, target: &str, out: &str| {
        let output = srview(&cache)
            .env("LC_ALL", lang)
            .args(["upscale", "--model", "auto", "--target-height", target, "--out-dir"])
            .arg(dir.path().join(out))
            .arg(&folder)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let ja = text("ja_JP.UTF-8", "60", "ja");
    assert!(ja.contains("ルール「白黒のページ」") && ja.contains("ルール「カラーのページ」"), "{ja}");
    assert!(!ja.contains("Black-and-white pages"), "{ja}");
    let zh = text("zh_CN.UTF-8", "30", "zh");
    assert!(zh.contains("规则“已经足够大”不放大此页"), "{zh}");
    assert!(!zh.contains("Already large enough") && !zh.contains("not upscaled"), "{zh}");
}

#[test]
fn a_rules_file_replaces_the_defaults_and_bad_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, cache) = (mixed_folder(dir.path()), dir.path().join("cache"));
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"{"rules": [{"name": "Covers", "glob": "*colour*", "model": "WAIFU2X_CUNET_UP2X", "scale": {"mode": "factor", "factor": 1.5}},
                      {"name": "The rest", "model": "WAIFU2X_ANIME_UP2X", "scale": {"mode": "factor", "factor": 2}}]}"#,
    )
    .unwrap();
    let (code, pages, _) = run_json(
        srview(&cache)
            .args(["upscale", "--model", "auto", "--rules"])
            .arg(&rules)
            .arg("--out-dir")
            .arg(dir.path().join("o"))
            .arg(&folder),
    );
    assert_eq!(code, 0);
    let colour = &pages["02-colour.png"];
    assert_eq!(
        (colour["rule"].as_str(), colour["model"].as_str(), colour["width"].as_u64()),
        (Some("Covers"), Some("WAIFU2X_CUNET_UP2X"), Some(60))
    );
    assert_eq!(pages["01-mono.jpg"]["rule"].as_str(), Some("The rest"));

    std::fs::write(&rules, "not json").unwrap();
    let refused = |args: &[&str]| {
        let mut command = srview(&cache);
        command.args(["upscale", "--model", "auto", "--out-dir"]).arg(dir.path().join("n")).args(args).arg(&folder);
        let (code, _, last) = run_json(&mut command);
        (code, last["error"]["kind"].as_str().map(str::to_owned))
    };
    assert_eq!(refused(&["--rules", rules.to_str().unwrap()]), (2, Some("invalid_option".into())));
    assert_eq!(refused(&["--scale", "2"]), (2, Some("invalid_option".into())));
    let (code, _, last) = run_json(
        srview(&cache).args(["upscale", "--rules"]).arg(&rules).arg("--out-dir").arg(dir.path().join("m")).arg(&folder),
    );
    assert_eq!((code, last["error"]["kind"].as_str()), (2, Some("invalid_option")));
}
