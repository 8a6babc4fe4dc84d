/**
 * `@hardcheck/probes-linux` — probes that inspect Linux hosts, and the host transports they run
 * over: `local:` (this machine), `root:/path` (an offline root file system) and `ssh://user@host`.
 *
 * @packageDocumentation
 */
import type { HostProbe, PluginContext, TransportProvider } from "@hardcheck/core";
import { accountFilesProbe } from "./account-files/account-files.probe.js";
import { accountsProbe } from "./accounts/accounts.probe.js";
import { aideProbe } from "./aide/aide.probe.js";
import { aptUpdatesProbe } from "./apt-updates/apt-updates.probe.js";
import { auditdProbe } from "./auditd/auditd.probe.js";
import { coreDumpsProbe } from "./core-dumps/core-dumps.probe.js";
import { filesystemWalkProbe } from "./filesystem-walk/filesystem-walk.probe.js";
import { firewallProbe } from "./firewall/firewall.probe.js";
import { grubProbe } from "./grub/grub.probe.js";
import { installedPackagesProbe } from "./installed-packages/installed-packages.probe.js";
import { kernelModulesProbe } from "./kernel-modules/kernel-modules.probe.js";
import { listeningSocketsProbe } from "./listening-sockets/listening-sockets.probe.js";
import { lldpProbe } from "./lldp/lldp.probe.js";
import { loginDefsProbe } from "./login-defs/login-defs.probe.js";
import { mountsProbe } from "./mounts/mounts.probe.js";
import { osReleaseProbe } from "./os-release/os-release.probe.js";
import { pamFaillockProbe } from "./pam-faillock/pam-faillock.probe.js";
import { pamPasswordProbe } from "./pam-password/pam-password.probe.js";
import { pwqualityProbe } from "./pwquality/pwquality.probe.js";
import { remoteLoggingProbe } from "./remote-logging/remote-logging.probe.js";
import { shadowAgingProbe } from "./shadow-aging/shadow-aging.probe.js";
import { shellDefaultsProbe } from "./shell-defaults/shell-defaults.probe.js";
import { sshdConfigProbe } from "./sshd-config/sshd-config.probe.js";
import { sudoersProbe } from "./sudoers/sudoers.probe.js";
import { sysctlProbe } from "./sysctl/sysctl.probe.js";
import { localTransportProvider } from "./transports/local.js";
import { rootTransportProvider } from "./transports/root.js";
import { sshTransportProvider } from "./transports/ssh.js";
import { unattendedUpgradesProbe } from "./unattended-upgrades/unattended-upgrades.probe.js";
import { usbLockProbe } from "./usb-lock/usb-lock.probe.js";

export { compareDebianVersions } from "./apt-updates/debian-version.js";
export { TransportError, type TransportErrorCode } from "./transports/errors.js";
export { openLocalTransport } from "./transports/local.js";
export { openRootTransport } from "./transports/root.js";
export { quotePosixCommand } from "./transports/shell-quote.js";
export { DEFAULT_MAX_CHANNELS, openSshTransport, type SshHostTransport, type SshTransportStats } from "./transports/ssh.js";
export {
  accountFilesProbe,
  accountsProbe,
  aideProbe,
  aptUpdatesProbe,
  auditdProbe,
  coreDumpsProbe,
  filesystemWalkProbe,
  firewallProbe,
  grubProbe,
  installedPackagesProbe,
  kernelModulesProbe,
  listeningSocketsProbe,
  lldpProbe,
  localTransportProvider,
  loginDefsProbe,
  mountsProbe,
  osReleaseProbe,
  pamFaillockProbe,
  pamPasswordProbe,
  pwqualityProbe,
  remoteLoggingProbe,
  rootTransportProvider,
  shadowAgingProbe,
  shellDefaultsProbe,
  sshdConfigProbe,
  sshTransportProvider,
  sudoersProbe,
  sysctlProbe,
  unattendedUpgradesProbe,
  usbLockProbe,
};

/** The probes this package provides, sorted by id. */
export const probes: readonly HostProbe[] = [
  accountFilesProbe,
  accountsProbe,
  aideProbe,
  aptUpdatesProbe,
  auditdProbe,
  coreDumpsProbe,
  filesystemWalkProbe,
  firewallProbe,
  grubProbe,
  installedPackagesProbe,
  kernelModulesProbe,
  listeningSocketsProbe,
  lldpProbe,
  loginDefsProbe,
  mountsProbe,
  osReleaseProbe,
  pamFaillockProbe,
  pamPasswordProbe,
  pwqualityProbe,
  remoteLoggingProbe,
  shadowAgingProbe,
  shellDefaultsProbe,
  sshdConfigProbe,
  sudoersProbe,
  sysctlProbe,
  unattendedUpgradesProbe,
  usbLockProbe,
];

/** The host transports this package provides: `local:`, `root:` and `ssh://`. */
export const transports: readonly TransportProvider[] = [localTransportProvider, rootTransportProvider, sshTransportProvider];

/** Registers this package's probes and transports with a hardcheck instance. */
export function register(context: PluginContext): void {
  for (const probe of probes) context.registerProbe(probe);
  for (const transport of transports) context.registerTransport(transport);
}
