/**
 * Error codes hardcheck raises. Every message a human sees starts with one of these, then the
 * place (file:line:column and key path where known), the cause, and what was expected.
 */
export type HardcheckErrorCode =
  | "HC_CONFIG_UNREADABLE"
  | "HC_CONFIG_SYNTAX"
  | "HC_CONFIG_INVALID"
  | "HC_PACK_UNKNOWN"
  | "HC_PACK_INVALID"
  | "HC_RULE_DUPLICATE"
  | "HC_RULE_UNKNOWN"
  | "HC_RULE_UNKNOWN_FACT"
  | "HC_PLUGIN_LOAD"
  | "HC_PLUGIN_REGISTER"
  | "HC_PLUGIN_CONFLICT"
  | "HC_ENDPOINT_INVALID"
  | "HC_REPORT_INVALID"
  | "HC_EVIDENCE_INVALID"
  | "HC_USAGE"
  | "HC_INTERNAL";

/** One precise problem in an input file. */
export interface InputIssue {
  /** The file the problem is in, as the user named it (relative paths stay relative). */
  file?: string;
  /** 1-based line, when the position is known. */
  line?: number;
  /** 1-based column, when the position is known. */
  column?: number;
  /** Key path inside the document, e.g. `targets[2].endpoints[0]`. */
  path?: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** Formats an issue as `file:line:column path: message`. */
export function formatIssue(issue: InputIssue): string {
  let place = issue.file ?? "";
  if (issue.file && issue.line !== undefined) {
    place += `:${issue.line}`;
    if (issue.column !== undefined) place += `:${issue.column}`;
  }
  const parts = [place, issue.path].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? `${parts.join(" ")}: ${issue.message}` : issue.message;
}

/**
 * The one error type hardcheck throws on purpose. `code` is stable for programs; `message` is for
 * humans and already carries the code, the place and the expectation.
 *
 * @example
 * ```ts
 * try { await loadConfigFile("hardcheck.yaml"); }
 * catch (error) { if (error instanceof HardcheckError) console.error(error.message); }
 * ```
 */
export class HardcheckError extends Error {
  override readonly name = "HardcheckError";
  /** Stable machine-readable code. */
  readonly code: HardcheckErrorCode;
  /** The individual problems, when the error is about input files. */
  readonly issues: readonly InputIssue[];

  constructor(code: HardcheckErrorCode, issuesOrMessage: readonly InputIssue[] | string, options?: { cause?: unknown }) {
    const issues = typeof issuesOrMessage === "string" ? [{ message: issuesOrMessage }] : issuesOrMessage;
    const body = issues.length === 1 ? formatIssue(issues[0] as InputIssue) : `\n${issues.map((issue) => `  ${formatIssue(issue)}`).join("\n")}`;
    super(`${code}: ${body}`, options);
    this.code = code;
    this.issues = issues;
  }
}

/** True when `error` is a {@link HardcheckError} with one of the given codes (or any code). */
export function isHardcheckError(error: unknown, ...codes: HardcheckErrorCode[]): error is HardcheckError {
  return error instanceof HardcheckError && (codes.length === 0 || codes.includes(error.code));
}

/** A short, single-line description of anything thrown — never a stack, never an object dump. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message.split("\n")[0] ?? error.name;
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}
