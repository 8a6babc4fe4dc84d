/**
 * One order for text everywhere hardcheck sorts it: the Unicode collation (CLDR root, as the "en"
 * locale has it), the same on every machine whatever its locale. Ids, URLs and names are nearly
 * always printable ASCII, which is ordered here directly by the collation's own weights: building
 * an ICU collator costs a run some 15 ms, so it is made only for text that needs it.
 */

/**
 * Printable ASCII in collation order, letters by their primary weight (a letter's capital sorts with
 * it). Every character here has a primary weight of its own under the default (non-ignorable)
 * setting; the test checks this table against `Intl.Collator("en")`.
 */
const PRIMARY_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/** Primary weight by character code below 128; 0 for a character the table does not order. */
const PRIMARY = (() => {
  const weights = new Uint8Array(128);
  for (let index = 0; index < PRIMARY_ORDER.length; index++) {
    const code = PRIMARY_ORDER.charCodeAt(index);
    weights[code] = index + 1;
    if (code >= 0x61 && code <= 0x7a) weights[code - 0x20] = index + 1;
  }
  return weights;
})();

let collator: Intl.Collator | undefined;

function orderedByTable(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 128 || PRIMARY[code] === 0) return false;
  }
  return true;
}

/**
 * Compares two texts in collation order: negative when `a` sorts first, positive when `b` does, 0
 * when the collation finds them equal. Gives the sign `a.localeCompare(b, "en")` gives.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  if (!orderedByTable(a) || !orderedByTable(b)) {
    collator ??= new Intl.Collator("en");
    return collator.compare(a, b);
  }
  // Primary level: the letters without case, then the shorter text first.
  const shorter = Math.min(a.length, b.length);
  for (let index = 0; index < shorter; index++) {
    const difference = (PRIMARY[a.charCodeAt(index)] as number) - (PRIMARY[b.charCodeAt(index)] as number);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  // Tertiary level: at the first letter that differs only in case, the small letter first.
  for (let index = 0; index < a.length; index++) {
    const code = a.charCodeAt(index);
    if (code !== b.charCodeAt(index)) return code >= 0x61 ? -1 : 1;
  }
  return 0;
}
