// Bookmarks on screen: the toolbar's bookmark button pressed and a mark in the status line
// while a page shown is bookmarked, and the Books panel's list of the open book's bookmarks.
import { onScreenIndices, type AppState } from "../app/state";
import type { Store } from "../app/store";
import type { BooksPanel } from "../panels/books-panel";
import { bookmarksOn } from "../state/bookmarks";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { t } from "../i18n/i18n";

export function bindBookmarks(store: Store<AppState>, books: Pick<BooksPanel, "showBookmarks">): void {
  const button = byId(ID.toggleBookmark);
  const marker = byId(ID.statusBookmark);
  store.watch(
    (s) => [bookmarksOn(s.book.bookmarks, onScreenIndices(s)).length > 0, s.settings.language] as const,
    ([marked]) => {
      button.setAttribute("aria-pressed", String(marked));
      button.title = t(marked ? "toolbar.unbookmarkTitle" : "toolbar.bookmarkTitle");
      marker.hidden = !marked;
    },
  );
  store.watch(
    (s) => [s.reading.location, s.book.bookmarks, s.settings.language],
    () => books.showBookmarks(store.state.reading.location, store.state.book.bookmarks),
  );
}
