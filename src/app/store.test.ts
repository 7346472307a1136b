import { describe, expect, it } from "vitest";
import { shallowEqual, Store } from "./store";

describe("Store", () => {
  it("replaces the fields an update gives and tells listeners the state before", () => {
    const store = new Store({ a: 1, b: "x" });
    const seen: [number, number][] = [];
    store.subscribe((state, previous) => seen.push([state.a, previous.a]));
    store.update({ a: 2 });
    store.update((s) => ({ a: s.a + 1 }));
    expect(store.state).toEqual({ a: 3, b: "x" });
    expect(seen).toEqual([
      [2, 1],
      [3, 2],
    ]);
  });

  it("tells no one of an update that changes nothing", () => {
    const store = new Store({ a: 1 });
    let calls = 0;
    store.subscribe(() => calls++);
    store.update({ a: 1 });
    expect(calls).toBe(0);
  });

  it("queues an update made by a listener: every listener sees every state in order, the last one last", () => {
    const store = new Store({ n: 0 });
    const first: number[] = [];
    const second: number[] = [];
    store.subscribe((s) => {
      first.push(s.n);
      if (s.n === 1) store.update({ n: 2 });
    });
    store.subscribe((s, previous) => second.push(previous.n, s.n));
    store.update({ n: 1 });
    expect(first).toEqual([1, 2]);
    // The second listener was called after the first one's update: it sees 0 → 2 at once.
    expect(second).toEqual([0, 2]);
    expect(store.state.n).toBe(2);
  });

  it("watches a part of the state: called now, then only when that part changes", () => {
    const store = new Store({ page: 1, other: 0, pair: [1, 2] });
    const pages: [number, number | undefined][] = [];
    const pairs: number[][] = [];
    store.watch((s) => s.page, (page, before) => pages.push([page, before]));
    store.watch((s) => [s.pair[0], s.pair[1]], (pair) => pairs.push(pair));
    store.update({ other: 1 });
    store.update({ page: 2 });
    store.update({ pair: [1, 2] });
    store.update({ pair: [2, 2] });
    expect(pages).toEqual([
      [1, undefined],
      [2, 1],
    ]);
    expect(pairs).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it("stops calling a listener once unsubscribed", () => {
    const store = new Store({ n: 0 });
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    store.update({ n: 1 });
    stop();
    store.update({ n: 2 });
    expect(calls).toBe(1);
  });

  it("compares arrays and plain objects field by field", () => {
    expect(shallowEqual([1, "a"], [1, "a"])).toBe(true);
    expect(shallowEqual([1], [1, 2])).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 1 })).toBe(true);
    expect(shallowEqual({ a: [] }, { a: [] })).toBe(false);
    expect(shallowEqual(new Map(), new Map())).toBe(false);
  });
});
