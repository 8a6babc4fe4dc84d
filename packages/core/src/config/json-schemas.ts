/** The published contracts as JSON Schema documents (`@hardcheck/core/schemas/*.json`). */
import { z } from "zod";
import { reportSchema } from "../model/report.js";
import { attestationsFileSchema, configSchema, packSchema } from "./schema.js";

/** JSON Schema documents for the published contracts, keyed by file name. */
export function jsonSchemas(): Record<string, object> {
  const make = (schema: z.ZodType, id: string, title: string) => ({
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
    $id: `urn:hardcheck:schema:${id}`,
    title,
  });
  return {
    "config.schema.json": make(configSchema, "config.schema.json", "hardcheck scan configuration"),
    "pack.schema.json": make(packSchema, "pack.schema.json", "hardcheck rule pack"),
    "attestations.schema.json": make(attestationsFileSchema, "attestations.schema.json", "hardcheck attestations"),
    "report.schema.json": make(reportSchema, "report.schema.json", "hardcheck report document"),
  };
}
