import { afterEach, describe, expect, it } from "vitest";
import i18next from "i18next";
import { describeErrorPayload, errorSubject } from "./errors";
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

  it("says it in Japanese and Chinese, naming the file, with the message as the detail", () => {
    const message = "Vol 1.cbz is password-protected; SRView does not open encrypted books";
    setLanguage("ja");
    expect(describeErrorPayload("encrypted", message)).toBe(`Vol 1.cbz はパスワードで保護されています。SRView は暗号化されたブックを開きません。（詳細：${message}）`);
    setLanguage("zh-CN");
    expect(describeErrorPayload("timeout", "the request timed out after 3.0 s")).toBe("请求超时。（详细信息：the request timed out after 3.0 s）");
    // A kind SRView does not know, or a message whose subject cannot be found, still reads.
    expect(describeErrorPayload("new_kind", "something")).toBe("出现了问题。（详细信息：something）");
    expect(describeErrorPayload("encrypted", "garbled")).toBe("出现了问题。（详细信息：garbled）");
  });
});
