// The toolbar's toggles and labels, drawn from the state.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import type { FitMode } from "../state/settings";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { t } from "../i18n/i18n";

const FIT_LABELS: Record<FitMode, string> = { page: "toolbar.fitPage", width: "toolbar.fitWidth", height: "toolbar.fitHeight" };

export function bindToolbar(store: Store<AppState>): void {
  const pressed = (id: Parameters<typeof byId>[0], on: boolean) => byId(id).setAttribute("aria-pressed", String(on));
  store.watch(
    (s) => [s.upscale.on, s.view.showingOriginal, s.view.comparing],
    ([upscaling, original, comparing]) => {
      pressed(ID.toggleUpscale, upscaling);
      pressed(ID.toggleOriginal, original);
      pressed(ID.toggleCompare, comparing);
    },
  );
  store.watch(
    (s) => s.view.fullScreen,
    (on) => document.body.classList.toggle("fullscreen", on),
  );
  store.watch(
    (s) => s.settings,
    (settings) => {
      byId(ID.zoomFit).textContent = t(FIT_LABELS[settings.fit]);
      const rtl = settings.direction === "rtl";
      const direction = byId(ID.toggleDirection);
      direction.textContent = t(rtl ? "toolbar.rtl" : "toolbar.ltr");
      direction.title = t(rtl ? "toolbar.directionRtl" : "toolbar.directionLtr");
      pressed(ID.toggleSpread, settings.spread);
    },
  );
}
