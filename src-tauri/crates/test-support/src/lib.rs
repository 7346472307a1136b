//! Helpers shared by the tests of the core, the CLI and the app: a folder full of a user's own
//! files, a byte-for-byte snapshot to prove that SRView left it alone, and test pictures.

pub mod pdf;
pub mod rar;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every regular file under `root`, by relative path, with its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                let relative = entry.path().strip_prefix(root).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}

/// Fills `root` like a home folder: dotfiles, another app's cache and settings, nested
/// documents, and the user's own WebP files at depth 1 and 2, some in a two-hex-letter folder
/// and one with a 64-hex name, as a cache entry would be named.
pub fn home_like(root: &Path) {
    for (name, bytes) in [
        (".bashrc", &b"export PATH"[..]),
        (".cache/other-app/data.bin", b"other"),
        (".config/app/settings.json", b"{}"),
        ("Documents/thesis.txt", b"secret"),
        ("Documents/drafts/chapter1.md", b"# one"),
        ("cover.webp", b"RIFF....WEBPVP8 "),
        ("Pictures/holiday.webp", b"RIFF....WEBPVP8 "),
        ("ab/notes.webp", b"mine"),
    ] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let hex_name = format!("ab{}.txt", "c".repeat(62));
    std::fs::write(root.join("ab").join(hex_name), b"also mine").unwrap();
}

/// A photo-like page: edges, rings and fine noise-like texture, the hardest case for seams.
pub fn textured_page(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        let ring = ((x as i64 - 130).pow(2) + (y as i64 - 90).pow(2)) as u32 / 400 % 5;
        let texture = ((x * 7 + y * 13) ^ (x * y / 5)) % 40;
        let ink = if ring == 0 || (x / 23 + y / 29) % 4 == 0 { 30 } else { 200 };
        image::Rgb([
            (ink + texture) as u8,
            ((x * 255) / width) as u8 / 2 + ink as u8 / 3,
            ((y * 3 + texture) % 256) as u8,
        ])
    })
}

/// A 1200×1700 manga-like page as JPEG (quality 85), different for each `seed`: a reader's
/// page of about 2 MP, for benchmarks at the size people read.
pub fn jpeg_page(seed: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(1200, 1700, |x, y| {
        let ink = if (x / 9 + y / 11 + seed).is_multiple_of(4) { 30 } else { 220 };
        image::Rgb([ink, ((x * 7 + y * 13 + seed * 31) % 256) as u8, ((x ^ y) as u8).wrapping_add(seed as u8)])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85).encode_image(&image).unwrap();
    bytes
}

/// The process's umask, read from `/proc/self/status` (setting it to read it would change it
/// under tests running in parallel).
pub fn process_umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find_map(|l| l.strip_prefix("Umask:")).expect("a Umask line");
    u32::from_str_radix(line.trim(), 8).expect("an octal umask")
}

/// The first bytes of `zip`, up to `into_data` bytes into its last entry's data: the central
/// directory and the rest of that entry are gone, as in a book whose download stopped.
pub fn cut_into_last_entry(zip: &[u8], into_data: usize) -> Vec<u8> {
    let last = zip.windows(4).rposition(|w| w == b"PK\x03\x04").expect("a zip with a local header");
    let field = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let data = last + 30 + field(last + 26) + field(last + 28);
    zip[..data + into_data].to_vec()
}
