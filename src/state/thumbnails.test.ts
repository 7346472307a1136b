import { describe, expect, it } from "vitest";
import { scrolledFromStart, scrollLeftFor, scrollToShow, spacerWidth, thumbnailRange, THUMBNAIL_GAP, THUMBNAIL_PADDING, THUMBNAIL_WIDTH } from "./thumbnails";

const STEP = THUMBNAIL_WIDTH + THUMBNAIL_GAP;

describe("the virtual thumbnail strip", () => {
  it("makes the buttons in view and a margin after them at the start", () => {
    // 1,080 px show 20 buttons (54 px each, after 10 px of padding).
    expect(thumbnailRange(2000, 0, 1080, "ltr", 5)).toEqual({ first: 0, last: 25 });
  });

  it("makes as many buttons for 2,000 pages as for 30 once the strip is full", () => {
    const big = thumbnailRange(2000, 500 * STEP, 1080, "ltr");
    const small = thumbnailRange(30, 0, 1080, "ltr");
    expect(big.last - big.first).toBeLessThanOrEqual(50);
    expect(small).toEqual({ first: 0, last: 30 });
  });

  it("makes the buttons around the scroll position, in view ones included", () => {
    const scrollLeft = THUMBNAIL_PADDING + 1000 * STEP;
    expect(thumbnailRange(2000, scrollLeft, 540, "ltr", 3)).toEqual({ first: 997, last: 1013 });
  });

  it("stops at the ends of the book", () => {
    expect(thumbnailRange(2000, THUMBNAIL_PADDING + 1995 * STEP, 1080, "ltr", 5)).toEqual({ first: 1990, last: 2000 });
    expect(thumbnailRange(0, 0, 1080, "ltr")).toEqual({ first: 0, last: 0 });
  });

  it("reads the scroll offset from the right edge when the book reads right to left", () => {
    // Right to left, the offset is negative: the same distance from the start gives the same buttons.
    const scrollLeft = THUMBNAIL_PADDING + 1000 * STEP;
    expect(thumbnailRange(2000, -scrollLeft, 540, "rtl", 3)).toEqual(thumbnailRange(2000, scrollLeft, 540, "ltr", 3));
    expect(thumbnailRange(2000, 0, 1080, "rtl", 5)).toEqual({ first: 0, last: 25 });
    expect(scrolledFromStart(-300, "rtl")).toBe(300);
    expect(scrolledFromStart(300, "ltr")).toBe(300);
    expect(scrollLeftFor(300, "rtl")).toBe(-300);
    expect(scrollLeftFor(300, "ltr")).toBe(300);
  });

  it("makes only the margin while the strip is hidden (no width)", () => {
    expect(thumbnailRange(2000, 0, 0, "ltr", 4)).toEqual({ first: 0, last: 4 });
  });

  it("gives each spacer the width of the buttons and gaps it stands for", () => {
    // A spacer and its following gap take the place of `n` buttons with their gaps.
    expect(spacerWidth(0)).toBe(0);
    expect(spacerWidth(1)).toBe(THUMBNAIL_WIDTH);
    expect(spacerWidth(10) + THUMBNAIL_GAP).toBe(10 * STEP);
  });

  it("scrolls as little as brings a page's button into view", () => {
    const start = (i: number) => THUMBNAIL_PADDING + i * STEP;
    // In view: no scroll.
    expect(scrollToShow(3, 0, 1080)).toBe(0);
    // Past the right edge: its end at the edge.
    expect(scrollToShow(100, 0, 1080)).toBe(start(100) + THUMBNAIL_WIDTH - 1080);
    // Before the left edge: its start at the edge.
    expect(scrollToShow(10, start(50), 1080)).toBe(start(10));
    // And the buttons made there include it.
    const range = thumbnailRange(2000, scrollToShow(1500, 0, 1080), 1080, "ltr", 0);
    expect(range.first).toBeLessThanOrEqual(1500);
    expect(range.last).toBeGreaterThan(1500);
  });
});
