//! Small page thumbnails for the strip, made in Rust and kept in their own cache, so a
//! 500-page book scrolls without loading 500 full pages into the webview.

use crate::books::input;
use crate::books::source::ImageSource;
use crate::error::Result;
use crate::limits::Limits;
use crate::store::cache::{CacheKey, ResultCache};

/// Thumbnails fit in this box (the strip shows them at about half that).
pub const THUMB_WIDTH: u32 = 120;
pub const THUMB_HEIGHT: u32 = 170;
const THUMB_QUALITY: f32 = 75.0;
const KEY_FIELDS: &str = "thumbnail|120x170|q75";

/// A thumbnail of `bytes` as WebP: the first frame, scaled to fit the box, never enlarged.
pub fn make(name: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    let (format, width, height, _) = input::check(name, bytes, limits)?;
    let image = input::decode_bounded(name, bytes, format, width, height)?;
    let small =
        if width > THUMB_WIDTH || height > THUMB_HEIGHT { image.thumbnail(THUMB_WIDTH, THUMB_HEIGHT) } else { image };
    let rgb = small.to_rgb8();
    Ok(webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode(THUMB_QUALITY).to_vec())
}

/// The thumbnail of a page, from the thumbnail cache or made now (and cached). The key is the
/// page's identity (path, size, modification time, entry), so no page is read for a hit.
pub fn thumbnail(cache: &ResultCache, source: &ImageSource, limits: &Limits) -> Result<Vec<u8>> {
    let identity = source.identity();
    let key = CacheKey::new(&blake3::hash(identity.as_bytes()), KEY_FIELDS);
    if let Some((_, bytes)) = cache.read(&key, "webp") {
        return Ok(bytes);
    }
    let bytes = source.read(limits.max_bytes)?;
    let thumb = make(&source.display_name(), &bytes, limits)?;
    cache.store(&key, "webp", &thumb)?;
    Ok(thumb)
}
