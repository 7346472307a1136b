//! Reading and checking an input image before it reaches an upscaler.

use std::io::Cursor;

use image::codecs::bmp::BmpEncoder;
use image::{DynamicImage, ExtendedColorType, ImageFormat, ImageReader};

use crate::books::source::ImageSource;
use crate::error::{Result, SrError};
use crate::limits::Limits;

/// An input that passed the checks.
#[derive(Debug)]
pub struct PreparedInput {
    /// The file (a JPEG cut at its end-of-image marker); from `prepare`, what sr_vulkan
    /// decodes: that, or BMP of the decoded page (see `sr_vulkan_takes_as_is`).
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    /// The input's own format.
    pub format: ImageFormat,
    /// The first frame, decoded once to prove the file is whole.
    pub decoded: DynamicImage,
}

/// Whether sr_vulkan gets the file as it is. Its JPEG and GIF decoders free what they decode;
/// its PNG and WebP decoders keep every decoded picture for the life of the process
/// (sr_vulkan 2.1.0, measured: about 5.5 MiB more per 2 MP page), so a still PNG or WebP goes
/// as BMP. An animated one goes as it is, since only sr_vulkan keeps its frames. A BMP file
/// goes as SRView's own BMP, since sr_vulkan reads no compressed (RLE) BMP; TIFF and the rest
/// it cannot read at all.
fn sr_vulkan_takes_as_is(format: ImageFormat, frames: u32) -> bool {
    match format {
        ImageFormat::Jpeg | ImageFormat::Gif => true,
        ImageFormat::Png | ImageFormat::WebP => frames > 1,
        _ => false,
    }
}

/// `image` as BMP, the lossless format sr_vulkan decodes without keeping the pixels: 32-bit
/// with alpha, 24-bit otherwise (grey and 16-bit pictures are converted to 8-bit colour).
pub fn bmp(image: &DynamicImage) -> Vec<u8> {
    let converted;
    let (pixels, color) = match image {
        DynamicImage::ImageRgb8(rgb) => (rgb.as_raw(), ExtendedColorType::Rgb8),
        DynamicImage::ImageRgba8(rgba) => (rgba.as_raw(), ExtendedColorType::Rgba8),
        other if other.color().has_alpha() => {
            converted = other.to_rgba8().into_raw();
            (&converted, ExtendedColorType::Rgba8)
        }
        other => {
            converted = other.to_rgb8().into_raw();
            (&converted, ExtendedColorType::Rgb8)
        }
    };
    let mut bmp = Vec::new();
    BmpEncoder::new(&mut bmp)
        .encode(pixels, image.width(), image.height(), color)
        .expect("encoding a BMP into memory cannot fail");
    bmp
}

/// Where a JPEG ends: the offset just past its end-of-image marker, found by walking its
/// segments and scans. `None` when the data stops first (a truncated file, which decoders
/// silently fill with grey). Bytes after the marker, such as a motion photo's video, are
/// not part of the image.
pub fn jpeg_end(data: &[u8]) -> Option<usize> {
    if data.get(..2) != Some(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        // Skip anything up to the next marker, then its fill bytes.
        while *data.get(i)? != 0xFF {
            i += 1;
        }
        while *data.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *data.get(i)?;
        i += 1;
        match marker {
            0xD9 => return Some(i),
            0x01 | 0xD0..=0xD7 => {}
            _ => {
                let length = u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]) as usize;
                i += length;
                if marker == 0xDA {
                    // Entropy-coded data: a marker is 0xFF followed by neither 0 nor a restart.
                    loop {
                        if *data.get(i)? == 0xFF {
                            let next = *data.get(i + 1)?;
                            if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                                break;
                            }
                        }
                        i += 1;
                    }
                }
            }
        }
    }
}

fn be32(data: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize)
}

fn le32(data: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize)
}

fn png_frames(data: &[u8]) -> u32 {
    let (mut at, mut frames, mut animated) = (8usize, 0u32, false);
    while let (Some(length), Some(kind)) = (be32(data, at), data.get(at + 4..at + 8)) {
        match kind {
            b"acTL" => animated = true,
            b"fcTL" => frames += 1,
            b"IEND" => break,
            _ => {}
        }
        at = at.saturating_add(12).saturating_add(length);
    }
    if animated {
        frames.max(1)
    } else {
        1
    }
}

/// Counts image descriptors up to the trailer, or up to damage (the decoder judges the rest).
fn gif_frames(data: &[u8]) -> u32 {
    let skip_sub_blocks = |mut at: usize| -> Option<usize> {
        loop {
            let size = *data.get(at)? as usize;
            at += 1 + size;
            if size == 0 {
                return Some(at);
            }
        }
    };
    let table = |packed: u8| if packed & 0x80 != 0 { 3usize << ((packed & 7) + 1) } else { 0 };
    let Some(&packed) = data.get(10) else { return 1 };
    let mut at = 13 + table(packed);
    let mut frames = 0;
    while let Some(&block) = data.get(at) {
        let next = match block {
            0x21 => skip_sub_blocks(at + 2),
            0x2C => {
                frames += 1;
                let local = data.get(at + 9).copied().unwrap_or(0);
                skip_sub_blocks(at + 11 + table(local))
            }
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => break,
        }
    }
    frames.max(1)
}

fn webp_frames(data: &[u8]) -> u32 {
    let mut at = 12usize;
    let mut frames = 0;
    while let (Some(kind), Some(size)) = (data.get(at..at + 4), le32(data, at + 4)) {
        if kind == b"ANMF" {
            frames += 1;
        }
        at = at.saturating_add(8).saturating_add(size + (size & 1));
    }
    frames.max(1)
}

/// How many frames an image has, from its container structure, without decoding pixels.
pub fn frame_count(data: &[u8], format: ImageFormat) -> u32 {
    match format {
        ImageFormat::Png => png_frames(data),
        ImageFormat::Gif => gif_frames(data),
        ImageFormat::WebP => webp_frames(data),
        _ => 1,
    }
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

/// Header facts: format, size and frame count, read without decoding pixels.
pub fn header(name: &str, data: &[u8]) -> Result<(ImageFormat, u32, u32, u32)> {
    let format = image::guess_format(data)
        .ok()
        .or_else(|| known_by_name(name))
        .ok_or_else(|| SrError::NotAnImage { path: name.to_owned() })?;
    let size = match format {
        ImageFormat::Tga => None,
        _ => imagesize::blob_size(data).ok(),
    };
    let (width, height) = match size {
        Some(size) => (size.width as u32, size.height as u32),
        None => ImageReader::with_format(Cursor::new(data), format)
            .into_dimensions()
            .map_err(|e| SrError::CorruptImage { path: name.to_owned(), reason: e.to_string() })?,
    };
    Ok((format, width, height, frame_count(data, format)))
}

/// TGA has no signature to know it by, only its name.
fn known_by_name(name: &str) -> Option<ImageFormat> {
    let (_, extension) = name.rsplit_once('.')?;
    extension.eq_ignore_ascii_case("tga").then_some(ImageFormat::Tga)
}

/// Reads the header and refuses an image above the limits (pixels of all frames together, or
/// frames), before any decoder allocates for it.
pub fn check(name: &str, data: &[u8], limits: &Limits) -> Result<(ImageFormat, u32, u32, u32)> {
    let (format, width, height, frames) = header(name, data)?;
    if frames > limits.max_frames {
        return Err(SrError::TooManyFrames { path: name.to_owned(), frames, limit: limits.max_frames });
    }
    let pixels = (width as u64).saturating_mul(height as u64).saturating_mul(frames as u64);
    if pixels > limits.max_pixels {
        let frames = if frames > 1 { format!(" × {frames} frames") } else { String::new() };
        return Err(SrError::ImageTooLarge {
            path: name.to_owned(),
            width,
            height,
            frames,
            pixels,
            limit: limits.max_pixels,
        });
    }
    Ok((format, width, height, frames))
}

/// Decodes the first frame with the decoder bounded to the size the header gave.
pub(crate) fn decode_bounded(
    name: &str,
    data: &[u8],
    format: ImageFormat,
    width: u32,
    height: u32,
) -> Result<DynamicImage> {
    let mut decoder = ImageReader::with_format(Cursor::new(data), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some((width as u64 * height as u64).saturating_mul(16).max(1 << 20));
    decoder.limits(limits);
    decoder.decode().map_err(|e| SrError::CorruptImage { path: name.to_owned(), reason: e.to_string() })
}

/// Checks the header against the limits and decodes once to catch truncation (sr_vulkan
/// silently fills a truncated JPEG); `data` is the file, a JPEG cut at its end marker.
pub fn decode_checked(name: &str, mut data: Vec<u8>, limits: &Limits) -> Result<PreparedInput> {
    let corrupt = |reason: String| SrError::CorruptImage { path: name.to_owned(), reason };
    let (format, width, height, frames) = check(name, &data, limits)?;
    if width == 0 || height == 0 {
        return Err(corrupt("the image has no pixels".into()));
    }
    if format == ImageFormat::Jpeg {
        let end = jpeg_end(&data).ok_or_else(|| corrupt("the JPEG ends before its end-of-image marker".into()))?;
        data.truncate(end);
    }
    let decoded = decode_bounded(name, &data, format, width, height)?;
    Ok(PreparedInput { data, width, height, frames, format, decoded })
}

/// `decode_checked`, with `data` made what sr_vulkan decodes: the file, or BMP of its page.
pub fn prepare(name: &str, data: Vec<u8>, limits: &Limits) -> Result<PreparedInput> {
    let mut input = decode_checked(name, data, limits)?;
    if !sr_vulkan_takes_as_is(input.format, input.frames) {
        tracing::debug!(name, format = ?input.format, "sent to sr_vulkan as BMP");
        input.data = bmp(&input.decoded);
    }
    Ok(input)
}

/// The viewer's check of a page before it is shown: read within the byte limit, its header
/// within the pixel and frame limits and, with `decode`, decoded whole as an upscale would
/// (a damaged page is found at once). Returns its width and height; errors name it `name`.
/// Blocking.
pub fn check_page(name: &str, source: &ImageSource, limits: &Limits, decode: bool) -> Result<(u32, u32)> {
    let bytes = source.read(limits.max_bytes)?;
    if decode {
        let checked = decode_checked(name, bytes, limits)?;
        return Ok((checked.width, checked.height));
    }
    let (_, width, height, _) = check(name, &bytes, limits)?;
    Ok((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg).unwrap();
        bytes
    }

    #[test]
    fn a_jpeg_ends_at_its_marker_whatever_follows() {
        let plain = jpeg(40, 30);
        assert_eq!(jpeg_end(&plain), Some(plain.len()));
        let mut motion = plain.clone();
        motion.extend_from_slice(b"\x00\x00\x00\x18ftypmp42 and an MP4 with \xFF\xDA and \xFF\xD8 bytes");
        assert_eq!(jpeg_end(&motion), Some(plain.len()));
        assert_eq!(jpeg_end(&plain[..plain.len() / 2]), None);
        assert_eq!(jpeg_end(&plain[..plain.len() - 1]), None);
    }

    #[test]
    fn frames_are_counted_from_the_container() {
        let frames: Vec<image::Frame> = (0..3)
            .map(|i| image::Frame::new(image::RgbaImage::from_pixel(8, 8, image::Rgba([i * 80, 0, 0, 255]))))
            .collect();
        let mut gif = Vec::new();
        {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
            encoder.encode_frames(frames).unwrap();
        }
        assert_eq!(frame_count(&gif, ImageFormat::Gif), 3);
        assert_eq!(frame_count(&jpeg(8, 8), ImageFormat::Jpeg), 1);
        let mut png = Vec::new();
        image::RgbImage::new(4, 4).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        assert_eq!(frame_count(&png, ImageFormat::Png), 1);
    }

    fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        bytes
    }

    #[test]
    fn a_still_png_or_webp_reaches_sr_vulkan_as_bmp_with_the_same_pixels() {
        let rgba = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(30, 20, |x, y| {
            image::Rgba([x as u8 * 8, y as u8 * 12, 200, if x < 10 { 0 } else { 255 }])
        }));
        let rgb = DynamicImage::ImageRgb8(rgba.to_rgb8());
        let grey16 =
            DynamicImage::ImageLuma16(image::ImageBuffer::from_fn(30, 20, |x, _| image::Luma([x as u16 * 2000])));
        for (image, format) in [
            (&rgba, ImageFormat::Png),
            (&rgb, ImageFormat::Png),
            (&grey16, ImageFormat::Png),
            (&rgba, ImageFormat::WebP),
        ] {
            let prepared = prepare("page", encoded(image, format), &Limits::default()).unwrap();
            assert_eq!(prepared.format, format);
            assert!(prepared.data.starts_with(b"BM"), "{format:?} {:?} went as it is", image.color());
            let sent = image::load_from_memory_with_format(&prepared.data, ImageFormat::Bmp).unwrap();
            assert_eq!(sent.color().has_alpha(), image.color().has_alpha());
            assert_eq!(sent.to_rgba8(), image.to_rgba8(), "{format:?} {:?}", image.color());
        }
    }

    #[test]
    fn jpeg_and_gif_reach_sr_vulkan_as_they_are() {
        let rgb = DynamicImage::ImageRgb8(image::RgbImage::from_fn(16, 16, |x, y| {
            image::Rgb([x as u8 * 16, y as u8 * 16, 90])
        }));
        for format in [ImageFormat::Jpeg, ImageFormat::Gif] {
            let file = encoded(&rgb, format);
            assert_eq!(prepare("page", file.clone(), &Limits::default()).unwrap().data, file, "{format:?}");
        }
    }

    #[test]
    fn every_listed_image_extension_is_read() {
        let rgb =
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(6, 4, |x, y| image::Rgb([x as u8 * 40, y as u8 * 60, 9])));
        for extension in crate::books::naming::IMAGE_EXTENSIONS {
            let format = ImageFormat::from_extension(extension).unwrap();
            let prepared = prepare(&format!("page.{extension}"), encoded(&rgb, format), &Limits::default())
                .unwrap_or_else(|e| panic!("a .{extension} page: {e}"));
            assert_eq!((prepared.format, prepared.width, prepared.height), (format, 6, 4), ".{extension}");
        }
        let tga = encoded(&rgb, ImageFormat::Tga);
        assert!(matches!(prepare("page.png", tga, &Limits::default()), Err(SrError::NotAnImage { .. })));
    }

    #[test]
    fn a_compressed_bmp_reaches_sr_vulkan_as_a_plain_one() {
        // 2×2, 8-bit palette, RLE8 (compression 1): each row two pixels, colours 0 and 1.
        let palette = [0u8, 0, 255, 0, 0, 255, 0, 0];
        let pixels = [1u8, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1];
        let offset = 14 + 40 + palette.len() as u32;
        let mut rle = b"BM".to_vec();
        rle.extend((offset + pixels.len() as u32).to_le_bytes());
        rle.extend([0u8; 4]);
        rle.extend(offset.to_le_bytes());
        for field in [40u32, 2, 2] {
            rle.extend(field.to_le_bytes());
        }
        rle.extend(1u16.to_le_bytes());
        rle.extend(8u16.to_le_bytes());
        for field in [1u32, pixels.len() as u32, 2835, 2835, 2, 0] {
            rle.extend(field.to_le_bytes());
        }
        rle.extend(palette);
        rle.extend(pixels);
        let prepared = prepare("page.bmp", rle.clone(), &Limits::default()).unwrap();
        assert_ne!(prepared.data, rle);
        let sent = image::load_from_memory_with_format(&prepared.data, ImageFormat::Bmp).unwrap().to_rgb8();
        assert_eq!(sent.dimensions(), (2, 2));
        assert_eq!(sent.as_raw(), prepared.decoded.to_rgb8().as_raw());
        assert_eq!(sent.get_pixel(0, 0).0, [255, 0, 0], "the first palette colour is red (BGR 0,0,255)");
    }
}
