//! The `srimg:` protocol: the webview loads upscaled images straight from the cache and the
//! pages the user opened, with no bytes crossing IPC. Nothing else is served.
//!
//! - `srimg://localhost/cache/<2 hex>/<64 hex>.<ext>`: a cache entry.
//! - `srimg://localhost/page/<id>`: an opened page, by the id `open_location` gave it.
//! - `srimg://localhost/thumb/<id>`: its thumbnail, made in Rust and cached on disk.

use std::path::{Component, Path};

use tauri::http::{header, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::SrVulkanManagerState;

pub const SCHEME: &str = "srimg";

fn base() -> String {
    if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost")
    } else {
        format!("{SCHEME}://localhost")
    }
}

/// URL of a cache entry, given its path relative to the cache root.
pub fn cache_url(relative: &Path) -> String {
    let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    format!("{}/cache/{}", base(), parts.join("/"))
}

/// URL of an opened page.
pub fn page_url(id: u32) -> String {
    format!("{}/page/{id}", base())
}

/// URL of an opened page's thumbnail.
pub fn thumbnail_url(id: u32) -> String {
    format!("{}/thumb/{id}", base())
}

fn content_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(format) => format.to_mime_type(),
        Err(_) => "application/octet-stream",
    }
}

/// The bytes a request path may be answered with, or the status to answer with.
fn resolve(state: &SrVulkanManagerState, path: &str) -> Result<(Vec<u8>, bool), StatusCode> {
    if let Some(relative) = path.strip_prefix("/cache/") {
        let relative = Path::new(relative);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(StatusCode::FORBIDDEN);
        }
        let cache = state.cache().map_err(|_| StatusCode::NOT_FOUND)?;
        let file = cache.root().join(relative);
        if !cache.is_entry(&file) {
            return Err(StatusCode::FORBIDDEN);
        }
        return std::fs::read(&file).map(|bytes| (bytes, true)).map_err(|_| StatusCode::NOT_FOUND);
    }
    if let Some(id) = path.strip_prefix("/thumb/") {
        let id: u32 = id.parse().map_err(|_| StatusCode::BAD_REQUEST)?;
        let source = state.gallery.page(id).ok_or(StatusCode::FORBIDDEN)?;
        let limits = state.limits();
        // Without a thumbnail cache, the page itself is served.
        let Some(thumbnails) = state.thumbnails() else {
            return source.read(limits.max_bytes).map(|bytes| (bytes, false)).map_err(|_| StatusCode::NOT_FOUND);
        };
        return srview_core::thumbnail::thumbnail(&thumbnails, &source, limits.max_bytes, limits.max_pixels)
            .map(|bytes| (bytes, false))
            .map_err(|_| StatusCode::NOT_FOUND);
    }
    if let Some(id) = path.strip_prefix("/page/") {
        let id: u32 = id.parse().map_err(|_| StatusCode::BAD_REQUEST)?;
        let source = state.gallery.page(id).ok_or(StatusCode::FORBIDDEN)?;
        return source.read(state.limits().max_bytes).map(|bytes| (bytes, false)).map_err(|_| StatusCode::NOT_FOUND);
    }
    Err(StatusCode::NOT_FOUND)
}

/// The app's own page origins; only they may read responses from script (`fetch`).
const APP_ORIGINS: [&str; 2] = ["tauri://localhost", "http://tauri.localhost"];

fn respond(state: &SrVulkanManagerState, path: &str, origin: Option<&str>) -> Response<Vec<u8>> {
    match resolve(state, path) {
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
        let state = app.state::<SrVulkanManagerState>();
        responder.respond(respond(&state, &path, origin.as_deref()));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use srview_core::EngineConfig;

    #[test]
    fn only_entries_and_opened_pages_are_served_and_only_to_the_app() {
        let dir = tempfile::tempdir().unwrap();
        let state = SrVulkanManagerState::new(EngineConfig::default(), dir.path().join("cache"), None);
        let cache = state.cache().unwrap();
        let key = srview_core::cache::CacheKey::new(&blake3::hash(b"page"), "f");
        let entry = cache.store(&key, "png", b"\x89PNG\r\n\x1a\n").unwrap();
        let relative = entry.strip_prefix(cache.root()).unwrap();
        let url_path = format!("/cache/{}", relative.display());
        std::fs::write(cache.root().join("private.txt"), b"not an entry").unwrap();

        let ok = respond(&state, &url_path, Some("tauri://localhost"));
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "tauri://localhost");
        let foreign = respond(&state, &url_path, Some("https://example.com"));
        assert!(foreign.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        assert_eq!(respond(&state, "/cache/private.txt", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&state, "/cache/../../etc/passwd", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&state, "/page/1", None).status(), StatusCode::FORBIDDEN);
        assert_eq!(respond(&state, "/file/%2Fetc%2Fpasswd", None).status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn thumbnails_are_small_webp_images_of_opened_pages() {
        let dir = tempfile::tempdir().unwrap();
        let state = SrVulkanManagerState::new(EngineConfig::default(), dir.path().join("upscaled"), None);
        let page = dir.path().join("page.png");
        image::RgbImage::from_fn(600, 900, |x, y| image::Rgb([x as u8, y as u8, 7])).save(&page).unwrap();
        let listing = crate::gallery::list(&page, state.gallery.bookshelf()).ok().unwrap();
        let opened = state.gallery.register(listing, page_url, thumbnail_url);
        let id = opened.images[0].id;
        let thumb = respond(&state, &format!("/thumb/{id}"), None);
        assert_eq!(thumb.status(), StatusCode::OK);
        assert_eq!(thumb.headers()[header::CONTENT_TYPE], "image/webp");
        let image = image::load_from_memory(thumb.body()).unwrap();
        assert!(image.width() <= 120 && image.height() <= 170, "{}×{}", image.width(), image.height());
        assert_eq!(respond(&state, "/thumb/999", None).status(), StatusCode::FORBIDDEN);
        assert!(dir.path().join("thumbnails").join("CACHEDIR.TAG").is_file());
    }
}
