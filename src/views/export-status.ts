// The export in the status line: its progress while it runs with the panel closed, then how it
// ended until the Export panel is opened. A click opens the panel.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { exportIndicator } from "../state/export";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";

export function bindExportStatus(store: Store<AppState>, openPanel: () => void): void {
  const indicator = byId(ID.exportIndicator);
  indicator.addEventListener("click", openPanel);
  store.watch(
    (s) => s.exporting,
    (exporting) => {
      const shown = exportIndicator(exporting);
      indicator.hidden = !shown;
      indicator.textContent = shown?.text ?? "";
      indicator.classList.toggle("bad", !!shown?.bad);
      indicator.dataset.phase = exporting.phase;
      indicator.dataset.done = String(exporting.progress?.done ?? 0);
      indicator.dataset.total = String(exporting.progress?.total ?? 0);
    },
  );
}
