import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { grubProbe } from "./grub.probe.js";

describe("grub", () => {
  it.each([
    { name: "Debian's generated file", cfg: "### BEGIN /etc/grub.d/00_header ###\nset default=0\n", passwordSet: false },
    {
      name: "superusers with a PBKDF2 password",
      cfg: 'set superusers="admin"\npassword_pbkdf2 admin grub.pbkdf2.sha512.10000.AB.CD\n',
      passwordSet: true,
    },
    { name: "a password line without superusers does nothing", cfg: "password_pbkdf2 admin grub.pbkdf2.sha512.10000.AB.CD\n", passwordSet: false },
    { name: "commented out", cfg: '# set superusers="admin"\n# password admin x\n', passwordSet: false },
  ])("$name", async ({ cfg, passwordSet }) => {
    const facts = factsOf(await collectOnFakeHost(grubProbe, { files: { "/boot/grub/grub.cfg": cfg }, owners: { "/boot/grub/grub.cfg": { mode: 0o600 } } }));
    expect(facts["grub.passwordSet"]).toBe(passwordSet);
    expect(facts["grub.config"]).toMatchObject({ mode: "0600", uid: 0, owner: "0" });
    expect(JSON.stringify(facts)).not.toContain("pbkdf2.sha512");
  });

  it("is not applicable without GRUB", async () => {
    expect(await collectOnFakeHost(grubProbe, { files: { "/etc/passwd": "" } })).toHaveProperty("notApplicable");
  });
});
