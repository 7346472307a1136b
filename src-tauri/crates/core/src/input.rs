//! Checking an input image before it reaches sr_vulkan.

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, ImageReader, Limits};

use crate::error::{Result, SrError};

/// Default refusal limit for input images: 64 megapixels.
pub const DEFAULT_MAX_INPUT_PIXELS: u64 = 64_000_000;

/// An input that passed the checks, in a form sr_vulkan decodes.
#[derive(Debug)]
pub struct PreparedInput {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The input's own format; the data is PNG when sr_vulkan cannot decode that format.
    pub format: ImageFormat,
}

/// Formats sr_vulkan's own decoders read (measured; TIFF is not among them).
fn sr_vulkan_decodes(format: ImageFormat) -> bool {
    matches!(format, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif | ImageFormat::Bmp)
}

/// Decoders fill a truncated JPEG with grey instead of failing, so look for the
/// end-of-image marker after the last start-of-scan; entropy-coded data cannot contain it.
fn jpeg_is_complete(data: &[u8]) -> bool {
    let last_scan = data.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap_or(0);
    data[last_scan..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Whether an image is animated, from its first few KiB: an animated WebP (VP8X flag),
/// an APNG (`acTL` before the first `IDAT`) or a looping GIF (NETSCAPE2.0 extension).
pub fn looks_animated(head: &[u8]) -> bool {
    let find = |needle: &[u8]| head.windows(needle.len()).position(|w| w == needle);
    match image::guess_format(head) {
        Ok(ImageFormat::WebP) => head.len() > 20 && &head[12..16] == b"VP8X" && head[20] & 0x02 != 0,
        Ok(ImageFormat::Png) => match (find(b"acTL"), find(b"IDAT")) {
            (Some(actl), Some(idat)) => actl < idat,
            (Some(_), None) => true,
            _ => false,
        },
        Ok(ImageFormat::Gif) => find(b"NETSCAPE2.0").is_some() || find(b"ANIMEXTS1.0").is_some(),
        _ => false,
    }
}

/// Width and height from the header alone.
pub fn dimensions(data: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(data)).with_guessed_format().ok()?.into_dimensions().ok()
}

/// Reads the header, refuses decompression bombs, decodes once to catch truncation
/// (sr_vulkan silently fills a truncated JPEG) and transcodes formats sr_vulkan lacks.
pub fn prepare(path: &Path, data: Vec<u8>, max_pixels: u64) -> Result<PreparedInput> {
    let display = path.display().to_string();
    let format = image::guess_format(&data).map_err(|_| SrError::NotAnImage { path: display.clone() })?;
    let corrupt = |reason: String| SrError::CorruptImage { path: display.clone(), reason };
    let reader = || ImageReader::with_format(Cursor::new(&data[..]), format);
    // The header alone first, so a bomb is refused before any decoder allocates for it.
    let (width, height) = match imagesize::blob_size(&data) {
        Ok(size) => (size.width as u32, size.height as u32),
        Err(_) => reader().into_dimensions().map_err(|e| corrupt(e.to_string()))?,
    };
    let pixels = width as u64 * height as u64;
    if pixels > max_pixels {
        return Err(SrError::ImageTooLarge { path: display, width, height, pixels, limit: max_pixels });
    }
    if width == 0 || height == 0 {
        return Err(corrupt("the image has no pixels".into()));
    }
    let mut decoder = reader();
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(pixels.saturating_mul(16).max(1 << 20));
    decoder.limits(limits);
    let decoded = decoder.decode().map_err(|e| corrupt(e.to_string()))?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(&data) {
        return Err(corrupt("the JPEG ends before its end-of-image marker".into()));
    }
    if sr_vulkan_decodes(format) {
        return Ok(PreparedInput { data, width, height, format });
    }
    let mut png = Vec::new();
    decoded
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| corrupt(format!("could not re-encode as PNG: {e}")))?;
    tracing::debug!(path = %path.display(), ?format, "transcoded to PNG for sr_vulkan");
    Ok(PreparedInput { data: png, width, height, format })
}
