// The app's one state. Controllers change it through the store; views draw it. A page is
// known by its id (the backend's ImageEntry.id, new each time a location is opened); its
// index is derived from the location's list.
//
// The vertical strip (controllers/strip.ts) is another way of reading: it sets
// `reading.onScreen` to the pages in the viewport and `reading.strip` to its layout. Pages
// that fill in tile by tile add their tiles to `PageUpscale`; text in another language is a
// field here that the views watch.
import type { BatchProgress, BatchSummary, DeviceMemory, DeviceReport, EngineStats, ErrorPayload, ImageEntry, ModelListing, ModelSpeeds, OpenedLocation, Progress_Serialize, TileImage, UpscaledImage } from "../bindings";
import type { Bookmark } from "../state/bookmarks";
import { bookSettingsOf, type BookSettings } from "../state/book-settings";
import * as reading from "../state/reading";
import { DEFAULT_SETTINGS, type Settings } from "../state/settings";
import type { StripLayout, StripPosition } from "../state/strip";

export type PageId = number;

export const PANELS = ["settings", "gpu", "cache", "books", "export"] as const;
export type PanelName = (typeof PANELS)[number];

export interface ReadingState {
  location: OpenedLocation | null;
  /** The pages on screen, in page order: one, or two in a spread. Every other part reads
   *  what is shown from here, whichever way of reading put them there. */
  onScreen: readonly PageId[];
  sizes: ReadonlyMap<PageId, reading.PageSize>;
  /** Pages that cannot be shown, and why: damaged, or above the limits. */
  problems: ReadonlyMap<PageId, ErrorPayload>;
  /** At the last page, "next" once shows the next book; a second "next" opens it. */
  atBookEnd: boolean;
  /** The pages came on screen by scrolling back into them: they show their end. */
  enteredAtEnd: boolean;
  /** The name of the location being opened, until it opens or cannot be. */
  opening: string | null;
  /** Reading the vertical strip; null when reading by pages. */
  strip: StripState | null;
}

export interface StripState {
  layout: StripLayout;
  /** Where the viewport's top is in the strip, and the place it stands for. */
  scrollTop: number;
  position: StripPosition;
  /** Changes when the controller moves the viewport (a key, a jump, a layout change): the
   *  view then scrolls to `scrollTop`; a scroll the reader made does not change it. */
  moved: number;
  /** The pages on screen, the most visible first: the order they are upscaled in. */
  byVisibility: readonly PageId[];
  /** The pages to preload, in the scroll direction, nearest first. */
  ahead: readonly PageId[];
  /** The pages, by index, that keep an image in the DOM. */
  decoded: { from: number; to: number } | null;
  /** The width, in device pixels, the engine renders PDF pages at for the strip, once it said so. */
  renderWidth: number;
}

export interface PageProgress extends Omit<Progress_Serialize, "rule"> {
  /** With the model "auto": the rule that chose the model. */
  rule?: string | null;
  /** When the page started computing (performance.now()). */
  since: number;
  /** Tiles already done then (kept from an earlier visit): they took none of that time. */
  doneSince?: number;
}

/** What is known of one page's upscale. */
export interface PageUpscale {
  result?: UpscaledImage;
  /** True only for a result computed while the page was on screen (the rest read as cached). */
  computedOnScreen?: boolean;
  /** Computed ahead, before the page came on screen (not taken from the cache). */
  preloaded?: boolean;
  /** The result was on screen and the page left: when it comes back, the engine is asked
   *  again (a cache hit it counts), not only the webview's copy shown. */
  shownBefore?: boolean;
  failure?: string;
  /** The failure may pass (timeout, memory, I/O): asked for again when the page comes back. */
  failureMayPass?: boolean;
  skipped?: string;
  progress?: PageProgress;
  /** The AI tiles finished so far for the current settings, drawn until the result covers
   *  them: kept across the page's requests (one per visit), one per rectangle. `key` names the
   *  list (the request that began it); a new list, a new key. */
  tiles?: { key: string; list: readonly TileImage[] };
}

export interface UpscaleState {
  /** Upscaling is on (U). */
  on: boolean;
  pages: ReadonlyMap<PageId, PageUpscale>;
  /** Requests in flight. */
  pending: number;
  /** Pages whose results for the current settings were in the cache when the location opened
   *  (the thumbnail strip marks them, and the pages upscaled since). */
  cached: ReadonlySet<PageId>;
}

export interface EngineState {
  /** Starting, then ready to upscale or unavailable (with `error`). */
  phase: "starting" | "ready" | "unavailable";
  report: DeviceReport | null;
  /** Why upscaling is unavailable, once the engine has failed to start. */
  error: string | null;
  listing: ModelListing | null;
  memory: DeviceMemory[] | null;
  stats: EngineStats | null;
}

/** The models' speeds on this device, and the models folder once the user opened it. */
export interface ModelsState {
  speeds: ModelSpeeds | null;
  /** The models folder's path, shown to copy, after "Open models folder". */
  folderOpened: string | null;
}

export interface ViewState {
  showingOriginal: boolean;
  comparing: boolean;
  panel: PanelName | null;
  /** A message for the error banner from an action (opening, saving), until the reader moves. */
  alert: string | null;
  /** A passing message for the status line ("Saved …"). */
  notice: string | null;
  /** The window fills the screen, showing only the pages (F11, double-click). */
  fullScreen: boolean;
  /** The go-to-page field is open (P, or a click on the page counter). */
  goingTo: boolean;
  /** Clockwise turn of the open location's pages, in degrees (0, 90, 180, 270), kept per book. */
  rotation: number;
}

// ---- exports: the Export panel's batch runs on with the panel closed ----
export interface ExportState {
  /** Running, or how the last export ended (kept until the next one starts). */
  phase: "idle" | "running" | "done" | "failed";
  progress: BatchProgress | null;
  /** The page reported last. */
  current: string | null;
  summary: BatchSummary | null;
  error: string | null;
  /** The reader has opened the Export panel since the export ended. */
  seen: boolean;
}

// ---- per book: what the open book (or folder) keeps, restored when it opens again ----
export interface BookState {
  /** The per-book settings this book keeps (changed while it was open); `settings` holds them
   *  over the defaults. */
  own: Partial<BookSettings>;
  /** What every book without its own values reads with: Settings shows and edits these. */
  defaults: BookSettings;
  /** This book's bookmarks, in page order. */
  bookmarks: readonly Bookmark[];
}

export interface AppState {
  /** The settings in effect: the open book's own per-book values over the defaults. */
  settings: Settings;
  book: BookState;
  reading: ReadingState;
  upscale: UpscaleState;
  engine: EngineState;
  view: ViewState;
  exporting: ExportState;
  models: ModelsState;
}

export const INITIAL_STATE: AppState = {
  settings: DEFAULT_SETTINGS,
  book: { own: {}, defaults: bookSettingsOf(DEFAULT_SETTINGS), bookmarks: [] },
  reading: { location: null, onScreen: [], sizes: new Map(), problems: new Map(), atBookEnd: false, enteredAtEnd: false, opening: null, strip: null },
  upscale: { on: false, pages: new Map(), pending: 0, cached: new Set() },
  engine: { phase: "starting", report: null, error: null, listing: null, memory: null, stats: null },
  view: { showingOriginal: false, comparing: false, panel: null, alert: null, notice: null, fullScreen: false, goingTo: false, rotation: 0 },
  exporting: { phase: "idle", progress: null, current: null, summary: null, error: null, seen: true },
  models: { speeds: null, folderOpened: null },
};

// ---- derived ----

export function pages(state: AppState): readonly ImageEntry[] {
  return state.reading.location?.images ?? [];
}

/** A page's index in the open location, or -1. */
export function indexOf(state: AppState, id: PageId): number {
  const images = pages(state);
  const first = images[0]?.id;
  // Ids are handed out in order when a location opens; fall back to a search otherwise.
  if (first !== undefined && images[id - first]?.id === id) return id - first;
  return images.findIndex((image) => image.id === id);
}

export function pageAt(state: AppState, index: number): ImageEntry | undefined {
  return pages(state)[index];
}

export function readingMode(settings: Settings): reading.ReadingMode {
  return { spread: settings.spread, direction: settings.direction, shift: settings.shift };
}

/** The known sizes seen by index, for the layout functions. */
export function sizesByIndex(state: AppState): reading.Sizes {
  const images = pages(state);
  return {
    get: (index) => (images[index] ? state.reading.sizes.get(images[index].id) : undefined),
    has: (index) => !!images[index] && state.reading.sizes.has(images[index].id),
  };
}

/** The pages on screen in the order they are upscaled: the strip's most visible first. */
export function onScreenByPriority(state: AppState): readonly PageId[] {
  return state.reading.strip?.byVisibility ?? state.reading.onScreen;
}

/** The pages the page counter and the status line name: in the strip, the one at the top. */
export function namedIndices(state: AppState): number[] {
  const indices = onScreenIndices(state);
  return state.reading.strip ? indices.slice(0, 1) : indices;
}

export function onScreenIndices(state: AppState): number[] {
  return state.reading.onScreen.map((id) => indexOf(state, id)).filter((i) => i >= 0);
}

/** The pages to preload after the ones on screen, in reading order: the next screens (a
 *  spread's two pages together). */
export function aheadOfScreen(state: AppState): readonly PageId[] {
  if (state.reading.strip) return state.reading.strip.ahead;
  // Nothing shown yet (the strip waits for its first sizes): nothing is ahead of it.
  if (state.reading.onScreen.length === 0) return [];
  const images = pages(state);
  const screens = reading.ahead(onScreenIndices(state), images.length, state.settings.preloadCount, readingMode(state.settings), sizesByIndex(state));
  return screens.map((i) => images[i].id);
}

export function engineReady(state: AppState): boolean {
  return state.engine.phase === "ready";
}

export function upscaleOf(state: AppState, id: PageId | undefined): PageUpscale {
  return (id !== undefined && state.upscale.pages.get(id)) || {};
}

/** The page has an outcome: a result, or a reason it has none. */
export function upscaleFinished(page: PageUpscale): boolean {
  return !!(page.result || page.skipped || page.failure);
}

/** Every page on screen that can be upscaled has its outcome: a spread's results are shown
 *  together, never one page upscaled beside one still computing. */
export function screenUpscaled(state: AppState): boolean {
  return state.reading.onScreen.every((id) => state.reading.problems.has(id) || upscaleFinished(upscaleOf(state, id)));
}

/** The page the status line speaks of: the first on screen, or while upscaling, the first
 *  still without its outcome (so one finished page never speaks for a spread still computing). */
export function describedPage(state: AppState): PageId | undefined {
  const { onScreen, problems } = state.reading;
  const waiting = state.upscale.on ? onScreen.find((id) => !problems.has(id) && !upscaleFinished(upscaleOf(state, id))) : undefined;
  return waiting ?? onScreen[0];
}

/** Pages already upscaled with the current settings, by index: in the cache, or done since. */
export function upscaledIndices(state: AppState): number[] {
  return pages(state).flatMap((image, index) => (state.upscale.cached.has(image.id) || upscaleOf(state, image.id).result ? [index] : []));
}

/** A copy of `map` with `key` set (or removed, for undefined). */
export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V | undefined): ReadonlyMap<K, V> {
  const next = new Map(map);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  return next;
}
