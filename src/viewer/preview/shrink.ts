// AI results shown below their own size (fit to the page, spreads, the strip, zoomed out) are
// drawn shrunk by the preview's Lanczos-3 (widened when shrinking) instead of the browser's
// filter, which leaves moiré in screentone. `ShrinkLayer` is a canvas over an upscaled image at
// its box's size in device pixels; `drawTileShrunk` draws one AI tile in its place on a tile
// canvas of that size, the same pixels the finished page's shrink gives there.
import type { TileReady } from "../../bindings";
import { boxDeviceSize } from "./layer";
import { renderer, type SourceMap, type SourceTexture } from "./renderer";

export interface Size {
  width: number;
  height: number;
}

/** The size to draw an image of size `full` at in a box of `device` pixels; null when it is
 *  not shown below its own size (nothing to filter, or the browser's enlargement). */
export function shrunkSize(full: Size, device: Size): Size | null {
  if (!(device.width > 0 && device.height > 0 && full.width > 0 && full.height > 0)) return null;
  return device.width < full.width || device.height < full.height ? device : null;
}

/** Where a tile goes on a canvas of `device` size that shows the whole result, and where each
 *  of its pixels lies in the tile's image. Neighbours' rectangles meet exactly, and each pixel
 *  is centred where the whole result's shrink centres it. */
export function tilePlacement(tile: TileReady, device: Size): { x: number; y: number; width: number; height: number; map: SourceMap } {
  const stepX = (tile.pageWidth * tile.scale) / device.width;
  const stepY = (tile.pageHeight * tile.scale) / device.height;
  const x = Math.round((tile.x * tile.scale) / stepX);
  const y = Math.round((tile.y * tile.scale) / stepY);
  const right = Math.round(((tile.x + tile.width) * tile.scale) / stepX);
  const bottom = Math.round(((tile.y + tile.height) * tile.scale) / stepY);
  return {
    x,
    y,
    width: right - x,
    height: bottom - y,
    // Page pixel p of the result is pixel p - tile.x·scale + imageX of the tile's image.
    map: { stepX, startX: x * stepX - tile.x * tile.scale + tile.imageX, stepY, startY: y * stepY - tile.y * tile.scale + tile.imageY },
  };
}

/** Whether results can be drawn shrunk here (WebGL2). */
export function shrinkSupported(): boolean {
  return renderer() !== null;
}

/** Draws a tile shrunk in its place on `context` (a canvas of `device` size); the browser's
 *  filter where WebGL fails. */
export function drawTileShrunk(context: CanvasRenderingContext2D, image: HTMLImageElement, tile: TileReady, device: Size): void {
  const place = tilePlacement(tile, device);
  if (place.width <= 0 || place.height <= 0) return;
  const gl = renderer();
  let texture: SourceTexture | null = null;
  try {
    if (!gl) throw new Error("no WebGL2");
    texture = gl.upload(image, image.naturalWidth, image.naturalHeight);
    gl.shrink(texture, place.width, place.height, place.map);
    context.drawImage(gl.canvas, place.x, place.y);
  } catch (error) {
    console.warn("shrink: tile drawn by the browser", error);
    const [w, h] = [tile.width * tile.scale, tile.height * tile.scale];
    context.drawImage(image, tile.imageX, tile.imageY, w, h, place.x, place.y, place.width, place.height);
  } finally {
    texture?.release();
  }
}

/** A canvas over an upscaled image (`image()`, null while none shows), drawn with the image
 *  shrunk to the box's device size whenever the box is smaller than the image. It redraws when
 *  the box changes size, and holds a bitmap only while drawn; the image's texture lives only
 *  while it draws (a result is large, and the strip shows several). */
export class ShrinkLayer {
  readonly canvas = document.createElement("canvas");
  private drawnKey = "";
  private readonly resize = new ResizeObserver(() => this.update());

  /** Puts the canvas in `box` after `after` (or last). */
  constructor(
    private readonly box: HTMLElement,
    private readonly image: () => HTMLImageElement | null,
    after: Element | null,
  ) {
    this.canvas.className = "shrunk";
    this.canvas.hidden = true;
    this.canvas.width = 0;
    this.canvas.height = 0;
    if (after) after.after(this.canvas);
    else box.append(this.canvas);
    this.resize.observe(box);
  }

  update(): void {
    const image = this.image();
    const gl = renderer();
    const loaded = image && image.complete && image.naturalWidth > 0 ? image : null;
    const size = loaded && shrunkSize({ width: loaded.naturalWidth, height: loaded.naturalHeight }, boxDeviceSize(this.box));
    if (!gl || !loaded || !size || Math.max(loaded.naturalWidth, loaded.naturalHeight) > gl.maxTextureSize) return this.clear();
    const key = `${loaded.src} ${size.width}×${size.height}`;
    if (key === this.drawnKey) return;
    let texture: SourceTexture | null = null;
    try {
      texture = gl.upload(loaded, loaded.naturalWidth, loaded.naturalHeight);
      const map = { stepX: loaded.naturalWidth / size.width, startX: 0, stepY: loaded.naturalHeight / size.height, startY: 0 };
      gl.shrink(texture, size.width, size.height, map);
      this.canvas.width = size.width;
      this.canvas.height = size.height;
      this.canvas.getContext("2d")!.drawImage(gl.canvas, 0, 0);
    } catch (error) {
      console.warn("shrink: not drawn", error);
      return this.clear();
    } finally {
      texture?.release();
    }
    this.canvas.hidden = false;
    this.drawnKey = key;
  }

  dispose(): void {
    this.clear();
    this.resize.disconnect();
    this.canvas.remove();
  }

  private clear(): void {
    if (this.canvas.hidden) return;
    this.canvas.hidden = true;
    this.canvas.width = 0;
    this.canvas.height = 0;
    this.drawnKey = "";
  }
}
