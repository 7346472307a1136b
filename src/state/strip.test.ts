import { describe, expect, it } from "vitest";
import { byVisibility, decodedRange, layoutStrip, pageAtY, positionAt, preloadPages, renderedUrl, renderSize, scrollTopOf, stripWidth, visibleBand, visiblePages } from "./strip";

const sizes = [
  { width: 100, height: 200 },
  { width: 100, height: 50 },
  { width: 200, height: 200 },
  { width: 100, height: 300 },
];
const at = (i: number) => sizes[i];

describe("strip layout", () => {
  it("stacks pages at one width, each box from its page's size, with the gap between them", () => {
    const layout = layoutStrip(4, at, 400, 10);
    expect([...layout.heights]).toEqual([800, 200, 400, 1200]);
    expect([...layout.tops]).toEqual([0, 810, 1020, 1430]);
    expect(layout.total).toBe(2630);
  });

  it("fills the window's width up to the maximum", () => {
    expect(stripWidth(1280.6, 0)).toBe(1280);
    expect(stripWidth(1280, 900)).toBe(900);
    expect(stripWidth(600, 900)).toBe(600);
  });

  it("gives a page of unknown size the shape of the known page before it, and portrait before any", () => {
    const layout = layoutStrip(4, (i) => (i === 1 ? { width: 100, height: 300 } : undefined), 100, 0);
    expect([...layout.heights]).toEqual([141, 300, 300, 300]);
  });

});

describe("what the viewport shows", () => {
  const layout = layoutStrip(4, at, 400, 10);

  it("finds the page at a height, a gap belonging to the page above", () => {
    expect(pageAtY(layout, 0)).toBe(0);
    expect(pageAtY(layout, 805)).toBe(0);
    expect(pageAtY(layout, 810)).toBe(1);
    expect(pageAtY(layout, 99999)).toBe(3);
  });

  it("lists the pages inside the viewport with how much of each shows, in page order", () => {
    expect(visiblePages(layout, 700, 500)).toEqual([
      { index: 0, visible: 100 },
      { index: 1, visible: 200 },
      { index: 2, visible: 180 },
    ]);
    // The gap alone shows nothing of the page below.
    expect(visiblePages(layout, 0, 805)).toEqual([{ index: 0, visible: 800 }]);
  });

  it("orders the upscaling by how much of each page is visible", () => {
    expect(byVisibility(visiblePages(layout, 700, 500))).toEqual([1, 2, 0]);
    expect(byVisibility([{ index: 5, visible: 10 }, { index: 4, visible: 10 }])).toEqual([4, 5]);
  });

  it("preloads the next pages in the scroll direction", () => {
    const visible = visiblePages(layout, 700, 500);
    expect(preloadPages(visible, 4, 2, 1)).toEqual([3]);
    expect(preloadPages(visiblePages(layout, 1000, 100), 4, 2, -1)).toEqual([0]);
    expect(preloadPages([{ index: 10, visible: 5 }], 100, 3, 1)).toEqual([11, 12, 13]);
    expect(preloadPages([{ index: 10, visible: 5 }], 100, 3, -1)).toEqual([9, 8, 7]);
    expect(preloadPages(visible, 4, 0, 1)).toEqual([]);
  });

  it("keeps images for the visible pages and a margin: the same number however long the strip", () => {
    const long = layoutStrip(2000, () => ({ width: 100, height: 140 }), 1000, 0);
    const short = layoutStrip(20, () => ({ width: 100, height: 140 }), 1000, 0);
    const inLong = decodedRange(visiblePages(long, 1400 * 1000 + 300, 800), 2000, 1)!;
    const inShort = decodedRange(visiblePages(short, 1400 * 10 + 300, 800), 20, 1)!;
    expect(inLong.to - inLong.from).toBe(inShort.to - inShort.from);
    expect(inLong).toEqual({ from: 999, to: 1001 });
    expect(decodedRange(visiblePages(short, 0, 800), 20, 1)).toEqual({ from: 0, to: 1 });
    expect(decodedRange([], 20, 1)).toBeNull();
  });
});

describe("the reading position", () => {
  it("is the page at the viewport's top and the place within it, and gives the same scroll back", () => {
    const layout = layoutStrip(4, at, 400, 10);
    const position = positionAt(layout, 1020 + 100);
    expect(position).toEqual({ index: 2, offset: 0.25 });
    expect(scrollTopOf(layout, position, 500)).toBe(1120);
  });

  it("holds the place in its page when a page above it changes size", () => {
    const before = layoutStrip(4, at, 400, 10);
    const position = positionAt(before, 1500);
    const taller = layoutStrip(4, (i) => (i === 0 ? { width: 100, height: 400 } : at(i)), 400, 10);
    const top = scrollTopOf(taller, position, 500);
    expect(top - taller.tops[3]).toBe(1500 - before.tops[3]);
  });

  it("stays within the strip's scroll range", () => {
    const layout = layoutStrip(4, at, 400, 10);
    expect(scrollTopOf(layout, { index: 3, offset: 0.9 }, 500)).toBe(2130);
    expect(scrollTopOf(layout, { index: 9, offset: 0 }, 500)).toBe(1430);
    expect(scrollTopOf(layout, { index: 0, offset: 0 }, 5000)).toBe(0);
  });
});

describe("visibleBand", () => {
  it("is the part of a page inside the viewport, as fractions of the page", () => {
    const layout = layoutStrip(3, () => ({ width: 100, height: 200 }), 100, 0);
    expect(visibleBand(layout, 0, 150, 100)).toEqual({ x: 0, y: 0.75, width: 1, height: 0.25 });
    expect(visibleBand(layout, 1, 150, 100)).toEqual({ x: 0, y: 0, width: 1, height: 0.25 });
    expect(visibleBand(layout, 2, 150, 100)).toBeNull();
  });
});

describe("the size PDF pages are rendered at", () => {
  it("is the strip's width on this screen in device pixels, or the screen's height in page mode", () => {
    const screen = { width: 1280, height: 800, devicePixelRatio: 2 };
    expect(renderSize("strip", screen, 0)).toEqual({ width: 2560, height: 0 });
    expect(renderSize("strip", screen, 900)).toEqual({ width: 1800, height: 0 });
    expect(renderSize("pages", screen, 900)).toEqual({ width: 0, height: 1600 });
    expect(renderedUrl("srimg://localhost/page/4", 2560)).toBe("srimg://localhost/page/4?fit=2560");
  });
});
