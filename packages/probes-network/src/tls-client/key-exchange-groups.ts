/**
 * Reads the key-exchange groups behind the ephemeral suites a server accepted: every finite-field DH
 * group it sends in a DHE ServerKeyExchange, and every named curve it accepts for ECDHE (TLS 1.2 and
 * older, where the ServerKeyExchange names the curve in clear text).
 */

import { cipherSuiteByCode } from "../codecs/tls/cipher-suites.js";
import { buildClientHello, type TlsVersionName } from "../codecs/tls/client-hello.js";
import { parseServerKeyExchangeGroup } from "../codecs/tls/server-flight.js";
import type { TlsStream } from "../connection/tls-stream.js";
import { exchangeHello } from "./exchange.js";

/** A named curve: its TLS name, code point and size class in bits. */
export type NamedCurve = { readonly name: string; readonly code: number; readonly bits: number };

/**
 * The elliptic curves of the TLS registry (RFC 8422, RFC 7027, RFC 8446), with their size class:
 * the bits in the curve's name; X25519 counts as 256 (RFC 7748 puts it at P-256's ~128-bit level).
 */
export const NAMED_CURVES: readonly NamedCurve[] = [
  ["sect163k1", 1, 163],
  ["sect163r1", 2, 163],
  ["sect163r2", 3, 163],
  ["sect193r1", 4, 193],
  ["sect193r2", 5, 193],
  ["sect233k1", 6, 233],
  ["sect233r1", 7, 233],
  ["sect239k1", 8, 239],
  ["sect283k1", 9, 283],
  ["sect283r1", 10, 283],
  ["sect409k1", 11, 409],
  ["sect409r1", 12, 409],
  ["sect571k1", 13, 571],
  ["sect571r1", 14, 571],
  ["secp160k1", 15, 160],
  ["secp160r1", 16, 160],
  ["secp160r2", 17, 160],
  ["secp192k1", 18, 192],
  ["secp192r1", 19, 192],
  ["secp224k1", 20, 224],
  ["secp224r1", 21, 224],
  ["secp256k1", 22, 256],
  ["secp256r1", 23, 256],
  ["secp384r1", 24, 384],
  ["secp521r1", 25, 521],
  ["brainpoolP256r1", 26, 256],
  ["brainpoolP384r1", 27, 384],
  ["brainpoolP512r1", 28, 512],
  ["X25519", 29, 256],
  ["X448", 30, 448],
].map(([name, code, bits]) => ({ name: name as string, code: code as number, bits: bits as number }));

/** One finite-field group the server sent. */
export type FiniteFieldGroupSeen = {
  readonly prime: bigint;
  readonly generator: bigint;
  /** The suites it was sent with, IANA names. */
  readonly suites: readonly string[];
};

/** What {@link scanKeyExchangeGroups} found. */
export type KeyExchangeGroups = {
  /** Distinct DH groups, in the order seen. */
  readonly finiteFieldGroups: readonly FiniteFieldGroupSeen[];
  /** Curves accepted for ECDHE, in the order the server picked them. */
  readonly curves: readonly NamedCurve[];
  /** ClientHellos sent. */
  readonly handshakes: number;
};

/** Inputs of {@link scanKeyExchangeGroups}. */
export type KeyExchangeGroupsOptions = {
  readonly openStream: () => Promise<TlsStream>;
  readonly servername: string | null;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Accepted DHE suites and the version that accepted them; null when none. */
  readonly dhe: { readonly version: TlsVersionName; readonly suites: readonly number[] } | null;
  /** Accepted ECDHE suites (TLS 1.2 or older) and the version that accepted them; null when none. */
  readonly ecdhe: { readonly version: TlsVersionName; readonly suites: readonly number[] } | null;
};

/**
 * DH: two hellos offering the accepted DHE suites, with and without the RFC 7919 groups (a server
 * may pick an ffdhe group when offered one and send its own configured group otherwise).
 * Curves: offer the accepted ECDHE suites with every curve not found yet, take the one the server
 * names, repeat until it refuses — one hello per accepted curve plus one.
 */
export async function scanKeyExchangeGroups(options: KeyExchangeGroupsOptions): Promise<KeyExchangeGroups> {
  let handshakes = 0;
  const readGroup = async (
    version: TlsVersionName,
    cipherSuites: readonly number[],
    hello: { offerFiniteFieldGroups?: boolean; groups?: readonly number[] },
  ) => {
    handshakes++;
    const { stream, socket, address } = await options.openStream();
    try {
      const outcome = await exchangeHello(stream, buildClientHello({ version, cipherSuites, servername: options.servername, ...hello }), {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        readUntil: "flight",
        address,
      });
      if (outcome.kind !== "answer" || outcome.answer.kind !== "hello") return null;
      const suite = cipherSuiteByCode(outcome.answer.hello.cipherSuite).name;
      const keyExchange = outcome.messages.find((message) => message.type === 12);
      const group = keyExchange ? parseServerKeyExchangeGroup(keyExchange.body, suite) : null;
      return group ? { group, suite } : null;
    } finally {
      socket.destroy();
    }
  };

  const finiteFieldGroups: { prime: bigint; generator: bigint; suites: Set<string> }[] = [];
  if (options.dhe) {
    for (const offerFiniteFieldGroups of [true, false]) {
      const seen = await readGroup(options.dhe.version, options.dhe.suites, { offerFiniteFieldGroups });
      if (seen?.group.kind !== "finite-field") continue;
      const { prime, generator } = seen.group;
      const known = finiteFieldGroups.find((group) => group.prime === prime && group.generator === generator);
      if (known) known.suites.add(seen.suite);
      else finiteFieldGroups.push({ prime, generator, suites: new Set([seen.suite]) });
    }
  }

  const curves: NamedCurve[] = [];
  if (options.ecdhe) {
    const remaining = NAMED_CURVES.map((curve) => curve.code);
    while (remaining.length > 0) {
      const seen = await readGroup(options.ecdhe.version, options.ecdhe.suites, { groups: remaining });
      if (seen?.group.kind !== "named-curve") break;
      const index = remaining.indexOf(seen.group.code);
      // A server that names a curve it was not offered ignores the client's list: nothing more to learn.
      if (index < 0) break;
      remaining.splice(index, 1);
      curves.push(NAMED_CURVES.find((curve) => curve.code === (seen.group as { code: number }).code) as NamedCurve);
    }
  }
  return {
    finiteFieldGroups: finiteFieldGroups.map((group) => ({ ...group, suites: [...group.suites].sort() })),
    curves,
    handshakes,
  };
}
