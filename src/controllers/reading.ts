// Reading: which pages are on screen, moving through them, and what is known of them (sizes
// for spreads, and why a page cannot be shown). This paged reader is one way of putting pages
// on screen (`reading.onScreen`); the vertical strip (controllers/strip.ts) is the other: with
// the reading mode "strip", opening, jumps and turns go to it, and the parts that follow
// `onScreen` (upscaling, status, thumbnails) follow it the same way.
import type { OpenedLocation } from "../bindings";
import type { PagesApi } from "../api";
import { indexOf, onScreenIndices, pages, readingMode, sizesByIndex, withEntry, type AppState, type PageId } from "../app/state";
import type { Store } from "../app/store";
import type { Library } from "../state/library";
import * as layout from "../state/reading";
import { t } from "../i18n/i18n";
import type { StripPosition } from "../state/strip";
import { WHEEL_DEADZONE, wheelAmount } from "./scrolling";

/** What the reader asks of the vertical strip (controllers/strip.ts). */
export interface StripReader {
  readonly active: boolean;
  /** The window shows the strip's last pixels. */
  readonly atEnd: boolean;
  open(position: StripPosition): void;
  close(): void;
  showIndex(index: number): void;
  step(direction: 1 | -1): void;
  end(): void;
}

/** At the end of a book, a turn opens the next book only after the reader paused this long:
 *  fast presses (or a held key) stop at the end-of-book banner. */
export const NEXT_BOOK_PAUSE_MS = 700;

export class ReadingController {
  /** When the last turn past the end was asked for (the clock of `now`). */
  private lastTurnPastEnd = -Infinity;
  /** The next book being opened by moving forward, until it opens. */
  private openingForward: string | null = null;

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<PagesApi, "info">,
    private readonly library: Pick<Library, "lastPage" | "lastPosition" | "remember">,
    /** Opens another location (the next book). */
    private readonly openPath: (path: string) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly strip: StripReader | null = null,
  ) {
    // A spread regroups when it is turned on or off, or the cover stands alone (not while a
    // book opens with its own: it has nothing on screen yet, and `open` shows its page).
    store.watch(
      (s) => [s.settings.spread, s.settings.shift],
      (_, previous) => previous && !this.strip?.active && this.state.reading.onScreen.length > 0 && this.showIndex(this.index),
    );
    // W, or Settings: the strip from the page shown, or pages from the one at the strip's top
    // (not while a book opens with its own mode: `open` reads it).
    store.watch(
      (s) => s.settings.readingMode,
      (mode, previous) => previous && (this.state.reading.onScreen.length > 0 || this.strip?.active) && this.switchMode(mode),
    );
    // In the strip too, a page that comes on screen damaged is said to be so at once.
    store.watch(
      (s) => s.reading.onScreen,
      (onScreen) => {
        const location = this.state.reading.location;
        if (this.strip?.active && location) void this.checkPages(location, onScreen);
      },
    );
  }

  private switchMode(mode: "pages" | "strip"): void {
    if (!this.strip) return;
    const index = this.index;
    if (mode === "strip") {
      this.strip.open({ index, offset: 0 });
    } else {
      this.strip.close();
      this.showIndex(index);
    }
  }

  private get state(): AppState {
    return this.store.state;
  }

  private get count(): number {
    return pages(this.state).length;
  }

  /** The first page on screen, by index. */
  get index(): number {
    return onScreenIndices(this.state)[0] ?? 0;
  }

  /** A location was opened: a book resumes where it was left. */
  open(location: OpenedLocation): void {
    const forward = this.openingForward === location.path;
    this.openingForward = null;
    this.strip?.close();
    this.store.update((s) => ({
      reading: { location, onScreen: [], sizes: new Map(), problems: new Map(), atBookEnd: false, enteredAtEnd: false, opening: null, strip: null },
      view: { ...s.view, alert: null },
    }));
    if (location.images.length === 0) return;
    const count = location.images.length;
    if (this.strip && this.state.settings.readingMode === "strip") {
      const position = location.kind === "book" ? this.library.lastPosition(location.path, count) : null;
      this.strip.open(position ?? { index: location.startIndex, offset: 0 });
      return;
    }
    const saved = location.kind === "book" ? this.library.lastPage(location.path, count) : null;
    // Reached by reading on: its saved page, or its beginning (a finished book starts again).
    const finished = saved !== null && saved === layout.lastGroup(count, readingMode(this.state.settings), sizesByIndex(this.state));
    if (forward) this.showIndex(saved !== null && !finished ? saved : 0);
    else this.showIndex(saved ?? location.startIndex);
  }

  /** Shows the group holding page `id`. */
  show(id: PageId): void {
    const index = indexOf(this.state, id);
    if (index >= 0) this.showIndex(index);
  }

  /** Shows the group holding page `index`; `atEnd` enters it at its end (scrolling back into it). */
  showIndex(index: number, atEnd = false): void {
    const location = this.state.reading.location;
    if (!location || this.count === 0) return;
    if (this.strip?.active) {
      this.strip.showIndex(index);
      return;
    }
    const group = layout.groupAt(index, this.count, readingMode(this.state.settings), sizesByIndex(this.state));
    const onScreen = group.map((i) => location.images[i].id);
    this.store.update((s) => ({
      reading: { ...s.reading, onScreen, atBookEnd: false, enteredAtEnd: atEnd },
      view: { ...s.view, alert: null, notice: null },
    }));
    if (location.kind === "book") {
      void this.library.remember({ path: location.path, title: location.title, page: group[0], last: group[group.length - 1], pages: this.count });
    }
    void this.learnSizes(location);
    void this.checkPages(location, onScreen);
  }

  first(): void {
    this.showIndex(0);
  }

  last(): void {
    if (this.strip?.active) return this.strip.end();
    this.showIndex(layout.lastGroup(this.count, readingMode(this.state.settings), sizesByIndex(this.state)));
  }

  /**
   * The next or previous group (a previous one entered at its end when `fromEdge`, as scrolling
   * back into it). Past the last page the next book is offered; a turn after a pause opens it,
   * unless `mayOpenNextBook` is false (a click on the page: only the banner opens it).
   */
  step(direction: 1 | -1, fromEdge = false, mayOpenNextBook = true): void {
    if (this.count === 0) return;
    if (this.strip?.active) return direction > 0 && this.strip.atEnd ? this.turnPastEnd(mayOpenNextBook) : this.strip.step(direction);
    const mode = readingMode(this.state.settings);
    const sizes = sizesByIndex(this.state);
    const target = direction > 0 ? layout.nextGroup(this.index, this.count, mode, sizes) : layout.previousGroup(this.index, this.count, mode, sizes);
    if (target !== null) {
      this.showIndex(target, direction < 0 && fromEdge);
      return;
    }
    if (direction > 0) this.turnPastEnd(mayOpenNextBook);
  }

  /** A wheel event on the strip, which scrolls natively: one down with the strip already at its
   *  end (a touchpad's drift aside) is a turn past the end, as ↓ there is. */
  stripWheel(deltaY: number, deltaMode = 0): void {
    if (!this.strip?.active || deltaY <= 0 || !this.strip.atEnd) return;
    const amount = wheelAmount(deltaY, deltaMode);
    if (typeof amount !== "number" && amount.pixels < WHEEL_DEADZONE) return;
    this.turnPastEnd();
  }

  /** A turn past the last page: the end-of-book banner, then (a deliberate second turn) the next book. */
  turnPastEnd(mayOpenNextBook = true): void {
    const location = this.state.reading.location;
    if (!location?.nextBook) {
      // The last book here: the banner says so, and there is nothing to open.
      if (location?.kind === "book") this.store.update((s) => ({ reading: { ...s.reading, atBookEnd: true } }));
      return;
    }
    const now = this.now();
    const paused = now - this.lastTurnPastEnd >= NEXT_BOOK_PAUSE_MS;
    this.lastTurnPastEnd = now;
    if (this.state.reading.atBookEnd && paused && mayOpenNextBook) {
      this.openNextBook();
      return;
    }
    this.store.update((s) => ({ reading: { ...s.reading, atBookEnd: true } }));
  }

  /** Opens the book after this one (a click on the end-of-book banner, or a deliberate turn). */
  openNextBook(): void {
    const next = this.state.reading.location?.nextBook;
    if (!next) return;
    this.openingForward = next.path;
    // Turns made while it opens stop at the banner again.
    this.lastTurnPastEnd = this.now();
    this.store.update((s) => ({ reading: { ...s.reading, atBookEnd: false } }));
    this.openPath(next.path);
  }

  arrow(key: "ArrowLeft" | "ArrowRight", mayOpenNextBook = true): void {
    this.step(layout.arrowStep(key, this.state.settings.direction), false, mayOpenNextBook);
  }

  /** The webview could not show the original in `slot` (of the pages on screen). */
  originalFailed(slot: number): void {
    const id = this.state.reading.onScreen[slot];
    if (id === undefined || this.state.reading.problems.has(id)) return;
    this.setProblems([[id, { kind: "not_an_image", message: t("status.notShowable") }]]);
  }

  /** Page sizes near the position, for spreads; the pairing is redone when they arrive. */
  private async learnSizes(location: OpenedLocation): Promise<void> {
    const known = sizesByIndex(this.state);
    const needed = layout.sizesNeeded(this.index, this.count, known).map((i) => location.images[i].id);
    if (needed.length === 0) return;
    const infos = await this.api.info(needed, false).catch(() => []);
    if (location !== this.state.reading.location) return;
    const before = onScreenIndices(this.state).join();
    const sizes = new Map(this.state.reading.sizes);
    for (const info of infos) if (info.width > 0) sizes.set(info.id, { width: info.width, height: info.height });
    this.store.update((s) => ({ reading: { ...s.reading, sizes } }));
    if (!this.state.settings.spread) return;
    const regrouped = layout.groupAt(this.index, this.count, readingMode(this.state.settings), sizesByIndex(this.state));
    if (regrouped.join() !== before) this.showIndex(this.index);
  }

  /** Says at once when a page on screen is damaged or too large, rather than showing an empty stage. */
  private async checkPages(location: OpenedLocation, onScreen: readonly PageId[]): Promise<void> {
    const unchecked = onScreen.filter((id) => !this.state.reading.problems.has(id));
    const infos = await this.api.info(unchecked, true).catch(() => []);
    if (location !== this.state.reading.location) return;
    this.setProblems(infos.flatMap((info) => (info.problem ? [[info.id, info.problem] as const] : [])));
  }

  private setProblems(found: readonly (readonly [PageId, { kind: string; message: string }])[]): void {
    if (found.length === 0) return;
    this.store.update((s) => {
      let problems = s.reading.problems;
      for (const [id, problem] of found) problems = withEntry(problems, id, problem);
      return { reading: { ...s.reading, problems } };
    });
  }
}
