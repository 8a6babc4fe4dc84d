import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareText } from "./compare-text.js";

const collator = new Intl.Collator("en");
const sign = (value: number) => Math.sign(value);
const printable = Array.from({ length: 0x7f - 0x20 }, (_, index) => String.fromCharCode(0x20 + index));

describe("compareText", () => {
  it("orders every pair of printable ASCII characters as the collator does", () => {
    for (const a of printable) for (const b of printable) expect([a, b, sign(compareText(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
  });

  it("orders every pair of two-character texts over letters of both cases, digits and punctuation as the collator does", () => {
    const alphabet = ["a", "A", "b", "B", "z", "Z", "0", "9", "-", "_", ".", " ", "/", ":"];
    const texts = alphabet.flatMap((first) => ["", ...alphabet].map((second) => first + second));
    for (const a of texts) for (const b of texts) expect([a, b, sign(compareText(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
  });

  it("agrees with the collator on random texts, printable ASCII or not", () => {
    const ascii = fc.string({ unit: fc.constantFrom(...printable), maxLength: 12 });
    // Ids and URLs that differ late and by case, as real ones do.
    const idLike = fc.tuple(fc.constantFrom("TLS-", "tls://", "CERT-", "osc-", "Web-"), ascii).map(([prefix, rest]) => prefix + rest);
    const anything = fc.string({ unit: "grapheme", maxLength: 8 });
    const text = fc.oneof(
      ascii,
      idLike,
      anything,
      fc.tuple(ascii, anything).map(([x, y]) => x + y),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareText(a, b))).toBe(sign(collator.compare(a, b)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("sorts a mixed list into an order the collator agrees with", () => {
    const list = fc.sample(fc.string({ unit: fc.constantFrom(...printable, "é", "ß", "\u00ad", "Å"), maxLength: 10 }), { numRuns: 3_000, seed: 7 });
    const sorted = [...list].sort(compareText);
    for (let index = 1; index < sorted.length; index++) expect(collator.compare(sorted[index - 1] as string, sorted[index] as string)).toBeLessThanOrEqual(0);
  });
});
