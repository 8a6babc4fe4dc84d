/** The published contracts as JSON Schema documents (`@hardcheck/core/schemas/*.json`). */
import { z } from "zod";
import { reportSchema, reportSchemaV2, reportSchemaV3 } from "../model/report.js";
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
    // Version 2 keeps its file, so tools that validate saved version 2 reports keep working.
    "report.schema.json": make(reportSchemaV2, "report.schema.json", "hardcheck report document"),
    "report-v3.schema.json": make(reportSchemaV3, "report-v3.schema.json", "hardcheck report document, schema version 3"),
    "report-v4.schema.json": make(reportSchema, "report-v4.schema.json", "hardcheck report document, schema version 4"),
  };
}
