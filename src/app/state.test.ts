import { describe, expect, it } from "vitest";
import { location, readyStore, result } from "../testing/fakes";
import { aheadOfScreen, describedPage, screenUpscaled, type AppState, type PageUpscale } from "./state";

function spreadState(pages: [number, PageUpscale][], on = true): AppState {
  const store = readyStore();
  return {
    ...store.state,
    settings: { ...store.state.settings, spread: true },
    reading: { ...store.state.reading, location: location([1, 2, 3, 4, 5]), onScreen: [1, 2] },
    upscale: { ...store.state.upscale, on, pages: new Map(pages) },
  };
}

describe("the screen's upscale", () => {
  it("is done only when both pages of a spread are, and the status speaks of the page still computing", () => {
    const half = spreadState([[1, { result: result(1, true) }], [2, { progress: { phase: "computing", done: 1, total: 4, since: 0 } }]]);
    expect(screenUpscaled(half)).toBe(false);
    expect(describedPage(half)).toBe(2);
    const both = spreadState([[1, { result: result(1, true) }], [2, { result: result(2) }]]);
    expect(screenUpscaled(both)).toBe(true);
    expect(describedPage(both)).toBe(1);
  });

  it("counts a page that cannot be shown, or is skipped, as done; with upscaling off the first page speaks", () => {
    const state = spreadState([[1, { skipped: "animated" }]]);
    expect(screenUpscaled({ ...state, reading: { ...state.reading, problems: new Map([[2, { kind: "corrupt_image", message: "damaged" }]]) } })).toBe(true);
    expect(describedPage(spreadState([], false))).toBe(1);
  });

  it("preloads the next spread's two pages", () => {
    const state = spreadState([]);
    expect(aheadOfScreen(state)).toEqual([3, 4]);
    expect(aheadOfScreen({ ...state, settings: { ...state.settings, preloadCount: 2 } })).toEqual([3, 4, 5]);
  });
});
