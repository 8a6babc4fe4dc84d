import { defineProbe, Hardcheck } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import {
  clientCanaryProbe,
  defaultCredentialsProbe,
  httpProbe,
  ldapProbe,
  mssqlLoginProbe,
  probes,
  rdpNegotiationProbe,
  register,
  sipProbe,
  smtpCapabilitiesProbe,
  snmpProbe,
  tcpConnectProbe,
  tdsPreloginProbe,
  tlsChainProbe,
  tlsHandshakeProbe,
  tlsOcspProbe,
  tlsVersionsSuitesProbe,
} from "./index.js";

describe("@hardcheck/probes-network", () => {
  it("lists every probe once, each passing defineProbe's checks", () => {
    expect(probes).toEqual([
      tcpConnectProbe,
      tlsHandshakeProbe,
      tlsVersionsSuitesProbe,
      tlsChainProbe,
      tlsOcspProbe,
      smtpCapabilitiesProbe,
      ldapProbe,
      tdsPreloginProbe,
      mssqlLoginProbe,
      snmpProbe,
      httpProbe,
      rdpNegotiationProbe,
      sipProbe,
      defaultCredentialsProbe,
      clientCanaryProbe,
    ]);
    expect(new Set(probes.map((probe) => probe.meta.id)).size).toBe(probes.length);
    for (const probe of probes) expect(defineProbe(probe)).toBe(probe);
  });

  it("registers each probe with the plugin context, the TLS probes built over the built-in negotiators", async () => {
    const hardcheck = await Hardcheck.create({ plugins: [register] });

    expect([...hardcheck.registry.probes.keys()]).toEqual(probes.map((probe) => probe.meta.id));
    for (const probe of probes) expect(hardcheck.registry.probes.get(probe.meta.id)?.meta).toEqual(probe.meta);
  });

  it("declares disjoint facts, so each fact has one source", () => {
    const facts = probes.flatMap((probe) => probe.meta.facts.map((fact) => fact.name));

    expect(new Set(facts).size).toBe(facts.length);
  });
});
