// Books: the books beside the one open (archives, and folders of images) with their covers,
// listed afresh each time (an export may have added one), the current one marked; and the
// recently read ones with their page, or "read".
import type { OpenedLocation, ShelfBook } from "../bindings";
import { describeError, type ShelfApi } from "../api";
import { whereInBook, type BookMemory } from "../state/library";
import { el } from "./dom";
import { ID } from "../ui/ids.js";
import type { DomId } from "../ui/dom";

interface Item {
  path: string;
  name: string;
  where: string;
  cover?: string;
}

export class BooksPanel {
  /** Counts renders, so a slow listing never draws over a newer one. */
  private drawn = 0;

  constructor(
    private readonly panel: HTMLElement,
    private readonly api: ShelfApi,
    private readonly memory: (path: string) => BookMemory | undefined,
    private readonly open: (path: string) => void,
  ) {}

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
    const children: HTMLElement[] = [el("h2", {}, "Books")];
    if (here.length > 0) {
      const folder = location?.kind === "book" ? "this folder" : location?.title;
      const items = here.map((b) => ({ path: b.path, name: b.name, where: whereOf(b.path), cover: b.coverUrl }));
      children.push(el("h3", {}, `In ${folder}`), this.list(ID.booksHere, items, current));
    }
    if (problem) children.push(el("p", { className: "bad" }, problem));
    children.push(el("h3", {}, "Recently read"));
    if (recent.length === 0) {
      children.push(el("p", { className: "note", id: ID.recentEmpty }, "Books you open appear here, with the page you were on."));
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
