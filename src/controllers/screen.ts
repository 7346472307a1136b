// Full screen (F11, a double-click on the page, Esc to leave), and the click zones: a click on
// the left or right third of the window turns the page, as the arrow key on that side does (so
// the zones swap when reading right to left). A double-click's first click does not turn, and a
// click past the last page only shows the end-of-book banner: the banner itself opens the next.
import type { DesktopApi } from "../api";
import type { AppState } from "../app/state";
import type { OpenedLocation } from "../bindings";
import type { Store } from "../app/store";
import type { ReadingController } from "./reading";

export type Zone = "left" | "middle" | "right";

/** Which third of the stage `x` falls in. */
export function zoneAt(x: number, width: number): Zone {
  if (x < width / 3) return "left";
  return x > (2 * width) / 3 ? "right" : "middle";
}

export class ScreenController {
  /** The page the last single click turned from, undone if that click was a double-click's first. */
  private turnedFrom: { index: number; location: OpenedLocation | null } | null = null;

  constructor(
    private readonly store: Store<AppState>,
    private readonly reading: Pick<ReadingController, "arrow" | "showIndex" | "index">,
    private readonly desktop: Pick<DesktopApi, "setFullscreen">,
  ) {}

  toggleFullScreen(): void {
    this.setFullScreen(!this.store.state.view.fullScreen);
  }

  setFullScreen(on: boolean): void {
    if (on === this.store.state.view.fullScreen) return;
    this.store.update((s) => ({ view: { ...s.view, fullScreen: on } }));
    this.desktop.setFullscreen(on).catch((e) => console.warn("full screen unavailable", e));
  }

  /** A single click at `x` on a stage `width` wide. */
  click(x: number, width: number): void {
    const zone = zoneAt(x, width);
    this.turnedFrom = zone === "middle" ? null : { index: this.reading.index, location: this.store.state.reading.location };
    if (zone !== "middle") this.reading.arrow(zone === "left" ? "ArrowLeft" : "ArrowRight", false);
  }

  doubleClick(): void {
    // Only in the book the click turned in.
    if (this.turnedFrom && this.turnedFrom.location === this.store.state.reading.location) this.reading.showIndex(this.turnedFrom.index);
    this.turnedFrom = null;
    this.toggleFullScreen();
  }
}
