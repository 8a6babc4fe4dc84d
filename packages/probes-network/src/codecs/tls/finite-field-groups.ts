/**
 * Judging a server's finite-field Diffie-Hellman group: is it one of the published safe groups
 * (RFC 7919 ffdhe, RFC 3526 MODP), and if not, is its prime p really prime and (p−1)/2 too.
 */
import { getDiffieHellman, randomBytes } from "node:crypto";

/** The RFC 7919 primes (all with generator 2), as hexadecimal. */
const FFDHE_PRIMES: Readonly<Record<string, readonly string[]>> = {
  ffdhe2048: [
    "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9",
    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935",
    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb",
    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61",
    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa",
    "886b423861285c97ffffffffffffffff",
  ],
  ffdhe3072: [
    "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9",
    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935",
    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb",
    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61",
    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa",
    "886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c",
    "aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d",
    "abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b66c62e37ffffffffffffffff",
  ],
  ffdhe4096: [
    "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9",
    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935",
    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb",
    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61",
    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa",
    "886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c",
    "aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d",
    "abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb",
    "7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832",
    "a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf",
    "8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e655f6affffffffffffffff",
  ],
  ffdhe6144: [
    "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9",
    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935",
    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb",
    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61",
    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa",
    "886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c",
    "aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d",
    "abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb",
    "7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832",
    "a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf",
    "8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6",
    "3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477",
    "a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4",
    "763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c",
    "d72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04",
    "5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329cd0e40e65ffffffffffffffff",
  ],
  ffdhe8192: [
    "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9",
    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935",
    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb",
    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61",
    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa",
    "886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c",
    "aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d",
    "abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb",
    "7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832",
    "a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf",
    "8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6",
    "3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477",
    "a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4",
    "763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c",
    "d72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04",
    "5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329ccff46aaa36ad004cf600c838",
    "1e425a31d951ae64fdb23fcec9509d43687feb69edd1cc5e0b8cc3bdf64b10ef86b63142a3ab8829555b2f747c932665",
    "cb2c0f1cc01bd70229388839d2af05e454504ac78b7582822846c0ba35c35f5c59160cc046fd8251541fc68c9c86b022",
    "bb7099876a460e7451a8a93109703fee1c217e6c3826e52c51aa691e0e423cfc99e9e31650c1217b624816cdad9a95f9",
    "d5b8019488d9c0a0a1fe3075a577e23183f81d4a3f2fa4571efc8ce0ba8a4fe8b6855dfe72b0a66eded2fbabfbe58a30",
    "fafabe1c5d71a87e2f741ef8c1fe86fea6bbfde530677f0d97d11d49f7a8443d0822e506a9f4614e011e2a94838ff88c",
    "d68c8bb7c5c6424cffffffffffffffff",
  ],
};

/** The RFC 3526 MODP groups by the names Node's OpenSSL knows them under (all with generator 2). */
const MODP_GROUPS: Readonly<Record<string, string>> = {
  modp1536: "modp5",
  modp2048: "modp14",
  modp3072: "modp15",
  modp4096: "modp16",
  modp6144: "modp17",
  modp8192: "modp18",
};

let knownGroups: ReadonlyMap<bigint, string> | null = null;

/** The published safe groups (all with generator 2), name by prime; built on first use. */
export function publishedSafeGroups(): ReadonlyMap<bigint, string> {
  if (knownGroups) return knownGroups;
  const groups = new Map<bigint, string>();
  for (const [name, lines] of Object.entries(FFDHE_PRIMES)) groups.set(BigInt(`0x${lines.join("")}`), name);
  for (const [name, openSslName] of Object.entries(MODP_GROUPS)) groups.set(BigInt(`0x${getDiffieHellman(openSslName).getPrime("hex")}`), name);
  knownGroups = groups;
  return groups;
}

/**
 * The name of the published safe group (`ffdhe2048` … `ffdhe8192`, `modp1536` … `modp8192`) whose
 * prime is `prime`, or null. A published prime with a generator other than 2 is not that group.
 */
export function knownSafeGroupName(prime: bigint, generator: bigint): string | null {
  if (generator !== 2n) return null;
  return publishedSafeGroups().get(prime) ?? null;
}

/** Size of a non-negative integer in bits (0 for 0). */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let power = base % modulus;
  let rest = exponent;
  while (rest > 0n) {
    if (rest & 1n) result = (result * power) % modulus;
    power = (power * power) % modulus;
    rest >>= 1n;
  }
  return result;
}

const SMALL_PRIMES: readonly bigint[] = (() => {
  const primes: bigint[] = [];
  for (let candidate = 2; candidate < 2000; candidate++) {
    if (primes.every((prime) => candidate % Number(prime) !== 0)) primes.push(BigInt(candidate));
  }
  return primes;
})();

/**
 * A random Miller–Rabin witness in [2, candidate − 2]. Fixed witnesses would let a server choose a
 * composite built to pass them (3825123056546413051 passes every prime base up to 23).
 */
function randomWitness(candidate: bigint): bigint {
  const bytes = Math.ceil(bitLength(candidate) / 8) + 8;
  return (BigInt(`0x${randomBytes(bytes).toString("hex")}`) % (candidate - 3n)) + 2n;
}

/**
 * Probabilistic primality: trial division by the primes below 2000, then `rounds` Miller–Rabin rounds
 * with witness 2 and random witnesses (a composite passes with probability below 4^−rounds, however
 * it was built). A composite is almost always caught by trial division or the first round, so the
 * time is spent on primes: about `rounds` modular exponentiations of `bitLength(candidate)` bits.
 */
export function isProbablePrime(candidate: bigint, rounds = 8): boolean {
  if (candidate < 2n) return false;
  for (const prime of SMALL_PRIMES) {
    if (candidate === prime) return true;
    if (candidate % prime === 0n) return false;
  }
  let oddPart = candidate - 1n;
  let twos = 0;
  while ((oddPart & 1n) === 0n) {
    oddPart >>= 1n;
    twos++;
  }
  witnesses: for (let round = 0; round < Math.max(1, rounds); round++) {
    const witness = round === 0 ? 2n : randomWitness(candidate);
    let x = modPow(witness, oddPart, candidate);
    if (x === 1n || x === candidate - 1n) continue;
    for (let square = 1; square < twos; square++) {
      x = (x * x) % candidate;
      if (x === candidate - 1n) continue witnesses;
    }
    return false;
  }
  return true;
}

/** How a DH prime was judged. */
export type DhPrimeVerdict = {
  /** The published safe group it is, or null. */
  readonly knownGroup: string | null;
  /** p passed the primality test; true for a published group; null when too large to test. */
  readonly prime: boolean | null;
  /** p and (p−1)/2 both passed; null when p is not prime or is too large to test. */
  readonly safePrime: boolean | null;
};

/** Unpublished primes above this size are not tested: two tests of an 8192-bit number take about ten seconds. */
export const MAX_TESTED_PRIME_BITS = 4096;

/**
 * Judges a server's DH group. Published groups are recognised by value and not tested; anything
 * else is tested with {@link isProbablePrime}: first p, then (p−1)/2 (about a quarter of a second
 * at 2048 bits, two seconds at 4096; larger unpublished primes are left untested).
 *
 * @example
 * ```ts
 * judgeDhPrime(p, 2n); // { knownGroup: "ffdhe2048", prime: true, safePrime: true }
 * ```
 */
export function judgeDhPrime(prime: bigint, generator: bigint, rounds = 8): DhPrimeVerdict {
  const knownGroup = knownSafeGroupName(prime, generator);
  if (knownGroup) return { knownGroup, prime: true, safePrime: true };
  if (bitLength(prime) > MAX_TESTED_PRIME_BITS) return { knownGroup: null, prime: (prime & 1n) === 0n ? false : null, safePrime: null };
  if (!isProbablePrime(prime, rounds)) return { knownGroup: null, prime: false, safePrime: null };
  return { knownGroup: null, prime: true, safePrime: isProbablePrime((prime - 1n) / 2n, rounds) };
}
