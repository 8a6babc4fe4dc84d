// CRL reading and judging on real CRLs from `openssl ca -gencrl`, and fuzzing: whatever a distribution point serves, only CrlParseError escapes the reader.
import { readFileSync } from "node:fs";
import { createOpensslPki, type OpensslPki } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrlParseError, judgeCrl, readCrl } from "./crl.js";
import { pkijsCertificate } from "./ocsp-messages.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const URL_SEEN = "http://127.0.0.1:9/lab.crl";

let pki: OpensslPki;
let crl: Buffer;
let shortCrl: Buffer;

const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
const pemOf = (der: Buffer) => `-----BEGIN X509 CRL-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END X509 CRL-----\n`;

beforeAll(() => {
  pki = createOpensslPki({
    ocspPort: 9,
    leaves: { good: { commonName: "localhost" }, revoked: { commonName: "localhost", revoke: true } },
  });
  crl = readFileSync(pki.makeCrl());
  shortCrl = readFileSync(pki.makeCrl({ days: 1 }));
}, 30_000);

afterAll(() => pki?.remove());

function certificates(leafName: string) {
  const leaf = pki.leaves[leafName];
  if (!leaf) throw new Error(`no leaf ${leafName}`);
  return { leaf: pkijsCertificate(derOf(leaf.certPem)), issuer: pkijsCertificate(derOf(pki.intermediatePem)) };
}

describe("judgeCrl", () => {
  it("reads the same verdict from DER and PEM", async () => {
    const { leaf, issuer } = certificates("revoked");
    const fromDer = await judgeCrl(crl, URL_SEEN, leaf, issuer, new Date());
    const fromPem = await judgeCrl(Buffer.from(pemOf(crl)), URL_SEEN, leaf, issuer, new Date());
    expect(fromDer).toMatchObject({ status: "revoked", revocationReason: "keyCompromise", signatureValid: true, url: URL_SEEN });
    expect(fromPem).toEqual(fromDer);
  });

  it("finds a leaf the CRL does not list good", async () => {
    const { leaf, issuer } = certificates("good");
    expect(await judgeCrl(crl, URL_SEEN, leaf, issuer, new Date())).toMatchObject({ status: "good", reason: null, revokedAt: null });
  });

  it("judges freshness at the given clock, not the process clock", async () => {
    const { leaf, issuer } = certificates("good");
    expect((await judgeCrl(shortCrl, URL_SEEN, leaf, issuer, new Date(Date.now() + 2 * DAY_MS))).status).toBe("stale");
    expect((await judgeCrl(shortCrl, URL_SEEN, leaf, issuer, new Date(Date.now() + DAY_MS / 2))).status).toBe("good");
  });

  it("does not believe a CRL checked against another issuer key", async () => {
    const { leaf } = certificates("good");
    const impostor = pkijsCertificate(derOf(readFileSync(pki.impostor.certPath, "utf8")));
    expect(await judgeCrl(crl, URL_SEEN, leaf, impostor, new Date())).toMatchObject({ status: "invalid", signatureValid: false });
  });

  it("calls bytes that are no CRL invalid", async () => {
    const { leaf, issuer } = certificates("good");
    expect(await judgeCrl(Buffer.from("<html>not found</html>"), URL_SEEN, leaf, issuer, new Date())).toMatchObject({ status: "invalid" });
    expect(await judgeCrl(Buffer.concat([crl, Buffer.from([0])]), URL_SEEN, leaf, issuer, new Date())).toMatchObject({
      status: "invalid",
      reason: expect.stringMatching(/trailing bytes/),
    });
  });
});

describe("readCrl fuzzing", () => {
  it("throws only CrlParseError on random bytes and on truncated or bit-flipped CRLs", () => {
    const onlyParseErrors = (bytes: Uint8Array) => {
      try {
        readCrl(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(CrlParseError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), onlyParseErrors), { numRuns: 300 });
    fc.assert(
      fc.property(fc.nat({ max: crl.length - 1 }), fc.nat({ max: 255 }), (at, value) => {
        const mutated = Buffer.from(crl);
        mutated[at] = value;
        onlyParseErrors(mutated);
        onlyParseErrors(crl.subarray(0, at));
      }),
      { numRuns: 300 },
    );
  });
});
