// Upscaling the pages on screen and preloading the ones ahead: request tracking, results,
// progress and the reasons a page is not upscaled, per page index.
import { Channel } from "@tauri-apps/api/core";
import type { Progress, UpscaledImage, UpscaleProgress } from "../bindings";
import { commands, CommandError, describeError, unwrap } from "../api";
import { RequestTracker, type Priority } from "../state/requests";
import { toSkipRules, toUpscaleOptions, type Settings } from "../state/settings";

export interface PageProgress extends Progress {
  /** When the page started computing (performance.now()). */
  since: number;
}

export class Upscaler {
  readonly results = new Map<number, UpscaledImage>();
  readonly failures = new Map<number, string>();
  readonly skipped = new Map<number, string>();
  readonly progress = new Map<number, PageProgress>();
  /** Pages whose result was computed while they were on screen (the rest read as cached). */
  readonly computedOnScreen = new Set<number>();
  private requests = new RequestTracker();
  /** Bumped whenever the pages or the settings change, so stale replies are dropped. */
  private generation = 0;

  constructor(
    private readonly pageId: (index: number) => number | undefined,
    private readonly onChange: (index: number) => void,
    private readonly onScreen: () => number[],
  ) {}

  get pending(): number {
    return this.requests.pending;
  }

  /** Asks for the pages on screen, then (once they are done) the ones ahead. */
  schedule(onScreen: number[], ahead: number[], settings: Settings): void {
    const screenDone = onScreen.every((i) => this.results.has(i) || this.skipped.has(i) || this.failures.has(i));
    const plan = this.requests.plan(onScreen, screenDone ? ahead.filter((i) => !this.skipped.has(i)) : []);
    this.cancel(plan.cancel);
    for (const request of plan.start) void this.upscale(request.index, request.requestId, request.priority, settings);
  }

  /** Forgets every result and request (new location, new settings, cache cleared). */
  reset(): void {
    this.cancel(this.requests.forget());
    this.generation++;
    this.results.clear();
    this.failures.clear();
    this.skipped.clear();
    this.progress.clear();
    this.computedOnScreen.clear();
  }

  /** Stops asking (upscaling turned off); results already there are kept. */
  stop(): void {
    this.cancel(this.requests.forget());
    this.generation++;
    this.progress.clear();
  }

  /** Pages that left the screen read as cached from now on. */
  leftScreen(onScreen: number[]): void {
    for (const index of [...this.computedOnScreen]) if (!onScreen.includes(index)) this.computedOnScreen.delete(index);
  }

  private cancel(ids: string[]): void {
    if (ids.length > 0) void commands.cancelUpscales(ids);
  }

  private async upscale(index: number, requestId: string, priority: Priority, settings: Settings): Promise<void> {
    const generation = this.generation;
    const live = () => generation === this.generation && this.requests.isCurrent(index, requestId);
    const id = this.pageId(index);
    if (id === undefined) return;
    const channel = new Channel<UpscaleProgress>();
    channel.onmessage = (message) => {
      if (!live()) return;
      const previous = this.progress.get(index);
      const p = message.progress;
      const since = p.phase === "computing" && previous?.phase === "computing" ? previous.since : performance.now();
      this.progress.set(index, { ...p, since });
      this.onChange(index);
    };
    let succeeded = false;
    try {
      const result = await unwrap(commands.upscalePage(requestId, id, toUpscaleOptions(settings), priority, toSkipRules(settings), channel));
      if (!live()) return;
      succeeded = true;
      this.results.set(index, result);
      this.failures.delete(index);
      if (!result.fromCache && this.onScreen().includes(index)) this.computedOnScreen.add(index);
    } catch (e) {
      if (!live() || (e instanceof CommandError && e.kind === "cancelled")) return;
      if (e instanceof CommandError && e.kind === "skipped") this.skipped.set(index, e.message.replace(/^not upscaled: /, ""));
      else this.failures.set(index, describeError(e));
    } finally {
      if (generation === this.generation && this.requests.finished(index, requestId, succeeded)) {
        this.progress.delete(index);
        this.onChange(index);
      }
    }
  }
}
