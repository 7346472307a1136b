import { describe, expect, it } from "vitest";
import { entryPoint, scrollStep } from "./scroll";

const view = { width: 800, height: 600 };
const tall = { width: 800, height: 2000 };
const wide = { width: 2000, height: 600 };

describe("scrolling within a page", () => {
  it("scrolls a tall page down and up, and stops at its edges", () => {
    expect(scrollStep({ x: 0, y: 0 }, tall, view, 1, 0.5, "ltr")).toEqual({ x: 0, y: -300 });
    expect(scrollStep({ x: 0, y: -1300 }, tall, view, 1, 0.5, "ltr")).toEqual({ x: 0, y: -1400 });
    expect(scrollStep({ x: 0, y: -1400 }, tall, view, 1, 0.5, "ltr")).toBeNull();
    expect(scrollStep({ x: 0, y: -1400 }, tall, view, -1, 0.5, "ltr")).toEqual({ x: 0, y: -1100 });
    expect(scrollStep({ x: 0, y: -100 }, tall, view, -1, 0.5, "ltr")).toEqual({ x: 0, y: 0 });
    expect(scrollStep({ x: 0, y: 0 }, tall, view, -1, 0.5, "ltr")).toBeNull();
  });

  it("scrolls by pixels, down and across, clamped at the edges", () => {
    expect(scrollStep({ x: 0, y: 0 }, tall, view, 1, { pixels: 3 }, "ltr")).toEqual({ x: 0, y: -3 });
    expect(scrollStep({ x: 0, y: -1398 }, tall, view, 1, { pixels: 40 }, "ltr")).toEqual({ x: 0, y: -1400 });
    expect(scrollStep({ x: 0, y: 0 }, wide, view, 1, { pixels: 25 }, "ltr")).toEqual({ x: -25, y: 0 });
  });

  it("turns at once a page that fits", () => {
    expect(scrollStep({ x: 100, y: 50 }, { width: 600, height: 500 }, view, 1, 0.2, "ltr")).toBeNull();
    expect(scrollStep({ x: 100, y: 50 }, { width: 600, height: 500 }, view, -1, 0.2, "ltr")).toBeNull();
  });

  it("goes across a wide page in the reading direction", () => {
    expect(scrollStep({ x: 0, y: 0 }, wide, view, 1, 0.5, "ltr")).toEqual({ x: -400, y: 0 });
    expect(scrollStep({ x: -1200, y: 0 }, wide, view, 1, 0.5, "ltr")).toBeNull();
    // Right to left starts at the right edge and moves left.
    expect(scrollStep({ x: -1200, y: 0 }, wide, view, 1, 0.5, "rtl")).toEqual({ x: -800, y: 0 });
    expect(scrollStep({ x: 0, y: 0 }, wide, view, 1, 0.5, "rtl")).toBeNull();
    expect(scrollStep({ x: 0, y: 0 }, wide, view, -1, 0.5, "rtl")).toEqual({ x: -400, y: 0 });
  });

  it("reads a page larger both ways in columns: down, then across from the top", () => {
    const big = { width: 1600, height: 1200 };
    expect(scrollStep({ x: 0, y: -600 }, big, view, 1, 0.5, "ltr")).toEqual({ x: -400, y: 0 });
    expect(scrollStep({ x: -400, y: 0 }, big, view, -1, 0.5, "ltr")).toEqual({ x: 0, y: -600 });
  });

  it("enters a page at its start, or at its end when scrolling back", () => {
    expect(entryPoint(1, "ltr")).toEqual({ x: 0, y: 0 });
    expect(entryPoint(1, "rtl")).toEqual({ x: -Infinity, y: 0 });
    expect(entryPoint(-1, "ltr")).toEqual({ x: -Infinity, y: -Infinity });
    expect(entryPoint(-1, "rtl")).toEqual({ x: 0, y: -Infinity });
  });
});
