// Bookmarks (M, or the toolbar's bookmark button): the pages a reader marked in each book,
// saved by the book's path and shown again when it opens; the Books panel lists the open
// book's and jumps to them.
import type { OpenedLocation } from "../bindings";
import { onScreenIndices, pages, type AppState } from "../app/state";
import type { Store } from "../app/store";
import type { ReadingController } from "./reading";
import { normalizeBookmarksByPath, removeBookmark, resolveBookmarks, toggleBookmark, type Bookmark, type BookmarksByPath } from "../state/bookmarks";
import type { KeyValueStore } from "../state/library";

export const BOOKMARKS_KEY = "bookmarks";

export class BookmarksController {
  private byPath: BookmarksByPath = {};

  constructor(
    private readonly store: Store<AppState>,
    private readonly saved: KeyValueStore | null,
    private readonly reading: Pick<ReadingController, "showIndex">,
  ) {}

  /** Reads the saved bookmarks; each book shows its own when it opens. */
  async load(): Promise<void> {
    this.byPath = normalizeBookmarksByPath(await this.saved?.get(BOOKMARKS_KEY));
    this.store.watch(
      (s) => s.reading.location,
      (location) => this.show(location),
    );
  }

  /** Marks the page on screen, or removes the marks of the pages on screen. */
  toggle(): void {
    const state = this.store.state;
    const indices = onScreenIndices(state);
    const names = indices.map((i) => pages(state)[i].name);
    this.set(toggleBookmark(state.book.bookmarks, indices, names));
  }

  remove(page: number): void {
    this.set(removeBookmark(this.store.state.book.bookmarks, page));
  }

  jump(mark: Bookmark): void {
    this.reading.showIndex(mark.page);
  }

  private show(location: OpenedLocation | null): void {
    const names = location?.images.map((image) => image.name) ?? [];
    const bookmarks = location ? resolveBookmarks(this.byPath[location.path] ?? [], names) : [];
    this.store.update((s) => ({ book: { ...s.book, bookmarks } }));
  }

  private set(bookmarks: Bookmark[]): void {
    const path = this.store.state.reading.location?.path;
    if (!path) return;
    const others = Object.fromEntries(Object.entries(this.byPath).filter(([other]) => other !== path));
    this.byPath = bookmarks.length > 0 ? { ...others, [path]: bookmarks } : others;
    void this.saved?.set(BOOKMARKS_KEY, this.byPath);
    this.store.update((s) => ({ book: { ...s.book, bookmarks } }));
  }
}
