import { describe, expect, it } from "vitest";
import { PreloadQueue } from "./preload-queue";

const id = (index: number) => `page-${index}`;
const never = () => false;

describe("PreloadQueue", () => {
  it("starts the current page first, then the next ones in the background", () => {
    const queue = new PreloadQueue(id);
    const plan = queue.plan(2, 10, 2, never);
    expect(plan.start).toEqual([
      { index: 2, priority: "interactive" },
      { index: 3, priority: "background" },
      { index: 4, priority: "background" },
    ]);
    expect(plan.cancel).toEqual([]);
    expect(queue.pending).toBe(3);
  });

  it("stops at the last page", () => {
    const queue = new PreloadQueue(id);
    expect(queue.plan(9, 10, 3, never).start.map((j) => j.index)).toEqual([9]);
  });

  it("cancels work that is no longer wanted after navigating", () => {
    const queue = new PreloadQueue(id);
    queue.plan(0, 10, 2, never); // 0, 1, 2 in flight
    const plan = queue.plan(5, 10, 1, never);
    expect(plan.cancel.sort()).toEqual(["page-0", "page-1", "page-2"]);
    expect(plan.start.map((j) => j.index)).toEqual([5, 6]);
  });

  it("keeps work that is still wanted and does not start it twice", () => {
    const queue = new PreloadQueue(id);
    queue.plan(0, 10, 2, never);
    const plan = queue.plan(1, 10, 2, never);
    expect(plan.cancel).toEqual(["page-0"]);
    expect(plan.start).toEqual([{ index: 3, priority: "background" }]);
  });

  it("does not preload finished pages again, but always asks for the page on screen", () => {
    const queue = new PreloadQueue(id);
    queue.plan(0, 10, 1, never);
    queue.finished("page-0", true);
    queue.finished("page-1", true);
    expect(queue.plan(0, 10, 1, never).start).toEqual([{ index: 0, priority: "interactive" }]);
    queue.finished("page-0", true);
    expect(queue.plan(1, 10, 1, never).start.map((j) => j.index)).toEqual([1, 2]);
  });

  it("retries a failed preload", () => {
    const queue = new PreloadQueue(id);
    queue.plan(0, 10, 1, never);
    queue.finished("page-1", false);
    expect(queue.plan(0, 10, 1, never).start.map((j) => j.index)).toEqual([1]);
  });

  it("skips pages the skip rule excludes", () => {
    const queue = new PreloadQueue(id);
    const plan = queue.plan(0, 10, 2, (i) => i === 1);
    expect(plan.start.map((j) => j.index)).toEqual([0, 2]);
  });

  it("forget cancels everything in flight and clears what was done", () => {
    const queue = new PreloadQueue(id);
    queue.plan(0, 10, 1, never);
    queue.finished("page-1", true);
    expect(queue.forget()).toEqual(["page-0"]);
    expect(queue.pending).toBe(0);
    expect(queue.isDone("page-1")).toBe(false);
  });
});
