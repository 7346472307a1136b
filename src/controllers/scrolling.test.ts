import { describe, expect, it } from "vitest";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import type { ScrollAmount } from "../state/scroll";
import { KEY_SCROLL, ScrollController, WHEEL_LINE_PX, WHEEL_PAUSE_MS } from "./scrolling";

/** A page with `room` scroll steps left each way. */
function setUp(room: number, wheelTurnsPages = false) {
  const store = new Store<AppState>({ ...INITIAL_STATE, settings: { ...INITIAL_STATE.settings, wheelTurnsPages } });
  const page = { at: 0, scroll: (step: 1 | -1) => (Math.abs(page.at + step) <= room ? ((page.at += step), true) : false) };
  const turns: [number, boolean][] = [];
  const clock = { time: 10_000 };
  const scroller = new ScrollController(store, page, { step: (d, edge = false) => turns.push([d, edge]) }, () => clock.time);
  return { page, turns, clock, scroller };
}

describe("ScrollController", () => {
  it("scrolls with the keys, then turns at the edge (back into the previous page's end)", () => {
    const { page, turns, scroller } = setUp(2);
    scroller.key(1, 0.9);
    scroller.key(1, 0.9);
    expect([page.at, turns]).toEqual([2, []]);
    scroller.key(1, 0.9);
    expect(turns).toEqual([[1, true]]);
    scroller.key(-1, 0.2);
    expect(page.at).toBe(1);
  });

  it("stops a wheel gesture at the edge; a notch after a pause turns the page, once", () => {
    const { page, turns, clock, scroller } = setUp(2);
    for (let i = 0; i < 6; i++) {
      scroller.wheel(120);
      clock.time += 50;
    }
    expect([page.at, turns]).toEqual([2, []]);
    clock.time += WHEEL_PAUSE_MS;
    scroller.wheel(120);
    scroller.wheel(120);
    expect(turns).toEqual([[1, true]]);
    scroller.wheel(2);
    clock.time += WHEEL_PAUSE_MS;
    scroller.wheel(-120);
    expect(page.at).toBe(1);
  });

  it("turns pages with the wheel when the setting says so, whatever the page's size", () => {
    const { page, turns, clock, scroller } = setUp(5, true);
    scroller.wheel(120);
    clock.time += WHEEL_PAUSE_MS;
    scroller.wheel(-120);
    scroller.wheel(-120);
    expect([page.at, turns]).toEqual([0, [[1, true], [-1, true]]]);
  });
});

describe("ScrollController's wheel", () => {
  it("scrolls by each event's delta: pixels, lines or pages", () => {
    const store = new Store<AppState>(INITIAL_STATE);
    const scrolled: [number, ScrollAmount][] = [];
    const page = { scroll: (step: 1 | -1, amount: ScrollAmount) => (scrolled.push([step, amount]), true) };
    const scroller = new ScrollController(store, page, { step: () => undefined }, () => 0);
    // A smooth touchpad: many small events, each moving the page as far as it says.
    for (let i = 0; i < 10; i++) scroller.wheel(2.5);
    scroller.wheel(-3, 1);
    scroller.wheel(1, 2);
    scroller.wheel(0);
    expect(scrolled).toEqual([...Array(10).fill([1, { pixels: 2.5 }]), [-1, { pixels: 3 * WHEEL_LINE_PX }], [1, KEY_SCROLL.space]]);
  });

  it("never turns the page on a touchpad's drift at the edge", () => {
    const { turns, clock, scroller } = setUp(0);
    clock.time += WHEEL_PAUSE_MS;
    scroller.wheel(3);
    expect(turns).toEqual([]);
    clock.time += WHEEL_PAUSE_MS;
    scroller.wheel(1, 1);
    expect(turns).toEqual([[1, true]]);
  });
});
