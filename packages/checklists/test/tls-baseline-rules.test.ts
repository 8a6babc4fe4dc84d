// The tls-baseline pack against the TLS lab, through a real scan: each lab server must fail exactly the rules for its defect.
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck, type ReportDocument, resultsWithRules } from "@hardcheck/core";
import { type LabServerName, startTlsLab, type TlsLab } from "@hardcheck/labs";
import { register } from "@hardcheck/probes-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACK_FILE = fileURLToPath(new URL("../packs/tls-baseline.yaml", import.meta.url));

/** Every lab server and the rules it must fail; every other rule must pass. Only the modern server staples; a leaf naming no OCSP responder (self-signed) has nothing to staple. */
const EXPECTED_FAILURES: Readonly<Record<Exclude<LabServerName, "smtp">, readonly string[]>> = {
  modern: [],
  // ALL:@SECLEVEL=0 and GnuTLS's NORMAL priority both take static-RSA and CBC suites.
  legacy: ["TLS-PROTOCOL-VERSIONS", "TLS-SUITE-CLASSES", "TLS-SUITE-FORWARD-SECRECY", "TLS-SUITE-CBC", "TLS-OCSP-STAPLING"],
  "3des-tls10": ["TLS-PROTOCOL-VERSIONS", "TLS-SUITE-CLASSES", "TLS-SUITE-FORWARD-SECRECY", "TLS-SUITE-CBC", "TLS-OCSP-STAPLING"],
  "tls13-only": ["TLS-OCSP-STAPLING"],
  ecdsa: ["TLS-OCSP-STAPLING"],
  expired: [
    "TLS-CERT-VALIDITY",
    "TLS-CERT-EXPIRY-WARNING",
    "TLS-CERT-TRUSTED",
    "TLS-CHAIN-TRUSTED",
    "TLS-CHAIN-VALIDITY",
    "TLS-CHAIN-EXPIRY-WARNING",
    "TLS-OCSP-STAPLING",
  ],
  // Clients refuse SHA-1 signatures outright: both trust rules fail (failure weak-signature), and the hash rule says which hash.
  sha1: ["TLS-CHAIN-SIGNATURE-HASH", "TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-OCSP-STAPLING"],
  "wrong-host": ["TLS-CERT-HOSTNAME", "TLS-OCSP-STAPLING"],
  revoked: ["TLS-OCSP-NOT-REVOKED", "TLS-OCSP-STATUS", "TLS-OCSP-STAPLING"],
  "self-signed": ["TLS-CERT-SELF-SIGNED", "TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED"],
  // Without the intermediate the OCSP request cannot be built either (no issuer key to hash): status invalid.
  "missing-intermediate": ["TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-CHAIN-COMPLETE", "TLS-OCSP-STATUS", "TLS-OCSP-STAPLING"],
  "weak-key": ["TLS-KEY-SIZE", "TLS-CHAIN-KEY-SIZE", "TLS-OCSP-STAPLING"],
  // Clients refuse a leaf without the serverAuth purpose: both trust rules fail (failure not-for-server-auth).
  "client-auth-only": ["TLS-CERT-SERVER-AUTH", "TLS-CERT-TRUSTED", "TLS-CHAIN-TRUSTED", "TLS-OCSP-STAPLING"],
};

/** Rules a lab server leaves undecided, with the verdict: revocation is verified only by a good OCSP or CRL answer. */
const EXPECTED_UNDECIDED: Readonly<Partial<Record<Exclude<LabServerName, "smtp">, Readonly<Record<string, string>>>>> = {
  "self-signed": { "TLS-OCSP-NOT-REVOKED": "not-applicable" },
  "missing-intermediate": { "TLS-OCSP-NOT-REVOKED": "error" },
};

let lab: TlsLab;
let report: ReportDocument;

beforeAll(async () => {
  const names = [...(Object.keys(EXPECTED_FAILURES) as Exclude<LabServerName, "smtp">[]), "smtp" as const];
  lab = await startTlsLab(names);
  const config = configFromObject({
    packs: [PACK_FILE],
    trust: { caFile: lab.pki.rootPath, systemRoots: false },
    targets: names.map((name) => ({ id: name, endpoints: [`${lab.endpoint(name).scheme}://127.0.0.1:${lab.endpoint(name).port}`] })),
    limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 15_000 },
  });
  const hardcheck = await Hardcheck.create({ plugins: [register], config });
  report = await hardcheck.scan(config);
}, 60_000);

afterAll(async () => {
  await lab?.close();
});

function verdicts(target: string): Record<string, string> {
  return Object.fromEntries(report.results.filter((result) => result.target === target).map((result) => [result.ruleId, result.status]));
}

describe("tls-baseline verdicts on the TLS lab", () => {
  it("reports CBC suites at severity info, so a default scan (--fail-on low) is not failed by them, and no forward secrecy at medium", () => {
    const legacy = resultsWithRules(report).filter((result) => result.target === "legacy");

    expect(legacy.find((result) => result.ruleId === "TLS-SUITE-CBC")).toMatchObject({ status: "fail", severity: "info" });
    expect(legacy.find((result) => result.ruleId === "TLS-SUITE-FORWARD-SECRECY")).toMatchObject({ status: "fail", severity: "medium" });
    expect(legacy.find((result) => result.ruleId === "TLS-SUITE-FORWARD-SECRECY")?.message).toContain('present: "no-forward-secrecy"');
  });

  it.each(Object.entries(EXPECTED_FAILURES))("%s fails exactly its defects' rules", (name, failures) => {
    const byRule = verdicts(name);

    expect(Object.keys(byRule).length).toBeGreaterThan(20);
    expect(
      Object.entries(byRule)
        .filter(([, status]) => status === "fail")
        .map(([rule]) => rule)
        .sort(),
    ).toEqual([...failures].sort());
    expect(Object.fromEntries(Object.entries(byRule).filter(([, status]) => status !== "fail" && status !== "pass"))).toEqual(
      EXPECTED_UNDECIDED[name as keyof typeof EXPECTED_UNDECIDED] ?? {},
    );
  });

  it("over SMTP STARTTLS the depth rules run and pass; the implicit-TLS handshake rules do not apply", () => {
    const byRule = verdicts("smtp");

    expect(byRule["TLS-SUITE-CLASSES"]).toBe("pass");
    expect(byRule["TLS-CHAIN-TRUSTED"]).toBe("pass");
    expect(byRule["TLS-OCSP-STATUS"]).toBe("pass");
    expect(Object.entries(byRule).filter(([, status]) => status === "fail" || status === "error")).toEqual([]);
  });
});

describe("revocation when the OCSP responder is down", () => {
  // Runs last: it stops the lab's responder, then its CRL server.
  it("passes TLS-OCSP-NOT-REVOKED on the CRL alone, and reports error (not verified) once both are down, never pass", async () => {
    await lab.ocspResponder.close();
    const config = configFromObject({
      packs: [PACK_FILE],
      trust: { caFile: lab.pki.rootPath, systemRoots: false },
      targets: [{ id: "modern", endpoints: [`tls://127.0.0.1:${lab.endpoint("modern").port}`] }],
      limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 15_000 },
    });
    const hardcheck = await Hardcheck.create({ plugins: [register], config });
    const selection = { rules: ["TLS-OCSP-NOT-REVOKED", "TLS-OCSP-STATUS"] };
    const ocspDown = await hardcheck.scan(config, { selection });
    const inOcspDown = (rule: string) => ocspDown.results.find((entry) => entry.ruleId === rule);
    expect(inOcspDown("TLS-OCSP-NOT-REVOKED")?.status).toBe("pass");
    expect(inOcspDown("TLS-OCSP-STATUS")?.status).toBe("fail");

    await lab.crlServer.close();
    const bothDown = await hardcheck.scan(config, { selection });
    const result = (rule: string) => bothDown.results.find((entry) => entry.ruleId === rule);
    expect(result("TLS-OCSP-NOT-REVOKED")?.status).toBe("error");
    expect(result("TLS-OCSP-NOT-REVOKED")?.message).toBe(
      'revocation not verified: neither the OCSP responder nor a CRL gave a usable answer (tls.ocsp.status = "unreachable"; tls.crl.status = "unreachable")',
    );
    expect(result("TLS-OCSP-STATUS")?.status).toBe("fail");
  });
});
