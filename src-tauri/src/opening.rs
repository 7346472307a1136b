//! The first frame of a window opened on a path (`srview-app PATH`): the webview learns the
//! path's name before its page loads, so its first paint says "Opening NAME…" rather than
//! the empty "Open an image…" screen.

use std::path::Path;

use tauri::plugin::{Builder, TauriPlugin};
use tauri::Runtime;

/// The frontend's catalogues, where "Opening NAME…" is `stage.opening` in each language.
const CATALOGUES: [(&str, &str); 3] = [
    ("en", include_str!("../../src/i18n/locales/en.ts")),
    ("ja", include_str!("../../src/i18n/locales/ja.ts")),
    ("zh-CN", include_str!("../../src/i18n/locales/zh-CN.ts")),
];

/// What comes before and after the name in "Opening NAME…" in `language` (English if unknown).
fn opening_phrase(language: &str) -> (String, String) {
    let source = CATALOGUES.iter().find(|(l, _)| *l == language).unwrap_or(&CATALOGUES[0]).1;
    let phrase = source
        .lines()
        .find_map(|line| line.trim().strip_prefix("opening: \"")?.strip_suffix("\","))
        .expect("stage.opening is in every catalogue");
    let (before, after) = phrase.split_once("{{name}}").expect("stage.opening names the book");
    (
        serde_json::to_string(before).expect("a string serialises"),
        serde_json::to_string(after).expect("a string serialises"),
    )
}

/// The script run before the page's own: it keeps the name for the frontend
/// (`window.__SRVIEW_OPENING__`) and writes it into the stage's hint (`#empty-hint`, see
/// `src/ui/ids.js`) as the parser adds it, before anything is painted, in the system's
/// `language` (the frontend follows the Settings once it runs).
pub fn script(path: &Path, language: &str) -> String {
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let name = serde_json::to_string(&name).expect("a string serialises");
    let (before, after) = opening_phrase(language);
    format!(
        r#"window.__SRVIEW_OPENING__ = {name};
new MutationObserver((_, observer) => {{
  const hint = document.getElementById("empty-hint");
  if (!hint) return;
  observer.disconnect();
  hint.textContent = {before} + {name} + {after};
  hint.classList.add("opening");
}}).observe(document, {{ childList: true, subtree: true }});"#
    )
}

pub fn plugin<R: Runtime>(path: &Path) -> TauriPlugin<R> {
    let language = crate::locale::language_of(sys_locale::get_locale().as_deref());
    Builder::new("opening").js_init_script(script(path, language)).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_carries_the_name_as_a_javascript_string() {
        let script = script(Path::new("/books/Vol \"1\" <b>.cbz"), "en");
        assert!(script.starts_with(r#"window.__SRVIEW_OPENING__ = "Vol \"1\" <b>.cbz";"#), "{script}");
        assert!(script.contains(r#""Opening " + "Vol \"1\" <b>.cbz" + "…""#), "{script}");
    }

    #[test]
    fn the_first_frame_says_it_in_the_system_language_from_the_frontend_catalogue() {
        assert!(script(Path::new("/b/Vol 1.cbz"), "ja").contains(r#""" + "Vol 1.cbz" + " を開いています…""#));
        assert!(script(Path::new("/b/Vol 1.cbz"), "zh-CN").contains(r#""正在打开 " + "Vol 1.cbz" + "…""#));
        assert!(script(Path::new("/b/Vol 1.cbz"), "fr").contains(r#""Opening " + "Vol 1.cbz" + "…""#));
    }
}
