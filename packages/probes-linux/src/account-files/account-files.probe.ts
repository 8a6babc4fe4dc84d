/** Owner, group and mode of the account databases: passwd, shadow, group, gshadow. */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, type JsonValue } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { fileOwnershipSchema, namesById, ownershipOf } from "../support/ownership.js";

const ACCOUNT_FILES = { passwd: "/etc/passwd", shadow: "/etc/shadow", group: "/etc/group", gshadow: "/etc/gshadow" } as const;

/** The facts `account-files` produces, each with its schema and meaning. */
export const accountFilesFacts = defineFacts({
  "accountFiles.ownership": {
    description:
      'by file (passwd, shadow, group, gshadow): { path, mode ("0640"), uid, gid, owner, group } with names from the host\'s own files; null when missing',
    schema: z.record(z.string(), fileOwnershipSchema.nullable()),
  },
});

/** Ownership of /etc/passwd, /etc/shadow, /etc/group and /etc/gshadow. */
export const accountFilesProbe: HostProbe = defineProbe({
  meta: {
    id: "account-files",
    description: "Reads owner, group and permission bits of /etc/passwd, /etc/shadow, /etc/group and /etc/gshadow.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: accountFilesFacts,
  },
  async collect(_host, _params, { transport }) {
    const users = await namesById(transport, "/etc/passwd");
    const groups = await namesById(transport, "/etc/group");
    const ownership: Record<string, JsonValue> = {};
    for (const [name, path] of Object.entries(ACCOUNT_FILES)) ownership[name] = await ownershipOf(transport, path, users, groups);
    return { facts: { "accountFiles.ownership": ownership as JsonObject } };
  },
});
