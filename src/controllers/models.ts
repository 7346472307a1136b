// The models: their speeds on this device (measured by the engine in the background), the
// default model that follows from them until the user picks one, and the models folder.
import { describeError, type ModelsApi } from "../api";
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { withModel } from "../state/settings";
import { t } from "../i18n/i18n";

export class ModelsController {
  constructor(
    private readonly store: Store<AppState>,
    private readonly api: ModelsApi,
  ) {}

  /** Follows the speeds, and the default model with them, while the model is not the user's. */
  start(): void {
    this.api.watchSpeeds((speeds) => this.store.update((s) => ({ models: { ...s.models, speeds } })));
    this.store.watch(
      (s) => [s.models.speeds, s.settings.keepUpSeconds, s.settings.modelChosen, s.engine.listing],
      () => void this.followDefault(),
    );
  }

  private async followDefault(): Promise<void> {
    const { settings, engine } = this.store.state;
    if (settings.modelChosen || !engine.listing) return;
    try {
      const best = await this.api.defaultModel(null, settings.keepUpSeconds);
      const now = this.store.state.settings;
      if (!best || now.modelChosen || now.model === best || now.keepUpSeconds !== settings.keepUpSeconds) return;
      this.store.update((s) => ({ settings: withModel(s.settings, best, s.engine.listing?.models) }));
    } catch (e) {
      console.warn("no default model", e);
    }
  }

  /** Creates the default models folder if needed and shows its path to copy. */
  async openFolder(): Promise<void> {
    try {
      const path = await this.api.openModelsFolder();
      this.store.update((s) => ({ models: { ...s.models, folderOpened: path } }));
    } catch (e) {
      this.store.update((s) => ({ view: { ...s.view, alert: t("status.modelsFolder", { error: describeError(e) }) } }));
    }
  }
}
