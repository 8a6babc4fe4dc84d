import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { usbLockProbe } from "./usb-lock.probe.js";

describe("usb-lock", () => {
  it.each([
    { name: "nothing configured", files: {}, expected: { "usb.storageInstallRefused": false, "usb.storageBlacklisted": false } },
    {
      name: "blacklist only",
      files: { "/etc/modprobe.d/usb.conf": "blacklist usb-storage\n" },
      expected: { "usb.storageInstallRefused": false, "usb.storageBlacklisted": true },
    },
    {
      name: "install /bin/false, underscore spelling",
      files: { "/etc/modprobe.d/usb.conf": "install usb_storage /bin/false\n" },
      expected: { "usb.storageInstallRefused": true },
    },
    {
      name: "install /bin/true in /lib",
      files: { "/lib/modprobe.d/usb.conf": "install usb-storage /bin/true\n" },
      expected: { "usb.storageInstallRefused": true },
    },
    { name: "commented out", files: { "/etc/modprobe.d/usb.conf": "# install usb-storage /bin/false\n" }, expected: { "usb.storageInstallRefused": false } },
    {
      name: "install of another command does not refuse",
      files: { "/etc/modprobe.d/usb.conf": "install usb-storage /sbin/modprobe --ignore-install usb-storage\n" },
      expected: { "usb.storageInstallRefused": false },
    },
    {
      name: "a non-.conf file is ignored",
      files: { "/etc/modprobe.d/usb.conf.bak": "install usb-storage /bin/false\n" },
      expected: { "usb.storageInstallRefused": false },
    },
  ])("$name", async ({ files, expected }) => {
    expect(factsOf(await collectOnFakeHost(usbLockProbe, { files }))).toMatchObject({
      ...expected,
      "usb.storageModuleLoaded": null,
      "usbguard.enabled": false,
    });
  });

  it("reads USBGuard's policy target, rules and boot enablement", async () => {
    const facts = factsOf(
      await collectOnFakeHost(usbLockProbe, {
        files: {
          "/etc/usbguard/usbguard-daemon.conf": "RuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=block\n",
          "/etc/usbguard/rules.conf": "allow id 1d6b:0002\nallow id 046d:c52b\n",
        },
        symlinks: { "/etc/systemd/system/multi-user.target.wants/usbguard.service": "/lib/systemd/system/usbguard.service" },
      }),
    );
    expect(facts).toMatchObject({ "usbguard.enabled": true, "usbguard.implicitPolicyTarget": "block", "usbguard.rulesCount": 2 });
  });

  it("sees the loaded module on a running system", async () => {
    const facts = factsOf(
      await collectOnFakeHost(usbLockProbe, { kind: "local", commands: {}, files: { "/proc/modules": "usb_storage 81920 0 - Live 0x0\n" } }),
    );
    expect(facts["usb.storageModuleLoaded"]).toBe(true);
  });
});
