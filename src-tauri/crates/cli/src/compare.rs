//! `srview compare A B`: how close two images of the same size are, in PSNR (RGB, and alpha
//! when either has it), over the whole image and in its worst block; the GPU check compares
//! tiled pages with one call.

use std::path::Path;

use serde::Serialize;
use srview_core::books::input;
use srview_core::{ImageSource, Limits, SrError};

/// Side of the square blocks whose worst PSNR is reported: a seam shows there, where the whole
/// image's PSNR would average it away.
pub const BLOCK: u32 = 64;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub width: u32,
    pub height: u32,
    /// `None` when the images are identical (infinite PSNR).
    pub psnr_db: Option<f64>,
    /// The lowest PSNR of any `BLOCK`×`BLOCK` block; `None` when every block is identical.
    pub worst_block_db: Option<f64>,
    /// Where that block starts (pixels), when there is one.
    pub worst_block_at: Option<(u32, u32)>,
    pub identical: bool,
}

/// Read and checked as a page is (the same limits, the same errors).
fn decode(path: &Path) -> Result<image::DynamicImage, SrError> {
    let limits = Limits::default();
    let bytes = ImageSource::File(path.to_owned()).read(limits.max_bytes)?;
    Ok(input::decode_checked(&path.display().to_string(), bytes, &limits)?.decoded)
}

fn psnr(squared_error: f64, values: usize) -> Option<f64> {
    (squared_error > 0.0).then(|| 10.0 * (255.0f64.powi(2) * values as f64 / squared_error).log10())
}

pub fn compare(a: &Path, b: &Path) -> Result<Comparison, SrError> {
    let (a, b) = (decode(a)?, decode(b)?);
    if (a.width(), a.height()) != (b.width(), b.height()) {
        let (first, second) = (format!("{}×{}", a.width(), a.height()), format!("{}×{}", b.width(), b.height()));
        return Err(SrError::InvalidOption(crate::t!("compare-sizes", a = first, b = second)));
    }
    let channels = if a.color().has_alpha() || b.color().has_alpha() { 4 } else { 3 };
    let (a, b) = (a.to_rgba8(), b.to_rgba8());
    let (width, height) = a.dimensions();
    let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let mut block_errors = vec![(0.0f64, 0usize); (blocks_x * blocks_y) as usize];
    for (x, y, pixel) in a.enumerate_pixels() {
        let other = b.get_pixel(x, y);
        let error: f64 = pixel.0.iter().zip(other.0).take(channels).map(|(p, q)| (*p as f64 - q as f64).powi(2)).sum();
        let block = &mut block_errors[((y / BLOCK) * blocks_x + x / BLOCK) as usize];
        block.0 += error;
        block.1 += channels;
    }
    let total: f64 = block_errors.iter().map(|(error, _)| error).sum();
    let worst = block_errors
        .iter()
        .enumerate()
        .filter_map(|(index, (error, values))| Some((index as u32, psnr(*error, *values)?)))
        .min_by(|x, y| x.1.total_cmp(&y.1));
    Ok(Comparison {
        width,
        height,
        psnr_db: psnr(total, (width * height) as usize * channels),
        worst_block_db: worst.map(|(_, db)| db),
        worst_block_at: worst.map(|(index, _)| ((index % blocks_x) * BLOCK, (index / blocks_x) * BLOCK)),
        identical: total == 0.0,
    })
}
