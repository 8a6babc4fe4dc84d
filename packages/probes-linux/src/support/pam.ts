/** Reading a PAM service's stack the way libpam does: `@include`, `include` and `substack` followed. */
import type { HostTransport } from "@hardcheck/core";

/** One module line of a PAM stack. */
export interface PamEntry {
  readonly type: string;
  readonly control: string;
  /** Module name without directory and `.so` (`pam_pwquality`). */
  readonly module: string;
  readonly args: readonly string[];
  /** The file the line is in. */
  readonly file: string;
}

const MAX_INCLUDE_DEPTH = 8;

/** The lines of one PAM service (or file) of a given type, includes expanded in place. */
export async function readPamStack(transport: HostTransport, service: string, type: string, depth = 0): Promise<PamEntry[]> {
  const file = service.startsWith("/") ? service : `/etc/pam.d/${service}`;
  const text = await transport.readFile(file);
  if (text === undefined || depth > MAX_INCLUDE_DEPTH) return [];
  const entries: PamEntry[] = [];
  // A backslash at the end of a line continues it.
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    if (line.startsWith("@include")) {
      const included = line.split(/\s+/)[1];
      if (included) entries.push(...(await readPamStack(transport, included, type, depth + 1)));
      continue;
    }
    const match = /^-?(\S+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!match || match[1] !== type) continue;
    const [, , control = "", modulePath = "", rest = ""] = match;
    if (control === "include" || control === "substack") {
      entries.push(...(await readPamStack(transport, modulePath, type, depth + 1)));
      continue;
    }
    const module = (modulePath.split("/").pop() ?? modulePath).replace(/\.so$/, "");
    entries.push({ type, control, module, args: rest.match(/\[[^\]]*\]|\S+/g) ?? [], file });
  }
  return entries;
}

/** `name=value` and bare-flag arguments of a module line as an object. */
export function pamArguments(args: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq > 0) out[arg.slice(0, eq)] = arg.slice(eq + 1);
    else out[arg] = true;
  }
  return out;
}

/** The PAM services that hold the password stack on Debian/Ubuntu and on Red Hat-like systems. */
export const PASSWORD_SERVICES = ["common-password", "system-auth", "password-auth", "passwd"] as const;

/** The first password service that exists, with its expanded stack. */
export async function passwordStack(transport: HostTransport): Promise<{ service: string; entries: PamEntry[] } | undefined> {
  for (const service of PASSWORD_SERVICES) {
    if ((await transport.stat(`/etc/pam.d/${service}`)) === undefined) continue;
    return { service, entries: await readPamStack(transport, service, "password") };
  }
  return undefined;
}
