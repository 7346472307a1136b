// How an export's progress and result read, in the Export panel and in the status line. The
// rate and the time left come from Rust, from the pages computed (not those from the cache),
// and are absent until they mean something.
import type { BatchProgress, BatchSummary } from "../bindings";
import type { ExportState } from "../app/state";

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** "7 / 24 pages · 3.1 pages/min · about 2 min left"; the rate and time only while it runs. */
export function describeProgress(progress: BatchProgress): string {
  const going = progress.done < progress.total;
  const perMinute = progress.pagesPerMinute;
  const rate = going && perMinute != null ? ` · ${perMinute.toFixed(perMinute < 10 ? 1 : 0)} pages/min` : "";
  const left = going && progress.secondsLeft != null ? ` · about ${formatDuration(progress.secondsLeft)} left` : "";
  return `${progress.done} / ${progress.total} pages${rate}${left}`;
}

/** "Done. 6 written to /out: 4 computed, 2 from the cache, 0 already there. 12 s." */
export function describeSummary(summary: BatchSummary): string {
  const where = summary.written.length > 0 ? ` to ${summary.written[0].replace(/\/[^/]*$/, "")}` : "";
  const head = summary.cancelled ? "Cancelled." : "Done.";
  return `${head} ${summary.written.length} written${where}: ${summary.computed} computed, ${summary.cached} from the cache, ${summary.skipped} already there. ${(summary.seconds ?? 0).toFixed(0)} s.`;
}

/** The status line's word on the export: while it runs, and once it ended until the panel is opened. */
export function exportIndicator(exporting: ExportState): { text: string; bad: boolean } | null {
  const { phase, progress, summary } = exporting;
  if (phase === "running") {
    if (!progress) return { text: "Export starting…", bad: false };
    const left = progress.secondsLeft != null ? ` · about ${formatDuration(progress.secondsLeft)} left` : "";
    return { text: `Exporting ${progress.done} / ${progress.total}${left}`, bad: false };
  }
  if (exporting.seen) return null;
  if (phase === "failed") return { text: "Export failed", bad: true };
  if (phase === "done" && summary) {
    const failed = summary.failures.length;
    if (summary.cancelled) return { text: `Export cancelled · ${summary.written.length} written`, bad: false };
    return { text: `Export done · ${summary.written.length} written${failed ? ` · ${failed} failed` : ""}`, bad: failed > 0 };
  }
  return null;
}
