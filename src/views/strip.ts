// Draws the vertical strip: a scrolling box as tall as the whole strip, holding only the pages
// near the viewport (`reading.strip.decoded`), each a box of its page's size with one image,
// the upscaled result once it has loaded over the original; meanwhile its AI tiles are drawn
// over it as they finish. Reports the reader's scrolling
// and the viewport's size to the strip controller, and scrolls where the controller moves it.
import { indexOf, upscaleOf, type AppState, type StripState } from "../app/state";
import type { Store } from "../app/store";
import type { StripController } from "../controllers/strip";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { t } from "../i18n/i18n";
import { renderedUrl } from "../state/strip";
import { TileLayer } from "../viewer/tiles";
import { PreviewLayer } from "../viewer/preview/layer";

/** The page canvas's zoom controls: the strip is always at its width, so they rest while it shows. */
const ZOOM_CONTROLS = [ID.zoomFit, ID.zoomActual, ID.zoomOut, ID.zoomLevel, ID.zoomIn] as const;

interface PageBox {
  element: HTMLElement;
  /** The image shown, and the one loading to take its place. */
  image: HTMLImageElement | null;
  incoming: HTMLImageElement | null;
  url: string;
  /** The page's AI tiles, over its image until the upscaled result has loaded. */
  tiles: TileLayer | null;
  /** The sharp preview over the original, until the upscaled image takes its place. */
  preview: PreviewLayer | null;
}

/** `wheel`: every wheel event on the strip (it scrolls natively; at the end one down says so). */
export function bindStrip(store: Store<AppState>, root: HTMLElement, stage: HTMLElement, controller: StripController, wheel: (deltaY: number, deltaMode: number) => void): void {
  const content = document.createElement("div");
  content.className = "strip-content";
  root.append(content);
  const boxes = new Map<number, PageBox>();
  let moved = -1;
  /** The location whose first screen the controller is told of once its images have loaded. */
  let reportedFor: AppState["reading"]["location"] = null;

  root.addEventListener("scroll", () => controller.scrolled(root.scrollTop), { passive: true });
  new ResizeObserver(() => controller.resized(root.clientWidth, root.clientHeight)).observe(root);
  // The strip scrolls natively: the stage's own wheel, drag and click (zoom, pan, turn) stay out.
  root.addEventListener("pointerdown", (e) => e.stopPropagation());
  root.addEventListener("click", (e) => e.stopPropagation());
  root.addEventListener(
    "wheel",
    (e) => {
      e.stopPropagation();
      if (e.ctrlKey) e.preventDefault();
      else wheel(e.deltaY, e.deltaMode);
    },
    { passive: false },
  );

  /** The image a page shows: its upscaled result while upscaling is on (and not showing the
   *  original), else the original, as rendered for the strip's width (a PDF page drawn for page
   *  mode has the same path: the webview must not take it from its cache). */
  const urlOf = (state: AppState, index: number): string => {
    const image = state.reading.location!.images[index];
    const result = upscaleOf(state, image.id).result;
    if (state.upscale.on && result && !state.view.showingOriginal) return result.url;
    return renderedUrl(image.url, state.reading.strip?.renderWidth ?? 0);
  };

  const markUnreadable = (box: PageBox) => {
    box.element.classList.add("unreadable");
    box.element.dataset.unreadable = t("status.unreadablePage");
  };

  /** Draws the finished tiles of the page's current request, unless its result shows. */
  const drawTiles = (box: PageBox, state: AppState, index: number) => {
    const id = state.reading.location!.images[index].id;
    const tiles = state.upscale.on && !state.view.showingOriginal ? upscaleOf(state, id).tiles : undefined;
    if (!tiles) return box.tiles?.clear();
    box.tiles ??= new TileLayer(box.element, null);
    box.tiles.draw(tiles.request, tiles.list);
    const resultShown = box.url === upscaleOf(state, id).result?.url && !box.incoming;
    box.tiles.canvas.style.visibility = resultShown ? "hidden" : "";
  };

  const show = (box: PageBox, url: string) => {
    if (box.url === url) return;
    box.url = url;
    const img = document.createElement("img");
    img.alt = "";
    img.draggable = false;
    img.decoding = "async";
    // CORS-clean, so that the preview may read its pixels into WebGL.
    img.crossOrigin = "anonymous";
    if (!box.image) {
      // A page that could not be read shows the same placeholder as in page mode.
      img.addEventListener("error", () => box.image === img && markUnreadable(box));
      img.src = url;
      box.image = img;
      box.element.append(img);
      return;
    }
    // The new image takes the old one's place once it has loaded: the box keeps its size.
    box.incoming?.removeAttribute("src");
    box.incoming = img;
    img.addEventListener("load", () => {
      if (box.incoming !== img) return;
      box.incoming = null;
      box.image?.replaceWith(img);
      box.image = img;
      // The result covers the tiles; an original coming back has had them cleared.
      if (box.tiles) box.tiles.canvas.style.visibility = "hidden";
    });
    img.addEventListener("error", () => {
      if (box.incoming === img) box.incoming = null;
    });
    img.src = url;
  };

  const drop = (index: number) => {
    const box = boxes.get(index)!;
    box.incoming?.removeAttribute("src");
    box.image?.removeAttribute("src");
    box.preview?.dispose();
    box.element.remove();
    boxes.delete(index);
  };

  const render = (strip: StripState | null) => {
    // Laid out even while off, so the controller knows the viewport before the strip shows.
    root.classList.toggle("on", !!strip);
    stage.classList.toggle("strip", !!strip);
    for (const id of ZOOM_CONTROLS) {
      const control = byId(id);
      if (control instanceof HTMLButtonElement) control.disabled = !!strip;
      else control.style.visibility = strip ? "hidden" : "";
    }
    if (!strip) {
      for (const index of [...boxes.keys()]) drop(index);
      moved = -1;
      reportedFor = null;
      return;
    }
    const { layout, decoded } = strip;
    const state = store.state;
    content.style.height = `${layout.total}px`;
    for (const index of [...boxes.keys()]) if (!decoded || index < decoded.from || index > decoded.to) drop(index);
    if (decoded) {
      for (let index = decoded.from; index <= decoded.to; index++) {
        let box = boxes.get(index);
        if (!box) {
          const element = document.createElement("div");
          element.className = "strip-page";
          element.dataset.index = String(index);
          const page: PageBox = { element, image: null, incoming: null, url: "", tiles: null, preview: null };
          const originalUrl = () => {
            const image = store.state.reading.location?.images[index];
            return image && renderedUrl(image.url, store.state.reading.strip?.renderWidth ?? 0);
          };
          const original = () => (page.image && page.image.getAttribute("src") === originalUrl() ? page.image : null);
          page.preview = new PreviewLayer(element, { original, covered: () => false }, null, true);
          box = page;
          boxes.set(index, box);
          content.append(element);
        }
        Object.assign(box.element.style, {
          top: `${layout.tops[index]}px`,
          height: `${layout.heights[index]}px`,
          width: `${layout.width}px`,
          left: `calc(50% - ${layout.width / 2}px)`,
        });
        show(box, urlOf(state, index));
        drawTiles(box, state, index);
        // Damaged by the desktop side's check (a truncated JPEG loads without an error event).
        if (state.reading.problems.has(state.reading.location!.images[index].id)) markUnreadable(box);
      }
    }
    if (strip.moved !== moved) {
      moved = strip.moved;
      root.scrollTop = strip.scrollTop;
    }
    if (reportedFor !== state.reading.location) {
      reportedFor = state.reading.location;
      const images = state.reading.onScreen.flatMap((id) => boxes.get(indexOf(state, id))?.image ?? []);
      void Promise.all(images.map(loaded)).then(() => controller.screenLoaded());
    }
  };

  store.watch(
    (s) => [s.reading.strip, s.upscale.on, s.upscale.pages, s.view.showingOriginal, s.reading.problems],
    () => render(store.state.reading.strip),
  );
}

/** Resolves once `img` has loaded or failed. */
function loaded(img: HTMLImageElement): Promise<void> {
  if (img.complete) return Promise.resolve();
  return new Promise((resolve) => {
    img.addEventListener("load", () => resolve(), { once: true });
    img.addEventListener("error", () => resolve(), { once: true });
  });
}
