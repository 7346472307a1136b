// The books a reader has opened: the page each was left at, and the most recent ones.
// Persisted through a small key-value store (the store plugin in the app, a map in tests).
import { t } from "../i18n/i18n";

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface BookMemory {
  path: string;
  title: string;
  page: number;
  pages: number;
  /** The last page that was on screen (the second of a spread); `page` when absent. */
  last?: number;
  /** In the vertical strip: how far into `page` the top of the window was (0 to 1 of its height). */
  offset?: number;
  /** Milliseconds since the epoch. */
  openedAt: number;
}

/** A book whose last page was on screen has been read. */
export function isFinished(book: Pick<BookMemory, "page" | "pages" | "last">): boolean {
  return (book.last ?? book.page) >= book.pages - 1;
}

/** Where a reader stands in a book: "page 3 of 24", or "read". */
export function whereInBook(book: Pick<BookMemory, "page" | "pages" | "last">): string {
  return isFinished(book) ? t("books.read") : t("books.pageOf", { page: book.page + 1, count: book.pages });
}

const KEY = "books";
export const RECENT_LIMIT = 12;
/** At most this many books are remembered; the least recent are forgotten first. */
const REMEMBERED_LIMIT = 500;

function valid(entry: unknown): entry is BookMemory {
  const e = entry as BookMemory;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.path === "string" &&
    typeof e.title === "string" &&
    Number.isInteger(e.page) &&
    Number.isInteger(e.pages) &&
    (e.last === undefined || Number.isInteger(e.last)) &&
    (e.offset === undefined || (typeof e.offset === "number" && e.offset >= 0 && e.offset <= 1)) &&
    typeof e.openedAt === "number"
  );
}

export class Library {
  private books: BookMemory[] = [];

  constructor(private readonly store: KeyValueStore | null) {}

  async load(): Promise<void> {
    const stored = await this.store?.get<unknown[]>(KEY);
    this.books = Array.isArray(stored) ? stored.filter(valid) : [];
  }

  /** The page a book was left at, if it was opened before (and still has that page). */
  lastPage(path: string, pages: number): number | null {
    const book = this.books.find((b) => b.path === path);
    return book && book.page < pages ? book.page : null;
  }

  /** Where a book was left, with the place within the page in the strip (0 when read by pages). */
  lastPosition(path: string, pages: number): { index: number; offset: number } | null {
    const book = this.books.find((b) => b.path === path);
    return book && book.page < pages ? { index: book.page, offset: book.offset ?? 0 } : null;
  }

  /** Remembers that `path` is open at `page`, and makes it the most recent book. */
  async remember(book: Omit<BookMemory, "openedAt">, now = Date.now()): Promise<void> {
    this.books = [{ ...book, openedAt: now }, ...this.books.filter((b) => b.path !== book.path)].slice(0, REMEMBERED_LIMIT);
    await this.store?.set(KEY, this.books);
  }

  /** What is remembered of the book at `path`, if it was opened. */
  memoryOf(path: string): BookMemory | undefined {
    return this.books.find((b) => b.path === path);
  }

  recent(): BookMemory[] {
    return [...this.books].sort((a, b) => b.openedAt - a.openedAt).slice(0, RECENT_LIMIT);
  }

  async forget(path: string): Promise<void> {
    this.books = this.books.filter((b) => b.path !== path);
    await this.store?.set(KEY, this.books);
  }
}
