/** Small readers shared by the probes: config-file lines, key/value files, directories of snippets. */
import type { HostTransport } from "@hardcheck/core";

/** Lines without comments (`#` to the end) and surrounding blanks; empty lines dropped. */
export function meaningfulLines(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line.length > 0);
}

/** A value as written, or a number when it is one (so rules can compare `lessThanInclusive`). */
export function numberOrText(value: string): string | number {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

/** The `*.conf` files of a directory, in the order the tools read them (sorted by name). */
export async function confFilesIn(transport: HostTransport, dir: string, suffix = ".conf"): Promise<string[]> {
  const names = (await transport.listDir(dir)) ?? [];
  return names.filter((name) => name.endsWith(suffix)).map((name) => `${dir}/${name}`);
}

/** Whether a systemd unit is enabled, read from the `*.wants` symlinks in /etc/systemd/system. */
export async function unitEnabledByFiles(transport: HostTransport, unit: string): Promise<boolean> {
  const base = "/etc/systemd/system";
  const dirs = ((await transport.listDir(base)) ?? []).filter((name) => name.endsWith(".wants"));
  for (const dir of dirs) {
    if (((await transport.listDir(`${base}/${dir}`)) ?? []).includes(unit)) return true;
  }
  return false;
}

/** Installed packages from dpkg's status file (undefined when the host has no dpkg database). */
export async function dpkgInstalled(transport: HostTransport): Promise<Map<string, string> | undefined> {
  const status = await transport.readFile("/var/lib/dpkg/status");
  if (status === undefined) return undefined;
  const installed = new Map<string, string>();
  for (const stanza of status.split(/\n\n+/)) {
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    const state = /^Status:\s*(.+)$/m.exec(stanza)?.[1]?.trim();
    const version = /^Version:\s*(\S+)/m.exec(stanza)?.[1];
    if (name && version && state === "install ok installed") installed.set(name, version);
  }
  return installed;
}
