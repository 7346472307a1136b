import { describe, expect, it } from "vitest";
import type { PageInfo } from "../bindings";
import type { PagesApi } from "../api";
import { indexOf, INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import { Library } from "../state/library";
import { deferred, location, settle, type Deferred } from "../testing/fakes";
import { NEXT_BOOK_PAUSE_MS, ReadingController } from "./reading";

interface Asked {
  ids: number[];
  check: boolean;
  reply: Deferred<PageInfo[]>;
}

function setUp(library = new Library(null)) {
  const store = new Store<AppState>(INITIAL_STATE);
  const asked: Asked[] = [];
  const api: Pick<PagesApi, "info"> = {
    info: (ids, check) => {
      const reply = deferred<PageInfo[]>();
      asked.push({ ids, check, reply });
      return reply.promise;
    },
  };
  const opened: string[] = [];
  // The reader's clock: a second passes between any two actions, unless a test sets it.
  const clock = { time: 0, tick: 1000 };
  const reading = new ReadingController(store, api, library, (path) => opened.push(path), () => (clock.time += clock.tick));
  return { store, reading, asked, opened, clock };
}

const portrait = (id: number): PageInfo => ({ id, width: 100, height: 150, problem: null });
const wide = (id: number): PageInfo => ({ id, width: 300, height: 150, problem: null });

describe("ReadingController", () => {
  it("shows the start page by id, and steps by groups of ids", () => {
    const { store, reading } = setUp();
    reading.open(location([21, 22, 23], { startIndex: 1 }));
    expect(store.state.reading.onScreen).toEqual([22]);
    reading.step(1);
    expect(store.state.reading.onScreen).toEqual([23]);
    reading.step(1);
    expect(store.state.reading.onScreen).toEqual([23]);
    reading.first();
    expect(store.state.reading.onScreen).toEqual([21]);
    reading.last();
    expect(store.state.reading.onScreen).toEqual([23]);
  });

  it("derives a page's index from its id, whatever order the ids come in", () => {
    const { store, reading } = setUp();
    reading.open(location([9, 4, 7]));
    reading.show(7);
    expect(store.state.reading.onScreen).toEqual([7]);
    expect(indexOf(store.state, 7)).toBe(2);
    reading.step(-1);
    expect(store.state.reading.onScreen).toEqual([4]);
  });

  it("pairs pages in a spread, and a wide page learnt later stands alone", async () => {
    const { store, reading, asked } = setUp();
    store.update((s) => ({ settings: { ...s.settings, spread: true } }));
    reading.open(location([1, 2, 3, 4]));
    expect(store.state.reading.onScreen).toEqual([1, 2]);
    const sizes = asked.find((a) => !a.check)!;
    sizes.reply.resolve([portrait(1), wide(2), portrait(3), portrait(4)]);
    await settle();
    expect(store.state.reading.onScreen).toEqual([1]);
    reading.step(1);
    expect(store.state.reading.onScreen).toEqual([2]);
    reading.step(1);
    expect(store.state.reading.onScreen).toEqual([3, 4]);
    // Spread off: the same first page, alone.
    store.update((s) => ({ settings: { ...s.settings, spread: false } }));
    expect(store.state.reading.onScreen).toEqual([3]);
  });

  it("keeps a page's problem with the page, and drops a reply about a location no longer open", async () => {
    const { store, reading, asked } = setUp();
    reading.open(location([1, 2]));
    const checkFirst = asked.find((a) => a.check)!;
    expect(checkFirst.ids).toEqual([1]);
    reading.step(1);
    checkFirst.reply.resolve([{ id: 1, width: 0, height: 0, problem: { kind: "not_an_image", message: "damaged" } }]);
    await settle();
    expect(store.state.reading.problems.get(1)?.message).toBe("damaged");
    expect(store.state.reading.problems.has(2)).toBe(false);

    // Reopened: new ids. A late reply about the old pages changes nothing.
    reading.open(location([3, 4]));
    const late = asked.filter((a) => a.check).find((a) => a.ids[0] === 2)!;
    late.reply.resolve([{ id: 2, width: 0, height: 0, problem: { kind: "not_an_image", message: "late" } }]);
    await settle();
    expect([...store.state.reading.problems.keys()]).toEqual([]);
  });

  it("marks the page in a slot whose original the webview could not show", () => {
    const { store, reading } = setUp();
    store.update((s) => ({ settings: { ...s.settings, spread: true } }));
    reading.open(location([5, 6, 7]));
    reading.originalFailed(1);
    expect([...store.state.reading.problems.keys()]).toEqual([6]);
    expect(store.state.reading.problems.get(6)?.kind).toBe("not_an_image");
  });

  it("offers the next book at the end, then opens it", () => {
    const { store, reading, opened } = setUp();
    reading.open(location([1], { kind: "book", path: "/b/one.cbz", nextBook: { name: "two", path: "/b/two.cbz" } }));
    reading.step(1);
    expect(store.state.reading.atBookEnd).toBe(true);
    expect(opened).toEqual([]);
    reading.step(1);
    expect(opened).toEqual(["/b/two.cbz"]);
  });

  it("at the end of the last book, says so and opens nothing", () => {
    const { store, reading, opened, clock } = setUp();
    reading.open(location([1], { kind: "book", path: "/b/last.cbz", nextBook: null }));
    reading.step(1);
    expect(store.state.reading.atBookEnd).toBe(true);
    clock.time += NEXT_BOOK_PAUSE_MS;
    reading.step(1);
    expect(opened).toEqual([]);
  });

  it("never opens the next book on a turn that may not (a click on the page), even after a pause", () => {
    const { store, reading, opened, clock } = setUp();
    reading.open(location([1], { kind: "book", path: "/b/one.cbz", nextBook: { name: "two", path: "/b/two.cbz" } }));
    reading.arrow("ArrowRight", false);
    clock.time += NEXT_BOOK_PAUSE_MS;
    reading.arrow("ArrowRight", false);
    expect(store.state.reading.atBookEnd).toBe(true);
    expect(opened).toEqual([]);
    reading.arrow("ArrowRight");
    expect(opened).toEqual(["/b/two.cbz"]);
  });

  it("reopens a book at the page where it was left, and clears a message when the reader moves", async () => {
    const library = new Library(null);
    const first = setUp(library);
    const book = (ids: number[]) => location(ids, { kind: "book", path: "/b/one.cbz", title: "one" });
    first.reading.open(book([1, 2, 3]));
    first.reading.step(1);
    await settle();
    expect(library.lastPage("/b/one.cbz", 3)).toBe(1);

    const again = setUp(library);
    again.reading.open(book([10, 11, 12]));
    expect(again.store.state.reading.onScreen).toEqual([11]);
    again.store.update((s) => ({ view: { ...s.view, alert: "Could not save" } }));
    again.reading.step(1);
    expect(again.store.state.view.alert).toBeNull();
  });

  it("stops fast presses at the end of a book: only a turn after a pause, or a click, opens the next", () => {
    const { store, reading, opened, clock } = setUp();
    const next = { name: "two", path: "/b/two.cbz" };
    reading.open(location([1, 2], { kind: "book", path: "/b/one.cbz", nextBook: next }));
    clock.tick = 100;
    for (let i = 0; i < 20; i++) reading.step(1);
    expect(store.state.reading.onScreen).toEqual([2]);
    expect(store.state.reading.atBookEnd).toBe(true);
    expect(opened).toEqual([]);
    clock.time += NEXT_BOOK_PAUSE_MS;
    reading.step(1);
    expect(opened).toEqual(["/b/two.cbz"]);
    // Presses while it opens stop at the banner again.
    expect(store.state.reading.atBookEnd).toBe(false);
    reading.step(1);
    reading.step(1);
    expect(opened).toEqual(["/b/two.cbz"]);
    reading.openNextBook();
    expect(opened).toEqual(["/b/two.cbz", "/b/two.cbz"]);
  });

  it("starts a book reached by reading on at its saved page, or at its beginning when it was finished", async () => {
    const library = new Library(null);
    await library.remember({ path: "/b/two.cbz", title: "two", page: 2, pages: 3 });
    await library.remember({ path: "/b/three.cbz", title: "three", page: 1, pages: 3 });
    const { store, reading } = setUp(library);
    const book = (path: string, ids: number[], nextBook: { name: string; path: string } | null) => location(ids, { kind: "book", path, title: path, nextBook });
    reading.open(book("/b/one.cbz", [1], { name: "two", path: "/b/two.cbz" }));
    reading.step(1);
    reading.step(1);
    reading.open(book("/b/two.cbz", [4, 5, 6], { name: "three", path: "/b/three.cbz" }));
    expect(store.state.reading.onScreen).toEqual([4]);
    reading.step(1);
    reading.step(1);
    reading.step(1);
    reading.step(1);
    reading.open(book("/b/three.cbz", [7, 8, 9], null));
    expect(store.state.reading.onScreen).toEqual([8]);
  });

  it("enters the previous page at its end only when scrolling back into it", () => {
    const { store, reading } = setUp();
    reading.open(location([1, 2, 3], { startIndex: 2 }));
    reading.step(-1, true);
    expect(store.state.reading).toMatchObject({ onScreen: [2], enteredAtEnd: true });
    reading.step(-1);
    expect(store.state.reading).toMatchObject({ onScreen: [1], enteredAtEnd: false });
    reading.step(1, true);
    expect(store.state.reading.enteredAtEnd).toBe(false);
  });
});
