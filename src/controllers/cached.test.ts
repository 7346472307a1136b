import { describe, expect, it } from "vitest";
import { upscaledIndices } from "../app/state";
import { deferred, location, readyStore, result, settle } from "../testing/fakes";
import { CachedPagesController } from "./cached";

describe("CachedPagesController", () => {
  it("asks the cache which pages are upscaled when a location opens, and again when the settings change the result", async () => {
    const store = readyStore();
    const asked: { ids: number[]; scale: number; reply: ReturnType<typeof deferred<number[]>> }[] = [];
    new CachedPagesController(store, {
      cached: (ids, options) => {
        const reply = deferred<number[]>();
        const size = options.size;
        asked.push({ ids, scale: size?.mode === "scale" ? size.factor ?? 0 : 0, reply });
        return reply.promise;
      },
    });
    expect(asked).toEqual([]);
    store.update((s) => ({ reading: { ...s.reading, location: location([1, 2, 3, 4]), onScreen: [1] } }));
    expect(asked.map((a) => a.ids)).toEqual([[1, 2, 3, 4]]);
    asked[0].reply.resolve([2, 4]);
    await settle();
    expect(upscaledIndices(store.state)).toEqual([1, 3]);

    // A page upscaled since is marked too.
    store.update((s) => ({ upscale: { ...s.upscale, pages: new Map([[1, { result: result(1) }]]) } }));
    expect(upscaledIndices(store.state)).toEqual([0, 1, 3]);

    // Another scale: nothing is known until the cache answers; a late answer for the old one is dropped.
    store.update((s) => ({ settings: { ...s.settings, scale: 3, scaleChosen: true } }));
    store.update((s) => ({ settings: { ...s.settings, scale: 4 } }));
    expect(asked.map((a) => a.scale)).toEqual([2, 3, 4]);
    asked[1].reply.resolve([1, 2, 3, 4]);
    asked[2].reply.resolve([3]);
    await settle();
    expect([...store.state.upscale.cached]).toEqual([3]);
  });
});
