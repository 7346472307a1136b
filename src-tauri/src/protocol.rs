//! The `srimg:` protocol: the webview loads upscaled images straight from the cache and the
//! pages the user opened, with no bytes crossing IPC. Nothing else is served.
//!
//! - `srimg://localhost/cache/<2 hex>/<64 hex>.<ext>`: a cache entry.
//! - `srimg://localhost/page/<id>`: an opened page, by the id `open_location` gave it.
//! - `srimg://localhost/thumb/<id>`: its thumbnail, made in Rust and cached on disk.
//! - `srimg://localhost/cover/<id>`: a listed book's cover, the thumbnail of its first page.
//! - `srimg://localhost/tile/<id>`: a finished tile of a page being upscaled (see `tile_images`).

use std::path::Path;

use srview_core::{ImageSource, SrError};
use tauri::http::{header, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::access::{srimg_target, SrimgTarget};
use crate::engine::SrVulkanManagerState;
use crate::gallery::Gallery;

pub const SCHEME: &str = "srimg";

/// Where the protocol's URLs start (SRView runs on Linux, where custom schemes are used as they are).
const BASE: &str = "srimg://localhost";

/// URL of a cache entry, given its path relative to the cache root.
pub fn cache_url(relative: &Path) -> String {
    let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    format!("{BASE}/cache/{}", parts.join("/"))
}

/// URL of an opened page.
pub fn page_url(id: u32) -> String {
    format!("{BASE}/page/{id}")
}

/// URL of an opened page's thumbnail.
pub fn thumbnail_url(id: u32) -> String {
    format!("{BASE}/thumb/{id}")
}

/// URL of a finished tile's image.
pub fn tile_url(id: u64) -> String {
    format!("{BASE}/tile/{id}")
}

/// URL of a book's cover, by the id the shelf gave it.
pub fn cover_url(id: u32) -> String {
    format!("{BASE}/cover/{id}")
}

fn content_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(format) => format.to_mime_type(),
        Err(_) => "application/octet-stream",
    }
}

/// The bytes a request path may be answered with (and whether they never change), or the
/// status to answer with. What may be served at all is `srimg_target`'s to say.
fn resolve(engine: &SrVulkanManagerState, gallery: &Gallery, path: &str) -> Result<(Vec<u8>, bool), StatusCode> {
    let cache = engine.cache().ok();
    match srimg_target(path, cache.clone(), gallery)? {
        // Read while it is kept from the cache's eviction.
        SrimgTarget::CacheEntry(file) => {
            cache.and_then(|c| c.read_entry(&file)).map(|bytes| (bytes, true)).ok_or(StatusCode::NOT_FOUND)
        }
        SrimgTarget::Page(source) => page(engine, &source),
        SrimgTarget::Tile(id) => engine.tile_image(id).map(|png| (png.to_vec(), true)).ok_or(StatusCode::NOT_FOUND),
        // Without a thumbnail cache, the page itself is served.
        SrimgTarget::Thumbnail(source) => match engine.thumbnails() {
            Some(thumbnails) => srview_core::books::thumbnail::thumbnail(&thumbnails, &source, &engine.limits())
                .map(|bytes| (bytes, false))
                .map_err(|err| refusal(&err)),
            None => page(engine, &source),
        },
        SrimgTarget::Cover(book) => {
            let source = crate::shelf::first_page(&book, &engine.limits()).map_err(|err| refusal(&err))?;
            match engine.thumbnails() {
                Some(thumbnails) => srview_core::books::thumbnail::thumbnail(&thumbnails, &source, &engine.limits())
                    .map(|bytes| (bytes, false))
                    .map_err(|err| refusal(&err)),
                None => page(engine, &source),
            }
        }
    }
}

/// An opened page's bytes, only when its header is within the limits: the webview would
/// otherwise decode a decompression bomb.
fn page(engine: &SrVulkanManagerState, source: &ImageSource) -> Result<(Vec<u8>, bool), StatusCode> {
    let limits = engine.limits();
    let bytes = source.read(limits.max_bytes).map_err(|err| refusal(&err))?;
    srview_core::books::input::check(&source.display_name(), &bytes, &limits).map_err(|err| refusal(&err))?;
    Ok((bytes, false))
}

/// The status for a page that is not served: too large, or unreadable.
fn refusal(err: &SrError) -> StatusCode {
    match err {
        SrError::ImageTooLarge { .. } | SrError::TooManyFrames { .. } | SrError::FileTooLarge { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        _ => StatusCode::NOT_FOUND,
    }
}

/// The app's own page origins; only they may read responses from script (`fetch`).
const APP_ORIGINS: [&str; 2] = ["tauri://localhost", "http://tauri.localhost"];

fn respond(engine: &SrVulkanManagerState, gallery: &Gallery, path: &str, origin: Option<&str>) -> Response<Vec<u8>> {
    match resolve(engine, gallery, path) {
        Ok((bytes, immutable)) => {
            let mut response = Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type(&bytes))
                .header(header::CACHE_CONTROL, if immutable { "max-age=31536000, immutable" } else { "no-cache" });
            if let Some(origin) = origin.filter(|o| APP_ORIGINS.contains(o)) {
                response = response.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            }
            response.body(bytes).expect("valid response")
        }
        Err(status) => Response::builder().status(status).body(Vec::new()).expect("valid response"),
    }
}

/// The protocol handler: reads on a blocking thread, never on the UI thread.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_owned();
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
    tauri::async_runtime::spawn_blocking(move || {
        let response = respond(&app.state::<SrVulkanManagerState>(), &app.state::<Gallery>(), &path, origin.as_deref());
        responder.respond(response);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use srview_core::EngineConfig;

    #[test]
    fn only_entries_and_opened_pages_are_served_and_only_to_the_app() {
        let dir = tempfile::tempdir().unwrap();
        let engine = SrVulkanManagerState::new(EngineConfig::default(), dir.path().join("cache"));
        let gallery = Gallery::new(engine.limits());
        let cache = engine.cache().unwrap();
        let key = srview_core::store::cache::CacheKey::new(&blake3::hash(b"page"), "f");
        let entry = cache.store(&key, "png", b"\x89PNG\r\n\x1a\n").unwrap();
        let relative = entry.strip_prefix(cache.root()).unwrap();
        let url_path = format!("/cache/{}", relative.display());
        std::fs::write(cache.root().join("private.txt"), b"not an entry").unwrap();

        let ok = respond(&engine, &gallery, &url_path, Some("tauri://localhost"));
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "tauri://localhost");
        let foreign = respond(&engine, &gallery, &url_path, Some("https://example.com"));
        assert!(foreign.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        assert_eq!(respond(&engine, &gallery, "/cache/private.txt", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&engine, &gallery, "/cache/../../etc/passwd", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&engine, &gallery, "/page/1", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&engine, &gallery, "/file/%2Fetc%2Fpasswd", None).status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn finished_tiles_are_served_as_their_png_while_kept() {
        let dir = tempfile::tempdir().unwrap();
        let engine = SrVulkanManagerState::new(EngineConfig::default(), dir.path().join("cache"));
        let gallery = Gallery::new(engine.limits());
        let mut png = Vec::new();
        image::RgbImage::new(20, 12).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let tile = srview_core::TileReady {
            x: 2,
            y: 0,
            width: 8,
            height: 6,
            page_width: 10,
            page_height: 6,
            image_x: 4,
            image_y: 0,
            scale: 2,
            png: std::sync::Arc::new(png.clone()),
        };
        let kept = engine.keep_tile("page-1#1", &tile);
        assert_eq!((kept.tile.x, kept.tile.width, kept.tile.image_x, kept.tile.scale), (2, 8, 4, 2));
        let path = kept.url.strip_prefix("srimg://localhost").unwrap();
        let served = respond(&engine, &gallery, path, Some("tauri://localhost"));
        assert_eq!(served.status(), StatusCode::OK);
        assert_eq!(served.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(served.body(), &png);
        assert_eq!(respond(&engine, &gallery, "/tile/999", None).status(), StatusCode::NOT_FOUND);
        assert_eq!(respond(&engine, &gallery, "/tile/x", None).status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn thumbnails_are_small_webp_images_of_opened_pages() {
        let dir = tempfile::tempdir().unwrap();
        let engine = SrVulkanManagerState::new(EngineConfig::default(), dir.path().join("upscaled"));
        let gallery = Gallery::new(engine.limits());
        let page = dir.path().join("page.png");
        image::RgbImage::from_fn(600, 900, |x, y| image::Rgb([x as u8, y as u8, 7])).save(&page).unwrap();
        let listing = crate::gallery::list(&page, gallery.bookshelf(), &Default::default()).ok().unwrap();
        let opened = gallery.register(listing, page_url, thumbnail_url);
        let id = opened.images[0].id;
        let thumb = respond(&engine, &gallery, &format!("/thumb/{id}"), None);
        assert_eq!(thumb.status(), StatusCode::OK);
        assert_eq!(thumb.headers()[header::CONTENT_TYPE], "image/webp");
        let image = image::load_from_memory(thumb.body()).unwrap();
        assert!(image.width() <= 120 && image.height() <= 170, "{}×{}", image.width(), image.height());
        assert_eq!(respond(&engine, &gallery, "/thumb/999", None).status(), StatusCode::FORBIDDEN);
        assert!(dir.path().join("thumbnails").join("CACHEDIR.TAG").is_file());
    }

    #[test]
    fn a_page_above_the_limits_is_not_served_and_the_next_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let limits = srview_core::Limits { max_pixels: 10_000, ..Default::default() };
        let config = EngineConfig { limits, ..Default::default() };
        let engine = SrVulkanManagerState::new(config, dir.path().join("upscaled"));
        let gallery = Gallery::new(engine.limits());
        let pages = dir.path().join("pages");
        std::fs::create_dir(&pages).unwrap();
        image::RgbImage::new(200, 100).save(pages.join("1-large.png")).unwrap();
        image::RgbImage::new(50, 40).save(pages.join("2-small.png")).unwrap();
        let listing = crate::gallery::list(&pages, gallery.bookshelf(), &Default::default()).ok().unwrap();
        let opened = gallery.register(listing, page_url, thumbnail_url);
        let (large, small) = (opened.images[0].id, opened.images[1].id);
        assert_eq!(respond(&engine, &gallery, &format!("/page/{large}"), None).status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            respond(&engine, &gallery, &format!("/thumb/{large}"), None).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let served = respond(&engine, &gallery, &format!("/page/{small}"), None);
        assert_eq!(served.status(), StatusCode::OK);
        assert_eq!(image::load_from_memory(served.body()).unwrap().width(), 50);
        assert_eq!(respond(&engine, &gallery, &format!("/thumb/{small}"), None).status(), StatusCode::OK);
    }

    /// Covers of the books beside an opened book: a folder of images and an archive, as small
    /// thumbnails of their first pages; nothing for a book that was not listed.
    #[tokio::test]
    async fn the_covers_of_listed_books_are_small_thumbnails_of_their_first_pages() {
        let dir = tempfile::tempdir().unwrap();
        let engine = SrVulkanManagerState::new(EngineConfig::default(), dir.path().join("upscaled"));
        let gallery = Gallery::new(engine.limits());
        let library = dir.path().join("Library");
        let photos = library.join("Photos");
        std::fs::create_dir_all(&photos).unwrap();
        image::RgbImage::from_fn(300, 200, |_, _| image::Rgb([200, 10, 10])).save(photos.join("b.png")).unwrap();
        image::RgbImage::from_fn(90, 60, |_, _| image::Rgb([10, 10, 200])).save(photos.join("a10.png")).unwrap();
        image::RgbImage::from_fn(30, 40, |_, _| image::Rgb([10, 200, 10])).save(photos.join("a9.png")).unwrap();
        let zipped = std::process::Command::new("zip")
            .args(["-q", library.join("Vol 1.cbz").to_str().unwrap(), "b.png"])
            .current_dir(&photos)
            .status()
            .unwrap();
        assert!(zipped.success());
        let opened = gallery.open(library.join("Vol 1.cbz").to_str().unwrap()).await.unwrap();

        let books = gallery.shelf_books(&opened.path).await.unwrap();
        let names: Vec<_> = books.iter().map(|b| (b.name.as_str(), b.folder)).collect();
        assert_eq!(names, [("Photos", true), ("Vol 1", false)]);
        let cover = |book: &crate::shelf::ShelfBook| {
            let path = book.cover_url.strip_prefix("srimg://localhost").unwrap().to_owned();
            let response = respond(&engine, &gallery, &path, None);
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], "image/webp");
            image::load_from_memory(response.body()).unwrap().to_rgb8()
        };
        let photos_cover = cover(&books[0]);
        assert_eq!(photos_cover.dimensions(), (30, 40), "the first page in natural order, a9.png, not enlarged");
        let book_cover = cover(&books[1]);
        assert_eq!(book_cover.dimensions(), (120, 80));
        assert!(book_cover.get_pixel(60, 40)[0] > 150, "the book's first page");
        assert_eq!(gallery.shelf_books(&opened.path).await.unwrap()[1].cover_url, books[1].cover_url, "ids are kept");
        assert_eq!(respond(&engine, &gallery, "/cover/999", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&engine, &gallery, "/cover/x", None).status(), StatusCode::BAD_REQUEST);
        let elsewhere = dir.path().display().to_string();
        assert!(matches!(gallery.shelf_books(&elsewhere).await, Err(crate::error::AppError::NotOpened(_))));
    }
}
