/** The version of `@hardcheck/core`, injected at build time. */
declare const __HARDCHECK_PACKAGE__: { name: string; version: string } | undefined;

/** This package's version; `0.0.0-dev` when run from source. */
export const CORE_VERSION = typeof __HARDCHECK_PACKAGE__ === "object" ? __HARDCHECK_PACKAGE__.version : "0.0.0-dev";
