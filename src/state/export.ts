// How an export's progress and result read, in the Export panel and in the status line. The
// rate and the time left come from Rust, from the pages computed (not those from the cache),
// and are absent until they mean something.
import type { BatchProgress, BatchSummary } from "../bindings";
import type { ExportState } from "../app/state";
import { t } from "../i18n/i18n";
import { modelShortName } from "./models";
import { isAuto } from "./rules";

const FORMAT_NAMES: Record<string, string> = { webp: "WebP", png: "PNG", jpg: "JPEG" };

/** "With waifu2x CUNet at 2×, as WebP": the model and scale an export uses. With Automatic
 *  (rules) no scale is named: the rules choose each page's model and scale. */
export function describeExportModel(settings: { model: string; scale: number; format: string }): string {
  const format = FORMAT_NAMES[settings.format] ?? settings.format;
  if (isAuto(settings.model)) return t("export.withRules", { auto: modelShortName(settings.model), format });
  return t("export.with", { model: modelShortName(settings.model), scale: settings.scale, format });
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return t("units.s", { value: Math.max(1, Math.round(seconds)) });
  return t("units.min", { value: Math.round(seconds / 60) });
}

/** "7 / 24 pages · 3.1 pages/min · about 2 min left"; the rate and time only while it runs. */
export function describeProgress(progress: BatchProgress): string {
  const going = progress.done < progress.total;
  const perMinute = progress.pagesPerMinute;
  const rate = going && perMinute != null ? t("export.rate", { rate: perMinute.toFixed(perMinute < 10 ? 1 : 0) }) : "";
  const left = going && progress.secondsLeft != null ? t("export.left", { time: formatDuration(progress.secondsLeft) }) : "";
  return t("export.progress", { done: progress.done, total: progress.total }) + rate + left;
}

/** "Done. 6 written to /out: 4 computed, 2 from the cache, 0 already there. 12 s." */
export function describeSummary(summary: BatchSummary): string {
  if (summary.cancelled && summary.written.length === 0) return t("export.cancelledNothing");
  const where = summary.written.length > 0 ? t("export.summaryWhere", { folder: summary.written[0].replace(/\/[^/]*$/, "") }) : "";
  const head = t(summary.cancelled ? "export.cancelled" : "export.done");
  const { computed, cached, skipped } = summary;
  const kept = summary.kept > 0 ? t("export.keptPart", { count: summary.kept }) : "";
  return t("export.summary", { head, written: summary.written.length, where, computed, cached, skipped, kept, seconds: (summary.seconds ?? 0).toFixed(0) });
}

/** The status line's word on the export: while it runs, and once it ended until the panel is opened. */
export function exportIndicator(exporting: ExportState): { text: string; bad: boolean } | null {
  const { phase, progress, summary } = exporting;
  if (phase === "running") {
    if (!progress) return { text: t("export.indicatorStarting"), bad: false };
    const left = progress.secondsLeft != null ? t("export.left", { time: formatDuration(progress.secondsLeft) }) : "";
    return { text: t("export.indicatorRunning", { done: progress.done, total: progress.total, left }), bad: false };
  }
  if (exporting.seen) return null;
  if (phase === "failed") return { text: t("export.indicatorFailed"), bad: true };
  if (phase === "done" && summary) {
    const failed = summary.failures.length;
    const written = summary.written.length;
    if (summary.cancelled) return { text: written ? t("export.indicatorCancelled", { written }) : t("export.indicatorCancelledNothing"), bad: false };
    return { text: failed ? t("export.indicatorDoneFailed", { written, failed }) : t("export.indicatorDone", { written }), bad: failed > 0 };
  }
  return null;
}
