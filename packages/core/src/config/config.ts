/** Loads the scan configuration file. */
import { dirname, resolve } from "node:path";
import { type ConfigData, configSchema } from "./schema.js";
import { issuesFromZod, parseSource, raise, readSource, type SourceDocument } from "./source.js";

/** A validated configuration with the document it came from (for positioned errors later). */
export interface LoadedConfig {
  /** The file as the user named it. */
  readonly file: string;
  /** Relative paths in the config (packs, plugins, trust, attestations) resolve from here. */
  readonly baseDir: string;
  readonly data: ConfigData;
  readonly document: SourceDocument;
}

/**
 * Reads and validates a config file (YAML or JSON). Every problem is reported at once, each naming
 * file, line, column and key path (`HC_CONFIG_UNREADABLE`, `HC_CONFIG_SYNTAX`, `HC_CONFIG_INVALID`).
 * A relative `path` resolves from `options.cwd` (default: the working directory); errors name it as given.
 */
export async function loadConfigFile(path: string, options: { cwd?: string } = {}): Promise<LoadedConfig> {
  const absolute = resolve(options.cwd ?? process.cwd(), path);
  const document = await readSource(absolute, path);
  return configFromDocument(document, dirname(absolute));
}

/**
 * Validates a configuration given as text (YAML or JSON) or as a plain object, for library use.
 *
 * @example
 * ```ts
 * const config = configFromObject({ packs: ["tls-baseline"], targets: [{ id: "web", endpoints: ["tls://127.0.0.1:8443"] }] });
 * ```
 */
export function configFromObject(data: unknown, options: { file?: string; baseDir?: string } = {}): LoadedConfig {
  const file = options.file ?? "<config>";
  const text = typeof data === "string" ? data : JSON.stringify(data, null, 2);
  return configFromDocument(parseSource(text, file), options.baseDir ?? process.cwd());
}

function configFromDocument(document: SourceDocument, baseDir: string): LoadedConfig {
  const parsed = configSchema.safeParse(document.data);
  if (!parsed.success) raise("HC_CONFIG_INVALID", issuesFromZod(parsed.error, document));
  return { file: document.file, baseDir, data: parsed.data, document };
}
