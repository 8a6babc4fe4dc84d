import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { accountFilesProbe } from "./account-files.probe.js";

describe("account-files", () => {
  it("reports mode as octal text and resolves names from the host's files", async () => {
    const facts = factsOf(
      await collectOnFakeHost(accountFilesProbe, {
        files: { "/etc/passwd": "root:x:0:0::/root:/bin/bash\n", "/etc/group": "root:x:0:\nshadow:x:42:\n", "/etc/shadow": "root:*::::::::\n" },
        owners: { "/etc/shadow": { mode: 0o640, gid: 42 }, "/etc/passwd": { mode: 0o666 } },
      }),
    );
    expect(facts["accountFiles.ownership"]).toEqual({
      passwd: { path: "/etc/passwd", mode: "0666", uid: 0, gid: 0, owner: "root", group: "root" },
      shadow: { path: "/etc/shadow", mode: "0640", uid: 0, gid: 42, owner: "root", group: "shadow" },
      group: { path: "/etc/group", mode: "0644", uid: 0, gid: 0, owner: "root", group: "root" },
      gshadow: null,
    });
  });
});
