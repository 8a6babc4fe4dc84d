/** The CLI's name and version, with no imports: `--version` needs nothing else. */

declare const __HARDCHECK_PACKAGE__: { name: string; version: string } | undefined;

/** The name and version the CLI writes into reports. */
export const CLI_TOOL = { name: "hardcheck", version: typeof __HARDCHECK_PACKAGE__ === "object" ? __HARDCHECK_PACKAGE__.version : "0.0.0-dev" };
