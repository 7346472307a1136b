// Which pages to upscale, in what order, and which requests to cancel when the reader moves.

export interface PlannedJob {
  index: number;
  priority: "interactive" | "background";
}

export interface Plan {
  /** Jobs to start, the current page first. */
  start: PlannedJob[];
  /** Request ids in flight that are no longer wanted. */
  cancel: string[];
}

export class PreloadQueue {
  private inFlight = new Map<string, number>();
  private done = new Set<string>();

  constructor(private readonly requestId: (index: number) => string) {}

  /** The pages wanted when `current` is on screen: it, then the next `preloadCount`. */
  wanted(current: number, count: number, preloadCount: number): number[] {
    const pages: number[] = [];
    for (let i = current; i < count && pages.length <= preloadCount; i++) pages.push(i);
    return pages;
  }

  plan(current: number, count: number, preloadCount: number, skip: (index: number) => boolean): Plan {
    const wanted = this.wanted(current, count, preloadCount).filter((i) => !skip(i));
    const wantedIds = new Set(wanted.map(this.requestId));
    const cancel = [...this.inFlight.keys()].filter((id) => !wantedIds.has(id));
    for (const id of cancel) this.inFlight.delete(id);
    const start: PlannedJob[] = [];
    for (const index of wanted) {
      const id = this.requestId(index);
      // The page on screen is always asked for (a hit is instant); preloads only once.
      if (this.inFlight.has(id) || (index !== current && this.done.has(id))) continue;
      this.inFlight.set(id, index);
      start.push({ index, priority: index === current ? "interactive" : "background" });
    }
    return { start, cancel };
  }

  /** Marks a request finished; a successful one is not planned again until `forget`. */
  finished(id: string, succeeded: boolean): void {
    this.inFlight.delete(id);
    if (succeeded) this.done.add(id);
  }

  isDone(id: string): boolean {
    return this.done.has(id);
  }

  /** Settings changed or the cache was cleared: everything must be asked for again. */
  forget(): string[] {
    const cancel = [...this.inFlight.keys()];
    this.inFlight.clear();
    this.done.clear();
    return cancel;
  }

  get pending(): number {
    return this.inFlight.size;
  }
}
