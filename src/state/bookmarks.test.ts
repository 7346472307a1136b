import { describe, expect, it } from "vitest";
import { addBookmark, bookmarkIndex, bookmarksOn, normalizeBookmarks, normalizeBookmarksByPath, removeBookmark, resolveBookmarks, sortBookmarks, toggleBookmark } from "./bookmarks";

const mark = (page: number, name = `p${page + 1}.png`) => ({ page, name });

describe("bookmarks", () => {
  it("are added in page order, one per page, and removed by page", () => {
    let marks = addBookmark([], mark(5));
    marks = addBookmark(marks, mark(1));
    marks = addBookmark(marks, mark(3));
    expect(marks.map((m) => m.page)).toEqual([1, 3, 5]);
    // Marking a page again keeps one bookmark for it, with the newer name.
    expect(addBookmark(marks, mark(3, "renamed.png"))).toEqual([mark(1), mark(3, "renamed.png"), mark(5)]);
    expect(removeBookmark(marks, 3)).toEqual([mark(1), mark(5)]);
    expect(removeBookmark(marks, 4)).toEqual(marks);
  });

  it("sort and drop duplicates, the first kept", () => {
    expect(sortBookmarks([mark(4), mark(0), mark(4, "other.png")])).toEqual([mark(0), mark(4)]);
  });

  it("M marks the first page on screen, and on a screen with a bookmark removes it (a spread's second page too)", () => {
    expect(toggleBookmark([], [2, 3], ["p3.png", "p4.png"])).toEqual([mark(2)]);
    expect(toggleBookmark([mark(2)], [2, 3], ["p3.png", "p4.png"])).toEqual([]);
    expect(toggleBookmark([mark(0), mark(3)], [2, 3], ["p3.png", "p4.png"])).toEqual([mark(0)]);
    expect(toggleBookmark([mark(0)], [], [])).toEqual([mark(0)]);
    expect(bookmarksOn([mark(0), mark(3)], [2, 3])).toEqual([mark(3)]);
  });

  it("keep only valid stored entries, per book, and drop books left with none", () => {
    expect(normalizeBookmarks([mark(2), { page: -1, name: "x" }, { page: 1.5, name: "x" }, { page: 1 }, null, "p1", mark(0)])).toEqual([mark(0), mark(2)]);
    expect(normalizeBookmarks("nonsense")).toEqual([]);
    expect(normalizeBookmarksByPath({ "/a.cbz": [mark(1)], "/b.cbz": [{ page: "1" }], "/c.cbz": 7, "": [mark(0)] })).toEqual({ "/a.cbz": [mark(1)] });
    expect(normalizeBookmarksByPath([mark(1)])).toEqual({});
    expect(normalizeBookmarksByPath(null)).toEqual({});
  });

  it("find their page by name when the book lists its pages differently, by index otherwise, and drop a page that is gone", () => {
    const names = ["cover.png", "p1.png", "p2.png"];
    expect(bookmarkIndex(mark(1, "p1.png"), names)).toBe(1);
    expect(bookmarkIndex(mark(0, "p2.png"), names)).toBe(2);
    expect(bookmarkIndex(mark(1, "gone.png"), names)).toBe(1);
    expect(bookmarkIndex(mark(5, "gone.png"), names)).toBeNull();
    expect(resolveBookmarks([mark(0, "p2.png"), mark(5, "gone.png"), mark(1, "p1.png")], names)).toEqual([mark(1, "p1.png"), mark(2, "p2.png")]);
  });
});
