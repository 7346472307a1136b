import { afterEach, describe, expect, it } from "vitest";
import { setLanguage, t } from "./i18n";

afterEach(() => setLanguage("en"));

describe("words put into Japanese and Chinese text", () => {
  it("stand without spaces next to CJK text, and with them when they are Latin", () => {
    setLanguage("ja");
    expect(t("books.in", { folder: t("books.thisFolder") })).toBe("このフォルダー内");
    expect(t("books.in", { folder: "Comics" })).toBe("Comics 内");
    expect(t("books.in", { folder: "漫画" })).toBe("漫画内");
    setLanguage("zh-CN");
    expect(t("books.in", { folder: t("books.thisFolder") })).toBe("此文件夹中");
    expect(t("books.in", { folder: "Comics" })).toBe("Comics 中");
    setLanguage("en");
    expect(t("books.in", { folder: t("books.thisFolder") })).toBe("In this folder");
  });
});
