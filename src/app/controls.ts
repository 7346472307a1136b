// The toolbar's buttons, the keys, the mouse wheel and dropped files, each bound to what a
// controller does.
import { ID } from "../ui/ids.js";
import { byId, type DomId } from "../ui/dom";
import type { BookmarksController } from "../controllers/bookmarks";
import type { EngineController } from "../controllers/engine";
import type { LocationController } from "../controllers/location";
import type { ReadingController } from "../controllers/reading";
import type { RotationController } from "../controllers/rotation";
import type { ScreenController } from "../controllers/screen";
import { KEY_SCROLL, type ScrollController } from "../controllers/scrolling";
import type { SettingsController } from "../controllers/settings";
import type { StripController } from "../controllers/strip";
import type { UpscaleController } from "../controllers/upscaling";
import type { ViewController } from "../controllers/view";
import type { DesktopApi } from "../api";
import type { Thumbnails } from "../viewer/thumbnails";
import type { Viewer } from "../viewer/viewer";
import { bindKeys } from "./keys";

export interface Controllers {
  bookmarks: BookmarksController;
  engine: EngineController;
  location: LocationController;
  reading: ReadingController;
  rotation: RotationController;
  scroll: ScrollController;
  screen: ScreenController;
  settings: SettingsController;
  strip: StripController;
  upscale: UpscaleController;
  view: ViewController;
}

export function bindControls(c: Controllers, viewer: Viewer, thumbnails: Thumbnails, desktop: Pick<DesktopApi, "closeWindow" | "onDrop">): void {
  // Panels open just below the toolbar, however many rows it wraps to.
  const toolbar = byId(ID.toolbar);
  new ResizeObserver(() => document.documentElement.style.setProperty("--toolbar-bottom", `${toolbar.getBoundingClientRect().bottom}px`)).observe(toolbar);

  const click = (id: DomId, action: () => void) => byId(id).addEventListener("click", action);
  click(ID.openFile, () => void c.location.pickAndOpen(false));
  click(ID.openFolder, () => void c.location.pickAndOpen(true));
  click(ID.openBooks, () => c.view.togglePanel("books"));
  click(ID.saveUpscaled, () => void c.location.saveAs());
  click(ID.openExport, () => c.view.togglePanel("export"));
  click(ID.prev, () => c.reading.step(-1));
  click(ID.next, () => c.reading.step(1));
  click(ID.toggleBookmark, () => c.bookmarks.toggle());
  click(ID.toggleUpscale, () => c.upscale.toggle());
  click(ID.toggleOriginal, () => c.view.toggleOriginal());
  click(ID.toggleCompare, () => c.view.toggleCompare());
  click(ID.toggleSpread, () => c.settings.toggleSpread());
  click(ID.toggleDirection, () => c.settings.toggleDirection());
  click(ID.rotate, () => c.rotation.turn());
  click(ID.zoomFit, () => c.settings.cycleFit());
  click(ID.zoomActual, () => viewer.actualSize());
  click(ID.zoomIn, () => viewer.zoomBy(1));
  click(ID.zoomOut, () => viewer.zoomBy(-1));
  click(ID.openSettings, () => c.view.togglePanel("settings"));
  click(ID.openGpu, () => c.view.togglePanel("gpu"));
  click(ID.openCache, () => c.view.togglePanel("cache"));
  click(ID.bookEnd, () => c.reading.openNextBook());
  click(ID.pageCounter, () => c.view.toggleGoTo());

  // ↓ ↑, Space, Page Down and Up scroll the strip by a part of the window, or the page shown.
  // At the strip's end, a step on says the book has ended, as a turn past the last page does.
  const scroll = (step: 1 | -1, amount: number) => {
    if (!c.strip.active) return c.scroll.key(step, amount);
    if (step > 0 && c.strip.atEnd) return c.reading.turnPastEnd();
    c.strip.scrollBy(step * amount);
  };
  bindKeys(window, {
    ArrowLeft: () => c.reading.arrow("ArrowLeft"),
    ArrowRight: () => c.reading.arrow("ArrowRight"),
    ArrowDown: () => scroll(1, KEY_SCROLL.arrow),
    ArrowUp: () => scroll(-1, KEY_SCROLL.arrow),
    Space: () => scroll(1, KEY_SCROLL.space),
    "Shift+Space": () => scroll(-1, KEY_SCROLL.space),
    PageDown: () => scroll(1, KEY_SCROLL.space),
    PageUp: () => scroll(-1, KEY_SCROLL.space),
    Home: () => c.reading.first(),
    End: () => c.reading.last(),
    u: () => c.upscale.toggle(),
    o: () => c.view.toggleOriginal(),
    c: () => c.view.toggleCompare(),
    f: () => c.settings.cycleFit(),
    d: () => c.settings.toggleSpread(),
    r: () => c.settings.toggleDirection(),
    w: () => c.settings.toggleReadingMode(),
    "1": () => viewer.actualSize(),
    "+": () => viewer.zoomBy(1),
    "=": () => viewer.zoomBy(1),
    "-": () => viewer.zoomBy(-1),
    t: () => thumbnails.toggle(),
    s: () => c.view.togglePanel("settings"),
    g: () => c.view.togglePanel("gpu"),
    k: () => c.view.togglePanel("cache"),
    b: () => c.view.togglePanel("books"),
    e: () => c.view.togglePanel("export"),
    p: () => c.view.toggleGoTo(),
    q: () => c.rotation.turn(),
    m: () => c.bookmarks.toggle(),
    F11: () => c.screen.toggleFullScreen(),
    Escape: () => {
      c.view.closePanels();
      c.screen.setFullScreen(false);
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    },
    "Ctrl+o": () => void c.location.pickAndOpen(false),
    "Ctrl+s": () => void c.location.saveAs(),
    // The same way out as the window's close button: the running tile finishes, then SRView leaves.
    "Ctrl+q": () => desktop.closeWindow(),
  });

  const stage = byId(ID.stage);
  // A click (not the end of a drag) on the page itself, not on what floats over it.
  const overlays = [ID.compareHandle, ID.bookEnd, ID.errorBanner, ID.progress].map((id) => byId(id));
  let pressedAt = { x: 0, y: 0 };
  stage.addEventListener("pointerdown", (e) => (pressedAt = { x: e.clientX, y: e.clientY }));
  stage.addEventListener("click", (e) => {
    if (e.detail > 1 || overlays.some((o) => o.contains(e.target as Node))) return;
    if (Math.hypot(e.clientX - pressedAt.x, e.clientY - pressedAt.y) > 4) return;
    const rect = stage.getBoundingClientRect();
    c.screen.click(e.clientX - rect.left, rect.width);
  });
  stage.addEventListener("dblclick", (e) => {
    if (!overlays.some((o) => o.contains(e.target as Node))) c.screen.doubleClick();
  });
  stage.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      if (e.ctrlKey) {
        const rect = stage.getBoundingClientRect();
        viewer.zoomBy(e.deltaY < 0 ? 1 : -1, { x: e.clientX - rect.left, y: e.clientY - rect.top });
        return;
      }
      c.scroll.wheel(e.deltaY, e.deltaMode);
    },
    { passive: false },
  );

  desktop.onDrop((path) => void c.location.open(path));
}
