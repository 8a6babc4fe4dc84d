/** Resolve step 1: the config's targets, with their endpoints parsed and their paths made absolute. */
import { isAbsolute, resolve } from "node:path";
import { compareText } from "../compare-text.js";
import type { LoadedConfig } from "../config/config.js";
import type { KeyPath } from "../config/source.js";
import { type EndpointSchemeTable, parseEndpoint, parseHostSpec } from "../model/endpoint.js";
import { parseIsoInstant } from "../model/instant.js";
import type { Endpoint, Target } from "../model/target.js";
import { messageOf, type ResolveIssues } from "./resolve-issues.js";

/** The targets of a config, and where each id was first defined. */
export interface ResolvedTargets {
  readonly targets: readonly Target[];
  /** Target id → its index in the config's `targets:`. */
  readonly indexById: ReadonlyMap<string, number>;
}

/**
 * Resolves every target of `config`: endpoints parsed and sorted, `root:`/`evidence:` and SSH key
 * paths resolved next to the config file. Endpoint URLs are read with the instance's registered
 * `schemes`. Problems go to `issues` as `HC_CONFIG_INVALID`.
 */
export function resolveTargets(config: LoadedConfig, issues: ResolveIssues, schemes: EndpointSchemeTable): ResolvedTargets {
  const { data, document, baseDir } = config;
  const at = (path: KeyPath, message: string) => issues.at("HC_CONFIG_INVALID", document, path, message);
  const targets: Target[] = [];
  const indexById = new Map<string, number>();
  data.targets.forEach((target, ti) => {
    if (indexById.has(target.id)) at(["targets", ti, "id"], `duplicate target id "${target.id}" — first used at targets[${indexById.get(target.id)}]`);
    indexById.set(target.id, ti);
    const endpoints: Endpoint[] = [];
    const endpointLines: Record<string, number> = {};
    (target.endpoints ?? []).forEach((entry, ei) => {
      const path: KeyPath = typeof entry === "string" ? ["targets", ti, "endpoints", ei] : ["targets", ti, "endpoints", ei, "url"];
      try {
        const endpoint =
          typeof entry === "string"
            ? parseEndpoint(entry, {}, schemes)
            : parseEndpoint(entry.url, { ...(entry.tags ? { tags: entry.tags } : {}), ...(entry.servername ? { servername: entry.servername } : {}) }, schemes);
        if (endpoints.some((other) => other.url === endpoint.url)) at(path, `endpoint ${endpoint.url} is listed twice for this target`);
        else {
          endpoints.push(endpoint);
          endpointLines[endpoint.url] = document.locate(["targets", ti, "endpoints", ei])?.line ?? document.locate(["targets", ti])?.line ?? 1;
        }
      } catch (error) {
        at(path, messageOf(error));
      }
    });
    let host: Target["host"];
    if (target.host) {
      try {
        const parsed = parseHostSpec(target.host);
        // A relative root:/evidence: path means "next to the config file", like every other path in it.
        host =
          (parsed.kind === "root" || parsed.kind === "evidence") && !isAbsolute(parsed.location)
            ? { ...parsed, location: resolve(baseDir, parsed.location) }
            : parsed;
      } catch (error) {
        at(["targets", ti, "host"], messageOf(error));
      }
    }
    if (target.asOf !== undefined && host && host.kind !== "root" && host.kind !== "evidence") {
      at(["targets", ti, "asOf"], `asOf applies to root: images and evidence: exports only — a live ${host.kind}: host is judged at the scan's time`);
    } else if (target.asOf !== undefined && !target.host) {
      at(["targets", ti, "asOf"], "asOf applies to a target with a root: or evidence: host — endpoints are always judged at the scan's time");
    }
    if (endpoints.length === 0 && !target.host && (target.endpoints ?? []).length === 0) {
      at(["targets", ti], "a target needs a host or at least one endpoint");
    }
    const asOf = target.asOf !== undefined ? parseIsoInstant(target.asOf) : undefined;
    targets.push({
      id: target.id,
      ...(host ? { host } : {}),
      ...(target.os ? { os: target.os } : {}),
      ...(target.ssh
        ? {
            ssh: {
              ...target.ssh,
              // Key and known_hosts paths are relative to the config file, like every other path in it.
              ...(target.ssh.identityFile ? { identityFile: resolve(baseDir, target.ssh.identityFile) } : {}),
              ...(target.ssh.knownHosts ? { knownHosts: resolve(baseDir, target.ssh.knownHosts) } : {}),
            },
          }
        : {}),
      ...(target.credentials ? { credentials: { ...target.credentials } } : {}),
      ...(target.allowCredentialTries !== undefined ? { allowCredentialTries: target.allowCredentialTries } : {}),
      ...(asOf !== undefined ? { asOf: new Date(asOf).toISOString() } : {}),
      tags: [...(target.tags ?? [])].sort(),
      endpoints: endpoints.sort((a, b) => compareText(a.url, b.url)),
      source: { file: document.file, line: document.locate(["targets", ti])?.line ?? 1 },
      endpointLines,
    });
  });
  return { targets, indexById };
}
