/** SQL Server instances on the host and whether each forces encryption. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe, verifiedAbsent } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { numberOrNull, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.sqlServer` from the `sql-server` section. */
export function sqlServerFact(section: unknown): WindowsSqlServerFacts["windows.sqlServer"] {
  const instances = asArray<Record<string, unknown>>(asRecord(section).instances).map((instance) => ({
    name: String(instance.name),
    id: String(instance.id),
    version: stringOrNull(instance.version),
    edition: stringOrNull(instance.edition),
    forceEncryption: numberOrNull(instance.forceEncryption) === 1,
    certificateThumbprint: stringOrNull(instance.certificate)?.toLowerCase() ?? null,
  }));
  return {
    installed: instances.length > 0,
    instanceCount: instances.length,
    instances,
    withoutForceEncryption: instances.filter((instance) => !instance.forceEncryption).map((instance) => instance.name),
  };
}

/** The facts `windows-sql-server` produces, each with its schema and meaning. */
export const windowsSqlServerFacts = defineFacts({
  "windows.sqlServer": {
    description: "installed, instanceCount, instances[] (name, id, version, edition, forceEncryption, certificateThumbprint), withoutForceEncryption",
    schema: z.object({
      installed: z.boolean(),
      instanceCount: z.number(),
      instances: z.array(
        z.object({
          name: z.string(),
          id: z.string(),
          version: z.string().nullable(),
          edition: z.string().nullable(),
          forceEncryption: z.boolean(),
          certificateThumbprint: z.string().nullable(),
        }),
      ),
      withoutForceEncryption: z.array(z.string()),
    }),
  },
});
/** The facts `windows-sql-server` produces, as the collector checks them. */
export type WindowsSqlServerFacts = FactsOf<typeof windowsSqlServerFacts>;

/** Reads SQL Server instances and their encryption settings. */
export const windowsSqlServerProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-sql-server",
    description:
      "SQL Server instances (registry), each with version, edition, ForceEncryption and certificate thumbprint. With absentWhenNone: true, a host without instances is reported verified absent.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsSqlServerFacts,
  },
  async collect(_host, params, deps) {
    const fact = sqlServerFact(await readSection(deps.transport, "sql-server", deps.signal));
    // A rule about the settings of installed instances asks for this: with none, there is nothing to judge.
    if (params.absentWhenNone === true && (fact as { instanceCount?: unknown }).instanceCount === 0)
      return verifiedAbsent("no SQL Server instance is installed on the host");
    return { facts: { "windows.sqlServer": fact } };
  },
});
