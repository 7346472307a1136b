// How things are shown: the panel that is open, original or upscaled, the compare slider.
import type { AppState, PanelName, ViewState } from "../app/state";
import type { Store } from "../app/store";

export class ViewController {
  constructor(private readonly store: Store<AppState>) {}

  private set(change: Partial<ViewState>): void {
    this.store.update((s) => ({ view: { ...s.view, ...change } }));
  }

  togglePanel(name: PanelName): void {
    this.set({ panel: this.store.state.view.panel === name ? null : name });
  }

  openPanel(name: PanelName): void {
    this.set({ panel: name });
  }

  /** Closes the panels and the go-to-page field. */
  closePanels(): void {
    this.set({ panel: null, goingTo: false });
  }

  toggleGoTo(): void {
    this.set({ goingTo: !this.store.state.view.goingTo, panel: null });
  }

  toggleOriginal(): void {
    this.set({ showingOriginal: !this.store.state.view.showingOriginal });
  }

  toggleCompare(): void {
    this.set({ comparing: !this.store.state.view.comparing });
  }

  alert(message: string): void {
    this.set({ alert: message });
  }

  notice(message: string): void {
    this.set({ notice: message });
  }
}
