import { describe, expect, it } from "vitest";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import { settle } from "../testing/fakes";
import { ScreenController, zoneAt } from "./screen";

function setUp() {
  const store = new Store<AppState>(INITIAL_STATE);
  const calls: string[] = [];
  const reading = { index: 4, arrow: (key: string) => void calls.push(key), showIndex: (i: number) => void calls.push(`show ${i}`) };
  const fullscreen: boolean[] = [];
  const screen = new ScreenController(store, reading, { setFullscreen: async (on) => void fullscreen.push(on) });
  return { store, screen, calls, fullscreen };
}

describe("ScreenController", () => {
  it("splits the stage in thirds", () => {
    expect([zoneAt(0, 900), zoneAt(299, 900), zoneAt(450, 900), zoneAt(601, 900), zoneAt(899, 900)]).toEqual(["left", "left", "middle", "right", "right"]);
  });

  it("turns the page as the arrow on the clicked side does; the middle does not turn", () => {
    const { screen, calls } = setUp();
    screen.click(100, 900);
    screen.click(800, 900);
    screen.click(450, 900);
    expect(calls).toEqual(["ArrowLeft", "ArrowRight"]);
  });

  it("toggles full screen on a double-click, undoing the turn of its first click", async () => {
    const { store, screen, calls, fullscreen } = setUp();
    screen.click(800, 900);
    screen.doubleClick();
    expect(calls).toEqual(["ArrowRight", "show 4"]);
    expect(store.state.view.fullScreen).toBe(true);
    screen.click(450, 900);
    screen.doubleClick();
    screen.setFullScreen(false);
    await settle();
    expect(store.state.view.fullScreen).toBe(false);
    expect(fullscreen).toEqual([true, false]);
  });
});
