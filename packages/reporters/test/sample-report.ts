/** A report that exercises every status, waivers, attestations and hostile server text, for golden tests. */
import { buildReport, type CheckResult, type ReportDocument, type ReportRule, type Status } from "@hardcheck/core";

/** A server banner that must stay text in every format. */
export const XSS_BANNER = "<img src=x onerror=alert(1)>";

/** The config file the sample targets are defined in, as the user named it. */
export const SAMPLE_CONFIG = "ops/hardcheck.yaml";

const source = (line: number) => ({ file: "@hardcheck/checklists/packs/demo-pack.yaml", line });

/** The rules of the sample pack, in document order (deliberately not alphabetical). */
export const sampleRules: readonly ReportRule[] = [
  {
    id: "DEMO-TLS-VERSION",
    pack: "demo-pack",
    checklistRef: "CL-1.2",
    section: "Transport security",
    title: "Only TLS 1.2 or newer is accepted",
    severity: "high",
    rationale: "Old protocol versions have known weaknesses that let an attacker read or alter traffic.",
    remediation: "Disable SSLv3, TLS 1.0 and TLS 1.1 in the server's TLS settings.",
    manual: false,
    source: source(10),
  },
  {
    id: "DEMO-BANNER",
    pack: "demo-pack",
    checklistRef: "CL-1.1",
    section: "Transport security",
    title: "The service banner does not reveal the product version",
    severity: "low",
    rationale: "A version string tells an attacker which exploits to try first.",
    remediation: "Set a neutral banner in the service configuration.",
    manual: false,
    source: source(30),
  },
  {
    id: "DEMO-RACK",
    pack: "demo-pack",
    checklistRef: "CL-2.1",
    section: "Physical security",
    title: "The server rack is locked",
    severity: "medium",
    rationale: "Physical access defeats most software controls.",
    remediation: "Lock the rack and keep the key in the key safe.",
    manual: true,
    prompt: "Is the rack locked and is the key kept in the key safe?",
    source: source(50),
  },
  {
    id: "DEMO-CERT",
    pack: "demo-pack",
    checklistRef: "CL-1.3",
    section: "Transport security",
    title: "The certificate is issued by a CA",
    severity: "critical",
    rationale: "A self-signed certificate cannot be told apart from an attacker's.",
    remediation: "Install a certificate issued by your CA together with its intermediates.",
    manual: false,
    source: source(70),
  },
];

const ruleById = new Map(sampleRules.map((rule) => [rule.id, rule]));

/** A result of the sample pack. */
export function sampleResult(ruleId: string, target: string, endpoint: string | null, status: Status, extra: Partial<CheckResult> = {}): CheckResult {
  const rule = ruleById.get(ruleId);
  if (!rule) throw new Error(`unknown sample rule ${ruleId}`);
  return {
    ruleId,
    pack: rule.pack,
    checklistRef: rule.checklistRef,
    section: rule.section,
    title: rule.title,
    severity: rule.severity,
    target,
    endpoint,
    status,
    message: `${ruleId} ${status}`,
    conditions: [],
    evidence: {},
    ...(rule.source ? { source: rule.source } : {}),
    ...extra,
  };
}

/** The sample report; `startedAt` may vary to prove outputs that must not depend on it. */
export function sampleReport(startedAt = "2026-03-01T10:00:00.000Z", results?: readonly CheckResult[]): ReportDocument {
  return buildReport({
    tool: { name: "hardcheck", version: "0.1.0" },
    startedAt,
    finishedAt: "2026-03-01T10:00:02.500Z",
    incomplete: false,
    packs: [{ id: "demo-pack", title: "Demo pack", version: "1.0.0" }],
    // Where the user's config defines them: SARIF alerts point there.
    targets: [
      {
        id: "mail",
        host: null,
        os: null,
        tags: [],
        endpoints: ["smtp://mail.example:25", "tls://mail.example:465"],
        source: { file: SAMPLE_CONFIG, line: 4 },
        endpointLines: { "smtp://mail.example:25": 6, "tls://mail.example:465": 7 },
      },
      {
        id: "pbx",
        host: "ssh://admin@pbx.example",
        os: "linux",
        tags: [],
        endpoints: ["sips://pbx.example:5061"],
        source: { file: SAMPLE_CONFIG, line: 8 },
        endpointLines: { "sips://pbx.example:5061": 11 },
      },
    ],
    results: results ?? [
      sampleResult("DEMO-TLS-VERSION", "mail", "smtp://mail.example:25", "fail", {
        message: "1 condition failed",
        conditions: [
          {
            where: "all[0]",
            fact: "tls.versions",
            operator: "notContains",
            expected: "TLSv1.0",
            actual: ["TLSv1.0", "TLSv1.2"],
            outcome: "fail",
            name: "no TLS 1.0",
          },
          { where: "all[1]", fact: "tls.versions", operator: "notContains", expected: "SSLv3", actual: ["TLSv1.0", "TLSv1.2"], outcome: "pass" },
        ],
        evidence: { "tls.versions": ["TLSv1.0", "TLSv1.2"] },
      }),
      sampleResult("DEMO-TLS-VERSION", "mail", "tls://mail.example:465", "pass", { evidence: { "tls.versions": ["TLSv1.2", "TLSv1.3"] } }),
      sampleResult("DEMO-BANNER", "mail", "smtp://mail.example:25", "fail", {
        message: `banner reveals the version: ${XSS_BANNER}`,
        conditions: [
          {
            where: "all[0]",
            fact: "smtp.banner",
            operator: "notMatches",
            expected: "\\d+\\.\\d+",
            actual: `220 ${XSS_BANNER} ESMTP Exim 4.96`,
            outcome: "fail",
          },
        ],
        evidence: { "smtp.banner": `220 ${XSS_BANNER} ESMTP Exim 4.96` },
      }),
      sampleResult("DEMO-CERT", "mail", "tls://mail.example:465", "waived", {
        message: "certificate is self-signed",
        waiver: {
          rule: "DEMO-CERT",
          target: "mail",
          reason: "Internal relay; CA certificate ordered (ticket 4711)",
          approvedBy: "CISO office",
          expires: "2026-06-30",
          expired: false,
          originalStatus: "fail",
        },
      }),
      sampleResult("DEMO-CERT", "mail", "smtp://mail.example:25", "error", { message: "connect ECONNREFUSED 127.0.0.1:25" }),
      sampleResult("DEMO-RACK", "mail", null, "manual", { message: "Is the rack locked and is the key kept in the key safe?" }),
      sampleResult("DEMO-RACK", "pbx", null, "pass", {
        message: "attested pass",
        attestation: { rule: "DEMO-RACK", target: "pbx", verdict: "pass", by: "J. Technician", at: "2026-02-27T09:30:00Z", note: "checked on site" },
      }),
      sampleResult("DEMO-BANNER", "pbx", "sips://pbx.example:5061", "not-applicable", { message: "no banner on sips" }),
      sampleResult("DEMO-TLS-VERSION", "pbx", "sips://pbx.example:5061", "pass"),
      sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail", {
        message: "certificate is self-signed",
        conditions: [{ where: "all[0]", fact: "tls.leaf", path: "selfSigned", operator: "equal", expected: false, actual: true, outcome: "fail" }],
        evidence: { "tls.leaf": { subject: "CN=pbx.example", selfSigned: true } },
      }),
    ],
    notices: [{ level: "warning", code: "HC_WAIVER_EXPIRES_SOON", message: "waiver for DEMO-CERT on mail ends in 30 days" }],
    rules: sampleRules,
  });
}

/** A golden file check: compares, or rewrites when UPDATE_GOLDEN=1. */
export async function expectGolden(path: string, actual: string): Promise<void> {
  const { readFile, writeFile, mkdir } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  const { expect } = await import("vitest");
  if (process.env.UPDATE_GOLDEN === "1") {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual);
  }
  expect(actual).toBe(await readFile(path, "utf8"));
}
