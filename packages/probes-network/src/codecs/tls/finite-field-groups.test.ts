import { getDiffieHellman } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bitLength, isProbablePrime, judgeDhPrime, knownSafeGroupName, publishedSafeGroups } from "./finite-field-groups.js";

const modp = (name: string) => BigInt(`0x${getDiffieHellman(name).getPrime("hex")}`);

/** p from a DH PARAMETERS PEM of the probe's lab fixtures (DER SEQUENCE { INTEGER p, INTEGER g }). */
function primeOf(fixture: string): bigint {
  const pem = readFileSync(new URL(`../../tls-versions-suites/fixtures/${fixture}`, import.meta.url), "utf8");
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s/g, ""), "base64");
  let offset = der[1] === 0x82 ? 4 : der[1] === 0x81 ? 3 : 2;
  if (der[offset] !== 0x02) throw new Error("not a DH PARAMETERS sequence");
  offset++;
  const lengthByte = der[offset] as number;
  const length = lengthByte === 0x82 ? der.readUInt16BE(offset + 1) : lengthByte === 0x81 ? (der[offset + 1] as number) : lengthByte;
  const start = offset + (lengthByte === 0x82 ? 3 : lengthByte === 0x81 ? 2 : 1);
  return BigInt(`0x${der.subarray(start, start + length).toString("hex")}`);
}

describe("isProbablePrime", () => {
  it.each([
    [2n, true],
    [1999n, true],
    [2003n, true],
    [1n, false],
    [0n, false],
    [2001n, false],
    // Carmichael numbers: Fermat liars for every coprime base, caught by Miller–Rabin.
    [561n, false],
    [41041n, false],
    [3215031751n, false],
    // A strong pseudoprime to base 2 (2047 = 23 · 89 is caught by trial division; this one is not).
    [3825123056546413051n, false],
    [2n ** 127n - 1n, true],
    [2n ** 89n - 1n, true],
  ])("%s → %s", (candidate, expected) => {
    expect(isProbablePrime(candidate)).toBe(expected);
  });
});

describe("judgeDhPrime", () => {
  it("recognises the RFC 3526 and RFC 7919 groups by value, only with generator 2", () => {
    expect(knownSafeGroupName(modp("modp14"), 2n)).toBe("modp2048");
    expect(knownSafeGroupName(modp("modp18"), 2n)).toBe("modp8192");
    expect(knownSafeGroupName(modp("modp14"), 5n)).toBeNull();
    expect(judgeDhPrime(modp("modp5"), 2n)).toEqual({ knownGroup: "modp1536", prime: true, safePrime: true });
    // ffdhe2048 (RFC 7919 appendix A.1) begins with 64 one-bits and then the digits of e.
    const ffdhe2048 = [...publishedSafeGroups()].find(([, name]) => name === "ffdhe2048")?.[0];
    expect(ffdhe2048 && bitLength(ffdhe2048)).toBe(2048);
    expect(ffdhe2048?.toString(16).slice(0, 24)).toBe("ffffffffffffffffadf85458");
  });

  it("tests an unpublished safe prime: p and (p−1)/2 prime", () => {
    expect(judgeDhPrime(primeOf("dh2048-safe.pem"), 2n)).toEqual({ knownGroup: null, prime: true, safePrime: true });
    expect(judgeDhPrime(primeOf("dh1024-safe.pem"), 2n)).toEqual({ knownGroup: null, prime: true, safePrime: true });
    // A published prime under another generator is tested like any other and is still a safe prime.
    expect(judgeDhPrime(modp("modp14"), 5n)).toEqual({ knownGroup: null, prime: true, safePrime: true });
  });

  it("fails a composite 2048-bit modulus (product of two 1024-bit primes)", () => {
    const composite = primeOf("dh2048-composite.pem");
    expect(bitLength(composite)).toBe(2048);
    expect(judgeDhPrime(composite, 2n)).toEqual({ knownGroup: null, prime: false, safePrime: null });
  });

  it("fails a 2048-bit prime whose (p−1)/2 is composite", () => {
    expect(judgeDhPrime(primeOf("dh2048-not-safe-prime.pem"), 2n)).toEqual({ knownGroup: null, prime: true, safePrime: false });
  });

  it("leaves an unpublished prime above 4096 bits untested, and an even one composite", () => {
    const large = modp("modp16") * 4n + 1n;
    expect(judgeDhPrime(large, 2n)).toEqual({ knownGroup: null, prime: null, safePrime: null });
    expect(judgeDhPrime(large + 1n, 2n)).toEqual({ knownGroup: null, prime: false, safePrime: null });
  });

  it("decides an unpublished 2048-bit group in bounded time", () => {
    const started = performance.now();
    judgeDhPrime(primeOf("dh2048-safe.pem"), 2n);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
