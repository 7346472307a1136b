//! Books: zip, 7z and RAR archives as pages in natural order, upscaled like loose files, and
//! every kind of bad archive refused with a typed error. Zip and 7z fixtures are made in the
//! test with Info-ZIP's `zip` and p7zip's `7z`; the RAR files are the published test files of
//! `rarfile` 4.5 (fetched by scripts/setup.sh into .fixtures/rarfile), which hold text, not
//! images: RAR is tested for listing, order, reading, solid archives and encryption.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use image::ImageFormat;
use srview_core::books::archive;
use srview_core::{Book, Bookshelf, CancellationToken, Limits, SizeRequest, UpscaleOptions, UpscaleRequest};

const MAX: u64 = 64 * 1024 * 1024;

fn tool(program: &str, args: &[&str], dir: &Path) {
    let status = Command::new(program).args(args).current_dir(dir).output().expect(program);
    assert!(status.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

/// A folder of pages in sub-folders, with the things real comic archives carry.
fn comic_tree(root: &Path) {
    for (name, w) in [("ch2/p10.png", 30), ("ch2/p2.png", 28), ("ch10/p1.png", 26), ("ch1/p1.jpg", 24)] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, encode(&picture(w, 20, w), ImageFormat::from_path(&path).unwrap())).unwrap();
    }
    std::fs::write(root.join("ComicInfo.xml"), "<ComicInfo><Title>Test</Title></ComicInfo>").unwrap();
    std::fs::write(root.join("Thumbs.db"), b"junk").unwrap();
    std::fs::create_dir_all(root.join("__MACOSX/ch1")).unwrap();
    std::fs::write(root.join("__MACOSX/ch1/._p1.jpg"), b"resource fork").unwrap();
}

const ORDER: [&str; 4] = ["ch1/p1.jpg", "ch2/p2.png", "ch2/p10.png", "ch10/p1.png"];

fn names(book: &Book) -> Vec<String> {
    book.pages.iter().map(|p| p.name.clone()).collect()
}

fn rar(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.fixtures/rarfile").join(name);
    assert!(path.is_file(), "{} is missing: run scripts/setup.sh", path.display());
    path
}

#[test]
fn zip_and_7z_books_list_their_pages_in_natural_order() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    comic_tree(&tree);
    tool("zip", &["-qr", "../book.cbz", "."], &tree);
    tool("zip", &["-qr0", "../stored.cbz", "."], &tree);
    tool("7z", &["a", "-bd", "-bso0", "../solid.cb7", "."], &tree);
    tool("7z", &["a", "-bd", "-bso0", "-ms=off", "../plain.cb7", "."], &tree);
    for name in ["book.cbz", "stored.cbz", "solid.cb7", "plain.cb7"] {
        let book = Book::open(&dir.path().join(name), MAX).unwrap();
        assert_eq!(names(&book), ORDER, "{name}");
        assert_eq!(book.extras.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["ComicInfo.xml"], "{name}");
        for (index, page) in book.pages.iter().enumerate() {
            let bytes = book.read_page(index, MAX).unwrap();
            let on_disk = std::fs::read(tree.join(&page.name)).unwrap();
            assert_eq!(bytes, on_disk, "{name}: {}", page.name);
        }
    }
}

#[test]
fn a_volume_of_chapter_books_opens_as_one_book() {
    let dir = tempfile::tempdir().unwrap();
    for chapter in ["ch1", "ch2", "ch10"] {
        let folder = dir.path().join(chapter);
        std::fs::create_dir(&folder).unwrap();
        write_image(&folder, "p1.png", 16, 16, 1);
        write_image(&folder, "p2.png", 16, 16, 2);
        tool("zip", &["-qr", &format!("../{chapter}.cbz"), "."], &folder);
    }
    tool("zip", &["-q", "volume.zip", "ch1.cbz", "ch2.cbz", "ch10.cbz"], dir.path());
    let book = Book::open(&dir.path().join("volume.zip"), MAX).unwrap();
    assert_eq!(
        names(&book),
        ["ch1.cbz/p1.png", "ch1.cbz/p2.png", "ch2.cbz/p1.png", "ch2.cbz/p2.png", "ch10.cbz/p1.png", "ch10.cbz/p2.png"]
    );
    let last = book.read_page(5, MAX).unwrap();
    assert_eq!(last, std::fs::read(dir.path().join("ch10/p2.png")).unwrap());
}

#[test]
fn rar_archives_list_read_and_refuse_passwords() {
    // Entries in natural order across folders; the archive holds text files, so no pages.
    let listed = archive::open_file(&rar("rar5-subdirs.rar")).unwrap();
    let mut entries: Vec<String> = listed.entries().iter().filter(|e| !e.is_dir).map(|e| e.name.clone()).collect();
    entries.sort_by(|a, b| srview_core::books::naming::natural_path_cmp(Path::new(a), Path::new(b)));
    assert_eq!(entries[..2], ["sub/dir1/file1.txt", "sub/dir2/file2.txt"]);
    assert_eq!(Book::open(&rar("rar5-subdirs.rar"), MAX).unwrap_err().kind(), "no_pages");
    for old_and_new in [["rar3-subdirs.rar", "rar5-subdirs.rar"], ["rar3-solid.rar", "rar5-solid.rar"]] {
        let [old, new] = old_and_new.map(|n| archive::open_file(&rar(n)).unwrap());
        let file = |a: &std::sync::Arc<dyn archive::Archive>| {
            let index = a.entries().iter().position(|e| !e.is_dir).unwrap();
            (a.entries()[index].name.clone(), a.read(index, MAX).unwrap())
        };
        assert_eq!(file(&old), file(&new), "{old_and_new:?}: RAR 3 and RAR 5 hold the same first file");
    }
    // A solid archive's later entries decompress too (once, in memory).
    let solid = archive::open_file(&rar("rar5-solid.rar")).unwrap();
    let last = solid.entries().len() - 1;
    assert_eq!(solid.read(last, MAX).unwrap().len() as u64, solid.entries()[last].size);
    // Encrypted data, and encrypted headers.
    let locked = archive::open_file(&rar("rar5-psw.rar")).unwrap();
    assert_eq!(locked.read(0, MAX).unwrap_err().kind(), "encrypted");
    assert_eq!(archive::open_file(&rar("rar5-hpsw.rar")).err().unwrap().kind(), "encrypted");
}

#[tokio::test]
async fn book_pages_upscale_like_files_and_share_their_cache_entries() {
    let (engine, cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    comic_tree(&tree);
    tool("zip", &["-qr", "../book.cbz", "."], &tree);
    tool("7z", &["a", "-bd", "-bso0", "../book.cb7", "."], &tree);
    let options = UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    };
    let zip = Book::open(&dir.path().join("book.cbz"), MAX).unwrap();
    for (index, page) in zip.pages.iter().enumerate() {
        let done = engine
            .upscale(UpscaleRequest::new(zip.page(index), options.clone()), CancellationToken::new(), |_| {})
            .await
            .unwrap();
        let (w, h) = image::image_dimensions(tree.join(&page.name)).unwrap();
        assert_eq!(decoded_size(&done.bytes), (w * 2, h * 2), "{}", page.name);
        assert!(!done.from_cache);
    }
    assert_eq!(cache_entries(cache.path()), 4);
    // The same pages from a 7z book and as loose files are the same content: cache hits.
    let seven = Book::open(&dir.path().join("book.cb7"), MAX).unwrap();
    let hit = engine
        .upscale(UpscaleRequest::new(seven.page(2), options.clone()), CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert!(hit.from_cache);
    let loose = engine
        .upscale(UpscaleRequest::new(tree.join("ch10/p1.png"), options), CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert!(loose.from_cache);
    assert_eq!(cache_entries(cache.path()), 4, "one entry per page, whatever the container");
}

/// Patches a zip's declared uncompressed size for its first entry.
fn lie_about_size(zip: &mut [u8], size: u32) {
    patch_first_zip_entry(zip, 22, 24, &size.to_le_bytes());
}

#[test]
fn bad_archives_get_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_image(d, "p1.png", 12, 12, 1);
    std::fs::write(d.join("notes.txt"), "no images here").unwrap();
    tool("zip", &["-q", "good.cbz", "p1.png"], d);
    let good = std::fs::read(d.join("good.cbz")).unwrap();

    // Corrupt and truncated; a zero-byte .cbz; no images.
    let mut corrupt = good.clone();
    for byte in &mut corrupt[10..] {
        *byte ^= 0x5A;
    }
    std::fs::write(d.join("corrupt.cbz"), &corrupt).unwrap();
    std::fs::write(d.join("truncated.cbz"), &good[..good.len() / 2]).unwrap();
    std::fs::write(d.join("empty.cbz"), b"").unwrap();
    tool("zip", &["-q", "text.cbz", "notes.txt"], d);
    tool("zip", &["-q", "-P", "secret", "locked.cbz", "p1.png"], d);
    tool("7z", &["a", "-bd", "-bso0", "-psecret", "-mhe=on", "locked.cb7", "p1.png"], d);
    for (name, kind) in [
        ("corrupt.cbz", "corrupt_archive"),
        ("truncated.cbz", "corrupt_archive"),
        ("empty.cbz", "corrupt_archive"),
        ("text.cbz", "no_pages"),
        ("locked.cbz", "encrypted"),
        ("locked.cb7", "encrypted"),
        ("missing.cbz", "input_not_found"),
    ] {
        let err = Book::open(&d.join(name), MAX).unwrap_err();
        assert_eq!(err.kind(), kind, "{name}: {err}");
    }

    // A bomb: 200 MB of zeros that compress to a few hundred KB, against a 10 MB page limit.
    std::fs::write(d.join("zeros.png"), vec![0u8; 200 << 20]).unwrap();
    tool("zip", &["-q", "bomb.cbz", "zeros.png", "p1.png"], d);
    std::fs::remove_file(d.join("zeros.png")).unwrap();
    let bomb = Book::open(&d.join("bomb.cbz"), 10 << 20).unwrap();
    let index = bomb.pages.iter().position(|p| p.name == "zeros.png").unwrap();
    assert_eq!(bomb.read_page(index, 10 << 20).unwrap_err().kind(), "file_too_large");
    // The same bomb declaring 1000 bytes: the bytes really read are bounded too.
    let mut lying = std::fs::read(d.join("bomb.cbz")).unwrap();
    lie_about_size(&mut lying, 1000);
    std::fs::write(d.join("lying.cbz"), lying).unwrap();
    let lying = Book::open(&d.join("lying.cbz"), 10 << 20).unwrap();
    let err = lying.read_page(index, 10 << 20).unwrap_err();
    assert!(["file_too_large", "corrupt_archive"].contains(&err.kind()), "{err}");
}

#[test]
fn slip_names_and_ten_thousand_entries_are_only_names() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let png = encode(&picture(4, 4, 1), ImageFormat::Png);
    // Names that try to climb out of a folder, or are absolute; nothing is ever written.
    let slip = dir.path().join("slip.cbz");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&slip).unwrap());
    for name in ["../../etc/evil.png", "/abs/evil.png", "ok.png"] {
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&png).unwrap();
    }
    writer.finish().unwrap();
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    let book = Book::open(&slip, MAX).unwrap();
    assert_eq!(book.pages.len(), 3);
    for index in 0..3 {
        assert_eq!(book.read_page(index, MAX).unwrap(), png);
    }
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "opening and reading wrote nothing");
    assert!(!Path::new("/etc/evil.png").exists() && !Path::new("/abs/evil.png").exists());

    let many = dir.path().join("many.cbz");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&many).unwrap());
    for i in 0..10_000 {
        writer.start_file(format!("p{i}.png"), zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&png).unwrap();
    }
    writer.finish().unwrap();
    let started = std::time::Instant::now();
    let book = Book::open(&many, MAX).unwrap();
    assert_eq!(book.pages.len(), 10_000);
    assert_eq!((book.pages[1].name.as_str(), book.pages[9_999].name.as_str()), ("p1.png", "p9999.png"));
    say(&format!("a book of 10 000 pages listed in {:?}", started.elapsed()));
}

fn thumb_limits() -> srview_core::Limits {
    srview_core::Limits { max_bytes: MAX, ..Default::default() }
}

#[test]
fn thumbnails_are_small_cached_and_follow_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    comic_tree(&tree);
    let big = tree.join("ch1/big.png");
    std::fs::write(&big, encode(&picture(800, 1200, 9), ImageFormat::Png)).unwrap();
    tool("zip", &["-qr", "../book.cbz", "."], &tree);
    let cache = srview_core::ResultCache::open(dir.path().join("thumbs")).unwrap();
    let book = Book::open(&dir.path().join("book.cbz"), MAX).unwrap();
    let index = book.pages.iter().position(|p| p.name == "ch1/big.png").unwrap();
    let thumb = srview_core::books::thumbnail::thumbnail(&cache, &book.page(index), &thumb_limits()).unwrap();
    assert_eq!(image::guess_format(&thumb).unwrap(), ImageFormat::WebP);
    let (w, h) = decoded_size(&thumb);
    assert!(w <= 120 && h <= 170 && h == 170, "{w}×{h}");
    assert_eq!(cache.stats().entries, 1);
    let again = srview_core::books::thumbnail::thumbnail(&cache, &book.page(index), &thumb_limits()).unwrap();
    assert_eq!(again, thumb);
    assert_eq!(cache.stats().entries, 1, "the second time is a cache hit");
    // A small page is not enlarged.
    let p1 = book.pages.iter().position(|p| p.name == "ch1/p1.jpg").unwrap();
    let small = srview_core::books::thumbnail::thumbnail(&cache, &book.page(p1), &thumb_limits()).unwrap();
    assert_eq!(decoded_size(&small), (24, 20));
    // A changed book (here: a new modification time) gets new thumbnails.
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().append(true).open(dir.path().join("book.cbz")).unwrap().set_modified(when).unwrap();
    let before = cache.stats().entries;
    srview_core::books::thumbnail::thumbnail(&cache, &book.page(index), &thumb_limits()).unwrap();
    assert_eq!(cache.stats().entries, before + 1);
}

#[test]
fn the_shelf_releases_the_least_recently_read_books_past_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    for book in 0..3u32 {
        let pages = dir.path().join(format!("pages{book}"));
        std::fs::create_dir(&pages).unwrap();
        for page in 0..3 {
            write_image(&pages, &format!("p{page}.png"), 40, 30, book * 10 + page);
        }
        tool("7z", &["a", "-bd", "-bso0", "-ms=on", &format!("../vol{book}.cb7"), "."], &pages);
    }
    let path = |book: u32| dir.path().join(format!("vol{book}.cb7"));
    // Each read below is of a book's last page, so each book holds all of its data.
    let one_book = {
        let alone = Bookshelf::new(Limits::default());
        let book = alone.open(&path(0)).unwrap();
        book.read_page(2, MAX).unwrap();
        alone.held_bytes()
    };
    assert!(one_book > 0);
    // Room for one book and a half: reading a second book releases the first.
    let budget = one_book * 3 / 2;
    let shelf = Bookshelf::new(Limits { max_decompressed_bytes: budget, ..Limits::default() });
    let books: Vec<_> = (0..3).map(|b| shelf.open(&path(b)).unwrap()).collect();
    assert_eq!((shelf.open_books(), shelf.held_bytes()), (3, 0), "opening reads no page");
    let last = books[0].read_page(2, MAX).unwrap();
    assert_eq!(books[0].held_bytes(), shelf.held_bytes());
    books[1].read_page(2, MAX).unwrap();
    assert_eq!(books[0].held_bytes(), 0, "the least recently read book is released");
    assert!(books[1].held_bytes() > 0 && shelf.held_bytes() <= budget);
    // A released book still reads, the same bytes; the book read longest ago goes instead.
    assert_eq!(books[0].read_page(2, MAX).unwrap(), last);
    assert_eq!(books[1].held_bytes(), 0);
    books[2].read_page(2, MAX).unwrap();
    assert_eq!((books[0].held_bytes(), books[2].held_bytes() > 0), (0, true));
    assert!(shelf.held_bytes() <= budget);
    // Books nobody holds leave the shelf with their bytes.
    drop(books);
    assert_eq!((shelf.open_books(), shelf.held_bytes()), (0, 0));
}

#[test]
fn a_book_inside_a_book_counts_against_the_same_budget() {
    let dir = tempfile::tempdir().unwrap();
    for chapter in ["ch1", "ch2"] {
        let folder = dir.path().join(chapter);
        std::fs::create_dir(&folder).unwrap();
        write_image(&folder, "p1.png", 30, 20, 1);
        write_image(&folder, "p2.png", 30, 20, 2);
        tool("zip", &["-qr", &format!("../{chapter}.cbz"), "."], &folder);
    }
    tool("zip", &["-q", "volume.zip", "ch1.cbz", "ch2.cbz"], dir.path());
    let shelf = Bookshelf::new(Limits::default());
    let volume = shelf.open(&dir.path().join("volume.zip")).unwrap();
    assert_eq!(shelf.held_bytes(), 0);
    let page = volume.read_page(2, MAX).unwrap();
    let chapter = std::fs::metadata(dir.path().join("ch2.cbz")).unwrap().len();
    assert_eq!(shelf.held_bytes(), chapter, "the chapter read into memory is counted");
    // Past the budget, the nested chapter is let go; it is read again when needed.
    let tight = Bookshelf::new(Limits { max_decompressed_bytes: chapter - 1, ..Limits::default() });
    let volume = tight.open(&dir.path().join("volume.zip")).unwrap();
    assert_eq!(volume.read_page(2, MAX).unwrap(), page);
    assert_eq!(tight.held_bytes(), 0);
    assert_eq!(volume.read_page(3, MAX).unwrap(), std::fs::read(dir.path().join("ch2/p2.png")).unwrap());
}
