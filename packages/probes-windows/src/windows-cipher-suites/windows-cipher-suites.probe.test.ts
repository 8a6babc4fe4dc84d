import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { cipherSuitesFact, windowsCipherSuitesProbe } from "./windows-cipher-suites.probe.js";

describe("windows-cipher-suites", () => {
  it.each([
    ["2019-default", true, "local"],
    ["2022-default", true, "local"],
    ["2019-hardened", false, "group-policy"],
    ["2022-hardened", false, "group-policy"],
  ] as const)("%s → 3DES suite enabled: %s (source %s)", async (set, has3des, source) => {
    const fact = (await factsOnBothPaths(windowsCipherSuitesProbe, set))["windows.tls.cipherSuites"] as { effective: string[]; source: string };
    expect(fact.effective.includes("TLS_RSA_WITH_3DES_EDE_CBC_SHA")).toBe(has3des);
    expect(fact.source).toBe(source);
  });

  it("reads a REG_MULTI_SZ policy, a one-item list PowerShell unrolled, and refuses when nothing is known", () => {
    expect(cipherSuitesFact({ suites: { name: "TLS_AES_256_GCM_SHA384" }, policyFunctions: ["A", "B"] })).toMatchObject({
      enabled: ["TLS_AES_256_GCM_SHA384"],
      effective: ["A", "B"],
    });
    expect(() => cipherSuitesFact({ suites: null, policyFunctions: null })).toThrow(/neither/);
  });
});
