// The status line for the page on screen: short, true from the first frame, and naming the
// model. Pure, so every state is unit-tested.
import type { ErrorPayload, Phase } from "../bindings";
import { formatBytes } from "../panels/dom";
import { modelShortName } from "./models";

export interface ShownResult {
  /** True only for a result computed while this page was on screen. */
  computedNow: boolean;
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
  upscaling: boolean;
  model: string;
  /** Why the page cannot be shown: damaged, or above the limits. */
  problem?: ErrorPayload;
  failure?: string;
  skipped?: string;
  progress?: { phase: Phase; done: number; total: number; secondsLeft: number | null };
  result?: ShownResult;
  /** True before the engine has answered. */
  waitingForEngine?: boolean;
}

export interface StatusLine {
  text: string;
  bad: boolean;
  /** "cache" or "computed" once a result is shown. */
  source?: "cache" | "computed";
}

const PHASES: Record<Phase, string> = {
  cacheLookup: "looking in the cache",
  checking: "checking the image",
  queued: "waiting for the upscaler",
  computing: "upscaling",
  writing: "saving",
  done: "done",
};

/** "3/12 tiles, about 20 s left" while a page computes in tiles. */
export function describeProgress(progress: NonNullable<PageStatus["progress"]>): string {
  const phase = PHASES[progress.phase];
  if (progress.phase !== "computing" || progress.total < 2) return phase;
  const left = progress.secondsLeft !== null ? `, about ${Math.max(1, Math.round(progress.secondsLeft))} s left` : "";
  return `${phase} ${progress.done}/${progress.total} tiles${left}`;
}

/** "40 ms" under a second, "2.6 s" above. */
export function formatDuration(ms: number): string {
  return Math.round(ms) < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Pages above SRView's limits; their message gives the size and the limit. */
const TOO_LARGE = ["image_too_large", "too_many_frames", "file_too_large"];

export function statusLine(page: PageStatus): StatusLine {
  const parts = [page.name];
  if (page.problem && TOO_LARGE.includes(page.problem.kind)) return { text: `Too large to show: ${page.problem.message}`, bad: true };
  if (page.problem) return { text: `${page.name} is damaged and cannot be shown: ${page.problem.message}`, bad: true };
  if (page.failure) return { text: `${page.name}: ${page.failure}`, bad: true };
  if (!page.upscaling) return { text: `${page.name} · original · press U to upscale`, bad: false };
  parts.push(modelShortName(page.model));
  if (page.result) {
    const r = page.result;
    parts.push(r.computedNow ? `computed in ${formatDuration(r.computeMs)}` : "from cache");
    parts.push(`${r.sourceWidth}×${r.sourceHeight} → ${r.width}×${r.height} ${r.format} ${formatBytes(r.bytes)}`);
    return { text: parts.join(" · "), bad: false, source: r.computedNow ? "computed" : "cache" };
  }
  if (page.skipped) return { text: `${page.name} · not upscaled: ${page.skipped}`, bad: false };
  if (page.progress) {
    parts.push(`${describeProgress(page.progress)}…`);
    return { text: parts.join(" · "), bad: false };
  }
  parts.push(page.waitingForEngine ? "waiting for the upscaler…" : "waiting…");
  return { text: parts.join(" · "), bad: false };
}
