import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHardcheckError, type JsonValue, parseSource } from "@hardcheck/core";
import { ProbeTester, testEndpoint } from "@hardcheck/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canarySession, carefulClient, carelessClient, evidenceFile } from "../../test/support/canary-sessions.js";
import { clientCanaryProbe, clientEndpointsOf } from "./client-canary.probe.js";
import { clientEvidenceFromDocument, readClientEvidenceFile } from "./client-evidence-file.js";
import type { CanarySession, ClientEvidenceFile } from "./evidence.js";

const tester = new ProbeTester();

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-client-evidence-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** The client endpoint of the first (target, listener) of `evidence`, as a scan would build it. */
function endpointOf(evidence: ClientEvidenceFile) {
  const [recorded] = clientEndpointsOf(evidence, "client.json");
  if (!recorded) throw new Error("no endpoint");
  return { ...testEndpoint(recorded.url), recorded: { from: `${recorded.file} ${recorded.path}`, facts: recorded.facts } };
}

describe("client-canary", () => {
  // Given sessions recorded by a canary, when the probe reads the client endpoint, then it reports the client facts decided from them.
  it.each<{ name: string; sessions: CanarySession[]; facts: Record<string, JsonValue> }>([
    {
      name: "careful SMTP client",
      sessions: carefulClient("smtp"),
      facts: {
        "client.upgrade": { protocol: "smtp", sessions: 4, tlsSessions: 4, plainSessions: 0, credentialsBeforeTls: false, mechanismsBeforeTls: [] },
        "client.validation": {
          presented: ["site", "self-signed", "wrong-host", "expired"],
          accepted: ["site"],
          refused: ["self-signed", "wrong-host", "expired"],
          alerts: ["bad_certificate", "certificate_expired", "unknown_ca"],
          validates: true,
        },
      },
    },
    {
      name: "careless LDAP client",
      sessions: carelessClient("ldap"),
      facts: {
        "client.upgrade": { protocol: "ldap", sessions: 5, tlsSessions: 4, plainSessions: 1, credentialsBeforeTls: true, mechanismsBeforeTls: ["simple bind"] },
        "client.validation": {
          presented: ["site", "self-signed", "wrong-host", "expired"],
          accepted: ["site", "self-signed", "wrong-host", "expired"],
          refused: [],
          alerts: [],
          validates: false,
        },
      },
    },
    {
      name: "client shown only the site's certificate: validation not tested",
      sessions: [canarySession({ protocol: "https" })],
      facts: {
        "client.validation": { presented: ["site"], accepted: ["site"], refused: [], alerts: [], validates: null },
        "client.revocation": { presented: false, ocspRequested: false, crlFetched: false, checked: false },
      },
    },
    {
      name: "client that asked the canary's OCSP responder",
      sessions: [canarySession({ protocol: "sips", certificate: "revocation", ocspRequested: true, clientAlert: "certificate_revoked" })],
      facts: { "client.revocation": { presented: true, ocspRequested: true, crlFetched: false, checked: true } },
    },
  ])("reads the recorded facts of a $name", async ({ sessions, facts }) => {
    await tester.check(clientCanaryProbe, { subject: endpointOf(evidenceFile(sessions)), facts });
  });

  it("reports the union of what the ClientHellos offered", async () => {
    const facts = await tester.facts(clientCanaryProbe, endpointOf(evidenceFile(carelessClient("smtp"))));
    expect(facts["client.hello"]).toMatchObject({ sessions: 4, maxVersion: "TLSv1.2", versions: ["TLSv1", "TLSv1.1", "TLSv1.2"] });
    expect((facts["client.hello"] as { suiteClasses: string[] }).suiteClasses).toEqual(expect.arrayContaining(["3des", "rc4"]));
  });

  it("could not look at a client endpoint nothing was recorded for, and never connects to it", async () => {
    await tester.check(clientCanaryProbe, {
      subject: "client-smtp://192.0.2.1:2525",
      notApplicable: /^no client evidence was recorded for client-smtp:\/\/192\.0\.2\.1:2525 — point the appliance at a canary/,
    });
  });

  it("groups sessions by target and listener, each endpoint named after its first session", () => {
    const evidence = evidenceFile([
      ...carefulClient("smtp"),
      ...carelessClient("ldap"),
      ...carefulClient("smtp", "xpert"),
      canarySession({ protocol: "smtps" }),
    ]);
    const endpoints = clientEndpointsOf(evidence, "client.json").map(({ target, url, path }) => ({ target, url, path }));
    expect(endpoints).toEqual([
      { target: "concierge", url: "client-smtp://127.0.0.1:2525", path: "sessions[0]" },
      { target: "concierge", url: "client-ldap://127.0.0.1:3389", path: "sessions[4]" },
      { target: "xpert", url: "client-smtp://127.0.0.1:2525", path: "sessions[9]" },
      { target: "concierge", url: "client-smtps://127.0.0.1:4465", path: "sessions[13]" },
    ]);
  });
});

describe("client evidence files", () => {
  const parse = (text: string) => clientEvidenceFromDocument(parseSource(text, "client.json"));
  const valid = evidenceFile(carefulClient("smtp"));
  const edited = (edit: (data: Record<string, unknown> & { sessions: Array<Record<string, unknown>> }) => void) => {
    const data = structuredClone(valid) as unknown as Record<string, unknown> & { sessions: Array<Record<string, unknown>> };
    edit(data);
    return JSON.stringify(data, null, 2);
  };

  it("reads what listen writes", async () => {
    const file = join(workDir, "client.json");
    await writeFile(file, JSON.stringify(valid));
    expect(await readClientEvidenceFile(file, "client.json")).toEqual(valid);
  });

  it.each([
    [
      "a report instead",
      JSON.stringify({ kind: "hardcheck-report", results: [] }),
      /client\.json:\d+:\d+ kind: this is not client evidence \(kind is "hardcheck-report"\)/,
    ],
    ["a list", "[1, 2]", /client\.json:\d+:\d+ kind: this is not client evidence \(it has no kind\)/],
    ["a hostile kind", JSON.stringify({ kind: "\u001b]0;owned\u0007" }), /kind is "\\x1b\]0;owned\\x07"/],
    [
      "a newer version",
      edited((data) => {
        data.version = 2;
      }),
      /client\.json:\d+:\d+ version: expected one of 1, got 2/,
    ],
    [
      "an unknown protocol",
      edited((data) => {
        (data.sessions[1] as Record<string, unknown>).protocol = "imap";
      }),
      /sessions\[1\]\.protocol: expected one of "smtp", "smtps"/,
    ],
    [
      "a malformed date",
      edited((data) => {
        (data.sessions[2] as Record<string, unknown>).startedAt = "yesterday";
      }),
      /client\.json:\d+:\d+ sessions\[2\]\.startedAt: is not a date and time that exists — expected ISO-8601/,
    ],
    [
      "a date that does not exist",
      edited((data) => {
        (data.sessions[0] as Record<string, unknown>).endedAt = "2026-02-30T08:00:00Z";
      }),
      /sessions\[0\]\.endedAt: is not a date and time that exists/,
    ],
    [
      "a session that ends before it starts",
      edited((data) => {
        (data.sessions[3] as Record<string, unknown>).endedAt = "2026-11-24T07:00:00Z";
      }),
      /sessions\[3\]\.endedAt: the session ends \(2026-11-24T07:00:00Z\) before it starts/,
    ],
    [
      "a listener of another protocol",
      edited((data) => {
        (data.sessions[0] as Record<string, unknown>).listener = "ldap://127.0.0.1:389";
      }),
      /sessions\[0\]\.listener: "ldap:\/\/127\.0\.0\.1:389" is not a smtp listener URL/,
    ],
    [
      "a listener URL with a path",
      edited((data) => {
        (data.sessions[0] as Record<string, unknown>).listener = "smtp://127.0.0.1:2525/../x";
      }),
      /sessions\[0\]\.listener: .* is not a smtp listener URL/,
    ],
    [
      "a missing field",
      edited((data) => {
        delete (data.sessions[0] as Record<string, unknown>).hello;
      }),
      /sessions\[0\]\.hello: is required/,
    ],
  ])("refuses %s, naming the file and the field", (_name, text, message) => {
    let error: unknown;
    try {
      parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(isHardcheckError(error, "HC_EVIDENCE_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(message);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    expect((error as Error).message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it("says a file that cannot be read is unreadable, naming it", async () => {
    await expect(readClientEvidenceFile(join(workDir, "missing.json"), "missing.json")).rejects.toThrow(
      /HC_CONFIG_UNREADABLE: missing\.json: cannot read: file not found/,
    );
  });
});
