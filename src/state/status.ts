// The status line for the page on screen: short, true from the first frame, and naming the
// model. Pure, so every state is unit-tested.
import type { ErrorPayload, Phase } from "../bindings";
import { formatBytes } from "../panels/dom";
import type { ModelInfo } from "../bindings";
import { modelShortName, modelWithScale, nativeScale } from "./models";
import { isAuto } from "./rules";
import { currentLanguage, t } from "../i18n/i18n";
import { describeErrorPayload } from "../i18n/errors";

export interface ShownResult {
  /** True only for a result computed while this page was on screen. */
  computedNow: boolean;
  /** Computed ahead, in the background, before the page came on screen (not from the cache). */
  preloaded?: boolean;
  sourceWidth: number;
  sourceHeight: number;
  width: number;
  height: number;
  format: string;
  bytes: number;
  computeMs: number;
}

export interface PageStatus {
  name: string;
  /** The page's file name (in a book, its path inside), which the engine's messages start with. */
  fileName?: string;
  upscaling: boolean;
  model: string;
  /** The scale pages are upscaled at, when the user chose one other than the model's own. */
  scale?: number;
  /** With the model "auto": the rule that chose the model, once the engine said. */
  rule?: string | null;
  /** Original (O) is on: the page is shown as it is, whatever the upscaling. */
  showingOriginal?: boolean;
  /** The original's size, when known. */
  originalSize?: { width: number; height: number };
  /** Why the page cannot be shown: damaged, or above the limits. */
  problem?: ErrorPayload;
  failure?: string;
  skipped?: string;
  progress?: { phase: Phase; done: number; total: number; secondsLeft: number | null };
  result?: ShownResult;
  /** True before the engine has answered. */
  waitingForEngine?: boolean;
  /** The page shows its sharp preview (viewer/preview), not AI pixels. */
  preview?: boolean;
}

export interface StatusLine {
  text: string;
  bad: boolean;
  /** "cache" or "computed" once a result is shown. */
  source?: "cache" | "computed";
}

/** "3/12 tiles, about 20 s left" while a page computes in tiles. */
export function describeProgress(progress: NonNullable<PageStatus["progress"]>): string {
  const phase = t(`status.phase.${progress.phase}`);
  if (progress.phase !== "computing" || progress.total < 2) return phase;
  const counts = { phase, done: progress.done, total: progress.total };
  if (progress.secondsLeft === null) return t("status.tiles", counts);
  return t("status.tilesLeft", { ...counts, seconds: Math.max(1, Math.round(progress.secondsLeft)) });
}

/** The scale the status line names, when not the model's own: with the model "auto", the one
 *  the rule chose (read from the result's size); else the one in the settings. */
export function shownScale(settings: { model: string; scale: number }, model: string, models: ModelInfo[], result?: { width: number; sourceWidth: number }): number | undefined {
  if (isAuto(settings.model)) {
    if (!result || result.sourceWidth === 0) return undefined;
    const factor = Math.round((result.width / result.sourceWidth) * 2) / 2;
    return factor === nativeScale(model, models) ? undefined : factor;
  }
  return settings.scale !== nativeScale(model, models) ? settings.scale : undefined;
}

/** "40 ms" under a second, "2.6 s" above. */
export function formatDuration(ms: number): string {
  return Math.round(ms) < 1000 ? t("units.ms", { value: Math.max(1, Math.round(ms)) }) : t("units.s", { value: (ms / 1000).toFixed(1) });
}

/** What the status line calls the pages on screen: "Vol 1, page 3 of 24" ("pages 3–4") in a
 *  book, where inner paths say little; the file's name in a folder. */
export function pageLabel(location: { kind: string; title: string }, name: string, group: number[], count: number): string {
  if (location.kind !== "book" || group.length === 0) return name;
  const first = group[0] + 1;
  const last = group[group.length - 1] + 1;
  return first === last ? t("status.pageOf", { title: location.title, page: first, count }) : t("status.pagesOf", { title: location.title, first, last, count });
}

/** Why a page is damaged, without the file's name when the engine's message starts with it
 *  ("…/p01.png is damaged or truncated. Detail: the PNG ends early"): the line names the page once. */
export function problemReason(message: string, fileName?: string): string {
  const subject = message.indexOf(" is ");
  if (!fileName || subject < 0 || !message.slice(0, subject).endsWith(fileName)) return message;
  const predicate = message.slice(subject + " is ".length);
  const detail = "damaged or truncated. Detail: ";
  return predicate.startsWith(detail) ? predicate.slice(detail.length) : `it is ${predicate}`;
}

/** Pages above SRView's limits; their message gives the size and the limit. */
const TOO_LARGE = ["image_too_large", "too_many_frames", "file_too_large"];

export function statusLine(page: PageStatus): StatusLine {
  const parts = [page.name];
  const name = page.name;
  const problem = page.problem;
  // In English the engine's message is the reason; another language has its own sentence for
  // the kind, which names the file, and the message as the detail.
  if (problem && currentLanguage() !== "en") return { text: describeErrorPayload(problem.kind, problem.message), bad: true };
  if (problem && TOO_LARGE.includes(problem.kind)) return { text: t("status.tooLarge", { message: problem.message }), bad: true };
  if (problem) return { text: t("status.damaged", { name, reason: problemReason(problem.message, page.fileName) }), bad: true };
  if (page.failure) return { text: t("status.failure", { name, failure: page.failure }), bad: true };
  if (!page.upscaling) return { text: t(page.preview ? "status.notUpscalingPreview" : "status.notUpscaling", { name }), bad: false };
  const preview = page.preview ? ` · ${t("status.preview")}` : "";
  if (page.showingOriginal) {
    const size = page.result ? { width: page.result.sourceWidth, height: page.result.sourceHeight } : page.originalSize;
    return { text: (size ? t("status.showingOriginalSize", { name, ...size }) : t("status.showingOriginal", { name })) + preview, bad: false };
  }
  parts.push(page.scale === undefined ? modelShortName(page.model) : modelWithScale(page.model, page.scale));
  if (page.rule) parts.push(t("status.rule", { rule: page.rule }));
  if (page.result) {
    const r = page.result;
    const duration = formatDuration(r.computeMs);
    parts.push(r.computedNow ? t("status.computedIn", { duration }) : r.preloaded ? t("status.preloaded", { duration }) : t("status.fromCache"));
    parts.push(`${r.sourceWidth}×${r.sourceHeight} → ${r.width}×${r.height} ${r.format} ${formatBytes(r.bytes)}`);
    return { text: parts.join(" · "), bad: false, source: r.computedNow ? "computed" : "cache" };
  }
  if (page.skipped) return { text: t("status.skipped", { name, reason: page.skipped }) + preview, bad: false };
  if (page.preview) parts.push(t("status.preview"));
  if (page.progress) {
    parts.push(`${describeProgress(page.progress)}…`);
    return { text: parts.join(" · "), bad: false };
  }
  parts.push(page.waitingForEngine ? t("status.waitingForEngine") : t("status.waiting"));
  return { text: parts.join(" · "), bad: false };
}
