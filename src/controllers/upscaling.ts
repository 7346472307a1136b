// Upscaling: the pages on screen first, then (once they are done) the ones ahead. Requests,
// results, progress and the reasons a page is not upscaled are kept by page id; a result that
// comes back for a request no longer current (the page left, the settings changed, another
// location opened) is dropped.
import type { PageRegion, Priority, TileImage, TileOrder, UpscaledImage, UpscaleProgress } from "../bindings";
import { CommandError, describeError, type UpscaleApi } from "../api";
import { aheadOfScreen, engineReady, indexOf, onScreenByPriority, pages, upscaleFinished, upscaleOf, withEntry, type AppState, type PageId, type PageUpscale } from "../app/state";
import type { Store } from "../app/store";
import { RequestTracker } from "../state/requests";
import { displayHeight } from "../state/rules";
import { visibleBand } from "../state/strip";
import { settingsKey, toRequestRules, toSkipRules, toUpscaleOptions } from "../state/settings";
import { t } from "../i18n/i18n";

/** Failures that may pass (a busy or restarted engine, memory, I/O): such a page is asked for
 *  again when it comes back on screen. The others (a damaged or oversized page) stay. */
const PASSING_FAILURES = new Set(["timeout", "upscale_failed", "out_of_memory", "engine_unavailable", "io", "python", "internal"]);

/** Where the reader looks, read when a page is asked for. */
export interface ReaderView {
  /** The strip's viewport: its top in the strip and its height, in CSS pixels. */
  strip(): { top: number; height: number };
  /** The part of the page in `slot` on screen, when only part of it is (zoomed in). */
  page(slot: number): PageRegion | null;
}

export class UpscaleController {
  private tracker = new RequestTracker();

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: UpscaleApi,
    private readonly now: () => number = () => performance.now(),
    /** The height the rules upscale towards: the screen's, in device pixels. */
    private readonly targetHeight: () => number = displayHeight,
    /** Where the reader looks now (the state keeps the strip's top only as often as the pages
     *  in view change, and zoom not at all). */
    private readonly looking: ReaderView = {
      strip: () => ({ top: store.state.reading.strip?.scrollTop ?? 0, height: globalThis.innerHeight ?? 0 }),
      page: () => null,
    },
  ) {
    store.subscribe((state, previous) => this.follow(state, previous));
  }

  /** U: on or off. Off stops asking; the results already there are kept for later. */
  toggle(): void {
    const { error } = this.store.state.engine;
    if (error) {
      this.store.update((s) => ({ view: { ...s.view, alert: t("status.upscalingUnavailable", { error }) } }));
      return;
    }
    this.store.update((s) => ({ upscale: { ...s.upscale, on: !s.upscale.on } }));
  }

  /** After a cache cleanup, results must be asked for again. */
  forget(): void {
    this.cancel(this.tracker.forget());
    this.store.update((s) => ({ upscale: { ...s.upscale, pages: new Map(), pending: 0, cached: new Set() } }));
    this.schedule();
  }

  private follow(state: AppState, previous: AppState): void {
    const newPages = state.reading.location !== previous.reading.location;
    if (newPages || settingsKey(state.settings) !== settingsKey(previous.settings)) {
      this.forget();
      return;
    }
    if (!state.upscale.on && previous.upscale.on) this.stop();
    if (state.reading.onScreen !== previous.reading.onScreen) {
      this.leftScreen(previous.reading.onScreen.filter((id) => !state.reading.onScreen.includes(id)));
      this.cameBack(state.reading.onScreen.filter((id) => !previous.reading.onScreen.includes(id)));
    }
    this.schedule();
  }

  /** Stops asking (upscaling turned off); results already there are kept, tiles are not. */
  private stop(): void {
    this.cancel(this.tracker.forget());
    this.store.update((s) => {
      const kept = new Map([...s.upscale.pages].map(([id, page]) => [id, { ...page, progress: undefined, tiles: undefined }]));
      return { upscale: { ...s.upscale, pages: kept, pending: 0 } };
    });
  }

  /** Pages whose results left the screen read as cached from now on. */
  private leftScreen(left: readonly PageId[]): void {
    const shown = left.filter((id) => upscaleOf(this.store.state, id).result);
    if (shown.length === 0) return;
    this.store.update((s) => {
      let map = s.upscale.pages;
      for (const id of shown) map = withEntry(map, id, { ...upscaleOf(s, id), computedOnScreen: false, preloaded: false, shownBefore: true });
      return { upscale: { ...s.upscale, pages: map } };
    });
  }

  /** Pages back on screen are asked for again after a failure that may pass, and after their
   *  result was shown: the engine answers from its cache, and counts the hit. */
  private cameBack(arrived: readonly PageId[]): void {
    const retry = arrived.filter((id) => upscaleOf(this.store.state, id).failureMayPass);
    for (const id of arrived.filter((id) => upscaleOf(this.store.state, id).shownBefore)) this.tracker.again(id);
    if (retry.length === 0) return;
    for (const id of retry) this.tracker.again(id);
    this.store.update((s) => {
      let map = s.upscale.pages;
      for (const id of retry) map = withEntry(map, id, { ...upscaleOf(s, id), failure: undefined, failureMayPass: undefined });
      return { upscale: { ...s.upscale, pages: map } };
    });
  }

  /** Asks for what is wanted now; asking again for the same pages changes nothing. */
  private schedule(): void {
    const state = this.store.state;
    if (state.upscale.on && pages(state).length > 0 && engineReady(state)) {
      const wanted = onScreenByPriority(state).filter((id) => !state.reading.problems.has(id));
      const screenDone = wanted.every((id) => upscaleFinished(upscaleOf(state, id)));
      const ahead = screenDone ? aheadOfScreen(state).filter((id) => !upscaleOf(state, id).skipped) : [];
      const plan = this.tracker.plan([...wanted], ahead);
      this.cancel(plan.cancel);
      for (const request of plan.start) void this.upscale(request.page, request.requestId, request.priority);
    }
    this.setPending();
  }

  private setPending(): void {
    const pending = this.tracker.pending;
    if (pending !== this.store.state.upscale.pending) this.store.update((s) => ({ upscale: { ...s.upscale, pending } }));
  }

  private cancel(requestIds: string[]): void {
    if (requestIds.length > 0) this.api.cancel(requestIds);
  }

  private async upscale(page: PageId, requestId: string, priority: Priority): Promise<void> {
    const settings = this.store.state.settings;
    const onProgress = ({ progress, tile }: UpscaleProgress) => {
      if (!this.tracker.isCurrent(page, requestId)) return;
      const previous = upscaleOf(this.store.state, page).progress;
      const going = progress.phase === "computing" && previous?.phase === "computing";
      const since = going ? previous.since : this.now();
      const doneSince = going ? (previous.doneSince ?? 0) : progress.done;
      this.setPage(page, (p) => {
        // The page's tiles so far, whichever request reported them: the settings are the same.
        const list = tile ? withTile(p.tiles?.list ?? [], tile) : undefined;
        const tiles = list && list !== p.tiles?.list ? { key: p.tiles?.key ?? requestId, list } : p.tiles;
        return { ...p, progress: { ...progress, since, doneSince }, tiles };
      });
    };
    let outcome: Partial<PageUpscale> | null;
    try {
      const result: UpscaledImage = await this.api.upscale({ requestId, pageId: page, options: toUpscaleOptions(settings), priority, skip: toSkipRules(settings), modelRules: toRequestRules(settings, this.targetHeight), tileOrder: this.tileOrder(page) }, onProgress);
      const onScreen = this.store.state.reading.onScreen.includes(page);
      outcome = { result, failure: undefined, computedOnScreen: !result.fromCache && onScreen, preloaded: !result.fromCache && !onScreen, shownBefore: false };
    } catch (e) {
      if (e instanceof CommandError && e.kind === "cancelled") outcome = null;
      else if (e instanceof CommandError && e.kind === "skipped") outcome = { skipped: e.message.replace(/^not upscaled: /, "") };
      else outcome = { failure: describeError(e), failureMayPass: e instanceof CommandError && PASSING_FAILURES.has(e.kind) };
    }
    // A page with an outcome is not asked for again (until the results are forgotten).
    if (!this.tracker.finished(page, requestId, outcome !== null)) return;
    // The change reschedules: once the pages on screen are done, the preloads start.
    this.setPage(page, (p) => ({ ...p, ...outcome, progress: undefined }));
  }

  /** The reader's order for the page's tiles: from the top, in the book's direction; the part
   *  in view first (the band of a strip page, or the part of a zoomed page on screen). */
  private tileOrder(page: PageId): TileOrder {
    const state = this.store.state;
    const strip = state.reading.strip;
    let focus: PageRegion | null = null;
    if (strip) {
      const view = this.looking.strip();
      const index = indexOf(state, page);
      focus = index >= 0 ? visibleBand(strip.layout, index, view.top, view.height) : null;
    } else {
      const slot = state.reading.onScreen.indexOf(page);
      focus = slot >= 0 ? this.looking.page(slot) : null;
    }
    return { rightToLeft: state.settings.direction === "rtl", focus };
  }

  private setPage(page: PageId, change: (page: PageUpscale) => PageUpscale): void {
    this.store.update((s) => ({ upscale: { ...s.upscale, pages: withEntry(s.upscale.pages, page, change(upscaleOf(s, page))) } }));
  }
}

/** `list` with `tile`: one tile per rectangle, the newest URL (an older one may have been
 *  dropped by the app). */
export function withTile(list: readonly TileImage[], tile: TileImage): readonly TileImage[] {
  const at = list.findIndex((t) => sameRect(t, tile));
  if (at < 0) return [...list, tile];
  if (list[at].url === tile.url) return list;
  return list.map((t, i) => (i === at ? tile : t));
}

export function sameRect(a: TileImage, b: TileImage): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height && a.scale === b.scale;
}
