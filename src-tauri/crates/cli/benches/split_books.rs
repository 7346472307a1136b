//! A split RAR book against the same pages in one `.cbr`, side by side in one run: the time to
//! open the book and show page 1 (list the pages, read page 1, decode it), printed as a
//! Markdown table with the ratio. Pages are 2 MP JPEGs (1632×1224), as scans are; both books
//! are RAR 5 with the pages stored, written by `srview_test_support::rar` (Debian has no RAR
//! writer). The split book has volumes of about 8 MB, as a large book might have 50 MB ones.
//!
//! `cargo bench -p srview-cli --bench split_books` (under a minute on 2 cores).

use std::io::Cursor;
use std::path::Path;
use std::time::Instant;

use image::ImageFormat;
use srview_core::Book;
use srview_test_support::rar::write_rar5;
use srview_test_support::textured_page;

const PAGES: u32 = 48;
const ROUNDS: usize = 15;
const MAX: u64 = 512 * 1024 * 1024;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Opens the book at `path` and shows page 1; milliseconds.
fn open_and_show_first_page(path: &Path) -> f64 {
    let started = Instant::now();
    let book = Book::open(path, MAX).expect("the book opens");
    let bytes = book.read_page(0, MAX).expect("page 1 reads");
    let page = image::load_from_memory(&bytes).expect("page 1 decodes");
    assert_eq!((page.width(), page.height()), (1632, 1224));
    started.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for n in 1..=PAGES {
        let mut page = textured_page(1632, 1224);
        page.get_pixel_mut(n, n).0 = [n as u8, 0, 0];
        let mut bytes = Vec::new();
        page.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg).expect("encode");
        files.push((format!("{n:03}.jpg"), bytes));
    }
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    let parts = write_rar5(dir.path(), "split", &files, Some(8 << 20));
    let single = write_rar5(dir.path(), "single", &files, None).remove(0);

    let books = [("one .cbr", &single), ("split, from part 1", &parts[0]), ("split, from part 2", &parts[1])];
    for (_, path) in books {
        open_and_show_first_page(path);
    }
    let mut times = vec![Vec::new(); books.len()];
    for _ in 0..ROUNDS {
        for ((_, path), times) in books.iter().zip(&mut times) {
            times.push(open_and_show_first_page(path));
        }
    }
    let medians: Vec<f64> = times.into_iter().map(median).collect();
    println!(
        "\n{PAGES} pages of 1632×1224 JPEG, {:.1} MB; split into {} volumes; median of {ROUNDS} rounds\n",
        total as f64 / 1e6,
        parts.len()
    );
    println!("| book | open + show page 1 | against one .cbr |");
    println!("|---|---|---|");
    for ((name, _), median) in books.iter().zip(&medians) {
        println!("| {name} | {median:.1} ms | {:.2}× |", median / medians[0]);
    }
}
