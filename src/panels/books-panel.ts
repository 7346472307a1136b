// Books: the books in the folder that is open, and the recently read ones with their page.
import type { BookEntry } from "../bindings";
import type { BookMemory } from "../state/library";
import { el } from "./dom";
import { ID } from "../ui/ids.js";
import type { DomId } from "../ui/dom";

export function renderBooksPanel(
  panel: HTMLElement,
  here: { title: string; books: BookEntry[] } | null,
  recent: BookMemory[],
  open: (path: string) => void,
): void {
  const list = (id: DomId, items: { path: string; name: string; where: string }[]) => {
    const ul = el("ul", { className: "book-list", id });
    for (const item of items) {
      const button = el("button", { title: item.path }, el("span", {}, item.name), el("span", { className: "where" }, item.where));
      button.addEventListener("click", () => open(item.path));
      ul.append(el("li", {}, button));
    }
    return ul;
  };
  const children: HTMLElement[] = [el("h2", {}, "Books")];
  if (here && here.books.length > 0) {
    children.push(el("h3", {}, `In ${here.title}`), list(ID.booksHere, here.books.map((b) => ({ path: b.path, name: b.name, where: "" }))));
  }
  children.push(el("h3", {}, "Recently read"));
  if (recent.length === 0) {
    children.push(el("p", { className: "note", id: ID.recentEmpty }, "Books you open appear here, with the page you were on."));
  } else {
    children.push(list(ID.recentBooks, recent.map((b) => ({ path: b.path, name: b.title, where: `page ${b.page + 1} of ${b.pages}` }))));
  }
  panel.replaceChildren(...children);
}
