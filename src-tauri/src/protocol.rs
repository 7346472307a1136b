//! The `srimg:` protocol: the webview loads upscaled images straight from the cache and
//! originals the user opened, with no bytes crossing IPC. Nothing else is served.

use std::path::{Component, Path, PathBuf};

use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
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

/// URL of an opened original.
pub fn file_url(path: &Path) -> String {
    format!("{}/file/{}", base(), utf8_percent_encode(&path.to_string_lossy(), NON_ALPHANUMERIC))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("webp") => "image/webp",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        Some("tif" | "tiff") => "image/tiff",
        Some("avif") => "image/avif",
        _ => "application/octet-stream",
    }
}

/// Maps a request path to a file it may serve, or the status to answer with.
fn resolve(state: &SrVulkanManagerState, path: &str) -> Result<(PathBuf, bool), StatusCode> {
    if let Some(relative) = path.strip_prefix("/cache/") {
        let relative = Path::new(relative);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(StatusCode::FORBIDDEN);
        }
        let root = state.cache().root().to_path_buf();
        return Ok((root.join(relative), true));
    }
    if let Some(encoded) = path.strip_prefix("/file/") {
        let decoded = percent_decode_str(encoded).decode_utf8().map_err(|_| StatusCode::BAD_REQUEST)?;
        let file = PathBuf::from(decoded.as_ref());
        return if state.gallery.is_opened(&file) { Ok((file, false)) } else { Err(StatusCode::FORBIDDEN) };
    }
    Err(StatusCode::NOT_FOUND)
}

fn respond(state: &SrVulkanManagerState, path: &str) -> Response<Vec<u8>> {
    let status_only = |status: StatusCode| Response::builder().status(status).body(Vec::new()).expect("valid response");
    let (file, immutable) = match resolve(state, path) {
        Ok(found) => found,
        Err(status) => return status_only(status),
    };
    match std::fs::read(&file) {
        Ok(bytes) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type(&file))
            .header(header::CACHE_CONTROL, if immutable { "max-age=31536000, immutable" } else { "no-cache" })
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .body(bytes)
            .expect("valid response"),
        Err(_) => status_only(StatusCode::NOT_FOUND),
    }
}

/// The protocol handler: reads the file on a blocking thread, never on the UI thread.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_owned();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<SrVulkanManagerState>();
        responder.respond(respond(&state, &path));
    });
}
