/**
 * The canary's revocation responder: a loopback HTTP server named by the `revocation` leaf's AIA
 * OCSP URL and CRL distribution point. It records each OCSP request and CRL fetch and answers that
 * the leaf is revoked: the CRL lists it, and every OCSP answer says `revoked`, signed by the canary CA.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import forge from "node-forge";

/** One request the responder received. */
export type RevocationRequest = { readonly kind: "ocsp" | "crl"; readonly at: Date };

/** What {@link startRevocationResponder} needs. */
export type RevocationResponderOptions = {
  readonly host: string;
  /** 0 for an ephemeral port. */
  readonly port: number;
  readonly now: () => Date;
  /** Called for each OCSP request and CRL fetch. */
  readonly onRequest: (request: RevocationRequest) => void;
};

/** A running responder; {@link RevocationResponder.sign} is set once the canary CA exists. */
export type RevocationResponder = {
  readonly baseUrl: string;
  /** Gives the responder the CA that signs and the serial it reports revoked. */
  arm(signer: { readonly certificate: forge.pki.Certificate; readonly key: forge.pki.rsa.PrivateKey }, revokedSerial: string): void;
  close(): Promise<void>;
};

const MAX_REQUEST_BYTES = 16 * 1024;
const { asn1 } = forge;
const sequence = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (dotted: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
const generalizedTime = (date: Date) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
const integerFromHex = (hex: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(hex));
const sha256WithRsa = () => sequence([oid("1.2.840.113549.1.1.11"), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")]);
const bitString = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${bytes}`);

function signed(tbs: forge.asn1.Asn1, key: forge.pki.rsa.PrivateKey): forge.asn1.Asn1[] {
  const digest = forge.md.sha256.create();
  digest.update(asn1.toDer(tbs).getBytes());
  return [tbs, sha256WithRsa(), bitString(key.sign(digest))];
}

/** A v2 CRL listing the revoked serial, valid a week from `now`. */
function buildCrl(signer: { certificate: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, serial: string, now: Date): Buffer {
  const tbs = sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, "\u0001"),
    sha256WithRsa(),
    forge.pki.distinguishedNameToAsn1(signer.certificate.subject),
    generalizedTime(new Date(now.getTime() - 60_000)),
    generalizedTime(new Date(now.getTime() + 7 * 86_400_000)),
    sequence([sequence([integerFromHex(serial), generalizedTime(new Date(now.getTime() - 3_600_000))])]),
  ]);
  return Buffer.from(asn1.toDer(sequence(signed(tbs, signer.key))).getBytes(), "binary");
}

/** The CertID of the first request in an OCSPRequest, or null when the bytes are not one. */
function firstCertId(request: Buffer): forge.asn1.Asn1 | null {
  try {
    const parsed = asn1.fromDer(request.toString("binary"));
    const tbsRequest = (parsed.value as forge.asn1.Asn1[])[0];
    const items = tbsRequest?.value as forge.asn1.Asn1[] | undefined;
    const list = items?.find((item) => item.tagClass === asn1.Class.UNIVERSAL && item.type === asn1.Type.SEQUENCE);
    const first = (list?.value as forge.asn1.Asn1[] | undefined)?.[0];
    const certId = (first?.value as forge.asn1.Asn1[] | undefined)?.[0];
    return certId ?? null;
  } catch {
    return null;
  }
}

/** A successful OCSPResponse saying `revoked` for the CertID asked about (RFC 6960 §4.2.1). */
function buildOcspRevoked(signer: { certificate: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, certId: forge.asn1.Asn1, now: Date): Buffer {
  const revokedInfo = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [generalizedTime(new Date(now.getTime() - 3_600_000))]);
  const single = sequence([certId, revokedInfo, generalizedTime(new Date(now.getTime() - 60_000))]);
  const responseData = sequence([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [forge.pki.distinguishedNameToAsn1(signer.certificate.subject)]),
    generalizedTime(now),
    sequence([single]),
  ]);
  const basic = sequence(signed(responseData, signer.key));
  const response = sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, "\u0000"),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      sequence([oid("1.3.6.1.5.5.7.48.1.1"), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(basic).getBytes())]),
    ]),
  ]);
  return Buffer.from(asn1.toDer(response).getBytes(), "binary");
}

/** Starts the responder on loopback; the caller arms it once the CA exists, and closes it. */
export async function startRevocationResponder(options: RevocationResponderOptions): Promise<RevocationResponder> {
  let signer: { certificate: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | null = null;
  let revokedSerial = "";
  const server: Server = createServer((request, response) => {
    request.setTimeout(5_000, () => request.destroy());
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on("end", () => {
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      const now = options.now();
      if (path.endsWith(".crl")) {
        options.onRequest({ kind: "crl", at: now });
        if (signer === null) return void response.writeHead(503).end();
        return void response.writeHead(200, { "content-type": "application/pkix-crl" }).end(buildCrl(signer, revokedSerial, now));
      }
      if (path.startsWith("/ocsp")) {
        options.onRequest({ kind: "ocsp", at: now });
        // GET carries the request base64 in the path (RFC 6960 appendix A.1); POST in the body.
        const body = request.method === "GET" ? Buffer.from(decodeURIComponent(path.slice("/ocsp/".length)), "base64") : Buffer.concat(chunks);
        const certId = firstCertId(body);
        if (signer === null || certId === null) {
          // malformedRequest (1): an OCSPResponse with no body.
          return void response.writeHead(200, { "content-type": "application/ocsp-response" }).end(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
        }
        return void response.writeHead(200, { "content-type": "application/ocsp-response" }).end(buildOcspRevoked(signer, certId, now));
      }
      response.writeHead(404).end();
    });
    request.on("error", () => {});
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    baseUrl: `http://${host}:${address.port}`,
    arm(armedSigner, serial) {
      signer = armedSigner;
      revokedSerial = serial;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
