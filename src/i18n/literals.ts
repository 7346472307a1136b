// Finds text a reader would see that is written in code rather than taken from the catalogue:
// the check behind src/i18n/catalogue.test.ts, kept apart so the test can plant a literal.

/** Proper names that stay as they are in every language. */
export const PROPER_NAMES = ["SRView", "WebP", "PNG", "JPEG", "sr_vulkan", "Python", "onnxruntime"];

const ANY_LITERAL = String.raw`(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\`(?:[^\`\\]|\\.)*\`)`;
const LITERAL = `(${ANY_LITERAL})`;

/** Where a literal lands in front of the reader. */
const VISIBLE = [
  // Properties and attributes the reader sees (set, or given to el()).
  new RegExp(String.raw`\b(?:textContent|innerText|innerHTML|title|placeholder|alt|label|ariaLabel)\s*(?:=|:)\s*${LITERAL}`, "g"),
  new RegExp(String.raw`setAttribute\(\s*"(?:title|aria-label|placeholder|alt)"\s*,\s*${LITERAL}`, "g"),
  // Text nodes and messages.
  new RegExp(String.raw`\b(?:append|prepend|replaceChildren|createTextNode|alert|notice|confirm)\(\s*${LITERAL}`, "g"),
  new RegExp(String.raw`\b(?:alert|notice|text|error|failure|message|name):\s*${LITERAL}`, "g"),
  // [value, label] choices and [term, value] rows.
  new RegExp(String.raw`\[\s*${ANY_LITERAL}\s*,\s*${LITERAL}\s*\]`, "g"),
  new RegExp(String.raw`^\s*\[\s*${LITERAL}\s*,(?!\s*t\()`, "gm"),
];

/** The text of a literal that a reader would read: without its quotes and the proper names, and
 *  with the literals its ${…} parts give as values; empty when it has no letters. */
export function readableText(literal: string): string {
  let text = literal.slice(1, -1);
  if (literal.startsWith("`")) {
    let depth = 0;
    let out = "";
    let inner = "";
    for (let i = 0; i < text.length; i++) {
      if (depth === 0 && text[i] === "$" && text[i + 1] === "{") {
        depth = 1;
        i++;
        inner += "\u0000";
        continue;
      }
      if (depth > 0) {
        if (text[i] === "{") depth++;
        else if (text[i] === "}" && --depth === 0) continue;
        inner += text[i];
        continue;
      }
      out += text[i];
    }
    // A literal an expression gives as its value: the whole of it, a branch or a fallback.
    const values = new RegExp(String.raw`(?:\u0000|\?\?|\|\||[?:])\s*(${ANY_LITERAL})`, "g");
    const innerTexts = [...inner.matchAll(values)].map((m) => readableText(m[1]));
    text = [out, ...innerTexts].join(" ");
  }
  for (const name of PROPER_NAMES) text = text.split(name).join("");
  return /\p{L}{2,}/u.test(text) ? text : "";
}

/** The literal arguments after the first two of each el(tag, props, ...children) call. */
function elChildren(source: string): string[] {
  const found: string[] = [];
  const start = /\bel\(/g;
  for (let match = start.exec(source); match; match = start.exec(source)) {
    const args: string[] = [];
    let depth = 0;
    let current = "";
    for (let i = match.index + 3; i < source.length; i++) {
      const c = source[i];
      const quote = c === '"' || c === "'" || c === "`" ? c : null;
      if (quote) {
        let j = i + 1;
        while (j < source.length && source[j] !== quote) j += source[j] === "\\" ? 2 : 1;
        current += source.slice(i, j + 1);
        i = j;
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) break;
        depth--;
      }
      if (c === "," && depth === 0) {
        args.push(current.trim());
        current = "";
      } else current += c;
    }
    args.push(current.trim());
    for (const arg of args.slice(2)) if (/^["'`]/.test(arg) && /["'`]$/.test(arg)) found.push(arg);
  }
  return found;
}

/** Each literal in TypeScript `source` that puts words in front of the reader. */
export function visibleLiterals(source: string): string[] {
  const code = source.replace(/^\s*(?:\/\/|\*|\/\*).*$/gm, "");
  const literals: string[] = [];
  for (const pattern of VISIBLE) {
    for (const match of code.matchAll(pattern)) literals.push(...match.slice(1).filter((m): m is string => m !== undefined));
  }
  literals.push(...elChildren(code));
  return [...new Set(literals.map(readableText).filter((text) => text !== ""))];
}

const VOID = new Set(["meta", "link", "input", "img", "br", "hr", "path", "rect", "circle", "ellipse", "line", "polyline", "source"]);

/** Text and labelling attributes of `html` that carry no data-i18n key. */
export function untranslatedHtml(html: string): string[] {
  const problems: string[] = [];
  const stack: { tag: string; attributes: string }[] = [];
  const token = /<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>|([^<]+)/g;
  const body = html.replace(/<!--[\s\S]*?-->/g, "").replace(/<!doctype[^>]*>/i, "");
  for (const [, closing, tag, attributes, selfClosing, text] of body.matchAll(token)) {
    if (text !== undefined) {
      const top = stack[stack.length - 1];
      if (!top || ["script", "style", "title"].includes(top.tag)) continue;
      if (readableText(`"${text.trim()}"`) && !/\bdata-i18n=/.test(top.attributes)) problems.push(`<${top.tag}> text "${text.trim()}"`);
      continue;
    }
    if (closing) {
      stack.pop();
      continue;
    }
    for (const [, name, value] of attributes.matchAll(/\b(title|aria-label|placeholder|alt)="([^"]*)"/g)) {
      if (readableText(`"${value}"`) && !new RegExp(`\\bdata-i18n-${name}=`).test(attributes)) problems.push(`<${tag}> ${name}="${value}"`);
    }
    if (!selfClosing && !VOID.has(tag.toLowerCase())) stack.push({ tag: tag.toLowerCase(), attributes });
  }
  return problems;
}
