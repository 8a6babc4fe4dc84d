/** The scan's trust anchors, parsed once per trust store and scan instead of once per endpoint. */
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import type { TrustStore } from "@hardcheck/core";

const certificates = new WeakMap<TrustStore, readonly X509Certificate[]>();

/** PEM anchors of a trust store: the configured CAs, plus the system roots when it trusts them. */
export function trustAnchorPems(trust: TrustStore): string[] {
  return trust.useSystemRoots ? [...trust.caCertificates, ...rootCertificates] : [...trust.caCertificates];
}

/** The anchors parsed once per trust store (a PEM entry may hold several certificates). */
export function trustAnchorCertificates(trust: TrustStore): readonly X509Certificate[] {
  let parsed = certificates.get(trust);
  if (!parsed) {
    parsed = trustAnchorPems(trust).flatMap((pem) =>
      (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block)),
    );
    certificates.set(trust, parsed);
  }
  return parsed;
}
