/**
 * Kernel modules: which are loaded now (/proc/modules, live hosts only) and which the modprobe
 * configuration refuses to load (`install NAME /bin/false`) or keeps from autoloading (`blacklist`).
 */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn, meaningfulLines } from "../support/text.js";

const MODPROBE_DIRS = ["/lib/modprobe.d", "/usr/lib/modprobe.d", "/run/modprobe.d", "/etc/modprobe.d"];
const REFUSING_INSTALL = /^(\/usr)?\/bin\/(false|true)$/;

/** modprobe treats `-` and `_` in module names alike. */
const moduleName = (name: string) => name.replaceAll("-", "_");

/** The facts `kernel-modules` produces, each with its schema and meaning. */
export const kernelModulesFacts = defineFacts({
  "modules.loaded": {
    description: "modules loaded in the running kernel (underscored names, sorted); empty over root: (no kernel runs)",
    schema: z.array(z.string()),
  },
  "modules.refused": {
    description: "modules modprobe.d makes unloadable (install NAME /bin/false or /bin/true): the persistent setting",
    schema: z.array(z.string()),
  },
  "modules.blacklisted": {
    description: "modules modprobe.d keeps from loading automatically (blacklist NAME)",
    schema: z.array(z.string()),
  },
});

/** Loaded, refused and blacklisted modules. */
export const kernelModulesProbe: HostProbe = defineProbe({
  meta: {
    id: "kernel-modules",
    description: "Reads loaded kernel modules (/proc/modules) and the modprobe.d install and blacklist lines.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: kernelModulesFacts,
  },
  async collect(_host, _params, { transport }) {
    const refused = new Set<string>();
    const blacklisted = new Set<string>();
    for (const dir of MODPROBE_DIRS) {
      for (const file of await confFilesIn(transport, dir)) {
        for (const line of meaningfulLines(await transport.readFile(file))) {
          const [command, name, ...rest] = line.split(/\s+/);
          if (!name) continue;
          if (command === "install" && REFUSING_INSTALL.test(rest[0] ?? "")) refused.add(moduleName(name));
          if (command === "blacklist") blacklisted.add(moduleName(name));
        }
      }
    }
    const loaded =
      transport.kind === "root"
        ? []
        : ((await transport.readFile("/proc/modules")) ?? "")
            .split("\n")
            .map((line) => line.split(" ")[0] ?? "")
            .filter(Boolean)
            .map(moduleName);
    return { facts: { "modules.loaded": [...new Set(loaded)].sort(), "modules.refused": [...refused].sort(), "modules.blacklisted": [...blacklisted].sort() } };
  },
});
