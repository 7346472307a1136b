import { describe, expect, it } from "vitest";
import type { TileImage, TileOrder, UpscaledImage, UpscaleProgress } from "../bindings";
import { CommandError, type UpscaleApi } from "../api";
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { deferred, location, readyStore, result, settle, type Deferred } from "../testing/fakes";
import { UpscaleController } from "./upscaling";

interface Sent {
  requestId: string;
  pageId: number;
  priority: string;
  modelRules: unknown;
  tileOrder: TileOrder;
  reply: Deferred<UpscaledImage>;
  progress: (message: UpscaleProgress) => void;
}

function fakeEngine() {
  const sent: Sent[] = [];
  const cancelled: string[] = [];
  const api: UpscaleApi = {
    upscale: (request, onProgress) => {
      const reply = deferred<UpscaledImage>();
      sent.push({ requestId: request.requestId, pageId: request.pageId, priority: request.priority, modelRules: request.modelRules, tileOrder: request.tileOrder, reply, progress: onProgress });
      return reply.promise;
    },
    cancel: (ids) => cancelled.push(...ids),
  };
  const latest = (pageId: number) => [...sent].reverse().find((s) => s.pageId === pageId)!;
  return { api, sent, cancelled, latest };
}

function showing(store: Store<AppState>, onScreen: number[]): void {
  store.update((s) => ({ reading: { ...s.reading, onScreen } }));
}

function opened(store: Store<AppState>, ids: number[]): void {
  store.update((s) => ({ reading: { ...s.reading, location: location(ids), onScreen: [ids[0]], sizes: new Map(), problems: new Map() } }));
}

function tile(x: number): TileImage {
  return { url: `srimg://localhost/tile/${x}`, x, y: 0, width: 10, height: 10, pageWidth: 20, pageHeight: 10, imageX: 0, imageY: 0, scale: 2 };
}

const computing = (done: number) => ({ phase: "computing" as const, done, total: 4, rule: null });

describe("UpscaleController", () => {
  it("asks for a zoomed page's tiles on screen first", () => {
    const store = readyStore();
    const engine = fakeEngine();
    const zoomed = { x: 0.5, y: 0.25, width: 0.5, height: 0.5 };
    new UpscaleController(store, engine.api, undefined, undefined, { strip: () => ({ top: 0, height: 0 }), page: (slot) => (slot === 0 ? zoomed : null) });
    opened(store, [11]);
    expect(engine.latest(11).tileOrder).toEqual({ rightToLeft: false, focus: zoomed });
  });

  it("keeps a page's finished tiles in the book's reading order, until the settings change", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    store.update((s) => ({ settings: { ...s.settings, direction: "rtl" } }));
    opened(store, [11]);
    const first = engine.latest(11);
    expect(first.tileOrder).toEqual({ rightToLeft: true, focus: null });
    first.progress({ requestId: first.requestId, progress: computing(1), tile: tile(10) });
    first.progress({ requestId: first.requestId, progress: computing(2), tile: tile(0) });
    expect(store.state.upscale.pages.get(11)?.tiles).toEqual({ key: first.requestId, list: [tile(10), tile(0)] });
    first.reply.resolve(result(11));
    await settle();
    expect(store.state.upscale.pages.get(11)?.tiles?.list).toHaveLength(2);
    // Another model: the page is asked for again and its old tiles are gone.
    store.update((s) => ({ settings: { ...s.settings, model: "WAIFU2X_CUNET_UP2X" } }));
    const second = engine.latest(11);
    expect(second.requestId).not.toBe(first.requestId);
    expect(store.state.upscale.pages.get(11)?.tiles).toBeUndefined();
    // A late tile of the old request is not drawn with the new settings.
    first.progress({ requestId: first.requestId, progress: computing(3), tile: tile(20) });
    expect(store.state.upscale.pages.get(11)?.tiles).toBeUndefined();
    second.progress({ requestId: second.requestId, progress: computing(1), tile: tile(5) });
    expect(store.state.upscale.pages.get(11)?.tiles).toEqual({ key: second.requestId, list: [tile(5)] });
  });

  it("keeps a page's tiles across its requests while the settings stay, one per rectangle", () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [11, 12]);
    const first = engine.latest(11);
    first.progress({ requestId: first.requestId, progress: computing(1), tile: tile(0) });
    first.progress({ requestId: first.requestId, progress: computing(2), tile: tile(10) });
    const kept = store.state.upscale.pages.get(11)!.tiles!;
    // The reader turns away and back while the page computes: a new request, the same tiles.
    showing(store, [12]);
    expect(engine.cancelled).toContain(first.requestId);
    expect(store.state.upscale.pages.get(11)?.tiles).toBe(kept);
    showing(store, [11]);
    const second = engine.latest(11);
    expect(second.requestId).not.toBe(first.requestId);
    expect(store.state.upscale.pages.get(11)?.tiles).toBe(kept);
    // The engine reports the tiles it kept again: the list neither grows nor changes, unless a
    // tile comes with a new URL (the old one may be gone), which takes its rectangle's place.
    second.progress({ requestId: second.requestId, progress: computing(2), tile: tile(0) });
    expect(store.state.upscale.pages.get(11)?.tiles).toBe(kept);
    const fresh = { ...tile(10), url: "srimg://localhost/tile/10b" };
    second.progress({ requestId: second.requestId, progress: computing(2), tile: fresh });
    second.progress({ requestId: second.requestId, progress: computing(3), tile: tile(20) });
    expect(store.state.upscale.pages.get(11)?.tiles).toEqual({ key: kept.key, list: [tile(0), fresh, tile(20)] });
  });

  it("drops the tiles when upscaling is turned off, the cache is cleaned up, or another location opens", () => {
    const store = readyStore();
    const engine = fakeEngine();
    const upscale = new UpscaleController(store, engine.api);
    const report = () => {
      const request = engine.latest(11);
      request.progress({ requestId: request.requestId, progress: computing(1), tile: tile(0) });
      expect(store.state.upscale.pages.get(11)?.tiles?.list).toHaveLength(1);
    };
    opened(store, [11]);
    report();
    upscale.toggle();
    expect(store.state.upscale.pages.get(11)?.tiles).toBeUndefined();
    upscale.toggle();
    report();
    upscale.forget();
    expect(store.state.upscale.pages.get(11)?.tiles).toBeUndefined();
    report();
    opened(store, [11]);
    expect(store.state.upscale.pages.get(11)?.tiles).toBeUndefined();
  });

  it("asks for the page on screen first, then the pages ahead once it is done", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [11, 12, 13]);
    expect(engine.sent.map((s) => [s.pageId, s.priority])).toEqual([[11, "interactive"]]);
    expect(store.state.upscale.pending).toBe(1);

    engine.latest(11).reply.resolve(result(11));
    await settle();
    expect(store.state.upscale.pages.get(11)?.result?.url).toBe("upscaled://11");
    expect(store.state.upscale.pages.get(11)?.computedOnScreen).toBe(true);
    // preloadCount is 1: the next page, in the background.
    expect(engine.sent.map((s) => [s.pageId, s.priority])).toEqual([
      [11, "interactive"],
      [12, "background"],
    ]);
  });

  it("sends the rules with each page only for the model auto, towards the screen's height, and asks again when they change", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api, () => 0, () => 1620);
    opened(store, [11]);
    expect(engine.latest(11).modelRules).toBeNull();
    store.update((s) => ({ settings: { ...s.settings, model: "auto" } }));
    expect(engine.latest(11).modelRules).toEqual({ rules: store.state.settings.modelRules, targetHeight: 1620 });
    const asked = engine.sent.length;
    store.update((s) => ({ settings: { ...s.settings, modelRules: s.settings.modelRules.slice(1) } }));
    expect(engine.sent.length).toBe(asked + 1);
    expect((engine.latest(11).modelRules as { rules: unknown[] }).rules).toHaveLength(2);
  });

  it("drops the late result of a page no longer shown, and cancels its request", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [11, 12, 13]);
    const first = engine.latest(11);
    showing(store, [13]);
    expect(engine.cancelled).toEqual([first.requestId]);
    first.reply.resolve(result(11));
    first.progress({ requestId: first.requestId, progress: { phase: "computing", done: 1, total: 4 } });
    await settle();
    expect(store.state.upscale.pages.has(11)).toBe(false);
    expect(engine.latest(13).priority).toBe("interactive");
  });

  it("keeps a result with its page across a reopening: a result for the old pages never lands on the new ones", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [1, 2, 3]);
    const old = engine.latest(1);
    // The same folder opened again: the same first index, new page ids.
    opened(store, [4, 5, 6]);
    expect(engine.cancelled).toContain(old.requestId);
    old.reply.resolve(result(1));
    await settle();
    expect([...store.state.upscale.pages.keys()]).toEqual([]);
    engine.latest(4).reply.resolve(result(4));
    await settle();
    expect(store.state.upscale.pages.get(4)?.result?.url).toBe("upscaled://4");
  });

  it("forgets every result when the settings change what a result is, and asks again", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [1, 2]);
    engine.latest(1).reply.resolve(result(1));
    await settle();
    store.update((s) => ({ settings: { ...s.settings, spread: true } }));
    expect(store.state.upscale.pages.get(1)?.result).toBeDefined();
    store.update((s) => ({ settings: { ...s.settings, scale: 4, scaleChosen: true } }));
    expect(store.state.upscale.pages.size).toBe(0);
    expect(engine.latest(1).priority).toBe("interactive");
    expect(engine.sent.filter((s) => s.pageId === 1)).toHaveLength(2);
  });

  it("keeps a failure or a skip with its page and does not ask again in a loop", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [1, 2, 3]);
    engine.latest(1).reply.reject(new CommandError("not_an_image", "it is not an image"));
    await settle();
    expect(store.state.upscale.pages.get(1)?.failure).toBe("it is not an image");
    engine.latest(2).reply.reject(new CommandError("skipped", "not upscaled: animated"));
    await settle();
    expect(store.state.upscale.pages.get(2)?.skipped).toBe("animated");
    expect(engine.sent.map((s) => s.pageId)).toEqual([1, 2]);
    // A skipped page is not preloaded again from the page before it.
    showing(store, [1]);
    expect(engine.sent.map((s) => s.pageId)).toEqual([1, 2]);
  });

  it("asks again for a page whose failure may pass when it comes back on screen, not for a damaged one", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [1, 2, 3]);
    engine.latest(1).reply.reject(new CommandError("timeout", "timed out"));
    await settle();
    expect(store.state.upscale.pages.get(1)?.failure).toBe("timed out");
    engine.latest(2).reply.reject(new CommandError("corrupt_image", "damaged"));
    await settle();
    expect(engine.sent.map((s) => s.pageId)).toEqual([1, 2]);
    // Staying on the page does not loop; leaving and coming back asks once more.
    showing(store, [2]);
    showing(store, [1]);
    expect(store.state.upscale.pages.get(1)?.failure).toBeUndefined();
    expect(engine.sent.filter((s) => s.pageId === 1)).toHaveLength(2);
    engine.latest(1).reply.resolve(result(1));
    await settle();
    expect(store.state.upscale.pages.get(1)?.result).toBeDefined();
    // The damaged page is not asked for again when it comes back.
    showing(store, [2]);
    expect(engine.sent.filter((s) => s.pageId === 2)).toHaveLength(1);
  });

  it("tracks tile progress by page, keeping when computing started", async () => {
    let clock = 100;
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api, () => clock);
    opened(store, [7]);
    const request = engine.latest(7);
    request.progress({ requestId: request.requestId, progress: { phase: "computing", done: 0, total: 4 } });
    clock = 900;
    request.progress({ requestId: request.requestId, progress: { phase: "computing", done: 2, total: 4 } });
    expect(store.state.upscale.pages.get(7)?.progress).toEqual({ phase: "computing", done: 2, total: 4, since: 100, doneSince: 0 });
    request.reply.resolve(result(7));
    await settle();
    expect(store.state.upscale.pages.get(7)?.progress).toBeUndefined();
  });

  it("counts the pace from the tiles computed in this visit: tiles kept from an earlier one took none of its time", () => {
    let clock = 100;
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api, () => clock);
    opened(store, [7]);
    const request = engine.latest(7);
    request.progress({ requestId: request.requestId, progress: { phase: "computing", done: 5, total: 25, rule: null }, tile: null });
    clock = 2100;
    request.progress({ requestId: request.requestId, progress: { phase: "computing", done: 6, total: 25, rule: null }, tile: null });
    expect(store.state.upscale.pages.get(7)?.progress).toMatchObject({ done: 6, since: 100, doneSince: 5 });
  });

  it("off cancels what is in flight and keeps the results; a cancelled request leaves no trace", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    const upscale = new UpscaleController(store, engine.api);
    opened(store, [1, 2]);
    engine.latest(1).reply.resolve(result(1, true));
    await settle();
    const preload = engine.latest(2);
    upscale.toggle();
    expect(store.state.upscale.on).toBe(false);
    expect(engine.cancelled).toEqual([preload.requestId]);
    expect(store.state.upscale.pending).toBe(0);
    preload.reply.reject(new CommandError("cancelled", "cancelled"));
    await settle();
    expect(store.state.upscale.pages.get(1)?.result?.fromCache).toBe(true);
    expect(store.state.upscale.pages.has(2)).toBe(false);
  });

  it("says why when upscaling is unavailable, and asks for nothing", () => {
    const store = readyStore({ upscale: { on: false, pages: new Map(), pending: 0, cached: new Set() } });
    store.update((s) => ({ engine: { ...s.engine, phase: "unavailable", error: "no Python" } }));
    const engine = fakeEngine();
    const upscale = new UpscaleController(store, engine.api);
    opened(store, [1]);
    upscale.toggle();
    expect(store.state.upscale.on).toBe(false);
    expect(store.state.view.alert).toBe("Upscaling is unavailable: no Python");
    expect(engine.sent).toEqual([]);
  });

  it("does not ask for a page that cannot be shown", () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    store.update((s) => ({
      reading: { ...s.reading, location: location([1, 2]), onScreen: [1, 2], problems: new Map([[1, { kind: "image_too_large", message: "too large" }]]) },
    }));
    expect(engine.sent.map((s) => s.pageId)).toEqual([2]);
  });

  it("in spreads, preloads the next spread's two pages together, once both pages on screen are done", async () => {
    const store = readyStore();
    store.update((s) => ({ settings: { ...s.settings, spread: true } }));
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    store.update((s) => ({ reading: { ...s.reading, location: location([1, 2, 3, 4, 5, 6]), onScreen: [1, 2] } }));
    engine.latest(1).reply.resolve(result(1));
    await settle();
    expect(engine.sent.map((s) => s.pageId)).toEqual([1, 2]);
    engine.latest(2).reply.resolve(result(2));
    await settle();
    expect(engine.sent.map((s) => [s.pageId, s.priority])).toEqual([
      [1, "interactive"],
      [2, "interactive"],
      [3, "background"],
      [4, "background"],
    ]);
    engine.latest(3).reply.resolve(result(3));
    engine.latest(4).reply.resolve(result(4));
    await settle();
    expect([3, 4].map((id) => store.state.upscale.pages.get(id)?.preloaded)).toEqual([true, true]);
  });

  it("asks the engine again for a page whose result was shown, when it comes back: its cache answers, and counts the hit", async () => {
    const store = readyStore();
    const engine = fakeEngine();
    new UpscaleController(store, engine.api);
    opened(store, [1, 2, 3]);
    engine.latest(1).reply.resolve(result(1));
    await settle();
    engine.latest(2).reply.resolve(result(2));
    await settle();
    showing(store, [2]);
    expect(store.state.upscale.pages.get(2)?.preloaded).toBe(true);
    expect(engine.sent.filter((s) => s.pageId === 2)).toHaveLength(1);
    showing(store, [1]);
    const again = engine.latest(1);
    expect(engine.sent.filter((s) => s.pageId === 1)).toHaveLength(2);
    expect(again.priority).toBe("interactive");
    // The result shown before stays on screen while the engine answers.
    expect(store.state.upscale.pages.get(1)?.result?.url).toBe("upscaled://1");
    again.reply.resolve(result(1, true));
    await settle();
    expect(store.state.upscale.pages.get(1)).toMatchObject({ computedOnScreen: false, preloaded: false, shownBefore: false });
    expect(store.state.upscale.pages.get(1)?.result?.fromCache).toBe(true);
    // Staying on it asks nothing more.
    showing(store, [1]);
    expect(engine.sent.filter((s) => s.pageId === 1)).toHaveLength(2);
  });
});

