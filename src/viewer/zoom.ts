// Zoom steps for + and −: each about a quarter to a half larger than the one before, so no
// press jumps far (25 % → 10 % did).

export const ZOOM_STEPS = [0.1, 0.125, 0.167, 0.2, 0.25, 0.33, 0.4, 0.5, 0.67, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

/** The next step up (`direction` 1) or down (-1) from `current`; `current` at either end. */
export function zoomStep(current: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((s) => s > current + 1e-6) ?? current;
  return [...ZOOM_STEPS].reverse().find((s) => s < current - 1e-6) ?? current;
}
