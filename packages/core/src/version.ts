/** The version of `@hardcheck/core`, injected at build time. */
declare const __HARDCHECK_PACKAGE__: { name: string; version: string } | undefined;

/** This package's version; `0.0.0-dev` when run from source. */
export const CORE_VERSION = typeof __HARDCHECK_PACKAGE__ === "object" ? __HARDCHECK_PACKAGE__.version : "0.0.0-dev";

/** Names this build's pack schema (see `packSchemaFingerprint` in tsup.shared.ts). */
declare const __HARDCHECK_PACK_SCHEMA__: string | undefined;

/**
 * A name for the pack schema this build of core checks with, which changes whenever what the
 * schema accepts may change; undefined where the build did not name it (then no compiled pack is
 * taken as checked).
 */
export const PACK_SCHEMA_FINGERPRINT: string | undefined = typeof __HARDCHECK_PACK_SCHEMA__ === "string" ? __HARDCHECK_PACK_SCHEMA__ : undefined;
