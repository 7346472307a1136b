// The wheel, ↓/↑, Space and Shift+Space: they scroll a page taller or wider than the window
// and turn the page only at its edge (unless the setting makes the wheel always turn pages).
// The wheel scrolls by each event's own delta, so a smooth touchpad's many small events move the
// page as far as the fingers do. A wheel burst that reaches the edge stops there: the page turns
// on a notch after a pause.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import type { ScrollAmount } from "../state/scroll";
import type { ReadingController } from "./reading";

export interface Scrollable {
  /** Scrolls by `amount` (a part of the window, or pixels); false at that edge. */
  scroll(step: 1 | -1, amount: ScrollAmount): boolean;
}

/** Wheel events closer together than this are one gesture: it scrolls, or turns once. */
export const WHEEL_PAUSE_MS = 250;
/** What one key press scrolls, as a part of the window. */
export const KEY_SCROLL = { arrow: 0.2, space: 0.9 } as const;
/** WheelEvent.deltaMode: the delta counts pixels, lines or pages. */
const DOM_DELTA_LINE = 1;
const DOM_DELTA_PAGE = 2;
/** Pixels per line, for wheels that count lines. */
export const WHEEL_LINE_PX = 40;
/** Smaller wheel deltas (in pixels) scroll but never turn the page: a touchpad's drift. */
export const WHEEL_DEADZONE = 4;

/** How far a wheel event's delta scrolls. */
export function wheelAmount(delta: number, deltaMode: number): ScrollAmount {
  const size = Math.abs(delta);
  if (deltaMode === DOM_DELTA_PAGE) return size * KEY_SCROLL.space;
  return { pixels: deltaMode === DOM_DELTA_LINE ? size * WHEEL_LINE_PX : size };
}

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

  /** A wheel event's vertical delta, in `deltaMode`'s unit (WheelEvent.deltaMode). */
  wheel(deltaY: number, deltaMode = 0): void {
    if (deltaY === 0) return;
    const step = deltaY > 0 ? 1 : -1;
    const now = this.now();
    const sinceLast = now - this.lastWheel;
    this.lastWheel = now;
    const always = this.store.state.settings.wheelTurnsPages;
    const amount = wheelAmount(deltaY, deltaMode);
    if (!always && this.page.scroll(step, amount)) return;
    if (typeof amount !== "number" && amount.pixels < WHEEL_DEADZONE) return;
    // At most one turn per pause; scrolling, none in the gesture that reached the edge.
    if ((!always && sinceLast < WHEEL_PAUSE_MS) || now - this.lastWheelTurn < WHEEL_PAUSE_MS) return;
    this.lastWheelTurn = now;
    this.reading.step(step, true);
  }
}
