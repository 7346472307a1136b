import { afterEach, describe, expect, it } from "vitest";
import i18next from "i18next";
import { describeErrorPayload, errorSubject, skipReason } from "./errors";
import { setLanguage } from "./i18n";

afterEach(() => void i18next.changeLanguage("en"));

describe("errors by kind", () => {
  it("finds the file, book or model each kind's message names", () => {
    expect(errorSubject("corrupt_image", "/books/p01.png is damaged or truncated. Detail: the PNG ends early")).toBe("/books/p01.png");
    expect(errorSubject("encrypted", "Vol 1.cbz is password-protected; SRView does not open encrypted books")).toBe("Vol 1.cbz");
    expect(errorSubject("image_too_large", "big.png is 30000×30000 pixels (900 MP), above the limit of 64 MP")).toBe("big.png");
    expect(errorSubject("io", "SRView could not read or write /out/a.webp. Detail: permission denied")).toBe("/out/a.webp");
    expect(errorSubject("unknown_model", "unknown model `NOPE`; `srview models` lists them")).toBe("NOPE");
    expect(errorSubject("timeout", "the request timed out after 3.0 s")).toBeNull();
  });

  it("keeps the engine's message in English", () => {
    expect(describeErrorPayload("encrypted", "Vol 1.cbz is password-protected; SRView does not open encrypted books")).toBe(
      "Vol 1.cbz is password-protected; SRView does not open encrypted books",
    );
  });

  it("says it in Japanese and Chinese, with no English copy of the sentence", () => {
    const message = "Vol 1.cbz is password-protected; SRView does not open encrypted books";
    setLanguage("ja");
    expect(describeErrorPayload("encrypted", message)).toBe("Vol 1.cbz はパスワードで保護されています。SRView は暗号化されたブックを開きません。");
    setLanguage("zh-CN");
    expect(describeErrorPayload("timeout", "the request timed out after 3.0 s")).toBe("请求在 3.0 秒后超时。");
    expect(describeErrorPayload("cancelled", "the request was cancelled")).toBe("请求已取消。");
  });

  it("puts the numbers in the sentence, and adds as the detail only what the sentence lacks", () => {
    setLanguage("ja");
    expect(describeErrorPayload("image_too_large", "big.png is 30000×30000 pixels (900 MP), above the limit of 64 MP")).toBe(
      "big.png は 30000×30000 ピクセル（900 MP）で、上限の 64 MP を超えています。",
    );
    expect(describeErrorPayload("too_many_pages", "huge.pdf has 10000 pages, above the limit of 5000")).toBe("huge.pdf は 10000 ページあり、上限の 5000 を超えています。");
    // What a library said is not in the sentence: it stays, without the sentence's English.
    expect(describeErrorPayload("corrupt_image", "/books/p01.png is damaged or truncated. Detail: the PNG ends early")).toBe(
      "/books/p01.png は壊れているか、途中で切れています。（詳細：the PNG ends early）",
    );
    expect(describeErrorPayload("io", "SRView could not read or write /out/a.webp. Detail: permission denied")).toBe("/out/a.webp を読み書きできませんでした。（詳細：permission denied）");
  });

  it("still reads for a kind SRView does not know, or a message not in its kind's form", () => {
    setLanguage("zh-CN");
    expect(describeErrorPayload("new_kind", "something")).toBe("出现了问题。（详细信息：something）");
    expect(describeErrorPayload("encrypted", "garbled")).toBe("出现了问题。（详细信息：garbled）");
  });

  it("says why a page was left as it is, naming the rule as the reader reads it", () => {
    const byRule = "the rule “Already large enough” leaves this page as it is";
    expect(skipReason(byRule)).toBe(byRule);
    setLanguage("ja");
    expect(skipReason(byRule, () => "すでに十分な大きさ")).toBe("ルール「すでに十分な大きさ」により高画質化しません");
    expect(skipReason("anim.gif is animated (12 frames)")).toBe("anim.gif はアニメーション画像です（12 フレーム）");
  });
});
