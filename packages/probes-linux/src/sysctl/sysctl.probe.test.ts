import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { sysctlProbe } from "./sysctl.probe.js";

describe("sysctl configured values", () => {
  it.each([
    {
      name: "sysctl.conf",
      files: { "/etc/sysctl.conf": "net.ipv4.ip_forward = 1\n; old comment\n# net.ipv4.ip_forward = 0\n" },
      expected: { "net/ipv4/ip_forward": 1 },
    },
    {
      name: "/etc/sysctl.d overrides a same-named vendor file",
      files: { "/usr/lib/sysctl.d/50-default.conf": "kernel.kptr_restrict = 0\n", "/etc/sysctl.d/50-default.conf": "kernel.kptr_restrict = 2\n" },
      expected: { "kernel/kptr_restrict": 2 },
    },
    {
      name: "files apply in name order across directories, sysctl.conf last",
      files: {
        "/etc/sysctl.d/10-a.conf": "net.ipv4.ip_forward=1\n",
        "/usr/lib/sysctl.d/20-b.conf": "net.ipv4.ip_forward=0\n",
        "/etc/sysctl.conf": "kernel.dmesg_restrict=1\n",
      },
      expected: { "net/ipv4/ip_forward": 0, "kernel/dmesg_restrict": 1 },
    },
    {
      name: "slash keys and ignored-failure prefix",
      files: { "/etc/sysctl.d/x.conf": "-net/ipv4/tcp_syncookies = 1\n" },
      expected: { "net/ipv4/tcp_syncookies": 1 },
    },
  ])("$name", async ({ files, expected }) => {
    const facts = factsOf(await collectOnFakeHost(sysctlProbe, { files }));
    expect(facts["sysctl.configured"]).toEqual(expected);
    expect(facts["sysctl.runtime"]).toBeNull();
    expect(facts["sysctl.judged"]).toBe("boot configuration");
  });
});

describe("sysctl runtime values", () => {
  it("reads /proc/sys for the requested keys; the running value is effective", async () => {
    const facts = factsOf(
      await collectOnFakeHost(
        sysctlProbe,
        { kind: "local", commands: {}, files: { "/proc/sys/net/ipv4/ip_forward": "0\n", "/etc/sysctl.conf": "net.ipv4.ip_forward=1\nkernel.x=2\n" } },
        { keys: ["net.ipv4.ip_forward", "kernel.x"] },
      ),
    );
    expect(facts["sysctl.runtime"]).toEqual({ "net/ipv4/ip_forward": 0 });
    expect(facts["sysctl.effective"]).toEqual({ "net/ipv4/ip_forward": 0, "kernel/x": 2 });
    expect(facts["sysctl.judged"]).toBe("running kernel");
  });
});
