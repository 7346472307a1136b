import { describe, expect, it } from "vitest";
import { nameOf } from "../controllers/location";
import { initialState } from "./startup";
import { INITIAL_STATE } from "./state";

describe("the state the app starts in", () => {
  it("says what is being opened when the desktop side named it, and is the plain initial state otherwise", () => {
    expect(initialState("Vol 1.cbz").reading.opening).toBe("Vol 1.cbz");
    expect(initialState(undefined)).toBe(INITIAL_STATE);
    expect(initialState(42)).toBe(INITIAL_STATE);
  });

  it("names a path by its last part", () => {
    expect(nameOf("/books/Manga/Vol 1.cbz")).toBe("Vol 1.cbz");
    expect(nameOf("/books/Photo Folder/")).toBe("Photo Folder");
    expect(nameOf("/")).toBe("/");
  });
});
