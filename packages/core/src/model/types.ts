/**
 * The whole model in one import, for code written before it was split: what is scanned
 * (`target.ts`), how it is judged (`rule.ts`), what people sign (`signoff.ts`), the deployment
 * (`site.ts`) and what a scan produces (`report.ts`). New code imports from those modules.
 */
export * from "./report.js";
export * from "./rule.js";
export * from "./signoff.js";
export * from "./site.js";
export * from "./target.js";
export * from "./values.js";
