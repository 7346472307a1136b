//! Splitting a large page into tiles that are upscaled as separate jobs, and stitching them.
//!
//! A job is the unit sr_vulkan cannot interrupt, so tiles are what let the page on screen
//! preempt other work, give real progress, and bound memory. Each tile carries `pad` pixels
//! of real context on every inner side, which is cropped after upscaling.
//!
//! sr_vulkan tiles each job again internally, on a grid of `internal` pixels that starts at the
//! job's corner and gives every internal tile a little context of its own. Every job here
//! starts on the page's internal grid (its core starts `pad` pixels after a grid line), so each
//! internal tile of a job is the same internal tile, with the same context, as in one call on
//! the whole page: only the `pad`-wide borders next to a job's edges can differ.

use image::{imageops, DynamicImage, ImageFormat, RgbaImage};
use serde::{Deserialize, Serialize};

use crate::books::input::bmp;
use crate::models::catalogue::{ModelFamily, ModelInfo};

/// Jobs per page side are about this many internal sr_vulkan tiles wide (CPU mode, or a tile
/// size the user chose).
const INTERNAL_TILES_PER_JOB: u32 = 4;
/// A GPU job's core when sr_vulkan's tile size is automatic: 12 jobs for a 1600×1200 page.
const GPU_JOB_CORE: u32 = 512;
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
    /// Whether jobs start on the internal grid (sr_vulkan's); a custom model has none.
    pub on_internal_grid: bool,
}

/// Per family: the padding that makes tiles match one whole-page call (verified by
/// `crates/core/tests/tiles.rs` and the `seams` benchmark), or `None`. Real-CUGAN's
/// squeeze-excitation blocks pool over the whole input, so a tile computes other statistics
/// than the page (36–43 dB measured).
/// `internal_tile` is sr_vulkan's tile size for the page (0: its own choice); `chosen` says the
/// user set it, and `cpu_mode` whether sr_vulkan runs on the CPU.
pub fn policy(model: &ModelInfo, internal_tile: u32, chosen: bool, cpu_mode: bool) -> Option<TilePolicy> {
    let pad = match model.family {
        ModelFamily::Realcugan | ModelFamily::Custom => return None,
        ModelFamily::Waifu2x if model.name.contains("CUNET") => 18,
        ModelFamily::Waifu2x => 8,
        ModelFamily::Realsr => 16,
        ModelFamily::Realesrgan => 24,
    };
    let internal = if internal_tile == 0 { SR_VULKAN_DEFAULT_TILE } else { internal_tile };
    let core = if cpu_mode || chosen { (INTERNAL_TILES_PER_JOB * internal).max(128) } else { GPU_JOB_CORE };
    Some(TilePolicy { pad, internal, core: core.max(internal), on_internal_grid: true })
}

/// The internal tile size assumed when none was resolved for the page (sr_vulkan's own choice
/// for RealSR in CPU mode). Pages and their tiles must use the same one to match.
pub const SR_VULKAN_DEFAULT_TILE: u32 = 200;

/// sr_vulkan's tile size for a GPU with `available_mb` of memory, from the memory each model
/// family needs per tile (waifu2x-ncnn-vulkan publishes about 2430/638/197 MB for CUNET at
/// 400/200/100; Real-ESRGAN and Real-CUGAN use ncnn's own thresholds).
pub fn tile_for_budget(model: &ModelInfo, available_mb: u64) -> u32 {
    let steps: &[(u64, u32)] = match model.family {
        ModelFamily::Realesrgan | ModelFamily::Realsr => &[(1900, 200), (550, 100), (190, 64)],
        ModelFamily::Realcugan => &[(1300, 400), (800, 300), (400, 200), (200, 100)],
        ModelFamily::Waifu2x if model.name.contains("CUNET") => &[(2430, 400), (638, 200), (197, 100)],
        ModelFamily::Waifu2x => &[(1500, 400), (400, 200), (120, 100)],
        ModelFamily::Custom => &[],
    };
    steps.iter().find(|(needs, _)| available_mb > *needs).map_or(MIN_INTERNAL_TILE, |(_, tile)| *tile)
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

impl Tile {
    /// The tile whose core is `(x, y, width, height)`, with `pad` pixels of context on each
    /// side that is inside the page.
    fn padded(index: u32, (x, y, width, height): (u32, u32, u32, u32), pad: u32, page: (u32, u32)) -> Tile {
        let (padded_x, padded_y) = (x.saturating_sub(pad), y.saturating_sub(pad));
        let (right, bottom) = ((x + width + pad).min(page.0), (y + height + pad).min(page.1));
        Tile {
            index,
            x,
            y,
            width,
            height,
            padded_x,
            padded_y,
            padded_width: right - padded_x,
            padded_height: bottom - padded_y,
        }
    }
}

/// Whether a page of this size is worth tiling: more than about two tiles of work.
pub fn worth_tiling(width: u32, height: u32, policy: &TilePolicy) -> bool {
    let core = policy.core as u64;
    width as u64 * height as u64 > 2 * core * core
}

/// Where the cores of the jobs along one side of `length` pixels begin, ending with `length`:
/// about `core` apart and, on the internal grid, each `pad` pixels after a line of it, so that
/// the job's padded region starts on that line.
fn cuts(length: u32, policy: &TilePolicy) -> Vec<u32> {
    let jobs = length.div_ceil(policy.core).max(1);
    let mut cuts = vec![0];
    for i in 1..jobs {
        let wanted = (i as u64 * length as u64 / jobs as u64) as u32;
        if let Some(cut) = cut_near(wanted, policy).filter(|&cut| cut > *cuts.last().unwrap() && cut < length) {
            cuts.push(cut);
        }
    }
    cuts.push(length);
    cuts
}

/// The core boundary nearest `wanted` (on the internal grid: whose padded region starts on it).
fn cut_near(wanted: u32, policy: &TilePolicy) -> Option<u32> {
    if !policy.on_internal_grid {
        return Some(wanted);
    }
    let line = (wanted.saturating_sub(policy.pad) as f64 / policy.internal as f64).round() as u32 * policy.internal;
    (line > 0).then_some(line + policy.pad)
}

/// The grid of tiles for a page, each padded by `policy.pad`, with jobs on the internal grid.
pub fn grid(width: u32, height: u32, policy: &TilePolicy) -> Vec<Tile> {
    let (columns, rows) = (cuts(width, policy), cuts(height, policy));
    let mut tiles = Vec::with_capacity((columns.len() - 1) * (rows.len() - 1));
    for y in rows.windows(2) {
        for x in columns.windows(2) {
            let core = (x[0], y[0], x[1] - x[0], y[1] - y[0]);
            tiles.push(Tile::padded(tiles.len() as u32, core, policy.pad, (width, height)));
        }
    }
    tiles
}

/// A part of a page, in fractions of its width and height (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PageRegion {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The order a page's tiles are computed in: the reader's. Rows from the top, each from its
/// left end, or from its right end for right-to-left books.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct TileOrder {
    pub right_to_left: bool,
    /// The part of the page on screen (zoomed in, or the band of the strip in view): its tiles
    /// first, then the others by their distance from it.
    pub focus: Option<PageRegion>,
}

/// Sorts a page's tiles into `order` and numbers them in it.
pub fn order(tiles: &mut [Tile], order: &TileOrder, page: (u32, u32)) {
    let focus = order.focus.map(|region| {
        let at = |fraction: f64, side: u32| (fraction.clamp(0.0, 1.0) * side as f64).round() as u32;
        let (x, y) = (at(region.x, page.0), at(region.y, page.1));
        (x, y, at(region.x + region.width, page.0).max(x + 1), at(region.y + region.height, page.1).max(y + 1))
    });
    tiles.sort_by_key(|t| {
        let distance = focus.map_or(0, |(left, top, right, bottom)| {
            let dx = left.saturating_sub(t.x + t.width).max(t.x.saturating_sub(right));
            let dy = top.saturating_sub(t.y + t.height).max(t.y.saturating_sub(bottom));
            (dx as u64).pow(2) + (dy as u64).pow(2)
        });
        let column = if order.right_to_left { u32::MAX - (t.x + t.width) } else { t.x };
        (distance, t.y, column)
    });
    for (index, tile) in tiles.iter_mut().enumerate() {
        tile.index = index as u32;
    }
}

/// Pages of at least this many tiles take long enough for even progress to matter.
const STAGGER_FROM_TILES: usize = 6;

/// Splits the tile the reader reaches last into two halves: one goes second, one last. When two
/// jobs run side by side they finish together, so progress would come in pairs; a half tile
/// early offsets the two streams by half a tile for the rest of the page. The reader's first
/// tile stays first. `tiles` are in their order (see `order`).
pub fn stagger(tiles: &mut Vec<Tile>, policy: &TilePolicy, page: (u32, u32)) {
    let Some(last) = tiles.last().copied() else { return };
    if tiles.len() < STAGGER_FROM_TILES {
        return;
    }
    let wide = last.width >= last.height;
    let (start, side) = if wide { (last.x, last.width) } else { (last.y, last.height) };
    let Some(half) = cut_near(start + side / 2, policy).filter(|&cut| cut > start && cut < start + side) else {
        return;
    };
    let (near, far) = (half - start, side - (half - start));
    let (a, b) = if wide {
        ((last.x, last.y, near, last.height), (half, last.y, far, last.height))
    } else {
        ((last.x, last.y, last.width, near), (last.x, half, last.width, far))
    };
    let count = tiles.len();
    tiles[count - 1] = Tile::padded(0, b, policy.pad, page);
    tiles.insert(1, Tile::padded(0, a, policy.pad, page));
    for (index, tile) in tiles.iter_mut().enumerate() {
        tile.index = index as u32;
    }
}

/// The padded region of `page` for one tile, as BMP (see `input::bmp`).
pub fn tile_bmp(page: &DynamicImage, tile: &Tile) -> Vec<u8> {
    bmp(&page.crop_imm(tile.padded_x, tile.padded_y, tile.padded_width, tile.padded_height))
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

/// Peak signal-to-noise ratio of two encoded images of the same size, in RGB: how close a
/// stitched page is to one sr_vulkan call (`f64::INFINITY` when identical).
pub fn psnr(a: &[u8], b: &[u8]) -> Result<f64, String> {
    let decode = |bytes: &[u8]| image::load_from_memory(bytes).map(|i| i.to_rgb8()).map_err(|e| e.to_string());
    let (a, b) = (decode(a)?, decode(b)?);
    if a.dimensions() != b.dimensions() {
        return Err(format!("sizes differ: {:?} and {:?}", a.dimensions(), b.dimensions()));
    }
    let squared: f64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum();
    let mse = squared / a.as_raw().len() as f64;
    Ok(if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64.powi(2) / mse).log10() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TilePolicy {
        TilePolicy { pad: 18, internal: 100, core: 400, on_internal_grid: true }
    }

    #[test]
    fn off_the_internal_grid_jobs_are_even_and_never_larger_than_the_core() {
        let policy = TilePolicy { pad: 16, internal: 0, core: 48, on_internal_grid: false };
        let (w, h) = (433, 170);
        let tiles = grid(w, h, &policy);
        assert_eq!(tiles.len(), 10 * 4);
        assert!(tiles.iter().all(|t| (43..=48).contains(&t.width) && (42..=48).contains(&t.height)), "{tiles:?}");
        let covered: u32 = tiles.iter().map(|t| t.width * t.height).sum();
        assert_eq!(covered, w * h);
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
    fn a_staggered_grid_has_a_half_tile_second_and_last_and_still_covers_the_page_once() {
        let (w, h) = (1600, 1200);
        let mut tiles = grid(w, h, &policy());
        let last = tiles[11];
        stagger(&mut tiles, &policy(), (w, h));
        assert_eq!(tiles.len(), 13);
        let (half, other) = (tiles[1], tiles[12]);
        assert_eq!((half.width + other.width, half.height), (last.width, last.height));
        assert_eq!((half.x, half.y), (last.x, last.y), "the early half is the last tile's");
        assert_eq!(other.x - other.padded_x, 18, "the second half has context");
        assert_eq!(tiles[0], Tile { index: 0, ..grid(w, h, &policy())[0] }, "the reader's first tile stays first");
        assert!(tiles.iter().enumerate().all(|(i, t)| t.index == i as u32));
        let mut covered = vec![0u8; (w * h) as usize];
        for t in &tiles {
            assert!(t.padded_x + t.padded_width <= w && t.padded_y + t.padded_height <= h);
            for y in t.y..t.y + t.height {
                for x in t.x..t.x + t.width {
                    covered[(y * w + x) as usize] += 1;
                }
            }
        }
        assert!(covered.iter().all(|&c| c == 1));
    }

    /// The order tiles start in, for each way of reading, as (column, row) of a 4×3 grid.
    #[test]
    fn tiles_go_in_the_readers_order() {
        let (w, h) = (1600, 1200);
        let cells = |order: &TileOrder| {
            let mut tiles = grid(w, h, &policy());
            super::order(&mut tiles, order, (w, h));
            assert!(tiles.iter().enumerate().all(|(i, t)| t.index == i as u32));
            tiles.iter().map(|t| (t.x * 4 / w, t.y * 3 / h)).collect::<Vec<_>>()
        };
        let ltr = cells(&TileOrder::default());
        assert_eq!(&ltr[..5], [(0, 0), (1, 0), (2, 0), (3, 0), (0, 1)]);
        let rtl = cells(&TileOrder { right_to_left: true, focus: None });
        assert_eq!(&rtl[..5], [(3, 0), (2, 0), (1, 0), (0, 0), (3, 1)]);
        // Zoomed in on the bottom right quarter: its tiles first, then their neighbours.
        let zoomed = PageRegion { x: 0.55, y: 0.7, width: 0.45, height: 0.3 };
        let near = cells(&TileOrder { right_to_left: false, focus: Some(zoomed) });
        assert_eq!(&near[..3], [(2, 2), (3, 2), (2, 1)]);
        assert_eq!(near.last(), Some(&(0, 0)));
        // The strip shows the page's lower band: its row first, in reading order.
        let band = PageRegion { x: 0.0, y: 0.8, width: 1.0, height: 0.2 };
        let strip = cells(&TileOrder { right_to_left: true, focus: Some(band) });
        assert_eq!(&strip[..5], [(3, 2), (2, 2), (1, 2), (0, 2), (3, 1)]);
    }

    #[test]
    fn every_job_starts_on_the_internal_grid_so_its_internal_tiles_are_the_pages() {
        for (w, h) in [(1600, 1200), (900, 700), (1000, 3000), (433, 1717)] {
            let mut tiles = grid(w, h, &policy());
            stagger(&mut tiles, &policy(), (w, h));
            assert!(tiles.len() > 1, "{w}×{h} is tiled");
            for t in &tiles {
                assert_eq!((t.padded_x % 100, t.padded_y % 100), (0, 0), "{t:?} starts on the grid");
                assert!(t.x == 0 || t.x - t.padded_x == 18, "{t:?} has its context");
                assert!(t.x + t.width == w || t.padded_x + t.padded_width - (t.x + t.width) == 18);
                assert!(t.width >= 100 && t.height >= 100, "{t:?} is not a sliver");
            }
        }
    }

    #[test]
    fn the_tile_size_follows_the_memory_budget() {
        let model = |name: &str, family| ModelInfo {
            name: name.into(),
            index: 0,
            family,
            native_scale: 2,
            tta: false,
            variant_of: None,
            package: String::new(),
            install_hint: String::new(),
            installed: true,
            runs_on_cpu: true,
            custom: None,
        };
        let esrgan = model("REALESRGAN_X4PLUS_UP4X", ModelFamily::Realesrgan);
        assert_eq!([4000, 1000, 300, 100].map(|mb| tile_for_budget(&esrgan, mb)), [200, 100, 64, 32]);
        let cunet = model("WAIFU2X_CUNET_UP2X", ModelFamily::Waifu2x);
        assert_eq!([3000, 700, 200, 150].map(|mb| tile_for_budget(&cunet, mb)), [400, 200, 100, 32]);
    }

    #[test]
    fn small_pages_are_not_tiled() {
        assert!(!worth_tiling(400, 300, &policy()));
        assert!(worth_tiling(1600, 1200, &policy()));
    }
}
