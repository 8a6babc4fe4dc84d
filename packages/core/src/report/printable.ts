/** Text a server sent, made safe for a terminal or a document a person reads. */

// C0 and C1 control characters (ESC, CSI, BEL…) and the Unicode direction overrides that reorder
// what a reader sees (CVE-2021-42574): a server must not clear the screen, retitle the window or
// print lines that look like hardcheck's own.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escapes control characters and direction overrides as `\xNN` / `\uNNNN`; everything else is kept.
 *
 * @example
 * ```ts
 * printable("220 mail\u001b[2J"); // "220 mail\\x1b[2J"
 * ```
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** A copy of `value` with {@link printable} applied to every string and object key in it. */
export function printableDeep<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableDeep(item)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [printable(key), printableDeep(item)])) as T;
  }
  return value;
}
