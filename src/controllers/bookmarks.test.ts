import { describe, expect, it } from "vitest";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import { Library, type KeyValueStore } from "../state/library";
import { location, memoryStore, settle } from "../testing/fakes";
import { BookmarksController } from "./bookmarks";
import { ReadingController } from "./reading";
import { SettingsController } from "./settings";

async function start(saved: KeyValueStore) {
  const store = new Store<AppState>(INITIAL_STATE);
  await new SettingsController(store, saved).load();
  const reading = new ReadingController(store, { info: async () => [] }, new Library(null), () => {});
  const bookmarks = new BookmarksController(store, saved, reading);
  await bookmarks.load();
  return { store, reading, bookmarks };
}

const book = (path: string, count = 6) => location(Array.from({ length: count }, (_, i) => 10 + i), { path, kind: "book", title: path });
const pagesOf = (store: Store<AppState>) => store.state.book.bookmarks.map((b) => b.page);

describe("BookmarksController", () => {
  it("M marks the page on screen and removes it again; bookmarks are kept per book and survive a restart", async () => {
    const saved = memoryStore();
    const { store, reading, bookmarks } = await start(saved);
    reading.open(book("/a.cbz"));
    reading.showIndex(4);
    bookmarks.toggle();
    reading.showIndex(1);
    bookmarks.toggle();
    bookmarks.toggle();
    bookmarks.toggle();
    expect(pagesOf(store)).toEqual([1, 4]);
    expect(store.state.book.bookmarks[0]).toEqual({ page: 1, name: "p11.png" });
    reading.open(book("/b.cbz"));
    expect(pagesOf(store)).toEqual([]);
    bookmarks.toggle();
    bookmarks.remove(0);
    await settle();
    expect(saved.entries.bookmarks).toEqual({ "/a.cbz": [{ page: 1, name: "p11.png" }, { page: 4, name: "p14.png" }] });

    const again = await start(saved);
    again.reading.open(book("/a.cbz"));
    expect(pagesOf(again.store)).toEqual([1, 4]);
    again.bookmarks.jump(again.store.state.book.bookmarks[1]);
    expect(again.store.state.reading.onScreen).toEqual([14]);
  });

  it("in a spread, M removes the bookmark of either page shown", async () => {
    const { store, reading, bookmarks } = await start(memoryStore({ bookmarks: { "/a.cbz": [{ page: 3, name: "p13.png" }] } }));
    reading.open(book("/a.cbz"));
    store.update((s) => ({ settings: { ...s.settings, spread: true } }));
    reading.showIndex(2);
    expect(store.state.reading.onScreen).toEqual([12, 13]);
    bookmarks.toggle();
    expect(pagesOf(store)).toEqual([]);
    bookmarks.toggle();
    expect(pagesOf(store)).toEqual([2]);
  });

  it("drops stored bookmarks that are not valid, and those whose page the book no longer has", async () => {
    const saved = memoryStore({ bookmarks: { "/a.cbz": [{ page: 1, name: "p11.png" }, { page: "2" }, { page: 9, name: "gone.png" }], "/b.cbz": "bad" } });
    const { store, reading } = await start(saved);
    reading.open(book("/a.cbz"));
    expect(store.state.book.bookmarks).toEqual([{ page: 1, name: "p11.png" }]);
  });
});
