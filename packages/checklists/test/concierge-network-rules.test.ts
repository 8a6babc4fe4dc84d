// The network items of the OpenScape Concierge pack through a real scan of the protocol labs: each
// item passes on the lab endpoint configured the way the checklist asks and fails on the others.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck, type ReportDocument, readSource } from "@hardcheck/core";
import { type NginxLab, type PostfixLab, type SlapdLab, type SnmpdLab, startNginxLab, startPostfixLab, startSlapdLab, startSnmpdLab } from "@hardcheck/labs";
import { register } from "@hardcheck/probes-network";
import { type LoopbackServer, startRefusingPort } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACK_FILE = fileURLToPath(new URL("../packs/openscape-concierge-v5r0.yaml", import.meta.url));

/** The items judged here; the pack's host items need the Linux and Windows probes, which this package does not know. */
const NETWORK_ITEMS = ["CL-SMTP1", "CL-EWS1", "CL-LDAP1", "CL-SNMP-V2", "CL-SNMP-V3", "CL-HTTP"];

/** Per lab target: the item it is judged on and the verdict the checklist gives it. */
const EXPECTED: ReadonlyArray<readonly [target: string, rule: string, status: string]> = [
  ["ldap-locked", "CL-LDAP1", "pass"],
  ["ldaps-locked", "CL-LDAP1", "pass"],
  ["ldap-open", "CL-LDAP1", "fail"],
  ["ldaps-open", "CL-LDAP1", "fail"],
  ["smtp-auth-after-tls", "CL-SMTP1", "pass"],
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
      concierge("ldap-open", [`ldap://127.0.0.1:${ldapOpen.ldapPort}`]),
      concierge("ldaps-open", [`ldaps://localhost:${ldapOpen.ldapsPort}`]),
      concierge("smtp-auth-after-tls", [`smtp://127.0.0.1:${postfix.ports["auth-after-tls"]}`]),
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
      concierge("http-redirect", [{ url: `http://127.0.0.1:${nginx.ports.redirect}`, tags: ["ews"] }]),
      concierge("http-closed", [`http://127.0.0.1:${refused.port}`]),
      concierge("http-plain", [{ url: `http://127.0.0.1:${nginx.ports.plain}`, tags: ["ews"] }]),
    ],
    limits: { connectTimeoutMs: 1_000, probeTimeoutMs: 15_000 },
  });
  const hardcheck = await Hardcheck.create({ plugins: [register], config });
  report = await hardcheck.scan(config);
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
});
