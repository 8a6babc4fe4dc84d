// `hardcheck scan --client-evidence FILE`: what canaries recorded of each appliance as a client decides
// the packs' client sources; a target with nothing recorded is never given an all-clear; files that
// are not client evidence, or that name what the config does not have, are refused naming the file
// and the field, printable, with no recorded secret anywhere in the output.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedClock, parseReport, type ReportDocument, resultsWithRules } from "@hardcheck/core";
import { reserveLoopbackPort } from "@hardcheck/testkit";
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
const readReport = async (out: string) => parseReport(JSON.parse(await readFile(join(dir, out, "hardcheck.json"), "utf8")), "hardcheck.json");
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
    const careless = resultsWithRules(report).find((result) => result.target === "careless" && result.ruleId === "CL-LDAP1");
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

describe("scan --listen", () => {
  /** curl as a careless mail client: STARTTLS when offered, any certificate taken; stopped by its PID after 8 s. */
  const carelessMail = (port: number) =>
    new Promise<void>((done) => {
      const child = spawn(
        "curl",
        [
          "-s",
          "--max-time",
          "5",
          "--ssl",
          "--insecure",
          `smtp://127.0.0.1:${port}`,
          "--mail-from",
          "a@site.example",
          "--mail-rcpt",
          "b@site.example",
          "--user",
          `svc:${SENT_SECRET}`,
          "--upload-file",
          "/dev/null",
        ],
        { stdio: "ignore" },
      );
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
      }, 8_000);
      child.once("close", () => {
        clearTimeout(timer);
        done();
      });
      child.once("error", () => {
        clearTimeout(timer);
        done();
      });
    });

  it("runs the canaries on the config's client endpoints for the window, then judges what the appliance did there", async () => {
    const port = await reserveLoopbackPort();
    await writeFile(
      join(dir, "listen.yaml"),
      JSON.stringify({
        packs: ["openscape-concierge-v5r0"],
        targets: [{ id: "concierge", tags: ["concierge"], endpoints: [`client-smtp://127.0.0.1:${port}`] }],
      }),
    );
    let stderr = "";
    let client: Promise<void> | undefined;
    const code = await main(
      ["scan", "-c", "listen.yaml", "--rule", "CL-SMTP1", "--listen", "4s", "--certificates", "self-signed", "-o", "listened", "--stdout", "none"],
      {
        stdout: { write: () => true },
        stderr: {
          write: (text: string) => {
            stderr += text;
            // The appliance's "test connection", once the canary says where it waits.
            if (!client && stderr.includes(`waiting for concierge to connect to smtp 127.0.0.1:${port}…`)) client = carelessMail(port);
            return true;
          },
        },
        env: { NO_COLOR: "1" },
        cwd: dir,
        clock: fixedClock("2026-11-24T08:00:00Z"),
      },
    );
    await client;
    expect(stderr).toMatch(/presenting self-signed in turn, one per connection; listening for 4 s, then the scan runs/);
    expect(stderr).toMatch(new RegExp(`smtp 127\\.0\\.0\\.1:${port} ← 127\\.0\\.0\\.1:\\d+ \\[self-signed\\]: .*went on after the self-signed certificate`));
    expect(stderr).toMatch(/window over: closing the listeners\n1 client session\(s\) recorded/);
    expect(stderr).toMatch(/reports written to listened: hardcheck\.json, client-evidence\.json/);
    expect(code).toBe(1);
    const report = await readReport("listened");
    const result = report.results.find((candidate) => candidate.ruleId === "CL-SMTP1");
    expect(result?.status).toBe("fail");
    expect(result?.message).toMatch(new RegExp(`^client client-smtp://127\\.0\\.0\\.1:${port}: .*refuses a certificate it cannot trust`));
    // What the canary recorded is kept next to the reports, in the format scan --client-evidence reads; no secret in it.
    const kept = await readFile(join(dir, "listened", "client-evidence.json"), "utf8");
    expect(JSON.parse(kept)).toMatchObject({ kind: "hardcheck-client-evidence", sessions: [{ target: "concierge", certificate: "self-signed" }] });
    expect(kept + stderr + JSON.stringify(report)).not.toContain(SENT_SECRET);
  });

  it("refuses --listen without a client endpoint to listen on, and together with --client-evidence", async () => {
    await writeFile(
      join(dir, "no-client.yaml"),
      JSON.stringify({ packs: ["openscape-concierge-v5r0"], targets: [{ id: "x", tags: ["concierge"], endpoints: ["smtp://127.0.0.1:1"] }] }),
    );
    const none = await inProcess(["scan", "-c", "no-client.yaml", "--listen", "1s", "-o", "none", "--stdout", "none"], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^HC_USAGE: --listen needs a client endpoint in the config to listen on, e\.g\. endpoints: \[client-smtp:\/\/127\.0\.0\.1:2525\]/,
    );
    const both = await inProcess(["scan", "-c", "hardcheck.yaml", "--listen", "1s", "--client-evidence", "client.json", "-o", "both", "--stdout", "none"], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^HC_USAGE: --listen records client evidence itself: give either --listen or --client-evidence, not both/);
    const bad = await inProcess(["scan", "-c", "hardcheck.yaml", "--listen", "soon", "-o", "bad-window", "--stdout", "none"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^HC_USAGE: --listen "soon": expected a duration such as 120s/);
  });
});
