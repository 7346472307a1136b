import { describe, expect, it } from "vitest";
import { upscaledIndices } from "../app/state";
import { deferred, location, readyStore, result, settle } from "../testing/fakes";
import { CACHED_NEAR, CACHED_PER_CALL, CachedPagesController } from "./cached";

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

  it("asks again when an export ends, keeping the marks it knows meanwhile", async () => {
    const store = readyStore();
    const asked: ReturnType<typeof deferred<number[]>>[] = [];
    new CachedPagesController(store, {
      cached: () => {
        const reply = deferred<number[]>();
        asked.push(reply);
        return reply.promise;
      },
    });
    store.update((s) => ({ reading: { ...s.reading, location: location([1, 2, 3]), onScreen: [1] } }));
    asked[0].resolve([1]);
    await settle();
    store.update((s) => ({ exporting: { ...s.exporting, phase: "running" } }));
    expect(asked.length).toBe(1);
    store.update((s) => ({ exporting: { ...s.exporting, phase: "done" } }));
    expect(asked.length).toBe(2);
    expect(upscaledIndices(store.state)).toEqual([0]);
    asked[1].resolve([1, 2, 3]);
    await settle();
    expect(upscaledIndices(store.state)).toEqual([0, 1, 2]);
  });

  it("in a long book, asks once the first screen is known: the pages around it first, the rest in later calls", async () => {
    const store = readyStore();
    const asked: number[][] = [];
    const replies: ReturnType<typeof deferred<number[]>>[] = [];
    new CachedPagesController(store, {
      cached: (ids) => {
        asked.push(ids);
        const reply = deferred<number[]>();
        replies.push(reply);
        return reply.promise;
      },
    });
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
    // The strip lays out its first screen after the location opens: nothing is asked before.
    store.update((s) => ({ reading: { ...s.reading, location: location(ids) } }));
    expect(asked).toEqual([]);
    store.update((s) => ({ reading: { ...s.reading, onScreen: [1501, 1502] } }));
    expect(asked).toEqual([ids.slice(1500 - CACHED_NEAR, 1500 + CACHED_NEAR + 1)]);
    replies[0].resolve([1500, 1501]);
    await settle();
    expect(upscaledIndices(store.state)).toEqual([1499, 1500]);
    // Scrolling asks nothing more; the rest follow one call after another, after the position and then before it.
    store.update((s) => ({ reading: { ...s.reading, onScreen: [1503] } }));
    expect(asked.length).toBe(2);
    expect(asked[1]).toEqual(ids.slice(1500 + CACHED_NEAR + 1, 1500 + CACHED_NEAR + 1 + CACHED_PER_CALL));
    // Each call goes once the one before it has answered.
    for (let n = 1; n < replies.length; n++) {
      expect(replies.length).toBe(n + 1);
      replies[n].resolve(n === 1 ? [1600] : []);
      await settle();
    }
    const all = asked.flat();
    expect(all.length).toBe(2000);
    expect(new Set(all).size).toBe(2000);
    expect(asked.every((call) => call.length <= CACHED_PER_CALL)).toBe(true);
    expect(asked[asked.length - 1]).toContain(1);
    expect(upscaledIndices(store.state)).toEqual([1499, 1500, 1599]);
  });
});
