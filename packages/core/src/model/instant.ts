/** ISO-8601 dates and timestamps as configs, waivers and `--as-of` write them, read strictly. */

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The epoch milliseconds of an ISO-8601 date (`2026-11-24`, read as UTC midnight) or timestamp
 * (`2026-11-24T08:00:00Z`, an offset, or no zone for UTC), or undefined for anything else, including
 * dates that do not exist (`2025-02-30`) and years outside 0000–9999. `Date.parse` alone accepts
 * both.
 */
export function parseIsoInstant(text: string): number | undefined {
  const match = ISO_INSTANT.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hours = "00", minutes = "00", seconds = "00", zone] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const probe = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 2025-02-30 over into March: a day that does not exist does not survive the round trip.
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return undefined;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const normalised = `${year}-${month}-${day}T${hours}:${minutes}:${seconds}${text.trim().match(/\.\d+/)?.[0] ?? ""}${zone === undefined ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? undefined : time;
}
