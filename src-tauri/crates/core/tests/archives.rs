//! The archive layer: every compression method 7-Zip and Info-ZIP write, split RAR books (the
//! published `rarfile` fixtures, and image books written by `srview_test_support::rar`), and
//! solid archives read within a byte budget. These tests run with debug assertions on (the test
//! profile), so the standard library's checks catch undefined behaviour in the RAR path.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use image::ImageFormat;
use srview_core::books::archive::{self, Archive};
use srview_core::{Book, CancellationToken, Limits, SizeRequest, UpscaleOptions, UpscaleRequest};
use srview_test_support::rar::write_rar5;

const MAX: u64 = 64 * 1024 * 1024;
/// Bitmaps, so that every method compresses them (Info-ZIP stores what it cannot shrink).
const PAGES: [&str; 3] = ["p1.bmp", "p2.bmp", "p10.bmp"];

fn tool(program: &str, args: &[&str], dir: &Path) -> String {
    let output = Command::new(program).args(args).current_dir(dir).output().expect(program);
    assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn rar(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.fixtures/rarfile").join(name);
    assert!(path.is_file(), "{} is missing: run scripts/setup.sh", path.display());
    path
}

fn names(book: &Book) -> Vec<String> {
    book.pages.iter().map(|p| p.name.clone()).collect()
}

/// Each book of the matrix: its file name, the program and options that write it, and the
/// method `7z l -slt` must then report (any case).
const MATRIX: [(&str, &str, &[&str], &str); 17] = [
    ("lzma.cb7", "7z", &["-m0=LZMA"], "LZMA:"),
    ("lzma2.cb7", "7z", &["-m0=LZMA2"], "LZMA2:"),
    ("bcj2.cb7", "7z", &["-m0=BCJ2", "-m1=LZMA"], "BCJ2"),
    ("delta.cb7", "7z", &["-m0=Delta:4", "-m1=LZMA2"], "Delta:4"),
    ("copy.cb7", "7z", &["-m0=Copy"], "Copy"),
    ("bzip2.cb7", "7z", &["-m0=BZip2"], "BZip2"),
    ("deflate.cb7", "7z", &["-m0=Deflate"], "Deflate"),
    ("deflate64.cb7", "7z", &["-m0=Deflate64"], "Deflate64"),
    ("deflate64-plain.cb7", "7z", &["-m0=Deflate64", "-ms=off"], "Deflate64"),
    ("ppmd.cb7", "7z", &["-m0=PPMd"], "PPMD:"),
    ("store.cbz", "zip", &["-0"], "Store"),
    ("deflate.cbz", "zip", &[], "Deflate"),
    ("bzip2.cbz", "zip", &["-Z", "bzip2"], "BZip2"),
    ("deflate64.cbz", "7z", &["-tzip", "-mm=Deflate64"], "Deflate64"),
    ("lzma.cbz", "7z", &["-tzip", "-mm=LZMA"], "LZMA:"),
    ("ppmd.cbz", "7z", &["-tzip", "-mm=PPMd"], "PPMd"),
    ("xz.cbz", "7z", &["-tzip", "-mm=XZ"], "xz"),
];

/// Writes the matrix's books in `dir`, each holding `PAGES` with contents of its own (the
/// archive lists them p1, p10, p2). Returns each book's path with its pages' bytes.
fn make_matrix(dir: &Path) -> Vec<(PathBuf, Vec<Vec<u8>>)> {
    let mut books = Vec::new();
    for (number, (name, program, options, method)) in MATRIX.iter().enumerate() {
        let folder = dir.join(format!("pages-{number}"));
        std::fs::create_dir(&folder).unwrap();
        let pages: Vec<Vec<u8>> = PAGES
            .iter()
            .zip(0u32..)
            .map(|(page, seed)| {
                let path = write_image(&folder, page, 20 + seed * 2, 16, number as u32 * 3 + seed);
                std::fs::read(path).unwrap()
            })
            .collect();
        let book = dir.join(name);
        let book_arg = book.to_str().unwrap();
        let mut args: Vec<&str> = match *program {
            "7z" => vec!["a", "-bd", "-bso0"],
            _ => vec!["-q"],
        };
        args.extend_from_slice(options);
        args.extend_from_slice(&[book_arg, "p1.bmp", "p10.bmp", "p2.bmp"]);
        tool(program, &args, &folder);
        let listing = tool("7z", &["l", "-slt", book_arg], dir);
        let says = format!("method = {}", method.to_lowercase());
        assert!(listing.to_lowercase().contains(&says), "{name} is not {method}:\n{listing}");
        books.push((book, pages));
    }
    books
}

#[tokio::test]
async fn every_method_7zip_and_info_zip_write_opens_in_order_and_upscales_to_2x() {
    let (engine, _cache) = engine();
    let dir = tempfile::tempdir().unwrap();
    let options = UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    };
    for (path, pages) in make_matrix(dir.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let book = Book::open(&path, MAX).unwrap_or_else(|e| panic!("{name}: {} {e}", e.kind()));
        assert_eq!(names(&book), PAGES, "{name}");
        for (index, original) in pages.iter().enumerate() {
            assert_eq!(&book.read_page(index, MAX).unwrap(), original, "{name} page {index}");
            let done = engine
                .upscale(UpscaleRequest::new(book.page(index), options.clone()), CancellationToken::new(), |_| {})
                .await
                .unwrap_or_else(|e| panic!("{name} page {index}: {e}"));
            let (w, h) = decoded_size(original);
            assert_eq!(decoded_size(&done.bytes), (w * 2, h * 2), "{name} page {index}");
        }
    }
}

/// Sets a zip's method for its first entry.
fn set_zip_method(zip: &mut [u8], method: u16) {
    patch_first_zip_entry(zip, 8, 10, &method.to_le_bytes());
}

#[test]
fn a_method_srview_cannot_read_is_named_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_image(d, "p1.png", 12, 12, 1);
    tool("zip", &["-q", "-0", "stored.cbz", "p1.png"], d);
    let stored = std::fs::read(d.join("stored.cbz")).unwrap();
    for (method, words) in [(93, "Zstandard"), (6, "Implode"), (97, "an unknown")] {
        let mut bytes = stored.clone();
        set_zip_method(&mut bytes, method);
        let path = d.join(format!("method-{method}.cbz"));
        std::fs::write(&path, bytes).unwrap();
        let book = Book::open(&path, MAX).unwrap();
        let err = book.read_page(0, MAX).unwrap_err();
        assert_eq!(err.kind(), "unsupported_compression", "method {method}: {err}");
        let message = err.to_string();
        assert!(message.contains(&format!("uses {words} compression, which SRView cannot read")), "{message}");
        assert!(!message.contains('(') && !message.contains('{'), "no Debug text: {message}");
        // The same entry stored reads: the refusal is the method's, not the file's.
        assert!(Book::open(&d.join("stored.cbz"), MAX).unwrap().read_page(0, MAX).is_ok());
    }
}

/// The fixtures' split books hold these two files (sizes and CRC32 from `rarfile`'s listings).
const SPLIT_FILES: [(&str, usize, u32); 2] =
    [("vols/bigfile.txt", 205_000, 0x509a_d74c), ("vols/smallfile.txt", 2050, 0xd08a_1f86)];

const SPLIT_SETS: [[&str; 3]; 3] = [
    ["rar3-vols.part1.rar", "rar3-vols.part2.rar", "rar3-vols.part3.rar"],
    ["rar5-vols.part1.rar", "rar5-vols.part2.rar", "rar5-vols.part3.rar"],
    ["rar3-old.rar", "rar3-old.r00", "rar3-old.r01"],
];

#[test]
fn split_rar_books_open_from_any_part_with_every_entry_whole() {
    for set in SPLIT_SETS {
        for (number, part) in set.iter().enumerate() {
            assert_eq!(archive::is_later_volume(&rar(part)), number > 0, "{part}");
            let archive = archive::open_file(&rar(part)).unwrap_or_else(|e| panic!("{part}: {e}"));
            let files: Vec<(usize, &str)> = archive
                .entries()
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.is_dir)
                .map(|(index, e)| (index, e.name.as_str()))
                .collect();
            assert_eq!(files.iter().map(|f| f.1).collect::<Vec<_>>(), SPLIT_FILES.map(|f| f.0), "{part}");
            for ((index, _), (name, size, crc)) in files.into_iter().zip(SPLIT_FILES) {
                let bytes = archive.read(index, MAX).unwrap_or_else(|e| panic!("{part} › {name}: {e}"));
                assert_eq!((bytes.len(), crc32fast::hash(&bytes)), (size, crc), "{part} › {name}");
            }
        }
    }
}

#[test]
fn a_missing_part_is_named() {
    for (set, left_out) in [(SPLIT_SETS[0], 1), (SPLIT_SETS[1], 1), (SPLIT_SETS[2], 1), (SPLIT_SETS[1], 0)] {
        let dir = tempfile::tempdir().unwrap();
        for (number, part) in set.iter().enumerate() {
            if number != left_out {
                std::fs::copy(rar(part), dir.path().join(part)).unwrap();
            }
        }
        for (number, part) in set.iter().enumerate().filter(|(n, _)| *n != left_out) {
            let err = archive::open_file(&dir.path().join(part)).err().unwrap_or_else(|| panic!("{part} opened"));
            assert_eq!(err.kind(), "missing_volume", "{part} without {}: {err}", set[left_out]);
            assert!(err.to_string().contains(&format!("the volume {} is missing", set[left_out])), "{err}");
            let book = Book::open(&dir.path().join(part), MAX).unwrap_err();
            assert_eq!(book.kind(), "missing_volume", "{part} (part {number})");
        }
    }
}

#[test]
fn a_rar_named_like_a_later_part_but_whole_is_its_own_book() {
    let dir = tempfile::tempdir().unwrap();
    let solo = dir.path().join("solo.part2.rar");
    std::fs::copy(rar("rar5-solid.rar"), &solo).unwrap();
    assert!(!archive::is_later_volume(&solo));
    let archive = archive::open_file(&solo).unwrap();
    let original = archive::open_file(&rar("rar5-solid.rar")).unwrap();
    assert_eq!(archive.entries().len(), original.entries().len());
    assert_eq!(archive.read(0, MAX).unwrap(), original.read(0, MAX).unwrap());
}

fn pages_of(count: u32, width: u32, height: u32) -> Vec<(String, Vec<u8>)> {
    (1..=count).map(|n| (format!("p{n}.png"), encode(&picture(width, height, n), ImageFormat::Png))).collect()
}

#[tokio::test]
async fn a_split_image_book_opens_from_its_second_part_and_upscales() {
    let dir = tempfile::tempdir().unwrap();
    let pages = pages_of(10, 24, 18);
    let files: Vec<(&str, Vec<u8>)> = pages.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let volumes = write_rar5(dir.path(), "split", &files, Some(700));
    assert!(volumes.len() >= 4, "{} volumes", volumes.len());
    let single = &write_rar5(dir.path(), "single", &files, None)[0];
    let natural: Vec<String> = {
        let mut names: Vec<String> = pages.iter().map(|p| p.0.clone()).collect();
        names.sort_by(|a, b| srview_core::books::naming::natural_path_cmp(Path::new(a), Path::new(b)));
        names
    };
    for path in [&volumes[1], &volumes[0], volumes.last().unwrap(), single] {
        let book = Book::open(path, MAX).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(names(&book), natural, "{}", path.display());
        for (index, name) in natural.iter().enumerate() {
            let original = &pages.iter().find(|p| &p.0 == name).unwrap().1;
            assert_eq!(&book.read_page(index, MAX).unwrap(), original, "{} › {name}", path.display());
        }
    }
    let (engine, _cache) = engine();
    let book = Book::open(&volumes[1], MAX).unwrap();
    let options = UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    };
    let last = book.pages.len() - 1;
    let done =
        engine.upscale(UpscaleRequest::new(book.page(last), options), CancellationToken::new(), |_| {}).await.unwrap();
    assert_eq!(decoded_size(&done.bytes), (48, 36));
}

/// A solid 7z of `count` entries of `size` incompressible bytes each, named `p01.png`, ….
fn solid_book(dir: &Path, count: usize, size: usize) -> (PathBuf, Vec<Vec<u8>>) {
    let folder = dir.join("solid-pages");
    std::fs::create_dir(&folder).unwrap();
    let mut state = 0x2545_f491_u64;
    let mut noise = |n: usize| {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect::<Vec<u8>>()
    };
    let contents: Vec<Vec<u8>> = (0..count).map(|_| noise(size)).collect();
    for (n, bytes) in contents.iter().enumerate() {
        std::fs::write(folder.join(format!("p{:02}.png", n + 1)), bytes).unwrap();
    }
    let book = dir.join("solid.cb7");
    tool("7z", &["a", "-bd", "-bso0", "-ms=on", "-mx=1", book.to_str().unwrap(), "."], &folder);
    (book, contents)
}

fn index_of(archive: &dyn Archive, name: &str) -> usize {
    archive.entries().iter().position(|e| e.name == name).unwrap()
}

#[test]
fn reading_a_solid_book_in_order_decodes_ahead_within_the_budget() {
    const SIZE: usize = 64 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let (book, contents) = solid_book(dir.path(), 12, SIZE);
    let budget = (3 * SIZE + SIZE / 2) as u64;
    let limits = Limits { max_decompressed_bytes: budget, ..Limits::default() };
    let archive = archive::open_file_within(&book, &limits).unwrap();
    let index = |n: usize| index_of(archive.as_ref(), &format!("p{:02}.png", n + 1));
    assert_eq!(archive.held_bytes(), 0);

    // One pass keeps the page read and the two after it: 3 pages fit in 3.5.
    assert_eq!(archive.read(index(0), MAX).unwrap(), contents[0]);
    assert_eq!(archive.held_bytes(), 3 * SIZE as u64);
    // Pages 2 and 3 come from what is held: they read with the book moved away.
    let away = dir.path().join("away.cb7");
    std::fs::rename(&book, &away).unwrap();
    for (n, content) in contents.iter().enumerate().take(3).skip(1) {
        assert_eq!(&archive.read(index(n), MAX).unwrap(), content, "page {n} without the file");
    }
    assert_eq!(archive.read(index(3), MAX).unwrap_err().kind(), "io", "page 4 needs a new pass");
    std::fs::rename(&away, &book).unwrap();
    for (n, content) in contents.iter().enumerate().skip(3) {
        assert_eq!(&archive.read(index(n), MAX).unwrap(), content, "page {n}");
        assert!(archive.held_bytes() <= budget, "page {n}: {} held", archive.held_bytes());
        assert!(archive.held_bytes() > 0);
    }
    archive.release();
    assert_eq!(archive.held_bytes(), 0);
    // After a release the next read decodes again.
    assert_eq!(archive.read(index(5), MAX).unwrap(), contents[5]);
}

#[test]
fn an_over_limit_or_encrypted_entry_in_a_solid_book_fails_only_its_page() {
    const SIZE: usize = 40 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("pages");
    std::fs::create_dir(&folder).unwrap();
    write_image(&folder, "p1.png", 20, 16, 1);
    std::fs::write(folder.join("p2.png"), vec![7u8; 3 * SIZE]).unwrap();
    write_image(&folder, "p3.png", 22, 16, 3);
    write_image(&folder, "p4.png", 24, 16, 4);
    let book = dir.path().join("mixed.cb7");
    let book_arg = book.to_str().unwrap();
    tool("7z", &["a", "-bd", "-bso0", "-ms=on", book_arg, "p1.png", "p2.png", "p3.png"], &folder);
    // p4 is added as its own block, encrypted; the headers stay readable.
    tool("7z", &["a", "-bd", "-bso0", "-psecret", "-mhe=off", book_arg, "p4.png"], &folder);
    let solid = Book::open(&book, MAX).unwrap();
    assert_eq!(names(&solid), ["p1.png", "p2.png", "p3.png", "p4.png"]);
    let limit = SIZE as u64;
    for _ in 0..2 {
        assert_eq!(solid.read_page(1, limit).unwrap_err().kind(), "file_too_large");
        assert_eq!(solid.read_page(3, limit).unwrap_err().kind(), "encrypted");
        for (index, name) in [(0, "p1.png"), (2, "p3.png")] {
            assert_eq!(solid.read_page(index, limit).unwrap(), std::fs::read(folder.join(name)).unwrap(), "{name}");
        }
    }

    // The same in a solid RAR: a small budget changes what is held, not what is read.
    let limits = Limits { max_decompressed_bytes: 64, ..Limits::default() };
    let [small, large] =
        [limits, Limits::default()].map(|l| archive::open_file_within(&rar("rar5-solid.rar"), &l).unwrap());
    for index in (0..large.entries().len()).filter(|&i| !large.entries()[i].is_dir) {
        assert_eq!(small.read(index, MAX).unwrap(), large.read(index, MAX).unwrap(), "entry {index}");
        assert!(small.held_bytes() <= 64);
    }
    assert!(large.held_bytes() > 0);
    let tiny = large.entries().iter().position(|e| !e.is_dir && e.size > 1).unwrap();
    assert_eq!(large.read(tiny, 1).unwrap_err().kind(), "file_too_large");
}

#[test]
fn an_old_style_later_volume_is_a_book_and_an_unknown_7z_method_is_named() {
    assert!(srview_core::books::book::has_book_extension(Path::new("Vol.r00")));
    assert!(srview_core::books::book::has_book_extension(Path::new("Vol.R07")));
    assert!(!srview_core::books::book::has_book_extension(Path::new("Vol.raw")));
    let names = |path: PathBuf| -> Vec<String> {
        archive::open_file(&path).unwrap().entries().iter().map(|e| e.name.clone()).collect()
    };
    assert_eq!(names(rar("rar3-old.r00")), names(rar("rar3-old.rar")));

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_image(d, "01.png", 12, 12, 1);
    tool("7z", &["a", "-bd", "-bso0", "-t7z", "-m0=Swap4", "-m1=LZMA2", "swapped.cb7", "01.png"], d);
    let err = Book::open(&d.join("swapped.cb7"), 1 << 20).and_then(|book| book.read_page(0, 1 << 20)).unwrap_err();
    assert_eq!(err.kind(), "unsupported_compression", "{err}");
    assert!(err.to_string().contains("Swap4") && !err.to_string().contains('['), "{err}");
}
