// Small helpers for text shown to the reader.

/** The text with its first letter in capitals ("about 2 s" → "About 2 s"); other scripts as they are. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
