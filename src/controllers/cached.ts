// Which pages are already upscaled with the current settings: asked of the cache when a
// location opens or the settings change what a result is, for the marks in the thumbnail strip.
import type { PagesApi } from "../api";
import { engineReady, pages, type AppState } from "../app/state";
import type { Store } from "../app/store";
import { Latest } from "../state/requests";
import { displayHeight } from "../state/rules";
import { settingsKey, toRequestRules, toUpscaleOptions } from "../state/settings";

export class CachedPagesController {
  private latest = new Latest();

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<PagesApi, "cached">,
  ) {
    store.watch(
      (s) => [s.reading.location, settingsKey(s.settings), engineReady(s)],
      () => void this.ask(),
    );
  }

  private async ask(): Promise<void> {
    const ticket = this.latest.next();
    const state = this.store.state;
    this.store.update((s) => ({ upscale: { ...s.upscale, cached: new Set() } }));
    const ids = pages(state).map((image) => image.id);
    if (ids.length === 0 || !engineReady(state)) return;
    const rules = toRequestRules(state.settings, displayHeight);
    const cached = await this.api.cached(ids, toUpscaleOptions(state.settings), rules).catch((e) => {
      console.warn("cached pages unavailable", e);
      return [];
    });
    if (!this.latest.isLatest(ticket)) return;
    this.store.update((s) => ({ upscale: { ...s.upscale, cached: new Set(cached) } }));
  }
}
