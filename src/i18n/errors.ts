// The engine's errors, {kind, message}, as a reader of the current language sees them: in
// English the engine's own message; otherwise a translated sentence for the kind, naming the
// file, book or model the message names, followed by the message as the detail.
import { currentLanguage, t } from "./i18n";

/** Where each kind's message (core's `SrError` Display, src-tauri/crates/core/src/error.rs)
 *  names its subject. */
const SUBJECTS: Record<string, RegExp> = {
  unknown_model: /^unknown model `([^`]+)`/,
  models_dir_missing: /^the models folder (.+) does not exist$/,
  custom_model_broken: /^(.+?) cannot be used: /,
  bad_model_output: /^(.+?) gave an unusable result: /,
  unsupported_on_cpu: /^(.+?) does not run in CPU mode/,
  input_not_found: /^no such file: (.+)$/,
  not_an_image: /^(.+) is not an image that SRView can read$/,
  corrupt_image: /^(.+?) is damaged or truncated\. Detail: /,
  image_too_large: /^(.+) is \d+×\d+/,
  too_many_frames: /^(.+) has \d+ frames, above the limit/,
  file_too_large: /^(.+) is \d+ bytes, above the limit/,
  corrupt_archive: /^(.+?) is damaged, or is not a book SRView can read\./,
  damaged_book: /^(.+?) is damaged: /,
  unsupported_compression: /^(.+) uses .+ compression, which SRView cannot read$/,
  missing_volume: /^(.+) is split into volumes, and the volume/,
  encrypted: /^(.+) is password-protected; /,
  no_pages: /^(.+) holds no images$/,
  pdf_cut_short: /^(.+) is cut short: /,
  too_many_pages: /^(.+) has \d+ pages, above the limit/,
  unpacks_too_large: /^(.+?) holds data that unpacks to more than/,
  would_overwrite_source: /^refusing to overwrite the source image (.+)$/,
  output_exists: /^(.+) already exists; /,
  cache_root_refused: /^(.+?) cannot be SRView's cache folder: /,
  io: /^SRView could not read or write (.+?)\. Detail: /,
};

/** The file, book or model an error's message names, if its kind names one. */
export function errorSubject(kind: string, message: string): string | null {
  return SUBJECTS[kind]?.exec(message)?.[1] ?? null;
}

/** The sentence for an error of `kind`, without the detail. */
export function errorSentence(kind: string, message: string): string {
  const subject = errorSubject(kind, message);
  const known = t(`errors.${kind}`, { defaultValue: "" });
  if (known === "" || (SUBJECTS[kind] && subject === null)) return t("errors.unknown");
  return t(`errors.${kind}`, { subject });
}

/** The whole text of an error for the reader: the engine's message in English, else the
 *  translated sentence and the message as the detail. */
export function describeErrorPayload(kind: string, message: string): string {
  if (currentLanguage() === "en") return message;
  return t("errors.detail", { sentence: errorSentence(kind, message), detail: message });
}
