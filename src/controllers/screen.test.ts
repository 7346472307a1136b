import { describe, expect, it } from "vitest";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import { Library } from "../state/library";
import { location, settle } from "../testing/fakes";
import { NEXT_BOOK_PAUSE_MS, ReadingController } from "./reading";
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

describe("ScreenController at the end of a book", () => {
  function atTheEnd() {
    const store = new Store<AppState>(INITIAL_STATE);
    const opened: string[] = [];
    const clock = { time: 0 };
    const api = { info: async () => [] };
    const reading = new ReadingController(store, api, new Library(null), (path) => opened.push(path), () => clock.time);
    reading.open(location([1, 2, 3], { kind: "book", path: "/b/one.cbz", nextBook: { name: "two", path: "/b/two.cbz" } }));
    reading.last();
    const screen = new ScreenController(store, reading, { setFullscreen: async () => undefined });
    return { store, reading, screen, opened, clock };
  }

  it("only shows the banner on a click past the last page, even after a pause; a double-click goes full screen there", () => {
    const { store, screen, opened, clock } = atTheEnd();
    screen.click(800, 900);
    expect(store.state.reading.atBookEnd).toBe(true);
    clock.time += 1000 + NEXT_BOOK_PAUSE_MS;
    // A double-click: its first click, then the double-click.
    screen.click(800, 900);
    screen.doubleClick();
    expect(opened).toEqual([]);
    expect(store.state.reading.onScreen).toEqual([3]);
    expect(store.state.view.fullScreen).toBe(true);
  });

  it("never goes back to a page of another book than the one the click turned in", () => {
    const store = new Store<AppState>(INITIAL_STATE);
    store.update((s) => ({ reading: { ...s.reading, location: location([1, 2]) } }));
    const shown: number[] = [];
    const reading = {
      index: 1,
      // The turn opened another book.
      arrow: () => store.update((s) => ({ reading: { ...s.reading, location: location([7, 8, 9]) } })),
      showIndex: (i: number) => void shown.push(i),
    };
    const screen = new ScreenController(store, reading, { setFullscreen: async () => undefined });
    screen.click(800, 900);
    screen.doubleClick();
    expect(shown).toEqual([]);
    expect(store.state.view.fullScreen).toBe(true);
  });
});
