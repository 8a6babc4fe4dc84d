// The SNMP, HTTP, RDP and SIP rules of the network-baseline pack through a real scan of the protocol labs: each lab endpoint must fail exactly the rules for its defects.
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck, type ReportDocument } from "@hardcheck/core";
import {
  type KamailioLab,
  type NginxLab,
  type RdpFixture,
  type SnmpdLab,
  startKamailioLab,
  startNginxLab,
  startRdpFixture,
  startSnmpdLab,
} from "@hardcheck/labs";
import { register } from "@hardcheck/probes-network";
import { type LoopbackServer, startRefusingPort } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACK_FILE = fileURLToPath(new URL("../packs/network-baseline.yaml", import.meta.url));

const HTTP_RULES = ["NET-HTTP-REDIRECT", "NET-HTTP-BASIC-CLEARTEXT", "NET-HTTP-COOKIE-FLAGS", "NET-HTTP-DEFAULT-PAGE"] as const;

/** Per lab endpoint: the rules of its protocol that must fail; the protocol's other rules must pass. */
const EXPECTED: Readonly<Record<string, { rules: readonly string[]; failing: readonly string[] }>> = {
  "snmp-public": {
    rules: ["NET-SNMP-DEFAULT-COMMUNITY", "NET-SNMP-V1-V2C", "NET-SNMP-V3-WITHOUT-PRIV"],
    failing: ["NET-SNMP-DEFAULT-COMMUNITY", "NET-SNMP-V1-V2C"],
  },
  "snmp-v3": { rules: ["NET-SNMP-DEFAULT-COMMUNITY", "NET-SNMP-V1-V2C", "NET-SNMP-V3-WITHOUT-PRIV"], failing: [] },
  "http-redirect": { rules: HTTP_RULES, failing: [] },
  "http-closed": { rules: HTTP_RULES, failing: [] },
  "http-plain": { rules: HTTP_RULES, failing: ["NET-HTTP-REDIRECT", "NET-HTTP-COOKIE-FLAGS"] },
  "http-welcome": { rules: HTTP_RULES, failing: ["NET-HTTP-REDIRECT", "NET-HTTP-DEFAULT-PAGE"] },
  "https-site": { rules: ["NET-HTTP-HSTS", "NET-HTTP-COOKIE-FLAGS", "NET-HTTP-DEFAULT-PAGE"], failing: ["NET-HTTP-COOKIE-FLAGS"] },
  "rdp-nla": { rules: ["NET-RDP-NLA", "NET-RDP-LEGACY-SECURITY"], failing: [] },
  "rdp-negotiate": { rules: ["NET-RDP-NLA", "NET-RDP-LEGACY-SECURITY"], failing: ["NET-RDP-NLA", "NET-RDP-LEGACY-SECURITY"] },
  "sip-open": { rules: ["NET-SIP-PLAIN"], failing: ["NET-SIP-PLAIN"] },
};

let snmpPublic: SnmpdLab;
let snmpV3: SnmpdLab;
let nginx: NginxLab;
let kamailio: KamailioLab;
let refused: LoopbackServer;
const rdp: RdpFixture[] = [];
let report: ReportDocument;

beforeAll(async () => {
  [snmpPublic, snmpV3, nginx, kamailio, refused] = await Promise.all([
    startSnmpdLab("community"),
    startSnmpdLab("v3-only"),
    startNginxLab(),
    startKamailioLab(),
    startRefusingPort(),
  ]);
  const [rdpNla, rdpNegotiate] = await Promise.all([startRdpFixture("nla-required"), startRdpFixture("negotiate")]);
  rdp.push(rdpNla, rdpNegotiate);
  process.env.HC_TEST_RULES_SNMP_USER = snmpV3.v3.user;
  process.env.HC_TEST_RULES_SNMP_AUTH = snmpV3.v3.authKey;
  process.env.HC_TEST_RULES_SNMP_PRIV = snmpV3.v3.privKey;
  const config = configFromObject({
    packs: [PACK_FILE],
    targets: [
      { id: "snmp-public", endpoints: [`snmp://127.0.0.1:${snmpPublic.port}`] },
      {
        id: "snmp-v3",
        endpoints: [`snmp://127.0.0.1:${snmpV3.port}`],
        credentials: {
          "snmp.user": "env:HC_TEST_RULES_SNMP_USER",
          "snmp.authKey": "env:HC_TEST_RULES_SNMP_AUTH",
          "snmp.privKey": "env:HC_TEST_RULES_SNMP_PRIV",
        },
      },
      { id: "http-redirect", endpoints: [`http://127.0.0.1:${nginx.ports.redirect}`] },
      { id: "http-closed", endpoints: [`http://127.0.0.1:${refused.port}`] },
      { id: "http-plain", endpoints: [`http://127.0.0.1:${nginx.ports.plain}`] },
      { id: "http-welcome", endpoints: [`http://127.0.0.1:${nginx.ports.welcome}`] },
      { id: "https-site", endpoints: [`https://127.0.0.1:${nginx.ports.tls}`] },
      { id: "rdp-nla", endpoints: [`rdp://127.0.0.1:${rdpNla.port}`] },
      { id: "rdp-negotiate", endpoints: [`rdp://127.0.0.1:${rdpNegotiate.port}`] },
      { id: "sip-open", endpoints: [`sip://127.0.0.1:${kamailio.port}`] },
    ],
    limits: { connectTimeoutMs: 1_000, probeTimeoutMs: 15_000 },
  });
  const hardcheck = await Hardcheck.create({ plugins: [register], config });
  report = await hardcheck.scan(config);
}, 60_000);

afterAll(async () => {
  await Promise.all([snmpPublic?.close(), snmpV3?.close(), nginx?.close(), kamailio?.close(), refused?.close(), ...rdp.map((fixture) => fixture.close())]);
});

describe("network-baseline protocol rules against the labs", () => {
  it.each(Object.entries(EXPECTED))("%s fails exactly its defects", (target, { rules, failing }) => {
    const statuses = Object.fromEntries(report.results.filter((result) => result.target === target).map((result) => [result.ruleId, result.status]));
    const expected = Object.fromEntries(rules.map((rule) => [rule, failing.includes(rule) ? "fail" : "pass"]));

    expect(Object.fromEntries(rules.map((rule) => [rule, statuses[rule]]))).toEqual(expected);
  });
});
