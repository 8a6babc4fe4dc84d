/** Antivirus products, whether they run, and how old their signatures are. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe, type JsonObject } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { daysSince, numberOrNull, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";
import { servicesFact } from "../windows-services/windows-services.probe.js";

/** Service names of common server antivirus products (lower case); tailorable through the probe parameter `serviceNames`. */
export const DEFAULT_ANTIVIRUS_SERVICES = [
  "sepmasterservice",
  "mcshield",
  "masvc",
  "ekrn",
  "savservice",
  "sophos endpoint defense service",
  "csfalconservice",
  "sentinelagent",
  "ntrtscan",
  "avp",
  "cylancesvc",
  "cbdefense",
];

/** One antivirus product as found. */
export interface AntivirusProduct {
  readonly name: string;
  readonly source: "defender" | "security-center" | "service";
  readonly running: boolean;
  readonly realTimeProtection: boolean | null;
  readonly signatureUpdatedAt: string | null;
  readonly signatureAgeDays: number | null;
  readonly signaturesUpToDate: boolean | null;
}

/** Builds `windows.antivirus` from the `antivirus` and `services` sections. */
export function antivirusFact(
  section: unknown,
  servicesSection: unknown,
  now: Date,
  serviceNames: readonly string[] = DEFAULT_ANTIVIRUS_SERVICES,
): WindowsAntivirusFacts["windows.antivirus"] {
  const raw = asRecord(section);
  const products: AntivirusProduct[] = [];
  const defender = raw.defender ? asRecord(raw.defender) : undefined;
  if (defender) {
    const updatedAt = stringOrNull(defender.signatureLastUpdated);
    products.push({
      name: "Microsoft Defender Antivirus",
      source: "defender",
      running: defender.amServiceEnabled === true && defender.antivirusEnabled === true,
      realTimeProtection: defender.realTimeProtectionEnabled === true,
      signatureUpdatedAt: updatedAt,
      signatureAgeDays: daysSince(updatedAt, now),
      signaturesUpToDate: null,
    });
  }
  for (const product of asArray<Record<string, unknown>>(raw.securityCenter)) {
    const state = numberOrNull(product.productState) ?? 0;
    // productState packs the scanner state (bits 12–15: 1 = on) and signature state (bits 4–7: 0 = current).
    products.push({
      name: String(product.name),
      source: "security-center",
      running: ((state >> 12) & 0xf) === 1,
      realTimeProtection: null,
      signatureUpdatedAt: null,
      signatureAgeDays: null,
      signaturesUpToDate: ((state >> 4) & 0xf) === 0,
    });
  }
  const wanted = new Set(serviceNames.map((name) => name.toLowerCase()));
  for (const service of (servicesFact(servicesSection) as { services: Array<{ name: string; displayName: string; state: string }> }).services) {
    if (!wanted.has(service.name.toLowerCase())) continue;
    products.push({
      name: service.displayName || service.name,
      source: "service",
      running: service.state === "Running",
      realTimeProtection: null,
      signatureUpdatedAt: null,
      signatureAgeDays: null,
      signaturesUpToDate: null,
    });
  }
  const running = products.filter((product) => product.running);
  const ages = running.map((product) => product.signatureAgeDays).filter((age): age is number => age !== null);
  return {
    products,
    productCount: products.length,
    runningCount: running.length,
    newestSignatureAgeDays: ages.length > 0 ? Math.min(...ages) : null,
    defenderUnavailable: stringOrNull(raw.defenderError),
  };
}

/** The facts `windows-antivirus` produces, each with its schema and meaning. */
export const windowsAntivirusFacts = defineFacts({
  "windows.antivirus": {
    description:
      "products[] (name, source, running, realTimeProtection, signatureUpdatedAt, signatureAgeDays, signaturesUpToDate), productCount, runningCount, newestSignatureAgeDays, defenderUnavailable",
    schema: z.object({
      products: z.array(
        z.object({
          name: z.string(),
          source: z.enum(["defender", "security-center", "service"]),
          running: z.boolean(),
          realTimeProtection: z.boolean().nullable(),
          signatureUpdatedAt: z.string().nullable(),
          signatureAgeDays: z.number().nullable(),
          signaturesUpToDate: z.boolean().nullable(),
        }),
      ),
      productCount: z.number(),
      runningCount: z.number(),
      newestSignatureAgeDays: z.number().nullable(),
      defenderUnavailable: z.string().nullable(),
    }),
  },
});
/** The facts `windows-antivirus` produces, as the collector checks them. */
export type WindowsAntivirusFacts = FactsOf<typeof windowsAntivirusFacts>;

/** Reads antivirus products and signature age. */
export const windowsAntivirusProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-antivirus",
    description: "Microsoft Defender status, Security Center antivirus products (where the namespace exists) and running services of known antivirus products.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsAntivirusFacts,
  },
  async collect(_host, params: JsonObject, deps) {
    const [section, services] = await Promise.all([
      readSection(deps.transport, "antivirus", deps.signal),
      readSection(deps.transport, "services", deps.signal),
    ]);
    const names = Array.isArray(params.serviceNames) ? params.serviceNames.map(String) : DEFAULT_ANTIVIRUS_SERVICES;
    return { facts: { "windows.antivirus": antivirusFact(section, services, deps.clock.now(), names) } };
  },
});
