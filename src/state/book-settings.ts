// Per-book settings: how a book is laid out (direction, spread, cover alone, reading mode).
// A book keeps what the reader changed while it was open; everything else follows the
// defaults, which Settings shows and edits. Pure, so every rule is unit-tested.
import type { Settings } from "./settings";
import { t } from "../i18n/i18n";

export type BookSettings = Pick<Settings, "direction" | "spread" | "shift" | "readingMode">;

export const BOOK_SETTING_KEYS = ["direction", "spread", "shift", "readingMode"] as const satisfies readonly (keyof BookSettings)[];

/** What each book keeps, by location path. */
export type BookSettingsByPath = Record<string, Partial<BookSettings>>;

/** The per-book part of the settings. */
export function bookSettingsOf(settings: Settings): BookSettings {
  return { direction: settings.direction, spread: settings.spread, shift: settings.shift, readingMode: settings.readingMode };
}

const VALID: { [K in keyof BookSettings]: (value: unknown) => boolean } = {
  direction: (v) => v === "ltr" || v === "rtl",
  spread: (v) => typeof v === "boolean",
  shift: (v) => typeof v === "boolean",
  readingMode: (v) => v === "pages" || v === "strip",
};

/** A book's stored values, keeping only the valid ones (the rest follow the defaults). */
export function normalizeBookSettings(raw: unknown): Partial<BookSettings> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return {};
  const input = raw as Record<string, unknown>;
  return Object.fromEntries(BOOK_SETTING_KEYS.filter((key) => VALID[key](input[key])).map((key) => [key, input[key]]));
}

/** Every book's stored values; a book left with nothing valid is dropped. */
export function normalizeBookSettingsByPath(raw: unknown): BookSettingsByPath {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return {};
  const entries = Object.entries(raw).map(([path, own]) => [path, normalizeBookSettings(own)] as const);
  return Object.fromEntries(entries.filter(([path, own]) => path !== "" && Object.keys(own).length > 0));
}

/** The settings a book reads with: its own values over the defaults. */
export function withBookSettings(settings: Settings, defaults: BookSettings, own: Partial<BookSettings>): Settings {
  return { ...settings, ...defaults, ...own };
}

/** The per-book values that differ between two settings. */
export function changedBookSettings(before: Settings, after: Settings): Partial<BookSettings> {
  return Object.fromEntries(BOOK_SETTING_KEYS.filter((key) => before[key] !== after[key]).map((key) => [key, after[key]]));
}

/** What Settings says of the open book's own values: "Vol 1 keeps its own: right to left." */
export function ownNote(title: string, own: Partial<BookSettings>): string | null {
  const words = describeOwn(own);
  return words.length === 0 ? null : t("settings.ownNote", { title, values: words.join(t("settings.listSeparator")) });
}

function describeOwn(own: Partial<BookSettings>): string[] {
  const words: string[] = [];
  if (own.spread !== undefined) words.push(t(own.spread ? "settings.own.spread" : "settings.own.single"));
  if (own.shift !== undefined) words.push(t(own.shift ? "settings.own.coverAlone" : "settings.own.coverPaired"));
  if (own.direction !== undefined) words.push(t(own.direction === "rtl" ? "settings.own.rtl" : "settings.own.ltr"));
  if (own.readingMode !== undefined) words.push(t(own.readingMode === "strip" ? "settings.own.strip" : "settings.own.pages"));
  return words;
}
