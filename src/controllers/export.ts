// The export: started from the Export panel, it runs on with the panel closed; its progress
// and result stay in the state until the next export starts.
import type { ExportEvent, ExportRequest } from "../bindings";
import { describeError, type ExportApi } from "../api";
import type { AppState, ExportState } from "../app/state";
import type { Store } from "../app/store";

export class ExportController {
  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<ExportApi, "start" | "cancel">,
  ) {}

  private set(change: Partial<ExportState>): void {
    this.store.update((s) => ({ exporting: { ...s.exporting, ...change } }));
  }

  get running(): boolean {
    return this.store.state.exporting.phase === "running";
  }

  async start(request: ExportRequest): Promise<void> {
    if (this.running) return;
    this.set({ phase: "running", progress: null, current: null, summary: null, error: null, seen: false });
    const onEvent = ({ page, progress }: ExportEvent) => this.set({ progress, current: page.input });
    try {
      const summary = await this.api.start(request, onEvent);
      this.set({ phase: "done", summary });
    } catch (e) {
      this.set({ phase: "failed", error: describeError(e) });
    } finally {
      if (this.store.state.view.panel === "export") this.seen();
    }
  }

  cancel(): void {
    this.api.cancel();
  }

  /** The reader has seen the result in the panel: the status line lets it go. */
  seen(): void {
    if (!this.running && !this.store.state.exporting.seen) this.set({ seen: true });
  }
}
