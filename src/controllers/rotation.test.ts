import { describe, expect, it } from "vitest";
import { location, memoryStore, readyStore, settle } from "../testing/fakes";
import { normalizeRotations, RotationController } from "./rotation";

describe("RotationController", () => {
  it("turns a quarter at a time, remembers the turn for each book, and restores it when the book opens again", async () => {
    const store = readyStore();
    const saved = memoryStore();
    const rotation = new RotationController(store, saved);
    await rotation.load();
    const open = (path: string) => store.update((s) => ({ reading: { ...s.reading, location: location([1, 2], { path, kind: "book" }) } }));
    open("/books/a.cbz");
    rotation.turn();
    rotation.turn();
    expect(store.state.view.rotation).toBe(180);
    open("/books/b.cbz");
    expect(store.state.view.rotation).toBe(0);
    rotation.turn();
    rotation.turn();
    rotation.turn();
    rotation.turn();
    expect(store.state.view.rotation).toBe(0);
    await settle();
    expect(saved.entries.rotations).toEqual({ "/books/a.cbz": 180 });

    // The next run: a.cbz opens turned as it was left.
    const again = readyStore();
    await new RotationController(again, saved).load();
    again.update((s) => ({ reading: { ...s.reading, location: location([1], { path: "/books/a.cbz", kind: "book" }) } }));
    expect(again.state.view.rotation).toBe(180);
  });

  it("keeps only valid saved turns", () => {
    expect(normalizeRotations({ a: 90, b: 45, c: "90", d: 270 })).toEqual({ a: 90, d: 270 });
    expect(normalizeRotations(null)).toEqual({});
  });
});
