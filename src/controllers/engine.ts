// The engine: starting it, the models it lists (and the models folder), the device's memory
// and the live figures the engine panel shows while it is open.
import { describeError, type EngineApi } from "../api";
import type { ModelListing } from "../bindings";
import type { AppState, EngineState } from "../app/state";
import type { Store } from "../app/store";
import { usableModel, withModel } from "../state/settings";
import { t } from "../i18n/i18n";

export class EngineController {
  constructor(
    private readonly store: Store<AppState>,
    private readonly api: EngineApi,
  ) {
    // Figures are pushed only while the engine panel is open; device memory is read once, then.
    store.watch(
      (s) => s.view.panel === "gpu",
      (open, wasOpen) => {
        if (open) {
          void this.loadDeviceMemory();
          this.watchStats();
        } else if (wasOpen) {
          this.api.unwatchStats();
        }
      },
    );
  }

  private set(change: Partial<EngineState>): void {
    this.store.update((s) => ({ engine: { ...s.engine, ...change } }));
  }

  /** Waits for the engine; upscaling starts once it is ready, or says why it cannot. */
  async start(): Promise<void> {
    try {
      this.set({ report: await this.api.report() });
      this.useListing(await this.api.listModels());
      await this.api.available();
      this.set({ phase: "ready" });
    } catch (e) {
      this.set({ phase: "unavailable", error: describeError(e) });
    }
  }

  /** A new models folder, chosen in SRView's own dialog (or the default one). */
  async changeModelsDir(useDefault: boolean): Promise<void> {
    if (!this.store.state.engine.report) return;
    try {
      const listing = useDefault ? await this.api.useDefaultModelsFolder() : await this.api.chooseModelsFolder();
      if (listing) this.useListing(listing);
    } catch (e) {
      this.store.update((s) => ({ view: { ...s.view, alert: t("status.modelsFolder", { error: describeError(e) }) } }));
    }
  }

  /** Models as the engine lists them; the chosen one must still be usable (not saved: the
   *  saved choice stays for a device that runs it). */
  private useListing(listing: ModelListing): void {
    this.store.update((s) => {
      const model = usableModel(s.settings, listing.models, s.engine.report?.cpuMode ?? true);
      const settings = model === s.settings.model ? s.settings : withModel(s.settings, model, listing.models);
      return { settings, engine: { ...s.engine, listing } };
    });
  }

  private watchStats(): void {
    if (!this.store.state.engine.report) return;
    this.api.watchStats((stats) => this.set({ stats }));
  }

  private async loadDeviceMemory(): Promise<void> {
    if (this.store.state.engine.memory || !this.store.state.engine.report) return;
    try {
      this.set({ memory: await this.api.deviceMemory() });
    } catch (e) {
      console.warn("device memory unavailable", e);
    }
  }
}
