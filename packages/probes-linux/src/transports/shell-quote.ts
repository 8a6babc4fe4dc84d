/** Quoting an argv for a POSIX shell, the only way SSH can carry a command. */

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Joins argv into one POSIX shell command line where every argument stays one word and nothing is
 * expanded. Single quotes protect everything but a single quote, which is written as `'\''`.
 *
 * @example
 * ```ts
 * quotePosixCommand(["grep", "-r", "it's", "/etc"]); // grep -r 'it'\''s' /etc
 * ```
 */
export function quotePosixCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("cannot run an empty command");
  return argv.map((arg) => (SAFE_WORD.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(" ");
}
