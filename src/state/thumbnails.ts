// The thumbnail strip is virtual: only the buttons near its visible scroll range exist, the
// rest are spacers of their width. Distances run from the strip's start edge (the right edge
// when the book reads right to left, where the scroll offset is negative).

/** The strip's geometry, as styles.css gives it: padding 10px, gap 6px, buttons 48px wide. */
export const THUMBNAIL_WIDTH = 48;
export const THUMBNAIL_GAP = 6;
export const THUMBNAIL_PADDING = 10;
const STEP = THUMBNAIL_WIDTH + THUMBNAIL_GAP;
/** Buttons made beyond each side of the visible range, so a short scroll finds them made. */
export const THUMBNAIL_OVERSCAN = 12;

export type Direction = "ltr" | "rtl";

/** The buttons that exist, `first` to `last` (excluded). */
export interface ThumbnailRange {
  first: number;
  last: number;
}

/** How far the strip is scrolled from its start edge. */
export function scrolledFromStart(scrollLeft: number, direction: Direction): number {
  return Math.max(0, direction === "rtl" ? -scrollLeft : scrollLeft);
}

/** The scroll offset that is `distance` from the start edge. */
export function scrollLeftFor(distance: number, direction: Direction): number {
  return direction === "rtl" ? -distance : distance;
}

/** The buttons that exist for a scroll offset and the strip's visible width. */
export function thumbnailRange(count: number, scrollLeft: number, width: number, direction: Direction, overscan = THUMBNAIL_OVERSCAN): ThumbnailRange {
  const from = scrolledFromStart(scrollLeft, direction) - THUMBNAIL_PADDING;
  const first = Math.max(0, Math.floor(from / STEP) - overscan);
  const last = Math.min(count, Math.ceil((from + Math.max(0, width)) / STEP) + overscan);
  return { first: Math.min(first, last), last };
}

/** The width of the spacer standing for `buttons` buttons (its own gap to the next one excluded). */
export function spacerWidth(buttons: number): number {
  return buttons > 0 ? buttons * STEP - THUMBNAIL_GAP : 0;
}

/** The distance from the start edge that brings button `index` into view with the least scroll
 *  (as `scrollIntoView({ inline: "nearest" })`): unchanged when it is already in view. */
export function scrollToShow(index: number, scrolled: number, width: number): number {
  const start = THUMBNAIL_PADDING + index * STEP;
  const end = start + THUMBNAIL_WIDTH;
  if (start < scrolled) return start;
  if (end > scrolled + width) return Math.max(0, end - width);
  return scrolled;
}
