import { describe, expect, it } from "vitest";
import type { TileImage } from "../bindings";
import { TilePlan } from "./tiles";

function tile(x: number, url = `srimg://localhost/tile/${x}`): TileImage {
  return { url, x, y: 0, width: 10, height: 10, pageWidth: 30, pageHeight: 10, imageX: 0, imageY: 0, scale: 2 };
}

describe("TilePlan", () => {
  it("loads each rectangle once, whatever URL it is reported again with", () => {
    const plan = new TilePlan();
    expect(plan.want([tile(0), tile(10)])).toEqual([tile(0), tile(10)]);
    expect(plan.want([tile(0), tile(10)])).toEqual([]);
    expect(plan.drawn(tile(0))).toBe(true);
    expect(plan.want([tile(0, "srimg://localhost/tile/again"), tile(10), tile(20)])).toEqual([tile(20)]);
    expect(plan.drawn(tile(0))).toBe(false);
    expect(plan.count).toBe(1);
  });

  it("after a failed load (a URL the app dropped) draws nothing, and loads the rectangle's newer URL", () => {
    const plan = new TilePlan();
    plan.want([tile(0), tile(10)]);
    expect(plan.failed(tile(0))).toBeNull();
    expect(plan.want([tile(0)])).toEqual([]);
    const fresh = tile(0, "srimg://localhost/tile/fresh");
    expect(plan.want([fresh])).toEqual([fresh]);
    // A newer URL that came while the old one was loading is tried once the old one fails.
    const newer = tile(10, "srimg://localhost/tile/newer");
    expect(plan.want([newer])).toEqual([]);
    expect(plan.failed(tile(10))).toEqual(newer);
    expect(plan.drawn(newer)).toBe(true);
    expect(plan.drawn(fresh)).toBe(true);
    expect(plan.count).toBe(2);
  });

  it("loads again, when its list comes back, what was still loading when the layer left it", () => {
    const plan = new TilePlan();
    plan.want([tile(0), tile(10)]);
    plan.drawn(tile(0));
    plan.leave();
    expect(plan.want([tile(0), tile(10)])).toEqual([tile(10)]);
  });
});
