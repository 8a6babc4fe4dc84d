/** Owner, group and permission bits of a file, with names resolved from the host's own /etc/passwd and /etc/group. */
import type { HostTransport, JsonObject } from "@hardcheck/core";
import { z } from "zod";

/** The shape `ownershipOf` gives a file that exists, for fact declarations. */
export const fileOwnershipSchema = z.object({
  path: z.string(),
  mode: z.string().regex(/^[0-7]{4,}$/),
  uid: z.number().int(),
  gid: z.number().int(),
  owner: z.string(),
  group: z.string(),
});

/** id → name from a passwd- or group-format file (the first entry of an id wins, as getpwuid does). */
export async function namesById(transport: HostTransport, file: "/etc/passwd" | "/etc/group"): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const line of ((await transport.readFile(file)) ?? "").split("\n")) {
    const fields = line.split(":");
    const id = Number(fields[2]);
    if (fields[0] && fields[2] !== undefined && fields[2] !== "" && Number.isInteger(id) && !names.has(id)) names.set(id, fields[0]);
  }
  return names;
}

/** `{ path, mode: "0640", owner, group, uid, gid }` of a path, or null when it does not exist. */
export async function ownershipOf(
  transport: HostTransport,
  path: string,
  users: ReadonlyMap<number, string>,
  groups: ReadonlyMap<number, string>,
): Promise<JsonObject | null> {
  const stat = await transport.stat(path);
  if (!stat) return null;
  return {
    path,
    mode: stat.mode.toString(8).padStart(4, "0"),
    uid: stat.uid,
    gid: stat.gid,
    owner: users.get(stat.uid) ?? String(stat.uid),
    group: groups.get(stat.gid) ?? String(stat.gid),
  };
}
