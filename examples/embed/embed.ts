// hardcheck as a library: load the bundled packs, describe one target, scan it, read the verdicts.
import { register as checklists } from "@hardcheck/checklists";
import { configFromObject, Hardcheck, registerBuiltins } from "@hardcheck/core";
import { register as networkProbes } from "@hardcheck/probes-network";

/** Scans `url` with tls-baseline and returns one line per decided check: `RULE status — message`. */
export async function checkEndpoint(url: string, caFile?: string): Promise<string[]> {
  const config = configFromObject({
    packs: ["tls-baseline"],
    trust: caFile ? { caFile, systemRoots: false } : { systemRoots: true },
    targets: [{ id: "portal", endpoints: [url] }],
  });
  const hardcheck = await Hardcheck.create({ plugins: [registerBuiltins, networkProbes, checklists], config });
  const report = await hardcheck.scan(config);
  return report.results.filter((result) => result.status !== "not-applicable").map((result) => `${result.ruleId} ${result.status} — ${result.message}`);
}
