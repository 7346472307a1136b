// The note over a damaged book opened with the pages that could be read ("This book is damaged
// and its end is missing: 21 pages could be read."). It lets clicks through, so reading goes on.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";

export function bindBookDamage(store: Store<AppState>): void {
  const note = byId(ID.bookDamage);
  store.watch(
    (s) => s.reading.location?.damage?.message ?? null,
    (message) => {
      note.hidden = !message;
      note.textContent = message ?? "";
    },
  );
}
