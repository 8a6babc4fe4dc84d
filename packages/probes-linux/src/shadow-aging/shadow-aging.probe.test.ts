import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { shadowAgingProbe } from "./shadow-aging.probe.js";

const SHADOW = [
  "root:*:20000:0:99999:7:::",
  "admin:$6$salt$hash:20000:1:90:14:::",
  "ops:$y$j9T$salt$hash:20000:0:::::",
  "guest::20000:0:99999:7:::",
  "old:!$1$salt$hash:20000:0:60:30:::",
  "",
].join("\n");

describe("shadow-aging", () => {
  it.each([
    {
      users: ["admin"],
      expected: { "shadow.largestMaxDays": 90, "shadow.smallestWarnDays": 14, "shadow.hashAlgorithms": ["sha512"], "shadow.missingAccounts": [] },
    },
    { users: ["admin", "ops"], expected: { "shadow.largestMaxDays": 99999, "shadow.smallestWarnDays": 0, "shadow.hashAlgorithms": ["sha512", "yescrypt"] } },
    {
      // A locked root has no password to age: it is named as locked and left out of the summaries.
      users: ["root", "nobody-here"],
      expected: {
        "shadow.largestMaxDays": null,
        "shadow.hashAlgorithms": [],
        "shadow.missingAccounts": ["nobody-here"],
        "shadow.lockedAccounts": ["root"],
        "shadow.accountsWithPassword": [],
      },
    },
    {
      users: ["admin", "old"],
      expected: { "shadow.largestMaxDays": 90, "shadow.smallestWarnDays": 14, "shadow.lockedAccounts": ["old"], "shadow.accountsWithPassword": ["admin"] },
    },
    {
      users: ["old"],
      expected: { "shadow.accounts": { old: { passwordState: "locked", hashAlgorithm: "md5", maxDays: 60, warnDays: 30, minDays: 0, lastChangeDays: 20000 } } },
    },
    { users: ["missing"], expected: { "shadow.largestMaxDays": null, "shadow.smallestWarnDays": null, "shadow.accounts": { missing: null } } },
  ])("users $users", async ({ users, expected }) => {
    const facts = factsOf(await collectOnFakeHost(shadowAgingProbe, { files: { "/etc/shadow": SHADOW } }, { users }));
    expect(facts).toMatchObject(expected);
    expect(facts["shadow.emptyPasswordAccounts"]).toEqual(["guest"]);
    // The hash itself never becomes a fact.
    expect(JSON.stringify(facts)).not.toContain("salt");
  });

  it("errors when /etc/shadow is missing rather than guessing", async () => {
    await expect(collectOnFakeHost(shadowAgingProbe, { files: {} }, { users: ["root"] })).rejects.toThrow(/shadow/);
  });
});
