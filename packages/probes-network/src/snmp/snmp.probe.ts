/** SNMP access facts: which v1/v2c communities are answered, the SNMPv3 engine, and which v3 security levels get an answer. */
import { defineFacts, defineProbe, type EndpointProbe, type FactsOf, type JsonObject, notApplicable, type ProbeDeps } from "@hardcheck/core";
import type snmp from "net-snmp";
import { z } from "zod";
import { addressOf } from "../connection/address.js";
import { abortedError } from "../connection/socket-errors.js";
import { WireProtocolError } from "../connection/wire-session.js";

/** Credential names the v3 checks read from the target's `credentials` (each an `env:`/`file:` secret reference). */
export const SNMP_CREDENTIALS = { user: "snmp.user", authKey: "snmp.authKey", privKey: "snmp.privKey" } as const;

/** sysDescr.0: every agent serves it, and reading it needs no MIB files. */
export const SYS_DESCR_OID = "1.3.6.1.2.1.1.1.0";

/** Communities every scan tries, before the ones a rule or the config adds. */
export const DEFAULT_COMMUNITIES: readonly string[] = ["public", "private"];

/** How one request ended. `no-answer` is also what a refused community looks like: agents drop those silently. */
export type SnmpOutcome = "accepted" | "refused" | "no-answer" | "not-configured";

/** `snmp.communities`: the v1/v2c communities tried and those the agent answered. */
export type SnmpCommunitiesFact = {
  tried: string[];
  /** Answered over v1 or v2c. */
  accepted: string[];
  v1Accepted: string[];
  v2cAccepted: string[];
};

/** One SNMPv3 request at one security level. */
export type SnmpV3Attempt = {
  /** Where the user name came from: the target's credentials, or a name from the `v3Users` parameter (shown). */
  user: string;
  outcome: SnmpOutcome;
  /** The agent's refusal (a USM report such as "Unknown User Name", or an error status); null when accepted. */
  detail: string | null;
};

/** `snmp.v3`: engine discovery and the answer at each security level. */
export type SnmpV3Fact = {
  /** The agent answered the SNMPv3 discovery request with its engine id. */
  engineDiscovered: boolean;
  /** msgAuthoritativeEngineID in hex; null when no v3 answer came. */
  engineId: string | null;
  /** Some noAuthNoPriv request (no signature, no encryption) was answered with data. */
  noAuthNoPrivAccepted: boolean;
  noAuthNoPriv: SnmpV3Attempt[];
  /** Signed but clear-text request with the configured user was answered; null when no user and auth key are configured. */
  authNoPrivAccepted: boolean | null;
  authNoPriv: SnmpV3Attempt;
  authPriv: SnmpV3Attempt;
};

/** The v3 authentication and privacy protocols the parameters may name (net-snmp's names). */
const AUTH_PROTOCOLS = ["md5", "sha", "sha224", "sha256", "sha384", "sha512"] as const;
const PRIV_PROTOCOLS = ["des", "aes", "aes256b", "aes256r"] as const;

type NetSnmp = typeof snmp;
let netSnmp: Promise<NetSnmp> | undefined;

/** net-snmp, loaded with the first SNMP request: a scan without snmp:// endpoints never pays for it. */
function loadNetSnmp(): Promise<NetSnmp> {
  netSnmp ??= import("net-snmp").then((module) => module.default);
  return netSnmp;
}
const CONFIGURED_USER = "(configured user)";

/** What one request produced, before it becomes a fact. */
export type RequestResult = {
  outcome: Exclude<SnmpOutcome, "not-configured">;
  detail: string | null;
  value: string | null;
  engineId: string | null;
  garbled: boolean;
};

/** One SNMPv3 attempt, tied to `SnmpV3Attempt`. */
const snmpV3AttemptSchema = z.object({
  user: z.string(),
  outcome: z.enum(["accepted", "refused", "no-answer", "not-configured"]),
  detail: z.string().nullable(),
}) satisfies z.ZodType<SnmpV3Attempt>;

/** The facts `snmp` produces, each with its schema and meaning. */
export const snmpFacts = defineFacts({
  "snmp.communities": {
    description: "v1/v2c communities tried (public, private + the communities parameter) and answered { tried, accepted, v1Accepted, v2cAccepted }.",
    schema: z.object({
      tried: z.array(z.string()),
      accepted: z.array(z.string()),
      v1Accepted: z.array(z.string()),
      v2cAccepted: z.array(z.string()),
    }) satisfies z.ZodType<SnmpCommunitiesFact>,
  },
  "snmp.v3": {
    description:
      "`{ engineDiscovered, engineId, noAuthNoPrivAccepted, noAuthNoPriv[], authNoPrivAccepted, authNoPriv, authPriv }`; each attempt is `{ user, outcome: accepted | refused | no-answer | not-configured, detail }`.",
    schema: z.object({
      engineDiscovered: z.boolean(),
      engineId: z.string().nullable(),
      noAuthNoPrivAccepted: z.boolean(),
      noAuthNoPriv: z.array(snmpV3AttemptSchema),
      authNoPrivAccepted: z.boolean().nullable(),
      authNoPriv: snmpV3AttemptSchema,
      authPriv: snmpV3AttemptSchema,
    }) satisfies z.ZodType<SnmpV3Fact>,
  },
  "snmp.sysDescr": {
    description: "`sysDescr.0` from the first answer (printable ASCII, at most 256 characters); `null` when nothing was answered.",
    schema: z.string().nullable(),
  },
});
/** The facts `snmp` produces, as the collector checks them. */
export type SnmpFacts = FactsOf<typeof snmpFacts>;

/** v1/v2c communities, SNMPv3 engine and security levels. */
export const snmpProbe: EndpointProbe = defineProbe({
  meta: {
    id: "snmp",
    description: "Asks the agent for sysDescr.0 with the default and listed v1/v2c communities, discovers the SNMPv3 engine and tries each v3 security level.",
    schemes: ["snmp"],
    facts: snmpFacts,
  },
  async collect(endpoint, params: JsonObject, deps) {
    if (endpoint.scheme !== "snmp") return notApplicable(`${endpoint.scheme} is not SNMP`);
    const address = addressOf(endpoint);
    const timeoutMs = deps.limits.connectTimeoutMs;
    const target = { host: endpoint.host, port: endpoint.port, timeoutMs, signal: deps.signal };
    const communities = [...new Set([...DEFAULT_COMMUNITIES, ...stringList(params.communities)])];
    const v3Users = [...new Set(stringList(params.v3Users, ["initial"]))];
    const credentials = await resolveCredentials(deps);
    const authName = AUTH_PROTOCOLS.find((name) => name === String(params.v3AuthProtocol ?? "sha").toLowerCase());
    const privName = PRIV_PROTOCOLS.find((name) => name === String(params.v3PrivProtocol ?? "aes").toLowerCase());
    if (authName === undefined || privName === undefined) {
      throw new WireProtocolError(
        `SNMP parameters: v3AuthProtocol must be one of ${AUTH_PROTOCOLS.join(", ")} and v3PrivProtocol one of ${PRIV_PROTOCOLS.join(", ")}`,
      );
    }
    const lib = await loadNetSnmp();
    const authProtocol = lib.AuthProtocols[authName];
    const privProtocol = lib.PrivProtocols[privName];

    // Every request runs at once on its own socket: refusals are silent, so a serial scan would cost one timeout each.
    const communityRuns = communities.flatMap((community) =>
      (["v1", "v2c"] as const).map(async (version) => ({ community, version, result: await communityRequest(target, community, version) })),
    );
    const noAuthUsers = [...(credentials.user ? [{ label: CONFIGURED_USER, name: credentials.user }] : []), ...v3Users.map((name) => ({ label: name, name }))];
    const noAuthRuns = noAuthUsers.map(async ({ label, name }) => ({
      label,
      result: await v3Request(lib, target, { name, level: lib.SecurityLevel.noAuthNoPriv }),
    }));
    const authNoPrivRun =
      credentials.user && credentials.authKey
        ? v3Request(lib, target, { name: credentials.user, level: lib.SecurityLevel.authNoPriv, authProtocol, authKey: credentials.authKey })
        : null;
    const authPrivRun =
      credentials.user && credentials.authKey && credentials.privKey
        ? v3Request(lib, target, {
            name: credentials.user,
            level: lib.SecurityLevel.authPriv,
            authProtocol,
            authKey: credentials.authKey,
            privProtocol,
            privKey: credentials.privKey,
          })
        : null;
    const [communityResults, noAuthResults, authNoPrivResult, authPrivResult] = await Promise.all([
      Promise.all(communityRuns),
      Promise.all(noAuthRuns),
      authNoPrivRun,
      authPrivRun,
    ]);
    if (deps.signal.aborted) throw abortedError(`SNMP requests to ${address}`, deps.signal);

    const acceptedBy = (version: CommunityVersion) =>
      communityResults.filter((run) => run.version === version && run.result.outcome === "accepted").map((run) => run.community);
    const v1Accepted = acceptedBy("v1");
    const v2cAccepted = acceptedBy("v2c");
    const v3Results = [...noAuthResults.map((run) => run.result), authNoPrivResult, authPrivResult].filter((result) => result !== null);
    const allResults = [...communityResults.map((run) => run.result), ...v3Results];
    const engineId = v3Results.find((result) => result.engineId !== null)?.engineId ?? null;

    if (allResults.every((result) => result.outcome === "no-answer")) {
      if (allResults.some((result) => result.garbled)) throw new WireProtocolError(`SNMP: ${address} answered with datagrams that are not SNMP messages`);
      // A filtered port, a closed port and an agent refusing every community all look the same: silence.
      throw new WireProtocolError(
        `SNMP: no answer from ${address} within ${timeoutMs} ms to any community or to SNMPv3 discovery (closed, filtered, or every community refused and no SNMPv3)`,
      );
    }

    const attempt = (user: string, result: RequestResult | null): SnmpV3Attempt =>
      result === null ? { user, outcome: "not-configured", detail: null } : { user, outcome: result.outcome, detail: result.detail };
    const noAuthNoPriv = noAuthResults.map((run) => attempt(run.label, run.result));
    const facts: SnmpFacts = {
      "snmp.communities": {
        tried: communities,
        accepted: communities.filter((c) => v1Accepted.includes(c) || v2cAccepted.includes(c)),
        v1Accepted,
        v2cAccepted,
      },
      "snmp.v3": {
        engineDiscovered: engineId !== null,
        engineId,
        noAuthNoPrivAccepted: noAuthNoPriv.some((entry) => entry.outcome === "accepted"),
        noAuthNoPriv,
        authNoPrivAccepted: authNoPrivResult === null ? null : authNoPrivResult.outcome === "accepted",
        authNoPriv: attempt(CONFIGURED_USER, authNoPrivResult),
        authPriv: attempt(CONFIGURED_USER, authPrivResult),
      },
      "snmp.sysDescr": allResults.find((result) => result.value !== null)?.value ?? null,
    };
    return { facts };
  },
});

/** Options valid for both v1/v2c and v3 sessions. */
type SharedSessionOptions = Omit<snmp.SessionOptions & snmp.SessionOptionsV3, "version">;

/** The SNMP versions that authenticate by community. */
export type CommunityVersion = "v1" | "v2c";

/** Where a request goes, how long it may wait, and what cancels it. */
export type RequestTarget = { host: string; port: number; timeoutMs: number; signal: AbortSignal };

/** One v1 or v2c GET of sysDescr.0 with `community`, no retries (also used by the default-credentials probe). */
export async function communityRequest(target: RequestTarget, community: string, version: CommunityVersion): Promise<RequestResult> {
  const lib = await loadNetSnmp();
  const wire = version === "v1" ? lib.Version1 : lib.Version2c;
  return request(lib, target, (options) => lib.createSession(target.host, community, { ...options, version: wire }));
}

function v3Request(lib: NetSnmp, target: RequestTarget, user: snmp.User): Promise<RequestResult> {
  return request(lib, target, (options) => lib.createV3Session(target.host, user, options));
}

/** One GET of sysDescr.0 with no retries; settles by the request timeout or the probe's abort, and always closes its socket. */
function request(lib: NetSnmp, target: RequestTarget, open: (options: SharedSessionOptions) => snmp.Session): Promise<RequestResult> {
  return new Promise((resolve) => {
    const session = open({
      port: target.port,
      retries: 0,
      timeout: target.timeoutMs,
      transport: target.host.includes(":") ? "udp6" : "udp4",
      idBitsSize: 32,
    });
    let garbled = false;
    let settled = false;
    const finish = (result: Omit<RequestResult, "engineId" | "garbled">) => {
      if (settled) return;
      settled = true;
      target.signal.removeEventListener("abort", onAbort);
      const engineId = engineIdOf(session);
      try {
        session.close();
      } catch {
        // Closing twice (after a socket error) throws; the socket is gone either way.
      }
      resolve({ ...result, engineId, garbled });
    };
    const onAbort = () => finish({ outcome: "no-answer", detail: "aborted", value: null });
    target.signal.addEventListener("abort", onAbort, { once: true });
    // Datagrams that do not decode as SNMP surface here rather than on the request, which then times out.
    session.on("error", () => {
      garbled = true;
    });
    session.get([SYS_DESCR_OID], (error, varbinds) => {
      if (error) {
        finish(classify(lib, error));
        return;
      }
      const first = varbinds?.[0];
      if (!first || lib.isVarbindError(first)) {
        finish({ outcome: "accepted", detail: first ? lib.varbindError(first) : null, value: null });
        return;
      }
      finish({ outcome: "accepted", detail: null, value: printable(first.value) });
    });
  });
}

/** Maps net-snmp's errors to outcomes; their messages name the refusal (USM report or error status), never a secret. */
function classify(lib: NetSnmp, error: Error): Omit<RequestResult, "engineId" | "garbled"> {
  if (error.name === "RequestTimedOutError") return { outcome: "no-answer", detail: null, value: null };
  if (error instanceof lib.RequestFailedError) return { outcome: "refused", detail: error.message, value: null };
  if (error instanceof lib.ResponseInvalidError && error.code === lib.ResponseInvalidCode.EAuthFailure) {
    return { outcome: "refused", detail: error.message, value: null };
  }
  return { outcome: "refused", detail: `invalid response: ${error.message.slice(0, 120)}`, value: null };
}

/** The engine id net-snmp learnt from the agent's discovery report; the field is not in the library's type declarations. */
function engineIdOf(session: snmp.Session): string | null {
  const parameters = (session as unknown as { msgSecurityParameters?: { msgAuthoritativeEngineID?: unknown } }).msgSecurityParameters;
  const engineId = parameters?.msgAuthoritativeEngineID;
  return Buffer.isBuffer(engineId) && engineId.length > 0 ? engineId.toString("hex") : null;
}

function printable(value: unknown): string {
  const text = Buffer.isBuffer(value) ? value.toString("latin1") : String(value);
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 256);
}

function stringList(value: unknown, fallback: readonly string[] = []): string[] {
  if (value === undefined || value === null) return [...fallback];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
    throw new WireProtocolError("SNMP parameters: communities and v3Users must be lists of strings");
  }
  return value as string[];
}

async function resolveCredentials(deps: ProbeDeps): Promise<{ user: string | null; authKey: string | null; privKey: string | null }> {
  const references = deps.target.credentials ?? {};
  const resolve = async (name: string) => {
    const reference = references[name];
    return reference ? await deps.secrets.resolve(reference) : null;
  };
  return {
    user: await resolve(SNMP_CREDENTIALS.user),
    authKey: await resolve(SNMP_CREDENTIALS.authKey),
    privKey: await resolve(SNMP_CREDENTIALS.privKey),
  };
}
