// SRView's frontend: one state (app/state.ts) in a store, controllers that change it
// (controllers/), and views that draw it (views/, panels/). This file only wires them.
import { cacheApi, describeError, desktopApi, engineApi, exportApi, modelsApi, pagesApi, shelfApi, upscaleApi } from "./api";
import { bindControls } from "./app/controls";
import { BOOK_EXTENSIONS, IMAGE_EXTENSIONS } from "./bindings";
import { INITIAL_STATE } from "./app/state";
import { initialState } from "./app/startup";
import { Store } from "./app/store";
import { BookmarksController } from "./controllers/bookmarks";
import { EngineController } from "./controllers/engine";
import { ExportController } from "./controllers/export";
import { LocationController } from "./controllers/location";
import { CachedPagesController } from "./controllers/cached";
import { ModelsController } from "./controllers/models";
import { ReadingController } from "./controllers/reading";
import { RotationController } from "./controllers/rotation";
import { ScreenController } from "./controllers/screen";
import { ScrollController } from "./controllers/scrolling";
import { SettingsController } from "./controllers/settings";
import { StripController } from "./controllers/strip";
import { UpscaleController } from "./controllers/upscaling";
import { ViewController } from "./controllers/view";
import { BooksPanel } from "./panels/books-panel";
import { CachePanel } from "./panels/cache-panel";
import { ExportPanel } from "./panels/export-panel";
import type { Bookmark } from "./state/bookmarks";
import { Library, type KeyValueStore } from "./state/library";
import { ID } from "./ui/ids.js";
import { byId } from "./ui/dom";
import { Thumbnails } from "./viewer/thumbnails";
import { Viewer } from "./viewer/viewer";
import { bindPanels } from "./views/panels";
import { bindStage } from "./views/stage";
import { bindBookDamage } from "./views/damage";
import { bindBookmarks } from "./views/bookmarks";
import { bindGoTo } from "./views/goto";
import { bindExportStatus } from "./views/export-status";
import { bindStatus } from "./views/status";
import { bindStrip } from "./views/strip";
import { bindToolbar } from "./views/toolbar";
import { setLanguage, t } from "./i18n/i18n";

/** What the open dialog offers: the images and books core reads. */
const OPENABLE_EXTENSIONS = [...IMAGE_EXTENSIONS, ...BOOK_EXTENSIONS];

async function settingsStore(): Promise<KeyValueStore | null> {
  try {
    return await desktopApi.settingsStore();
  } catch (e) {
    console.warn("settings store unavailable", e);
    return null;
  }
}

async function start(store: Store<typeof INITIAL_STATE>): Promise<void> {
  const view = new ViewController(store);
  bindStatus(store);
  await engineApi.start();
  const saved = await settingsStore();
  const library = new Library(saved);
  await library.load().catch((e) => console.warn("books unavailable", e));
  const settings = new SettingsController(store, saved);
  await settings.load().catch((e) => console.warn("settings unavailable", e));

  const rotation = new RotationController(store, saved);
  await rotation.load().catch((e) => console.warn("rotations unavailable", e));
  new CachedPagesController(store, pagesApi);

  const engine = new EngineController(store, engineApi);
  const models = new ModelsController(store, modelsApi);
  const upscale = new UpscaleController(store, upscaleApi, undefined, undefined, { strip: () => strip.view(), page: (slot) => viewer.visibleRegion(slot) });
  let location: LocationController | null = null;
  const strip = new StripController(store, pagesApi, library);
  const reading = new ReadingController(store, pagesApi, library, (path) => void location?.open(path), undefined, strip);
  location = new LocationController(store, pagesApi, desktopApi, reading, view, OPENABLE_EXTENSIONS);
  const bookmarks = new BookmarksController(store, saved, reading);
  await bookmarks.load().catch((e) => console.warn("bookmarks unavailable", e));

  const viewer = new Viewer(
    byId(ID.stage),
    byId(ID.canvas),
    [
      { box: byId(ID.slot1), original: byId<HTMLImageElement>(ID.original), upscaled: byId<HTMLImageElement>(ID.upscaled) },
      { box: byId(ID.slot2), original: byId<HTMLImageElement>(ID.original2), upscaled: byId<HTMLImageElement>(ID.upscaled2) },
    ],
    byId(ID.compareHandle),
    byId(ID.zoomLevel),
  );
  const scroll = new ScrollController(store, viewer, reading);
  const screen = new ScreenController(store, reading, desktopApi);
  const thumbnails = new Thumbnails(byId(ID.thumbnails), (index) => reading.showIndex(index));
  bindStage(store, viewer, thumbnails, (slot) => reading.originalFailed(slot));
  bindStrip(store, byId(ID.strip), byId(ID.stage), strip, (deltaY, deltaMode) => reading.stripWheel(deltaY, deltaMode));
  bindToolbar(store);
  bindBookDamage(store);
  const cache = new CachePanel(byId(ID.panelCache), cacheApi, () => upscale.forget());
  const exporting = new ExportController(store, exportApi);
  const exporter = new ExportPanel(byId(ID.panelExport), exportApi, exporting);
  const openBook = (path: string) => {
    view.closePanels();
    void location?.open(path);
  };
  const jumpTo = (mark: Bookmark) => {
    view.closePanels();
    bookmarks.jump(mark);
  };
  const books = new BooksPanel(byId(ID.panelBooks), shelfApi, (path) => library.memoryOf(path), openBook, { jump: jumpTo, remove: (page) => bookmarks.remove(page) });
  bindBookmarks(store, books);
  bindPanels(store, library, cache, books, exporter, {
    changeSettings: (next) => settings.changeDefaults(next),
    changeModelsDir: (useDefault) => void engine.changeModelsDir(useDefault),
    exportSeen: () => exporting.seen(),
    openModelsDir: () => void models.openFolder(),
  });
  bindExportStatus(store, () => view.openPanel("export"));
  bindGoTo(store, (index) => reading.showIndex(index), () => view.closePanels());
  bindControls({ bookmarks, engine, location, reading, rotation, screen, scroll, settings, strip, upscale, view }, viewer, thumbnails, desktopApi);

  void engine.start();
  models.start();
  const initial = await pagesApi.getInitialLocation();
  if (initial) await location.open(initial);
}

const store = new Store(initialState());
// First of all the watchers: the views that follow redraw in the new language.
store.watch(
  (s) => s.settings.language,
  (choice) => setLanguage(choice),
);
void start(store).catch((e) => store.update((s) => ({ view: { ...s.view, alert: t("status.couldNotStart", { error: describeError(e) }) } })));
