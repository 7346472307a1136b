import { describe, expect, it } from "vitest";
import { ahead, arrowStep, groupAt, lastGroup, nextGroup, onScreenOrder, previousGroup, type PageSize, type ReadingMode } from "./reading";

const single: ReadingMode = { spread: false, direction: "ltr", shift: false };
const spread: ReadingMode = { spread: true, direction: "ltr", shift: false };
const portrait: PageSize = { width: 100, height: 150 };
const landscape: PageSize = { width: 200, height: 150 };
const sizes = (wide: number[] = [], count = 10) => new Map(Array.from({ length: count }, (_, i) => [i, wide.includes(i) ? landscape : portrait]));

describe("reading", () => {
  it("shows one page at a time in single mode", () => {
    expect(groupAt(3, 10, single, sizes())).toEqual([3]);
    expect(nextGroup(3, 10, single, sizes())).toBe(4);
    expect(previousGroup(0, 10, single, sizes())).toBeNull();
  });

  it("pairs pages in spreads, and a wide page stands alone and restarts the pairing", () => {
    const known = sizes([4]);
    expect(groupAt(0, 10, spread, known)).toEqual([0, 1]);
    expect(groupAt(3, 10, spread, known)).toEqual([2, 3]);
    expect(groupAt(4, 10, spread, known)).toEqual([4]);
    expect(groupAt(5, 10, spread, known)).toEqual([5, 6]);
    expect(nextGroup(2, 10, spread, known)).toBe(4);
    expect(nextGroup(4, 10, spread, known)).toBe(5);
    expect(previousGroup(5, 10, spread, known)).toBe(4);
    expect(previousGroup(4, 10, spread, known)).toBe(2);
  });

  it("shifts the pairing by one for a single cover", () => {
    const shifted = { ...spread, shift: true };
    expect(groupAt(0, 10, shifted, sizes())).toEqual([0]);
    expect(groupAt(1, 10, shifted, sizes())).toEqual([1, 2]);
    expect(groupAt(2, 10, shifted, sizes())).toEqual([1, 2]);
    expect(nextGroup(0, 10, shifted, sizes())).toBe(1);
  });

  it("ends on a lone last page and knows where the last group starts", () => {
    expect(groupAt(8, 9, spread, sizes([], 9))).toEqual([8]);
    expect(lastGroup(9, spread, sizes([], 9))).toBe(8);
    expect(lastGroup(10, spread, sizes())).toBe(8);
    expect(nextGroup(8, 10, spread, sizes())).toBeNull();
  });

  it("puts page 2 on the left when reading right to left", () => {
    const group = groupAt(0, 10, { ...spread, direction: "rtl" }, sizes());
    expect(onScreenOrder(group, "rtl")).toEqual([1, 0]);
    expect(onScreenOrder(group, "ltr")).toEqual([0, 1]);
  });

  it("turns the arrow keys round for manga, and preloads in reading order", () => {
    expect(arrowStep("ArrowRight", "ltr")).toBe(1);
    expect(arrowStep("ArrowLeft", "rtl")).toBe(1);
    expect(arrowStep("ArrowRight", "rtl")).toBe(-1);
    expect(ahead([2, 3], 10, 2)).toEqual([4, 5]);
    expect(ahead([9], 10, 2)).toEqual([]);
  });

  it("preloads screens, not pages: a spread's two pages together, a wide page as a screen of its own", () => {
    const known = sizes([4]);
    expect(ahead([0, 1], 10, 1, spread, known)).toEqual([2, 3]);
    expect(ahead([0, 1], 10, 2, spread, known)).toEqual([2, 3, 4]);
    expect(ahead([2, 3], 10, 2, spread, known)).toEqual([4, 5, 6]);
    expect(ahead([8, 9], 10, 1, spread, known)).toEqual([]);
    expect(ahead([0], 10, 1, { ...spread, shift: true }, sizes())).toEqual([1, 2]);
    expect(ahead([6, 7], 9, 3, spread, sizes([], 9))).toEqual([8]);
  });
});
