/** Enabled TLS cipher suites and the group-policy order that overrides them. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.tls.cipherSuites` from the `cipher-suites` section. */
export function cipherSuitesFact(section: unknown): WindowsCipherSuitesFacts["windows.tls.cipherSuites"] {
  const raw = asRecord(section);
  const enabled = raw.suites === null || raw.suites === undefined ? null : asArray<Record<string, unknown>>(raw.suites).map((suite) => String(suite.name));
  // The policy value is REG_SZ (comma-separated) on older builds and REG_MULTI_SZ on newer ones.
  const functions = raw.policyFunctions;
  const policyOrder =
    functions === null || functions === undefined
      ? null
      : asArray<string>(functions)
          .flatMap((item) => String(item).split(","))
          .map((name) => name.trim())
          .filter(Boolean);
  if (enabled === null && policyOrder === null)
    throw new Error("the evidence has neither the enabled suite list (Get-TlsCipherSuite) nor a group-policy suite order");
  return { enabled, policyOrder, effective: policyOrder ?? enabled, source: policyOrder ? "group-policy" : "local" };
}

/** The facts `windows-cipher-suites` produces, each with its schema and meaning. */
export const windowsCipherSuitesFacts = defineFacts({
  "windows.tls.cipherSuites": {
    description: "enabled (local list or null), policyOrder (group policy or null), effective (policy order when set, else the local list), source",
    schema: z.object({
      enabled: z.array(z.string()).nullable(),
      policyOrder: z.array(z.string()).nullable(),
      effective: z.array(z.string()).nullable(),
      source: z.enum(["group-policy", "local"]),
    }),
  },
});
/** The facts `windows-cipher-suites` produces, as the collector checks them. */
export type WindowsCipherSuitesFacts = FactsOf<typeof windowsCipherSuitesFacts>;

/** Reads which TLS cipher suites Windows offers. */
export const windowsCipherSuitesProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-cipher-suites",
    description: "TLS cipher suites Windows enables (Get-TlsCipherSuite) and the group-policy suite order, which wins when set.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsCipherSuitesFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.tls.cipherSuites": cipherSuitesFact(await readSection(deps.transport, "cipher-suites", deps.signal)) } };
  },
});
