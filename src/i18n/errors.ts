// The engine's errors, {kind, message}, as a reader of the current language sees them: in
// English the engine's own message; otherwise a translated sentence for the kind, naming the
// file, book or model the message names and the numbers it gives, followed by a detail only
// where the message holds more than the sentence says (what a library said, a path, a fix).
import { currentLanguage, t } from "./i18n";

/** Where each kind's message (core's `SrError` Display, src-tauri/crates/core/src/error.rs)
 *  names its subject, its numbers and its detail: named groups, handed to the sentence
 *  (`errors.<kind>`); `detail` is shown after it. */
const PATTERNS: Record<string, RegExp> = {
  python_unavailable: /^Python is not available: (?<detail>[\s\S]+)$/,
  sr_vulkan_missing: /^sr_vulkan is not importable: (?<detail>[\s\S]+)$/,
  model_package_missing: /^model (?<subject>.+?) needs the package (?<package>\S+), which is not installed\. Fix: (?<detail>[\s\S]+)$/,
  unknown_model: /^unknown model `(?<subject>[^`]+)`/,
  models_dir_missing: /^the models folder (?<subject>.+) does not exist$/,
  custom_model_broken: /^(?<subject>.+?) cannot be used: (?<detail>[\s\S]+)$/,
  bad_model_output: /^(?<subject>.+?) gave an unusable result: (?<detail>[\s\S]+)$/,
  unsupported_on_cpu: /^(?<subject>.+?) does not run in CPU mode/,
  invalid_option: /^invalid option: (?<detail>[\s\S]+)$/,
  input_not_found: /^no such file: (?<subject>.+)$/,
  not_an_image: /^(?<subject>.+) is not an image that SRView can read$/,
  corrupt_image: /^(?<subject>.+?) is damaged or truncated\. Detail: (?<detail>[\s\S]+)$/,
  image_too_large: /^(?<subject>.+) is (?<size>\d+×\d+.*?) pixels \((?<pixels>[^)]+)\), above the limit of (?<limit>.+)$/,
  too_many_frames: /^(?<subject>.+) has (?<frames>\d+) frames, above the limit of (?<limit>\d+)$/,
  file_too_large: /^(?<subject>.+) is (?<bytes>\d+) bytes, above the limit of (?<limit>\d+) bytes$/,
  skipped: /^not upscaled: (?<detail>[\s\S]+)$/,
  upscale_failed: /Detail: sr_vulkan failed: (?<detail>[\s\S]+)$/,
  timeout: /^the request timed out after (?<seconds>[\d.]+) s$/,
  engine_unavailable: /^the upscale engine is not running: (?<detail>[\s\S]+)$/,
  corrupt_archive: /^(?<subject>.+?) is damaged, or is not a book SRView can read\. Detail: (?<detail>[\s\S]+)$/,
  damaged_book: /^(?<subject>.+?) is damaged: (?<detail>[\s\S]+)$/,
  unsupported_compression: /^(?<subject>.+) uses (?<method>.+) compression, which SRView cannot read$/,
  missing_volume: /^(?<subject>.+) is split into volumes, and the volume (?<volume>.+) is missing$/,
  encrypted: /^(?<subject>.+) is password-protected; /,
  no_pages: /^(?<subject>.+) holds no images$/,
  pdf_cut_short: /^(?<subject>.+) is cut short: /,
  too_many_pages: /^(?<subject>.+) has (?<pages>\d+) pages, above the limit of (?<limit>\d+)$/,
  unpacks_too_large: /^(?<subject>.+?) holds data that unpacks to more than (?<limit>\d+) bytes/,
  would_overwrite_source: /^refusing to overwrite the source image (?<subject>.+)$/,
  output_exists: /^(?<subject>.+) already exists; /,
  cache_root_refused: /^(?<subject>.+?) cannot be SRView's cache folder: (?<detail>[\s\S]+)$/,
  io: /^SRView could not read or write (?<subject>.+?)\. Detail: (?<detail>[\s\S]+)$/,
  python: /Detail:\n?(?<detail>[\s\S]+)$/,
  out_of_memory: /Detail: (?<detail>[\s\S]+)$/,
  internal: /Detail: internal error: (?<detail>[\s\S]+)$/,
  ipc: /^(?<detail>[\s\S]+)$/,
};

/** The file, book or model an error's message names, if its kind names one. */
export function errorSubject(kind: string, message: string): string | null {
  return PATTERNS[kind]?.exec(message)?.groups?.subject ?? null;
}

/** The sentence for an error of `kind`, and the detail its message adds to it (null: none). A
 *  kind SRView has no sentence for, or a message not in its kind's form, is "Something went
 *  wrong" with the whole message as the detail. */
export function errorParts(kind: string, message: string): { sentence: string; detail: string | null } {
  const known = t(`errors.${kind}`, { defaultValue: "" });
  const pattern = PATTERNS[kind];
  const groups = pattern ? pattern.exec(message)?.groups : {};
  if (known === "" || !groups) return { sentence: t("errors.unknown"), detail: message };
  const { detail, ...values } = groups;
  return { sentence: t(`errors.${kind}`, values), detail: detail?.trim() || null };
}

/** The sentence for an error of `kind`, without the detail. */
export function errorSentence(kind: string, message: string): string {
  return errorParts(kind, message).sentence;
}

/** The whole text of an error for the reader: the engine's message in English, else the
 *  translated sentence, with the detail where the message adds one. */
export function describeErrorPayload(kind: string, message: string): string {
  if (currentLanguage() === "en") return message;
  const { sentence, detail } = errorParts(kind, message);
  return detail === null ? sentence : t("errors.detail", { sentence, detail });
}

/** Why the engine left a page as it is (the reason of a `skipped` error), in the reader's
 *  language; `rule` gives a rule's name as the reader reads it. */
export function skipReason(reason: string, rule: (name: string) => string = (name) => name): string {
  const byRule = /^the rule “(.+)” leaves this page as it is$/.exec(reason);
  if (byRule) return t("skip.rule", { rule: rule(byRule[1]) });
  const animated = /^(.+) is animated \((\d+) frames\)$/.exec(reason);
  if (animated) return t("skip.animated", { subject: animated[1], frames: animated[2] });
  const large = /^(.+) is (.+ MP), above the (.+ MP) limit$/.exec(reason);
  if (large) return t("skip.tooLarge", { subject: large[1], pixels: large[2], limit: large[3] });
  return reason;
}
