/**
 * `scan --listen DURATION`: before the checks run, the scan runs canary listeners itself for a
 * bounded window, on the client endpoints the config lists (`client-smtp://127.0.0.1:2525` → an SMTP
 * canary on 127.0.0.1:2525 for that target), with progress on stderr. What the appliances did becomes
 * the scan's client evidence, and is kept next to the reports as `client-evidence.json`.
 */
import type { Clock, RecordedEndpoint, ResolvedScan } from "@hardcheck/core";
import { HardcheckError, printable, systemClock } from "@hardcheck/core";
import type { Canary, CanaryListenerSpec, CanaryOptions, CanarySession } from "@hardcheck/probes-network";
import type { CliIo } from "../io.js";
import { describeSession } from "./listen.js";

type Certificate = NonNullable<CanaryOptions["certificates"]>[number];

/** What the window recorded: the scan's client endpoints, and the evidence document to keep. */
export interface ListenedEvidence {
  readonly recordedEndpoints: RecordedEndpoint[];
  /** The client evidence file's content (`hardcheck listen`'s format). */
  readonly document: unknown;
}

/** What {@link listenDuringScan} needs besides the resolved scan. */
export interface ScanListenOptions {
  readonly windowMs: number;
  readonly certificates: readonly string[];
  readonly sessionTimeoutMs?: number;
  /** How the evidence file is named in results and errors. */
  readonly fileName: string;
  readonly clock?: Clock;
}

/**
 * Runs one canary per target that lists client endpoints, for `windowMs` (or until `signal`
 * fires), and returns what they recorded. A client endpoint whose protocol has no canary is left
 * unrecorded (its client source stays not checked), and said so on stderr.
 */
export async function listenDuringScan(scan: ResolvedScan, options: ScanListenOptions, io: CliIo, signal: AbortSignal): Promise<ListenedEvidence> {
  const { startCanary, clientEvidenceDocument, clientEndpointsOf, LISTENING_PROTOCOLS, PRESENTABLE_CERTIFICATES } = await import("@hardcheck/probes-network");
  for (const certificate of options.certificates) {
    if (!(PRESENTABLE_CERTIFICATES as readonly string[]).includes(certificate)) {
      throw new HardcheckError("HC_USAGE", `--certificates: "${printable(certificate)}" is not one of ${PRESENTABLE_CERTIFICATES.join(", ")}`);
    }
  }
  const plans = scan.targets.flatMap((target) => {
    const listeners: CanaryListenerSpec[] = [];
    for (const endpoint of target.endpoints) {
      if (!endpoint.scheme.startsWith("client-")) continue;
      const protocol = endpoint.scheme.slice("client-".length) as CanaryListenerSpec["protocol"];
      if (!LISTENING_PROTOCOLS.includes(protocol)) {
        io.stderr.write(`no canary listens for ${protocol} yet: ${endpoint.url} of ${printable(target.id)} stays unrecorded\n`);
        continue;
      }
      listeners.push({ protocol, host: endpoint.host, port: endpoint.port });
    }
    return listeners.length > 0 ? [{ target: target.id, listeners }] : [];
  });
  if (plans.length === 0) {
    throw new HardcheckError(
      "HC_USAGE",
      "--listen needs a client endpoint in the config to listen on, e.g. endpoints: [client-smtp://127.0.0.1:2525] on the target whose appliance connects to it",
    );
  }
  const clock = options.clock ?? systemClock;
  const canaries: Canary[] = [];
  try {
    for (const plan of plans) {
      canaries.push(
        await startCanary({
          target: plan.target,
          listeners: plan.listeners,
          certificates: options.certificates as Certificate[],
          clock,
          ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
          onSession: (session) => io.stderr.write(`${describeSession(session)}\n`),
        }),
      );
    }
    for (const [index, canary] of canaries.entries()) {
      for (const listener of canary.listeners) {
        io.stderr.write(
          `waiting for ${printable(plans[index]?.target ?? "")} to connect to ${listener.protocol} ${listener.url.replace(/^[a-z]+:\/\//, "")}…\n`,
        );
      }
    }
    io.stderr.write(
      `presenting ${options.certificates.join(", ")} in turn, one per connection; listening for ${Math.round(options.windowMs / 1000)} s, then the scan runs\n`,
    );
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      new Promise<string>((done) => {
        timer = setTimeout(() => done("window over"), options.windowMs);
      }),
      new Promise<string>((done) => {
        if (signal.aborted) done("interrupted");
        signal.addEventListener("abort", () => done("interrupted"), { once: true });
      }),
    ]);
    clearTimeout(timer);
    io.stderr.write(`${ended}: closing the listeners\n`);
  } finally {
    await Promise.all(canaries.map((canary) => canary.close()));
  }
  const sessions: CanarySession[] = canaries.flatMap((canary) => [...canary.sessions]);
  const document = clientEvidenceDocument(sessions, clock.now());
  io.stderr.write(`${document.sessions.length} client session(s) recorded\n`);
  return { recordedEndpoints: clientEndpointsOf(document, options.fileName), document };
}
