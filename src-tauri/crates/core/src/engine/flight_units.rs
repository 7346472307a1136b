//! A flight's units of work: the whole page, or its tiles; the job each one becomes, and
//! the check of each result (an apparent out-of-memory failure is retried smaller).

use std::sync::{Arc, Mutex};

use image::{DynamicImage, RgbaImage};
use srview_python::{EncodeFormat, OutputSize};

use crate::engine::encode;
use crate::engine::flight::FlightJob;
use crate::engine::scheduler::{CustomTile, JobDone, JobInput, JobSpec, SrVulkanJob};
use crate::error::{Result, SrError};
use crate::models::custom::{CUSTOM_AUTO_TILE, CUSTOM_PAD};
use crate::models::tiling::{self, Stitcher, Tile, MIN_INTERNAL_TILE};
use crate::sync::{blocking, lock};

/// One unit of work: the whole page, or one tile of it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Unit {
    Whole { tile_size: u32 },
    Tile { tile: Tile, internal: u32 },
}

/// How a tiled page is assembled. The stitcher is only used inside `spawn_blocking`.
pub(super) struct TiledPage {
    pub page: Arc<DynamicImage>,
    pub stitcher: Arc<Mutex<Stitcher>>,
}

/// The scale a tile is upscaled by: the model's own scale, chained until it reaches what
/// is asked; the stitched page is then resized to the exact size.
pub(super) fn chain_scale(native: u32, wanted: f64) -> u32 {
    let native = native.max(2);
    let mut scale = native;
    while (scale as f64) < wanted - 1e-9 {
        scale *= native;
    }
    scale
}

pub(super) fn tile_key(job: &FlightJob, unit: &Unit, chain: u32) -> String {
    match unit {
        Unit::Tile { tile, internal } => format!(
            "{}|{},{},{},{}|internal={internal}|chain={chain}",
            job.cache_key.as_str(),
            tile.padded_x,
            tile.padded_y,
            tile.padded_width,
            tile.padded_height
        ),
        Unit::Whole { .. } => String::new(),
    }
}

fn smaller_tile(tile: u32) -> Option<u32> {
    let next = if tile == 0 { 200 } else { tile / 2 };
    (next >= MIN_INTERNAL_TILE).then_some(next)
}

/// How a page is cut for a custom model: tiles of the chosen size (or `CUSTOM_AUTO_TILE`), each
/// given to the model whole unless it runs out of memory; a small page is one tile.
pub(super) fn custom_policy(job: &FlightJob, width: u32, height: u32) -> tiling::TilePolicy {
    let core = if job.plan.tile_chosen { job.plan.tile_size } else { CUSTOM_AUTO_TILE };
    let policy = tiling::TilePolicy { pad: CUSTOM_PAD, internal: core + 2 * CUSTOM_PAD, core, on_internal_grid: false };
    if job.tiling && tiling::worth_tiling(width, height, &policy) {
        policy
    } else {
        let whole = width.max(height);
        tiling::TilePolicy { pad: 0, internal: whole, core: whole, on_internal_grid: false }
    }
}

pub(super) fn unit_spec(
    job: &FlightJob,
    unit: &Unit,
    tiled: Option<&TiledPage>,
    chain: u32,
    wanted_scale: f64,
    whole_input: &Arc<Vec<u8>>,
) -> JobSpec {
    if let (Some(model), Unit::Tile { tile, internal }, Some(page)) = (&job.plan.custom, unit, tiled) {
        return JobSpec::Custom(CustomTile {
            page: page.page.clone(),
            tile: *tile,
            model: model.clone(),
            passes: crate::models::custom::passes(&model.model.description.scales, wanted_scale),
            sub_tile: *internal,
            limit: job.custom_limit,
        });
    }
    JobSpec::SrVulkan(match (unit, tiled) {
        (Unit::Tile { tile, internal }, Some(page)) => SrVulkanJob {
            input: JobInput::Region { page: page.page.clone(), tile: *tile },
            model_index: job.plan.model.index,
            size: OutputSize::Scale(chain as f64),
            format: EncodeFormat::Png,
            tile_size: *internal as i32,
            webp_quality: job.plan.webp_quality,
        },
        (unit, _) => SrVulkanJob {
            input: JobInput::Encoded(whole_input.clone()),
            model_index: job.plan.model.index,
            size: job.plan.output_size(),
            format: job.plan.format.encode(),
            tile_size: match unit {
                Unit::Whole { tile_size } => *tile_size as i32,
                Unit::Tile { internal, .. } => *internal as i32,
            },
            webp_quality: job.plan.webp_quality,
        },
    })
}

pub(super) enum Accepted {
    /// Run the unit again (smaller, after an apparent out-of-memory failure).
    Retry,
    /// The whole page, encoded.
    Page(Vec<u8>),
    /// A tile, pasted; its image as PNG.
    Tile(Arc<Vec<u8>>),
}

/// Checks one unit's result. An empty or black result is what an out-of-memory failure looks
/// like (sr_vulkan reports none), so the unit is retried with half the tile size, down to a floor.
pub(super) async fn accept(
    job: &FlightJob,
    unit: &mut Unit,
    tiled: Option<&TiledPage>,
    chain: u32,
    input_black: bool,
    result: Result<JobDone>,
) -> Result<Accepted> {
    let retry = |unit: &mut Unit, why: &str| -> Result<Accepted> {
        let current = match unit {
            Unit::Whole { tile_size } => tile_size,
            Unit::Tile { internal, .. } => internal,
        };
        match smaller_tile(*current) {
            Some(next) => {
                tracing::warn!(name = %job.name, from = *current, to = next, why, "retrying with a smaller tile");
                *current = next;
                Ok(Accepted::Retry)
            }
            None => {
                Err(SrError::OutOfMemory(format!("{}: {why} even in tiles of {MIN_INTERNAL_TILE} pixels", job.name)))
            }
        }
    };
    let bytes = match result {
        Err(SrError::OutOfMemory(message)) if job.plan.custom.is_some() => {
            return retry(unit, &format!("the model ran out of memory ({message})"));
        }
        Err(err) => return Err(err),
        Ok(JobDone::Pixels(image)) => return accept_pixels(job, unit, tiled, chain, image).await,
        Ok(JobDone::Encoded(bytes)) => bytes,
    };
    if bytes.is_empty() {
        return retry(unit, "the upscaler returned nothing");
    }
    match (*unit, tiled) {
        (Unit::Tile { tile, .. }, Some(page)) => {
            let bytes = Arc::new(bytes);
            let (png, source, stitcher) = (bytes.clone(), page.page.clone(), page.stitcher.clone());
            let failed = blocking(move || {
                let image = Stitcher::decode(&tile, chain, &png)?;
                let failed = tiling::looks_failed(&image, &source, &tile);
                if !failed {
                    lock(&stitcher).paste(&tile, &image);
                }
                Ok::<_, String>(failed)
            })
            .await?
            .map_err(SrError::UpscaleFailed)?;
            if failed {
                return retry(unit, "the tile came back black");
            }
            job.tiles.put(tile_key(job, unit, chain), bytes.clone());
            Ok(Accepted::Tile(bytes))
        }
        _ => {
            // Out of memory only happens on a GPU; there a black page from a non-black input is one.
            if !job.session.report.cpu_mode && !input_black {
                let bytes = bytes.clone();
                let black = blocking(move || {
                    image::load_from_memory(&bytes).is_ok_and(|img| img.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]))
                })
                .await?;
                if black {
                    return retry(unit, "the page came back black");
                }
            }
            Ok(Accepted::Page(bytes))
        }
    }
}

/// A custom model's tile: checked for size, pasted, and encoded as PNG (quickly: it is kept in
/// memory, never written), so that it is kept and reported as sr_vulkan's tiles are.
async fn accept_pixels(
    job: &FlightJob,
    unit: &Unit,
    tiled: Option<&TiledPage>,
    chain: u32,
    image: RgbaImage,
) -> Result<Accepted> {
    let (Unit::Tile { tile, .. }, Some(page)) = (unit, tiled) else {
        return Err(SrError::Internal("a custom model's result arrived for a whole-page job".into()));
    };
    let expected = (tile.padded_width * chain, tile.padded_height * chain);
    if image.dimensions() != expected {
        return Err(SrError::BadModelOutput {
            model: job.plan.model.name.clone(),
            reason: format!("a tile came back {:?}, expected {expected:?}", image.dimensions()),
        });
    }
    let (stitcher, tile) = (page.stitcher.clone(), *tile);
    let png = blocking(move || {
        lock(&stitcher).paste(&tile, &image);
        encode::fast_png(&image)
    })
    .await?
    .map_err(SrError::Internal)?;
    let png = Arc::new(png);
    job.tiles.put(tile_key(job, unit, chain), png.clone());
    Ok(Accepted::Tile(png))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_chain_the_model_scale_up_to_the_wanted_one() {
        assert_eq!(chain_scale(2, 2.0), 2);
        assert_eq!(chain_scale(2, 1.5), 2);
        assert_eq!(chain_scale(2, 3.0), 4);
        assert_eq!(chain_scale(4, 2.0), 4);
        assert_eq!(chain_scale(1, 2.0), 2);
    }
}
