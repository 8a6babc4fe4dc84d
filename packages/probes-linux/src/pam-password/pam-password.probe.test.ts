import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { pamPasswordProbe } from "./pam-password.probe.js";

const DEBIAN_DEFAULT = "password [success=1 default=ignore] pam_unix.so obscure yescrypt\npassword requisite pam_deny.so\npassword required pam_permit.so\n";
const HARDENED =
  "password requisite pam_pwquality.so retry=3 minlen=14\npassword required pam_pwhistory.so remember=5 use_authtok\npassword [success=1 default=ignore] pam_unix.so obscure use_authtok sha512\n";

const cases = [
  {
    name: "Debian defaults",
    files: { "/etc/pam.d/common-password": DEBIAN_DEFAULT, "/etc/pam.d/common-auth": "auth [success=1 default=ignore] pam_unix.so nullok\n" },
    expected: { "pam.qualityModule": null, "pam.remember": 0, "pam.hashAlgorithm": "yescrypt", "pam.nullok": true },
  },
  {
    name: "hardened stack",
    files: { "/etc/pam.d/common-password": HARDENED, "/etc/pam.d/common-auth": "auth [success=1 default=ignore] pam_unix.so\n" },
    expected: {
      "pam.qualityModule": "pam_pwquality",
      "pam.qualityArguments": { retry: "3", minlen: "14" },
      "pam.remember": 5,
      "pam.hashAlgorithm": "sha512",
      "pam.nullok": false,
    },
  },
  {
    name: "remember on pam_unix, cracklib, full module path",
    files: { "/etc/pam.d/common-password": "password required /lib/security/pam_cracklib.so retry=3\npassword sufficient pam_unix.so md5 remember=7 nullok\n" },
    expected: { "pam.qualityModule": "pam_cracklib", "pam.remember": 7, "pam.hashAlgorithm": "md5", "pam.nullok": true },
  },
  {
    name: "Red Hat system-auth with include",
    files: {
      "/etc/pam.d/system-auth": "auth include password-auth\npassword include password-auth\n",
      "/etc/pam.d/password-auth": "password requisite pam_pwquality.so\npassword sufficient pam_unix.so sha512 shadow\n",
    },
    expected: { "pam.passwordService": "system-auth", "pam.passwordModules": ["pam_pwquality", "pam_unix"], "pam.hashAlgorithm": "sha512" },
  },
  {
    name: "@include and continued lines",
    files: { "/etc/pam.d/common-password": "@include extra\n", "/etc/pam.d/extra": "password required pam_pwhistory.so \\\n  remember=3\n" },
    expected: { "pam.passwordModules": ["pam_pwhistory"], "pam.remember": 3 },
  },
];

describe("pam-password", () => {
  it.each(cases)("$name", async ({ files, expected }) => {
    expect(factsOf(await collectOnFakeHost(pamPasswordProbe, { files }))).toMatchObject(expected);
  });

  it("is not applicable without a PAM password stack", async () => {
    expect(await collectOnFakeHost(pamPasswordProbe, { files: {} })).toHaveProperty("notApplicable");
  });
});
