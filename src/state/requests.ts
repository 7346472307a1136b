// Which pages to upscale, in what order, and which requests to cancel when the reader moves.
// Pages are known by their id. Every request has its own id too, so the late answer of a
// cancelled request can never be mistaken for the newer request of the same page.

export type Priority = "interactive" | "background";

export interface PlannedRequest {
  page: number;
  requestId: string;
  priority: Priority;
}

export interface Plan {
  /** Requests to send, the pages on screen first. */
  start: PlannedRequest[];
  /** Request ids in flight that are no longer wanted. */
  cancel: string[];
}

interface InFlight {
  requestId: string;
  priority: Priority;
}

export class RequestTracker {
  private inFlight = new Map<number, InFlight>();
  private done = new Set<number>();
  private sequence = 0;

  /**
   * `onScreen` are the pages shown now (one, or two in a spread); `ahead` the pages to
   * preload, in reading order. Pages already done are not asked for again (until `forget`).
   */
  plan(onScreen: number[], ahead: number[]): Plan {
    const wanted = new Map<number, Priority>();
    for (const page of onScreen) wanted.set(page, "interactive");
    for (const page of ahead) if (!wanted.has(page)) wanted.set(page, "background");
    const cancel: string[] = [];
    for (const [page, request] of this.inFlight) {
      const priority = wanted.get(page);
      // A preload that is now on screen is asked for again as interactive (the backend
      // joins the same computation and raises its priority).
      if (priority === undefined || (priority === "interactive" && request.priority === "background")) {
        cancel.push(request.requestId);
        this.inFlight.delete(page);
      }
    }
    const start: PlannedRequest[] = [];
    for (const [page, priority] of wanted) {
      if (this.inFlight.has(page) || this.done.has(page)) continue;
      const requestId = `page-${page}#${++this.sequence}`;
      this.inFlight.set(page, { requestId, priority });
      start.push({ page, requestId, priority });
    }
    return { start, cancel };
  }

  /** Whether `requestId` is still the live request for `page`. */
  isCurrent(page: number, requestId: string): boolean {
    return this.inFlight.get(page)?.requestId === requestId;
  }

  /** Marks a request finished; a page `done` is not asked for again until `forget`. Returns
   *  false (and changes nothing) for a stale request. */
  finished(page: number, requestId: string, done: boolean): boolean {
    if (!this.isCurrent(page, requestId)) return false;
    this.inFlight.delete(page);
    if (done) this.done.add(page);
    return true;
  }

  /** `page` may be asked for again (a failure that can pass, seen again). */
  again(page: number): void {
    this.done.delete(page);
  }

  /** Settings changed or the cache was cleared: everything must be asked for again. */
  forget(): string[] {
    const cancel = [...this.inFlight.values()].map((r) => r.requestId);
    this.inFlight.clear();
    this.done.clear();
    return cancel;
  }

  get pending(): number {
    return this.inFlight.size;
  }
}

/** Hands out tickets so that only the latest of several overlapping operations applies. */
export class Latest {
  private current = 0;

  next(): number {
    return ++this.current;
  }

  isLatest(ticket: number): boolean {
    return ticket === this.current;
  }
}
