// The page's zoom: how large it is laid out, and the label that says so. Both speak of the
// page at its own (original) pixel size, so neither changes when a sharper image of it arrives.
import { t } from "../i18n/i18n";
import type { FitMode } from "../state/settings";

// Zoom steps for + and −: each about a quarter to a half larger than the one before, so no
// press jumps far (25 % → 10 % did).

export const ZOOM_STEPS = [0.1, 0.125, 0.167, 0.2, 0.25, 0.33, 0.4, 0.5, 0.67, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

/** The next step up (`direction` 1) or down (-1) from `current`; `current` at either end. */
export function zoomStep(current: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((s) => s > current + 1e-6) ?? current;
  return [...ZOOM_STEPS].reverse().find((s) => s < current - 1e-6) ?? current;
}

/** Screen pixels per page pixel that fit a `page` (in its own pixels) into `window`; a page
 *  smaller than the window keeps its size unless `enlargeSmall`. */
export function fitScale(page: { width: number; height: number }, window: { width: number; height: number }, mode: FitMode, enlargeSmall: boolean): number {
  if (!page.width || !page.height) return 1;
  const fit = { page: Math.min(window.width / page.width, window.height / page.height), width: window.width / page.width, height: window.height / page.height }[mode];
  return enlargeSmall ? fit : Math.min(fit, 1);
}

/** The zoom label: the page's size on screen against its own pixel size. */
export function zoomLabel(scale: number, fitted: boolean): string {
  const percent = Math.round(scale * 100);
  return fitted ? t("toolbar.zoomFitPercent", { percent }) : `${percent}%`;
}
