//! The first frame of a window opened on a path (`srview-app PATH`): the webview learns the
//! path's name before its page loads, so its first paint says "Opening NAME…" rather than
//! the empty "Open an image…" screen.

use std::path::Path;

use tauri::plugin::{Builder, TauriPlugin};
use tauri::Runtime;

/// The script run before the page's own: it keeps the name for the frontend
/// (`window.__SRVIEW_OPENING__`) and writes it into the stage's hint (`#empty-hint`, see
/// `src/ui/ids.js`) as the parser adds it, before anything is painted.
pub fn script(path: &Path) -> String {
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let name = serde_json::to_string(&name).expect("a string serialises");
    format!(
        r#"window.__SRVIEW_OPENING__ = {name};
new MutationObserver((_, observer) => {{
  const hint = document.getElementById("empty-hint");
  if (!hint) return;
  observer.disconnect();
  hint.textContent = "Opening " + {name} + "…";
  hint.classList.add("opening");
}}).observe(document, {{ childList: true, subtree: true }});"#
    )
}

pub fn plugin<R: Runtime>(path: &Path) -> TauriPlugin<R> {
    Builder::new("opening").js_init_script(script(path)).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_carries_the_name_as_a_javascript_string() {
        let script = script(Path::new("/books/Vol \"1\" <b>.cbz"));
        assert!(script.starts_with(r#"window.__SRVIEW_OPENING__ = "Vol \"1\" <b>.cbz";"#), "{script}");
        assert!(script.contains(r#""Opening " + "Vol \"1\" <b>.cbz" + "…""#), "{script}");
    }
}
