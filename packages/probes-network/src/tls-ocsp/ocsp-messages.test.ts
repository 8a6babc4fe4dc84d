// OCSP parsing on real responses from `openssl ocsp`, and fuzzing: whatever a responder sends, only OcspParseError escapes.
import { readFileSync } from "node:fs";
import { createOpensslPki, type OpensslPki } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpretOcspResponse, OcspParseError, pkijsCertificate, readOcspResponse } from "./ocsp-messages.js";

let pki: OpensslPki;
let goodResponse: Buffer;
let revokedResponse: Buffer;

const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");

beforeAll(() => {
  pki = createOpensslPki({
    ocspPort: 9,
    leaves: { good: { commonName: "localhost" }, revoked: { commonName: "localhost", revoke: true } },
  });
  goodResponse = readFileSync(pki.makeOcspResponse("good"));
  revokedResponse = readFileSync(pki.makeOcspResponse("revoked"));
}, 30_000);

afterAll(() => pki?.remove());

function certificates(leafName: string) {
  const leaf = pki.leaves[leafName];
  if (!leaf) throw new Error(`no leaf ${leafName}`);
  return { leaf: pkijsCertificate(derOf(leaf.certPem)), issuer: pkijsCertificate(derOf(pki.intermediatePem)) };
}

describe("interpretOcspResponse on openssl ocsp responses", () => {
  it("good, signed by the delegated responder", async () => {
    const { leaf, issuer } = certificates("good");

    await expect(interpretOcspResponse(goodResponse, leaf, issuer, null, new Date())).resolves.toMatchObject({
      responseStatus: "successful",
      certificateStatus: "good",
      signatureValid: true,
      delegatedResponder: true,
      nonceMatched: null,
    });
  });

  it("revoked, with time and reason", async () => {
    const { leaf, issuer } = certificates("revoked");
    const answer = await interpretOcspResponse(revokedResponse, leaf, issuer, null, new Date());

    expect(answer).toMatchObject({ certificateStatus: "revoked", revocationReason: "keyCompromise", signatureValid: true });
    expect(answer.revokedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("a response for another certificate has no entry; one verified against the wrong issuer fails its signature check", async () => {
    const good = certificates("good");
    const revoked = certificates("revoked");

    await expect(interpretOcspResponse(goodResponse, revoked.leaf, revoked.issuer, null, new Date())).resolves.toMatchObject({ certificateStatus: null });
    await expect(interpretOcspResponse(goodResponse, good.leaf, good.leaf, null, new Date())).resolves.toMatchObject({ signatureValid: false });
  });
});

describe("fuzzing: responder bytes never raise anything but OcspParseError", () => {
  it("arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          readOcspResponse(bytes);
        } catch (error) {
          if (!(error instanceof OcspParseError)) throw error;
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("mutations and truncations of a real response, read and verified", async () => {
    const { leaf, issuer } = certificates("good");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(goodResponse.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(goodResponse.length),
        async (edits, cut) => {
          const mutated = Buffer.from(goodResponse.subarray(0, Math.max(1, cut)));
          for (const [offset, value] of edits) if (offset < mutated.length) mutated[offset] = value;
          try {
            await interpretOcspResponse(mutated, leaf, issuer, Buffer.alloc(16), new Date());
          } catch (error) {
            if (!(error instanceof OcspParseError)) throw error;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
