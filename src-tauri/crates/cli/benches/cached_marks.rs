//! The reader's ✓ marks: asking whether each page of a 300-page book of 2 MP JPEG pages has a
//! cached result (`Engine::is_cached`, as the thumbnail strip does when the book opens), the
//! first time (every page read and hashed) against again (hashes remembered), side by side.
//!
//! `cargo bench -p srview-cli --bench cached_marks` (about a minute on 2 cores).

use std::process::Command;
use std::time::Instant;

use srview_core::{Book, DeviceChoice, Engine, EngineConfig, SizeRequest, UpscaleOptions, UpscaleRequest};
use srview_test_support::jpeg_page;

const PAGES: u32 = 300;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (tree, path) = (dir.path().join("pages"), dir.path().join("book.cbz"));
    std::fs::create_dir(&tree).unwrap();
    for i in 0..PAGES {
        std::fs::write(tree.join(format!("p{i:03}.jpg")), jpeg_page(i)).unwrap();
    }
    let zipped = Command::new("zip").arg("-qr0").arg(&path).arg(".").current_dir(&tree).status().unwrap();
    assert!(zipped.success());
    let size_mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;

    let config =
        EngineConfig { device: DeviceChoice::Cpu, cache_root: Some(dir.path().join("cache")), ..Default::default() };
    let engine = Engine::start(config).unwrap();
    let book = Book::open(&path, u64::MAX).unwrap();
    let options = UpscaleOptions {
        model: "WAIFU2X_ANIME_UP2X".into(),
        size: SizeRequest::Scale { factor: 2.0 },
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let pass = || {
        let started = Instant::now();
        let cached = runtime.block_on(async {
            let mut cached = 0;
            for index in 0..book.pages.len() {
                let request = UpscaleRequest::new(book.page(index), options.clone());
                cached += usize::from(engine.is_cached(&request).await.unwrap());
            }
            cached
        });
        assert_eq!(cached, 0, "nothing was upscaled");
        started.elapsed().as_secs_f64() * 1000.0
    };
    let (first, again) = (pass(), pass());
    println!("| {PAGES} pages of 1200×1700 JPEG ({size_mb:.0} MB book) | ms | per page |");
    println!("|---|---:|---:|");
    println!("| first ask (read and hash) | {first:.0} | {:.2} |", first / f64::from(PAGES));
    println!("| again (hashes remembered) | {again:.0} | {:.2} |", again / f64::from(PAGES));
    println!("| ratio again / first | {:.3} | |", again / first);
}
