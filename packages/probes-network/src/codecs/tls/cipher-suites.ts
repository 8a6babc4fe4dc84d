/** Looks up and classifies cipher suites by code point, from the IANA names alone (no crypto library involved). */
import { IANA_CIPHER_SUITES } from "./suite-registry.js";

/**
 * Weakness classes a suite can belong to; rules forbid classes, not individual suites.
 * `64-bit-block` covers 3DES, DES, IDEA and RC2 (Sweet32); `no-forward-secrecy` is static RSA/DH/ECDH/PSK key exchange.
 */
export type CipherSuiteClass = "null" | "export" | "anonymous" | "rc4" | "des" | "3des" | "64-bit-block" | "md5" | "cbc" | "no-forward-secrecy";

/** One registry entry with what its name says about it. */
export type CipherSuiteInfo = {
  /** Code point, e.g. `0xC02F`. */
  readonly code: number;
  /** IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`. */
  readonly name: string;
  /** Only TLS 1.3 can negotiate it (the `0x13xx` suites); TLS 1.3 negotiates nothing else. */
  readonly tls13: boolean;
  readonly classes: readonly CipherSuiteClass[];
};

function classify(name: string): CipherSuiteClass[] {
  const withIndex = name.indexOf("_WITH_");
  // Both `TLS_` and `SSL_` prefixes are four characters.
  const keyExchange = withIndex < 0 ? "" : name.slice(4, withIndex);
  const bulk = withIndex < 0 ? name.slice(4) : name.slice(withIndex + 6);
  const classes = new Set<CipherSuiteClass>();
  if (/(^|_)NULL(_|$)/.test(bulk)) classes.add("null");
  if (name.includes("EXPORT")) classes.add("export");
  if (keyExchange.includes("anon")) classes.add("anonymous");
  if (bulk.includes("RC4")) classes.add("rc4");
  if (bulk.includes("3DES")) classes.add("3des");
  else if (/(^|_)DES(40)?_/.test(bulk)) classes.add("des");
  if (/3DES|(^|_)DES|IDEA|RC2/.test(bulk)) classes.add("64-bit-block");
  if (/_MD5$/.test(name)) classes.add("md5");
  if (bulk.includes("_CBC")) classes.add("cbc");
  // TLS 1.3 suites carry no key exchange in their name and always have forward secrecy.
  if (withIndex >= 0 && !/^(EC)?DHE(_|$)/.test(keyExchange) && !keyExchange.startsWith("ECCPWD")) {
    classes.add("no-forward-secrecy");
  }
  return [...classes].sort();
}

const BY_CODE: ReadonlyMap<number, CipherSuiteInfo> = new Map(
  IANA_CIPHER_SUITES.map(([code, name]) => [code, Object.freeze({ code, name, tls13: code >> 8 === 0x13, classes: Object.freeze(classify(name)) })]),
);

/** Every suite hardcheck knows, in code-point order. */
export const ALL_CIPHER_SUITES: readonly CipherSuiteInfo[] = [...BY_CODE.values()];

/** The registry entry for a code point, or a placeholder named by its hex code for a code point the registry lacks. */
export function cipherSuiteByCode(code: number): CipherSuiteInfo {
  return BY_CODE.get(code) ?? { code, name: `UNKNOWN_0x${code.toString(16).padStart(4, "0").toUpperCase()}`, tls13: false, classes: [] };
}
