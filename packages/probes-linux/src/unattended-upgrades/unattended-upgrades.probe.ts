/** Automatic security updates: unattended-upgrades installed, switched on by APT::Periodic, and allowed the security origin. */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn, dpkgInstalled } from "../support/text.js";

/** The value of an apt.conf scalar (`Name "value";`), the last occurrence in `texts` winning as apt reads them. */
export function aptConfValue(texts: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  const pattern = new RegExp(`^\\s*${name.replaceAll(":", "\\:")}\\s+"([^"]*)"\\s*;`, "gm");
  for (const text of texts) for (const match of text.replace(/\/\/.*$/gm, "").matchAll(pattern)) value = match[1];
  return value;
}

/** The facts `unattended-upgrades` produces, each with its schema and meaning. */
export const unattendedUpgradesFacts = defineFacts({
  "unattendedUpgrades.installed": {
    description: "true when the unattended-upgrades package is installed",
    schema: z.boolean(),
  },
  "unattendedUpgrades.enabled": {
    description: 'true when APT::Periodic::Unattended-Upgrade is set to a non-zero value (e.g. "1" in 20auto-upgrades)',
    schema: z.boolean(),
  },
  "unattendedUpgrades.securityOrigin": {
    description: "true when Origins-Pattern or Allowed-Origins names a security archive",
    schema: z.boolean(),
  },
});

/** Whether security updates install themselves. */
export const unattendedUpgradesProbe: HostProbe = defineProbe({
  meta: {
    id: "unattended-upgrades",
    description: "Reads whether unattended-upgrades is installed, enabled by APT::Periodic in apt.conf.d, and allowed the security origin.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: unattendedUpgradesFacts,
  },
  async collect(_host, _params, { transport }) {
    const texts: string[] = [];
    for (const file of (await confFilesIn(transport, "/etc/apt/apt.conf.d", "")).sort()) texts.push((await transport.readFile(file)) ?? "");
    const setting = aptConfValue(texts, "APT::Periodic::Unattended-Upgrade");
    const origins = texts
      .map((text) => /Unattended-Upgrade::(?:Origins-Pattern|Allowed-Origins)\s*\{([\s\S]*?)\};/.exec(text.replace(/\/\/.*$/gm, ""))?.[1] ?? "")
      .join("\n");
    return {
      facts: {
        "unattendedUpgrades.installed": (await dpkgInstalled(transport))?.has("unattended-upgrades") === true,
        "unattendedUpgrades.enabled": setting !== undefined && setting !== "0" && setting !== "",
        "unattendedUpgrades.securityOrigin": /security/i.test(origins),
      },
    };
  },
});
