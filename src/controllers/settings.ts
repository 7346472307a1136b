// Settings: loaded from the store the desktop keeps them in, changed by the panel, the
// toolbar and the keys, and saved on each change. The per-book settings (direction, spread,
// cover alone, reading mode) are kept for each book: the toolbar and the keys change the open
// book's, the panel changes the defaults.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { bookSettingsOf, changedBookSettings, normalizeBookSettingsByPath, withBookSettings, type BookSettings, type BookSettingsByPath } from "../state/book-settings";
import type { KeyValueStore } from "../state/library";
import { normalizeSettings, type FitMode, type Settings } from "../state/settings";

const FITS: FitMode[] = ["page", "width", "height"];
/** Whether upscaling (U) was on when the app last ran. */
const UPSCALING_KEY = "upscaling";
/** Each book's own per-book settings, by location path. */
export const BOOK_SETTINGS_KEY = "bookSettings";

export class SettingsController {
  private byPath: BookSettingsByPath = {};

  constructor(
    private readonly store: Store<AppState>,
    private readonly saved: KeyValueStore | null,
  ) {}

  /** The saved settings; upscaling starts on as "Upscale on open" says, or as it was left. */
  async load(): Promise<void> {
    const settings = normalizeSettings(await this.saved?.get("settings"));
    this.byPath = normalizeBookSettingsByPath(await this.saved?.get(BOOK_SETTINGS_KEY));
    const wasOn = (await this.saved?.get(UPSCALING_KEY)) === true;
    this.store.update((s) => ({
      settings,
      book: { ...s.book, own: {}, defaults: bookSettingsOf(settings) },
      upscale: { ...s.upscale, on: settings.autoUpscale || wasOn },
    }));
    this.store.watch(
      (s) => s.upscale.on,
      (on, before) => before !== undefined && void this.saved?.set(UPSCALING_KEY, on),
    );
    // A book opens with its own values over the defaults, before its first page is shown.
    this.store.watch(
      (s) => s.reading.location?.path,
      (path) => this.useOwn(path ? (this.byPath[path] ?? {}) : {}),
    );
  }

  /** A change from the toolbar or the keys: the open book keeps its per-book values; with no
   *  book open they are the defaults. */
  change(next: Settings): void {
    const settings = normalizeSettings(next);
    const path = this.store.state.reading.location?.path;
    let { own, defaults } = this.store.state.book;
    if (path) {
      const changed = changedBookSettings(this.current, settings);
      if (Object.keys(changed).length > 0) {
        own = { ...own, ...changed };
        this.byPath = { ...this.byPath, [path]: own };
        void this.saved?.set(BOOK_SETTINGS_KEY, this.byPath);
      }
    } else {
      defaults = bookSettingsOf(settings);
    }
    void this.saved?.set("settings", { ...settings, ...defaults });
    this.store.update((s) => ({ settings, book: { ...s.book, own, defaults } }));
  }

  /** A change from the Settings panel, which shows the defaults: the open book follows them
   *  where it keeps no value of its own. */
  changeDefaults(next: Settings): void {
    const normalized = normalizeSettings(next);
    const defaults = bookSettingsOf(normalized);
    void this.saved?.set("settings", normalized);
    this.store.update((s) => ({ settings: withBookSettings(normalized, defaults, s.book.own), book: { ...s.book, defaults } }));
  }

  private useOwn(own: Partial<BookSettings>): void {
    this.store.update((s) => ({ settings: withBookSettings(s.settings, s.book.defaults, own), book: { ...s.book, own } }));
  }

  private get current(): Settings {
    return this.store.state.settings;
  }

  toggleSpread(): void {
    this.change({ ...this.current, spread: !this.current.spread });
  }

  toggleDirection(): void {
    this.change({ ...this.current, direction: this.current.direction === "rtl" ? "ltr" : "rtl" });
  }

  /** W: the open book read as a vertical strip, or by pages. */
  toggleReadingMode(): void {
    this.change({ ...this.current, readingMode: this.current.readingMode === "strip" ? "pages" : "strip" });
  }

  cycleFit(): void {
    this.change({ ...this.current, fit: FITS[(FITS.indexOf(this.current.fit) + 1) % FITS.length] });
  }
}
