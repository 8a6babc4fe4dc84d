/** SMB shares and who may write to them. */
import { defineProbe, type HostProbe } from "@hardcheck/core";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { json, lowerSet, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Share rights that allow writing. */
const WRITE_RIGHTS = new Set(["Full", "Change"]);

/** Builds `windows.shares` from the `shares` section. */
export function sharesFact(section: unknown) {
  const shares = asArray<Record<string, unknown>>(asRecord(section).shares).map((share) => {
    const access = asArray<Record<string, unknown>>(share.access).map((entry) => ({
      account: String(entry.account),
      type: String(entry.type),
      right: String(entry.right),
    }));
    return {
      name: String(share.name),
      path: String(share.path ?? ""),
      special: share.special === true,
      access,
      writableBy: access.filter((entry) => entry.type === "Allow" && WRITE_RIGHTS.has(entry.right)).map((entry) => entry.account),
    };
  });
  return json({
    shares,
    names: lowerSet(shares.map((share) => share.name)),
    writable: lowerSet(shares.filter((share) => share.writableBy.length > 0).map((share) => share.name)),
  });
}

/** Reads SMB shares and their access lists. */
export const windowsSharesProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-shares",
    description: "SMB shares (Get-SmbShare) with their share-level access lists (Get-SmbShareAccess).",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: [
      {
        name: "windows.shares",
        description: "shares[] (name, path, special, access[], writableBy), names and writable (lower-case share names anyone may change)",
      },
    ],
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.shares": sharesFact(await readSection(deps.transport, "shares", deps.signal)) } };
  },
});
