// `hardcheck scan --client-evidence FILE`: what canaries recorded of each appliance as a client decides
// the packs' client sources; a target with nothing recorded is never given an all-clear; files that
// are not client evidence, or that name what the config does not have, are refused naming the file
// and the field, printable, with no recorded secret anywhere in the output.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReportDocument } from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canarySession, carefulClient, carelessClient, evidenceFile } from "../../probes-network/test/support/canary-sessions.js";
import { main } from "../src/program.js";

/** Runs the CLI in-process with captured streams. */
async function inProcess(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
    cwd,
  });
  return { code, stdout, stderr };
}

/** A password-like string a careless client sent before TLS; the canary keeps it out of the file, and a hostile file that carries it must not leak it. */
const SENT_SECRET = "Winter2026!relay-password";

let dir = "";
const readReport = async (out: string) => JSON.parse(await readFile(join(dir, out, "hardcheck.json"), "utf8")) as ReportDocument;
const statusOf = (report: ReportDocument, target: string, rule: string) =>
  report.results.find((result) => result.target === target && result.ruleId === rule)?.status;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hardcheck-client-evidence-cli-"));
  // Each appliance's config names the canary it was pointed at for mail; the evidence fills it in and adds the others.
  const concierge = (id: string) => ({ id, tags: ["concierge"], endpoints: ["client-smtp://127.0.0.1:2525"] });
  await writeFile(
    join(dir, "hardcheck.yaml"),
    JSON.stringify({
      packs: ["openscape-concierge-v5r0", "client-site.yaml"],
      targets: [concierge("careful"), concierge("careless"), concierge("unrecorded")],
    }),
  );
  // A site rule that reads the client facts alone: it passes on evidence, so the exit code can be 0.
  await writeFile(
    join(dir, "client-site.yaml"),
    [
      "id: client-site",
      "title: Site rules on client evidence",
      "version: 1.0.0",
      "rules:",
      "  - id: SITE-MAIL-CLIENT-TLS",
      "    title: The appliance sends mail over TLS only",
      "    severity: high",
      "    rationale: Mail credentials must not cross the site network in clear text.",
      "    remediation: Require STARTTLS in the appliance's mail settings.",
      "    prompt: Does the appliance send mail over TLS only?",
      "    scope: { schemes: [client-smtp] }",
      "    conditions:",
      "      all:",
      "        - { fact: client.upgrade, path: plainSessions, operator: equal, value: 0 }",
      "        - { fact: client.upgrade, path: credentialsBeforeTls, operator: equal, value: false }",
      "",
    ].join("\n"),
  );
  const careless = carelessClient("smtp", "careless").map((session) => ({ ...session, transcript: ["EHLO appliance", "AUTH PLAIN [secret]"] }));
  await writeFile(
    join(dir, "client.json"),
    JSON.stringify(
      evidenceFile([...carefulClient("smtp", "careful"), ...carefulClient("ldaps", "careful"), ...careless, ...carelessClient("ldap", "careless")]),
    ),
  );
  const hostile = evidenceFile([...carelessClient("smtp", "careless")]);
  hostile.sessions[0] = { ...(hostile.sessions[0] as (typeof hostile.sessions)[number]), transcript: [`AUTH PLAIN ${SENT_SECRET}`] };
  await writeFile(join(dir, "hostile-transcript.json"), JSON.stringify(hostile));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("scan --client-evidence", () => {
  it("judges each target's client sources from what the canaries recorded, and nothing passes unrecorded", async () => {
    const run = await inProcess(
      [
        "scan",
        "-c",
        "hardcheck.yaml",
        "--rule",
        "CL-SMTP1",
        "--rule",
        "CL-LDAP1",
        "--rule",
        "SITE-MAIL-CLIENT-TLS",
        "--client-evidence",
        "client.json",
        "-o",
        "with",
        "--stdout",
        "none",
      ],
      dir,
    );
    expect(run.stderr).not.toMatch(/HC_/);
    expect(run.code).toBe(1);
    const report = await readReport("with");
    expect(report.targets.find((target) => target.id === "careful")?.endpoints).toEqual(["client-ldaps://127.0.0.1:3636", "client-smtp://127.0.0.1:2525"]);
    expect(
      ["careful", "careless", "unrecorded"].map((target) => [
        target,
        statusOf(report, target, "CL-SMTP1"),
        statusOf(report, target, "CL-LDAP1"),
        statusOf(report, target, "SITE-MAIL-CLIENT-TLS"),
      ]),
    ).toEqual([
      // The mail and directory servers were not scanned here: the careful client alone cannot pass the items.
      ["careful", "manual", "manual", "pass"],
      ["careless", "fail", "fail", "fail"],
      // Nothing recorded: the client source was not checked, which the item says; the site rule could not look either.
      ["unrecorded", "manual", "manual", "manual"],
    ]);
    const unrecorded = report.results.find((result) => result.target === "unrecorded" && result.ruleId === "CL-SMTP1");
    expect(unrecorded?.message).toMatch(
      /not checked automatically: client client-smtp:\/\/127\.0\.0\.1:2525, network\) — checked: none; not checked: client client-smtp:\/\/127\.0\.0\.1:2525 \(no client evidence was recorded for client-smtp:\/\/127\.0\.0\.1:2525/,
    );
    const careless = report.results.find((result) => result.target === "careless" && result.ruleId === "CL-LDAP1");
    expect(careless?.message).toMatch(/^client client-ldap:\/\/127\.0\.0\.1:3389: /);
    expect(careless?.evidence["client client-ldap://127.0.0.1:3389"]).toMatchObject({
      "client.upgrade": { credentialsBeforeTls: true, mechanismsBeforeTls: ["simple bind"] },
    });
  });

  it("without the file, the same items wait for a person instead of passing", async () => {
    const run = await inProcess(
      ["scan", "-c", "hardcheck.yaml", "--rule", "CL-SMTP1", "--rule", "SITE-MAIL-CLIENT-TLS", "-o", "without", "--stdout", "none"],
      dir,
    );
    expect(run.stderr).not.toMatch(/HC_/);
    expect(run.code).toBe(0);
    const report = await readReport("without");
    expect(report.results.filter((result) => result.ruleId === "CL-SMTP1").map((result) => result.status)).toEqual(["manual", "manual", "manual"]);
    expect(report.results.filter((result) => result.ruleId === "SITE-MAIL-CLIENT-TLS").map((result) => result.status)).toEqual(["manual", "manual", "manual"]);
  });

  it("never carries what a client said into a report, even when a hostile file records it", async () => {
    const run = await inProcess(
      [
        "scan",
        "-c",
        "hardcheck.yaml",
        "--rule",
        "CL-SMTP1",
        "--client-evidence",
        "hostile-transcript.json",
        "-o",
        "hostile",
        "-f",
        "json,console,junit,sarif,html,markdown",
        "--stdout",
        "console",
      ],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(SENT_SECRET);
    for (const file of ["hardcheck.json", "hardcheck.html", "hardcheck.sarif", "hardcheck.junit.xml", "hardcheck.md"]) {
      const text = await readFile(join(dir, "hostile", file), "utf8").catch(() => "");
      expect(text, file).not.toContain(SENT_SECRET);
    }
  });

  it.each([
    [
      "a report instead of client evidence",
      { kind: "hardcheck-report", results: [] },
      /^HC_EVIDENCE_INVALID: bad\.json:1:\d+ kind: this is not client evidence \(kind is "hardcheck-report"\)/,
    ],
    [
      "a session naming a target the config does not have",
      evidenceFile([...carefulClient("smtp", "careful"), canarySession({ protocol: "ldap", target: "carefull" })]),
      /^HC_EVIDENCE_INVALID: bad\.json sessions\[4\]: target "carefull" is not in the config — expected one of careful, careless, unrecorded — did you mean "careful"\?/,
    ],
    [
      "a target name with terminal escapes",
      evidenceFile([canarySession({ target: "\u001b]0;pwned\u0007" })]),
      /^HC_EVIDENCE_INVALID: bad\.json sessions\[0\]: target "\\x1b\]0;pwned\\x07" is not in the config/,
    ],
    [
      "a malformed date",
      { ...evidenceFile(carefulClient("smtp", "careful")), recordedAt: "5 December" },
      /^HC_EVIDENCE_INVALID: bad\.json:1:\d+ recordedAt: is not a date and time that exists/,
    ],
  ])("refuses %s, naming the file and the field (exit 2)", async (_name, content, message) => {
    await writeFile(join(dir, "bad.json"), JSON.stringify(content));
    const run = await inProcess(["scan", "-c", "hardcheck.yaml", "--client-evidence", "bad.json", "-o", "bad", "--stdout", "none"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it("says a missing file is unreadable", async () => {
    const run = await inProcess(["scan", "-c", "hardcheck.yaml", "--client-evidence", "nowhere.json", "-o", "missing", "--stdout", "none"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^HC_CONFIG_UNREADABLE: nowhere\.json: cannot read: file not found/);
  });
});
