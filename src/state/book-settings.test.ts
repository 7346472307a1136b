import { describe, expect, it } from "vitest";
import { bookSettingsOf, changedBookSettings, normalizeBookSettings, normalizeBookSettingsByPath, ownNote, withBookSettings } from "./book-settings";
import { DEFAULT_SETTINGS } from "./settings";

describe("per-book settings", () => {
  it("keep only the valid stored values; the rest follow the defaults", () => {
    expect(normalizeBookSettings({ direction: "rtl", spread: "yes", shift: true, readingMode: "scroll", fit: "width" })).toEqual({ direction: "rtl", shift: true });
    expect(normalizeBookSettings({ direction: "up", spread: 1 })).toEqual({});
    expect(normalizeBookSettings(null)).toEqual({});
    expect(normalizeBookSettings([true])).toEqual({});
    expect(normalizeBookSettingsByPath({ "/a.cbz": { readingMode: "strip" }, "/b.cbz": { direction: 3 }, "/c": "rtl", "": { spread: true } })).toEqual({ "/a.cbz": { readingMode: "strip" } });
    expect(normalizeBookSettingsByPath("nonsense")).toEqual({});
  });

  it("a book with nothing of its own reads with the defaults; its own values win over them", () => {
    const defaults = { direction: "rtl", spread: true, shift: false, readingMode: "pages" } as const;
    const global = { ...DEFAULT_SETTINGS, fit: "width" as const };
    expect(bookSettingsOf(withBookSettings(global, defaults, {}))).toEqual(defaults);
    const book = withBookSettings(global, defaults, { spread: false, readingMode: "strip" });
    expect(bookSettingsOf(book)).toEqual({ direction: "rtl", spread: false, shift: false, readingMode: "strip" });
    // What is not per book stays as it was.
    expect(book.fit).toBe("width");
  });

  it("a change names only the per-book values it made", () => {
    const before = DEFAULT_SETTINGS;
    expect(changedBookSettings(before, { ...before, direction: "rtl", fit: "height" })).toEqual({ direction: "rtl" });
    expect(changedBookSettings(before, { ...before, scale: 4 })).toEqual({});
  });

  it("Settings says what the open book keeps of its own, in words", () => {
    expect(ownNote("Vol 1", {})).toBeNull();
    expect(ownNote("Vol 1", { direction: "rtl", spread: true })).toBe("Vol 1 keeps its own: two-page spread, right to left. These defaults are for the books that do not.");
  });
});
