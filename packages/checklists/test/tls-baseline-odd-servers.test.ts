// The tls-baseline pack on servers whose verdicts once contradicted each other or the RFCs: issuer-signed OCSP,
// TLS 1.0/1.1-only, an unknown root, weak signatures and keys, a misordered chain, a certificate with 10,000
// names, and suites or groups Node's TLS refuses (RC4, 3DES, NULL, DH-512). Each server must fail exactly the
// rules for its defects; no rule may be `error` where the server's own flight tells the answer.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck, type ReportDocument, resultsWithRules } from "@hardcheck/core";
import { CAREFUL_TLS12_SUITES, startTlsLab, type TlsLab } from "@hardcheck/labs";
import { register } from "@hardcheck/probes-network";
import { createOpensslPki, type LoopbackServer, type OpensslPki, reserveLoopbackPort, startNamespacedServer, startOpensslServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACK_FILE = fileURLToPath(new URL("../packs/tls-baseline.yaml", import.meta.url));
const LOOPBACK_NAMES = ["localhost", "127.0.0.1"];
const WEAK_CERTIFICATE = ["-cipher", `${CAREFUL_TLS12_SUITES}:@SECLEVEL=0`, "-no_tls1", "-no_tls1_1"];
/** The suites of a careful admin, for servers whose defect lies elsewhere. */
const CAREFUL = ["-cipher", CAREFUL_TLS12_SUITES];
/** DHE with AEAD only, in TLS 1.2, with a DH parameters file of the tls-versions-suites probe's fixtures (security level 0 loads 1024 bits). */
const dheOnly = (fixture: string) => [
  "-cipher",
  "DHE+AESGCM:@SECLEVEL=0",
  "-tls1_2",
  "-dhparam",
  fileURLToPath(new URL(`../../probes-network/src/tls-versions-suites/fixtures/${fixture}`, import.meta.url)),
];
/** gnutls-serv priorities for one legacy suite family at TLS 1.2. */
const gnutlsOnly = (cipher: string, keyExchange = "RSA") => `NONE:+VERS-TLS1.2:+${cipher}:+${keyExchange}:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL`;

/** Responders for the OCSP servers, by server name: who signs (RFC 6960 §4.2.2.2) and how openssl ocsp encodes it. */
const OCSP_SIGNERS: Readonly<Record<string, readonly string[]>> = {
  "ocsp-issuer-signed": ["issuer"],
  "ocsp-issuer-no-certs": ["issuer", "-resp_no_certs"],
  "ocsp-issuer-key-id": ["issuer", "-resp_key_id"],
  "ocsp-forged": ["impostor"],
  "ocsp-delegate-without-eku": ["serverLeaf"],
};

/** Rules each server must fail; every other rule must pass. No server here staples. */
const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {
  "ocsp-issuer-signed": ["TLS-OCSP-STAPLING"],
  "ocsp-issuer-no-certs": ["TLS-OCSP-STAPLING"],
  "ocsp-issuer-key-id": ["TLS-OCSP-STAPLING"],
  "ocsp-forged": ["TLS-OCSP-RESPONSE-VALID", "TLS-OCSP-STAPLING"],
  "ocsp-delegate-without-eku": ["TLS-OCSP-RESPONSE-VALID", "TLS-OCSP-STAPLING"],
  // TLS 1.0 and 1.1 have no AEAD suite: the one modern-enough suite is CBC.
  "tls10-only": ["TLS-PROTOCOL-NEGOTIATED", "TLS-PROTOCOL-VERSIONS", "TLS-SUITE-CBC", "TLS-OCSP-STAPLING"],
  "tls11-only": ["TLS-PROTOCOL-NEGOTIATED", "TLS-PROTOCOL-VERSIONS", "TLS-SUITE-CBC", "TLS-OCSP-STAPLING"],
  "unknown-root": ["TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-OCSP-STAPLING"],
  sha1: ["TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-CHAIN-SIGNATURE-HASH", "TLS-OCSP-STAPLING"],
  md5: ["TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-CHAIN-SIGNATURE-HASH", "TLS-OCSP-STAPLING"],
  rsa512: ["TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-KEY-SIZE", "TLS-CHAIN-KEY-SIZE", "TLS-OCSP-STAPLING"],
  "misordered-chain": ["TLS-CHAIN-ORDER", "TLS-OCSP-STAPLING"],
  "many-names": ["TLS-OCSP-STAPLING"],
  // The legacy suite families are served with static RSA key exchange, as such appliances do.
  rc4: ["TLS-SUITE-CLASSES", "TLS-SUITE-FORWARD-SECRECY", "TLS-OCSP-STAPLING"],
  "3des": ["TLS-SUITE-CLASSES", "TLS-SUITE-FORWARD-SECRECY", "TLS-SUITE-CBC", "TLS-OCSP-STAPLING"],
  "3des-wrong-host": ["TLS-SUITE-CLASSES", "TLS-SUITE-FORWARD-SECRECY", "TLS-SUITE-CBC", "TLS-CERT-HOSTNAME", "TLS-OCSP-STAPLING"],
  null: ["TLS-SUITE-CLASSES", "TLS-SUITE-FORWARD-SECRECY", "TLS-OCSP-STAPLING"],
  dh512: ["TLS-DH-GROUP-SIZE", "TLS-OCSP-STAPLING"],
  // DHE-only servers with a group of a known kind (fixtures of the tls-versions-suites probe), and one curve below 256 bits.
  dh1024: ["TLS-DH-GROUP-SIZE", "TLS-OCSP-STAPLING"],
  "dh2048-composite": ["TLS-DH-GROUP-SAFE", "TLS-OCSP-STAPLING"],
  "dh2048-not-safe-prime": ["TLS-DH-GROUP-SAFE", "TLS-OCSP-STAPLING"],
  "dh2048-safe": ["TLS-OCSP-STAPLING"],
  "ecdhe-p192": ["TLS-ECDHE-CURVES", "TLS-OCSP-STAPLING"],
};

let lab: TlsLab;
let strangerPki: OpensslPki;
const servers = new Map<string, LoopbackServer>();
let report: ReportDocument;

beforeAll(async () => {
  const responderPorts = new Map<string, number>();
  for (const name of Object.keys(OCSP_SIGNERS)) responderPorts.set(name, await reserveLoopbackPort());
  const strangerOcspPort = await reserveLoopbackPort();
  const leaf = (extra: object = {}) => ({ commonName: "localhost", altNames: LOOPBACK_NAMES, ...extra });
  lab = await startTlsLab([], {
    extraLeaves: {
      ...Object.fromEntries([...responderPorts].map(([name, port]) => [name, leaf({ ocspUrl: `http://127.0.0.1:${port}/` })])),
      md5: leaf({ digest: "md5" }),
      rsa512: leaf({ key: "rsa512" }),
      sha1: leaf({ digest: "sha1" }),
      wrongHost: { commonName: "wrong.example", altNames: ["wrong.example"] },
      manyNames: leaf({ altNames: [...LOOPBACK_NAMES, ...Array.from({ length: 10_000 }, (_, index) => `host-${index}.many.example`)] }),
    },
  });
  // Another CA with the same names: what a vendor's own root looks like to a scan that does not trust it.
  strangerPki = createOpensslPki({ ocspPort: strangerOcspPort, leaves: { good: leaf() } });
  servers.set(
    "stranger OCSP responder",
    await startNamespacedServer({
      command: "openssl",
      args: [
        "ocsp",
        "-index",
        strangerPki.indexPath,
        "-port",
        "2560",
        "-CA",
        strangerPki.intermediatePath,
        "-rsigner",
        strangerPki.ocspSigner.certPath,
        "-rkey",
        strangerPki.ocspSigner.keyPath,
        "-ndays",
        "1",
      ],
      innerPort: 2560,
      outerPort: strangerOcspPort,
    }),
  );
  const signers: Record<string, string[]> = {
    issuer: ["-rsigner", lab.pki.intermediatePath, "-rkey", lab.pki.intermediateKeyPath],
    impostor: ["-rsigner", lab.pki.impostor.certPath, "-rkey", lab.pki.impostor.keyPath],
    serverLeaf: ["-rsigner", lab.pki.leaves.good?.certPath ?? "", "-rkey", lab.pki.leaves.good?.keyPath ?? ""],
  };
  for (const [name, port] of responderPorts) {
    const [signer, ...extra] = OCSP_SIGNERS[name] ?? [];
    await lab.startOcspResponder([...(signers[signer as string] ?? []), ...extra], port);
  }
  const files = (name: string) => {
    const found = lab.pki.leaves[name];
    if (!found) throw new Error(`no leaf ${name}`);
    return found;
  };
  const openssl = (name: string, args: string[], chainPath = lab.pki.intermediatePath) =>
    startOpensslServer({ certPath: files(name).certPath, keyPath: files(name).keyPath, chainPath, args });
  const gnutls = (name: string, priority: string, extra: string[] = []) =>
    startNamespacedServer({
      command: "gnutls-serv",
      args: ["-p", "4433", "--x509certfile", files(name).chainPath, "--x509keyfile", files(name).keyPath, "--priority", priority, ...extra],
      innerPort: 4433,
    });
  const misorderedChain = `${lab.pki.dir}/misordered-chain.pem`;
  writeFileSync(misorderedChain, lab.rootPem + lab.pki.intermediatePem);
  const dhParameters = `${lab.pki.dir}/dh512.pem`;
  const { execFileSync } = await import("node:child_process");
  execFileSync("openssl", ["dhparam", "-out", dhParameters, "512"], { stdio: "ignore", timeout: 20_000 });
  const starters: Record<string, () => Promise<LoopbackServer>> = {
    dh1024: () => openssl("good", dheOnly("dh1024-safe.pem")),
    "dh2048-composite": () => openssl("good", dheOnly("dh2048-composite.pem")),
    "dh2048-not-safe-prime": () => openssl("good", dheOnly("dh2048-not-safe-prime.pem")),
    "dh2048-safe": () => openssl("good", dheOnly("dh2048-safe.pem")),
    // OpenSSL 3 still serves P-192 at security level 0.
    "ecdhe-p192": () => openssl("good", ["-cipher", "ECDHE+AESGCM:@SECLEVEL=0", "-tls1_2", "-groups", "secp192r1"]),
    ...Object.fromEntries(Object.keys(OCSP_SIGNERS).map((name) => [name, () => openssl(name, CAREFUL)])),
    // One modern-enough suite, so the protocol version is the one defect.
    "tls10-only": () => openssl("good", ["-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0", "-tls1"]),
    "tls11-only": () => openssl("good", ["-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0", "-tls1_1"]),
    "unknown-root": () =>
      startOpensslServer({
        certPath: strangerPki.leaves.good?.certPath ?? "",
        keyPath: strangerPki.leaves.good?.keyPath ?? "",
        chainPath: strangerPki.intermediatePath,
        args: CAREFUL,
      }),
    sha1: () => openssl("sha1", WEAK_CERTIFICATE),
    md5: () => openssl("md5", WEAK_CERTIFICATE),
    rsa512: () => openssl("rsa512", WEAK_CERTIFICATE),
    "misordered-chain": () => openssl("good", [...CAREFUL, "-tls1_2"], misorderedChain),
    "many-names": () => openssl("manyNames", CAREFUL),
    rc4: () => gnutls("good", gnutlsOnly("ARCFOUR-128")),
    "3des": () => gnutls("good", gnutlsOnly("3DES-CBC")),
    "3des-wrong-host": () => gnutls("wrongHost", gnutlsOnly("3DES-CBC")),
    null: () => openssl("good", ["-cipher", "NULL-SHA256:@SECLEVEL=0", "-tls1_2"]),
    // OpenSSL refuses to load a group below 1024 bits at any security level; GnuTLS serves it (to clients that offer no RFC 7919 group).
    dh512: () =>
      gnutls("good", "NONE:+VERS-TLS1.2:+AES-128-GCM:+DHE-RSA:+AEAD:+COMP-NULL:+SIGN-ALL:+GROUP-SECP256R1:%PROFILE_VERY_WEAK", ["--dhparams", dhParameters]),
  };
  const targets = new Map<string, LoopbackServer>();
  for (const [name, start] of Object.entries(starters)) {
    const server = await start();
    servers.set(name, server);
    targets.set(name, server);
  }
  const config = configFromObject({
    packs: [PACK_FILE],
    trust: { caFile: lab.pki.rootPath, systemRoots: false },
    targets: [...targets].map(([name, server]) => ({ id: name, endpoints: [`tls://127.0.0.1:${server.port}`] })),
    limits: { connectTimeoutMs: 3_000, probeTimeoutMs: 20_000 },
  });
  const hardcheck = await Hardcheck.create({ plugins: [register], config });
  report = await hardcheck.scan(config);
  if (process.env.HC_VERDICT_TABLE) {
    writeFileSync(
      process.env.HC_VERDICT_TABLE,
      JSON.stringify(
        report.results.map((result) => ({ target: result.target, rule: result.ruleId, status: result.status, message: result.message })),
        null,
        1,
      ),
    );
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...[...servers.values()].map((server) => server.close()), lab?.close()]);
  strangerPki?.remove();
});

function verdicts(target: string): Record<string, string> {
  return Object.fromEntries(report.results.filter((result) => result.target === target).map((result) => [result.ruleId, result.status]));
}

describe("tls-baseline verdicts on odd servers", () => {
  it("follows tailoring: a site that accepts 1024-bit DH groups and P-192, and also forbids untested groups", async () => {
    const endpoint = (name: string) => `tls://127.0.0.1:${servers.get(name)?.port}`;
    const config = configFromObject({
      packs: [PACK_FILE],
      trust: { caFile: lab.pki.rootPath, systemRoots: false },
      tailoring: {
        "TLS-DH-GROUP-SIZE": { minDhBits: 1024 },
        "TLS-ECDHE-CURVES": { minCurveBits: 192 },
        "TLS-DH-GROUP-SAFE": { forbiddenVerdicts: ["composite", "not-safe-prime", "untested"] },
      },
      targets: ["dh1024", "ecdhe-p192", "dh2048-composite"].map((name) => ({ id: name, endpoints: [endpoint(name)] })),
      limits: { connectTimeoutMs: 3_000, probeTimeoutMs: 20_000 },
    });
    const hardcheck = await Hardcheck.create({ plugins: [register], config });
    const tailored = await hardcheck.scan(config);
    const status = (target: string, rule: string) => tailored.results.find((result) => result.target === target && result.ruleId === rule)?.status;

    expect(status("dh1024", "TLS-DH-GROUP-SIZE")).toBe("pass");
    expect(status("ecdhe-p192", "TLS-ECDHE-CURVES")).toBe("pass");
    expect(status("dh2048-composite", "TLS-DH-GROUP-SAFE")).toBe("fail");
  }, 60_000);

  it("says which DH group or curve failed, and why a server without DHE passes the DH rules", () => {
    const message = (target: string, rule: string) => report.results.find((result) => result.target === target && result.ruleId === rule)?.message;

    expect(message("dh2048-composite", "TLS-DH-GROUP-SAFE")).toContain('present: "composite"');
    expect(message("dh2048-not-safe-prime", "TLS-DH-GROUP-SAFE")).toContain('present: "not-safe-prime"');
    expect(message("dh1024", "TLS-DH-GROUP-SIZE")).toContain("got 1024");
    expect(message("ecdhe-p192", "TLS-ECDHE-CURVES")).toContain("got 192");
    for (const rule of ["TLS-DH-GROUP-SIZE", "TLS-DH-GROUP-SAFE"]) expect(message("ecdhe-p192", rule)).toContain("through: no finite-field DH key exchange");
    expect(message("dh1024", "TLS-ECDHE-CURVES")).toContain("through: no ECDHE key exchange below TLS 1.3");
    expect(message("dh1024", "TLS-DH-GROUP-SAFE")).toContain("through: DHE offered; every DH group a safe prime");
  });

  it.each(Object.entries(EXPECTED_FAILURES))("%s fails exactly its defects' rules, and nothing is an error", (name, failures) => {
    const byRule = verdicts(name);

    expect(
      Object.entries(byRule)
        .filter(([, status]) => status === "fail")
        .map(([rule]) => rule)
        .sort(),
    ).toEqual([...failures].sort());
    expect(Object.entries(byRule).filter(([, status]) => status !== "fail" && status !== "pass")).toEqual([]);
  });

  it.each([
    ["sha1", "weak-signature", /sha1/],
    ["md5", "weak-signature", /md5/],
    ["rsa512", "weak-key", /512-bit rsa/],
    ["unknown-root", "unknown-issuer", /issuer CN=hardcheck lab root/],
  ])("%s: both trust rules fail for the same named reason (%s)", (name, reason, detail) => {
    const trust = evidenceOf(name, "TLS-CERT-TRUSTED")["tls.trust"];
    const chain = evidenceOf(name, "TLS-CHAIN-TRUSTED")["tls.chainValidation"];

    expect(trust).toMatchObject({ trusted: false, error: reason, detail: expect.stringMatching(detail) });
    expect(chain).toMatchObject({ trusted: false, failure: reason, failureDetail: expect.stringMatching(detail) });
  });

  it("an unknown root leaves the chain complete and names the root", () => {
    expect(evidenceOf("unknown-root", "TLS-CHAIN-COMPLETE")["tls.chainValidation"]).toMatchObject({
      complete: true,
      unknownIssuer: "CN=hardcheck lab root,O=hardcheck lab",
    });
  });

  it.each([
    ["tls10-only", { protocol: "TLSv1", cipherStandardName: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" }],
    ["tls11-only", { protocol: "TLSv1.1" }],
    ["rc4", { protocol: "TLSv1.2", cipherStandardName: expect.stringContaining("RC4") }],
    ["null", { protocol: "TLSv1.2", cipherStandardName: expect.stringContaining("NULL") }],
    ["dh512", { keyExchange: { type: "DH", name: null, bits: 512 }, dhBits: 512 }],
  ])("%s: Node's TLS refuses the server, so the handshake facts come from its clear-text flight", (name, expected) => {
    const handshake = evidenceOf(name, "TLS-PROTOCOL-NEGOTIATED")["tls.handshake"];

    expect(handshake).toMatchObject({ source: "server-flight", clientRefusal: expect.any(String), ...expected });
  });
});

function evidenceOf(target: string, ruleId: string): Record<string, unknown> {
  const result = resultsWithRules(report).find((candidate) => candidate.target === target && candidate.ruleId === ruleId);
  if (!result) throw new Error(`no result for ${ruleId} on ${target}`);
  return result.evidence as Record<string, unknown>;
}
