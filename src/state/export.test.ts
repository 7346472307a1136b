import { afterEach, describe, expect, it } from "vitest";
import type { BatchProgress, BatchSummary } from "../bindings";
import { INITIAL_STATE } from "../app/state";
import { describeExportModel, describeProgress, describeSummary, exportIndicator } from "./export";
import { setLanguage, t } from "../i18n/i18n";

const progress = (change: Partial<BatchProgress>): BatchProgress => ({
  done: 7,
  total: 24,
  computed: 1,
  cached: 6,
  skipped: 0,
  kept: 0,
  failed: 0,
  bytesWritten: 0,
  current: null,
  pagesPerMinute: null,
  secondsLeft: null,
  ...change,
});

const summary = (change: Partial<BatchSummary>): BatchSummary => ({
  total: 24,
  computed: 20,
  cached: 4,
  skipped: 0,
  kept: 0,
  failures: [],
  written: ["/m/Library (upscaled)/Vol 1_x2.cbz"],
  cancelled: false,
  seconds: 80,
  peakInFlight: 2,
  ...change,
});

describe("export progress", () => {
  it("says no rate or time left until Rust has one (two computed pages)", () => {
    expect(describeProgress(progress({}))).toBe("7 / 24 pages");
    expect(describeProgress(progress({ computed: 2, pagesPerMinute: 4.2, secondsLeft: 243 }))).toBe("7 / 24 pages · 4.2 pages/min · about 4 min left");
    expect(describeProgress(progress({ done: 24, pagesPerMinute: 4.2, secondsLeft: 0 }))).toBe("24 / 24 pages");
  });

  it("shows in the status line while it runs, then how it ended until the panel is opened", () => {
    const idle = INITIAL_STATE.exporting;
    expect(exportIndicator(idle)).toBeNull();
    const running = { ...idle, phase: "running" as const, seen: false };
    expect(exportIndicator(running)?.text).toBe("Export starting…");
    expect(exportIndicator({ ...running, progress: progress({}) })?.text).toBe("Exporting 7 / 24");
    expect(exportIndicator({ ...running, progress: progress({ secondsLeft: 30 }) })?.text).toBe("Exporting 7 / 24 · about 30 s left");
    const done = { ...running, phase: "done" as const, summary: summary({}) };
    expect(exportIndicator(done)).toEqual({ text: "Export done · 1 written", bad: false });
    expect(exportIndicator({ ...done, seen: true })).toBeNull();
    expect(exportIndicator({ ...done, summary: summary({ cancelled: true, written: [] }) })?.text).toBe("Export cancelled");
    expect(exportIndicator({ ...done, summary: summary({ cancelled: true, written: ["/out/p1.webp"] }) })?.text).toBe("Export cancelled · 1 written");
    expect(describeSummary(summary({ cancelled: true, written: [] }))).toBe("Cancelled before any page was written.");
    expect(describeSummary(summary({ computed: 18, cached: 4, kept: 2 }))).toBe(
      "Done. 1 written to /m/Library (upscaled): 18 computed, 4 from the cache, 0 already there, 2 kept as they are. 80 s.",
    );
    expect(exportIndicator({ ...done, phase: "failed", error: "disk full" })).toEqual({ text: "Export failed", bad: true });
  });
});

describe("the export's model line", () => {
  afterEach(() => setLanguage("en"));

  it("names the model and scale, but with Automatic (rules) says the rules choose both, in every language", () => {
    expect(describeExportModel({ model: "WAIFU2X_CUNET_UP2X", scale: 2, format: "webp" })).toBe("With waifu2x CUNet 2× at 2×, as WebP (see Settings).");
    const auto = { model: "auto", scale: 2, format: "webp" };
    expect(describeExportModel(auto)).toBe("With Automatic (rules): the rules choose each page's model and scale; as WebP (see Settings).");
    for (const language of ["ja", "zh-CN"] as const) {
      setLanguage(language);
      expect(describeExportModel(auto)).not.toMatch(/\d×/);
      expect(describeExportModel(auto)).toContain(t("models.auto"));
    }
  });
});
