/**
 * `@hardcheck/probes-windows` — probes that inspect Windows hosts through PowerShell (locally or over
 * SSH, through the transports other plugins provide) or from offline evidence (`evidence:` — a
 * bundle written by the shipped collector script, `.reg` exports, `secedit /export` files).
 *
 * @packageDocumentation
 */
import type { PluginContext, Probe } from "@hardcheck/core";
import { evidenceTransportProvider } from "./transports/evidence.transport.js";
import { windowsAccountPolicyProbe } from "./windows-account-policy/windows-account-policy.probe.js";
import { windowsAccountsProbe } from "./windows-accounts/windows-accounts.probe.js";
import { windowsAntivirusProbe } from "./windows-antivirus/windows-antivirus.probe.js";
import { windowsCipherSuitesProbe } from "./windows-cipher-suites/windows-cipher-suites.probe.js";
import { windowsEvidenceProbe } from "./windows-evidence/windows-evidence.probe.js";
import { windowsFirewallProbe } from "./windows-firewall/windows-firewall.probe.js";
import { windowsOsProbe } from "./windows-os/windows-os.probe.js";
import { windowsPendingUpdatesProbe } from "./windows-pending-updates/windows-pending-updates.probe.js";
import { windowsProgramsProbe } from "./windows-programs/windows-programs.probe.js";
import { windowsRegistryProbe } from "./windows-registry/windows-registry.probe.js";
import { windowsSchannelProbe } from "./windows-schannel/windows-schannel.probe.js";
import { windowsServicesProbe } from "./windows-services/windows-services.probe.js";
import { windowsSharesProbe } from "./windows-shares/windows-shares.probe.js";
import { windowsSqlServerProbe } from "./windows-sql-server/windows-sql-server.probe.js";
import { windowsUpdatesProbe } from "./windows-updates/windows-updates.probe.js";

export { renderCollectorScript } from "./collector/collector-script.js";
export {
  COLLECTOR_VERSION,
  EVIDENCE_FORMAT,
  EVIDENCE_FORMAT_VERSION,
  REGISTRY_KEYS,
  REGISTRY_VALUES,
  type RegistryValueRef,
  SECTION_IDS,
  type SectionId,
  WINDOWS_COMMANDS,
  type WindowsCommand,
} from "./commands/catalog.js";
export { batchScript, encodePowerShell, planBatches, powershellArgv, readSection, WindowsSectionError } from "./commands/powershell.js";
export { EvidenceError, type EvidenceErrorCode, type EvidenceIntegrity, parseEvidenceBundle, renderEvidenceBundle } from "./evidence/bundle.js";
export { evidenceTransport, evidenceTransportProvider, type LoadedEvidence, loadEvidence } from "./transports/evidence.transport.js";

/** The probes this package provides. */
export const probes: readonly Probe[] = [
  windowsOsProbe,
  windowsSchannelProbe,
  windowsCipherSuitesProbe,
  windowsRegistryProbe,
  windowsSqlServerProbe,
  windowsFirewallProbe,
  windowsAntivirusProbe,
  windowsSharesProbe,
  windowsAccountsProbe,
  windowsAccountPolicyProbe,
  windowsProgramsProbe,
  windowsUpdatesProbe,
  windowsPendingUpdatesProbe,
  windowsServicesProbe,
  windowsEvidenceProbe,
];

/** Registers this package's probes and its `evidence:` transport. */
export function register(context: PluginContext): void {
  for (const probe of probes) context.registerProbe(probe);
  context.registerTransport(evidenceTransportProvider);
}
