// Draws the pages on screen: the stage (originals and upscaled results), the thumbnail strip,
// the page counter, the window title, the hint for an empty location and the end-of-book offer.
import { indexOf, namedIndices, onScreenIndices, pages, screenUpscaled, upscaledIndices, upscaleOf, type AppState, type PageId } from "../app/state";
import type { Store } from "../app/store";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import type { Thumbnails } from "../viewer/thumbnails";
import type { Viewer } from "../viewer/viewer";
import { t } from "../i18n/i18n";
import { configurePreview } from "../viewer/preview/layer";


export function bindStage(store: Store<AppState>, viewer: Viewer, thumbnails: Thumbnails, onOriginalFailed: (slot: number) => void): void {
  const hint = byId(ID.emptyHint);
  const counter = byId(ID.pageCounter);
  const bookEnd = byId(ID.bookEnd);

  viewer.slots.forEach((slot, n) =>
    slot.original.addEventListener("error", () => {
      if (slot.original.getAttribute("src")) onOriginalFailed(n);
    }),
  );

  store.watch(
    (s) => s.reading.location,
    (location) => {
      if (!location) return;
      thumbnails.render(location.images);
      if (location.images.length > 0) return;
      viewer.showPages([], store.state.settings.direction);
      counter.textContent = "0 / 0";
    },
  );

  // The hint over an empty stage: what is being opened, a location with no pages, or how to start.
  store.watch(
    (s) => [s.reading.opening, s.reading.location, s.settings.language] as const,
    ([opening, location]) => {
      // Only the first location is announced: a later one opens over the pages shown.
      const announce = opening !== null && !location;
      hint.classList.toggle("opening", announce);
      if (announce) hint.textContent = t("stage.opening", { name: opening });
      else if (location && location.images.length === 0)
        hint.textContent =
          location.books.length > 0 ? t("stage.holdsBooks", { title: location.title, count: location.books.length }) : t("stage.holdsNothing", { title: location.title });
      else hint.textContent = t("stage.emptyHint");
      hint.hidden = !announce && !!location && location.images.length > 0;
    },
  );

  // The originals on screen, then their results while upscaling is on: a spread's together,
  // once every page on screen has its outcome.
  let shownPages = "";
  store.watch(
    (s) => {
      // The strip draws its own pages (views/strip.ts): the page canvas holds none meanwhile.
      const onScreen = s.reading.strip ? [] : s.reading.onScreen;
      const images = onScreen.map((id) => pages(s)[indexOf(s, id)]).filter((image) => image !== undefined);
      const showResults = s.upscale.on && screenUpscaled(s);
      const results = onScreen.map((id) => (showResults ? upscaleOf(s, id).result?.url ?? "" : ""));
      return {
        pages: images.map((image) => image.url).join("\n"),
        direction: s.settings.direction,
        atEnd: s.reading.enteredAtEnd,
        results: results.join("\n"),
        strip: !!s.reading.strip,
      };
    },
    (shown) => {
      if (!shown.pages) {
        if (store.state.reading.strip && shownPages) {
          shownPages = "";
          viewer.showPages([], shown.direction);
        }
        return;
      }
      const key = `${shown.direction}\n${shown.pages}`;
      if (key !== shownPages) {
        shownPages = key;
        viewer.showPages(shown.pages.split("\n"), shown.direction, shown.atEnd);
      }
      shown.results.split("\n").forEach((url, slot) => viewer.showResult(slot, url || null));
    },
  );

  // The AI tiles of the pages on screen, drawn as they finish while upscaling is on (and the
  // setting says so).
  const tilesOf = (s: AppState, id: PageId) => (s.upscale.on && s.settings.showTiles ? upscaleOf(s, id).tiles : undefined);
  store.watch(
    (s) => (s.reading.strip ? [] : s.reading.onScreen.flatMap((id) => [tilesOf(s, id)?.key ?? "", tilesOf(s, id)?.list])),
    () => {
      const s = store.state;
      if (s.reading.strip) return;
      s.reading.onScreen.forEach((id, slot) => {
        const tiles = tilesOf(s, id);
        viewer.drawTiles(slot, tiles?.key ?? "", tiles?.list ?? []);
      });
    },
  );

  store.watch(
    (s) => [s.settings.direction, s.settings.language, ...upscaledIndices(s)],
    ([direction, , ...upscaled]) => {
      thumbnails.setDirection(direction as "ltr" | "rtl");
      thumbnails.markUpscaled(upscaled as number[]);
      if (pages(store.state).length > 0) viewer.relabel();
    },
  );

  store.watch(
    (s) => s.reading.onScreen,
    (onScreen) => {
      const state = store.state;
      const location = state.reading.location;
      const group = onScreenIndices(state);
      if (!location || group.length === 0 || onScreen.length === 0) return;
      thumbnails.select(group);
      const named = namedIndices(state);
      const first = named[0] + 1;
      const last = named[named.length - 1] + 1;
      counter.textContent = `${first === last ? first : `${first}–${last}`} / ${location.images.length}`;
      document.title = `${location.kind === "book" ? `${location.title} · ` : ""}${location.images[group[0]].name} — SRView`;
    },
  );

  store.watch(
    (s) => [s.reading.atBookEnd, s.reading.location, s.settings.language],
    ([atEnd]) => {
      const location = store.state.reading.location;
      const next = location?.nextBook;
      bookEnd.hidden = !(atEnd && location?.kind === "book");
      if (bookEnd.hidden || !location) return;
      bookEnd.textContent = next ? t("stage.bookEnd", { title: location.title, next: next.name }) : t("stage.lastBookEnd", { title: location.title });
      bookEnd.classList.toggle("last", !next);
    },
  );

  // A page that could not be read shows a placeholder, not a broken image.
  store.watch(
    (s) => s.reading.onScreen.map((id) => s.reading.problems.has(id)),
    (unreadable) => viewer.setUnreadable(unreadable),
  );

  // Any settings change puts the zoom back to fit, as it always has.
  store.watch(
    (s) => s.settings,
    (settings) => {
      configurePreview({ filter: settings.previewFilter, sharpness: settings.previewSharpness });
      viewer.setFitMode(settings.fit, settings.enlargeSmall);
    },
  );
  // A turned book says so on its button, and its thumbnails turn with it.
  const rotate = byId(ID.rotate);
  const thumbnailBar = byId(ID.thumbnails);
  store.watch(
    (s) => s.view.rotation,
    (degrees) => {
      viewer.setRotation(degrees);
      rotate.dataset.degrees = degrees === 0 ? "" : `${degrees}°`;
      thumbnailBar.dataset.rotation = String(degrees);
    },
  );
  store.watch(
    (s) => s.view.showingOriginal,
    (original, before) => before !== undefined && viewer.setShowUpscaled(!original),
  );
  store.watch(
    (s) => s.view.comparing,
    (comparing, before) => before !== undefined && viewer.setComparing(comparing),
  );
}
