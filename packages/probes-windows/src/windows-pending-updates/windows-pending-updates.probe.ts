/** Updates the Windows Update Agent offers but the host has not installed yet. */
import { compareText, defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { daysSince, numberOrNull, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** The "Security Updates" classification; its id does not change with the display language, its name does. */
export const SECURITY_UPDATES_CATEGORY = "0fa1201d-4330-4fa8-8ae9-b877473b6441";

/** `ISearchResult.ResultCode` values (OperationResultCode). */
const RESULT_SUCCEEDED = 2;
const RESULT_SUCCEEDED_WITH_ERRORS = 3;

/**
 * What the search came to: `ok` when the agent answered in full, `incomplete` when it answered with
 * errors (some updates may be missing), `unavailable` when it could not search at all (no agent,
 * update source unreachable, access denied).
 */
export type PendingUpdatesStatus = "ok" | "incomplete" | "unavailable";

/** Builds `windows.updates.pending` from the `pending-updates` section; ages are counted to `now` (the scan's clock). */
export function pendingUpdatesFact(section: unknown, now: Date): WindowsPendingUpdatesFacts["windows.updates.pending"] {
  const raw = asRecord(section);
  const resultCode = numberOrNull(raw.resultCode);
  const status: PendingUpdatesStatus =
    raw.searched !== true ? "unavailable" : resultCode === RESULT_SUCCEEDED ? "ok" : resultCode === RESULT_SUCCEEDED_WITH_ERRORS ? "incomplete" : "unavailable";
  const error = status === "ok" ? null : (stringOrNull(raw.error) ?? (raw.searched === true ? `update search ended with result code ${resultCode}` : null));
  if (status === "unavailable") {
    return {
      status,
      resultCode,
      error,
      hresult: stringOrNull(raw.hresult),
      count: null,
      securityCount: null,
      updates: [],
      security: [],
      oldestSecurityDays: null,
    };
  }
  const updates = asArray<Record<string, unknown>>(raw.updates)
    .map((update) => {
      const categories = asArray<Record<string, unknown>>(update.categories).map((category) => ({
        id: String(category.id ?? "").toLowerCase(),
        name: String(category.name ?? ""),
      }));
      const msrcSeverity = stringOrNull(update.msrcSeverity);
      const releasedAt = stringOrNull(update.lastDeploymentChangeTime);
      return {
        title: String(update.title ?? ""),
        kbIds: asArray(update.kbIds).map(String),
        msrcSeverity,
        categories: categories.map((category) => category.name),
        // Microsoft rates only security fixes, so a severity alone marks one even if its classification differs.
        security: msrcSeverity !== null || categories.some((category) => category.id === SECURITY_UPDATES_CATEGORY),
        releasedAt,
        ageDays: daysSince(releasedAt, now),
      };
    })
    .sort((a, b) => compareText(a.title, b.title));
  const security = updates.filter((update) => update.security);
  const ages = security.map((update) => update.ageDays).filter((age): age is number => age !== null);
  // Undated security updates cannot be shown to be young: with no dated one the age stays null, so an age limit fails.
  const oldestSecurityDays = security.length === 0 ? null : ages.length > 0 ? Math.max(...ages) : null;
  return {
    status,
    resultCode,
    error,
    hresult: null,
    count: updates.length,
    securityCount: security.length,
    updates,
    security: security.map(({ title, kbIds, msrcSeverity, releasedAt, ageDays }) => ({ title, kbIds, msrcSeverity, releasedAt, ageDays })),
    oldestSecurityDays,
  };
}

/** The facts `windows-pending-updates` produces, each with its schema and meaning. */
export const windowsPendingUpdatesFacts = defineFacts({
  "windows.updates.pending": {
    description:
      "status (ok / incomplete / unavailable), resultCode, error, hresult, count, securityCount, updates[] (title, kbIds, msrcSeverity, categories, security, releasedAt, ageDays), security[] (title, kbIds, msrcSeverity, releasedAt, ageDays), oldestSecurityDays (null when none pending)",
    schema: z.object({
      status: z.enum(["ok", "incomplete", "unavailable"]),
      resultCode: z.number().nullable(),
      error: z.string().nullable(),
      hresult: z.string().nullable(),
      count: z.number().nullable(),
      securityCount: z.number().nullable(),
      updates: z.array(
        z.object({
          title: z.string(),
          kbIds: z.array(z.string()),
          msrcSeverity: z.string().nullable(),
          categories: z.array(z.string()),
          security: z.boolean(),
          releasedAt: z.string().nullable(),
          ageDays: z.number().nullable(),
        }),
      ),
      security: z.array(
        z.object({
          title: z.string(),
          kbIds: z.array(z.string()),
          msrcSeverity: z.string().nullable(),
          releasedAt: z.string().nullable(),
          ageDays: z.number().nullable(),
        }),
      ),
      oldestSecurityDays: z.number().nullable(),
    }),
  },
});
/** The facts `windows-pending-updates` produces, as the collector checks them. */
export type WindowsPendingUpdatesFacts = FactsOf<typeof windowsPendingUpdatesFacts>;

/** Asks the Windows Update Agent which updates are pending. */
export const windowsPendingUpdatesProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-pending-updates",
    description: "Pending (not installed, not hidden) updates from the Windows Update Agent, with security classification and release age.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsPendingUpdatesFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.updates.pending": pendingUpdatesFact(await readSection(deps.transport, "pending-updates", deps.signal), deps.clock.now()) } };
  },
});
