/**
 * A throw-away PKI for tests: one lab CA and the leaf certificates a test needs (good, expired,
 * self-signed, wrong host). Keys come from node:crypto because forge's pure-JS RSA generation takes
 * seconds; forge only builds and signs the certificates.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {object} TestPkiOptions
 * @property {string} [caCommonName] Common name of the lab CA.
 * @property {string} [organization] Organisation (O) written into every subject.
 */

/**
 * @typedef {object} LeafOptions
 * @property {string} commonName Subject CN.
 * @property {readonly string[]} [altNames] Subject alternative names; IP literals become IP entries, anything else DNS.
 * @property {Date} [notBefore] Defaults to one hour ago (whole seconds).
 * @property {Date} [notAfter] Defaults to a year from now (whole seconds).
 * @property {boolean} [selfSigned] Sign with the leaf's own key instead of the CA's.
 */

/**
 * @typedef {object} IssuedLeaf
 * @property {string} certPem The leaf certificate.
 * @property {string} keyPem The leaf's private key (PKCS#8).
 * @property {string} chainPem What a server presents: the leaf, then the CA unless self-signed.
 */

/**
 * Creates a lab CA and returns helpers to issue leaves from it.
 *
 * @param {TestPkiOptions} [options]
 * @returns {{ caPem: string, issueLeaf: (leaf: LeafOptions) => IssuedLeaf }}
 */
export function createTestPki(options = {}) {
  const organization = options.organization ?? "hardcheck lab";
  const caKeys = generateRsaKeys();
  const caSubject = distinguishedName(options.caCommonName ?? "hardcheck test CA", organization);
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = caKeys.forgePublicKey;
  caCert.serialNumber = randomSerialNumber();
  caCert.validity.notBefore = wholeSeconds(new Date(Date.now() - DAY_MS));
  caCert.validity.notAfter = wholeSeconds(new Date(Date.now() + 3650 * DAY_MS));
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKeys.forgePrivateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(caCert);

  /** @param {LeafOptions} leaf */
  function issueLeaf(leaf) {
    const keys = generateRsaKeys();
    const subject = distinguishedName(leaf.commonName, organization);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.forgePublicKey;
    cert.serialNumber = randomSerialNumber();
    cert.validity.notBefore = wholeSeconds(leaf.notBefore ?? new Date(Date.now() - 60 * 60 * 1000));
    // A year: long enough that no expiry warning appears unless a lab asks for one with notAfter.
    cert.validity.notAfter = wholeSeconds(leaf.notAfter ?? new Date(Date.now() + 365 * DAY_MS));
    cert.setSubject(subject);
    cert.setIssuer(leaf.selfSigned ? subject : caSubject);
    // The extensions a public CA puts on a server certificate, so probes see realistic leaves.
    /** @type {Record<string, unknown>[]} */
    const extensions = [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectKeyIdentifier" },
    ];
    const altNames = (leaf.altNames ?? []).map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }));
    if (altNames.length > 0) extensions.push({ name: "subjectAltName", altNames });
    if (!leaf.selfSigned) extensions.push({ name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() });
    cert.setExtensions(extensions);
    cert.sign(leaf.selfSigned ? keys.forgePrivateKey : caKeys.forgePrivateKey, forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    return { certPem, keyPem: keys.privateKeyPem, chainPem: leaf.selfSigned ? certPem : certPem + caPem };
  }

  return { caPem, issueLeaf };
}

function generateRsaKeys() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    privateKeyPem: privateKey,
    forgePublicKey: forge.pki.publicKeyFromPem(publicKey),
    forgePrivateKey: forge.pki.privateKeyFromPem(privateKey),
  };
}

/** @param {string} commonName @param {string} organization */
function distinguishedName(commonName, organization) {
  return [
    { shortName: "O", value: organization },
    { shortName: "CN", value: commonName },
  ];
}

/** 16 random bytes, top bit clear (DER INTEGERs are signed) and a non-zero first nibble so the hex never starts with 0. */
function randomSerialNumber() {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString("hex");
}

/** Certificates store whole seconds; rounding here lets tests compare dates exactly. */
function wholeSeconds(/** @type {Date} */ date) {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
