// What the cache panel asks before it sets a size cap: it says "Remove" only when images will go.

const MB = 1024 * 1024;

/** The confirmation for a cap of `megabytes` on a cache of `bytes`: its question and its button. */
export function capConfirmation(megabytes: number, bytes: number): { question: string; yes: string } {
  if (bytes <= megabytes * MB) return { question: `Keep the cache under ${megabytes} MB from now on? Nothing needs to be removed now.`, yes: "Set cap" };
  return { question: `Keep the cache under ${megabytes} MB from now on, removing the least recently used images first?`, yes: "Remove" };
}
