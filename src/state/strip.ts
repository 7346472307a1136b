// The continuous vertical strip: every page stacked at one width, its box sized from the
// page's own size (from its header), so nothing moves when an image, original or upscaled,
// arrives. Which pages the viewport shows and by how much, which to preload, which keep a
// decoded image, and the reading position as a page and a place within it. Pure, so it is
// unit-tested; the view and the controller only apply it.
import type { PageSize } from "./reading";

/** A page whose size is not known yet is laid out as a portrait page of this shape until it is. */
const FALLBACK_ASPECT = 1.414;

export interface StripLayout {
  /** The pages' width on screen, in CSS pixels. */
  width: number;
  gap: number;
  /** Each page's top and height, by index. */
  tops: Float64Array;
  heights: Float64Array;
  /** The whole strip's height. */
  total: number;
}

/** Where the reader is: the page at the viewport's top and how far into it (0 to 1 of its height). */
export interface StripPosition {
  index: number;
  offset: number;
}

export interface VisiblePage {
  index: number;
  /** CSS pixels of the page inside the viewport. */
  visible: number;
}

/** The pages' width: the viewport's, at most `maxWidth` (0: no maximum). */
/** A screen's size in CSS pixels, and how many device pixels make one. */
export interface Display {
  width: number;
  height: number;
  devicePixelRatio: number;
}

/** The size PDF pages are rendered to fit, in device pixels (0: no bound): in the strip, its
 *  width on this screen (the widest it is shown at, so a window resized does not render again);
 *  in page mode, the screen's height, as a page is fitted to it. */
export function renderSize(mode: "pages" | "strip", screen: Display, maxWidth: number): { width: number; height: number } {
  const dpr = screen.devicePixelRatio || 1;
  if (mode === "strip") return { width: Math.max(1, Math.round(stripWidth(screen.width, maxWidth) * dpr)), height: 0 };
  return { width: 0, height: Math.max(1, Math.round(screen.height * dpr)) };
}

/** A page's URL for the strip: the render width in its query (the app's protocol reads the path
 *  alone), so a page rendered at another size is never the webview's cached image. */
export function renderedUrl(url: string, renderWidth: number): string {
  return `${url}${url.includes("?") ? "&" : "?"}fit=${renderWidth}`;
}

export function stripWidth(viewportWidth: number, maxWidth: number): number {
  const width = Math.max(0, Math.floor(viewportWidth));
  return maxWidth > 0 ? Math.min(width, maxWidth) : width;
}

/** Lays the pages out top to bottom; a page of unknown size takes the shape of the known one
 *  before it (pages of a book tend to share one), or a portrait page's. */
export function layoutStrip(count: number, sizeOf: (index: number) => PageSize | undefined, width: number, gap: number): StripLayout {
  const tops = new Float64Array(count);
  const heights = new Float64Array(count);
  let aspect = FALLBACK_ASPECT;
  let y = 0;
  for (let i = 0; i < count; i++) {
    const size = sizeOf(i);
    if (size && size.width > 0 && size.height > 0) aspect = size.height / size.width;
    tops[i] = y;
    heights[i] = Math.round(width * (size && size.width > 0 ? size.height / size.width : aspect));
    y += heights[i] + (i < count - 1 ? gap : 0);
  }
  return { width, gap, tops, heights, total: y };
}

/** The page at height `y` of the strip (a gap belongs to the page above it). */
export function pageAtY(layout: StripLayout, y: number): number {
  const { tops } = layout;
  if (tops.length === 0) return -1;
  let low = 0;
  let high = tops.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (tops[mid] <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The pages inside the viewport `[scrollTop, scrollTop + height)`, in page order. */
export function visiblePages(layout: StripLayout, scrollTop: number, height: number): VisiblePage[] {
  const bottom = scrollTop + height;
  const visible: VisiblePage[] = [];
  for (let i = Math.max(0, pageAtY(layout, scrollTop)); i < layout.tops.length && layout.tops[i] < bottom; i++) {
    const shown = Math.min(bottom, layout.tops[i] + layout.heights[i]) - Math.max(scrollTop, layout.tops[i]);
    if (shown > 0) visible.push({ index: i, visible: shown });
  }
  return visible;
}

/** The visible pages, the most visible first (equal ones in page order): the upscaling order. */
export function byVisibility(visible: readonly VisiblePage[]): number[] {
  return [...visible].sort((a, b) => b.visible - a.visible || a.index - b.index).map((p) => p.index);
}

/** The `count` pages after the visible ones in the scroll direction (1 down, -1 up), nearest first. */
export function preloadPages(visible: readonly VisiblePage[], pages: number, count: number, direction: 1 | -1): number[] {
  if (visible.length === 0 || count <= 0) return [];
  const edge = direction > 0 ? visible[visible.length - 1].index : visible[0].index;
  const ahead: number[] = [];
  for (let i = edge + direction; i >= 0 && i < pages && ahead.length < count; i += direction) ahead.push(i);
  return ahead;
}

/** The pages that keep an image in the DOM: the visible ones and `margin` on each side. */
export function decodedRange(visible: readonly VisiblePage[], pages: number, margin: number): { from: number; to: number } | null {
  if (visible.length === 0) return null;
  return { from: Math.max(0, visible[0].index - margin), to: Math.min(pages - 1, visible[visible.length - 1].index + margin) };
}

/** The reading position at `scrollTop`. */
export function positionAt(layout: StripLayout, scrollTop: number): StripPosition {
  const index = pageAtY(layout, Math.max(0, scrollTop));
  if (index < 0) return { index: 0, offset: 0 };
  const height = layout.heights[index];
  const offset = height > 0 ? (scrollTop - layout.tops[index]) / height : 0;
  return { index, offset: Math.min(1, Math.max(0, offset)) };
}

/** Where the viewport's top goes for `position`, within the strip's scroll range. */
export function scrollTopOf(layout: StripLayout, position: StripPosition, viewHeight: number): number {
  const count = layout.tops.length;
  if (count === 0) return 0;
  const index = Math.min(count - 1, Math.max(0, position.index));
  const y = layout.tops[index] + position.offset * layout.heights[index];
  return Math.min(Math.max(0, layout.total - viewHeight), Math.max(0, y));
}

/** A position as it is remembered: the offset rounded to a thousandth (no save per pixel). */
export function roundedPosition(position: StripPosition): StripPosition {
  return { index: position.index, offset: Math.round(position.offset * 1000) / 1000 };
}

/** The part of page `index` inside the viewport, as fractions of the page (its tiles are
 *  computed first); null when none of it is. */
export function visibleBand(layout: StripLayout, index: number, scrollTop: number, viewHeight: number): { x: number; y: number; width: number; height: number } | null {
  const top = layout.tops[index];
  const height = layout.heights[index];
  if (top === undefined || !height) return null;
  const from = Math.max(0, scrollTop - top);
  const to = Math.min(height, scrollTop + viewHeight - top);
  if (to <= from) return null;
  return { x: 0, y: from / height, width: 1, height: (to - from) / height };
}
