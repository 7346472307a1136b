import { describe, expect, it } from "vitest";
import type { PageInfo, UpscaledImage } from "../bindings";
import type { PagesApi, UpscaleApi } from "../api";
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { Library } from "../state/library";
import { DEFAULT_SETTINGS } from "../state/settings";
import { deferred, location, readyStore, result, settle, type Deferred } from "../testing/fakes";
import { ReadingController } from "./reading";
import { FIRST_SIZES, StripController } from "./strip";
import { UpscaleController } from "./upscaling";

interface Asked {
  ids: number[];
  reply: Deferred<PageInfo[]>;
}

/** Pages 100 wide: 200 tall, but every fifth 100 tall. */
const sizeOf = (id: number): PageInfo => ({ id, width: 100, height: id % 5 === 0 ? 100 : 200, problem: null });

function setUp(options: { library?: Library; mode?: "pages" | "strip"; upscale?: boolean; damaged?: number } = {}) {
  const store = readyStore({ settings: { ...DEFAULT_SETTINGS, readingMode: options.mode ?? "strip", preloadCount: 2 } });
  if (!options.upscale) store.update((s) => ({ upscale: { ...s.upscale, on: false } }));
  const asked: Asked[] = [];
  const checked: number[][] = [];
  const renderSizes: [number, number][] = [];
  const api: Pick<PagesApi, "info" | "setRenderSize"> = {
    setRenderSize: (width, height) => {
      renderSizes.push([width, height]);
      return Promise.resolve();
    },
    info: (ids, check) => {
      // The damage check of the pages on screen answers at once.
      if (check) {
        checked.push(ids);
        const problem = { kind: "corrupt_image", message: "p.jpg is damaged or truncated. Detail: the JPEG ends early" };
        return Promise.resolve(ids.map((id) => (id === options.damaged ? { id, width: 0, height: 0, problem } : sizeOf(id))));
      }
      const reply = deferred<PageInfo[]>();
      asked.push({ ids, reply });
      return reply.promise;
    },
  };
  const library = options.library ?? new Library(null);
  // A 1280×800 screen at 1.5 device pixels per CSS pixel.
  const strip = new StripController(store, api, library, () => ({ width: 1280, height: 800, devicePixelRatio: 1.5 }));
  const reading = new ReadingController(store, api, library, () => {}, () => 0, strip);
  // A 400×300 window: pages 400 wide, 800 tall (400 every fifth page).
  strip.resized(400, 300);
  /** Answers every size asked for so far. */
  const answer = async () => {
    await settle(); // the render size is set before any size is asked for
    for (let done = 0; done < asked.length; done++) {
      asked[done].reply.resolve(asked[done].ids.map(sizeOf));
      await settle();
      strip.screenLoaded();
      await settle();
    }
  };
  return { store, strip, reading, asked, checked, answer, library, renderSizes };
}

const ids = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
const book = (count: number) => location(ids(count), { kind: "book", path: "/books/long.cbz", title: "Long" });

describe("StripController", () => {
  it("at its end, a step on shows the end-of-book banner", async () => {
    const { store, reading, strip, answer } = setUp();
    reading.open(location(ids(3), { kind: "book", path: "/books/short.cbz", title: "Short", nextBook: null }));
    await answer();
    reading.step(1);
    expect(store.state.reading.atBookEnd).toBe(false);
    strip.end();
    expect(strip.atEnd).toBe(true);
    reading.step(1);
    expect(store.state.reading.atBookEnd).toBe(true);
  });

  it("at its end, a wheel scroll further down shows the end-of-book banner, as ↓ does", async () => {
    const { store, reading, strip, answer } = setUp();
    reading.open(location(ids(3), { kind: "book", path: "/books/short.cbz", title: "Short", nextBook: null }));
    await answer();
    reading.stripWheel(120);
    expect(store.state.reading.atBookEnd, "not at the end yet: the wheel scrolls").toBe(false);
    strip.end();
    reading.stripWheel(-120);
    reading.stripWheel(2); // a touchpad's drift
    expect(store.state.reading.atBookEnd).toBe(false);
    reading.stripWheel(3, 1); // three lines
    expect(store.state.reading.atBookEnd).toBe(true);
  });

  it("has PDF pages rendered at the strip's width on this screen before it asks for any, and at the screen's height back in pages", async () => {
    const { store, reading, asked, answer, renderSizes } = setUp();
    reading.open(book(20));
    expect(asked, "no page is asked for before the render size is set").toEqual([]);
    await answer();
    expect(renderSizes).toEqual([[1920, 0]]);
    expect(store.state.reading.strip?.renderWidth, "the view asks for pages at the width the engine has").toBe(1920);
    store.update((s) => ({ settings: { ...s.settings, stripMaxWidth: 800 } }));
    await settle();
    expect(renderSizes).toEqual([[1920, 0], [1200, 0]]);
    expect(store.state.reading.strip?.renderWidth).toBe(1200);
    store.update((s) => ({ settings: { ...s.settings, readingMode: "pages" } }));
    await settle();
    expect(renderSizes).toEqual([[1920, 0], [1200, 0], [0, 1200]]);
    store.update((s) => ({ settings: { ...s.settings, readingMode: "strip" } }));
    await answer();
    expect(renderSizes[renderSizes.length - 1], "the strip's maximum width, in device pixels").toEqual([1200, 0]);
  });

  it("checks the pages that come on screen, so a damaged one is said to be so", async () => {
    const { store, reading, checked, answer } = setUp({ damaged: 1 });
    reading.open(book(20));
    await answer();
    expect(store.state.reading.onScreen.length).toBeGreaterThan(0);
    expect(checked.flat()).toContain(store.state.reading.onScreen[0]);
    expect(store.state.reading.problems.get(1)?.kind).toBe("corrupt_image");
  });

  it("shows once the first screen's sizes are known, then learns the rest in a few calls", async () => {
    const { store, reading, asked, answer } = setUp();
    reading.open(book(2000));
    await settle();
    expect(store.state.reading.strip).toBeNull();
    expect(asked[0].ids).toEqual(ids(FIRST_SIZES));
    asked[0].reply.resolve(asked[0].ids.map(sizeOf));
    await settle();
    const strip = store.state.reading.strip!;
    expect(strip.scrollTop).toBe(0);
    expect(store.state.reading.onScreen).toEqual([1]);
    expect(strip.decoded).toEqual({ from: 0, to: 1 });
    // The rest wait until the first screen's images have loaded.
    await settle();
    expect(asked.length).toBe(1);
    await answer();
    // 16 first, then 500 at a time: the 2,000 pages in five calls, none asked twice.
    expect(asked.map((a) => a.ids.length)).toEqual([16, 500, 500, 500, 484]);
    expect(new Set(asked.flatMap((a) => a.ids)).size).toBe(2000);
    expect(store.state.reading.strip!.layout.total).toBe(400 * 800 * 4 + 400 * 400);
  });

  it("says what the viewport shows as it scrolls: the pages, the most visible first, and the ones ahead in the scroll direction", async () => {
    const { store, strip, reading, answer } = setUp();
    reading.open(book(20));
    await answer();
    // Pages 1–4 are 800 tall, page 5 is 400: at 700 the window shows 100 of page 1 and 200 of page 2.
    strip.scrolled(700);
    expect(store.state.reading.onScreen).toEqual([1, 2]);
    expect(store.state.reading.strip!.byVisibility).toEqual([2, 1]);
    expect(store.state.reading.strip!.ahead).toEqual([3, 4]);
    strip.scrolled(2500);
    expect(store.state.reading.onScreen).toEqual([4]);
    strip.scrolled(2000);
    expect(store.state.reading.onScreen).toEqual([3]);
    expect(store.state.reading.strip!.ahead).toEqual([2, 1]);
  });

  it("keeps images for the same few pages in a 2,000-page strip as in a 20-page one", async () => {
    const decodedAt = async (count: number) => {
      const { store, strip, reading, answer } = setUp();
      reading.open(book(count));
      await answer();
      strip.showIndex(count / 2);
      const { decoded } = store.state.reading.strip!;
      return decoded!.to - decoded!.from + 1;
    };
    expect(await decodedAt(2000)).toBe(await decodedAt(20));
    expect(await decodedAt(2000)).toBeLessThanOrEqual(4);
  });

  it("keys and jumps move the viewport: a screenful, a page, the ends", async () => {
    const { store, strip, reading, answer } = setUp();
    reading.open(book(20));
    await answer();
    strip.scrollBy(0.9);
    expect(store.state.reading.strip!.scrollTop).toBe(270);
    strip.scrollBy(-0.9);
    expect(store.state.reading.strip!.scrollTop).toBe(0);
    reading.step(1);
    expect(store.state.reading.strip!.scrollTop).toBe(800);
    reading.showIndex(4);
    expect(store.state.reading.strip!.scrollTop).toBe(3200);
    const moved = store.state.reading.strip!.moved;
    reading.last();
    const { layout, scrollTop } = store.state.reading.strip!;
    expect(scrollTop).toBe(layout.total - 300);
    expect(store.state.reading.strip!.moved).toBeGreaterThan(moved);
    reading.first();
    expect(store.state.reading.strip!.scrollTop).toBe(0);
  });

  it("holds the reading position when the sizes of pages above it arrive", async () => {
    const library = new Library(null);
    await library.remember({ path: "/books/long.cbz", title: "Long", page: 30, offset: 0.5, pages: 60 });
    const { store, strip, reading, asked } = setUp({ library });
    reading.open(book(60));
    await settle();
    // From the remembered page on first: pages 31 to 46.
    expect(asked[0].ids).toEqual(ids(46).slice(30));
    asked[0].reply.resolve(asked[0].ids.map(sizeOf));
    await settle();
    const before = store.state.reading.strip!;
    // The pages above are laid out as portrait estimates until their sizes arrive.
    expect(before.position).toEqual({ index: 30, offset: 0.5 });
    expect(before.scrollTop).toBe(before.layout.tops[30] + 400);
    strip.screenLoaded();
    await settle();
    asked[1].reply.resolve(asked[1].ids.map(sizeOf));
    await settle();
    const after = store.state.reading.strip!;
    expect(after.layout.tops[30]).not.toBe(before.layout.tops[30]);
    expect(after.scrollTop - after.layout.tops[30]).toBe(400);
    expect(after.moved).toBeGreaterThan(before.moved);
    expect(store.state.reading.onScreen).toEqual([31]);
  });

  it("remembers the page at the top and the place in it, and reopens there", async () => {
    const library = new Library(null);
    const first = setUp({ library });
    first.reading.open(book(20));
    await first.answer();
    first.strip.scrolled(800 * 2 + 200);
    expect(library.memoryOf("/books/long.cbz")).toMatchObject({ page: 2, offset: 0.25, pages: 20 });

    const again = setUp({ library });
    again.reading.open(book(20));
    await again.answer();
    expect(again.store.state.reading.strip!.scrollTop).toBe(1800);
    expect(again.store.state.reading.onScreen).toEqual([3]);
  });

  it("W switches from the page shown to the strip at that page, and back to pages at the one at the top", async () => {
    const { store, strip, reading, answer } = setUp({ mode: "pages" });
    reading.open(book(20));
    reading.showIndex(5);
    expect(store.state.reading.onScreen).toEqual([6]);
    store.update((s) => ({ settings: { ...s.settings, readingMode: "strip" } }));
    await answer();
    expect(strip.active).toBe(true);
    expect(store.state.reading.strip!.position).toEqual({ index: 5, offset: 0 });
    strip.scrolled(store.state.reading.strip!.layout.tops[8] + 10);
    store.update((s) => ({ settings: { ...s.settings, readingMode: "pages" } }));
    expect(strip.active).toBe(false);
    expect(store.state.reading.strip).toBeNull();
    expect(store.state.reading.onScreen).toEqual([9]);
  });
});

describe("upscaling the strip", () => {
  function engine(store: Store<AppState>) {
    const sent: { pageId: number; priority: string; requestId: string; focus: unknown; reply: Deferred<UpscaledImage> }[] = [];
    const cancelled: string[] = [];
    const api: UpscaleApi = {
      upscale: (request) => {
        const reply = deferred<UpscaledImage>();
        sent.push({ pageId: request.pageId, priority: request.priority, requestId: request.requestId, focus: request.tileOrder.focus, reply });
        return reply.promise;
      },
      cancel: (requestIds) => cancelled.push(...requestIds),
    };
    new UpscaleController(store, api, undefined, undefined, { strip: () => ({ top: store.state.reading.strip?.scrollTop ?? 0, height: 300 }), page: () => null });
    return { sent, cancelled };
  }

  it("asks for the visible pages, the most visible first, then preloads in the scroll direction, and cancels a page that scrolls away", async () => {
    const { store, strip, reading, answer } = setUp({ upscale: true });
    const upscaling = engine(store);
    reading.open(book(20));
    await answer();
    strip.scrolled(700);
    const interactive = upscaling.sent.filter((s) => s.priority === "interactive").map((s) => s.pageId);
    // Page 1 was asked for alone at the top; at 700, page 2 (200 visible) before page 1 (100).
    expect(interactive).toEqual([1, 2]);
    // Their tiles in view first: the top 3/8 of page 1 (in a 300 px window), then page 2's top quarter.
    expect(upscaling.sent.map((s) => s.focus)).toEqual([
      { x: 0, y: 0, width: 1, height: 0.375 },
      { x: 0, y: 0, width: 1, height: 0.25 },
    ]);
    strip.scrolled(600);
    strip.scrolled(750);
    expect(store.state.reading.strip!.byVisibility).toEqual([2, 1]);
    for (const s of [...upscaling.sent]) s.reply.resolve(result(s.pageId));
    await settle();
    expect(upscaling.sent.filter((s) => s.priority === "background").map((s) => s.pageId)).toEqual([3, 4]);
    // Pages 3 and 4 come on screen: asked for again as interactive, page 4 (more visible) first.
    strip.scrolled(800 * 3 - 100);
    expect(store.state.reading.onScreen).toEqual([3, 4]);
    const onScreenNow = upscaling.sent.slice(-2);
    expect(onScreenNow.map((s) => [s.pageId, s.priority])).toEqual([
      [4, "interactive"],
      [3, "interactive"],
    ]);
    // They scroll away before they are done: both are cancelled.
    strip.scrolled(800 * 10);
    expect(upscaling.cancelled).toEqual(expect.arrayContaining(onScreenNow.map((s) => s.requestId)));
  });
});
