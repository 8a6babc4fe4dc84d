import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { sshdConfigProbe } from "./sshd-config.probe.js";

const cases: ReadonlyArray<{ name: string; files: Record<string, string>; permitrootlogin: string; extra?: Record<string, string> }> = [
  { name: "no setting: the compiled-in default", files: { "/etc/ssh/sshd_config": "Port 22\n" }, permitrootlogin: "without-password" },
  { name: "first value wins", files: { "/etc/ssh/sshd_config": "PermitRootLogin no\nPermitRootLogin yes\n" }, permitrootlogin: "no" },
  { name: "keywords are case-insensitive, = is allowed", files: { "/etc/ssh/sshd_config": "permitRootLogin=no\n" }, permitrootlogin: "no" },
  {
    name: "an Include before the main setting wins (Debian's layout)",
    files: {
      "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n",
      "/etc/ssh/sshd_config.d/50-hardening.conf": "PermitRootLogin no\n",
    },
    permitrootlogin: "no",
  },
  {
    name: "included files are read in name order",
    files: {
      "/etc/ssh/sshd_config": "Include sshd_config.d/*.conf\n",
      "/etc/ssh/sshd_config.d/20-b.conf": "PermitRootLogin yes\n",
      "/etc/ssh/sshd_config.d/10-a.conf": "PermitRootLogin no\n",
    },
    permitrootlogin: "no",
  },
  {
    name: "a Match block does not change the global value",
    files: { "/etc/ssh/sshd_config": "Match User admin\n  PermitRootLogin no\n" },
    permitrootlogin: "without-password",
  },
  { name: "comments are ignored", files: { "/etc/ssh/sshd_config": "#PermitRootLogin no\n  # PermitRootLogin no\n" }, permitrootlogin: "without-password" },
  {
    name: "repeated ports accumulate",
    files: { "/etc/ssh/sshd_config": "Port 22\nPort 2222\nPermitRootLogin no\n" },
    permitrootlogin: "no",
    extra: { port: "22 2222" },
  },
];

describe("sshd-config from files", () => {
  it.each(cases)("$name", async ({ files, permitrootlogin, extra }) => {
    const facts = factsOf(await collectOnFakeHost(sshdConfigProbe, { files }));
    expect(facts["sshd.source"]).toBe("files");
    expect(facts["sshd.config"]).toMatchObject({ permitrootlogin, ...extra });
  });

  it("is not applicable without sshd_config", async () => {
    expect(await collectOnFakeHost(sshdConfigProbe, { files: {} })).toEqual({ notApplicable: expect.stringContaining("not installed") });
  });
});

describe("sshd-config from sshd -T", () => {
  it("prefers the running binary's effective settings", async () => {
    const facts = factsOf(
      await collectOnFakeHost(sshdConfigProbe, {
        files: { "/etc/ssh/sshd_config": "PermitRootLogin yes\n" },
        commands: { "/usr/sbin/sshd -T": { stdout: "port 22\npermitrootlogin no\nhostkey /a\nhostkey /b\n" } },
      }),
    );
    expect(facts).toEqual({ "sshd.config": { port: "22", permitrootlogin: "no", hostkey: "/a /b" }, "sshd.source": "sshd -T" });
  });

  it("falls back to the files when sshd -T fails (no privileges)", async () => {
    const facts = factsOf(
      await collectOnFakeHost(sshdConfigProbe, {
        files: { "/etc/ssh/sshd_config": "PermitRootLogin no\n" },
        commands: { "/usr/sbin/sshd -T": { exitCode: 1, stderr: "no hostkeys available" } },
      }),
    );
    expect(facts["sshd.source"]).toBe("files");
  });
});
