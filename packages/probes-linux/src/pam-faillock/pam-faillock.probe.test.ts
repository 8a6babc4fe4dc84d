import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { pamFaillockProbe } from "./pam-faillock.probe.js";

const DEBIAN_AUTH = "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n";
const FAILLOCK_AUTH = [
  "auth required pam_faillock.so preauth",
  "auth [success=1 default=ignore] pam_unix.so",
  "auth [default=die] pam_faillock.so authfail deny=4",
  "auth requisite pam_deny.so",
  "auth sufficient pam_faillock.so authsucc",
  "",
].join("\n");

describe("pam-faillock", () => {
  it.each([
    {
      name: "Debian's default stack has no lockout",
      files: { "/etc/pam.d/common-auth": DEBIAN_AUTH },
      inStack: false,
      settings: { deny: 3, unlock_time: 600 },
    },
    {
      name: "preauth and authfail, arguments over faillock.conf",
      files: { "/etc/pam.d/common-auth": FAILLOCK_AUTH, "/etc/security/faillock.conf": "# local\ndeny = 5\nunlock_time = 900\neven_deny_root\n" },
      inStack: true,
      settings: { deny: 4, unlock_time: 900, fail_interval: 900, even_deny_root: true },
    },
    {
      name: "preauth alone does not count failures",
      files: { "/etc/pam.d/common-auth": "auth required pam_faillock.so preauth\nauth sufficient pam_unix.so\n" },
      inStack: false,
      settings: { deny: 3 },
    },
  ])("$name", async ({ files, inStack, settings }) => {
    const facts = factsOf(await collectOnFakeHost(pamFaillockProbe, { files }));
    expect(facts["faillock.inAuthStack"]).toBe(inStack);
    expect(facts["faillock.settings"]).toMatchObject(settings);
  });

  it("is not applicable without a PAM auth stack", async () => {
    expect(await collectOnFakeHost(pamFaillockProbe, { files: {} })).toHaveProperty("notApplicable");
  });
});
