/**
 * The command-line definition (commander): one place that the help text and the docs come from.
 * Each command's code, and the probe and protocol libraries behind it, is imported only when that
 * command runs, so `--help` and `--version` start in the time Node itself takes.
 */
import { Command, CommanderError, Option } from "commander";
import { loadFaultHooks } from "./faults.js";
import { type CliIo, EXIT, processIo } from "./io.js";
import { load } from "./lazy.js";
import { CLI_TOOL } from "./version.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Builds the `hardcheck` program. Each action stores its exit code in `result.code`.
 */
export function createProgram(io: CliIo, signal: AbortSignal, result: { code: number }): Command {
  const program = new Command("hardcheck")
    .description("Security checklists as code: probe live systems, decide every checklist item, write reports.")
    .version(CLI_TOOL.version, "-V, --version")
    .showHelpAfterError("(run hardcheck --help for usage)")
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    // Every command loads core; --version and --help run no action and never do.
    .hook("preAction", loadFaultHooks);

  program
    .command("scan")
    .description("Scan the configured targets and write reports.")
    .requiredOption("-c, --config <file>", "config file (YAML or JSON)")
    .option("-f, --format <list>", "comma-separated formats; hardcheck.json is always written", "json,console")
    .option("-o, --out <dir>", "directory for report files", "out")
    .option("--stdout <format>", 'format printed on stdout ("none" for silence; default console when requested)')
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a check fails or errors at or above this severity")
        .choices(["critical", "high", "medium", "low", "info", "none"])
        .default("low"),
    )
    .option("--concurrency <n>", "probe runs in flight at once")
    .option("--timeout <ms>", "timeout of one probe run (connect timeout is capped by it)")
    .option("--pack <id>", "only rules of this pack (repeatable)", collect)
    .option("--rule <id>", "only this rule (repeatable)", collect)
    .option("--shard <i/n>", "scan only shard I of N of the targets (stable hash of the target id)")
    .option("-v, --verbose", "console output lists passing and not-applicable checks too")
    .option("--baseline <file>", "an earlier hardcheck.json: reports mark findings that are new since it")
    .option(
      "--strict",
      "exit 2 when the config leaves something unchecked: a pack, target or role tag nothing applies to, an OS not detected (also strict: true in the config)",
    )
    .option(
      "--listen <duration>",
      "first run canary listeners on the config's client endpoints (client-smtp://ADDRESS:PORT, …) for this long, e.g. 120s, with progress on stderr; what the appliances do there is the client evidence (kept as client-evidence.json next to the reports)",
    )
    .option("--certificates <list>", "with --listen: certificates presented in turn, one per connection", "self-signed,wrong-host,expired,site")
    .option(
      "--client-evidence <file>",
      "what canary listeners recorded (hardcheck listen): each target's client endpoints are judged from it; without it client sources stay not checked",
    )
    .option(
      "--as-of <time>",
      "judge as of this ISO-8601 time instead of now (e.g. 2026-11-24T08:00:00Z); evidence bundles are still judged as of their collection",
    )
    .action(async (options) => {
      const { scanCommand } = await load.scan();
      result.code = await scanCommand(options, io, signal);
    });

  program
    .command("report")
    .description("Render a saved report (hardcheck.json) in any format, without scanning again.")
    .requiredOption("--from <file>", "the hardcheck.json to render")
    .option("-f, --format <list>", "comma-separated formats (json, console, sarif, junit, html, markdown, or one a --config plugin adds)", "html")
    .option("-o, --out <dir>", "directory for report files", "out")
    .option("--stdout <format>", 'format printed on stdout ("none" for silence; default console when requested)')
    .option("-c, --config <file>", "load this config's plugins, for the report formats they add (nothing is scanned)")
    .option("--baseline <file>", "an earlier hardcheck.json: reports mark findings that are new since it")
    .option("-v, --verbose", "console output lists passing and not-applicable checks too")
    .action(async (options) => {
      const { reportCommand } = await load.report();
      result.code = await reportCommand(options, io);
    });

  program
    .command("diff")
    .description(
      "Compare two reports: new failures, fixed, no longer verified, still failing, changed evidence. Exit 1 when something newly fails or can no longer be verified.",
    )
    .argument("<old>", "the earlier hardcheck.json")
    .argument("<new>", "the later hardcheck.json")
    .option("--json", "machine-readable output")
    .action(async (oldFile: string, newFile: string, options) => {
      const { diffCommand } = await load.report();
      result.code = await diffCommand(oldFile, newFile, options, io);
    });

  program
    .command("init")
    .description("Write a commented starter config: packs, one target per host, the vendor pack's role tags and usual endpoints.")
    .option(
      "--host <host>",
      "a system to check: name, address, ssh://user@host, local:, root:/path or evidence:./bundle.json (repeatable; asked for on a terminal)",
      collect,
    )
    .option("--pack <id>", "a pack to use, e.g. openscape-concierge-v5r0 (repeatable; default tls-baseline and network-baseline)", collect)
    .option("--endpoint <url>", "an extra endpoint for every target (repeatable)", collect)
    .option("-o, --out <file>", "where to write the config", "hardcheck.yaml")
    .option("--force", "replace an existing file")
    .action(async (options) => {
      const { initCommand } = await load.init();
      result.code = await initCommand(options, io);
    });

  program
    .command("validate")
    .description("Check a config, its packs, plugins, tailoring, waivers and attestations without scanning.")
    .argument("<file>", "config file")
    .option("--strict", "exit 2 when a scope warning is found (also strict: true in the config)")
    .action(async (file: string, options: { strict?: boolean }) => {
      const { validateCommand } = await load.inspect();
      result.code = await validateCommand(file, io, options);
    });

  program
    .command("list-rules")
    .description("List the rules of the bundled packs (or of a config's packs).")
    .option("--pack <id>", "only this pack")
    .option("-c, --config <file>", "list the packs this config loads, with its plugins")
    .option("--json", "machine-readable output")
    .option("--markdown", "only the coverage table (rules per class and pack) in Markdown")
    .action(async (options) => {
      const { listRulesCommand } = await load.inspect();
      result.code = await listRulesCommand(options, io);
    });

  program
    .command("attest")
    .description("Walk a pack's open manual items for one target and append signed verdicts (who, when, note) to the attestations file.")
    .requiredOption("-c, --config <file>", "config file naming the target (and its attestations file)")
    .requiredOption("--pack <id>", "the pack whose manual items to attest")
    .requiredOption("--target <id>", "the target the verdicts are for")
    .option("--file <path>", "attestations file (default: the config's attestations file, else attestations.yaml beside it)")
    .option("--by <name>", "who attests (default: $HARDCHECK_ATTEST_BY or the login name)")
    .option("--all", "ask about items that already have an attestation too")
    .action(async (options) => {
      const { attestCommand } = await load.attest();
      result.code = await attestCommand(options, io);
    });

  program
    .command("explain")
    .description("Show what a rule checks, why, how to fix it, its parameters and the facts it reads.")
    .argument("<rule>", "rule id")
    .option("-c, --config <file>", "look the rule up in this config's packs, with its tailoring")
    .action(async (rule: string, options) => {
      const { explainCommand } = await load.inspect();
      result.code = await explainCommand(rule, options, io);
    });

  program
    .command("merge")
    .description("Combine shard reports into one report, identical to an unsharded run apart from timestamps.")
    .argument("<reports...>", "hardcheck.json files")
    .requiredOption("-o, --out <dir>", "directory for the merged report")
    .option("-f, --format <list>", "formats to write besides hardcheck.json, each written a target at a time (json, sarif, junit, html, markdown)", "json")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a merged check fails or errors at or above this severity (an incomplete shard always does)")
        .choices(["critical", "high", "medium", "low", "info", "none"])
        .default("none"),
    )
    .action(async (files: string[], options) => {
      const { mergeCommand } = await load.merge();
      result.code = await mergeCommand(files, options, io);
    });

  program
    .command("listen")
    .description(
      "Canary listeners the appliance connects to as a client (mail relay, LDAP server, EWS URL, SQL server, SIP peer): record its ClientHello, STARTTLS, credentials sent before TLS and certificate validation into a client evidence file.",
    )
    .requiredOption("--target <id>", "the target (appliance) the sessions are recorded for")
    .option("--smtp <address:port>", "SMTP listener with STARTTLS, e.g. 127.0.0.1:2525 (repeatable)", collect)
    .option("--smtps <address:port>", "SMTP listener with implicit TLS (repeatable)", collect)
    .option("--ldap <address:port>", "LDAP listener with StartTLS (repeatable)", collect)
    .option("--ldaps <address:port>", "LDAPS listener (repeatable)", collect)
    .option("--https <address:port>", "HTTPS listener, answering 503 (repeatable)", collect)
    .option("--tds <address:port>", "SQL Server (TDS) listener: TLS inside PRELOGIN, every login refused (repeatable)", collect)
    .option("--sips <address:port>", "SIP-over-TLS listener, answering 503 (repeatable)", collect)
    .option(
      "--certificates <list>",
      "certificates presented in turn, one per connection: site, self-signed, wrong-host, expired, revocation",
      "self-signed,wrong-host,expired,site",
    )
    .option("--cert <file>", "the site's certificate chain (PEM) presented as site; default a canary CA made for this run")
    .option("--key <file>", "the key of --cert (PEM)")
    .option(
      "--name <host>",
      "a name or address the appliance uses to reach the canary, written into its certificates (repeatable; default the listener addresses and localhost)",
      collect,
    )
    .option("-o, --out <file>", "the client evidence file to write (whole, or not at all)", "client-evidence.json")
    .option("--ca-out <file>", "write the canary CA (PEM) here, for the appliance's trust store")
    .option("--for <duration>", "stop listening after this long, e.g. 120s or 5m (default: until Ctrl-C)")
    .option("--session-timeout <duration>", "bound of one client session", "15s")
    .option("--max-sessions <n>", "stop once this many sessions were recorded")
    .action(async (options) => {
      const { listenCommand } = await load.listen();
      result.code = await listenCommand(options, io, signal);
    });

  program
    .command("collect-script")
    .description("Print hardcheck-collect.ps1, the Windows evidence collector (run it on the server; scan its JSON with host evidence:./file.json).")
    .action(async () => {
      const { renderCollectorScript } = await load.probesWindows();
      io.stdout.write(renderCollectorScript());
      result.code = EXIT.ok;
    });

  return program;
}

/**
 * Runs the CLI with `argv` (without the node and script entries) and returns the exit code.
 * Never throws: invalid input is exit 2 with a message naming file and line; bugs are exit 3.
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), signal: AbortSignal = new AbortController().signal): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = createProgram(io, signal, result);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const core = await load.core().catch(() => undefined);
    if (core === undefined) {
      // Core itself failed to load (a damaged install): still a bug report, never a verdict.
      const text = [...(error instanceof Error ? error.message : String(error))];
      const shown = text.map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? "?" : char)).join("");
      io.stderr.write(`HC_INTERNAL: ${shown} — hardcheck could not load its own code; reinstall it\n`);
      return EXIT.internal;
    }
    const { describeError, isHardcheckError, printable } = core;
    if (isHardcheckError(error)) {
      // Messages quote config keys, file names and server text: keep their lines, escape the rest.
      io.stderr.write(`${error.message.split("\n").map(printable).join("\n")}\n`);
      return error.code === "HC_INTERNAL" ? EXIT.internal : EXIT.usage;
    }
    io.stderr.write(`HC_INTERNAL: ${printable(describeError(error))} — this is a bug in hardcheck or a plugin; rerun with HARDCHECK_DEBUG=1 for the stack\n`);
    if (io.env.HARDCHECK_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? ""}\n`);
    return EXIT.internal;
  }
}
