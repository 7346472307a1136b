// The wheel, ↓/↑, Space and Shift+Space: they scroll a page taller or wider than the window
// and turn the page only at its edge (unless the setting makes the wheel always turn pages).
// A wheel burst that reaches the edge stops there: the page turns on a notch after a pause.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import type { ReadingController } from "./reading";

export interface Scrollable {
  /** Scrolls by `amount` of the window; false at that edge. */
  scroll(step: 1 | -1, amount: number): boolean;
}

/** Wheel events closer together than this are one gesture: it scrolls, or turns once. */
export const WHEEL_PAUSE_MS = 250;
/** What one key press scrolls, as a part of the window. */
export const KEY_SCROLL = { arrow: 0.2, space: 0.9 } as const;
/** What one wheel notch scrolls. */
const WHEEL_SCROLL = 0.2;
/** Smaller wheel deltas are a trackpad's noise. */
const WHEEL_DEADZONE = 4;

export class ScrollController {
  private lastWheel = -Infinity;
  private lastWheelTurn = -Infinity;

  constructor(
    private readonly store: Store<AppState>,
    private readonly page: Scrollable,
    private readonly reading: Pick<ReadingController, "step">,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** ↓ or Space (1), ↑ or Shift+Space (-1). */
  key(step: 1 | -1, amount: number): void {
    if (!this.page.scroll(step, amount)) this.reading.step(step, true);
  }

  wheel(deltaY: number): void {
    if (Math.abs(deltaY) < WHEEL_DEADZONE) return;
    const step = deltaY > 0 ? 1 : -1;
    const now = this.now();
    const sinceLast = now - this.lastWheel;
    this.lastWheel = now;
    const always = this.store.state.settings.wheelTurnsPages;
    if (!always && this.page.scroll(step, WHEEL_SCROLL)) return;
    // At most one turn per pause; scrolling, none in the gesture that reached the edge.
    if ((!always && sinceLast < WHEEL_PAUSE_MS) || now - this.lastWheelTurn < WHEEL_PAUSE_MS) return;
    this.lastWheelTurn = now;
    this.reading.step(step, true);
  }
}
