// Settings: loaded from the store the desktop keeps them in, changed by the panel, the
// toolbar and the keys, and saved on each change.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import type { KeyValueStore } from "../state/library";
import { normalizeSettings, type FitMode, type Settings } from "../state/settings";

const FITS: FitMode[] = ["page", "width", "height"];
/** Whether upscaling (U) was on when the app last ran. */
const UPSCALING_KEY = "upscaling";

export class SettingsController {
  constructor(
    private readonly store: Store<AppState>,
    private readonly saved: KeyValueStore | null,
  ) {}

  /** The saved settings; upscaling starts on as "Upscale on open" says, or as it was left. */
  async load(): Promise<void> {
    const settings = normalizeSettings(await this.saved?.get("settings"));
    const wasOn = (await this.saved?.get(UPSCALING_KEY)) === true;
    this.store.update((s) => ({ settings, upscale: { ...s.upscale, on: settings.autoUpscale || wasOn } }));
    this.store.watch(
      (s) => s.upscale.on,
      (on, before) => before !== undefined && void this.saved?.set(UPSCALING_KEY, on),
    );
  }

  change(next: Settings): void {
    const settings = normalizeSettings(next);
    void this.saved?.set("settings", settings);
    this.store.update({ settings });
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

  cycleFit(): void {
    this.change({ ...this.current, fit: FITS[(FITS.indexOf(this.current.fit) + 1) % FITS.length] });
  }
}
