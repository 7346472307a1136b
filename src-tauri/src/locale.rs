//! The system's locale for the interface's language: read here from LC_ALL, LC_MESSAGES and
//! LANG (`sys-locale`), because WebKitGTK's `navigator.language` follows them only when the
//! locale is generated on the system. The script run before the page's own keeps it as
//! `window.__SRVIEW_LOCALE__`; the frontend chooses its language from it (src/i18n/i18n.ts).

use tauri::plugin::{Builder, TauriPlugin};
use tauri::Runtime;

/// The frontend's catalogue for `locale` ("ja-JP", "zh_CN.UTF-8"), as `matchLanguage` in
/// src/i18n/i18n.ts chooses it: Japanese, Chinese, else English.
pub fn language_of(locale: Option<&str>) -> &'static str {
    let tag = locale.unwrap_or_default().to_ascii_lowercase();
    match tag.split(['-', '_', '.', '@']).next().unwrap_or_default() {
        "ja" => "ja",
        "zh" => "zh-CN",
        _ => "en",
    }
}

/// The script that hands `locale` ("ja-JP", or none) to the page.
pub fn script(locale: Option<&str>) -> String {
    let locale = serde_json::to_string(&locale).expect("a string serialises");
    format!("window.__SRVIEW_LOCALE__ = {locale};")
}

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    let locale = sys_locale::get_locale();
    tracing::debug!(?locale, "system locale");
    Builder::new("locale").js_init_script(script(locale.as_deref())).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_carries_the_locale_as_a_javascript_string() {
        assert_eq!(script(Some("ja-JP")), r#"window.__SRVIEW_LOCALE__ = "ja-JP";"#);
        assert_eq!(script(None), "window.__SRVIEW_LOCALE__ = null;");
    }

    #[test]
    fn the_locale_names_a_catalogue() {
        assert_eq!(language_of(Some("ja-JP")), "ja");
        assert_eq!(language_of(Some("zh_CN.UTF-8")), "zh-CN");
        assert_eq!(language_of(Some("C")), "en");
        assert_eq!(language_of(None), "en");
    }
}
