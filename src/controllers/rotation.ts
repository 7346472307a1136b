// Rotation in quarter turns (Q, or the toolbar's turn button), remembered for each book or
// folder and restored when it is opened again.
import type { AppState } from "../app/state";
import type { Store } from "../app/store";
import type { KeyValueStore } from "../state/library";

const ROTATIONS_KEY = "rotations";

/** Saved turns by location path, keeping only valid ones (90, 180, 270). */
export function normalizeRotations(raw: unknown): Record<string, number> {
  if (typeof raw !== "object" || raw === null) return {};
  return Object.fromEntries(Object.entries(raw).filter(([, degrees]) => [90, 180, 270].includes(degrees as number)));
}

export class RotationController {
  private rotations: Record<string, number> = {};

  constructor(
    private readonly store: Store<AppState>,
    private readonly saved: KeyValueStore | null,
  ) {}

  /** Reads the saved turns; each location opens turned as it was left. */
  async load(): Promise<void> {
    this.rotations = normalizeRotations(await this.saved?.get(ROTATIONS_KEY));
    this.store.watch(
      (s) => s.reading.location?.path,
      (path) => this.set(path ? this.rotations[path] ?? 0 : 0),
    );
  }

  /** A quarter turn clockwise, saved for the open location. */
  turn(): void {
    const path = this.store.state.reading.location?.path;
    if (!path) return;
    const degrees = (this.store.state.view.rotation + 90) % 360;
    this.set(degrees);
    if (degrees === 0) delete this.rotations[path];
    else this.rotations[path] = degrees;
    void this.saved?.set(ROTATIONS_KEY, { ...this.rotations });
  }

  private set(rotation: number): void {
    this.store.update((s) => ({ view: { ...s.view, rotation } }));
  }
}
