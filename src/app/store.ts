// A small store: one state object, replaced (never mutated) by `update`, and listeners told of
// each change. An update made by a listener is queued, not nested: every listener sees the
// states in order and the last one last.

export type Listener<S> = (state: S, previous: S) => void;

interface Subscription<S> {
  listener: Listener<S>;
  /** The last state this listener was given. */
  seen: S;
}

export class Store<S extends object> {
  private subscriptions: Subscription<S>[] = [];
  private notifying = false;

  constructor(private current: S) {}

  get state(): S {
    return this.current;
  }

  /** Replaces the fields `change` gives (a patch, or a function of the state returning one). */
  update(change: Partial<S> | ((state: S) => Partial<S>)): void {
    const patch = typeof change === "function" ? change(this.current) : change;
    if (Object.keys(patch).every((key) => Object.is(patch[key as keyof S], this.current[key as keyof S]))) return;
    this.current = { ...this.current, ...patch };
    this.notify();
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: Listener<S>): () => void {
    const subscription = { listener, seen: this.current };
    this.subscriptions.push(subscription);
    return () => (this.subscriptions = this.subscriptions.filter((s) => s !== subscription));
  }

  /**
   * Calls `listener` with what `select` picks from the state, now and whenever it changes
   * (compared field by field for arrays and plain objects, by identity otherwise).
   */
  watch<T>(select: (state: S) => T, listener: (value: T, previous: T | undefined) => void): () => void {
    let last = select(this.current);
    listener(last, undefined);
    return this.subscribe((state) => {
      const next = select(state);
      if (shallowEqual(next, last)) return;
      const previous = last;
      last = next;
      listener(next, previous);
    });
  }

  private notify(): void {
    if (this.notifying) return;
    this.notifying = true;
    try {
      let again = true;
      while (again) {
        again = false;
        for (const subscription of [...this.subscriptions]) {
          if (subscription.seen === this.current) continue;
          const previous = subscription.seen;
          subscription.seen = this.current;
          subscription.listener(this.current, previous);
          if (this.current !== subscription.seen) again = true;
        }
      }
    } finally {
      this.notifying = false;
    }
  }
}

export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  if (!isPlain(a) || !isPlain(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
