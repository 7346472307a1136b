import { describe, expect, it } from "vitest";
import { Latest, RequestTracker } from "./requests";

const pages = (plan: { start: { page: number }[] }) => plan.start.map((r) => r.page);

describe("RequestTracker", () => {
  it("asks for the pages on screen first, then the pages ahead in the background", () => {
    const tracker = new RequestTracker();
    const plan = tracker.plan([2], [3, 4]);
    expect(plan.start.map((r) => [r.page, r.priority])).toEqual([
      [2, "interactive"],
      [3, "background"],
      [4, "background"],
    ]);
    expect(new Set(plan.start.map((r) => r.requestId)).size).toBe(3);
    expect(plan.cancel).toEqual([]);
    expect(tracker.pending).toBe(3);
  });

  it("cancels what is no longer wanted after navigating", () => {
    const tracker = new RequestTracker();
    const first = tracker.plan([0], [1, 2]);
    const plan = tracker.plan([5], [6]);
    expect(plan.cancel.sort()).toEqual(first.start.map((r) => r.requestId).sort());
    expect(pages(plan)).toEqual([5, 6]);
  });

  it("keeps tracking a page's newer request when its cancelled request finishes late", () => {
    const tracker = new RequestTracker();
    const old = tracker.plan([0], []).start[0];
    tracker.plan([1], []); // page 0 cancelled
    const fresh = tracker.plan([0], []).start.find((r) => r.page === 0)!;
    expect(fresh.requestId).not.toBe(old.requestId);
    // The cancelled request answers after the new one was sent.
    expect(tracker.finished(0, old.requestId, false)).toBe(false);
    expect(tracker.isCurrent(0, fresh.requestId)).toBe(true);
    // So navigating away still cancels the new request.
    expect(tracker.plan([7], []).cancel).toContain(fresh.requestId);
  });

  it("never asks twice for a page that is done, on screen or not", () => {
    const tracker = new RequestTracker();
    const plan = tracker.plan([0], [1]);
    for (const r of plan.start) tracker.finished(r.page, r.requestId, true);
    expect(pages(tracker.plan([0], [1]))).toEqual([]);
    expect(pages(tracker.plan([1], [0, 2]))).toEqual([2]);
  });

  it("asks again as interactive for a preload that comes on screen", () => {
    const tracker = new RequestTracker();
    const preload = tracker.plan([0], [1]).start[1];
    const plan = tracker.plan([1], [2]);
    expect(plan.cancel).toContain(preload.requestId);
    expect(plan.start.find((r) => r.page === 1)?.priority).toBe("interactive");
  });

  it("shows two pages on screen in a spread, both interactive", () => {
    const tracker = new RequestTracker();
    const plan = tracker.plan([4, 5], [6, 7]);
    expect(plan.start.filter((r) => r.priority === "interactive").map((r) => r.page)).toEqual([4, 5]);
  });

  it("forgets everything when the settings change", () => {
    const tracker = new RequestTracker();
    const plan = tracker.plan([0], [1]);
    tracker.finished(0, plan.start[0].requestId, true);
    expect(tracker.forget()).toEqual([plan.start[1].requestId]);
    expect(tracker.pending).toBe(0);
    expect(pages(tracker.plan([0], [1]))).toEqual([0, 1]);
  });
});

describe("Latest", () => {
  it("lets only the latest of overlapping operations apply", () => {
    const latest = new Latest();
    const first = latest.next();
    const second = latest.next();
    expect(latest.isLatest(first)).toBe(false);
    expect(latest.isLatest(second)).toBe(true);
  });
});
