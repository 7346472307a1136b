// The go-to-page field (P, or a click on the page counter): a page number and a slider over the
// whole book, which runs right to left when the book does. Enter or the slider jumps there; a
// number outside the book is marked, with the pages it has.
import { onScreenIndices, pages, type AppState } from "../app/state";
import type { Store } from "../app/store";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { t } from "../i18n/i18n";

/** The page index typed `text` asks for in a book of `count` pages, or why it is not one. */
export function pageToGoTo(text: string, count: number): { index: number } | { error: string } {
  const page = Number(text.trim());
  if (text.trim() !== "" && Number.isInteger(page) && page >= 1 && page <= count) return { index: page - 1 };
  return { error: count === 1 ? t("goto.onePage") : t("goto.pages", { count }) };
}

export function bindGoTo(store: Store<AppState>, showIndex: (index: number) => void, close: () => void): void {
  const form = byId<HTMLFormElement>(ID.goto);
  const field = byId<HTMLInputElement>(ID.gotoPage);
  const slider = byId<HTMLInputElement>(ID.gotoSlider);
  const count = byId(ID.gotoCount);
  const error = byId(ID.gotoPageError);
  const mark = (message: string | null) => {
    field.setAttribute("aria-invalid", String(message !== null));
    error.textContent = message ?? "";
    error.hidden = message === null;
  };
  const pageCount = () => pages(store.state).length;

  store.watch(
    (s) => [s.view.goingTo, pages(s).length, onScreenIndices(s)[0] ?? 0, s.settings.direction],
    ([open, total, index, direction], before) => {
      form.hidden = !open || total === 0;
      if (form.hidden) return;
      const page = String((index as number) + 1);
      count.textContent = String(total);
      slider.max = String(total);
      slider.value = page;
      slider.dir = direction === "rtl" ? "rtl" : "ltr";
      if (!before?.[0]) {
        mark(null);
        field.value = page;
        field.focus();
        field.select();
      }
    },
  );

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const target = pageToGoTo(field.value, pageCount());
    if ("error" in target) {
      mark(target.error);
      field.select();
      return;
    }
    mark(null);
    showIndex(target.index);
    close();
  });
  slider.addEventListener("input", () => {
    field.value = slider.value;
    mark(null);
    showIndex(Number(slider.value) - 1);
  });
}
