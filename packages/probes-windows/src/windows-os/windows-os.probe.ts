/** Operating system caption, version, build and the Windows Server release it stands for. */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asRecord, readSection } from "../commands/powershell.js";
import { json, numberOrNull, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Windows Server releases by build number. */
export const SERVER_RELEASE_BY_BUILD: Readonly<Record<number, string>> = { 14393: "2016", 17763: "2019", 20348: "2022", 26100: "2025" };

/** The `windows.os` fact. */
export interface WindowsOsFact {
  readonly caption: string | null;
  readonly version: string | null;
  readonly build: number | null;
  readonly updateRevision: number | null;
  /** `10.0.20348.2340`-style full version (build and update revision), for version comparisons. */
  readonly fullVersion: string | null;
  /** `2016`, `2019`, `2022`, `2025`, or null for other builds. */
  readonly serverRelease: string | null;
  readonly isServer: boolean;
  readonly hostName: string | null;
  readonly lastBootUpTime: string | null;
}

/** Turns the `os` section into the `windows.os` fact. */
export function windowsOsFact(section: unknown): WindowsOsFact {
  const os = asRecord(section);
  const build = numberOrNull(os.buildNumber);
  const updateRevision = numberOrNull(os.ubr);
  const version = stringOrNull(os.version);
  return {
    caption: stringOrNull(os.caption),
    version,
    build,
    updateRevision,
    fullVersion: version && updateRevision !== null ? `${version}.${updateRevision}` : version,
    serverRelease: build !== null ? (SERVER_RELEASE_BY_BUILD[build] ?? null) : null,
    // ProductType 1 is a workstation; 2 a domain controller; 3 a server.
    isServer: numberOrNull(os.productType) !== 1,
    hostName: stringOrNull(os.hostName),
    lastBootUpTime: stringOrNull(os.lastBootUpTime),
  };
}

/** The shape of {@link WindowsOsFact}, tied to it so the two cannot drift apart. */
const windowsOsSchema = z.object({
  caption: z.string().nullable(),
  version: z.string().nullable(),
  build: z.number().nullable(),
  updateRevision: z.number().nullable(),
  fullVersion: z.string().nullable(),
  serverRelease: z.string().nullable(),
  isServer: z.boolean(),
  hostName: z.string().nullable(),
  lastBootUpTime: z.string().nullable(),
}) satisfies z.ZodType<WindowsOsFact>;

/** The facts `windows-os` produces, each with its schema and meaning. */
export const windowsOsFacts = defineFacts({
  "windows.os": {
    description: "caption, version, build, updateRevision, fullVersion, serverRelease, isServer, hostName, lastBootUpTime",
    schema: windowsOsSchema,
  },
});

/** Reads the operating system version of a Windows host. */
export const windowsOsProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-os",
    description: "Windows caption, version, build, update revision and Server release (2016/2019/2022/2025).",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsOsFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.os": json(windowsOsFact(await readSection(deps.transport, "os", deps.signal))) } };
  },
});
