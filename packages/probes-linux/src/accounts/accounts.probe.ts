/** Accounts that share root's power or another account's identity, from /etc/passwd and /etc/group. */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";

/** Values that occur more than once among `values`, sorted, as text. */
function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated].sort();
}

/** Entries of a colon-separated account file. */
function entries(text: string | undefined): string[][] {
  return (text ?? "")
    .split("\n")
    .filter((line) => line && !line.startsWith("#") && !line.startsWith("+") && !line.startsWith("-"))
    .map((line) => line.split(":"));
}

/** The facts `accounts` produces, each with its schema and meaning. */
export const accountsFacts = defineFacts({
  "accounts.uidZero": {
    description: "names of the accounts with UID 0, sorted",
    schema: z.array(z.string()),
  },
  "accounts.duplicateUids": {
    description: 'UIDs used by more than one account, as "1000: alice, bob"',
    schema: z.array(z.string()),
  },
  "accounts.duplicateUserNames": {
    description: "user names that appear on more than one line",
    schema: z.array(z.string()),
  },
  "accounts.duplicateGids": {
    description: 'GIDs used by more than one group, as "1000: staff, users"',
    schema: z.array(z.string()),
  },
  "accounts.duplicateGroupNames": {
    description: "group names that appear on more than one line",
    schema: z.array(z.string()),
  },
});

/** UID 0 accounts and duplicate ids or names in the local account databases. */
export const accountsProbe: HostProbe = defineProbe({
  meta: {
    id: "accounts",
    description: "Reads /etc/passwd and /etc/group for accounts with UID 0 and for duplicate user and group ids and names.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: accountsFacts,
  },
  async collect(_host, _params, { transport }) {
    const passwd = await transport.readFile("/etc/passwd");
    if (passwd === undefined) throw new Error("/etc/passwd does not exist on the host: cannot list accounts");
    const users = entries(passwd);
    const groups = entries(await transport.readFile("/etc/group"));
    const sharing = (rows: string[][]) =>
      duplicates(rows.map((row) => row[2] ?? "")).map(
        (id) =>
          `${id}: ${rows
            .filter((row) => row[2] === id)
            .map((row) => row[0])
            .join(", ")}`,
      );
    return {
      facts: {
        "accounts.uidZero": users
          .filter((row) => row[2] === "0")
          .map((row) => row[0] as string)
          .sort(),
        "accounts.duplicateUids": sharing(users),
        "accounts.duplicateUserNames": duplicates(users.map((row) => row[0] as string)),
        "accounts.duplicateGids": sharing(groups),
        "accounts.duplicateGroupNames": duplicates(groups.map((row) => row[0] as string)),
      },
    };
  },
});
