// The interface's language: i18next with the catalogues in ./locales, the language chosen from
// the Settings ("auto" follows the system locale), and the static text of index.html, which
// carries its keys in data-i18n attributes. See docs/i18n.md.
import i18next, { type TOptions } from "i18next";
import en from "./locales/en";
import ja from "./locales/ja";
import zhCN from "./locales/zh-CN";

export const LANGUAGES = ["en", "ja", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
export type LanguageChoice = "auto" | Language;
export const LANGUAGE_CHOICES: readonly LanguageChoice[] = ["auto", ...LANGUAGES];
/** Each language named in itself, as the Settings offer it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ja: "日本語", "zh-CN": "简体中文" };

export const CATALOGUES: Record<Language, object> = { en, ja, "zh-CN": zhCN };

/** The first of `locales` ("ja_JP.UTF-8", "zh-Hans-CN", "en-US"…) SRView has a catalogue for. */
export function matchLanguage(locales: readonly (string | null | undefined)[]): Language {
  for (const locale of locales) {
    const tag = (locale ?? "").split(/[.@]/)[0].replace(/_/g, "-").toLowerCase();
    if (tag === "" || tag === "c" || tag === "posix") continue;
    if (tag === "ja" || tag.startsWith("ja-")) return "ja";
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return "en";
}

/** The system's locales, most wanted first: the one the desktop side read from LC_ALL,
 *  LC_MESSAGES and LANG (src-tauri/src/locale.rs; WebKitGTK's navigator.language may not follow
 *  them), then the webview's own. */
export function systemLocales(): string[] {
  const fromDesktop = (globalThis as { __SRVIEW_LOCALE__?: unknown }).__SRVIEW_LOCALE__;
  const nav = typeof navigator === "undefined" ? [] : [...(navigator.languages ?? []), navigator.language];
  return [...(typeof fromDesktop === "string" ? [fromDesktop] : []), ...nav];
}

export function resolveLanguage(choice: LanguageChoice, locales: readonly string[] = systemLocales()): Language {
  return choice === "auto" ? matchLanguage(locales) : choice;
}

void i18next.init({
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: CATALOGUES[l] }])),
  lng: resolveLanguage("auto"),
  fallbackLng: "en",
  initAsync: false,
  interpolation: { escapeValue: false },
});

/** Options of i18next itself, not words put into the text. */
const I18NEXT_OPTIONS = new Set(["defaultValue", "count", "context", "lng", "lngs", "ns", "ordinal", "returnObjects", "joinArrays", "replace", "postProcess", "interpolation"]);
const CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const MARK = /\ue000(\d+)\ue001/g;

/** The text of `key` in the current language. In Japanese and Chinese a word put into the text
 *  stands without the spaces around it, unless it is Latin: the catalogues space their
 *  placeholders for file names ("{{folder}} 内"), which "このフォルダー 内" must not keep. */
export function t(key: string, options?: TOptions): string {
  if (currentLanguage() === "en" || !options) return i18next.t(key, options) as string;
  const words: string[] = [];
  const marked = Object.fromEntries(
    Object.entries(options).map(([name, value]) => (typeof value === "string" && !I18NEXT_OPTIONS.has(name) ? [name, `\ue000${words.push(value) - 1}\ue001`] : [name, value])),
  );
  return tightenAroundWords(i18next.t(key, marked as TOptions) as string, words);
}

/** Puts `words` in place of their marks, dropping a space between a CJK word and CJK text. */
export function tightenAroundWords(marked: string, words: string[]): string {
  let text = marked;
  text = text.replace(/(\S) (\ue000(\d+)\ue001)/g, (all, before: string, mark: string, i: string) => (CJK.test(before) && CJK.test(words[Number(i)].slice(0, 1)) ? before + mark : all));
  text = text.replace(/(\ue000(\d+)\ue001) (\S)/g, (all, mark: string, i: string, after: string) => (CJK.test(after) && CJK.test(words[Number(i)].slice(-1)) ? mark + after : all));
  return text.replace(MARK, (_, i: string) => words[Number(i)]);
}

export function currentLanguage(): Language {
  return i18next.language as Language;
}

/** Switches the language at once; the views redraw from the state. */
export function setLanguage(choice: LanguageChoice): Language {
  const language = resolveLanguage(choice);
  if (i18next.language !== language) void i18next.changeLanguage(language);
  if (typeof document !== "undefined") {
    document.documentElement.lang = language;
    translateDocument(document);
  }
  return language;
}

/** Static text in index.html: data-i18n sets the text, data-i18n-title, -aria-label and
 *  -placeholder the attributes. */
export function translateDocument(root: ParentNode): void {
  for (const node of root.querySelectorAll<HTMLElement>("[data-i18n]")) node.textContent = t(node.dataset.i18n!);
  for (const attribute of ["title", "aria-label", "placeholder"]) {
    for (const node of root.querySelectorAll<HTMLElement>(`[data-i18n-${attribute}]`)) node.setAttribute(attribute, t(node.getAttribute(`data-i18n-${attribute}`)!));
  }
}
