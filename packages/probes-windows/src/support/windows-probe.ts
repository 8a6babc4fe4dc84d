/** What every Windows host probe shares: the transports it runs over and small value helpers. */
import type { HostTransportKind, JsonValue } from "@hardcheck/core";

/** Windows probes read sections through these transports (PowerShell locally or over SSH, or an evidence file). */
export const WINDOWS_TRANSPORTS: readonly HostTransportKind[] = ["evidence", "ssh", "local"];
/** Windows probes only understand targets with `os: windows`. */
export const WINDOWS_OS: readonly string[] = ["windows"];

/** A registry/PowerShell number (DWORD may arrive as -1 for 0xffffffff), or null. */
export function numberOrNull(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number.parseInt(value, 10);
  return null;
}

/** A non-empty string, or null. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** Whole days from `iso` to `now` (floored), or null when `iso` is no date. */
export function daysSince(iso: string | null, now: Date): number | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : Math.floor((now.getTime() - time) / 86_400_000);
}

/** Sorted, de-duplicated lower-case names: what set operators in rules compare. */
export function lowerSet(names: Iterable<string>): string[] {
  return [...new Set([...names].map((name) => name.toLowerCase()))].sort();
}

/** Narrows an object built here to a JSON value (every field is already JSON). */
export function json<T>(value: T): JsonValue {
  return value as unknown as JsonValue;
}
