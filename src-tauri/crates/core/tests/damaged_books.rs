//! Damaged zip books: a `.cbz` cut short (its central directory gone) opens with the pages
//! whose data is whole and matches its checksum, says how many of how many, reads nothing past
//! the limits, and one with no readable page is a typed error. The zips are real ones, made
//! in the test with Info-ZIP's `zip` and with the zip crate's streaming writer (data
//! descriptors), then cut at chosen places.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::*;
use image::ImageFormat;
use srview_core::books::book::BookDamage;
use srview_core::Book;

const MAX: u64 = 64 * 1024 * 1024;
/// The entries in zip order: a metadata file among the pages, so a page is first and last.
const ENTRIES: [&str; 7] = ["p01.png", "p02.png", "p03.png", "ComicInfo.xml", "p04.png", "p05.png", "p06.png"];

/// Each page's own picture, so a page read in place of another shows.
fn page_bytes(name: &str) -> Vec<u8> {
    let seed = name.bytes().map(u32::from).sum::<u32>();
    encode(&picture(40 + seed % 7, 30, seed), ImageFormat::Png)
}

/// Where each entry's local header starts, and where the central directory starts, from the
/// zip's own end record (read before cutting).
fn layout(zip: &[u8]) -> (Vec<usize>, usize) {
    let eocd = zip.windows(4).rposition(|w| w == b"PK\x05\x06").expect("an end record");
    let u32_at = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
    let cd = u32_at(eocd + 16);
    let mut headers = Vec::new();
    let mut at = cd;
    while zip[at..at + 4] == *b"PK\x01\x02" {
        headers.push(u32_at(at + 42));
        let (name, extra, comment) = (
            u16::from_le_bytes([zip[at + 28], zip[at + 29]]) as usize,
            u16::from_le_bytes([zip[at + 30], zip[at + 31]]) as usize,
            u16::from_le_bytes([zip[at + 32], zip[at + 33]]) as usize,
        );
        at += 46 + name + extra + comment;
    }
    (headers, cd)
}

/// Where the data of the entry whose local header is at `header` starts.
fn data_start(zip: &[u8], header: usize) -> usize {
    let len = |at: usize| u16::from_le_bytes([zip[header + at], zip[header + at + 1]]) as usize;
    header + 30 + len(26) + len(28)
}

fn info_zip(dir: &Path) -> Vec<u8> {
    let tree = dir.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    for name in ENTRIES {
        let bytes = if name.ends_with(".png") { page_bytes(name) } else { b"<ComicInfo/>".to_vec() };
        std::fs::write(tree.join(name), bytes).unwrap();
    }
    let output =
        Command::new("zip").args(["-q", "-0", "../whole.cbz"]).args(ENTRIES).current_dir(&tree).output().unwrap();
    assert!(output.status.success(), "zip: {}", String::from_utf8_lossy(&output.stderr));
    std::fs::read(dir.join("whole.cbz")).unwrap()
}

/// A zip written as a stream: every entry's sizes and checksum follow its data (a data descriptor).
fn streamed_zip(pages: &[(&str, Vec<u8>)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = zip::ZipWriter::new_stream(&mut out);
    for (name, bytes) in pages {
        writer.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
    out
}

fn open_cut(dir: &Path, name: &str, bytes: &[u8], max_bytes: u64) -> srview_core::error::Result<std::sync::Arc<Book>> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    Book::open(&path, max_bytes)
}

/// Every listed page reads back the bytes that went in, and decodes.
fn assert_pages_whole(book: &Book, context: &str) {
    for (index, page) in book.pages.iter().enumerate() {
        let bytes = book.read_page(index, MAX).unwrap_or_else(|e| panic!("{context}: {} unreadable: {e}", page.name));
        assert_eq!(bytes, page_bytes(&page.name), "{context}: {} read back other bytes", page.name);
        image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{context}: {} does not decode: {e}", page.name));
    }
}

fn names(book: &Book) -> Vec<&str> {
    book.pages.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn a_zip_cut_short_opens_with_the_pages_that_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let whole = info_zip(dir.path());
    let (headers, cd) = layout(&whole);
    assert_eq!(headers.len(), ENTRIES.len());

    // A whole book is not damaged.
    let book = open_cut(dir.path(), "whole.cbz", &whole, MAX).unwrap();
    assert_eq!(book.damage, None);

    // Cut inside the central directory: every page is there, and the book says it is damaged.
    let book = open_cut(dir.path(), "cut-in-directory.cbz", &whole[..cd + 30], MAX).unwrap();
    assert_eq!(names(&book), ["p01.png", "p02.png", "p03.png", "p04.png", "p05.png", "p06.png"]);
    assert_eq!(book.damage, Some(BookDamage { readable_pages: 6, pages_found: 6, end_missing: false }));
    assert_eq!(book.damage.unwrap().message(), "This book is damaged: all 6 pages could be read.");
    assert_eq!(book.extras.len(), 1, "ComicInfo.xml is still an extra");
    assert_pages_whole(&book, "cut in the directory");

    // Cut inside the last entry's data: five pages, and the book's length cannot be known.
    let last_data = data_start(&whole, headers[6]) + 20;
    let book = open_cut(dir.path(), "cut-in-last.cbz", &whole[..last_data], MAX).unwrap();
    assert_eq!(names(&book), ["p01.png", "p02.png", "p03.png", "p04.png", "p05.png"]);
    let damage = book.damage.unwrap();
    assert_eq!(damage, BookDamage { readable_pages: 5, pages_found: 6, end_missing: true });
    assert_eq!(damage.message(), "This book is damaged and its end is missing: 5 pages could be read.");
    assert_pages_whole(&book, "cut in the last entry");

    // Cut inside the third page's local header: the two before it.
    let book = open_cut(dir.path(), "cut-in-header.cbz", &whole[..headers[2] + 12], MAX).unwrap();
    assert_eq!(names(&book), ["p01.png", "p02.png"]);
    assert_eq!(book.damage, Some(BookDamage { readable_pages: 2, pages_found: 2, end_missing: true }));
    assert_pages_whole(&book, "cut in a header");

    // Cut inside the first entry: nothing can be read, a typed error in a reader's words.
    let first_data = data_start(&whole, headers[0]) + 10;
    let err = open_cut(dir.path(), "cut-in-first.cbz", &whole[..first_data], MAX).unwrap_err();
    assert_eq!(err.kind(), "corrupt_archive", "{err}");
    let message = err.to_string();
    assert!(message.contains("cut-in-first.cbz is damaged, or is not a book SRView can read."), "{message}");
    assert!(message.contains("Detail: "), "the library's words only as a detail: {message}");
}

#[test]
fn a_garbled_page_of_a_cut_zip_is_skipped_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let whole = info_zip(dir.path());
    let (headers, cd) = layout(&whole);
    // Cut 4 bytes into the central directory, so the walk sees where the entries end.
    let mut cut = whole[..cd + 4].to_vec();
    // Stored entries: one flipped byte in the middle of p02's data breaks its checksum only.
    let p02 = data_start(&whole, headers[1]) + page_bytes("p02.png").len() / 2;
    cut[p02] ^= 0xFF;
    let book = open_cut(dir.path(), "garbled.cbz", &cut, MAX).unwrap();
    assert_eq!(names(&book), ["p01.png", "p03.png", "p04.png", "p05.png", "p06.png"]);
    let damage = book.damage.unwrap();
    assert_eq!(damage, BookDamage { readable_pages: 5, pages_found: 6, end_missing: false });
    assert_eq!(damage.message(), "This book is damaged: 5 of 6 pages could be read.");
    assert_pages_whole(&book, "garbled");
}

#[test]
fn listing_reads_only_the_central_directory_and_a_broken_local_header_spoils_its_page_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut zip = info_zip(dir.path());
    let (headers, _) = layout(&zip);
    // p03's local header loses its signature; the central directory is whole.
    zip[headers[2]..headers[2] + 4].copy_from_slice(b"XXXX");
    let book = open_cut(dir.path(), "broken-header.cbz", &zip, MAX).unwrap();
    // Listed from the central directory alone: every page, and the book is not damaged.
    assert_eq!(names(&book), ["p01.png", "p02.png", "p03.png", "p04.png", "p05.png", "p06.png"]);
    assert_eq!(book.damage, None);
    // Reading p03 finds its header broken; the others read whole.
    let err = book.read_page(2, MAX).unwrap_err();
    assert_eq!(err.kind(), "corrupt_archive", "{err}");
    for index in [0, 1, 3, 4, 5] {
        assert_eq!(book.read_page(index, MAX).unwrap(), page_bytes(&book.pages[index].name));
    }
}

#[test]
fn entries_with_data_descriptors_are_found_by_their_descriptor() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<(&str, Vec<u8>)> = ["p01.png", "p02.png", "p03.png"].iter().map(|n| (*n, page_bytes(n))).collect();
    for method in [zip::CompressionMethod::Deflated, zip::CompressionMethod::Stored] {
        let whole = streamed_zip(&pages, method);
        let (headers, cd) = layout(&whole);
        assert_ne!(whole[headers[0] + 6] & 0x08, 0, "the writer used data descriptors");
        let book = open_cut(dir.path(), "streamed.cbz", &whole[..cd + 10], MAX).unwrap();
        assert_eq!(names(&book), ["p01.png", "p02.png", "p03.png"], "{method:?}");
        assert_eq!(book.damage, Some(BookDamage { readable_pages: 3, pages_found: 3, end_missing: false }));
        assert_pages_whole(&book, &format!("{method:?}, cut in the directory"));

        // The last entry's descriptor cut off: its end cannot be known, so it is lost.
        let book = open_cut(dir.path(), "streamed-cut.cbz", &whole[..cd - 4], MAX).unwrap();
        assert_eq!(names(&book), ["p01.png", "p02.png"], "{method:?}");
        assert_eq!(book.damage, Some(BookDamage { readable_pages: 2, pages_found: 3, end_missing: true }));
        assert_pages_whole(&book, &format!("{method:?}, cut in a descriptor"));
    }
}

#[test]
fn recovery_reads_nothing_past_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let small = page_bytes("p01.png");
    let limit = 64 * 1024;
    // A page over the limit with its size up front (Info-ZIP): listed, and refused when read.
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("p01.png"), &small).unwrap();
    std::fs::write(tree.join("p02.png"), vec![7u8; 4 * limit as usize]).unwrap();
    let output =
        Command::new("zip").args(["-q", "-0", "../big.cbz", "p01.png", "p02.png"]).current_dir(&tree).output().unwrap();
    assert!(output.status.success());
    let whole = std::fs::read(dir.path().join("big.cbz")).unwrap();
    let (_, cd) = layout(&whole);
    let book = open_cut(dir.path(), "big-cut.cbz", &whole[..cd + 8], limit).unwrap();
    assert_eq!(names(&book), ["p01.png", "p02.png"]);
    assert_eq!(book.read_page(1, limit).unwrap_err().kind(), "file_too_large");
    assert_eq!(book.read_page(0, limit).unwrap(), small);

    // The same page streamed (no size up front): its descriptor lies beyond what the limit
    // lets SRView search, so it is lost, and the search stops there.
    let streamed = streamed_zip(
        &[("p01.png", small.clone()), ("p02.png", vec![7u8; 4 * limit as usize]), ("p03.png", small.clone())],
        zip::CompressionMethod::Stored,
    );
    let (_, cd) = layout(&streamed);
    let book = open_cut(dir.path(), "streamed-big.cbz", &streamed[..cd + 8], limit).unwrap();
    assert_eq!(names(&book), ["p01.png"]);
    assert_eq!(book.damage, Some(BookDamage { readable_pages: 1, pages_found: 2, end_missing: true }));
}

#[test]
fn files_that_are_not_zips_or_hold_nothing_readable_get_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let whole = info_zip(dir.path());
    // A local header signature and then noise.
    let mut noise = b"PK\x03\x04".to_vec();
    noise.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    for (name, bytes) in [
        ("noise.cbz", noise),
        ("signature-only.cbz", b"PK\x03\x04".to_vec()),
        ("header-only.cbz", whole[..40].to_vec()),
    ] {
        let err = open_cut(dir.path(), name, &bytes, MAX).unwrap_err();
        assert_eq!(err.kind(), "corrupt_archive", "{name}: {err}");
    }
}
