// A page's sharp preview: a <canvas> over its original, at the size the page takes on screen in
// device pixels, drawn by the shared WebGL2 renderer whenever the original shows (no upscaled
// image covers it). It redraws when the page's box changes size (zoom, fit, rotation, window)
// or the filter does, and it holds a bitmap and a texture only while it is drawn.
import { renderer, type PreviewOptions, type SourceTexture } from "./renderer";

/** Above this many device pixels the canvas is drawn smaller and stretched by the browser. */
const MAX_PIXELS = 24e6;

let options: PreviewOptions = { filter: "edge", sharpness: 0.25 };
const layers = new Set<PreviewLayer>();
/** Original URLs whose preview is on screen, and who wants to know when that changes. */
const drawnUrls = new Map<PreviewLayer, string>();
const listeners = new Set<() => void>();

/** Sets the filter for every preview, redrawing those on screen. */
export function configurePreview(next: PreviewOptions): void {
  if (next.filter === options.filter && next.sharpness === options.sharpness) return;
  options = { ...next };
  for (const layer of layers) layer.update();
}

/** Whether the page with this original URL shows its preview now. */
export function previewShown(url: string): boolean {
  // The strip asks for a page with its render width as a query: the same page.
  const page = (address: string) => address.split("?")[0];
  return [...drawnUrls.values()].some((drawn) => page(drawn) === page(url));
}

/** Calls `listener` whenever a page's preview comes or goes. */
export function onPreviewChange(listener: () => void): void {
  listeners.add(listener);
}

export interface LayerSource {
  /** The original to draw, or null when none shows (an upscaled image took its place). */
  original(): HTMLImageElement | null;
  /** True while an upscaled image covers the whole page. */
  covered(): boolean;
}

export class PreviewLayer {
  readonly canvas = document.createElement("canvas");
  private texture: SourceTexture | null = null;
  private textureOf = "";
  private drawnKey = "";
  private readonly resize = new ResizeObserver(() => this.update());
  private readonly changes: MutationObserver | null = null;

  /**
   * Puts the canvas in `box` after `before` (or last). With `watchImages`, the layer also follows
   * images that load or are swapped inside the box on their own (the strip's pages).
   */
  constructor(
    private readonly box: HTMLElement,
    private readonly source: LayerSource,
    before: Element | null,
    watchImages = false,
  ) {
    this.canvas.className = "preview";
    this.canvas.hidden = true;
    this.canvas.width = 0;
    this.canvas.height = 0;
    if (before) before.after(this.canvas);
    else box.append(this.canvas);
    this.resize.observe(box);
    if (watchImages) {
      box.addEventListener("load", () => this.update(), true);
      this.changes = new MutationObserver(() => this.update());
      this.changes.observe(box, { childList: true });
    }
    layers.add(this);
  }

  /** Draws the preview if it should show and is not drawn as it is; clears it otherwise. */
  update(): void {
    const image = this.source.original();
    const gl = options.filter === "off" ? null : renderer();
    const size = boxDeviceSize(this.box);
    const showing =
      gl &&
      image &&
      image.complete &&
      image.naturalWidth > 0 &&
      image.naturalWidth <= gl.maxTextureSize &&
      image.naturalHeight <= gl.maxTextureSize &&
      size.width > 0 &&
      size.height > 0 &&
      // At its own size a page needs no filter.
      (size.width !== image.naturalWidth || size.height !== image.naturalHeight) &&
      !this.source.covered() &&
      !this.box.classList.contains("unreadable") &&
      // Blown up 4× or more the viewer shows pixels as squares, on purpose.
      !this.box.closest(".pixelated");
    if (!showing) return this.clear();
    const url = image.src;
    const key = `${size.width}×${size.height} ${options.filter} ${options.sharpness}`;
    if (this.textureOf === url && key === this.drawnKey) return;
    try {
      if (this.textureOf !== url) {
        this.texture?.release();
        this.texture = gl.upload(image, image.naturalWidth, image.naturalHeight);
        this.textureOf = url;
      }
      gl.draw(this.texture!, size.width, size.height, options);
      this.canvas.width = size.width;
      this.canvas.height = size.height;
      this.canvas.getContext("2d")!.drawImage(gl.canvas, 0, 0);
    } catch (error) {
      // An image WebGL may not read, or a lost context: the original shows as it is.
      console.warn("preview: not drawn", error);
      return this.clear();
    }
    this.canvas.hidden = false;
    this.drawnKey = key;
    this.setDrawn(url);
  }

  /** Removes the canvas and frees what it held: the page left the screen. */
  dispose(): void {
    this.clear();
    this.resize.disconnect();
    this.changes?.disconnect();
    this.canvas.remove();
    layers.delete(this);
  }

  private clear(): void {
    if (!this.texture && this.canvas.hidden) return;
    this.canvas.hidden = true;
    this.canvas.width = 0;
    this.canvas.height = 0;
    this.texture?.release();
    this.texture = null;
    this.textureOf = "";
    this.drawnKey = "";
    this.setDrawn(null);
    if (drawnUrls.size === 0) renderer()?.releaseScratch();
  }

  private setDrawn(url: string | null): void {
    if ((drawnUrls.get(this) ?? null) === url) return;
    if (url === null) drawnUrls.delete(this);
    else drawnUrls.set(this, url);
    for (const listener of listeners) listener();
  }
}

/** A box's layout size (before any rotation) in device pixels, within MAX_PIXELS. */
export function boxDeviceSize(box: HTMLElement): { width: number; height: number } {
  const style = getComputedStyle(box);
  const ratio = window.devicePixelRatio || 1;
  let width = parseFloat(style.width) * ratio;
  let height = parseFloat(style.height) * ratio;
  if (!(width > 0 && height > 0)) return { width: 0, height: 0 };
  const shrink = Math.min(1, Math.sqrt(MAX_PIXELS / (width * height)));
  width = Math.max(1, Math.round(width * shrink));
  height = Math.max(1, Math.round(height * shrink));
  return { width, height };
}
