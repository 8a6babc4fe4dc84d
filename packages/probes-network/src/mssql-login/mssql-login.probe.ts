/** The logged-in view of SQL Server encryption: this session's, every session's, and the ForceEncryption setting. */
import { connect, isIP, type Socket } from "node:net";
import { rootCertificates } from "node:tls";
import {
  defineFacts,
  defineProbe,
  type Endpoint,
  type EndpointProbe,
  type FactsOf,
  hostImport,
  type JsonObject,
  notApplicable,
  type ProbeDeps,
} from "@hardcheck/core";
import type sql from "mssql";
import { z } from "zod";
import { frameTdsPacket, parsePreloginResponse } from "../codecs/tds/prelogin.js";
import { connectWithin } from "../connection/connect.js";
import { abortedError } from "../connection/socket-errors.js";
import { readEncryptionStance, type TdsEncryptionMode } from "../tds-prelogin/tds-prelogin.probe.js";

/** The mssql module, as loaded on first use. */
type MssqlModule = typeof sql;

/**
 * Loads the `mssql` library only when a login is really attempted: it is an optional peer
 * dependency (with its Azure identity stack it weighs more than everything else together), so a
 * user who never gives SQL credentials neither installs nor loads it. `load` is replaceable for tests.
 */
export async function loadMssql(
  load: () => Promise<{ default: MssqlModule }> = () => hostImport<{ default: MssqlModule }>("mssql") ?? import("mssql"),
): Promise<MssqlModule> {
  try {
    return (await load()).default;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new Error("SQL Server login: the mssql package is not installed — run `npm install mssql@12` next to hardcheck to enable this check", {
        cause: error,
      });
    }
    throw error;
  }
}

/** Credential names the probe reads from the target's `credentials` (a SQL login). */
export const MSSQL_CREDENTIALS = { username: "mssql.username", password: "mssql.password" } as const;

/** `mssql.sessions`: what a login with the configured account sees; null where the login may not look. */
export type MssqlSessionsFact = {
  /** encrypt_option of the probe's own connection (always TLS: credentials are never sent otherwise). */
  ownSessionEncrypted: boolean | null;
  /** Every connection in sys.dm_exec_connections (needs VIEW SERVER STATE). */
  sessions: { total: number; encrypted: number; unencrypted: number };
  /** The instance's ForceEncryption registry value (xp_instance_regread, needs sysadmin); null when not readable. */
  forceEncryption: boolean | null;
};

/** The facts `mssql-login` produces, each with its schema and meaning. */
export const mssqlLoginFacts = defineFacts({
  "mssql.sessions": {
    description:
      "{ ownSessionEncrypted, sessions: { total, encrypted, unencrypted }, forceEncryption } as the login sees them (sys.dm_exec_connections, registry).",
    schema: z.object({
      ownSessionEncrypted: z.boolean().nullable(),
      sessions: z.object({ total: z.number(), encrypted: z.number(), unencrypted: z.number() }),
      forceEncryption: z.boolean().nullable(),
    }) satisfies z.ZodType<MssqlSessionsFact>,
  },
});
/** The facts `mssql-login` produces, as the collector checks them. */
export type MssqlLoginFacts = FactsOf<typeof mssqlLoginFacts>;

/**
 * Logs in to SQL Server with the target's `mssql.username` / `mssql.password` and reads how its
 * connections are encrypted. Not applicable without those credentials.
 */
export const mssqlLoginProbe: EndpointProbe = defineProbe({
  meta: {
    id: "mssql-login",
    description:
      "With mssql.username/mssql.password credentials, logs in over trusted TLS (mssql library) and reads the encryption of its own and every connection and the ForceEncryption setting.",
    schemes: ["mssql"],
    facts: mssqlLoginFacts,
  },
  async collect(endpoint, _params: JsonObject, deps) {
    if (endpoint.scheme !== "mssql") return notApplicable(`${endpoint.scheme} is not SQL Server`);
    const references = deps.target.credentials ?? {};
    if (!references[MSSQL_CREDENTIALS.username] || !references[MSSQL_CREDENTIALS.password]) {
      return notApplicable(`no ${MSSQL_CREDENTIALS.username} / ${MSSQL_CREDENTIALS.password} credentials for this target`);
    }
    const { mode } = await readEncryptionStance(endpoint, deps);
    const facts: MssqlLoginFacts = { "mssql.sessions": await readSessions(endpoint, deps, mode) };
    return { facts };
  },
});

const OWN_SESSION = "SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID";
const ALL_SESSIONS = "SELECT COUNT(*) AS total, SUM(CASE WHEN encrypt_option = 'TRUE' THEN 1 ELSE 0 END) AS encrypted FROM sys.dm_exec_connections";
const FORCE_ENCRYPTION =
  "EXEC master.dbo.xp_instance_regread N'HKEY_LOCAL_MACHINE', N'SOFTWARE\\Microsoft\\MSSQLServer\\MSSQLServer\\SuperSocketNetLib', N'ForceEncryption'";

/**
 * Logs in with the mssql library — over TLS with a trusted certificate only — and reads the
 * encryption state; throws with a reason that never quotes the account when it cannot.
 *
 * `mode` is what PRELOGIN showed. The library's `encrypt: true` does not stop it from sending LOGIN7
 * in clear text to a server that answers ENCRYPT_NOT_SUP, so no login is tried against such a
 * server; a strict-only server gets TDS 8.0 (`encrypt: "strict"`).
 */
export async function readSessions(endpoint: Endpoint, deps: ProbeDeps, mode: TdsEncryptionMode): Promise<MssqlSessionsFact> {
  if (mode === "not-supported" || mode === "unknown") {
    throw new Error("SQL Server login: the server offers no TLS in PRELOGIN, so the credentials were not sent — install a certificate and force encryption");
  }
  const identity = endpoint.servername ?? endpoint.host;
  if (mode !== "strict-only" && isIP(identity) !== 0) {
    // tedious checks the certificate of TLS inside PRELOGIN against its server name and sends that name
    // as SNI; an IP address there is forbidden by RFC 6066 (Node's DEP0123). Strict mode handles it.
    throw new Error(
      `SQL Server login: the endpoint names the server only by its address ${identity}, and the certificate is checked against a host name before the credentials go out — give the endpoint the name its certificate carries (servername: sql.example); the credentials were not sent`,
    );
  }
  const sql = await loadMssql();
  const references = deps.target.credentials ?? {};
  const user = await deps.secrets.resolve(references[MSSQL_CREDENTIALS.username] ?? "");
  const password = await deps.secrets.resolve(references[MSSQL_CREDENTIALS.password] ?? "");
  const ca = deps.trust.useSystemRoots ? [...rootCertificates, ...deps.trust.caCertificates] : [...deps.trust.caCertificates];
  const timeoutMs = deps.limits.connectTimeoutMs;
  const guard: LoginGuard = { refusedTls: null };
  const pool = new sql.ConnectionPool({
    server: endpoint.host,
    port: endpoint.port,
    user,
    password,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    // One connection for the three batches; checked by socket state, not by an extra SELECT 1.
    pool: { min: 0, max: 1, acquireTimeoutMillis: timeoutMs },
    validateConnection: "socket",
    options: {
      // mssql's types predate tedious' TDS 8.0 value; tedious 19 reads "strict" as TLS before PRELOGIN.
      encrypt: (mode === "strict-only" ? "strict" : true) as boolean,
      trustServerCertificate: false,
      cryptoCredentialsDetails: { ca },
      ...(endpoint.servername === undefined ? {} : { serverName: endpoint.servername }),
      // The login's own socket, watched: see guardedConnector. Strict mode is TLS from the first byte, nothing to watch.
      ...(mode === "strict-only" ? {} : { connector: guardedConnector(endpoint, timeoutMs, deps.signal, guard) }),
    },
  });
  pool.on("error", () => {});
  const onAbort = () => void pool.close().catch(() => {});
  deps.signal.addEventListener("abort", onAbort, { once: true });
  try {
    try {
      await pool.connect();
    } catch (error) {
      if (deps.signal.aborted) throw abortedError("SQL Server login", deps.signal);
      if (guard.refusedTls !== null) {
        throw new Error(
          `SQL Server login: the server answered the login's PRELOGIN with ${guard.refusedTls} instead of agreeing to TLS, so the credentials were not sent`,
        );
      }
      throw new Error(`SQL Server login: ${describeLoginFailure(error)}`);
    }
    const own = await firstRow(pool, OWN_SESSION);
    const all = await firstRow(pool, ALL_SESSIONS);
    const registry = await firstRow(pool, FORCE_ENCRYPTION);
    const total = Number(all?.total);
    if (all === null || !Number.isInteger(total)) {
      throw new Error("SQL Server login: the account cannot read sys.dm_exec_connections — grant it VIEW SERVER STATE");
    }
    const encrypted = Number(all.encrypted ?? 0);
    return {
      ownSessionEncrypted: own ? own.encrypt_option === "TRUE" : null,
      sessions: { total, encrypted, unencrypted: total - encrypted },
      forceEncryption: registry && typeof registry.Data === "number" ? registry.Data === 1 : null,
    };
  } finally {
    deps.signal.removeEventListener("abort", onAbort);
    await pool.close().catch(() => {});
  }
}

/** What the connector saw on the login's socket. */
type LoginGuard = { refusedTls: string | null };

/**
 * Opens the login's TCP connection and reads the server's PRELOGIN answer on it alongside the client
 * library. Unless the answer agrees to TLS (ENCRYPT_ON or ENCRYPT_REQ), the socket is destroyed in
 * the same turn the answer arrives — before the library, which would otherwise go on in clear text,
 * can write LOGIN7. This closes what the earlier PRELOGIN look cannot: a server that answers the
 * login's connection differently.
 */
function guardedConnector(endpoint: Endpoint, timeoutMs: number, signal: AbortSignal, guard: LoginGuard): (...args: unknown[]) => Promise<Socket> {
  // tedious passes where to connect (a routed server, after a redirect); mssql's types still say it passes nothing.
  return async (...args) => {
    const given = args[0] as { host?: unknown; port?: unknown } | undefined;
    const host = typeof given?.host === "string" ? given.host : endpoint.host;
    const port = typeof given?.port === "number" ? given.port : endpoint.port;
    const socket = await connectWithin({
      start: () => connect({ host, port }),
      readyEvent: "connect",
      timeoutMs,
      signal,
      fail: (failure) => {
        switch (failure.kind) {
          case "aborted":
            return signal.reason instanceof Error ? signal.reason : new Error("aborted");
          case "timeout":
            return new Error(`connect timed out after ${timeoutMs} ms`);
          default:
            return failure.error instanceof Error ? failure.error : new Error(String(failure.error));
        }
      },
    });
    let buffered = Buffer.alloc(0);
    const watch = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      let length: number | null;
      try {
        length = frameTdsPacket(buffered);
      } catch {
        length = buffered.length;
      }
      if (length === null) return;
      socket.off("data", watch);
      let encryption: string | null = null;
      try {
        encryption = parsePreloginResponse(buffered.subarray(0, length)).encryption;
      } catch {
        encryption = "an answer that is not a PRELOGIN response";
      }
      if (encryption !== "ENCRYPT_ON" && encryption !== "ENCRYPT_REQ") {
        guard.refusedTls = encryption ?? "no ENCRYPTION option";
        socket.destroy(new Error("the server did not agree to TLS for the login"));
      }
    };
    // Registered before the library pipes the socket, so this listener runs first on the answer; paused until then.
    socket.on("data", watch);
    socket.pause();
    return socket;
  };
}

/** The first row of a batch's first result set, or null when it fails (missing permission, say). Plain batches: nothing here has parameters. */
async function firstRow(pool: sql.ConnectionPool, query: string): Promise<Record<string, unknown> | null> {
  try {
    const result = await pool.request().batch<Record<string, unknown>>(query);
    return result.recordset?.[0] ?? null;
  } catch {
    return null;
  }
}

/** Classifies a failed login by the library's error code; its message, which may quote the user name, stays out. */
function describeLoginFailure(error: unknown): string {
  const details = error as { code?: unknown; originalError?: { code?: unknown; cause?: { code?: unknown } } };
  const code = typeof details.code === "string" ? details.code : "unknown";
  if (code === "ELOGIN") return "the server refused the login (check mssql.username / mssql.password)";
  const tlsCode = details.originalError?.cause?.code ?? details.originalError?.code;
  if (code === "EENCRYPT" || (typeof tlsCode === "string" && /CERT|SELF_SIGNED|VERIFY|ALTNAME|TLS|SSL/.test(tlsCode))) {
    return `TLS failed (${typeof tlsCode === "string" ? tlsCode : code}), so the credentials were not sent — trust the server's CA in trust.caFile`;
  }
  if (code === "ETIMEOUT") return "no answer in time";
  return `connection failed (${code})`;
}
