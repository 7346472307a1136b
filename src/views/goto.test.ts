import { describe, expect, it } from "vitest";
import { pageToGoTo } from "./goto";

describe("the go-to-page field", () => {
  it("takes a page of the book, and says which pages it has otherwise", () => {
    expect(pageToGoTo("3", 3)).toEqual({ index: 2 });
    expect(pageToGoTo(" 1 ", 3)).toEqual({ index: 0 });
    for (const typed of ["9", "0", "-1", "2.5", "", "abc"]) expect(pageToGoTo(typed, 3)).toEqual({ error: "This book has pages 1–3" });
    expect(pageToGoTo("2", 1)).toEqual({ error: "This book has one page" });
  });
});
