//! The batch runner on real sr_vulkan (CPU mode), over small generated pages: order, bounded
//! memory, resume, mirrored trees, names, failures and .cbz output.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use srview_core::batch::{self, BatchSpec, Layout, PageOutcome, DEFAULT_PATTERN};
use srview_core::{CancellationToken, Overwrite, SizeRequest, UpscaleOptions};

fn options() -> UpscaleOptions {
    UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    }
}

fn spec(inputs: Vec<PathBuf>, output: &Path) -> BatchSpec {
    BatchSpec {
        inputs,
        output: Some(output.to_path_buf()),
        layout: Layout::Files { pattern: DEFAULT_PATTERN.into() },
        options: options(),
        overwrite: Overwrite::Never,
        window: 4,
    }
}

fn pages(dir: &Path, count: u32, first_seed: u32) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..count {
        write_image(dir, &format!("p{}.png", i + 1), 16 + i % 5, 12, first_seed + i);
    }
    dir.to_path_buf()
}

async fn run(
    engine: &srview_core::Engine,
    spec: &BatchSpec,
    cancel: CancellationToken,
) -> (Vec<(u32, String)>, batch::BatchSummary) {
    let plan = batch::plan(spec, 1 << 30).unwrap();
    let mut seen = Vec::new();
    let summary = batch::run(engine, plan, spec, cancel, |page, _| {
        let status = match &page.outcome {
            PageOutcome::Computed => "computed",
            PageOutcome::Cached => "cached",
            PageOutcome::Skipped => "skipped",
            PageOutcome::Failed { .. } => "failed",
            PageOutcome::Cancelled => "cancelled",
        };
        seen.push((page.index, status.to_owned()));
    })
    .await;
    (seen, summary)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_come_in_order_and_memory_does_not_grow_with_the_batch() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let sixty = pages(&dir.path().join("sixty"), 60, 0);
    let (seen, summary) =
        run(&engine, &spec(vec![sixty.clone()], &dir.path().join("out60")), CancellationToken::new()).await;
    assert_eq!(seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(), (0..60).collect::<Vec<_>>(), "reported in page order");
    assert_eq!(summary.computed, 60);
    for i in 1..=60 {
        let (w, h) = image::image_dimensions(sixty.join(format!("p{i}.png"))).unwrap();
        assert_eq!(
            image::image_dimensions(dir.path().join("out60").join(format!("p{i}_x2.webp"))).unwrap(),
            (w * 2, h * 2)
        );
    }
    // 20 and then 200 pages: what the runner holds at once stays at the window, not N.
    let twenty = pages(&dir.path().join("twenty"), 20, 1000);
    let (_, small) = run(&engine, &spec(vec![twenty], &dir.path().join("out20")), CancellationToken::new()).await;
    let two_hundred = pages(&dir.path().join("two-hundred"), 200, 2000);
    let (_, large) = run(&engine, &spec(vec![two_hundred], &dir.path().join("out200")), CancellationToken::new()).await;
    assert_eq!(
        (small.peak_in_flight, large.peak_in_flight),
        (4, 4),
        "peak pages held: 20 → {}, 200 → {}",
        small.peak_in_flight,
        large.peak_in_flight
    );
    assert_eq!(large.computed, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_batch_resumes_computing_only_what_is_missing() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let source = pages(&dir.path().join("src"), 24, 300);
    let out = dir.path().join("out");
    let spec = spec(vec![source.clone()], &out);
    let cancel = CancellationToken::new();
    let plan = batch::plan(&spec, 1 << 30).unwrap();
    let stopper = cancel.clone();
    let first = batch::run(&engine, plan, &spec, cancel, move |page, _| {
        if page.index == 9 {
            stopper.cancel();
        }
    })
    .await;
    assert!(first.cancelled);
    let written_first = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(first.written.len(), written_first, "the summary names every file written");
    assert!((10..24).contains(&written_first), "{written_first} written before the cancel");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".srview"))
        .collect();
    assert!(leftovers.is_empty(), "only whole files: {leftovers:?}");

    let (_, second) = run(&engine, &spec, CancellationToken::new()).await;
    assert_eq!(second.skipped as usize, written_first, "what exists is skipped");
    assert_eq!((second.computed + second.cached + second.skipped) as usize, 24);
    assert!(second.computed as usize <= 24 - written_first, "only what was missing is computed");
    let (_, third) = run(&engine, &spec, CancellationToken::new()).await;
    assert_eq!((third.computed, third.cached, third.skipped), (0, 0, 24), "a finished batch does no work");

    // Byte for byte what an uninterrupted run writes (with its own cache).
    let (fresh, _fresh_cache) = engine_with(Default::default());
    let other = dir.path().join("uninterrupted");
    run(&fresh, &BatchSpec { output: Some(other.clone()), ..spec.clone() }, CancellationToken::new()).await;
    for i in 1..=24 {
        let name = format!("p{i}_x2.webp");
        assert_eq!(std::fs::read(out.join(&name)).unwrap(), std::fs::read(other.join(&name)).unwrap(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trees_are_mirrored_names_follow_the_pattern_and_a_bad_page_is_named() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    pages(&library.join("series/vol1"), 3, 500);
    pages(&library.join("series/vol2"), 2, 600);
    std::fs::write(library.join("series/vol1/p2.png"), b"this page is damaged").unwrap();
    let out = dir.path().join("out");
    let mut spec = spec(vec![library.clone()], &out);
    spec.layout = Layout::Files { pattern: "{name}-{model}.{ext}".into() };
    let (seen, summary) = run(&engine, &spec, CancellationToken::new()).await;
    assert_eq!(seen.len(), 5);
    assert!(out.join("series/vol1/p1-WAIFU2X_ANIME_UP2X.webp").is_file());
    assert!(out.join("series/vol2/p2-WAIFU2X_ANIME_UP2X.webp").is_file());
    assert!(!out.join("series/vol1/p2-WAIFU2X_ANIME_UP2X.webp").exists());
    assert_eq!(summary.failures.len(), 1);
    assert!(summary.failures[0].input.ends_with("vol1/p2.png"));
    assert_eq!(summary.failures[0].error.kind(), "not_an_image");
    assert_eq!(seen[4].1, "computed", "the batch went on after the bad page");

    // A pattern without {name} sends every page of a folder to one file: refused up front.
    spec.layout = Layout::Files { pattern: "page.{ext}".into() };
    let err = batch::plan(&spec, 1 << 30).err().unwrap();
    assert!(err.to_string().contains("would both be written to"), "{err}");
    spec.layout = Layout::Files { pattern: "{nam}.{ext}".into() };
    assert_eq!(batch::plan(&spec, 1 << 30).err().unwrap().kind(), "invalid_option");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_book_becomes_a_cbz_in_page_order_with_its_extras() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    pages(&tree.join("ch2"), 3, 700);
    pages(&tree.join("ch10"), 2, 800);
    std::fs::write(tree.join("ComicInfo.xml"), "<ComicInfo><Title>T</Title></ComicInfo>").unwrap();
    let status =
        std::process::Command::new("zip").args(["-qr", "../Vol 1.cbz", "."]).current_dir(&tree).status().unwrap();
    assert!(status.success());
    let book = dir.path().join("Vol 1.cbz");
    let target = dir.path().join("Vol 1_x2.cbz");
    let spec = spec(vec![book.clone()], &target);
    let (_, summary) = run(&engine, &spec, CancellationToken::new()).await;
    assert_eq!((summary.computed, summary.failures.len()), (5, 0));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&target).unwrap()).unwrap();
    let names: Vec<String> =
        (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned()).collect();
    assert_eq!(names, ["ch2/p1.webp", "ch2/p2.webp", "ch2/p3.webp", "ch10/p1.webp", "ch10/p2.webp", "ComicInfo.xml"]);
    for i in 0..archive.len() {
        assert_eq!(archive.by_index(i).unwrap().compression(), zip::CompressionMethod::Stored);
    }
    let mut page = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut page).unwrap();
    let (w, h) = image::image_dimensions(tree.join("ch2/p1.png")).unwrap();
    assert_eq!(decoded_size(&page), (w * 2, h * 2));
    // Running again: the .cbz exists, so the book is skipped; the source is untouched.
    let before = std::fs::read(&book).unwrap();
    let (_, again) = run(&engine, &spec, CancellationToken::new()).await;
    assert_eq!(again.skipped, 5);
    assert_eq!(std::fs::read(&book).unwrap(), before);
}
