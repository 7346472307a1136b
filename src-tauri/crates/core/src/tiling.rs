//! Splitting a large page into tiles that are upscaled as separate jobs, and stitching them.
//!
//! A job is the unit sr_vulkan cannot interrupt, so tiles are what let the page on screen
//! preempt other work, give real progress, and bound memory. Each tile carries `pad` pixels
//! of real context on every inner side, which is cropped after upscaling. sr_vulkan tiles each
//! job again internally; the internal tile size is chosen so that it splits the job evenly, which
//! keeps the extra work of tiling near the padding alone.

use image::{imageops, DynamicImage, ImageFormat, RgbaImage};

use crate::catalogue::{ModelFamily, ModelInfo};

/// Jobs per page side are about this many internal sr_vulkan tiles wide.
const INTERNAL_TILES_PER_JOB: u32 = 4;
/// sr_vulkan's internal tile is never made smaller than this when retrying after a failure.
pub const MIN_INTERNAL_TILE: u32 = 32;

/// How one model family is tiled, or `None` when it must run whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TilePolicy {
    /// Context pixels on each inner side of a tile (input pixels).
    pub pad: u32,
    /// sr_vulkan's own tile size for the jobs.
    pub internal: u32,
    /// The target width and height of a tile's core, before padding.
    pub core: u32,
}

/// Per family: the padding that makes tiles match one whole-page call (verified by
/// `crates/core/tests/tiles.rs`), or `None`. Real-CUGAN's squeeze-excitation blocks pool over
/// the whole input, so a tile computes other statistics than the page (36–43 dB measured).
pub fn policy(model: &ModelInfo, internal_tile: u32) -> Option<TilePolicy> {
    let pad = match model.family {
        ModelFamily::Realcugan => return None,
        ModelFamily::Waifu2x if model.name.contains("CUNET") => 18,
        ModelFamily::Waifu2x => 8,
        ModelFamily::Realsr | ModelFamily::Realesrgan => 16,
    };
    let internal = if internal_tile == 0 { 200 } else { internal_tile };
    let core = INTERNAL_TILES_PER_JOB * internal;
    Some(TilePolicy { pad, internal, core })
}

/// One tile: its core (what it contributes) and the padded region sent to the upscaler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tile {
    pub index: u32,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub padded_x: u32,
    pub padded_y: u32,
    pub padded_width: u32,
    pub padded_height: u32,
}

/// Whether a page of this size is worth tiling: more than about two tiles of work.
pub fn worth_tiling(width: u32, height: u32, policy: &TilePolicy) -> bool {
    let core = policy.core as u64;
    width as u64 * height as u64 > 2 * core * core
}

/// An even grid of tiles of about `policy.core` pixels, each padded by `policy.pad`.
pub fn grid(width: u32, height: u32, policy: &TilePolicy) -> Vec<Tile> {
    let cols = width.div_ceil(policy.core).max(1);
    let rows = height.div_ceil(policy.core).max(1);
    let (core_w, core_h) = (width.div_ceil(cols), height.div_ceil(rows));
    let mut tiles = Vec::with_capacity((cols * rows) as usize);
    for row in 0..rows {
        for col in 0..cols {
            let (x, y) = (col * core_w, row * core_h);
            if x >= width || y >= height {
                continue;
            }
            let (w, h) = (core_w.min(width - x), core_h.min(height - y));
            let padded_x = x.saturating_sub(policy.pad);
            let padded_y = y.saturating_sub(policy.pad);
            let padded_right = (x + w + policy.pad).min(width);
            let padded_bottom = (y + h + policy.pad).min(height);
            tiles.push(Tile {
                index: tiles.len() as u32,
                x,
                y,
                width: w,
                height: h,
                padded_x,
                padded_y,
                padded_width: padded_right - padded_x,
                padded_height: padded_bottom - padded_y,
            });
        }
    }
    tiles
}

/// The internal tile size that splits a job of this size into equal parts near `preferred`.
pub fn internal_tile_for(tile: &Tile, preferred: u32) -> u32 {
    let longest = tile.padded_width.max(tile.padded_height);
    let parts = (longest as f64 / preferred as f64).round().max(1.0) as u32;
    longest.div_ceil(parts).max(MIN_INTERNAL_TILE)
}

/// The padded region of `page` for one tile, as fast-compressed PNG.
pub fn tile_png(page: &DynamicImage, tile: &Tile) -> Vec<u8> {
    let region = page.crop_imm(tile.padded_x, tile.padded_y, tile.padded_width, tile.padded_height);
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    );
    region.write_with_encoder(encoder).expect("encoding a PNG into memory cannot fail");
    png
}

/// Whether an upscaled tile looks like an out-of-memory failure: sr_vulkan reports none, and
/// a tile too large for the device comes back black. A tile whose input is black is fine black.
pub fn looks_failed(output: &RgbaImage, input: &DynamicImage, tile: &Tile) -> bool {
    let black = |image: &RgbaImage| image.pixels().all(|p| p.0[..3] == [0, 0, 0]);
    if !black(output) {
        return false;
    }
    !black(&input.crop_imm(tile.padded_x, tile.padded_y, tile.padded_width, tile.padded_height).to_rgba8())
}

/// Pastes each upscaled tile's core into the output page.
pub struct Stitcher {
    page: RgbaImage,
    scale: u32,
}

impl Stitcher {
    pub fn new(width: u32, height: u32, scale: u32) -> Self {
        Stitcher { page: RgbaImage::new(width * scale, height * scale), scale }
    }

    /// Decodes one upscaled tile (PNG from the upscaler) and checks its size.
    pub fn decode(tile: &Tile, scale: u32, png: &[u8]) -> Result<RgbaImage, String> {
        let image = image::load_from_memory_with_format(png, ImageFormat::Png).map_err(|e| e.to_string())?.to_rgba8();
        let expected = (tile.padded_width * scale, tile.padded_height * scale);
        if image.dimensions() != expected {
            return Err(format!("tile came back {:?}, expected {expected:?}", image.dimensions()));
        }
        Ok(image)
    }

    pub fn paste(&mut self, tile: &Tile, upscaled: &RgbaImage) {
        let s = self.scale;
        let core = imageops::crop_imm(
            upscaled,
            (tile.x - tile.padded_x) * s,
            (tile.y - tile.padded_y) * s,
            tile.width * s,
            tile.height * s,
        );
        imageops::replace(&mut self.page, &*core, (tile.x * s) as i64, (tile.y * s) as i64);
    }

    pub fn finish(self) -> RgbaImage {
        self.page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TilePolicy {
        TilePolicy { pad: 18, internal: 100, core: 400 }
    }

    #[test]
    fn the_grid_covers_the_page_exactly_once() {
        let (w, h) = (1600, 1200);
        let tiles = grid(w, h, &policy());
        assert_eq!(tiles.len(), 12);
        let mut covered = vec![0u8; (w * h) as usize];
        for t in &tiles {
            assert!(t.padded_x + t.padded_width <= w && t.padded_y + t.padded_height <= h);
            assert!(t.padded_x <= t.x && t.padded_y <= t.y);
            for y in t.y..t.y + t.height {
                for x in t.x..t.x + t.width {
                    covered[(y * w + x) as usize] += 1;
                }
            }
        }
        assert!(covered.iter().all(|&c| c == 1));
        let inner = &tiles[5];
        assert_eq!((inner.x - inner.padded_x, inner.padded_width - inner.width), (18, 36));
    }

    #[test]
    fn internal_tiles_split_a_job_evenly() {
        let tile = grid(1600, 1200, &policy())[5];
        let internal = internal_tile_for(&tile, 100);
        let parts = tile.padded_width.div_ceil(internal);
        assert!(parts * internal - tile.padded_width < parts, "{internal} splits {} evenly", tile.padded_width);
    }

    #[test]
    fn small_pages_are_not_tiled() {
        assert!(!worth_tiling(400, 300, &policy()));
        assert!(worth_tiling(1600, 1200, &policy()));
    }
}
