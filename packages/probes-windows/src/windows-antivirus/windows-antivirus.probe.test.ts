import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { antivirusFact, windowsAntivirusProbe } from "./windows-antivirus.probe.js";

describe("windows-antivirus", () => {
  it.each([
    ["2019-default", 0, 205],
    ["2022-hardened", 1, 0],
  ] as const)("%s → %i running, newest signature %s days old (collected 2026-11-24)", async (set, running, age) => {
    const fact = (await factsOnBothPaths(windowsAntivirusProbe, set))["windows.antivirus"] as {
      runningCount: number;
      products: Array<{ signatureAgeDays: number }>;
    };
    expect(fact.runningCount).toBe(running);
    expect(fact.products[0]?.signatureAgeDays).toBe(age);
  });

  it("decodes Security Center's productState and finds third-party products by service", () => {
    const fact = antivirusFact(
      { defender: null, securityCenter: { name: "ESET", productState: 266240 } },
      { services: [{ name: "ekrn", displayName: "ESET Service", state: "Running", startMode: "Auto" }] },
      new Date("2026-11-24T08:00:00Z"),
    );
    expect(fact).toMatchObject({
      runningCount: 2,
      newestSignatureAgeDays: null,
      products: [{ source: "security-center", running: true, signaturesUpToDate: true }, { source: "service" }],
    });
  });
});
