// The note over a damaged book opened with the pages that could be read ("This book is damaged
// and its end is missing: 21 pages could be read."). It lets clicks through, so reading goes on.
import type { AppState } from "../app/state";
import type { BookDamageNote } from "../bindings";
import type { Store } from "../app/store";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { t } from "../i18n/i18n";

export function bindBookDamage(store: Store<AppState>): void {
  const note = byId(ID.bookDamage);
  store.watch(
    (s) => [s.reading.location?.damage ?? null, s.settings.language] as const,
    ([damage]) => {
      const message = damage && damageText(damage);
      note.hidden = !message;
      note.textContent = message ?? "";
    },
  );
}

/** The note in words; the desktop side's message tells whether the book's end is missing. */
function damageText(damage: BookDamageNote): string {
  const counts = { readable: damage.readablePages, found: damage.pagesFound };
  if (damage.message.includes("its end is missing")) return t("damage.endMissing", counts);
  return t(damage.readablePages === damage.pagesFound ? "damage.all" : "damage.some", counts);
}
