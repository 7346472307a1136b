import { describe, expect, it } from "vitest";
import { ZOOM_STEPS, fitScale, zoomLabel, zoomStep } from "./zoom";

describe("zoom steps", () => {
  it("step evenly: each at most half as large again as the one before", () => {
    const ratios = ZOOM_STEPS.slice(1).map((step, i) => step / ZOOM_STEPS[i]);
    for (const ratio of ratios) expect(ratio).toBeGreaterThan(1.05);
    for (const ratio of ratios) expect(ratio).toBeLessThanOrEqual(1.51);
  });

  it("go from 25 % to 20 %, not to 10 %, and stop at the ends", () => {
    expect(zoomStep(0.25, -1)).toBe(0.2);
    expect(zoomStep(0.23, -1)).toBe(0.2);
    expect(zoomStep(0.23, 1)).toBe(0.25);
    expect(zoomStep(1, 1)).toBe(1.25);
    expect(zoomStep(0.1, -1)).toBe(0.1);
    expect(zoomStep(8, 1)).toBe(8);
  });
});

describe("the page's fit and its label", () => {
  const window = { width: 1200, height: 700 };
  const page = { width: 1000, height: 1450 };

  it("fit the page's own pixel size: a 1000 px page is not widened in Fit width without enlarging", () => {
    expect(fitScale(page, window, "width", false)).toBe(1);
    expect(fitScale(page, window, "width", true)).toBeCloseTo(1.2);
    expect(fitScale(page, window, "page", false)).toBeCloseTo(700 / 1450);
    expect(fitScale(page, window, "height", true)).toBeCloseTo(700 / 1450);
  });

  it("say the page's size on screen against its own, as the box it takes", () => {
    const scale = fitScale(page, window, "page", false);
    expect(zoomLabel(scale, true)).toBe("fit 48%");
    expect(Math.round(page.height * scale)).toBe(700);
    expect(zoomLabel(1.25, false)).toBe("125%");
  });
});
