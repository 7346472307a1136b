// The side panels: which one is open, and what each draws when it opens or when what it
// shows changes. The settings panel is redrawn for changes made elsewhere (keys, toolbar,
// the engine), never under the reader's cursor.
import { PANELS, type AppState, type PanelName } from "../app/state";
import type { Store } from "../app/store";
import type { CachePanel } from "../panels/cache-panel";
import type { ExportPanel } from "../panels/export-panel";
import { renderBooksPanel } from "../panels/books-panel";
import { renderGpuPanel } from "../panels/gpu-panel";
import { renderSettingsPanel } from "../panels/settings-panel";
import type { Library } from "../state/library";
import type { Settings } from "../state/settings";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";

const PANEL_IDS = {
  settings: ID.panelSettings,
  gpu: ID.panelGpu,
  cache: ID.panelCache,
  books: ID.panelBooks,
  export: ID.panelExport,
} as const satisfies Record<PanelName, string>;

export interface PanelActions {
  changeSettings(next: Settings): void;
  changeModelsDir(useDefault: boolean): void;
  openModelsDir(): void;
  openBook(path: string): void;
}

export function bindPanels(store: Store<AppState>, library: Pick<Library, "recent">, cache: CachePanel, exporter: ExportPanel, actions: PanelActions): void {
  store.watch(
    (s) => s.view.panel,
    (open) => {
      for (const name of PANELS) byId(PANEL_IDS[name]).hidden = name !== open;
      const state = store.state;
      if (open === "cache") void cache.refresh();
      if (open === "books") {
        const location = state.reading.location;
        const here = location && location.books.length > 0 ? { title: location.kind === "book" ? "this folder" : location.title, books: location.books } : null;
        renderBooksPanel(byId(ID.panelBooks), here, library.recent(), actions.openBook);
      }
      if (open === "export") void exporter.render(state.reading.location, state.settings);
    },
  );

  store.watch(
    (s) => s.engine,
    (engine) => {
      if (engine.phase === "starting" && !engine.report) return;
      renderGpuPanel(byId(ID.panelGpu), engine.report, engine.error, engine.memory, engine.stats, engine.listing?.models ?? [], engine.listing?.onnxruntime ?? null);
    },
  );

  let changingFromPanel = false;
  const fromPanel = (next: Settings) => {
    changingFromPanel = true;
    try {
      actions.changeSettings(next);
    } finally {
      changingFromPanel = false;
    }
  };
  store.watch(
    (s) => [s.settings, s.engine.listing, s.engine.report, s.engine.phase, s.models],
    () => {
      const { settings, engine } = store.state;
      if (changingFromPanel || engine.phase === "starting") return;
      const folder = {
        dir: engine.listing?.modelsDir ?? null,
        problem: engine.listing?.modelsDirProblem?.message ?? null,
        choose: () => actions.changeModelsDir(false),
        useDefault: () => actions.changeModelsDir(true),
        open: () => actions.openModelsDir(),
        opened: store.state.models.folderOpened,
      };
      renderSettingsPanel(byId(ID.panelSettings), settings, engine.listing?.models ?? [], engine.report?.cpuMode ?? true, folder, fromPanel, store.state.models.speeds);
    },
  );
}
