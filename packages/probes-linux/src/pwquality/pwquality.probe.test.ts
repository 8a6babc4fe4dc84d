import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { pwqualityProbe } from "./pwquality.probe.js";

const cases = [
  { name: "nothing configured: libpwquality defaults, not enforced", files: {}, expected: { minlen: 8, difok: 1, retry: 1, usercheck: 1 }, enforced: false },
  {
    name: "pwquality.conf",
    files: { "/etc/security/pwquality.conf": "# comment\nminlen = 14\n dcredit=-1\nenforce_for_root\n" },
    expected: { minlen: 14, dcredit: -1, enforce_for_root: 1 },
    enforced: false,
  },
  {
    name: ".d files override the main file, in name order",
    files: {
      "/etc/security/pwquality.conf": "minlen = 10\n",
      "/etc/security/pwquality.conf.d/20-b.conf": "minlen = 16\n",
      "/etc/security/pwquality.conf.d/10-a.conf": "minlen = 12\n",
    },
    expected: { minlen: 16 },
    enforced: false,
  },
  {
    name: "module arguments win over the files",
    files: {
      "/etc/security/pwquality.conf": "minlen = 14\nretry = 1\n",
      "/etc/pam.d/common-password": "password requisite pam_pwquality.so retry=3 minlen=9 enforce_for_root\n",
    },
    expected: { minlen: 9, retry: 3, enforce_for_root: 1 },
    enforced: true,
  },
];

describe("pwquality", () => {
  it.each(cases)("$name", async ({ files, expected, enforced }) => {
    const facts = factsOf(await collectOnFakeHost(pwqualityProbe, { files }));
    expect(facts["pwquality.settings"]).toMatchObject(expected);
    expect(facts["pwquality.enforced"]).toBe(enforced);
  });
});
