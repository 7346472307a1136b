//! PDF books: each page is an entry, read with hayro (pure Rust; docs/pdf.md).
//!
//! A page that is one embedded image covering the page (a scan) is that image: a JPEG
//! (DCTDecode) stream byte for byte, or a Flate stream of 8-bit grey or RGB pixels wrapped
//! losslessly as PNG. Any other page is rendered to PNG as large as fits the render box
//! (`Limits::render_width` × `render_height`, which the viewer changes to the size pages are
//! shown at); its DPI is part of the page's identity, so of its cache key.
//!
//! Every stream SRView or the renderer unpacks is first unpacked within a bound (a page's
//! content, its images and forms), so a decompression bomb is refused before it is decoded.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::content::UntypedIter;
use hayro::hayro_syntax::object::{Dict, Name, Object, ObjectIdentifier, Stream};
use hayro::hayro_syntax::page::{Page, Rotation};
use hayro::hayro_syntax::{DecryptionError, Filter, LoadPdfError, Pdf};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

use super::{corrupt, Archive, EntryInfo};
use crate::books::source::read_file;
use crate::error::{Result, SrError};
use crate::limits::Limits;
use crate::sync::lock;

/// A page's content streams together unpack to at most this.
const MAX_CONTENT_BYTES: u64 = 64 << 20;
/// A page that only places one image says so in a few dozen bytes.
const SINGLE_IMAGE_CONTENT_BYTES: u64 = 4096;
/// Forms inside forms deeper than this are not followed by the bomb check (nor drawn fully).
const MAX_FORM_DEPTH: usize = 8;
/// How far (in points, 1/72 inch) an image's edge may be from the page's and still be the page.
const EDGE_TOLERANCE: f64 = 1.0;
/// Rendered pages kept for the reads that follow (the viewer's, then the upscaler's).
const RENDERED_KEPT: usize = 2;
/// The renderer's name and version, part of a rendered page's identity.
const RENDERER: &str = "hayro-0.9";

/// What serves a page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Content {
    /// The page's one image, a JPEG stream served as it is; `at` is where its bytes lie in the
    /// file when they are stored plainly (not encrypted), to copy them without parsing again.
    Jpeg { image: ObjectIdentifier, at: Option<(usize, usize)> },
    /// The page's one image, 8-bit pixels unpacked and written as PNG.
    Pixels { image: ObjectIdentifier, width: u32, height: u32, grey: bool },
    /// Anything else, rendered to fit the render box; its size in points.
    Rendered { width: f32, height: f32 },
}

pub(super) struct PdfBook {
    path: PathBuf,
    entries: Vec<EntryInfo>,
    contents: Vec<Content>,
    limits: Limits,
    /// The parsed file while it is held (`release` lets it go; a read parses it again).
    pdf: Mutex<Option<Arc<Pdf>>>,
    /// The render box, width and height packed: the viewer changes it while the book is open.
    render_box: AtomicU64,
    /// The last pages rendered, by index and DPI.
    rendered: Mutex<VecDeque<(usize, u32, Arc<Vec<u8>>)>>,
}

impl PdfBook {
    /// Reads the file within `limits.max_bytes`, refuses what is not a whole, readable PDF of at
    /// most `limits.max_pages` pages, and lists its pages.
    pub(super) fn open(path: &Path, limits: &Limits) -> Result<PdfBook> {
        let pdf = parse(path, limits)?;
        let pages = pdf.pages();
        if pages.len() > limits.max_pages as usize {
            return Err(SrError::TooManyPages {
                path: path.display().to_string(),
                pages: pages.len(),
                limit: limits.max_pages,
            });
        }
        let digits = pages.len().to_string().len().max(3);
        let mut entries = Vec::with_capacity(pages.len());
        let mut contents = Vec::with_capacity(pages.len());
        let file = pdf.data().as_ref();
        for (index, page) in pages.iter().enumerate() {
            let (content, size) = match single_image(page, file) {
                Some(one) => one,
                None => {
                    let (width, height) = page.render_dimensions();
                    (Content::Rendered { width, height }, 0)
                }
            };
            let extension = if matches!(content, Content::Jpeg { .. }) { "jpg" } else { "png" };
            entries.push(EntryInfo {
                name: format!("page-{:0digits$}.{extension}", index + 1),
                size,
                is_dir: false,
                encrypted: false,
            });
            contents.push(content);
        }
        let rendered = contents.iter().filter(|c| matches!(c, Content::Rendered { .. })).count();
        tracing::debug!(path = %path.display(), pages = pages.len(), rendered, "opened a PDF book");
        Ok(PdfBook {
            path: path.to_path_buf(),
            entries,
            contents,
            limits: *limits,
            pdf: Mutex::new(Some(Arc::new(pdf))),
            render_box: AtomicU64::new(pack(limits.render_width, limits.render_height)),
            rendered: Mutex::default(),
        })
    }

    /// The DPI page `index` is rendered at now, if it is rendered.
    fn dpi(&self, index: usize) -> Option<u32> {
        let Content::Rendered { width, height } = self.contents[index] else { return None };
        let packed = self.render_box.load(Ordering::Relaxed);
        let (box_width, box_height) = ((packed >> 32) as u32, packed as u32);
        Some(render_dpi((width, height), (box_width, box_height), &self.limits))
    }

    fn document(&self) -> Result<Arc<Pdf>> {
        if let Some(pdf) = lock(&self.pdf).as_ref() {
            return Ok(pdf.clone());
        }
        let pdf = parse(&self.path, &self.limits)?;
        if pdf.pages().len() != self.entries.len() {
            return Err(corrupt(&self.path, "the file changed since it was opened; open it again"));
        }
        let pdf = Arc::new(pdf);
        *lock(&self.pdf) = Some(pdf.clone());
        Ok(pdf)
    }

    fn page_name(&self, index: usize) -> String {
        format!("{} › {}", self.path.display(), self.entries[index].name)
    }

    fn render(&self, pdf: &Pdf, index: usize, dpi: u32) -> Result<Vec<u8>> {
        if let Some((_, _, bytes)) = lock(&self.rendered).iter().find(|(i, d, _)| (*i, *d) == (index, dpi)) {
            return Ok(bytes.as_ref().clone());
        }
        let page = &pdf.pages()[index];
        let name = self.page_name(index);
        check_streams(&name, page, &self.limits)?;
        let scale = dpi as f32 / 72.0;
        let (width, height) = page.render_dimensions();
        let (width, height) = ((width * scale) as u32, (height * scale) as u32);
        if width == 0 || height == 0 {
            return Err(corrupt(&self.path, format!("page {} has no area", index + 1)));
        }
        // A renderer's bug on a strange page fails that page, never the reader.
        let pixmap = std::panic::catch_unwind(AssertUnwindSafe(|| {
            hayro::render(
                page,
                &RenderCache::new(),
                &InterpreterSettings::default(),
                &RenderSettings::default(),
                &PixmapSettings { x_scale: scale, y_scale: scale, bg_color: WHITE },
            )
        }))
        .map_err(|_| corrupt(&self.path, format!("page {} could not be drawn", index + 1)))?;
        // The background is opaque white, so premultiplied RGBA is plain RGBA: keep RGB.
        let rgb: Vec<u8> = pixmap.data_as_u8_slice().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        let image = image::RgbImage::from_raw(pixmap.width().into(), pixmap.height().into(), rgb)
            .ok_or_else(|| SrError::Internal("a rendered page has the wrong size".into()))?;
        let bytes = png(&image::DynamicImage::ImageRgb8(image));
        let mut kept = lock(&self.rendered);
        kept.push_back((index, dpi, Arc::new(bytes.clone())));
        if kept.len() > RENDERED_KEPT {
            kept.pop_front();
        }
        Ok(bytes)
    }

    fn pixels(
        &self,
        pdf: &Pdf,
        index: usize,
        image: ObjectIdentifier,
        size: (u32, u32),
        grey: bool,
    ) -> Result<Vec<u8>> {
        let name = self.page_name(index);
        let stream: Stream<'_> = pdf.xref().get(image).ok_or_else(|| corrupt(&self.path, "an image is missing"))?;
        let (width, height) = size;
        check_pixels(&name, width, height, &self.limits)?;
        let expected = width as u64 * height as u64 * if grey { 1 } else { 3 };
        let data = inflate_within(&name, &stream.raw_data(), expected)?;
        if (data.len() as u64) < expected {
            let reason = format!("page {}'s image stops short of its size", index + 1);
            return Err(SrError::CorruptImage { path: name, reason });
        }
        let decoded = if grey {
            image::GrayImage::from_raw(width, height, data).map(image::DynamicImage::ImageLuma8)
        } else {
            image::RgbImage::from_raw(width, height, data).map(image::DynamicImage::ImageRgb8)
        };
        Ok(png(&decoded.ok_or_else(|| SrError::Internal("an image has the wrong size".into()))?))
    }
}

impl Archive for PdfBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let pdf = self.document()?;
        let bytes = match self.contents[index] {
            Content::Jpeg { at: Some((start, length)), .. } => pdf.data().as_ref()[start..start + length].to_vec(),
            Content::Jpeg { image, at: None } => {
                let stream: Stream<'_> =
                    pdf.xref().get(image).ok_or_else(|| corrupt(&self.path, "an image is missing"))?;
                stream.raw_data().into_owned()
            }
            Content::Pixels { image, width, height, grey } => self.pixels(&pdf, index, image, (width, height), grey)?,
            Content::Rendered { .. } => self.render(&pdf, index, self.dpi(index).expect("a rendered page"))?,
        };
        if bytes.len() as u64 > max_bytes {
            return Err(SrError::FileTooLarge {
                path: self.page_name(index),
                bytes: bytes.len() as u64,
                limit: max_bytes,
            });
        }
        Ok(bytes)
    }

    fn held_bytes(&self) -> u64 {
        let file = lock(&self.pdf).as_ref().map_or(0, |pdf| pdf.data().as_ref().len() as u64);
        file + lock(&self.rendered).iter().map(|(_, _, bytes)| bytes.len() as u64).sum::<u64>()
    }

    fn release(&self) {
        lock(&self.pdf).take();
        lock(&self.rendered).clear();
    }

    fn render_key(&self, index: usize) -> Option<String> {
        self.dpi(index).map(|dpi| format!("{dpi}dpi|{RENDERER}"))
    }

    fn set_render_box(&self, width: u32, height: u32) {
        self.render_box.store(pack(width, height), Ordering::Relaxed);
    }
}

/// Reads and parses the file: whole, not encrypted, with pages.
fn parse(path: &Path, limits: &Limits) -> Result<Pdf> {
    let bytes = read_file(path, limits.max_bytes)?;
    if bytes.is_empty() {
        return Err(corrupt(path, "the file is empty"));
    }
    if find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Err(corrupt(path, "it is not a PDF"));
    }
    // Every PDF ends with `%%EOF` (a few writers add some bytes after it).
    if find(&bytes[bytes.len().saturating_sub(2048)..], b"%%EOF").is_none() {
        return Err(SrError::PdfCutShort(path.display().to_string()));
    }
    let parsed =
        std::panic::catch_unwind(|| Pdf::new(bytes)).map_err(|_| corrupt(path, "its structure could not be read"))?;
    parsed.map_err(|e| match e {
        LoadPdfError::Decryption(DecryptionError::PasswordProtected | DecryptionError::UnsupportedAlgorithm) => {
            SrError::Encrypted(path.display().to_string())
        }
        LoadPdfError::Decryption(other) => corrupt(path, format!("its encryption is broken ({other:?})")),
        LoadPdfError::Invalid => corrupt(path, "its cross-reference table is broken and its pages cannot be found"),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn pack(width: u32, height: u32) -> u64 {
    (u64::from(width.max(1)) << 32) | u64::from(height.max(1))
}

/// The DPI that makes a page of `size` points as large as fits `render_box` pixels, lowered to
/// keep within `limits.max_pixels`.
fn render_dpi(size: (f32, f32), render_box: (u32, u32), limits: &Limits) -> u32 {
    let (width, height) = (f64::from(size.0.max(1.0)), f64::from(size.1.max(1.0)));
    let fit = (72.0 * f64::from(render_box.0) / width).min(72.0 * f64::from(render_box.1) / height);
    let within_pixels = 72.0 * (limits.max_pixels as f64 / (width * height)).sqrt();
    // The renderer's canvas is at most 65,535 pixels wide or high.
    let within_canvas = 72.0 * 65_535.0 / width.max(height);
    fit.min(within_pixels).min(within_canvas).floor().max(1.0) as u32
}

/// The page's one image when the page is just that image, drawn over the whole page, in a form
/// served without rendering: what serves it and its size in bytes as stored. `file` is the PDF.
fn single_image(page: &Page<'_>, file: &[u8]) -> Option<(Content, u64)> {
    if !matches!(page.rotation(), Rotation::None) {
        return None;
    }
    let content = content_within(page.raw(), SINGLE_IMAGE_CONTENT_BYTES).ok()??;
    let mut ops = UntypedIter::new(&content);
    let (mut matrix, mut drawn) = (None, None);
    while let Some(op) = ops.next() {
        match &**op.operator {
            b"q" | b"Q" => {}
            b"cm" if matrix.is_none() => {
                let numbers: Vec<f64> =
                    op.operands().filter_map(|o| o.clone().into_number()).map(|n| n.as_f64()).collect();
                matrix = Some(<[f64; 6]>::try_from(numbers).ok()?);
            }
            b"Do" if drawn.is_none() => drawn = Some(op.operands().next()?.clone().into_name()?.as_ref().to_vec()),
            _ => return None,
        }
    }
    let [a, b, c, d, e, f] = matrix?;
    let crop = page.intersected_crop_box();
    let near = |x: f64, y: f64| (x - y).abs() <= EDGE_TOLERANCE;
    if b != 0.0 || c != 0.0 || !near(e, crop.x0) || !near(f, crop.y0) || !near(e + a, crop.x1) || !near(f + d, crop.y1)
    {
        return None;
    }
    let image = page.resources().get_x_object(&Name::new_unescaped(&drawn?))?;
    let dict = image.dict();
    let plain = dict.get::<Name<'_>>(b"Subtype").is_some_and(|s| &*s == b"Image")
        && !dict.get::<bool>(b"ImageMask").unwrap_or(false)
        && !dict.contains_key(b"SMask")
        && !dict.contains_key(b"Mask")
        && !dict.contains_key(b"Decode")
        && dict.get::<u8>(b"BitsPerComponent") == Some(8);
    let components = components(dict)?;
    let (width, height) = (dict.get::<u32>(b"Width")?, dict.get::<u32>(b"Height")?);
    if !plain || !(components == 1 || components == 3) || width == 0 || height == 0 {
        return None;
    }
    let size = dict.get::<u32>(b"Length").map_or(0, u64::from);
    match image.filters().as_slice() {
        [Filter::DctDecode] => {
            let at = match image.raw_data() {
                Cow::Borrowed(bytes) => (bytes.as_ptr() as usize)
                    .checked_sub(file.as_ptr() as usize)
                    .filter(|start| start + bytes.len() <= file.len())
                    .map(|start| (start, bytes.len())),
                Cow::Owned(_) => None,
            };
            Some((Content::Jpeg { image: image.obj_id(), at }, at.map_or(size, |(_, length)| length as u64)))
        }
        [Filter::FlateDecode] if !dict.contains_key(b"DecodeParms") => {
            Some((Content::Pixels { image: image.obj_id(), width, height, grey: components == 1 }, size))
        }
        _ => None,
    }
}

/// Colour components of an image in DeviceGray, DeviceRGB or an ICC profile (others: `None`).
fn components(dict: &Dict<'_>) -> Option<u8> {
    match dict.get::<Object<'_>>(b"ColorSpace")? {
        Object::Name(name) => match &*name {
            b"DeviceGray" | b"G" => Some(1),
            b"DeviceRGB" | b"RGB" => Some(3),
            _ => None,
        },
        Object::Array(array) => {
            let mut items = array.iter::<Object<'_>>();
            let kind = items.next()?.into_name()?;
            let profile = items.next()?.into_stream()?;
            (&*kind == b"ICCBased").then(|| profile.dict().get::<u8>(b"N"))?
        }
        _ => None,
    }
}

/// The page's content streams unpacked, `None` past `limit` bytes; an error past
/// `MAX_CONTENT_BYTES` is the caller's to give.
fn content_within(page: &Dict<'_>, limit: u64) -> std::result::Result<Option<Vec<u8>>, u64> {
    let streams: Vec<Stream<'_>> = match page.get::<Object<'_>>(b"Contents") {
        Some(Object::Stream(stream)) => vec![stream],
        Some(Object::Array(array)) => array.iter::<Stream<'_>>().collect(),
        _ => return Ok(Some(Vec::new())),
    };
    let mut content = Vec::new();
    for stream in streams {
        match stream.filters().as_slice() {
            [] => content.extend_from_slice(&stream.raw_data()),
            [Filter::FlateDecode] if !stream.dict().contains_key(b"DecodeParms") => {
                let left = limit.saturating_sub(content.len() as u64);
                match inflate_bounded(&stream.raw_data(), left) {
                    Some(data) => content.extend(data),
                    None => return Err(left),
                }
            }
            _ => return Ok(None),
        }
        content.push(b' ');
        if content.len() as u64 > limit {
            return Ok(None);
        }
    }
    Ok(Some(content))
}

/// Unpacks a zlib (or raw Deflate) stream, `None` when it unpacks to more than `limit` bytes.
/// Damaged data yields what unpacked before the damage.
fn inflate_bounded(data: &[u8], limit: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let zlib = data.len() >= 2 && data[0] & 0x0F == 8 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
    let reader: Box<dyn Read + '_> = if zlib {
        Box::new(flate2::read::ZlibDecoder::new(data))
    } else {
        Box::new(flate2::read::DeflateDecoder::new(data))
    };
    let _ = reader.take(limit + 1).read_to_end(&mut out);
    (out.len() as u64 <= limit).then_some(out)
}

fn inflate_within(name: &str, data: &[u8], expected: u64) -> Result<Vec<u8>> {
    inflate_bounded(data, expected).ok_or_else(|| SrError::UnpacksTooLarge { path: name.to_owned(), limit: expected })
}

fn check_pixels(name: &str, width: u32, height: u32, limits: &Limits) -> Result<()> {
    let pixels = width as u64 * height as u64;
    if pixels > limits.max_pixels {
        return Err(SrError::ImageTooLarge {
            path: name.to_owned(),
            width,
            height,
            frames: String::new(),
            pixels,
            limit: limits.max_pixels,
        });
    }
    Ok(())
}

/// Refuses a page whose content, images or forms unpack past their bounds, before the renderer
/// unpacks them with none: an image above `max_pixels`, or whose Flate data is longer than its
/// size allows; content above `MAX_CONTENT_BYTES`.
fn check_streams(name: &str, page: &Page<'_>, limits: &Limits) -> Result<()> {
    if let Err(limit) = content_within(page.raw(), MAX_CONTENT_BYTES) {
        return Err(SrError::UnpacksTooLarge { path: name.to_owned(), limit: limit.max(MAX_CONTENT_BYTES) });
    }
    let mut seen = Vec::new();
    check_x_objects(name, &page.resources().x_objects, limits, 0, &mut seen)
}

fn check_x_objects(
    name: &str,
    x_objects: &Dict<'_>,
    limits: &Limits,
    depth: usize,
    seen: &mut Vec<ObjectIdentifier>,
) -> Result<()> {
    for key in x_objects.keys() {
        let Some(stream) = x_objects.get::<Stream<'_>>(&key) else { continue };
        if seen.contains(&stream.obj_id()) {
            continue;
        }
        seen.push(stream.obj_id());
        let dict = stream.dict();
        let bound = match dict.get::<Name<'_>>(b"Subtype").as_deref() {
            Some(b"Image") => {
                let (width, height) = (dict.get::<u32>(b"Width").unwrap_or(0), dict.get::<u32>(b"Height").unwrap_or(0));
                check_pixels(name, width, height, limits)?;
                // Up to 4 components of 16 bits, and a predictor byte a row.
                let bits = u64::from(dict.get::<u8>(b"BitsPerComponent").unwrap_or(8).min(16));
                (width as u64 * 4 * bits).div_ceil(8) * height as u64 + height as u64 + 1024
            }
            Some(b"Form") => {
                if depth < MAX_FORM_DEPTH {
                    if let Some(resources) = dict.get::<Dict<'_>>(b"Resources") {
                        let inner = resources.get::<Dict<'_>>(b"XObject").unwrap_or_default();
                        check_x_objects(name, &inner, limits, depth + 1, seen)?;
                    }
                }
                MAX_CONTENT_BYTES
            }
            _ => continue,
        };
        if stream.filters().first() == Some(&Filter::FlateDecode)
            && inflate_bounded(&stream.raw_data(), bound).is_none()
        {
            return Err(SrError::UnpacksTooLarge { path: name.to_owned(), limit: bound });
        }
    }
    Ok(())
}

/// A page as PNG: lossless, and quick to write.
fn png(image: &image::DynamicImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut bytes,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    image.write_with_encoder(encoder).expect("encoding a PNG into memory cannot fail");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bomb_stops_at_its_bound() {
        let zeros = vec![0u8; 1 << 20];
        let mut packed = Vec::new();
        flate2::read::ZlibEncoder::new(&zeros[..], flate2::Compression::best()).read_to_end(&mut packed).unwrap();
        assert_eq!(inflate_bounded(&packed, 1 << 20).map(|d| d.len()), Some(1 << 20));
        assert!(inflate_bounded(&packed, (1 << 20) - 1).is_none());
    }
}
