// The stage: one page or a two-page spread, fit to the page, its width or its height, zoom
// and pan, the original/upscaled toggle and the before/after compare slider.
//
// The layout follows the page's own (original) pixel size, whatever image of it is shown, so it
// does not move when U is pressed or the sharper image arrives. Zoom is measured on that size:
// 100% is one pixel of the page per screen pixel; the upscaled image fills the same box.

import type { FitMode } from "../state/settings";
import type { Direction } from "../state/reading";
import { entryPoint, scrollStep, type ScrollAmount } from "../state/scroll";
import { fitScale, zoomLabel, zoomStep } from "./zoom";
import { t } from "../i18n/i18n";
import type { PageRegion, TileImage } from "../bindings";
import { TileLayer } from "./tiles";
import { PreviewLayer } from "./preview/layer";
import { ShrinkLayer } from "./preview/shrink";

export interface Slot {
  box: HTMLElement;
  original: HTMLImageElement;
  upscaled: HTMLImageElement;
}

type Zoom = { kind: "fit" } | { kind: "scale"; value: number };

export class Viewer {
  private zoom: Zoom = { kind: "fit" };
  private pan = { x: 0, y: 0 };
  private compareAt = 0.5;
  private showUpscaled = true;
  private comparing = false;
  private visible = 1;
  private fitMode: FitMode = "page";
  private enlargeSmall = false;
  /** Screen pixels per layout unit (pixels of the tallest original on screen). */
  private scale = 1;
  private direction: Direction = "ltr";
  /** Clockwise quarter turns of the pages on screen, in degrees. */
  private rotation = 0;
  /** Where the pages on screen were entered (their start or end), kept until the reader moves
   *  them, so that it holds once their images have loaded. */
  private entry: { x: number; y: number } | null = null;
  /** Each slot's AI tiles, drawn while its page is computed. */
  readonly tileLayers: TileLayer[];
  /** Each slot's sharp preview, between its original and its upscaled image. */
  private readonly previews: PreviewLayer[];
  /** Each slot's upscaled image drawn shrunk, over it, while it shows below its own size. */
  private readonly shrinks: ShrinkLayer[];

  constructor(
    private readonly stage: HTMLElement,
    private readonly canvas: HTMLElement,
    readonly slots: [Slot, Slot],
    private readonly handle: HTMLElement,
    private readonly zoomLabel: HTMLElement,
  ) {
    this.previews = slots.map(
      (slot) =>
        new PreviewLayer(
          slot.box,
          {
            original: () => (!slot.box.hidden && slot.original.hasAttribute("src") ? slot.original : null),
            covered: () => !slot.upscaled.hidden && slot.upscaled.naturalWidth > 0 && !slot.upscaled.style.clipPath,
          },
          slot.original,
        ),
    );
    // CORS-clean, so that its shrink may read it into WebGL.
    for (const slot of slots) slot.upscaled.crossOrigin = "anonymous";
    this.shrinks = slots.map((slot) => new ShrinkLayer(slot.box, () => (!slot.box.hidden && !slot.upscaled.hidden ? slot.upscaled : null), slot.upscaled));
    this.bindPan();
    this.bindCompareHandle();
    new ResizeObserver(() => this.layout()).observe(stage);
    this.tileLayers = slots.map((slot) => new TileLayer(slot.box, slot.upscaled));
    for (const slot of slots) {
      slot.original.addEventListener("load", () => {
        if (this.entry) this.pan = { ...this.entry };
        this.layout();
      });
      slot.upscaled.addEventListener("load", () => this.refreshLayers());
    }
  }

  /** Shows originals (one, or two for a spread), in page order, from their start (or their end,
   *  scrolling back into them); clears upscaled results. */
  showPages(urls: string[], direction: Direction, atEnd = false): void {
    this.visible = urls.length;
    this.direction = direction;
    this.canvas.classList.toggle("rtl", direction === "rtl");
    this.slots.forEach((slot, i) => {
      slot.upscaled.hidden = true;
      slot.upscaled.removeAttribute("src");
      this.tileLayers[i].clear();
      slot.box.hidden = i >= urls.length;
      if (i < urls.length) {
        if (slot.original.getAttribute("src") !== urls[i]) slot.original.src = urls[i];
      } else {
        slot.original.removeAttribute("src");
      }
    });
    this.entry = entryPoint(atEnd ? -1 : 1, direction);
    this.pan = { ...this.entry };
    this.layout();
  }

  /** Marks the pages on screen that could not be read: each shows a plain placeholder of a
   *  page's shape instead of a broken image, and the zoom label says nothing of it. */
  setUnreadable(unreadable: boolean[]): void {
    this.slots.forEach((slot, i) => {
      slot.box.classList.toggle("unreadable", !!unreadable[i]);
      slot.box.dataset.unreadable = t("status.unreadablePage");
    });
    this.layout();
  }

  /** Turns the pages on screen by 0, 90, 180 or 270 degrees clockwise; the layout follows
   *  the turned size. */
  setRotation(degrees: number): void {
    if (degrees === this.rotation) return;
    this.rotation = degrees;
    this.fit();
  }

  /**
   * Scrolls a page taller or wider than the window by `amount` (of the window, or pixels), forward or back;
   * false when it is at that edge already (or fits), and the page should turn.
   */
  scroll(step: 1 | -1, amount: ScrollAmount): boolean {
    const { width, height } = this.turnedSize();
    if (!width || !height) return false;
    const rect = this.stage.getBoundingClientRect();
    const page = { width: width * this.scale, height: height * this.scale };
    const next = scrollStep(this.pan, page, rect, step, amount, this.direction);
    if (!next) return false;
    this.entry = null;
    this.pan = next;
    this.layout();
    return true;
  }

  /** Shows the upscaled result over the page in `slot`, or none. */
  showResult(slot: number, url: string | null): void {
    const target = this.slots[slot];
    if (!target || target.box.hidden) return;
    if (url === null) {
      if (!target.upscaled.hasAttribute("src")) return;
      target.upscaled.removeAttribute("src");
    } else if (target.upscaled.getAttribute("src") !== url) {
      target.upscaled.src = url;
    }
    this.refreshLayers();
  }

  /** Draws the finished AI tiles of the page in `slot`, computed by request `key`. */
  drawTiles(slot: number, key: string, tiles: readonly TileImage[]): void {
    if (this.slots[slot]?.box.hidden) return;
    if (!key) this.tileLayers[slot].clear();
    else this.tileLayers[slot].draw(key, tiles);
    this.refreshLayers();
  }

  /** The part of the page in `slot` on screen, as fractions of the page, when only part of it
   *  is (zoomed in); null when all of it is, or when it is turned. */
  visibleRegion(slot: number): PageRegion | null {
    const target = this.slots[slot];
    if (!target || target.box.hidden || this.rotation !== 0) return null;
    const box = target.box.getBoundingClientRect();
    const stage = this.stage.getBoundingClientRect();
    if (!box.width || !box.height) return null;
    const [left, right] = [Math.max(box.left, stage.left), Math.min(box.right, stage.right)];
    const [top, bottom] = [Math.max(box.top, stage.top), Math.min(box.bottom, stage.bottom)];
    if (right <= left || bottom <= top) return null;
    const region = { x: (left - box.left) / box.width, y: (top - box.top) / box.height, width: (right - left) / box.width, height: (bottom - top) / box.height };
    return region.width > 0.99 && region.height > 0.99 ? null : region;
  }

  hasResult(slot = 0): boolean {
    return this.slots[slot].upscaled.hasAttribute("src");
  }

  setShowUpscaled(on: boolean): void {
    this.showUpscaled = on;
    this.refreshLayers();
  }

  setComparing(on: boolean): void {
    this.comparing = on;
    this.refreshLayers();
  }

  setFitMode(mode: FitMode, enlargeSmall: boolean): void {
    this.fitMode = mode;
    this.enlargeSmall = enlargeSmall;
    this.fit();
  }

  fit(): void {
    this.zoom = { kind: "fit" };
    this.entry = null;
    this.pan = entryPoint(1, this.direction);
    this.layout();
  }

  /** One pixel of the image on screen per screen pixel. */
  actualSize(): void {
    this.zoomAround({ kind: "scale", value: 1 });
  }

  /** Steps the zoom, keeping the point under `anchor` (stage coordinates; default: the centre) still. */
  zoomBy(direction: 1 | -1, anchor?: { x: number; y: number }): void {
    this.zoomAround({ kind: "scale", value: zoomStep(this.scale, direction) }, anchor);
  }

  private zoomAround(zoom: Zoom, anchor?: { x: number; y: number }): void {
    const rect = this.stage.getBoundingClientRect();
    const point = anchor ?? { x: rect.width / 2, y: rect.height / 2 };
    const before = this.scale;
    this.entry = null;
    this.zoom = zoom;
    const after = this.targetScale();
    // The canvas point under the anchor stays under it.
    this.pan = { x: point.x - ((point.x - this.pan.x) * after) / before, y: point.y - ((point.y - this.pan.y) * after) / before };
    this.layout();
  }

  private visibleSlots(): Slot[] {
    return this.slots.slice(0, this.visible);
  }

  private upscaledShown(): boolean {
    return this.visibleSlots().some((s) => s.upscaled.hasAttribute("src") && s.upscaled.naturalWidth > 0) && (this.showUpscaled || this.comparing);
  }

  /** Pixels of the image file on screen per layout unit: 2 for a 2× result that is shown, else 1. */
  private pixelRatio(): number {
    if (!this.upscaledShown()) return 1;
    const slot = this.visibleSlots().find((s) => s.upscaled.naturalHeight > 0 && s.original.naturalHeight > 0);
    return slot ? slot.upscaled.naturalHeight / slot.original.naturalHeight : 1;
  }

  /** The pages' own sizes; an unreadable page takes a placeholder's. */
  private pageSizes(): { width: number; height: number }[] {
    return this.visibleSlots().map((s) =>
      s.box.classList.contains("unreadable") ? UNREADABLE_PAGE : { width: s.original.naturalWidth, height: s.original.naturalHeight },
    );
  }

  /** Layout size: the pages side by side at the height of the tallest, in its pixels. */
  private contentSize(): { width: number; height: number; widths: number[] } {
    const sizes = this.pageSizes();
    const height = Math.max(0, ...sizes.map((s) => s.height));
    const widths = sizes.map((s) => (s.height ? (s.width * height) / s.height : 0));
    return { width: widths.reduce((a, b) => a + b, 0), height, widths };
  }

  /** The layout size as it sits on screen: width and height swapped by a quarter turn. */
  private turnedSize(): { width: number; height: number } {
    const { width, height } = this.contentSize();
    return this.rotation % 180 === 0 ? { width, height } : { width: height, height: width };
  }

  private targetScale(): number {
    const size = this.turnedSize();
    if (!size.width || !size.height) return 1;
    if (this.zoom.kind === "scale") return this.zoom.value;
    return fitScale(size, this.stage.getBoundingClientRect(), this.fitMode, this.enlargeSmall);
  }

  private refreshLayers(): void {
    const shown = this.showUpscaled || this.comparing;
    this.visibleSlots().forEach((slot, i) => {
      slot.upscaled.hidden = !(shown && slot.upscaled.hasAttribute("src"));
      // The tiles show until the finished page has loaded over them.
      const covered = !slot.upscaled.hidden && slot.upscaled.complete && slot.upscaled.naturalWidth > 0;
      this.tileLayers[i].canvas.style.visibility = shown && !covered ? "" : "hidden";
    });
    this.handle.hidden = !(this.comparing && this.upscaledShown());
    this.layout();
  }

  /** The zoom level in the toolbar, in the current language. */
  relabel(): void {
    const readable = this.visibleSlots().some((s) => !s.box.classList.contains("unreadable") && s.original.naturalHeight > 0);
    this.zoomLabel.textContent = readable ? zoomLabel(this.scale, this.zoom.kind === "fit") : "";
  }

  private layout(): void {
    const { width, height, widths } = this.contentSize();
    this.scale = this.targetScale();
    const ratio = this.pixelRatio();
    this.relabel();
    if (!width || !height) return this.updateFilters();
    const rect = this.stage.getBoundingClientRect();
    // Sizes and places on whole device pixels: a canvas drawn at its box's device size (the
    // preview, a shrunk result, its tiles) is then shown one to one, not resampled again.
    const device = window.devicePixelRatio || 1;
    const snap = (value: number, origin = 0) => Math.round((origin + value) * device) / device - origin;
    const slotWidths = widths.map((slotWidth) => snap(slotWidth * this.scale));
    const w = slotWidths.reduce((a, b) => a + b, 0);
    const h = snap(height * this.scale);
    // The box the pages take on screen once turned, placed as an unturned one would be.
    const turned = this.rotation % 180 === 0 ? { w, h } : { w: h, h: w };
    this.pan = {
      x: turned.w <= rect.width ? (rect.width - turned.w) / 2 : clamp(this.pan.x, rect.width - turned.w, 0),
      y: turned.h <= rect.height ? (rect.height - turned.h) / 2 : clamp(this.pan.y, rect.height - turned.h, 0),
    };
    // The pan keeps its fractions (a touchpad's small steps add up); only the placement is snapped.
    const [x, y] = [snap(this.pan.x, rect.left), snap(this.pan.y, rect.top)];
    // Turning about the top-left corner moves the box; this puts it back at (x, y).
    const shift = { 0: [0, 0], 90: [h, 0], 180: [w, h], 270: [0, w] }[this.rotation] ?? [0, 0];
    Object.assign(this.canvas.style, {
      width: `${w}px`,
      height: `${h}px`,
      transform: `translate(${x + shift[0]}px, ${y + shift[1]}px) rotate(${this.rotation}deg)`,
    });
    this.visibleSlots().forEach((slot, i) => {
      slot.box.style.width = `${slotWidths[i]}px`;
      slot.box.style.height = `${h}px`;
    });
    // Show pixels as squares only when the image on screen is blown up a lot.
    this.canvas.classList.toggle("pixelated", this.scale / ratio >= 4);
    this.applyCompare();
    this.updateFilters();
  }

  private updateFilters(): void {
    this.previews.forEach((preview) => preview.update());
    this.shrinks.forEach((shrink) => shrink.update());
  }

  /** The handle sits in the stage, so it stays in view whatever the zoom; each page's upscaled
   *  layer is clipped to the right of it. */
  private applyCompare(): void {
    const rect = this.stage.getBoundingClientRect();
    const at = this.compareAt * rect.width;
    this.handle.style.left = `${at}px`;
    for (const slot of this.visibleSlots()) {
      const i = this.slots.indexOf(slot);
      const [tiles, shrunk] = [this.tileLayers[i].canvas, this.shrinks[i].canvas];
      if (!this.comparing) {
        slot.upscaled.style.clipPath = tiles.style.clipPath = shrunk.style.clipPath = "";
        continue;
      }
      const box = slot.box.getBoundingClientRect();
      const inside = box.width ? clamp((at + rect.left - box.left) / box.width, 0, 1) : 0;
      slot.upscaled.style.clipPath = tiles.style.clipPath = shrunk.style.clipPath = `inset(0 0 0 ${(inside * 100).toFixed(2)}%)`;
    }
  }

  private bindPan(): void {
    let start: { x: number; y: number; panX: number; panY: number } | null = null;
    this.stage.addEventListener("pointerdown", (e) => {
      if (this.handle.contains(e.target as Node) || e.button !== 0) return;
      start = { x: e.clientX, y: e.clientY, panX: this.pan.x, panY: this.pan.y };
      this.stage.classList.add("dragging");
      this.stage.setPointerCapture(e.pointerId);
    });
    this.stage.addEventListener("pointermove", (e) => {
      if (!start) return;
      this.entry = null;
      this.pan = { x: start.panX + e.clientX - start.x, y: start.panY + e.clientY - start.y };
      this.layout();
    });
    const end = () => {
      start = null;
      this.stage.classList.remove("dragging");
    };
    this.stage.addEventListener("pointerup", end);
    this.stage.addEventListener("pointercancel", end);
  }

  private bindCompareHandle(): void {
    let dragging = false;
    this.handle.addEventListener("pointerdown", (e) => {
      dragging = true;
      this.handle.setPointerCapture(e.pointerId);
      e.stopPropagation();
    });
    this.handle.addEventListener("pointermove", (e) => {
      if (!dragging) return;
      const rect = this.stage.getBoundingClientRect();
      this.compareAt = clamp((e.clientX - rect.left) / rect.width, 0.02, 0.98);
      this.applyCompare();
    });
    this.handle.addEventListener("pointerup", () => (dragging = false));
  }
}

/** The placeholder of a page that could not be read: a page's usual shape. */
const UNREADABLE_PAGE = { width: 1000, height: 1414 };

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
