/**
 * The step before planning: open each target's host transport and ask it which OS it reaches, so
 * rules scoped by `os` apply without `os:` in the config. The config's `os:` still wins; where the
 * two disagree the report says so.
 */
import pLimit from "p-limit";
import type { CompiledRule } from "../engine/evaluate.js";
import { describeError } from "../errors.js";
import type { ReportNotice } from "../model/report.js";
import type { Target } from "../model/target.js";
import type { DetectedOs, TransportProvider } from "../plugin/transport.js";
import type { FactCollector } from "./collector.js";

/** What detection found for the scan's targets. */
export interface OsDetection {
  /** The targets with `os` filled in from the host where the config left it out. */
  readonly targets: Target[];
  /** Targets whose OS stays unknown: target id → why, with the fix. */
  readonly unknown: ReadonlyMap<string, string>;
  readonly notices: ReportNotice[];
}

/**
 * Detects the OS of every target that has a host transport whose provider can tell. Takes at most
 * `timeoutMs` per host; a host that cannot be opened or does not answer keeps its configured `os`.
 */
export async function detectOperatingSystems(
  targets: readonly Target[],
  rules: readonly CompiledRule[],
  providers: ReadonlyMap<string, TransportProvider>,
  collector: FactCollector,
  timeoutMs: number,
  readsHost: (compiled: CompiledRule) => boolean,
  concurrency: number,
): Promise<OsDetection> {
  const notices: ReportNotice[] = [];
  const unknown = new Map<string, string>();
  // Hosts are opened under the scan's concurrency limit, as probe runs would open them.
  const limit = pLimit(concurrency);
  const detected = await Promise.all(
    targets.map((target) =>
      limit(async (): Promise<Target> => {
        const host = target.host;
        const detect = host ? providers.get(host.kind)?.detectOs : undefined;
        if (!host || !detect) return target;
        // Only rules this target's tags admit care about its OS; no need to open a host for nothing else.
        const admitted = rules.filter((compiled) => targetTagsMatch(compiled, target));
        const osRules = admitted.filter((compiled) => compiled.rule.scope.os);
        if (osRules.length === 0 && !admitted.some(readsHost)) return target;
        let found: DetectedOs | undefined;
        let failure: string | undefined;
        try {
          const transport = await collector.transportFor(target, host);
          found = await withTimeout(detect(transport), timeoutMs, `no answer within ${timeoutMs} ms`);
        } catch (error) {
          failure = describeError(error);
        }
        if (found && target.os && found.family !== target.os) {
          notices.push({
            level: "warning",
            code: "HC_OS_MISMATCH",
            message: `target ${target.id}: the config says os: ${target.os}, but ${host.spec} reports ${found.family}${found.name ? ` (${found.name})` : ""} in ${found.source} — os: ${target.os} is used; correct it or remove it to use the detected OS`,
          });
        }
        if (target.os) return target;
        if (found) return { ...target, os: found.family };
        const families = [...new Set(osRules.flatMap((compiled) => compiled.rule.scope.os ?? []))].sort();
        const why = `the OS of ${host.spec} could not be detected (${failure ?? "it has no /etc/os-release and says nothing else about itself"})`;
        const fix = `add \`os: ${families[0] ?? "linux"}\` to target ${target.id}`;
        unknown.set(target.id, `${why} — ${fix}`);
        if (osRules.length > 0) {
          const byPack = new Map<string, number>();
          for (const compiled of osRules) byPack.set(compiled.rule.pack, (byPack.get(compiled.rule.pack) ?? 0) + 1);
          notices.push({
            level: "warning",
            code: "HC_OS_UNDETECTED",
            message: `target ${target.id}: ${why}; ${[...byPack].map(([pack, count]) => `${count} ${pack} check(s)`).join(", ")} scoped to ${families.join("/")} are reported as error — ${fix}`,
          });
        }
        return target;
      }),
    ),
  );
  return { targets: detected, unknown, notices };
}

function targetTagsMatch(compiled: CompiledRule, target: Target): boolean {
  const tags = compiled.rule.scope.targetTags;
  return !tags || tags.some((tag) => target.tags.includes(tag));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
