// Writes the published JSON Schema files from the built package, so they always match the zod
// schemas that validate at run time. Runs after tsup as part of `npm run build`.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { jsonSchemas } from "../dist/index.js";

const outDir = new URL("../schemas/", import.meta.url);
const schemas = jsonSchemas();

await mkdir(outDir, { recursive: true });
// A schema that is no longer produced must not linger in the published folder.
for (const name of await readdir(outDir)) {
  if (name.endsWith(".schema.json") && !(name in schemas)) await rm(new URL(name, outDir));
}
for (const [name, schema] of Object.entries(schemas)) {
  await writeFile(new URL(name, outDir), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(schemas).length} schemas to ${outDir.pathname}`);
