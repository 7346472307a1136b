// AI tiles drawn as they finish: a canvas in a page's box, over the original (and its preview)
// and under the upscaled image. The canvas has the tiles' own resolution and fills the box, as
// the upscaled image does, so the finished page replaces the tiles with no shift. Shown below the
// result's size (and with WebGL2), the canvas has the box's size in device pixels instead, each
// tile drawn shrunk by Lanczos-3 as the finished page's ShrinkLayer draws it, and all are redrawn
// when the box changes size. It changes when another page's tiles (another list) come, never
// when the result arrives: the result covers it once it has loaded. The tiles of the last two
// lists are kept aside, so a page that comes back shows its tiles at once.
import type { TileImage } from "../bindings";
import { boxDeviceSize } from "./preview/layer";
import { drawTileShrunk, shrinkSupported, shrunkSize } from "./preview/shrink";


const rectOf = (tile: TileImage) => `${tile.x},${tile.y},${tile.width},${tile.height}@${tile.scale}`;

/** Which tiles of a list to load: one per rectangle, each once; a load that failed (a URL the
 *  app dropped) is tried again only with a newer URL for its rectangle. */
export class TilePlan {
  private rects = new Map<string, { url: string; state: "loading" | "drawn" | "failed" }>();
  private newest = new Map<string, TileImage>();

  /** The tiles of `tiles` to load now. */
  want(tiles: readonly TileImage[]): TileImage[] {
    const load: TileImage[] = [];
    for (const tile of tiles) {
      const rect = rectOf(tile);
      this.newest.set(rect, tile);
      const seen = this.rects.get(rect);
      if (seen && (seen.state !== "failed" || seen.url === tile.url)) continue;
      this.rects.set(rect, { url: tile.url, state: "loading" });
      load.push(tile);
    }
    return load;
  }

  /** `tile` was drawn; false when its rectangle was already (it is not counted twice). */
  drawn(tile: TileImage): boolean {
    const seen = this.rects.get(rectOf(tile));
    if (seen?.state === "drawn") return false;
    this.rects.set(rectOf(tile), { url: tile.url, state: "drawn" });
    return true;
  }

  /** `tile` did not load: a newer URL for its rectangle to load instead, if one came meanwhile. */
  failed(tile: TileImage): TileImage | null {
    const rect = rectOf(tile);
    if (this.rects.get(rect)?.state === "drawn") return null;
    const newer = this.newest.get(rect);
    if (newer && newer.url !== tile.url) {
      this.rects.set(rect, { url: newer.url, state: "loading" });
      return newer;
    }
    this.rects.set(rect, { url: tile.url, state: "failed" });
    return null;
  }

  /** The layer shows another list: loads still under way will not be drawn, so they are
   *  asked for again when this list comes back. */
  leave(): void {
    for (const [rect, seen] of this.rects) if (seen.state === "loading") this.rects.delete(rect);
  }

  /** Rectangles drawn. */
  get count(): number {
    return [...this.rects.values()].filter((r) => r.state === "drawn").length;
  }
}

/** A tile's decoded image, to draw again at another size or on its page's return. */
interface Loaded {
  image: HTMLImageElement;
  tile: TileImage;
}

interface Kept {
  plan: TilePlan;
  loaded: Loaded[];
}

export class TileLayer {
  readonly canvas: HTMLCanvasElement;
  private key = "";
  private plan = new TilePlan();
  /** Earlier lists' tiles by key, the most recent last. */
  private kept = new Map<string, Kept>();
  /** Tiles whose images have been drawn, for tests and the status line. */
  count = 0;
  /** The tiles drawn. */
  private loaded: Loaded[] = [];

  /** `keep`: how many earlier lists are kept aside (a slot shows page after page; a strip
   *  page's box shows one page, and keeps none). */
  constructor(
    private readonly box: HTMLElement,
    below: HTMLElement | null,
    private readonly keep = 2,
  ) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "tiles";
    this.canvas.hidden = true;
    box.insertBefore(this.canvas, below);
    // Covered by the finished page (hidden), the tiles keep the size they have.
    new ResizeObserver(() => this.canvas.style.visibility !== "hidden" && this.redraw()).observe(box);
  }

  /** Draws the finished tiles of one list (`key`); rectangles drawn already are skipped. */
  draw(key: string, tiles: readonly TileImage[]): void {
    if (key !== this.key) this.switchTo(key);
    for (const tile of this.plan.want(tiles)) this.load(key, tile);
  }

  /** Shows no tiles; those drawn are kept aside for their page's return. */
  clear(): void {
    this.switchTo("");
  }

  private switchTo(key: string): void {
    this.plan.leave();
    if (this.key && this.loaded.length > 0 && this.keep > 0) {
      this.kept.delete(this.key);
      this.kept.set(this.key, { plan: this.plan, loaded: this.loaded });
      if (this.kept.size > this.keep) this.kept.delete(this.kept.keys().next().value!);
    }
    this.key = key;
    const back = key ? this.kept.get(key) : undefined;
    this.plan = back?.plan ?? new TilePlan();
    this.loaded = back?.loaded ?? [];
    this.count = this.plan.count;
    this.canvas.width = 0;
    this.canvas.height = 0;
    this.redraw();
    this.canvas.hidden = this.count === 0;
    if (this.count > 0) this.canvas.dataset.tiles = String(this.count);
    else if (this.canvas.dataset.tiles !== undefined) delete this.canvas.dataset.tiles;
  }

  private load(key: string, tile: TileImage): void {
    const image = new Image();
    image.decoding = "async";
    image.crossOrigin = "anonymous";
    image.onload = () => {
      if (key !== this.key || !this.plan.drawn(tile)) return;
      this.loaded.push({ image, tile });
      if (!this.redraw()) this.paint(image, tile);
      this.canvas.hidden = false;
      this.count = this.plan.count;
      this.canvas.dataset.tiles = String(this.count);
    };
    // A URL the app no longer keeps draws nothing; a newer one for the rectangle may.
    image.onerror = () => {
      if (key !== this.key) return;
      const newer = this.plan.failed(tile);
      if (newer) this.load(key, newer);
    };
    image.src = tile.url;
  }

  /** The canvas's size: the result's, or the box's in device pixels when that is smaller. */
  private size(tile: TileImage): { width: number; height: number } {
    const full = { width: tile.pageWidth * tile.scale, height: tile.pageHeight * tile.scale };
    return (shrinkSupported() && shrunkSize(full, boxDeviceSize(this.box))) || full;
  }

  /** Sizes the canvas and draws every tile again if its size has changed; false if not. */
  private redraw(): boolean {
    if (this.loaded.length === 0) return false;
    const size = this.size(this.loaded[0].tile);
    if (this.canvas.width === size.width && this.canvas.height === size.height) return false;
    this.canvas.width = size.width;
    this.canvas.height = size.height;
    for (const { image, tile } of this.loaded) this.paint(image, tile);
    return true;
  }

  private paint(image: HTMLImageElement, tile: TileImage): void {
    const context = this.canvas.getContext("2d");
    if (!context) return;
    if (this.canvas.width !== tile.pageWidth * tile.scale || this.canvas.height !== tile.pageHeight * tile.scale) {
      return drawTileShrunk(context, image, tile, this.canvas);
    }
    const [w, h] = [tile.width * tile.scale, tile.height * tile.scale];
    context.drawImage(image, tile.imageX, tile.imageY, w, h, tile.x * tile.scale, tile.y * tile.scale, w, h);
  }
}
