// The vertical strip: where the viewport is, which pages it shows (`reading.onScreen`, the
// most visible first in `reading.strip.byVisibility`, so upscaling follows it), which to
// preload in the scroll direction, which keep their images, and the position remembered per
// book. The page sizes come from the pages' headers, a few around the position first; the
// reading position (a page and the place within it) holds while the sizes above it arrive.
import type { OpenedLocation } from "../bindings";
import type { PagesApi } from "../api";
import { type AppState, type StripState } from "../app/state";
import { shallowEqual, type Store } from "../app/store";
import type { Library } from "../state/library";
import * as strip from "../state/strip";

/** Pages on each side of the visible ones that keep their images, so a short scroll shows them at once. */
export const DECODED_MARGIN = 1;
/** Page sizes asked for first, from the position on: enough for the first screen. */
export const FIRST_SIZES = 16;
/** Page sizes asked for in each later call. */
export const SIZES_PER_CALL = 500;

export class StripController {
  private location: OpenedLocation | null = null;
  private layout: strip.StripLayout | null = null;
  private viewport = { width: 0, height: 0 };
  private scrollTop = 0;
  private position: strip.StripPosition = { index: 0, offset: 0 };
  private direction: 1 | -1 = 1;
  private moved = 0;
  private saved = "";
  /** The width PDF pages are rendered at for the strip, once the engine has it. */
  private renderWidth = 0;
  /** The first screen's sizes are known: the strip can show. */
  private ready = false;
  /** Resolves when the view says the first screen's images have loaded: the rest of the sizes
   *  wait for it, so reading their headers does not slow the first screen down. */
  private firstScreen: Promise<void> = Promise.resolve();
  private firstScreenLoaded = () => {};

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<PagesApi, "info" | "setRenderSize">,
    private readonly library: Pick<Library, "remember">,
    /** The screen, in CSS pixels, and its device pixel ratio. */
    private readonly display: () => strip.Display = () => ({ width: window.screen.width, height: window.screen.height, devicePixelRatio: window.devicePixelRatio }),
  ) {
    store.watch(
      (s) => [s.reading.sizes, s.settings.stripMaxWidth, s.settings.stripGap],
      () => this.relayout(),
    );
    // Another maximum width: pages are rendered at the new width, then shown from it.
    store.watch(
      (s) => s.settings.stripMaxWidth,
      () => this.location && void this.renderAt("strip").then(() => this.layout && this.apply(this.scrollTop, false)),
    );
    store.watch(
      (s) => s.settings.preloadCount,
      () => this.layout && this.apply(this.scrollTop, false),
    );
  }

  /** The open location is read as a strip. */
  get active(): boolean {
    return this.location !== null;
  }

  /** Reads the open location as a strip from `position`; it shows once the first sizes are known. */
  open(position: strip.StripPosition): void {
    const location = this.store.state.reading.location;
    if (!location || location.images.length === 0) return;
    this.location = location;
    this.layout = null;
    this.ready = false;
    this.direction = 1;
    this.saved = "";
    this.position = { index: Math.min(location.images.length - 1, Math.max(0, position.index)), offset: position.offset };
    this.firstScreen = new Promise((resolve) => (this.firstScreenLoaded = resolve));
    // PDF pages are rendered at the strip's width before the first one is asked for.
    void this.renderAt("strip").then(() => {
      if (this.location === location) void this.learnSizes(location, this.position.index);
    });
  }

  /** Tells the engine the size PDF pages are shown at in `mode`; a failure leaves the last one. */
  private renderAt(mode: "pages" | "strip"): Promise<void> {
    const { width, height } = strip.renderSize(mode, this.display(), this.store.state.settings.stripMaxWidth);
    return this.api.setRenderSize(width, height).then(
      () => void (mode === "strip" && (this.renderWidth = width)),
      (e) => console.warn("the render size was not set", e),
    );
  }

  /** The view: the images of the first screen have loaded (or failed). */
  screenLoaded(): void {
    this.firstScreenLoaded();
  }

  /** Back to reading by pages: the strip's pages leave the screen (the reader shows its own). */
  close(): void {
    if (this.location) void this.renderAt("pages");
    this.location = null;
    this.layout = null;
    if (this.store.state.reading.strip) this.store.update((s) => ({ reading: { ...s.reading, strip: null, onScreen: [] } }));
  }

  /** Where the viewport is now: its top in the strip and its height (CSS pixels). */
  view(): { top: number; height: number } {
    return { top: this.scrollTop, height: this.viewport.height };
  }

  /** The strip's viewport has this size (CSS pixels). */
  resized(width: number, height: number): void {
    if (width === this.viewport.width && height === this.viewport.height) return;
    this.viewport = { width, height };
    this.relayout();
  }

  /** The reader scrolled the strip (wheel, trackpad, scroll bar). */
  scrolled(scrollTop: number): void {
    if (!this.layout || Math.abs(scrollTop - this.scrollTop) < 0.5) return;
    this.direction = scrollTop > this.scrollTop ? 1 : -1;
    this.position = strip.positionAt(this.layout, scrollTop);
    this.apply(scrollTop, false);
  }

  /** Scrolls by `screens` of the window: down for positive, up for negative. */
  scrollBy(screens: number): void {
    if (!this.layout) return;
    this.moveTo(this.scrollTop + screens * this.viewport.height);
  }

  /** Puts page `index`'s top at the top of the window (as far as the strip's end allows). */
  showIndex(index: number): void {
    if (!this.layout) return;
    const last = this.layout.tops.length - 1;
    this.moveTo(this.layout.tops[Math.min(last, Math.max(0, index))]);
  }

  /** The next page's top, or the top of this one (or the previous one, when at its top). */
  step(direction: 1 | -1): void {
    const { index, offset } = this.position;
    this.showIndex(direction > 0 ? index + 1 : offset > 0.001 ? index : index - 1);
  }

  /** Whether the window shows the strip's last pixels. */
  get atEnd(): boolean {
    return !!this.layout && this.scrollTop >= this.layout.total - this.viewport.height - 1;
  }

  /** The very end of the strip. */
  end(): void {
    if (this.layout) this.moveTo(this.layout.total);
  }

  private moveTo(y: number): void {
    if (!this.layout) return;
    const top = Math.min(Math.max(0, this.layout.total - this.viewport.height), Math.max(0, y));
    if (top !== this.scrollTop) this.direction = top > this.scrollTop ? 1 : -1;
    this.position = strip.positionAt(this.layout, top);
    this.apply(top, true);
  }

  /** Lays the pages out again (sizes, width or gap changed), keeping the reading position. */
  private relayout(): void {
    const location = this.location;
    if (!location || location !== this.store.state.reading.location || this.viewport.width === 0) return;
    const images = location.images;
    // Shown once the first screen's sizes are known, so its pages do not change shape.
    if (!this.ready) return;
    const known = this.store.state.reading.sizes;
    const { stripMaxWidth, stripGap } = this.store.state.settings;
    this.layout = strip.layoutStrip(images.length, (i) => known.get(images[i].id), strip.stripWidth(this.viewport.width, stripMaxWidth), stripGap);
    this.apply(strip.scrollTopOf(this.layout, this.position, this.viewport.height), true);
  }

  /** Puts the viewport at `scrollTop` (`moved`: the view must scroll there) and says what it shows. */
  private apply(scrollTop: number, moved: boolean): void {
    const location = this.location;
    const layout = this.layout;
    if (!location || !layout) return;
    this.scrollTop = scrollTop;
    const images = location.images;
    const ids = (indices: readonly number[]) => indices.map((i) => images[i].id);
    const visible = strip.visiblePages(layout, scrollTop, this.viewport.height);
    const previous = this.store.state.reading.strip;
    const next: StripState = {
      layout,
      scrollTop,
      position: this.position,
      moved: moved ? ++this.moved : this.moved,
      byVisibility: ids(strip.byVisibility(visible)),
      ahead: ids(strip.preloadPages(visible, images.length, this.store.state.settings.preloadCount, this.direction)),
      decoded: strip.decodedRange(visible, images.length, DECODED_MARGIN),
      renderWidth: this.renderWidth,
    };
    this.remember(location, visible);
    // A scroll that changes none of what the views draw from leaves the state as it is.
    const same =
      previous &&
      previous.layout === next.layout &&
      previous.moved === next.moved &&
      shallowEqual(previous.byVisibility, next.byVisibility) &&
      shallowEqual(previous.ahead, next.ahead) &&
      shallowEqual(previous.decoded, next.decoded) &&
      previous.renderWidth === next.renderWidth;
    if (same) return;
    const onScreen = ids(visible.map((v) => v.index));
    this.store.update((s) => ({
      reading: { ...s.reading, onScreen: shallowEqual(onScreen, s.reading.onScreen) ? s.reading.onScreen : onScreen, strip: next, atBookEnd: false, enteredAtEnd: false },
    }));
  }

  /** A book remembers the page at the top of the window and the place within it. */
  private remember(location: OpenedLocation, visible: readonly strip.VisiblePage[]): void {
    if (location.kind !== "book" || visible.length === 0) return;
    const { index, offset } = strip.roundedPosition(this.position);
    const last = visible[visible.length - 1].index;
    const key = `${index}:${offset}:${last}`;
    if (key === this.saved) return;
    this.saved = key;
    void this.library.remember({ path: location.path, title: location.title, page: index, offset, last, pages: location.images.length });
  }

  /** Every page's size from its header: the first screen's first, then, once its images have
   *  loaded, the rest from the position on. */
  private async learnSizes(location: OpenedLocation, from: number): Promise<void> {
    const images = location.images;
    const order = [...images.keys()].slice(from).concat([...images.keys()].slice(0, from).reverse());
    const missing = order.filter((i) => !this.store.state.reading.sizes.has(images[i].id));
    const calls = [missing.slice(0, FIRST_SIZES)];
    for (let i = FIRST_SIZES; i < missing.length; i += SIZES_PER_CALL) calls.push(missing.slice(i, i + SIZES_PER_CALL));
    for (const [n, call] of calls.entries()) {
      if (n === 1) await this.firstScreen;
      if (location !== this.location) return;
      // A page whose size cannot be read (a damaged one) keeps the shape of the one before it.
      const infos = call.length === 0 ? [] : await this.api.info(call.map((i) => images[i].id), false).catch(() => []);
      if (location !== this.location || location !== this.store.state.reading.location) return;
      const sizes = new Map(this.store.state.reading.sizes);
      for (const info of infos) if (info.width > 0) sizes.set(info.id, { width: info.width, height: info.height });
      this.store.update((s) => ({ reading: { ...s.reading, sizes } }));
      if (!this.ready) {
        this.ready = true;
        this.relayout();
      }
    }
  }
}
