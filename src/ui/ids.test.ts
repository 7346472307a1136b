// The ids are one contract: index.html holds exactly the page's ids, and neither the code nor
// the end-to-end tests name an id by string.
/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import html from "../../index.html?raw";
import { ID, PAGE_IDS, PANEL_IDS } from "./ids.js";

const glob = (files: Record<string, string>) => Object.entries(files);
const sources = [
  ...glob(import.meta.glob(["../**/*.ts", "!../**/*.test.ts", "!../testing/**"], { query: "?raw", import: "default", eager: true })),
  ...glob(import.meta.glob("../../tests/e2e/*.mjs", { query: "?raw", import: "default", eager: true })),
];

/** Each id written as a string: one with a hyphen quoted anywhere; any id looked up, given
 *  as an element's id, or after `#` in a selector. */
function namedIds(source: string): string[] {
  const escape = (id: string) => id.replace(/-/g, "\\-");
  const all = Object.values(ID).map(escape).join("|");
  const hyphenated = Object.values(ID).filter((id) => id.includes("-")).map(escape).join("|");
  const patterns = [
    new RegExp(`["'\`](${hyphenated})(?:-error)?["'\`]`, "g"),
    new RegExp(`(?:getElementById\\(|By\\.id\\(|byId\\(|id: )["'\`](${all})["'\`]`, "g"),
    new RegExp(`#(${all})(?![\\w-])`, "g"),
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]));
}

describe("DOM ids", () => {
  it("index.html holds exactly the page's ids", () => {
    const written = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(written.sort()).toEqual(Object.values(PAGE_IDS).sort());
  });

  it("are unique", () => {
    const all = [...Object.values(PAGE_IDS), ...Object.values(PANEL_IDS)];
    expect(new Set(all).size).toBe(all.length);
  });

  it("are named only through the ids module, in the code and in the end-to-end tests", () => {
    expect(sources.filter(([path]) => path.endsWith(".mjs")).length).toBeGreaterThan(10);
    expect(sources.length).toBeGreaterThan(30);
    const named = sources.flatMap(([path, source]) => namedIds(source).map((id) => `${path}: ${id}`));
    expect(named).toEqual([]);
  });

  it("finds an id written as a string (the check above can fail)", () => {
    const named = namedIds(`byId("stage"); By.css("#recent-books li"); text(driver, 'setting-scale-error'); "next page"`);
    expect(named.sort()).toEqual(["recent-books", "setting-scale", "stage"]);
  });
});
