import { describe, expect, it } from "vitest";
import { ZOOM_STEPS, zoomStep } from "./zoom";

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
