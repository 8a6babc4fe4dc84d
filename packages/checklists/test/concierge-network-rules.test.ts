// The network items of the OpenScape Concierge pack through a real scan of the protocol labs: each
// item passes on the lab endpoint configured the way the checklist asks and fails on the others. Items
// about the Concierge's own connections also read what a canary recorded of it as a client: with a
// careful client they pass, with a careless one they fail, and without client evidence they wait for
// a person (never pass).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck, type ReportDocument, readSource } from "@hardcheck/core";
import { type NginxLab, type PostfixLab, type SlapdLab, type SnmpdLab, startNginxLab, startPostfixLab, startSlapdLab, startSnmpdLab } from "@hardcheck/labs";
import { clientEndpointsOf, register } from "@hardcheck/probes-network";
import { type LoopbackServer, startRefusingPort } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canarySession, carefulClient, carelessClient, evidenceFile } from "../../probes-network/test/support/canary-sessions.js";

const PACK_FILE = fileURLToPath(new URL("../packs/openscape-concierge-v5r0.yaml", import.meta.url));

/** The items judged here; the pack's host items need the Linux and Windows probes, which this package does not know. */
const NETWORK_ITEMS = ["CL-SMTP1", "CL-EWS1", "CL-LDAP1", "CL-SNMP-V2", "CL-SNMP-V3", "CL-HTTP"];

/** Per lab target: the item it is judged on and the verdict the checklist gives it. */
const EXPECTED: ReadonlyArray<readonly [target: string, rule: string, status: string]> = [
  ["ldap-locked", "CL-LDAP1", "pass"],
  ["ldaps-locked", "CL-LDAP1", "pass"],
  ["ldap-locked-careless-client", "CL-LDAP1", "fail"],
  ["ldap-locked-no-client-evidence", "CL-LDAP1", "manual"],
  ["ldap-open", "CL-LDAP1", "fail"],
  ["ldaps-open", "CL-LDAP1", "fail"],
  ["smtp-auth-after-tls", "CL-SMTP1", "pass"],
  ["smtp-auth-after-tls-careless-client", "CL-SMTP1", "fail"],
  ["smtp-auth-after-tls-validation-unseen", "CL-SMTP1", "manual"],
  ["smtp-auth-in-clear", "CL-SMTP1", "fail"],
  ["smtp-no-starttls", "CL-SMTP1", "fail"],
  ["snmp-v3", "CL-SNMP-V3", "pass"],
  ["snmp-v3", "CL-SNMP-V2", "pass"],
  ["snmp-public", "CL-SNMP-V3", "fail"],
  ["snmp-public", "CL-SNMP-V2", "fail"],
  ["http-redirect", "CL-HTTP", "pass"],
  ["http-closed", "CL-HTTP", "pass"],
  ["http-plain", "CL-HTTP", "fail"],
  ["http-redirect", "CL-EWS1", "pass"],
  ["http-redirect-untagged-client", "CL-EWS1", "manual"],
  ["http-plain", "CL-EWS1", "fail"],
];

let ldapLocked: SlapdLab;
let ldapOpen: SlapdLab;
let postfix: PostfixLab;
let snmpPublic: SnmpdLab;
let snmpV3: SnmpdLab;
let nginx: NginxLab;
let refused: LoopbackServer;
let report: ReportDocument;
let workDir = "";

beforeAll(async () => {
  [ldapLocked, ldapOpen, postfix, snmpPublic, snmpV3, nginx, refused] = await Promise.all([
    startSlapdLab("locked"),
    startSlapdLab("open"),
    startPostfixLab(),
    startSnmpdLab("community"),
    startSnmpdLab("v3-only"),
    startNginxLab(),
    startRefusingPort(),
  ]);
  process.env.HC_TEST_CONCIERGE_SNMP_USER = snmpV3.v3.user;
  process.env.HC_TEST_CONCIERGE_SNMP_AUTH = snmpV3.v3.authKey;
  process.env.HC_TEST_CONCIERGE_SNMP_PRIV = snmpV3.v3.privKey;
  const concierge = (id: string, endpoints: Array<string | { url: string; tags: string[] }>, extra: Record<string, unknown> = {}) => ({
    id,
    tags: ["concierge"],
    endpoints,
    ...extra,
  });
  // The pack's network items, copied unchanged into a pack of their own.
  const pack = (await readSource(PACK_FILE)).data as { rules: Array<{ id: string }> };
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-concierge-net-"));
  const packFile = join(workDir, "concierge-network-items.json");
  await writeFile(packFile, JSON.stringify({ ...pack, id: "concierge-network-items", rules: pack.rules.filter((rule) => NETWORK_ITEMS.includes(rule.id)) }));
  const config = configFromObject({
    packs: [packFile],
    targets: [
      concierge("ldap-locked", [`ldap://127.0.0.1:${ldapLocked.ldapPort}`]),
      concierge("ldaps-locked", [`ldaps://localhost:${ldapLocked.ldapsPort}`]),
      concierge("ldap-locked-careless-client", [`ldap://127.0.0.1:${ldapLocked.ldapPort}`]),
      concierge("ldap-locked-no-client-evidence", [`ldap://127.0.0.1:${ldapLocked.ldapPort}`]),
      concierge("ldap-open", [`ldap://127.0.0.1:${ldapOpen.ldapPort}`]),
      concierge("ldaps-open", [`ldaps://localhost:${ldapOpen.ldapsPort}`]),
      concierge("smtp-auth-after-tls", [`smtp://127.0.0.1:${postfix.ports["auth-after-tls"]}`]),
      concierge("smtp-auth-after-tls-careless-client", [`smtp://127.0.0.1:${postfix.ports["auth-after-tls"]}`]),
      concierge("smtp-auth-after-tls-validation-unseen", [`smtp://127.0.0.1:${postfix.ports["auth-after-tls"]}`]),
      concierge("smtp-auth-in-clear", [`smtp://127.0.0.1:${postfix.ports["auth-in-clear"]}`]),
      concierge("smtp-no-starttls", [`smtp://127.0.0.1:${postfix.ports["no-starttls"]}`]),
      concierge("snmp-public", [`snmp://127.0.0.1:${snmpPublic.port}`]),
      concierge("snmp-v3", [`snmp://127.0.0.1:${snmpV3.port}`], {
        credentials: {
          "snmp.user": "env:HC_TEST_CONCIERGE_SNMP_USER",
          "snmp.authKey": "env:HC_TEST_CONCIERGE_SNMP_AUTH",
          "snmp.privKey": "env:HC_TEST_CONCIERGE_SNMP_PRIV",
        },
      }),
      // The canary the Concierge was given as its EWS URL: the config tags the client endpoint with its role.
      concierge("http-redirect", [
        { url: `http://127.0.0.1:${nginx.ports.redirect}`, tags: ["ews"] },
        { url: "client-https://127.0.0.1:8443", tags: ["ews"] },
      ]),
      concierge("http-redirect-untagged-client", [{ url: `http://127.0.0.1:${nginx.ports.redirect}`, tags: ["ews"] }]),
      concierge("http-closed", [`http://127.0.0.1:${refused.port}`]),
      concierge("http-plain", [{ url: `http://127.0.0.1:${nginx.ports.plain}`, tags: ["ews"] }]),
    ],
    limits: { connectTimeoutMs: 1_000, probeTimeoutMs: 15_000 },
  });
  // What canaries recorded of each target as a client (the sessions listen would write).
  const sessions = [
    ...carefulClient("ldap", "ldap-locked"),
    ...carefulClient("ldaps", "ldaps-locked"),
    ...carelessClient("ldap", "ldap-locked-careless-client"),
    ...carefulClient("smtp", "smtp-auth-after-tls"),
    ...carelessClient("smtp", "smtp-auth-after-tls-careless-client"),
    canarySession({ protocol: "smtp", target: "smtp-auth-after-tls-validation-unseen" }),
    ...carefulClient("https", "http-redirect"),
    ...carefulClient("https", "http-redirect-untagged-client"),
  ];
  const hardcheck = await Hardcheck.create({ plugins: [register], config });
  report = await hardcheck.scan(config, { selection: { recordedEndpoints: clientEndpointsOf(evidenceFile(sessions), "client.json") } });
}, 90_000);

afterAll(async () => {
  await Promise.all([ldapLocked?.close(), ldapOpen?.close(), postfix?.close(), snmpPublic?.close(), snmpV3?.close(), nginx?.close(), refused?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("Concierge network items against the protocol labs", () => {
  it.each(EXPECTED)("%s: %s → %s", (target, rule, status) => {
    const result = report.results.find((candidate) => candidate.target === target && candidate.ruleId === rule);
    expect(`${result?.status}: ${result?.message}`).toMatch(new RegExp(`^${status}: `));
  });

  it.each([
    ["ldap-locked-careless-client", "CL-LDAP1", /^client client-ldap:\/\/127\.0\.0\.1:3389: .*every session went to TLS.*no simple bind before TLS/],
    [
      "smtp-auth-after-tls-careless-client",
      "CL-SMTP1",
      /^client client-smtp:\/\/127\.0\.0\.1:2525: .*no AUTH before TLS.*TLS 1\.2 or newer only.*no weak suite offered.*refuses a certificate it cannot trust/,
    ],
    ["ldap-locked-no-client-evidence", "CL-LDAP1", /\(not checked automatically: client\) — checked: network ldap:/],
    [
      "smtp-auth-after-tls-validation-unseen",
      "CL-SMTP1",
      /not checked: client client-smtp:\/\/127\.0\.0\.1:2525 \(the canary presented no certificate the Concierge must refuse/,
    ],
    ["http-redirect-untagged-client", "CL-EWS1", /client \(no endpoint of this target can be assessed by this source \(tagged ews\)\)/],
  ])("%s: %s says what the client side showed or that it was not checked", (target, rule, message) => {
    const result = report.results.find((candidate) => candidate.target === target && candidate.ruleId === rule);
    expect(result?.message).toMatch(message);
  });
});
