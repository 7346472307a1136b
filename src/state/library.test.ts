import { describe, expect, it } from "vitest";
import { isFinished, Library, RECENT_LIMIT, whereInBook, type KeyValueStore } from "./library";

class MemoryStore implements KeyValueStore {
  data = new Map<string, unknown>();
  async get<T>(key: string) {
    return this.data.get(key) as T | undefined;
  }
  async set(key: string, value: unknown) {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

describe("Library", () => {
  it("reopens a book at the page it was left at, across restarts", async () => {
    const store = new MemoryStore();
    const first = new Library(store);
    await first.load();
    await first.remember({ path: "/books/a.cbz", title: "a", page: 7, pages: 20 });
    const later = new Library(store);
    await later.load();
    expect(later.lastPage("/books/a.cbz", 20)).toBe(7);
    expect(later.lastPage("/books/a.cbz", 5)).toBeNull();
    expect(later.lastPage("/books/b.cbz", 20)).toBeNull();
  });

  it("keeps the strip's place within the page across restarts, and drops an offset out of range", async () => {
    const store = new MemoryStore();
    const first = new Library(store);
    await first.load();
    await first.remember({ path: "/books/a.cbz", title: "a", page: 7, offset: 0.25, pages: 20 });
    await first.remember({ path: "/books/b.cbz", title: "b", page: 3, pages: 20 });
    const later = new Library(store);
    await later.load();
    expect(later.lastPosition("/books/a.cbz", 20)).toEqual({ index: 7, offset: 0.25 });
    expect(later.lastPosition("/books/b.cbz", 20)).toEqual({ index: 3, offset: 0 });
    expect(later.lastPosition("/books/a.cbz", 5)).toBeNull();
    store.data.set("books", [{ path: "/books/c.cbz", title: "c", page: 1, offset: 3, pages: 9, openedAt: 1 }]);
    await later.load();
    expect(later.lastPosition("/books/c.cbz", 9)).toBeNull();
  });

  it("lists the most recent books first, without duplicates, up to a limit", async () => {
    const library = new Library(new MemoryStore());
    await library.load();
    for (let i = 0; i < RECENT_LIMIT + 3; i++) {
      await library.remember({ path: `/b/${i}.cbz`, title: String(i), page: 0, pages: 9 }, 1000 + i);
    }
    await library.remember({ path: "/b/0.cbz", title: "0", page: 3, pages: 9 }, 5000);
    const recent = library.recent();
    expect(recent).toHaveLength(RECENT_LIMIT);
    expect(recent[0]).toMatchObject({ path: "/b/0.cbz", page: 3 });
    expect(new Set(recent.map((b) => b.path)).size).toBe(recent.length);
  });

  it("ignores stored junk", async () => {
    const store = new MemoryStore();
    await store.set("books", [{ path: 3 }, null, { path: "/ok.cbz", title: "ok", page: 1, pages: 2, openedAt: 1 }]);
    const library = new Library(store);
    await library.load();
    expect(library.recent().map((b) => b.path)).toEqual(["/ok.cbz"]);
  });

  it("says a book is read once its last page was on screen, alone or in a spread", async () => {
    expect(whereInBook({ page: 2, pages: 24 })).toBe("page 3 of 24");
    expect(whereInBook({ page: 23, pages: 24 })).toBe("read");
    expect(whereInBook({ page: 22, last: 23, pages: 24 })).toBe("read");
    expect(isFinished({ page: 21, last: 22, pages: 24 })).toBe(false);
    const store = new MemoryStore();
    const library = new Library(store);
    await library.load();
    await library.remember({ path: "/b/a.cbz", title: "a", page: 22, last: 23, pages: 24 });
    const later = new Library(store);
    await later.load();
    expect(later.memoryOf("/b/a.cbz")).toMatchObject({ last: 23 });
    expect(isFinished(later.memoryOf("/b/a.cbz")!)).toBe(true);
  });
});
