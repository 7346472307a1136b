// Keyboard shortcuts. None fires while the reader types in a field; Escape always leaves the
// field and closes the panels.

export type KeyActions = Record<string, () => void>;

/** Whether keys go to a form field rather than the viewer (checkboxes and buttons do not count). */
export function isTyping(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "range"].includes(target.type);
  return target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement || (target instanceof HTMLElement && target.isContentEditable);
}

/** The action for a key event: single characters case-insensitively, others by name; the space
 *  bar is "Space", and "Shift+Space" with Shift. */
export function actionFor(
  event: Pick<KeyboardEvent, "key" | "target" | "ctrlKey" | "altKey" | "metaKey"> & { shiftKey?: boolean },
  actions: KeyActions,
): (() => void) | null {
  if (event.key === "Escape") return actions.Escape ?? null;
  if (isTyping(event.target) || event.altKey || event.metaKey) return null;
  const key = event.key === " " ? "Space" : event.key;
  const name = key.length === 1 ? key.toLowerCase() : event.shiftKey && key === "Space" ? "Shift+Space" : key;
  return actions[event.ctrlKey ? `Ctrl+${name}` : name] ?? null;
}

export function bindKeys(target: Window, actions: KeyActions): void {
  target.addEventListener("keydown", (event) => {
    const action = actionFor(event, actions);
    if (!action) return;
    event.preventDefault();
    action();
  });
}
