import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { compilePack } from "@hardcheck/core";
import { packageConfig } from "../../tsup.shared.js";

/**
 * Compiles every pack to `dist/packs/<id>.json` (data, positions, the YAML's SHA-256 and the pack as
 * core's schema accepted it), so a run loads it without the YAML parser or the schema check; a pack
 * edited after the build no longer matches and is parsed and checked. A pack that does not load
 * fails the build.
 */
async function compilePacks(): Promise<void> {
  const packs = new URL("./packs/", import.meta.url);
  const out = new URL("./dist/packs/", import.meta.url);
  await mkdir(out, { recursive: true });
  for (const name of (await readdir(packs)).filter((file) => file.endsWith(".yaml"))) {
    const compiled = compilePack(await readFile(new URL(name, packs), "utf8"), `packs/${name}`);
    await writeFile(new URL(name.replace(/\.yaml$/, ".json"), out), JSON.stringify(compiled));
  }
}

export default packageConfig(import.meta.url, { onSuccess: compilePacks });
