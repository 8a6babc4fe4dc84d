/**
 * The scan's trust anchors, built once per trust store and scan instead of once per connection:
 * a TLS secure context holding every system root costs more CPU than the handshake it serves.
 */
import { X509Certificate } from "node:crypto";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import type { TrustStore } from "@hardcheck/core";

const contexts = new WeakMap<TrustStore, SecureContext>();
const certificates = new WeakMap<TrustStore, readonly X509Certificate[]>();

/** PEM anchors of a trust store: the configured CAs, plus the system roots when it trusts them. */
export function trustAnchorPems(trust: TrustStore): string[] {
  return trust.useSystemRoots ? [...trust.caCertificates, ...rootCertificates] : [...trust.caCertificates];
}

/** One client secure context per trust store, shared by every connection of the scan. */
export function trustSecureContext(trust: TrustStore): SecureContext {
  let context = contexts.get(trust);
  if (!context) {
    context = createSecureContext({ ca: trustAnchorPems(trust) });
    contexts.set(trust, context);
  }
  return context;
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
