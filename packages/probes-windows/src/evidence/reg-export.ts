/**
 * Reads `reg export` / regedit `.reg` files and rebuilds, from the keys they hold, the sections the
 * collector would have written for the same registry data.
 */
import { REGISTRY_KEYS, REGISTRY_VALUES, type RegistryValueRef, type SectionId } from "../commands/catalog.js";
import { EvidenceError } from "./bundle.js";

/** A registry value as PowerShell would return it: DWORD/QWORD → number, SZ → string, MULTI_SZ → string[]. */
export type RegistryData = number | string | string[] | null;

/** The HKLM keys of an export (paths without the hive), with their values. */
export interface RegistrySnapshot {
  /** Lower-cased key path → key name as written and its values (lower-cased name → value). */
  readonly keys: ReadonlyMap<string, { readonly path: string; readonly values: ReadonlyMap<string, { readonly name: string; readonly data: RegistryData }> }>;
  /** Exported subtree roots: a key below one of them that is absent does not exist on the host. */
  readonly roots: readonly string[];
}

const HIVE = /^(HKEY_LOCAL_MACHINE|HKLM)\\/i;

/** True when the text starts like a `.reg` file. */
export function looksLikeRegExport(text: string): boolean {
  return /^(Windows Registry Editor Version 5\.00|REGEDIT4)/.test(text.replace(/^\uFEFF/, "").trimStart());
}

/** Parses a `.reg` file. Keys outside HKEY_LOCAL_MACHINE are ignored: no Windows fact lives there. */
export function parseRegExport(text: string, file: string): RegistrySnapshot {
  if (!looksLikeRegExport(text)) {
    throw new EvidenceError("HC_EVIDENCE_INVALID", `${file} is not a .reg export (its first line must be "Windows Registry Editor Version 5.00")`);
  }
  // A value may continue over several lines, each ending in a backslash.
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\\\r?\n\s*/g, "")
    .split(/\r?\n/);
  const keys = new Map<string, { path: string; values: Map<string, { name: string; data: RegistryData }> }>();
  let current: Map<string, { name: string; data: RegistryData }> | undefined;
  lines.forEach((line, index) => {
    const keyMatch = /^\[(-?)(.+)\]\s*$/.exec(line);
    if (keyMatch) {
      const raw = keyMatch[2] as string;
      if (keyMatch[1] === "-" || !HIVE.test(raw)) {
        current = undefined;
        return;
      }
      const path = raw.replace(HIVE, "");
      const entry = keys.get(path.toLowerCase()) ?? { path, values: new Map() };
      keys.set(path.toLowerCase(), entry);
      current = entry.values;
      return;
    }
    if (!current || line.trim() === "" || line.startsWith(";")) return;
    const valueMatch = /^(@|"((?:[^"\\]|\\.)*)")=(.*)$/.exec(line);
    if (!valueMatch) throw new EvidenceError("HC_EVIDENCE_INVALID", `${file}:${index + 1}: cannot read this line of the .reg file: ${line.slice(0, 80)}`);
    const name = valueMatch[1] === "@" ? "" : unescapeRegString(valueMatch[2] as string);
    const data = valueMatch[3] as string;
    if (data === "-") return;
    current.set(name.toLowerCase(), { name, data: decodeRegData(data, `${file}:${index + 1}`) });
  });
  const paths = [...keys.keys()];
  const roots = paths.filter((path) => !paths.some((other) => other !== path && path.startsWith(`${other}\\`)));
  return { keys, roots };
}

function unescapeRegString(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

function decodeRegData(data: string, where: string): RegistryData {
  if (data.startsWith('"')) return unescapeRegString(data.slice(1, data.lastIndexOf('"')));
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(data);
  if (dword) return Number.parseInt(dword[1] as string, 16);
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/.exec(data);
  if (hex) {
    const type = Number.parseInt(hex[1] ?? "3", 16);
    const bytes = Buffer.from(
      (hex[2] as string)
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => Number.parseInt(part, 16)),
    );
    if (type === 2 || type === 1) return bytes.toString("utf16le").replace(/\0+$/, "");
    if (type === 7) return bytes.toString("utf16le").replace(/\0+$/, "").split("\0");
    if (type === 11) return Number(bytes.readBigUInt64LE(0));
    if (type === 4) return bytes.readUInt32LE(0);
    return bytes.toString("hex");
  }
  throw new EvidenceError("HC_EVIDENCE_INVALID", `${where}: unknown .reg value type in "${data.slice(0, 40)}"`);
}

const covered = (snapshot: RegistrySnapshot, path: string) =>
  snapshot.roots.some((root) => path.toLowerCase() === root || path.toLowerCase().startsWith(`${root}\\`));
const registryValue = (snapshot: RegistrySnapshot, path: string, name: string): RegistryData | undefined =>
  snapshot.keys.get(path.toLowerCase())?.values.get(name.toLowerCase())?.data;
const subkeys = (snapshot: RegistrySnapshot, path: string): string[] => {
  const prefix = `${path.toLowerCase()}\\`;
  const names = new Set<string>();
  for (const [lower, key] of snapshot.keys) {
    if (lower.startsWith(prefix)) names.add(key.path.slice(prefix.length).split("\\")[0] as string);
  }
  return [...names].sort();
};

/**
 * The sections an export can stand in for, shaped like the collector's output. A section is only
 * built when the export covers its keys: a missing key is then known to be absent on the host.
 */
export function sectionsFromRegistry(snapshot: RegistrySnapshot): Partial<Record<SectionId, unknown>> {
  const sections: Partial<Record<SectionId, unknown>> = {};
  const values = Object.values(REGISTRY_VALUES as Record<string, RegistryValueRef>).filter((ref) => covered(snapshot, ref.key));
  if (values.length > 0) {
    sections.registry = {
      values: values.map((ref) => {
        const data = registryValue(snapshot, ref.key, ref.name);
        return { key: ref.key, name: ref.name, present: data !== undefined, value: data ?? null };
      }),
    };
  }
  const schannel = REGISTRY_KEYS.schannel;
  if (covered(snapshot, schannel)) {
    const protocols = subkeys(snapshot, `${schannel}\\Protocols`).flatMap((protocol) =>
      ["Server", "Client"]
        .filter((side) => snapshot.keys.has(`${schannel}\\Protocols\\${protocol}\\${side}`.toLowerCase()))
        .map((side) => ({
          protocol,
          side,
          enabled: registryValue(snapshot, `${schannel}\\Protocols\\${protocol}\\${side}`, "Enabled") ?? null,
          disabledByDefault: registryValue(snapshot, `${schannel}\\Protocols\\${protocol}\\${side}`, "DisabledByDefault") ?? null,
        })),
    );
    const ciphers = subkeys(snapshot, `${schannel}\\Ciphers`).map((cipher) => ({
      cipher,
      enabled: registryValue(snapshot, `${schannel}\\Ciphers\\${cipher}`, "Enabled") ?? null,
    }));
    sections.schannel = { protocols, ciphers };
  }
  if (covered(snapshot, REGISTRY_KEYS.cipherSuitePolicy)) {
    sections["cipher-suites"] = { suites: null, policyFunctions: registryValue(snapshot, REGISTRY_KEYS.cipherSuitePolicy, "Functions") ?? null };
  }
  if (covered(snapshot, REGISTRY_KEYS.sqlInstanceNames)) {
    const names = snapshot.keys.get(REGISTRY_KEYS.sqlInstanceNames.toLowerCase())?.values ?? new Map();
    sections["sql-server"] = {
      instances: [...names.values()].map(({ name, data }) => {
        const base = `${REGISTRY_KEYS.sqlServer}\\${String(data)}`;
        return {
          name,
          id: String(data),
          version: registryValue(snapshot, `${base}\\Setup`, "Version") ?? null,
          edition: registryValue(snapshot, `${base}\\Setup`, "Edition") ?? null,
          forceEncryption: registryValue(snapshot, `${base}\\MSSQLServer\\SuperSocketNetLib`, "ForceEncryption") ?? null,
          certificate: registryValue(snapshot, `${base}\\MSSQLServer\\SuperSocketNetLib`, "Certificate") ?? null,
        };
      }),
    };
  }
  if (covered(snapshot, REGISTRY_KEYS.uninstall64)) {
    const views: Array<[string, string]> = [["64", REGISTRY_KEYS.uninstall64]];
    if (covered(snapshot, REGISTRY_KEYS.uninstall32)) views.push(["32", REGISTRY_KEYS.uninstall32]);
    sections.programs = {
      programs: views.flatMap(([view, root]) =>
        subkeys(snapshot, root).flatMap((key) => {
          const name = registryValue(snapshot, `${root}\\${key}`, "DisplayName");
          if (!name) return [];
          const text = (value: RegistryData | undefined) => (value === undefined || value === null ? "" : String(value));
          return [
            {
              view,
              key,
              name: String(name),
              version: text(registryValue(snapshot, `${root}\\${key}`, "DisplayVersion")),
              publisher: text(registryValue(snapshot, `${root}\\${key}`, "Publisher")),
              installDate: text(registryValue(snapshot, `${root}\\${key}`, "InstallDate")),
            },
          ];
        }),
      ),
    };
  }
  return sections;
}
