// A certificate served on many endpoints is parsed and its chain judged once; these tests hold the
// memos to what the uncached work would answer: the same verdict at every instant, on real
// certificates from an OpenSSL PKI.
import type { TrustStore } from "@hardcheck/core";
import { createOpensslPki, type OpensslPki } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCertificate } from "../support/certificate-details.js";
import { BoundedMemo, MEMO_MAX_DER_BYTES } from "../support/certificate-memo.js";
import { pkijsCertificate } from "../tls-ocsp/ocsp-messages.js";
import { judgeChain } from "./chain-judgement.js";

let pki: OpensslPki;
const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");

beforeAll(() => {
  pki = createOpensslPki({
    ocspPort: 9,
    leaves: {
      good: { commonName: "localhost", altNames: ["localhost"] },
      // More than 16 KB of names: larger than any certificate the memos keep.
      large: { commonName: "localhost", altNames: Array.from({ length: 900 }, (_, i) => `host-${i}.large.example`) },
    },
  });
}, 30_000);

afterAll(() => pki?.remove());

function chain() {
  const leaf = pki.leaves.good;
  if (!leaf) throw new Error("no good leaf");
  return [parseCertificate(derOf(leaf.certPem)), parseCertificate(derOf(pki.intermediatePem))];
}

describe("certificate memos", () => {
  it("parses the same bytes once, from any buffer holding them, and shares a frozen result", () => {
    const [leaf] = chain();
    const again = parseCertificate(Buffer.from(derOf((pki.leaves.good as { certPem: string }).certPem)));

    expect(again).toBe(leaf);
    expect(Object.isFrozen(again.details)).toBe(true);
    expect(Object.isFrozen(again.details.keyUsage)).toBe(true);
    expect(pkijsCertificate(derOf(pki.intermediatePem))).toBe(pkijsCertificate(Buffer.from(derOf(pki.intermediatePem))));
  });

  it("does not keep a certificate larger than 16 KB, so a hostile server cannot fill memory through the memo", () => {
    const der = derOf((pki.leaves.large as { certPem: string }).certPem);
    expect(der.length).toBeGreaterThan(MEMO_MAX_DER_BYTES);

    const first = parseCertificate(der);
    const second = parseCertificate(der);

    expect(second).not.toBe(first);
    expect(second.details).toEqual(first.details);
    expect(pkijsCertificate(der)).not.toBe(pkijsCertificate(der));
  });

  it("judges a remembered chain anew on each side of every validity boundary", () => {
    const certificates = chain();
    const trust: TrustStore = { caCertificates: [pki.rootPem], useSystemRoots: false };
    // The boundaries of the whole path: the latest start and the earliest end among leaf, intermediate and root.
    const path = [...certificates, parseCertificate(derOf(pki.rootPem))];
    const notBefore = Math.max(...path.map((certificate) => Date.parse(certificate.details.notBefore)));
    const notAfter = Math.min(...path.map((certificate) => Date.parse(certificate.details.notAfter)));
    const at = (time: number) => judgeChain(certificates, trust, new Date(time));

    expect(at(notBefore + 1000)).toMatchObject({ trusted: true, failure: null });
    expect(at(notAfter + 1000)).toMatchObject({ trusted: false, failure: "expired" });
    expect(at(notAfter - 1000)).toMatchObject({ trusted: true, failure: null });
    expect(at(notBefore - 1000)).toMatchObject({ trusted: false, failure: "not-yet-valid" });
    expect(at(notAfter)).toMatchObject({ trusted: true });
    // A trust store without the root judges the same chain untrusted: memos are per trust store.
    expect(judgeChain(certificates, { caCertificates: [], useSystemRoots: false }, new Date(notBefore + 1000))).toMatchObject({
      trusted: false,
      failure: "unknown-issuer",
    });
  });

  it("keeps at most its capacity, dropping the least recently used", () => {
    const memo = new BoundedMemo<number>(2);
    let computed = 0;
    const get = (key: string) => memo.get(key, () => ++computed);

    expect([get("a"), get("b"), get("a"), get("c")]).toEqual([1, 2, 1, 3]);
    expect(memo.size).toBe(2);
    // "b" was the least recently used when "c" came in, so it is computed again; "a" is still kept.
    expect([get("a"), get("b")]).toEqual([1, 4]);
  });

  it("does not keep a computation that throws", () => {
    const memo = new BoundedMemo<number>(4);
    expect(() =>
      memo.get("x", () => {
        throw new Error("malformed");
      }),
    ).toThrow("malformed");
    expect(memo.get("x", () => 7)).toBe(7);
  });
});
