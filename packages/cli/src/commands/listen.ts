/**
 * `hardcheck listen`: canary listeners the appliance connects to as a client; every session is
 * recorded into a client evidence file that `scan --client-evidence` reads.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { HardcheckError, printable, systemClock } from "@hardcheck/core";
import type { Canary, CanaryListenerSpec, CanaryOptions } from "@hardcheck/probes-network";
import { writeFileAtomic } from "../atomic-write.js";
import { type CliIo, EXIT } from "../io.js";

type Protocol = CanaryListenerSpec["protocol"];
type Certificate = NonNullable<CanaryOptions["certificates"]>[number];
type Session = Canary["sessions"][number];

/** Options of `hardcheck listen`, as commander hands them over. */
export interface ListenCommandOptions {
  readonly target: string;
  readonly smtp?: string[];
  readonly smtps?: string[];
  readonly ldap?: string[];
  readonly ldaps?: string[];
  readonly https?: string[];
  readonly tds?: string[];
  readonly sips?: string[];
  readonly certificates: string;
  readonly cert?: string;
  readonly key?: string;
  readonly name?: string[];
  readonly out: string;
  readonly caOut?: string;
  readonly for?: string;
  readonly sessionTimeout: string;
  readonly maxSessions?: string;
}

/**
 * A duration as the CLI takes it: `500ms`, `15s`, `2m`, `1h`, or bare seconds (`120`).
 *
 * @example
 * ```ts
 * parseDuration("2m", "--for"); // 120000
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? "s") as "ms" | "s" | "m" | "h"];
  const value = match ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isFinite(value) || value < 1)
    throw new HardcheckError("HC_USAGE", `${flag} ${JSON.stringify(text)}: expected a duration such as 120s, 2m or 500ms`);
  return Math.round(value);
}

/** `127.0.0.1:2525` or `[::1]:2525` → host and port; the port must be given, the canary listens only where told. */
export function parseListenAddress(text: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (!match || host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new HardcheckError("HC_USAGE", `${flag} ${JSON.stringify(text)}: expected ADDRESS:PORT, e.g. 127.0.0.1:2525 or [::1]:2525`);
  }
  return { host, port };
}

/** One line on what a session showed, for the technician watching stderr. */
export function describeSession(session: Session): string {
  const parts: string[] = [];
  const upgrade = { smtp: "STARTTLS", ldap: "StartTLS", tds: "PRELOGIN encryption" }[session.protocol as "smtp" | "ldap" | "tds"] ?? "TLS";
  if (session.upgraded === false) parts.push(`stayed in clear text (no ${upgrade})`);
  if (session.credentialsBeforeTls) parts.push(`sent credentials before TLS (${session.credentialsBeforeTls}; secret not recorded)`);
  if (session.hello) {
    const weak = session.hello.suiteClasses.filter((suiteClass) => ["3des", "rc4", "export", "null", "anonymous", "des"].includes(suiteClass));
    parts.push(`offered ${session.hello.versions.join("/")}${weak.length > 0 ? ` with ${weak.join(", ")} suites` : ""}, SNI ${session.hello.sni ?? "none"}`);
  }
  if (session.handshakeCompleted && session.continuedAfterHandshake) parts.push(`went on after the ${session.certificate} certificate`);
  else if (session.hello) parts.push(`refused the ${session.certificate} certificate${session.clientAlert ? ` (alert ${session.clientAlert})` : ""}`);
  if (session.ocspRequested) parts.push("asked the OCSP responder");
  if (session.crlFetched) parts.push("fetched the CRL");
  if (parts.length === 0) parts.push("sent nothing the canary could read");
  return printable(
    `${session.protocol} ${session.listener.replace(/^[a-z]+:\/\//, "")} ← ${session.peer} [${session.certificate}]: ${parts.join("; ")} — ended by ${session.endedBy}`,
  );
}

async function readPem(path: string, cwd: string, flag: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), "utf8");
  } catch {
    throw new HardcheckError("HC_USAGE", `${flag} ${path}: cannot read the file`);
  }
}

/** Runs the listeners until --for passes, --max-sessions sessions ended, or the signal fires; writes the evidence file. */
export async function listenCommand(options: ListenCommandOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const { startCanary, clientEvidenceDocument, LISTENING_PROTOCOLS, PRESENTABLE_CERTIFICATES, DEFAULT_SESSION_TIMEOUT_MS } = await import(
    "@hardcheck/probes-network"
  );
  const listeners: CanaryListenerSpec[] = [];
  const addresses: Partial<Record<Protocol, string[]>> = {
    smtp: options.smtp,
    smtps: options.smtps,
    ldap: options.ldap,
    ldaps: options.ldaps,
    https: options.https,
    tds: options.tds,
    sips: options.sips,
  };
  for (const protocol of LISTENING_PROTOCOLS) {
    for (const address of addresses[protocol] ?? []) {
      listeners.push({ protocol, ...parseListenAddress(address, `--${protocol}`) });
    }
  }
  if (listeners.length === 0) {
    throw new HardcheckError(
      "HC_USAGE",
      `listen needs at least one listener: ${LISTENING_PROTOCOLS.map((protocol) => `--${protocol} ADDRESS:PORT`).join(", ")}`,
    );
  }
  const certificates = options.certificates.split(",").map((name) => name.trim()) as Certificate[];
  for (const certificate of certificates) {
    if (!PRESENTABLE_CERTIFICATES.includes(certificate)) {
      throw new HardcheckError("HC_USAGE", `--certificates: "${printable(certificate)}" is not one of ${PRESENTABLE_CERTIFICATES.join(", ")}`);
    }
  }
  if ((options.cert === undefined) !== (options.key === undefined))
    throw new HardcheckError("HC_USAGE", "--cert and --key go together: the site's chain and its key");
  const site =
    options.cert && options.key ? { chainPem: await readPem(options.cert, io.cwd, "--cert"), keyPem: await readPem(options.key, io.cwd, "--key") } : undefined;
  const windowMs = options.for !== undefined ? parseDuration(options.for, "--for") : undefined;
  const sessionTimeoutMs = options.sessionTimeout ? parseDuration(options.sessionTimeout, "--session-timeout") : DEFAULT_SESSION_TIMEOUT_MS;
  const maxSessions = options.maxSessions !== undefined ? Number(options.maxSessions) : undefined;
  if (maxSessions !== undefined && (!Number.isInteger(maxSessions) || maxSessions < 1)) {
    throw new HardcheckError("HC_USAGE", `--max-sessions ${options.maxSessions}: expected a whole number ≥ 1`);
  }
  const clock = io.clock ?? systemClock;
  const out = resolve(io.cwd, options.out);

  let stop: () => void = () => {};
  const stopped = new Promise<string>((resolveStop) => {
    stop = () => resolveStop("stopped");
  });
  const canary = await startCanary({
    target: options.target,
    listeners,
    certificates,
    ...(options.name && options.name.length > 0 ? { names: options.name } : {}),
    ...(site ? { site } : {}),
    clock,
    sessionTimeoutMs,
    onSession: (session) => {
      io.stderr.write(`${describeSession(session)}\n`);
      if (maxSessions !== undefined && canary.sessions.length >= maxSessions) stop();
    },
  }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HardcheckError("HC_USAGE", `cannot start the listeners: ${printable(reason)} — is the port in use, or the address not one of this host's?`);
  });
  // Listening: from here a signal ends the window and the file is still written.
  io.onScanStart?.();
  try {
    if (options.caOut) await writeFileAtomic(resolve(io.cwd, options.caOut), canary.caPem);
    for (const listener of canary.listeners) {
      io.stderr.write(`waiting for the appliance to connect to ${listener.protocol} ${listener.url.replace(/^[a-z]+:\/\//, "")}…\n`);
    }
    io.stderr.write(
      `presenting ${certificates.join(", ")} in turn, one per connection: trigger the appliance's "test connection" ${certificates.length === 1 ? "once" : `${certificates.length} times`} per listener${windowMs !== undefined ? `; listening for ${Math.round(windowMs / 1000)} s` : "; Ctrl-C ends"}\n`,
    );
    if (options.caOut) io.stderr.write(`canary CA written to ${options.caOut} (import it where the appliance should trust the "site" certificate)\n`);
    const timers: NodeJS.Timeout[] = [];
    const ended = await Promise.race([
      stopped,
      new Promise<string>((resolveAbort) => {
        if (signal.aborted) resolveAbort("interrupted");
        signal.addEventListener("abort", () => resolveAbort("interrupted"), { once: true });
      }),
      ...(windowMs !== undefined ? [new Promise<string>((resolveWindow) => timers.push(setTimeout(() => resolveWindow("window over"), windowMs)))] : []),
    ]);
    for (const timer of timers) clearTimeout(timer);
    io.stderr.write(`${ended}: closing the listeners\n`);
  } finally {
    await canary.close();
  }
  const document = clientEvidenceDocument(canary.sessions, clock.now());
  await writeFileAtomic(out, `${JSON.stringify(document, null, 2)}\n`);
  io.stderr.write(`${document.sessions.length} session(s) recorded for ${printable(options.target)} → ${options.out}\n`);
  if (document.sessions.length === 0) io.stderr.write("warning: no client connected; the evidence file holds no session and decides nothing\n");
  return EXIT.ok;
}
