/** SCHANNEL protocol and cipher switches, with the OS default filled in where no key is set. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { numberOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";
import { windowsOsFact } from "../windows-os/windows-os.probe.js";

/** Protocols hardcheck reports on, oldest first. */
export const SCHANNEL_PROTOCOLS = ["SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"] as const;
/** Cipher keys under SCHANNEL\Ciphers that hardcheck reports on. */
export const SCHANNEL_CIPHERS = [
  "NULL",
  "DES 56/56",
  "RC2 40/128",
  "RC2 56/128",
  "RC2 128/128",
  "RC4 40/128",
  "RC4 56/128",
  "RC4 64/128",
  "RC4 128/128",
  "Triple DES 168",
  "AES 128/128",
  "AES 256/256",
] as const;

/**
 * Whether a protocol is on when no registry key says otherwise, by Server release (Microsoft's
 * "Protocols in TLS/SSL (Schannel SSP)" table). Server and client sides share the defaults.
 */
const PROTOCOL_DEFAULTS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  "2016": { "SSL 2.0": false, "SSL 3.0": false, "TLS 1.0": true, "TLS 1.1": true, "TLS 1.2": true, "TLS 1.3": false },
  "2019": { "SSL 2.0": false, "SSL 3.0": false, "TLS 1.0": true, "TLS 1.1": true, "TLS 1.2": true, "TLS 1.3": false },
  "2022": { "SSL 2.0": false, "SSL 3.0": false, "TLS 1.0": true, "TLS 1.1": true, "TLS 1.2": true, "TLS 1.3": true },
};
/** No default cipher suite of Server 2016–2022 uses these; 3DES stays in the default list. */
const CIPHER_OFF_BY_DEFAULT = new Set([
  "NULL",
  "DES 56/56",
  "RC2 40/128",
  "RC2 56/128",
  "RC2 128/128",
  "RC4 40/128",
  "RC4 56/128",
  "RC4 64/128",
  "RC4 128/128",
]);

/** How a switch's state was found. */
export type SwitchSource = "registry" | "os-default" | "unknown-default";

/** One protocol on one side. */
export interface ProtocolState {
  readonly protocol: string;
  /** False only when `Enabled` is 0, or the key is absent and the OS default is off. Unknown defaults count as on. */
  readonly enabled: boolean;
  readonly source: SwitchSource;
  readonly enabledValue: number | null;
  readonly disabledByDefault: number | null;
}

/** Builds both SCHANNEL facts from the `schannel` and `os` sections. */
export function schannelFacts(section: unknown, osSection: unknown): WindowsSchannelFacts {
  const raw = asRecord(section);
  const release = windowsOsFact(osSection).serverRelease;
  const defaults = release ? PROTOCOL_DEFAULTS[release] : undefined;
  const entries = asArray<Record<string, unknown>>(raw.protocols);
  const side = (name: "Server" | "Client"): ProtocolState[] => {
    const found = entries.filter((entry) => String(entry.side).toLowerCase() === name.toLowerCase());
    const names = [...new Set([...SCHANNEL_PROTOCOLS, ...found.map((entry) => String(entry.protocol))])];
    return names.map((protocol) => {
      const entry = found.find((candidate) => String(candidate.protocol).toLowerCase() === protocol.toLowerCase());
      const enabledValue = numberOrNull(entry?.enabled);
      const disabledByDefault = numberOrNull(entry?.disabledByDefault);
      if (enabledValue !== null) return { protocol, enabled: enabledValue !== 0, source: "registry", enabledValue, disabledByDefault };
      const byDefault = defaults?.[protocol];
      return byDefault === undefined
        ? { protocol, enabled: true, source: "unknown-default", enabledValue, disabledByDefault }
        : { protocol, enabled: byDefault, source: "os-default", enabledValue, disabledByDefault };
    });
  };
  const server = side("Server");
  const client = side("Client");
  const cipherEntries = asArray<Record<string, unknown>>(raw.ciphers);
  const ciphers = [...new Set([...SCHANNEL_CIPHERS, ...cipherEntries.map((entry) => String(entry.cipher))])].map((cipher) => {
    const value = numberOrNull(cipherEntries.find((entry) => String(entry.cipher).toLowerCase() === cipher.toLowerCase())?.enabled);
    if (value !== null) return { cipher, enabled: value !== 0, source: "registry" as SwitchSource, enabledValue: value };
    return { cipher, enabled: !CIPHER_OFF_BY_DEFAULT.has(cipher), source: (release ? "os-default" : "unknown-default") as SwitchSource, enabledValue: null };
  });
  const on = (states: ReadonlyArray<{ enabled: boolean }>, key: "protocol" | "cipher") =>
    states.filter((state) => state.enabled).map((state) => String((state as unknown as Record<string, unknown>)[key]));
  return {
    "windows.schannel.protocols": {
      serverRelease: release,
      server,
      client,
      serverEnabled: on(server, "protocol"),
      clientEnabled: on(client, "protocol"),
    },
    "windows.schannel.ciphers": { serverRelease: release, ciphers, enabled: on(ciphers, "cipher").sort() },
  };
}

/** The shape of {@link ProtocolState}, tied to it so the two cannot drift apart. */
const protocolStateSchema = z.object({
  protocol: z.string(),
  enabled: z.boolean(),
  source: z.enum(["registry", "os-default", "unknown-default"]),
  enabledValue: z.number().nullable(),
  disabledByDefault: z.number().nullable(),
}) satisfies z.ZodType<ProtocolState>;

/** The facts `windows-schannel` produces, each with its schema and meaning. */
export const windowsSchannelFacts = defineFacts({
  "windows.schannel.protocols": {
    description: "per side: protocol, enabled, source (registry/os-default/unknown-default); serverEnabled and clientEnabled name lists",
    schema: z.object({
      serverRelease: z.string().nullable(),
      server: z.array(protocolStateSchema),
      client: z.array(protocolStateSchema),
      serverEnabled: z.array(z.string()),
      clientEnabled: z.array(z.string()),
    }),
  },
  "windows.schannel.ciphers": {
    description: "per SCHANNEL cipher: enabled and source; enabled lists the ciphers that are on",
    schema: z.object({
      serverRelease: z.string().nullable(),
      ciphers: z.array(
        z.object({
          cipher: z.string(),
          enabled: z.boolean(),
          source: z.enum(["registry", "os-default", "unknown-default"]),
          enabledValue: z.number().nullable(),
        }),
      ),
      enabled: z.array(z.string()),
    }),
  },
});
/** The facts `windows-schannel` produces, as the collector checks them. */
export type WindowsSchannelFacts = FactsOf<typeof windowsSchannelFacts>;

/** Reads SCHANNEL protocol and cipher settings. */
export const windowsSchannelProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-schannel",
    description: "SCHANNEL protocol switches (server and client side) and cipher switches; absent keys take the Server release's default.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsSchannelFacts,
  },
  async collect(_host, _params, deps) {
    const [section, os] = await Promise.all([readSection(deps.transport, "schannel", deps.signal), readSection(deps.transport, "os", deps.signal)]);
    return { facts: schannelFacts(section, os) };
  },
});
