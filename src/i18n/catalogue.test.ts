// The catalogues are complete in every language, and no text a reader sees is written in code.
/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { CATALOGUES, LANGUAGES, matchLanguage, t } from "./i18n";
import { untranslatedHtml, visibleLiterals } from "./literals";
import i18next from "i18next";
import html from "../../index.html?raw";

/** The frontend's code: not the tests, the catalogues, the test fakes or the generated bindings. */
const sources = Object.entries(
  import.meta.glob(["../**/*.{ts,js}", "!../**/*.test.ts", "!./locales/**", "!../testing/**", "!../bindings.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>,
);

/** Every key of a catalogue, plural forms ("_one", "_other") folded into their key. */
function keys(catalogue: object, prefix = ""): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === "object" ? keys(value, `${prefix}${key}.`) : [`${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, "")}`],
  );
}


describe("the catalogues", () => {
  const english = new Set(keys(CATALOGUES.en));

  for (const language of LANGUAGES) {
    it(`${language} has every key English has, and no other`, () => {
      const own = new Set(keys(CATALOGUES[language]));
      expect([...english].filter((key) => !own.has(key)), "missing").toEqual([]);
      expect([...own].filter((key) => !english.has(key)), "unknown").toEqual([]);
    });

    it(`${language} keeps every {{placeholder}} of the English text`, () => {
      const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      const flat = (catalogue: object, prefix = ""): [string, string][] =>
        Object.entries(catalogue).flatMap(([key, value]) => (typeof value === "object" ? flat(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value as string]]));
      const theirs = new Map(flat(CATALOGUES[language]).map(([k, v]) => [k.replace(/_(one|other)$/, ""), v]));
      for (const [key, text] of flat(CATALOGUES.en)) {
        const translated = theirs.get(key.replace(/_(one|other)$/, ""));
        expect(new Set(placeholders(translated ?? "")), `${language} ${key}`).toEqual(new Set(placeholders(text)));
      }
    });
  }

  it("Japanese and Chinese are translated, not copies of English", () => {
    for (const language of ["ja", "zh-CN"] as const) {
      i18next.changeLanguage(language);
      expect(t("toolbar.upscale")).not.toBe("Upscale");
      expect(t("settings.title")).not.toBe("Settings");
    }
    i18next.changeLanguage("en");
  });
});

describe("no text outside the catalogue", () => {
  it("finds a literal planted in code, and in index.html", () => {
    const planted = `const b = el("button", { id: ID.x, title: \`Open \${name}\` }, "Open it");\nnode.textContent = "Hello there";\nstatus.title = \`\${a} · \${b}\`;\nthis.view.alert(\`Could not save: \${e}\`);\nconst options = [["skip", "show as they are"]];`;
    expect(visibleLiterals(planted)).toEqual(["Open ", "Hello there", "Could not save: ", "show as they are", "Open it"]);
    // Inside ${…}: a literal given as the value (a branch, a fallback) is text; keys, comparisons
    // and arguments are not.
    const inside = `count.textContent = \`\${n} \${n === 1 ? "page" : "pages"}\`;\nnote.textContent = \`\${kind === "book" ? t("a.b") : name ?? "untitled"} \${label("custom")}\`;`;
    expect(visibleLiterals(inside)).toEqual(["  page pages", "  untitled"]);
    expect(untranslatedHtml(`<div id="a" title="Go"><span>Hello</span><b data-i18n="x">Hi</b> 0 / 0</div>`)).toEqual([`<div> title="Go"`, `<span> text "Hello"`]);
  });

  it("src has no user-visible literal", () => {
    expect(sources.length).toBeGreaterThan(50);
    const found = sources.flatMap(([path, source]) => visibleLiterals(source).map((text) => `${path}: ${text}`));
    expect(found).toEqual([]);
  });

  it("index.html gives every text and label a data-i18n key", () => {
    expect(untranslatedHtml(html)).toEqual([]);
  });

  it("every data-i18n key of index.html is in the catalogue", () => {
    const english = new Set(keys(CATALOGUES.en));
    const used = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(30);
    expect(used.filter((key) => !english.has(key))).toEqual([]);
  });
});

describe("the system locale", () => {
  it("picks the first language SRView has", () => {
    expect(matchLanguage(["ja_JP.UTF-8"])).toBe("ja");
    expect(matchLanguage(["zh_CN.UTF-8"])).toBe("zh-CN");
    expect(matchLanguage(["zh-Hans-CN"])).toBe("zh-CN");
    expect(matchLanguage(["C.UTF-8", "fr_FR", "ja-JP"])).toBe("ja");
    expect(matchLanguage(["de_DE.UTF-8"])).toBe("en");
    expect(matchLanguage([])).toBe("en");
  });
});
