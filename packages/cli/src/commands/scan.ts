/** `hardcheck scan`: run the checks, write the reports, exit by verdict. */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  DEFAULT_LIMITS,
  HardcheckError,
  parseIsoInstant,
  parseShard,
  type RecordedEndpoint,
  type ReportDocument,
  type ReportNotice,
  reportTablesFor,
  SCOPE_WARNING_CODES,
  SEVERITIES,
  type Severity,
  type StreamedReport,
  toReportTarget,
} from "@hardcheck/core";
import { diffReports } from "@hardcheck/reporters";
import { writeFileAtomic } from "../atomic-write.js";
import { heapBudget } from "../heap-budget.js";
import { createInstance } from "../instance.js";
import { type CliIo, EXIT, useColor } from "../io.js";
import { progressDisplay } from "../progress.js";
import { StreamedReportWriter } from "../report-stream.js";
import { CLI_TOOL } from "../version.js";
import { exitCodeFor, exitCodeOf } from "./exit-code.js";
import { parseDuration } from "./listen.js";
import { readReport } from "./merge.js";
import { planFormats, splitFormats, warnOversizedPage, writeFormatsAfterwards, writeWholeFormats } from "./render.js";

/** Where `scan --listen` keeps what its canaries recorded, next to the reports. */
const CLIENT_EVIDENCE_FILE = "client-evidence.json";
/** The certificates `scan --listen` presents in turn unless told: the untrustworthy ones first, then the site's. */
const DEFAULT_CANARY_CERTIFICATES = "self-signed,wrong-host,expired,site";

/** Options of `hardcheck scan`. */
export interface ScanCommandOptions {
  readonly config: string;
  readonly format: string;
  readonly out: string;
  readonly stdout?: string;
  readonly failOn: string;
  readonly concurrency?: string;
  readonly timeout?: string;
  readonly pack?: string[];
  readonly rule?: string[];
  readonly shard?: string;
  readonly verbose?: boolean;
  /** An earlier hardcheck.json; reporters mark findings new since it. */
  readonly baseline?: string;
  /** Judge as of this ISO-8601 time instead of now. */
  readonly asOf?: string;
  /** A client evidence file written by `hardcheck listen`. */
  readonly clientEvidence?: string;
  /** Run canary listeners on the config's client endpoints for this long before the checks. */
  readonly listen?: string;
  /** Certificates the `--listen` canaries present in turn. */
  readonly certificates?: string;
  /** Exit 2 when a scope warning says something was left unchecked. */
  readonly strict?: boolean;
}

/**
 * Under `--strict`: the scope warnings as one message, or undefined when there are none. They are
 * printed with the report's other notices; this names the exit code's cause.
 */
export function strictFailure(notices: readonly ReportNotice[]): string | undefined {
  const scope = notices.filter((notice) => SCOPE_WARNING_CODES.has(notice.code));
  if (scope.length === 0) return undefined;
  return `HC_STRICT: ${scope.length} scope warning(s) under --strict (strict: true) — something would go unchecked:\n${scope.map((notice) => `  ${notice.code}: ${notice.message}`).join("\n")}\n`;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new HardcheckError("HC_USAGE", `${flag} ${value}: expected a whole number ≥ 1`);
  return number;
}

/** Runs a scan as the CLI does; returns the exit code. */
export async function scanCommand(options: ScanCommandOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const failOn = options.failOn as Severity | "none";
  if (failOn !== "none" && !SEVERITIES.includes(failOn)) {
    throw new HardcheckError("HC_USAGE", `--fail-on ${options.failOn}: expected one of ${[...SEVERITIES, "none"].join(", ")}`);
  }
  const concurrency = positiveInt(options.concurrency, "--concurrency");
  const timeout = positiveInt(options.timeout, "--timeout");
  // A malformed --shard fails before plugins load; the selection applies it.
  if (options.shard) parseShard(options.shard);
  if (options.asOf !== undefined && parseIsoInstant(options.asOf) === undefined) {
    throw new HardcheckError("HC_USAGE", `--as-of ${JSON.stringify(options.asOf)}: expected an existing ISO-8601 date or time, e.g. 2026-11-24T08:00:00Z`);
  }
  // One heap budget for the whole command: the garbage of parsing a large config is collected before
  // resolving it, and that of resolving before the scan, so neither adds to the scan's peak.
  const checkHeap = heapBudget();
  // Read the baseline before scanning so a wrong path fails fast.
  const baseline = options.baseline ? await readReport(options.baseline, io.cwd) : undefined;
  if (options.listen !== undefined && options.clientEvidence !== undefined) {
    throw new HardcheckError("HC_USAGE", "--listen records client evidence itself: give either --listen or --client-evidence, not both");
  }
  const listenWindowMs = options.listen !== undefined ? parseDuration(options.listen, "--listen") : undefined;
  let recordedEndpoints = options.clientEvidence !== undefined ? await readClientEvidence(options.clientEvidence, io.cwd) : undefined;
  const { hardcheck, config } = await createInstance(options.config, io.cwd);
  checkHeap();
  // Plugins are loaded: from here a signal finishes a partial report instead of ending the process.
  io.onScanStart?.();
  if (!config) throw new HardcheckError("HC_USAGE", "scan needs --config FILE");
  const { files, stdoutFormat } = splitFormats(options.format, options.stdout, hardcheck);
  let listened: unknown;
  if (listenWindowMs !== undefined) {
    // The config's client endpoints say where to listen; what the appliances do there is the client evidence.
    const planned = await hardcheck.resolve(config, { ...(options.shard ? { shard: options.shard } : {}) });
    const { listenDuringScan } = await import("./scan-listen.js");
    const evidence = await listenDuringScan(
      planned,
      {
        windowMs: listenWindowMs,
        certificates: (options.certificates ?? DEFAULT_CANARY_CERTIFICATES).split(",").map((name) => name.trim()),
        fileName: join(options.out, CLIENT_EVIDENCE_FILE),
        ...(io.clock ? { clock: io.clock } : {}),
      },
      io,
      signal,
    );
    recordedEndpoints = evidence.recordedEndpoints;
    listened = evidence.document;
  }
  const scan = await hardcheck.resolve(config, {
    ...(options.pack ? { packs: options.pack } : {}),
    ...(options.rule ? { rules: options.rule } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(recordedEndpoints ? { recordedEndpoints } : {}),
    limits: {
      ...(concurrency ? { concurrency } : {}),
      ...(timeout
        ? { probeTimeoutMs: timeout, connectTimeoutMs: Math.min(timeout, config.data.limits?.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs) }
        : {}),
    },
  });
  checkHeap();
  const outDir = resolve(io.cwd, options.out);
  const { consoleStream, jsonReporter } = await import("@hardcheck/reporters");
  const reporterOptions = { configFile: options.config, ...(baseline ? { baseline } : {}) };
  // The built-in report files are written target by target too. A plugin's format needs the whole
  // report: it is rendered from the document once written, so the scan itself still holds only the
  // targets in flight. A baseline is compared with the whole report, which is then kept in memory.
  const fileOptions = { color: false, ...reporterOptions };
  const plan = baseline ? undefined : await planFormats(files, stdoutFormat, hardcheck, outDir, fileOptions);
  if (plan) {
    // The document, the console view and the other streamable files are written target by target, so
    // memory holds only the targets in flight however many the scan covers.
    await mkdir(outDir, { recursive: true });
    const view =
      stdoutFormat === "console"
        ? consoleStream({ color: useColor(io.stdout, io.env), verbose: options.verbose === true, configFile: options.config })
        : undefined;
    const writer = new StreamedReportWriter(
      join(outDir, jsonReporter.fileName),
      reportTablesFor(scan),
      new Map(scan.targets.map((target) => [target.id, toReportTarget(target)])),
      failOn,
      { ...(view ? { consoleView: view } : {}), files: plan.streams, afterTarget: checkHeap },
    );
    const progress = progressDisplay(io);
    let streamed: StreamedReport;
    try {
      streamed = await hardcheck.stream(scan, writer, {
        signal,
        ...(io.clock ? { clock: io.clock } : {}),
        onProgress: progress.onProgress,
        tool: CLI_TOOL,
        ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
      });
    } catch (error) {
      await writer.discard();
      throw error;
    } finally {
      progress.finish();
    }
    const outcome = await writer.finish(streamed, (text) => io.stdout.write(text));
    if (listened !== undefined) await writeFileAtomic(join(outDir, CLIENT_EVIDENCE_FILE), `${JSON.stringify(listened, null, 2)}\n`);
    await writeFormatsAfterwards(plan, () => readReport(join(outDir, jsonReporter.fileName), io.cwd), hardcheck, {
      outDir,
      io,
      fileOptions,
      stdoutOptions: { color: useColor(io.stdout, io.env), verbose: options.verbose === true, ...reporterOptions },
    });
    return finishScan(
      streamed,
      [...files.map((format) => hardcheck.registry.reporters.get(format)?.fileName ?? format), ...(listened !== undefined ? [CLIENT_EVIDENCE_FILE] : [])],
      options,
      config.data.strict === true,
      io,
      () => exitCodeOf(streamed.incomplete, outcome.failing),
    );
  }
  const progress = progressDisplay(io);
  let report: ReportDocument;
  try {
    report = await hardcheck.run(scan, {
      signal,
      ...(io.clock ? { clock: io.clock } : {}),
      onProgress: progress.onProgress,
      tool: CLI_TOOL,
      ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
    });
  } finally {
    progress.finish();
  }
  await mkdir(outDir, { recursive: true });
  const written = await writeWholeFormats(report, files, stdoutFormat, hardcheck, {
    outDir,
    io,
    fileOptions,
    stdoutOptions: { color: useColor(io.stdout, io.env), verbose: options.verbose === true, ...reporterOptions },
  });
  if (listened !== undefined) await writeFileAtomic(join(outDir, CLIENT_EVIDENCE_FILE), `${JSON.stringify(listened, null, 2)}\n`);
  const diff = baseline ? diffReports(baseline, report) : undefined;
  return finishScan(
    report,
    [...written, ...(listened !== undefined ? [CLIENT_EVIDENCE_FILE] : [])],
    options,
    config.data.strict === true,
    io,
    () => exitCodeFor(report, failOn),
    diff
      ? `compared with ${options.baseline}: ${diff.newFailures.length} new failure(s), ${diff.fixed.length} fixed, ${diff.notVerified.length} no longer verified, ${diff.stillFailing.length} still failing\n`
      : undefined,
  );
}

/** The last words of a scan: warnings, where the reports went, `--strict`, and the exit code. */
async function finishScan(
  report: Pick<ReportDocument, "notices">,
  written: readonly string[],
  options: ScanCommandOptions,
  strictConfig: boolean,
  io: CliIo,
  exitCode: () => number,
  comparison?: string,
): Promise<number> {
  for (const notice of report.notices) if (notice.code === "HC_SECRET_SHORT") io.stderr.write(`warning: ${notice.message}\n`);
  io.stderr.write(`reports written to ${options.out}: ${written.join(", ")}\n`);
  await warnOversizedPage(resolve(io.cwd, options.out), written, io);
  if (comparison) io.stderr.write(comparison);
  if (options.strict || strictConfig) {
    const failure = strictFailure(report.notices);
    if (failure) {
      io.stderr.write(failure);
      return EXIT.usage;
    }
  }
  return exitCode();
}

/** The client endpoints of an evidence file, named in errors as the user wrote it. */
async function readClientEvidence(file: string, cwd: string): Promise<RecordedEndpoint[]> {
  const { clientEndpointsOf, readClientEvidenceFile } = await import("@hardcheck/probes-network");
  return clientEndpointsOf(await readClientEvidenceFile(resolve(cwd, file), file), file);
}
