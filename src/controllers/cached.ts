// Which pages are already upscaled with the current settings: asked of the cache when a
// location opens, the settings change what a result is, or an export ends, for the marks in the
// thumbnail strip.
// The cache reads and hashes each page it is asked about, so a long book's pages are asked once
// the first screen's pages are known, those around it first and the rest in later calls.
import type { PagesApi } from "../api";
import { engineReady, onScreenIndices, pages, type AppState } from "../app/state";
import type { Store } from "../app/store";
import { Latest } from "../state/requests";
import { displayHeight } from "../state/rules";
import { settingsKey, toRequestRules, toUpscaleOptions } from "../state/settings";

/** Pages on each side of the first one on screen asked about first (the thumbnails in view). */
export const CACHED_NEAR = 32;
/** Pages asked about in each later call. */
export const CACHED_PER_CALL = 250;

export class CachedPagesController {
  private latest = new Latest();
  /** The ticket of an ask that waits for the first screen's pages. */
  private waiting: number | null = null;

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<PagesApi, "cached">,
  ) {
    store.watch(
      (s) => [s.reading.location, settingsKey(s.settings), engineReady(s)],
      () => this.restart(),
    );
    store.watch(
      (s) => s.reading.onScreen,
      () => this.start(),
    );
    // An export filled the cache: its pages get their marks, the known ones stay meanwhile.
    store.watch(
      (s) => s.exporting.phase,
      (phase, before) => before === "running" && phase === "done" && this.refresh(),
    );
  }

  private refresh(): void {
    const at = onScreenIndices(this.store.state)[0];
    if (at === undefined || !engineReady(this.store.state)) return;
    this.waiting = null;
    void this.ask(this.latest.next(), at);
  }

  private restart(): void {
    this.waiting = this.latest.next();
    this.store.update((s) => ({ upscale: { ...s.upscale, cached: new Set() } }));
    this.start();
  }

  private start(): void {
    const ticket = this.waiting;
    const state = this.store.state;
    if (ticket === null) return;
    if (pages(state).length === 0 || !engineReady(state)) {
      this.waiting = null;
      return;
    }
    const at = onScreenIndices(state)[0];
    if (at === undefined) return;
    this.waiting = null;
    void this.ask(ticket, at);
  }

  private async ask(ticket: number, at: number): Promise<void> {
    const state = this.store.state;
    const ids = pages(state).map((image) => image.id);
    const from = Math.max(0, at - CACHED_NEAR);
    const to = Math.min(ids.length, at + CACHED_NEAR + 1);
    const rest = ids.slice(to).concat(ids.slice(0, from).reverse());
    const calls = [ids.slice(from, to)];
    for (let i = 0; i < rest.length; i += CACHED_PER_CALL) calls.push(rest.slice(i, i + CACHED_PER_CALL));
    const options = toUpscaleOptions(state.settings);
    const rules = toRequestRules(state.settings, displayHeight);
    for (const call of calls) {
      const cached = await this.api.cached(call, options, rules).catch((e) => {
        console.warn("cached pages unavailable", e);
        return [];
      });
      if (!this.latest.isLatest(ticket)) return;
      if (cached.length > 0) this.store.update((s) => ({ upscale: { ...s.upscale, cached: new Set([...s.upscale.cached, ...cached]) } }));
    }
  }
}
