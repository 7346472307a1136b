//! Shared fixtures: the engine on real sr_vulkan in CPU mode, and small generated images.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageFormat, Rgb, RgbImage};
use srview_core::{DeviceChoice, Engine, EngineConfig};

/// An engine with its own cache folder, on the process's shared CPU-mode session.
/// Native output (ncnn's device banner) goes to the log, not the test output.
pub fn engine_with(config: EngineConfig) -> (Engine, tempfile::TempDir) {
    srview_core::capture_native_output(srview_core::Captured::Stderr).expect("capture native output");
    let cache = tempfile::tempdir().expect("temp cache dir");
    let engine = Engine::start(EngineConfig {
        device: DeviceChoice::Cpu,
        cache_root: Some(cache.path().to_path_buf()),
        ..config
    })
    .expect("the engine starts on the project venv (run scripts/setup.sh)");
    (engine, cache)
}

pub fn engine() -> (Engine, tempfile::TempDir) {
    engine_with(EngineConfig::default())
}

/// A deterministic picture with edges and gradients; `seed` makes distinct contents.
pub fn picture(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let stripe = if (x / 8 + y / 8 + seed).is_multiple_of(2) { 200 } else { 40 };
        Rgb([stripe as u8, ((x * 255) / width.max(1)) as u8, ((y * 7 + seed * 31) % 256) as u8])
    })
}

pub fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), format).expect("encode fixture");
    bytes
}

pub fn write_image(dir: &Path, name: &str, width: u32, height: u32, seed: u32) -> PathBuf {
    let format = ImageFormat::from_path(name).expect("fixture name has an image extension");
    let path = dir.join(name);
    std::fs::write(&path, encode(&picture(width, height, seed), format)).expect("write fixture");
    path
}

/// Decodes output bytes and returns their size, failing the test if they do not decode.
pub fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).expect("output decodes with the image crate");
    (image.width(), image.height())
}

pub fn cache_entries(cache: &Path) -> u64 {
    srview_core::ResultCache::open(cache).expect("open cache").stats().entries
}

/// A PNG signature and a valid IHDR claiming `width`×`height`, with no image data.
pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&width.to_be_bytes());
    chunk.extend_from_slice(&height.to_be_bytes());
    chunk.extend_from_slice(&[8, 2, 0, 0, 0]);
    let crc = chunk.iter().fold(!0u32, |mut crc, byte| {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
        crc
    });
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&(!crc).to_be_bytes());
    png
}

/// Prints a measured figure on the real stderr: fd 2 carries native output to the log now,
/// and the test harness would hide a passing test's `eprintln!` anyway.
pub fn say(text: &str) {
    use std::io::Write;
    match srview_core::own_stdio() {
        Some(own) => {
            let _ = writeln!(&own.stderr, "{text}");
        }
        None => eprintln!("{text}"),
    }
}

/// Overwrites a field of a zip's first entry in both its local and central headers, at the
/// given offsets from each header's signature.
pub fn patch_first_zip_entry(zip: &mut [u8], local_offset: usize, central_offset: usize, value: &[u8]) {
    let find = |zip: &[u8], sig: &[u8]| zip.windows(4).position(|w| w == sig).unwrap();
    let local = find(zip, b"PK\x03\x04") + local_offset;
    zip[local..local + value.len()].copy_from_slice(value);
    let central = find(zip, b"PK\x01\x02") + central_offset;
    zip[central..central + value.len()].copy_from_slice(value);
}
