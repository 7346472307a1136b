// Opening a file, folder or book (from the command line, a dialog, a drop, the books panel),
// and saving the page on screen upscaled.
import { describeError, type DesktopApi, type PagesApi } from "../api";
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import { Latest } from "../state/requests";
import { toUpscaleOptions } from "../state/settings";
import type { ReadingController } from "./reading";
import type { ViewController } from "./view";
import { t } from "../i18n/i18n";

export class LocationController {
  private opening = new Latest();

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<PagesApi, "open" | "saveAs">,
    private readonly desktop: Pick<DesktopApi, "pick">,
    private readonly reading: Pick<ReadingController, "open">,
    private readonly view: Pick<ViewController, "openPanel" | "alert" | "notice">,
    /** What the open dialog offers. */
    private readonly openable: string[],
  ) {}

  async open(path: string): Promise<void> {
    const ticket = this.opening.next();
    this.setOpening(nameOf(path));
    try {
      const opened = await this.api.open(path);
      // A location opened after this one, while this one was being listed, wins.
      if (!this.opening.isLatest(ticket)) return;
      this.reading.open(opened);
      this.setOpening(null);
      if (opened.images.length === 0 && opened.books.length > 0) this.view.openPanel("books");
    } catch (e) {
      if (!this.opening.isLatest(ticket)) return;
      this.setOpening(null);
      this.view.alert(describeError(e));
    }
  }

  private setOpening(name: string | null): void {
    this.store.update((s) => ({ reading: { ...s.reading, opening: name } }));
  }

  async pickAndOpen(directory: boolean): Promise<void> {
    const picked = await this.desktop.pick(directory, this.openable);
    if (picked) await this.open(picked);
  }

  /** Saves the page on screen, upscaled with the current settings, where the user picks. */
  async saveAs(): Promise<void> {
    const state = this.store.state;
    const id = state.reading.onScreen[0];
    if (id === undefined || !state.engine.report) return;
    try {
      const target = await this.api.saveAs(id, toUpscaleOptions(state.settings));
      if (target) this.view.notice(t("status.saved", { path: target }));
    } catch (e) {
      this.view.alert(t("status.couldNotSave", { error: describeError(e) }));
    }
  }
}

/** A path's last part, as the reader knows it. */
export function nameOf(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() || path;
}
