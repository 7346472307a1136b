// The side panels: which one is open, and what each draws when it opens or when what it
// shows changes. The settings panel is redrawn for changes made elsewhere (keys, toolbar,
// the engine), never under the reader's cursor.
import { PANELS, type AppState, type PanelName } from "../app/state";
import type { Store } from "../app/store";
import type { CachePanel } from "../panels/cache-panel";
import type { ExportPanel } from "../panels/export-panel";
import type { BooksPanel } from "../panels/books-panel";
import { renderGpuPanel } from "../panels/gpu-panel";
import { renderSettingsPanel } from "../panels/settings-panel";
import { ownNote } from "../state/book-settings";
import type { Library } from "../state/library";
import type { Settings } from "../state/settings";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { describeErrorPayload } from "../i18n/errors";

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
  /** The reader has seen the export's result in its panel. */
  exportSeen(): void;
  openModelsDir(): void;
}

export function bindPanels(store: Store<AppState>, library: Pick<Library, "recent">, cache: CachePanel, books: BooksPanel, exporter: ExportPanel, actions: PanelActions): void {
  const drawOpen = (open: PanelName | null) => {
    const state = store.state;
    if (open === "cache") void cache.refresh();
    if (open === "books") void books.render(state.reading.location, library.recent());
    if (open === "export") {
      void exporter.render(state.reading.location, state.settings);
      actions.exportSeen();
    }
  };
  store.watch(
    (s) => s.view.panel,
    (open) => {
      for (const name of PANELS) byId(PANEL_IDS[name]).hidden = name !== open;
      drawOpen(open);
    },
  );

  // The export runs on with its panel closed: what the panel shows follows it, and when it
  // ends the books beside the open one are listed again (it may have written one).
  store.watch(
    (s) => s.exporting,
    (exporting, previous) => {
      exporter.showStatus(exporting);
      const ended = previous?.phase === "running" && exporting.phase !== "running";
      if (ended && store.state.view.panel === "books") void books.render(store.state.reading.location, library.recent());
    },
  );

  store.watch(
    (s) => [s.engine, s.settings.language] as const,
    ([engine]) => {
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
  const drawSettings = () => {
    const { engine, book, reading } = store.state;
    // The panel shows and edits the defaults every book opens with.
    const settings = { ...store.state.settings, ...book.defaults };
    const bookNote = reading.location ? ownNote(reading.location.title, book.own) : null;
    if (engine.phase === "starting") return;
    const problem = engine.listing?.modelsDirProblem;
    const folder = {
      dir: engine.listing?.modelsDir ?? null,
      problem: problem ? describeErrorPayload(problem.kind, problem.message) : null,
      choose: () => actions.changeModelsDir(false),
      useDefault: () => actions.changeModelsDir(true),
      open: () => actions.openModelsDir(),
      opened: store.state.models.folderOpened,
    };
    renderSettingsPanel(byId(ID.panelSettings), settings, engine.listing?.models ?? [], engine.report?.cpuMode ?? true, folder, fromPanel, store.state.models.speeds, bookNote);
  };
  store.watch(
    (s) => [s.settings, s.book.own, s.book.defaults, s.engine.listing, s.engine.report, s.engine.phase, s.models],
    () => {
      if (!changingFromPanel) drawSettings();
    },
  );
  // A new language redraws the panels, the settings panel too when the change came from it
  // (once that change is applied: the redraw replaces the control in use).
  store.watch(
    (s) => s.settings.language,
    (_, before) => {
      if (before === undefined) return;
      queueMicrotask(() => {
        drawSettings();
        drawOpen(store.state.view.panel);
      });
    },
  );
}
