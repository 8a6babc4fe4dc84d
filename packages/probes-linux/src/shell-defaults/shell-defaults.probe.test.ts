import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { shellDefaultsProbe } from "./shell-defaults.probe.js";

describe("shell-defaults", () => {
  it.each([
    {
      name: "Debian's login.defs only",
      files: { "/etc/login.defs": "UMASK\t\t022\n", "/etc/profile": 'if [ "$(id -u)" -eq 0 ]; then\n  PATH=/usr/sbin\nfi\n' },
      expected: {
        "shell.umask": "0022",
        "shell.defaultFileMode": "0644",
        "shell.defaultDirectoryMode": "0755",
        "shell.timeoutSeconds": null,
        "shell.timeoutReadonly": false,
      },
    },
    {
      name: "a profile.d snippet tightens both",
      files: { "/etc/login.defs": "UMASK 022\n", "/etc/profile.d/50-hardening.sh": "umask 027\nreadonly TMOUT=900\nexport TMOUT\n" },
      expected: {
        "shell.umask": "0027",
        "shell.umaskSource": "/etc/profile.d/50-hardening.sh",
        "shell.defaultFileMode": "0640",
        "shell.defaultDirectoryMode": "0750",
        "shell.timeoutSeconds": 900,
        "shell.timeoutReadonly": true,
      },
    },
    {
      name: "bash.bashrc is read last and a commented line does nothing",
      files: { "/etc/profile": "umask 077\nTMOUT=600\n", "/etc/bash.bashrc": "umask 002 # for groups\n# umask 077\n" },
      expected: { "shell.umask": "0002", "shell.defaultFileMode": "0664", "shell.timeoutSeconds": 600, "shell.timeoutReadonly": false },
    },
  ])("$name", async ({ files, expected }) => {
    expect(factsOf(await collectOnFakeHost(shellDefaultsProbe, { files }))).toMatchObject(expected);
  });
});
