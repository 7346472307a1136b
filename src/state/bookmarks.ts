// Bookmarks: pages a reader marked in a book, kept by location path. A bookmark holds the
// page's index and its name, so it still finds its page when the book's pages are listed
// differently. Pure, so every rule is unit-tested.

export interface Bookmark {
  /** The page's index in the book when it was marked (0-based). */
  page: number;
  /** The page's file name (in a book, its path inside). */
  name: string;
}

/** Bookmarks by location path, each book's in page order. */
export type BookmarksByPath = Record<string, readonly Bookmark[]>;

function valid(entry: unknown): entry is Bookmark {
  const e = entry as Bookmark;
  return typeof e === "object" && e !== null && Number.isInteger(e.page) && e.page >= 0 && typeof e.name === "string";
}

/** In page order, one bookmark per page. */
export function sortBookmarks(bookmarks: readonly Bookmark[]): Bookmark[] {
  const byPage = new Map<number, Bookmark>();
  for (const b of bookmarks) if (!byPage.has(b.page)) byPage.set(b.page, { page: b.page, name: b.name });
  return [...byPage.values()].sort((a, b) => a.page - b.page);
}

/** A book's stored bookmarks, keeping the valid ones, sorted. */
export function normalizeBookmarks(raw: unknown): Bookmark[] {
  return Array.isArray(raw) ? sortBookmarks(raw.filter(valid)) : [];
}

/** Every book's stored bookmarks; a book left with none is dropped. */
export function normalizeBookmarksByPath(raw: unknown): BookmarksByPath {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return {};
  const entries = Object.entries(raw).map(([path, marks]) => [path, normalizeBookmarks(marks)] as const);
  return Object.fromEntries(entries.filter(([path, marks]) => path !== "" && marks.length > 0));
}

export function addBookmark(bookmarks: readonly Bookmark[], mark: Bookmark): Bookmark[] {
  return sortBookmarks([mark, ...bookmarks.filter((b) => b.page !== mark.page)]);
}

export function removeBookmark(bookmarks: readonly Bookmark[], page: number): Bookmark[] {
  return bookmarks.filter((b) => b.page !== page);
}

/** The bookmarks among the pages on screen (by index). */
export function bookmarksOn(bookmarks: readonly Bookmark[], indices: readonly number[]): Bookmark[] {
  return bookmarks.filter((b) => indices.includes(b.page));
}

/**
 * M on a screen: a screen with bookmarks loses them; otherwise its first page is marked.
 * `names` are the names of the pages on screen, in the order of `indices`.
 */
export function toggleBookmark(bookmarks: readonly Bookmark[], indices: readonly number[], names: readonly string[]): Bookmark[] {
  if (indices.length === 0) return [...bookmarks];
  const marked = bookmarksOn(bookmarks, indices);
  if (marked.length > 0) return bookmarks.filter((b) => !marked.includes(b));
  return addBookmark(bookmarks, { page: indices[0], name: names[0] ?? "" });
}

/** Where a bookmark's page is in the book as listed now: the page of its name, or else its
 *  index while the book still has it; null when the page is gone. */
export function bookmarkIndex(mark: Bookmark, names: readonly string[]): number | null {
  if (names[mark.page] === mark.name) return mark.page;
  const byName = names.indexOf(mark.name);
  if (byName >= 0) return byName;
  return mark.page < names.length ? mark.page : null;
}

/** A book's bookmarks against its pages as listed now (see `bookmarkIndex`); those whose
 *  page is gone are left out. */
export function resolveBookmarks(bookmarks: readonly Bookmark[], names: readonly string[]): Bookmark[] {
  return sortBookmarks(
    bookmarks.flatMap((mark) => {
      const page = bookmarkIndex(mark, names);
      return page === null ? [] : [{ page, name: names[page] }];
    }),
  );
}
