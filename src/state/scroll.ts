// Scrolling within a page taller or wider than the window, as NeeView does: forward goes down,
// then (at the bottom) one column on in the reading direction from the top; the page turns
// only at its far edge. Pure, so it is unit-tested.
import type { Direction } from "./reading";

export interface Point {
  x: number;
  y: number;
}

export interface Extent {
  width: number;
  height: number;
}

/** How far to scroll: a part of the window, or pixels (a wheel event's delta). */
export type ScrollAmount = number | { pixels: number };

/** Less than this many pixels from the edge counts as at the edge. */
const EDGE = 1;

/**
 * Where the page's top-left corner goes after scrolling `amount` (a part of the window, or pixels)
 * forward (1) or back (-1), or null when the page is already at that edge: then the page turns.
 * `pan` is the page's top-left corner in the window: 0 or less where the page overflows.
 */
export function scrollStep(pan: Point, page: Extent, view: Extent, step: 1 | -1, amount: ScrollAmount, direction: Direction): Point | null {
  const minX = Math.min(0, view.width - page.width);
  const minY = Math.min(0, view.height - page.height);
  const dy = Math.max(1, typeof amount === "number" ? view.height * amount : amount.pixels);
  const dx = Math.max(1, typeof amount === "number" ? view.width * amount : amount.pixels);
  // Vertically first.
  if (step > 0 && minY < 0 && pan.y > minY + EDGE) return { x: pan.x, y: Math.max(minY, pan.y - dy) };
  if (step < 0 && minY < 0 && pan.y < -EDGE) return { x: pan.x, y: Math.min(0, pan.y + dy) };
  if (minX >= 0) return null;
  // Then across, in the reading direction: right for left-to-right, left for right-to-left.
  const across = direction === "rtl" ? -step : step;
  const top = step > 0 ? 0 : minY;
  if (across > 0 && pan.x > minX + EDGE) return { x: Math.max(minX, pan.x - dx), y: top };
  if (across < 0 && pan.x < -EDGE) return { x: Math.min(0, pan.x + dx), y: top };
  return null;
}

/** Where a page is entered: its start when reading on, its end when coming back from the next. */
export function entryPoint(step: 1 | -1, direction: Direction): Point {
  // Clamped by the layout: -Infinity is the far edge, 0 the near one.
  const far = -Infinity;
  const y = step > 0 ? 0 : far;
  const startX = direction === "rtl" ? far : 0;
  const endX = direction === "rtl" ? 0 : far;
  return { x: step > 0 ? startX : endX, y };
}
