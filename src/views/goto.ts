// The go-to-page field (P, or a click on the page counter): a page number and a slider over the
// whole book, which runs right to left when the book does. Enter or the slider jumps there.
import { onScreenIndices, pages, type AppState } from "../app/state";
import type { Store } from "../app/store";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";

export function bindGoTo(store: Store<AppState>, showIndex: (index: number) => void, close: () => void): void {
  const form = byId<HTMLFormElement>(ID.goto);
  const field = byId<HTMLInputElement>(ID.gotoPage);
  const slider = byId<HTMLInputElement>(ID.gotoSlider);
  const count = byId(ID.gotoCount);
  const pageCount = () => pages(store.state).length;

  store.watch(
    (s) => [s.view.goingTo, pages(s).length, onScreenIndices(s)[0] ?? 0, s.settings.direction],
    ([open, total, index, direction], before) => {
      form.hidden = !open || total === 0;
      if (form.hidden) return;
      const page = String((index as number) + 1);
      count.textContent = String(total);
      field.max = slider.max = String(total);
      slider.value = page;
      slider.dir = direction === "rtl" ? "rtl" : "ltr";
      if (!before?.[0]) {
        field.value = page;
        field.focus();
        field.select();
      }
    },
  );

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const page = Number(field.value);
    const valid = Number.isInteger(page) && page >= 1 && page <= pageCount();
    field.setAttribute("aria-invalid", String(!valid));
    if (!valid) return;
    showIndex(page - 1);
    close();
  });
  slider.addEventListener("input", () => {
    field.value = slider.value;
    showIndex(Number(slider.value) - 1);
  });
}
