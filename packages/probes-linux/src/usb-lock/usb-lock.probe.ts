/** Whether USB mass storage is locked: the usb-storage module disabled in modprobe.d, or a USBGuard policy. */
import { defineFacts, defineProbe, type HostProbe, type HostTransport } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn, meaningfulLines, unitEnabledByFiles } from "../support/text.js";

const MODPROBE_DIRS = ["/lib/modprobe.d", "/usr/lib/modprobe.d", "/run/modprobe.d", "/etc/modprobe.d"];
/** Commands that make `install usb-storage …` a refusal rather than a real load. */
const REFUSING_INSTALL = /^(\/usr)?\/bin\/(false|true)$/;

/** How modprobe.d treats usb-storage: `install … /bin/false` refuses every load, `blacklist` stops autoloading. */
export function usbStorageRules(text: string): { install: boolean; blacklist: boolean } {
  let install = false;
  let blacklist = false;
  for (const line of meaningfulLines(text)) {
    const [command, module, ...rest] = line.split(/\s+/);
    if (module?.replace("-", "_") !== "usb_storage") continue;
    if (command === "blacklist") blacklist = true;
    if (command === "install" && REFUSING_INSTALL.test(rest[0] ?? "")) install = true;
  }
  return { install, blacklist };
}

async function modprobeText(transport: HostTransport): Promise<string> {
  const texts: string[] = [];
  for (const dir of MODPROBE_DIRS) for (const file of await confFilesIn(transport, dir)) texts.push((await transport.readFile(file)) ?? "");
  return texts.join("\n");
}

/** The facts `usb-lock` produces, each with its schema and meaning. */
export const usbLockFacts = defineFacts({
  "usb.storageInstallRefused": {
    description: "true when modprobe.d maps usb-storage to /bin/false or /bin/true, so no load succeeds",
    schema: z.boolean(),
  },
  "usb.storageBlacklisted": {
    description: "true when modprobe.d blacklists usb-storage (no autoloading on plug-in)",
    schema: z.boolean(),
  },
  "usb.storageModuleLoaded": {
    description: "true when usb_storage is loaded now; null over root: (no running kernel)",
    schema: z.boolean().nullable(),
  },
  "usbguard.enabled": {
    description: "true when the usbguard service is enabled at boot",
    schema: z.boolean(),
  },
  "usbguard.implicitPolicyTarget": {
    description: "what USBGuard does with devices no rule allows (block, reject, allow), null without USBGuard",
    schema: z.string().nullable(),
  },
  "usbguard.rulesCount": {
    description: "rules in USBGuard's rules file (allowed devices), 0 without USBGuard",
    schema: z.number().int(),
  },
});

/** USB storage lock facts. */
export const usbLockProbe: HostProbe = defineProbe({
  meta: {
    id: "usb-lock",
    description: "Reads modprobe.d for usb-storage (install /bin/false, blacklist), the loaded modules, and USBGuard's policy.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: usbLockFacts,
  },
  async collect(_host, _params, { transport }) {
    const rules = usbStorageRules(await modprobeText(transport));
    const modules = transport.kind === "root" ? undefined : await transport.readFile("/proc/modules");
    const daemonConf = await transport.readFile("/etc/usbguard/usbguard-daemon.conf");
    const target = daemonConf ? (/^\s*ImplicitPolicyTarget\s*=\s*(\w+)/m.exec(daemonConf)?.[1] ?? "block") : null;
    const rulesFile = daemonConf ? (/^\s*RuleFile\s*=\s*(\S+)/m.exec(daemonConf)?.[1] ?? "/etc/usbguard/rules.conf") : undefined;
    const rulesText = rulesFile ? ((await transport.readFile(rulesFile).catch(() => undefined)) ?? "") : "";
    return {
      facts: {
        "usb.storageInstallRefused": rules.install,
        "usb.storageBlacklisted": rules.blacklist,
        "usb.storageModuleLoaded": modules === undefined ? null : /^usb_storage\s/m.test(modules),
        "usbguard.enabled": daemonConf !== undefined && (await unitEnabledByFiles(transport, "usbguard.service")),
        "usbguard.implicitPolicyTarget": target,
        "usbguard.rulesCount": meaningfulLines(rulesText).length,
      },
    };
  },
});
