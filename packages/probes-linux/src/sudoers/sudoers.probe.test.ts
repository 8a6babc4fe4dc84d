import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { sudoersProbe } from "./sudoers.probe.js";

const DEBIAN_SUDOERS =
  'Defaults\tenv_reset\nDefaults\tmail_badpass\nDefaults\tsecure_path="/usr/sbin:/usr/bin"\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n';

describe("sudoers", () => {
  it("follows @includedir, skipping names with a dot, and lists password-less grants with their place", async () => {
    const facts = factsOf(
      await collectOnFakeHost(sudoersProbe, {
        files: {
          "/etc/sudoers": DEBIAN_SUDOERS,
          "/etc/sudoers.d/hardening": "Defaults use_pty, logfile = /var/log/sudo.log\n",
          "/etc/sudoers.d/ops": "# ops\nops ALL=(ALL) NOPASSWD: ALL\n",
          "/etc/sudoers.d/README.dpkg-new": "evil ALL=(ALL) NOPASSWD: ALL\n",
          "/etc/pam.d/su": "auth sufficient pam_rootok.so\n# auth required pam_wheel.so\n",
        },
      }),
    );
    expect(facts["sudo.installed"]).toBe(true);
    expect(facts["sudo.defaults"]).toEqual(["env_reset", "logfile=/var/log/sudo.log", "mail_badpass", "secure_path=/usr/sbin:/usr/bin", "use_pty"]);
    expect(facts["sudo.logfile"]).toBe("/var/log/sudo.log");
    expect(facts["sudo.noPasswordGrants"]).toEqual(["/etc/sudoers.d/ops:2: ops ALL=(ALL) NOPASSWD: ALL"]);
    expect(facts["su.restricted"]).toBe(false);
    expect(facts["su.group"]).toBeNull();
  });

  it.each([
    { su: "auth required pam_wheel.so use_uid group=sugroup\n", restricted: true, group: "sugroup" },
    { su: "auth required pam_wheel.so\n", restricted: true, group: "root" },
    { su: "auth sufficient pam_wheel.so trust\n", restricted: false, group: null },
  ])("su: $su", async ({ su, restricted, group }) => {
    const facts = factsOf(await collectOnFakeHost(sudoersProbe, { files: { "/etc/pam.d/su": su } }));
    expect(facts["sudo.installed"]).toBe(false);
    expect(facts["su.restricted"]).toBe(restricted);
    expect(facts["su.group"]).toBe(group);
  });
});
