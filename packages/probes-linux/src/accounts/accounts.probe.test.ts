import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { accountsProbe } from "./accounts.probe.js";

describe("accounts", () => {
  it.each([
    {
      name: "a clean Debian passwd",
      passwd: "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\n",
      group: "root:x:0:\nalice:x:1000:\n",
      expected: { "accounts.uidZero": ["root"], "accounts.duplicateUids": [], "accounts.duplicateUserNames": [], "accounts.duplicateGids": [] },
    },
    {
      name: "a second root and shared ids",
      passwd:
        "root:x:0:0::/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/h:/bin/sh\nbob:x:1000:1000::/h:/bin/sh\nalice:x:1001:1001::/h:/bin/sh\n",
      group: "staff:x:50:\nusers:x:50:\nstaff:x:51:\n",
      expected: {
        "accounts.uidZero": ["root", "toor"],
        "accounts.duplicateUids": ["0: root, toor", "1000: alice, bob"],
        "accounts.duplicateUserNames": ["alice"],
        "accounts.duplicateGids": ["50: staff, users"],
        "accounts.duplicateGroupNames": ["staff"],
      },
    },
  ])("$name", async ({ passwd, group, expected }) => {
    expect(factsOf(await collectOnFakeHost(accountsProbe, { files: { "/etc/passwd": passwd, "/etc/group": group } }))).toMatchObject(expected);
  });

  it("errors without /etc/passwd", async () => {
    await expect(collectOnFakeHost(accountsProbe, { files: {} })).rejects.toThrow(/passwd/);
  });
});
