// Books: the open book's bookmarks (a thumbnail and the page, a click jumps there); the books
// beside the one open (archives, and folders of images) with their covers, listed afresh each
// time (an export may have added one), the current one marked; and the recently read ones with
// their page, or "read".
import type { OpenedLocation, ShelfBook } from "../bindings";
import { describeError, type ShelfApi } from "../api";
import type { Bookmark } from "../state/bookmarks";
import { whereInBook, type BookMemory } from "../state/library";
import { el } from "./dom";
import { ID } from "../ui/ids.js";
import type { DomId } from "../ui/dom";
import { t } from "../i18n/i18n";

interface Item {
  path: string;
  name: string;
  where: string;
  cover?: string;
}

/** What a click on a bookmark does, and its remove button. */
export interface BookmarkActions {
  jump(mark: Bookmark): void;
  remove(page: number): void;
}

export class BooksPanel {
  /** Counts renders, so a slow listing never draws over a newer one. */
  private drawn = 0;
  /** The open book's bookmarks: redrawn as they change, kept across renders of the panel. */
  private readonly marks = el("section", { className: "bookmarks" });

  constructor(
    private readonly panel: HTMLElement,
    private readonly api: ShelfApi,
    private readonly memory: (path: string) => BookMemory | undefined,
    private readonly open: (path: string) => void,
    private readonly bookmarks: BookmarkActions,
  ) {}

  /** Lists the open location's bookmarks, each with its page's thumbnail and number. */
  showBookmarks(location: OpenedLocation | null, bookmarks: readonly Bookmark[]): void {
    this.marks.hidden = !location || location.images.length === 0;
    if (!location) {
      this.marks.replaceChildren();
      return;
    }
    const heading = el("h3", {}, t("books.bookmarksIn", { title: location.title }));
    if (bookmarks.length === 0) {
      this.marks.replaceChildren(heading, el("p", { className: "note", id: ID.bookmarksEmpty }, t("books.noBookmarks")));
      return;
    }
    const ul = el("ul", { className: "book-list", id: ID.bookmarksList });
    for (const mark of bookmarks) {
      const image = location.images[mark.page];
      const jump = el(
        "button",
        { title: t("books.goTo", { page: mark.page + 1, name: mark.name }) },
        el("img", { className: "cover", src: image?.thumbnailUrl ?? "", alt: "", loading: "lazy", decoding: "async" }),
        el("span", { className: "name" }, t("books.page", { page: mark.page + 1 })),
        el("span", { className: "where" }, mark.name),
      );
      jump.addEventListener("click", () => this.bookmarks.jump(mark));
      const remove = el("button", { className: "remove", title: t("books.removeBookmark", { page: mark.page + 1 }) }, "×");
      remove.setAttribute("aria-label", remove.title);
      remove.addEventListener("click", () => this.bookmarks.remove(mark.page));
      ul.append(el("li", { className: "bookmark", dataset: { page: String(mark.page + 1) } }, jump, remove));
    }
    this.marks.replaceChildren(heading, ul);
  }

  async render(location: OpenedLocation | null, recent: BookMemory[]): Promise<void> {
    const turn = ++this.drawn;
    let here: ShelfBook[] = [];
    let problem: string | null = null;
    if (location) here = await this.api.books(location.path).catch((e) => ((problem = describeError(e)), []));
    if (turn !== this.drawn) return;
    const current = location?.kind === "book" ? location.path : null;
    const whereOf = (path: string) => {
      const remembered = this.memory(path);
      return remembered ? whereInBook(remembered) : "";
    };
    const children: HTMLElement[] = [el("h2", {}, t("books.title")), this.marks];
    if (here.length > 0) {
      const folder = location?.kind === "book" ? t("books.thisFolder") : location?.title;
      const items = here.map((b) => ({ path: b.path, name: b.name, where: whereOf(b.path), cover: b.coverUrl }));
      children.push(el("h3", {}, t("books.in", { folder })), this.list(ID.booksHere, items, current));
    }
    if (problem) children.push(el("p", { className: "bad" }, problem));
    children.push(el("h3", {}, t("books.recent")));
    if (recent.length === 0) {
      children.push(el("p", { className: "note", id: ID.recentEmpty }, t("books.recentEmpty")));
    } else {
      children.push(this.list(ID.recentBooks, recent.map((b) => ({ path: b.path, name: b.title, where: whereInBook(b) })), current));
    }
    this.panel.replaceChildren(...children);
  }

  private list(id: DomId, items: Item[], current: string | null): HTMLUListElement {
    const ul = el("ul", { className: "book-list", id });
    for (const item of items) {
      const parts: HTMLElement[] = [];
      if (item.cover !== undefined) parts.push(el("img", { className: "cover", src: item.cover, alt: "", loading: "lazy", decoding: "async" }));
      parts.push(el("span", { className: "name" }, item.name), el("span", { className: "where" }, item.where));
      const button = el("button", { title: item.path }, ...parts);
      button.addEventListener("click", () => this.open(item.path));
      const li = el("li", {}, button);
      if (item.path === current) {
        li.classList.add("current");
        button.setAttribute("aria-current", "true");
      }
      ul.append(li);
    }
    return ul;
  }
}
