// What the cache panel asks before it sets a size cap: it says "Remove" only when images will go.
import { t } from "../i18n/i18n";

const MB = 1024 * 1024;

/** The confirmation for a cap of `megabytes` on a cache of `bytes`: its question and its button. */
export function capConfirmation(megabytes: number, bytes: number): { question: string; yes: string } {
  if (bytes <= megabytes * MB) return { question: t("cache.capAskNothingGoes", { mb: megabytes }), yes: t("cache.setCap") };
  return { question: t("cache.capAsk", { mb: megabytes }), yes: t("cache.remove") };
}
