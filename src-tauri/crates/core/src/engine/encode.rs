//! Encoding a page that SRView assembled itself (stitched tiles), in the same kinds of file
//! that sr_vulkan writes: lossy WebP at the chosen quality, PNG, or JPEG.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbaImage};

use crate::error::{Result, SrError};
use crate::models::options::OutputFormat;

/// JPEG quality for assembled pages.
const JPEG_QUALITY: u8 = 92;

fn has_alpha(image: &RgbaImage) -> bool {
    image.pixels().any(|p| p.0[3] != 255)
}

pub fn encode(image: RgbaImage, format: OutputFormat, webp_quality: u8) -> Result<Vec<u8>> {
    let failed = |e: String| SrError::Internal(format!("encoding the page as {}: {e}", format.extension()));
    let alpha = has_alpha(&image);
    match format {
        OutputFormat::Webp => {
            let (width, height) = image.dimensions();
            let encoded = if alpha {
                webp::Encoder::from_rgba(image.as_raw(), width, height).encode(webp_quality as f32)
            } else {
                let rgb = DynamicImage::ImageRgba8(image).to_rgb8();
                webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode(webp_quality as f32)
            };
            Ok(encoded.to_vec())
        }
        OutputFormat::Png => {
            let mut bytes = Vec::new();
            let image = if alpha {
                DynamicImage::ImageRgba8(image)
            } else {
                DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(image).to_rgb8())
            };
            image.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).map_err(|e| failed(e.to_string()))?;
            Ok(bytes)
        }
        OutputFormat::Jpg => {
            let mut bytes = Vec::new();
            let rgb = DynamicImage::ImageRgba8(image).to_rgb8();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
            rgb.write_with_encoder(encoder).map_err(|e| failed(e.to_string()))?;
            Ok(bytes)
        }
    }
}

/// A tile kept in memory and drawn by the viewer: PNG with the fastest compression.
pub fn fast_png(image: &RgbaImage) -> std::result::Result<Vec<u8>, String> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut bytes = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive);
    image.write_with_encoder(encoder).map_err(|e| format!("encoding a tile as PNG: {e}"))?;
    Ok(bytes)
}
