/** Tells the scan which OS a `local:`, `root:` or `ssh://` host runs, before rules are planned. */
import type { DetectedOs, HostTransport } from "@hardcheck/core";
import { parseOsRelease } from "../os-release/os-release.probe.js";

/** How long `uname -s` may take before the host counts as silent. */
const UNAME_TIMEOUT_MS = 5_000;

/**
 * The OS of the host behind `transport`: os-release first (it works on a mounted image too), then
 * `uname -s` where commands run. Undefined when the host says neither — never a guess.
 */
export async function detectUnixOs(transport: HostTransport): Promise<DetectedOs | undefined> {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    let text: string | undefined;
    try {
      text = await transport.readFile(path);
    } catch {
      // A host that cannot serve the file (a Windows SSH server) falls through to uname.
      text = undefined;
    }
    if (text === undefined) continue;
    const fields = parseOsRelease(text);
    if (!fields.ID && !fields.NAME) continue;
    const name = fields.PRETTY_NAME ?? fields.NAME ?? fields.ID;
    return { family: "linux", ...(name ? { name } : {}), source: path };
  }
  if (!transport.canExec) return undefined;
  try {
    const result = await transport.exec(["uname", "-s"], { timeoutMs: UNAME_TIMEOUT_MS });
    const kernel = result.stdout.trim();
    if (result.exitCode !== 0 || !/^[A-Za-z][\w.-]{0,40}$/.test(kernel)) return undefined;
    return { family: kernel.toLowerCase(), name: kernel, source: "uname -s" };
  } catch {
    // No uname (Windows behind OpenSSH): the config's os: must say it.
    return undefined;
  }
}
