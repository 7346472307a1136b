//! The batch runner on real sr_vulkan (CPU mode), over small generated pages: order, bounded
//! memory, resume, mirrored trees, names, failures and .cbz output.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use srview_core::batch::{self, BatchSpec, Layout, PageOutcome, PageReport, DEFAULT_PATTERN};
use srview_core::{Book, Bookshelf, CancellationToken, Limits, Overwrite, SizeRequest, UpscaleOptions};
use srview_test_support::{home_like, snapshot};

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

fn shelf() -> Bookshelf {
    Bookshelf::new(Limits::default())
}

async fn run(
    engine: &srview_core::Engine,
    spec: &BatchSpec,
    cancel: CancellationToken,
) -> (Vec<(u32, String)>, batch::BatchSummary) {
    let plan = batch::plan(spec, &shelf()).unwrap();
    let mut seen = Vec::new();
    let summary = batch::run(engine, plan, spec, cancel, |page, _| {
        let status = match &page.outcome {
            PageOutcome::Computed => "computed",
            PageOutcome::Cached => "cached",
            PageOutcome::Skipped => "skipped",
            PageOutcome::Kept { .. } => "kept",
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
    let plan = batch::plan(&spec, &shelf()).unwrap();
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
    let err = batch::plan(&spec, &shelf()).err().unwrap();
    assert!(err.to_string().contains("would both be written to"), "{err}");
    spec.layout = Layout::Files { pattern: "{nam}.{ext}".into() };
    assert_eq!(batch::plan(&spec, &shelf()).err().unwrap().kind(), "invalid_option");
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

fn tool(program: &str, args: &[&str], dir: &Path) {
    let output = std::process::Command::new(program).args(args).current_dir(dir).output().expect(program);
    assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn entries(cbz: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(cbz).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (entry.name_raw().to_vec(), bytes)
        })
        .collect()
}

fn peak_rss_mib() -> f64 {
    // SAFETY: an all-zero rusage is valid; getrusage fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_solid_books_holds_one_book_at_a_time() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    for book in 0..4u32 {
        let pages = pages(&dir.path().join(format!("pages{book}")), 4, 40 * book);
        tool(
            "7z",
            &["a", "-bd", "-bso0", "-ms=on", &library.join(format!("vol{book}.cb7")).display().to_string(), "."],
            &pages,
        );
    }
    // One book's data: every page of it read, alone.
    let one_book = (0..4)
        .map(|book| {
            let alone = shelf();
            let opened = alone.open(&library.join(format!("vol{book}.cb7"))).unwrap();
            (0..opened.pages.len()).for_each(|page| drop(opened.read_page(page, 1 << 30).unwrap()));
            alone.held_bytes()
        })
        .max()
        .unwrap();
    assert!(one_book > 0, "a solid book holds its decompressed pages");

    for (window, out) in [(1, "out-one"), (0, "out-default")] {
        let shelf = shelf();
        let mut spec = spec(vec![library.clone()], &dir.path().join(out));
        spec.layout = Layout::Cbz { pattern: DEFAULT_PATTERN.into() };
        spec.window = window;
        let plan = batch::plan(&spec, &shelf).unwrap();
        assert_eq!(shelf.open_books(), 0, "planning lists the books and lets them go");
        let (mut held, mut open) = (Vec::new(), Vec::new());
        let summary = batch::run(&engine, plan, &spec, CancellationToken::new(), |_, _| {
            held.push(shelf.held_bytes());
            open.push(shelf.open_books());
        })
        .await;
        assert_eq!((summary.failures.len(), summary.written.len()), (0, 4));
        let peak = *held.iter().max().unwrap();
        say(&format!(
            "4 solid books, window {window}: held {} KiB at most (one book: {} KiB), books open {:?}, peak RSS {:.0} MiB",
            peak / 1024,
            one_book / 1024,
            open,
            peak_rss_mib()
        ));
        assert!(peak > 0, "the shelf counts the books the batch reads");
        if window == 1 {
            assert!(peak <= one_book, "one book's data at a time: {held:?} against {one_book}");
            assert!(open.iter().all(|&n| n <= 1), "{open:?}");
        } else {
            assert!(peak <= 2 * one_book, "the book ending and the one starting at most: {held:?}");
            assert!(open.iter().all(|&n| n <= 2), "{open:?}");
        }
        assert_eq!((shelf.open_books(), shelf.held_bytes()), (0, 0), "every book let go after its last page");
        for book in 0..4 {
            assert_eq!(entries(&dir.path().join(out).join(format!("vol{book}_x2.cbz"))).len(), 4);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_whose_names_meet_export_to_one_whole_cbz() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    let sizes = [("01.png", 20, 12), ("01.jpg", 18, 14), ("01.webp", 16, 10), ("02.png", 14, 16)];
    for (seed, (name, w, h)) in sizes.iter().enumerate() {
        write_image(&tree, name, *w, *h, seed as u32 + 900);
    }
    std::fs::write(tree.join("ComicInfo.xml"), "<ComicInfo/>").unwrap();
    tool("zip", &["-q", "../book.cbz", "01.png", "01.jpg", "01.webp", "02.png", "ComicInfo.xml"], &tree);
    // The output folder holds the user's own files, which stay as they are.
    let out = dir.path().join("out");
    home_like(&out);
    let before = snapshot(&out);
    let target = out.join("book_x2.cbz");
    let spec = spec(vec![dir.path().join("book.cbz")], &target);
    let (_, summary) = run(&engine, &spec, CancellationToken::new()).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    let written = entries(&target);
    let names: Vec<String> = written.iter().map(|(n, _)| String::from_utf8(n.clone()).unwrap()).collect();
    assert_eq!(names, ["01.jpg.webp", "01.png.webp", "01.webp.webp", "02.webp", "ComicInfo.xml"]);
    for ((name, bytes), source) in written.iter().zip(["01.jpg", "01.png", "01.webp", "02.png"]) {
        let (w, h) = image::image_dimensions(tree.join(source)).unwrap();
        assert_eq!(decoded_size(bytes), (w * 2, h * 2), "{}", String::from_utf8_lossy(name));
    }
    assert_eq!(written[4].1, b"<ComicInfo/>");
    let mut after = snapshot(&out);
    assert!(after.remove(Path::new("book_x2.cbz")).is_some());
    assert_eq!(after, before, "only the .cbz was added");

    // As files: the same pages keep their old extension in their names, instead of being refused.
    let files = dir.path().join("files");
    let spec = BatchSpec { output: Some(files.clone()), ..spec };
    let (_, summary) = run(&engine, &spec, CancellationToken::new()).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    let mut written: Vec<String> =
        std::fs::read_dir(files.join("book")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    assert_eq!(written, ["01.jpg_x2.webp", "01.png_x2.webp", "01.webp_x2.webp", "02_x2.webp"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_are_not_utf8_stay_distinct_byte_for_byte() {
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    // Two Shift-JIS-like names that read the same once made lossy ("\u{FFFD}A.png").
    let names: [&[u8]; 3] = [b"\x83A.png", b"\x84A.png", b"b.png"];
    let book = dir.path().join("sjis.cbz");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&book).unwrap());
    for (seed, name) in names.iter().enumerate() {
        writer.start_file_with_options(zip::write::SimpleFileOptions::default().name(name)).unwrap();
        writer.write_all(&encode(&picture(10 + seed as u32, 8, seed as u32), image::ImageFormat::Png)).unwrap();
    }
    writer.finish().unwrap();
    let opened = Book::open(&book, 1 << 20).unwrap();
    let raw: Vec<&[u8]> = opened.pages.iter().map(|p| p.raw_name.as_slice()).collect();
    assert_eq!(raw, [names[2], names[0], names[1]], "in natural order: U+FFFD sorts after b");
    assert_eq!(opened.pages[1].name, opened.pages[2].name, "the same for people");

    let target = dir.path().join("sjis_x2.cbz");
    let (_, summary) = run(&engine, &spec(vec![book.clone()], &target), CancellationToken::new()).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    let written = entries(&target);
    let written_names: Vec<&[u8]> = written.iter().map(|(n, _)| n.as_slice()).collect();
    assert_eq!(written_names, [&b"b.webp"[..], b"\x83A.webp", b"\x84A.webp"]);
    assert_eq!(decoded_size(&written[2].1), (22, 16));

    let files = dir.path().join("files");
    let (_, summary) = run(&engine, &spec(vec![book], &files), CancellationToken::new()).await;
    assert_eq!(summary.written.len(), 3);
    for (seed, stem) in [&b"\x83A"[..], b"\x84A", b"b"].iter().enumerate() {
        let file = files.join("sjis").join(std::ffi::OsStr::from_bytes(&[stem, &b"_x2.webp"[..]].concat()));
        assert_eq!(image::image_dimensions(&file).unwrap(), (2 * (10 + seed as u32), 16));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_page_drops_its_books_cbz_and_the_next_book_is_written() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    let broken = pages(&dir.path().join("broken"), 3, 1200);
    std::fs::write(broken.join("p2.png"), b"\x89PNG\r\n\x1a\nnot a page").unwrap();
    tool("zip", &["-qr", &library.join("a-broken.cbz").display().to_string(), "."], &broken);
    let good = pages(&dir.path().join("good"), 2, 1300);
    tool("zip", &["-qr", &library.join("b-good.cbz").display().to_string(), "."], &good);
    let out = dir.path().join("out");
    home_like(&out);
    let before = snapshot(&out);
    let mut spec = spec(vec![library], &out);
    spec.layout = Layout::Cbz { pattern: DEFAULT_PATTERN.into() };
    spec.window = 1;
    let plan = batch::plan(&spec, &shelf()).unwrap();
    let mut reports: Vec<PageReport> = Vec::new();
    let summary =
        batch::run(&engine, plan, &spec, CancellationToken::new(), |page, _| reports.push(page.clone())).await;
    assert_eq!(summary.failures.len(), 1);
    assert!(summary.failures[0].input.ends_with("p2.png"), "{:?}", summary.failures);
    // The page after the failure is computed into the cache, but no writer is opened for it.
    assert!(matches!(reports[2].outcome, PageOutcome::Computed), "{:?}", reports[2].outcome);
    assert_eq!((reports[2].output.as_ref(), reports[2].bytes), (None, 0));
    assert_eq!(summary.written, [out.join("b-good_x2.cbz")]);
    assert_eq!(entries(&out.join("b-good_x2.cbz")).len(), 2);
    let mut after = snapshot(&out);
    assert!(after.remove(Path::new("b-good_x2.cbz")).is_some());
    assert_eq!(after, before, "no half-written archive or temp file, and the user's files untouched");
}

// ---- Found by a new user's trial: what a reader expects to export, exported ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_extra_is_left_out_and_the_pages_are_written() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_image(d, "01.png", 14, 10, 31);
    write_image(d, "02.png", 12, 12, 32);
    std::fs::write(d.join("notes.txt"), "a password-protected note").unwrap();
    tool("zip", &["-q", "book.cbz", "01.png", "02.png"], d);
    tool("zip", &["-q", "-P", "secret", "book.cbz", "notes.txt"], d);
    let target = d.join("out").join("book_x2.cbz");
    let (_, summary) = run(&engine, &spec(vec![d.join("book.cbz")], &target), CancellationToken::new()).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    let names: Vec<Vec<u8>> = entries(&target).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, [b"01.webp".to_vec(), b"02.webp".to_vec()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_beside_a_book_of_the_same_name_are_both_exported() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let folder = pages(&library.join("vol1"), 1, 40);
    let other = pages(&dir.path().join("book-pages"), 1, 50);
    tool("zip", &["-q", library.join("vol1.cbz").to_str().unwrap(), "p1.png"], &other);
    let out = dir.path().join("out");
    home_like(&out);
    let before = snapshot(&out);
    let (_, summary) = run(&engine, &spec(vec![library], &out), CancellationToken::new()).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    assert_eq!(summary.written.len(), 2, "{:?}", summary.written);
    let sizes: Vec<(u32, u32)> = summary.written.iter().map(|p| image::image_dimensions(p).unwrap()).collect();
    let expected = [&folder, &other].map(|d| image::image_dimensions(d.join("p1.png")).unwrap());
    assert_eq!(sizes, expected.map(|(w, h)| (w * 2, h * 2)), "{:?}", summary.written);
    assert_ne!(summary.written[0], summary.written[1]);
    let mut after = snapshot(&out);
    for written in &summary.written {
        assert!(after.remove(written.strip_prefix(&out).unwrap()).is_some());
    }
    assert_eq!(after, before, "the user's files are untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_book_is_exported_once_and_a_lone_later_part_names_the_missing_one() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let pages_dir = pages(&dir.path().join("pages"), 3, 60);
    let files: Vec<(String, Vec<u8>)> =
        (1..=3).map(|i| (format!("p{i}.png"), std::fs::read(pages_dir.join(format!("p{i}.png"))).unwrap())).collect();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let books = dir.path().join("books");
    std::fs::create_dir(&books).unwrap();
    let parts = srview_test_support::rar::write_rar5(&books, "Vol", &files, Some(200));
    assert!(parts.len() >= 3, "{} parts", parts.len());
    for part in &parts[1..] {
        assert!(srview_core::books::archive::is_later_volume(part), "{}", part.display());
    }

    // Every part given: one book.
    let mut every_part = spec(parts.clone(), &dir.path().join("out"));
    every_part.layout = Layout::Cbz { pattern: DEFAULT_PATTERN.into() };
    let (_, summary) = run(&engine, &every_part, CancellationToken::new()).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    assert_eq!((summary.total, summary.written.len()), (3, 1), "{:?}", summary.written);

    // A folder holding the later parts alone: the missing first part is named.
    std::fs::remove_file(&parts[0]).unwrap();
    let (_, summary) = run(&engine, &spec(vec![books], &dir.path().join("out2")), CancellationToken::new()).await;
    assert!(!summary.failures.is_empty());
    for failure in &summary.failures {
        assert_eq!(failure.error.kind(), "missing_volume", "{failure:?}");
        assert!(failure.error.to_string().contains("Vol.part1.rar"), "{failure:?}");
    }
}
