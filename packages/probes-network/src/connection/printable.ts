/** Server text as it may be quoted in transcripts and messages. */

/** A line a server sent, safe to quote: control characters escaped, at most 80 characters. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
  return text.slice(0, 80).replace(/[\x00-\x1f\x7f]/g, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
