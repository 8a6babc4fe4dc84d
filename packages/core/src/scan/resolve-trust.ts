/** Resolve step 5: the CA certificates TLS probes trust, from the config's `trust:`. */
import { X509Certificate } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { LoadedConfig } from "../config/config.js";
import type { KeyPath } from "../config/source.js";
import { describeError } from "../errors.js";
import type { TrustStore } from "../plugin/services.js";
import type { ResolveIssues } from "./resolve-issues.js";

/** Reads `trust.caFile` and every `.pem`/`.crt`/`.cer` of `trust.caDir`; unreadable or empty ones go to `issues`. */
export async function resolveTrust(config: LoadedConfig, issues: ResolveIssues): Promise<TrustStore> {
  const trust = config.data.trust;
  const at = (path: KeyPath, message: string) => issues.at("HC_CONFIG_INVALID", config.document, path, message);
  const caCertificates: string[] = [];
  const addPem = (text: string, path: KeyPath, name: string) => {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (!blocks) at(path, `${name} holds no PEM certificate — expected "-----BEGIN CERTIFICATE-----" blocks`);
    else {
      // A certificate no one can read would otherwise be passed over in silence whenever it is not
      // the issuer being looked for.
      blocks.forEach((block, index) => {
        try {
          new X509Certificate(block);
        } catch (error) {
          at(path, `${name}: certificate ${index + 1} of ${blocks.length} cannot be read (${describeError(error)})`);
        }
      });
      caCertificates.push(...blocks);
    }
  };
  if (trust?.caFile) {
    const file = resolve(config.baseDir, trust.caFile);
    try {
      addPem(await readFile(file, "utf8"), ["trust", "caFile"], trust.caFile);
    } catch {
      at(["trust", "caFile"], `cannot read CA file ${trust.caFile}`);
    }
  }
  if (trust?.caDir) {
    const dir = resolve(config.baseDir, trust.caDir);
    try {
      const names = (await readdir(dir)).filter((name) => /\.(pem|crt|cer)$/i.test(name)).sort();
      for (const name of names) addPem(await readFile(join(dir, name), "utf8"), ["trust", "caDir"], `${trust.caDir}/${name}`);
    } catch {
      at(["trust", "caDir"], `cannot read CA directory ${trust.caDir}`);
    }
  }
  return { caCertificates, useSystemRoots: trust?.systemRoots ?? true };
}
