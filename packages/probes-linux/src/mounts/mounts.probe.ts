/**
 * Mount options of the shared writable directories (/tmp, /var/tmp, /dev/shm): the running mounts
 * on a live host, /etc/fstab on an offline root.
 */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, type JsonValue } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";

const MOUNT_POINTS = { tmp: "/tmp", varTmp: "/var/tmp", devShm: "/dev/shm" } as const;
/** systemd mounts /dev/shm itself with these options when fstab does not name it. */
const SYSTEMD_DEV_SHM = ["nosuid", "nodev"];

/** Options by mount point from fstab- or /proc/mounts-format text (the last entry for a point wins, as mounts stack). */
export function mountOptions(text: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of (text ?? "").split("\n")) {
    const fields = line.replace(/#.*$/, "").trim().split(/\s+/);
    if (fields.length < 4 || !fields[1]) continue;
    out.set(fields[1].replaceAll("\\040", " "), (fields[3] ?? "").split(",").sort());
  }
  return out;
}

/** The facts `mounts` produces, each with its schema and meaning. */
export const mountsFacts = defineFacts({
  "mounts.options": {
    description: "by mount point (tmp, varTmp, devShm): its sorted options, or null when it is not a separate mount",
    schema: z.record(z.string(), z.array(z.string()).nullable()),
  },
  "mounts.judged": {
    description: '"running mounts (/proc/self/mounts)" on local: and ssh://, "boot configuration (/etc/fstab)" over root:',
    schema: z.enum(["running mounts (/proc/self/mounts)", "boot configuration (/etc/fstab)"]),
  },
});

/** Options of /tmp, /var/tmp and /dev/shm, and where they were read. */
export const mountsProbe: HostProbe = defineProbe({
  meta: {
    id: "mounts",
    description: "Reads the mount options of /tmp, /var/tmp and /dev/shm: /proc/self/mounts on a live host, /etc/fstab on an offline root.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: mountsFacts,
  },
  async collect(_host, _params, { transport }) {
    const live = transport.kind !== "root";
    const table = mountOptions(await transport.readFile(live ? "/proc/self/mounts" : "/etc/fstab"));
    if (!live && !table.has("/dev/shm")) table.set("/dev/shm", SYSTEMD_DEV_SHM.slice().sort());
    const options: Record<string, JsonValue> = {};
    for (const [name, point] of Object.entries(MOUNT_POINTS)) options[name] = table.get(point) ?? null;
    return {
      facts: { "mounts.options": options as JsonObject, "mounts.judged": live ? "running mounts (/proc/self/mounts)" : "boot configuration (/etc/fstab)" },
    };
  },
});
