/** The optional logged-in view of SQL Server encryption: this session's, every session's, and the ForceEncryption setting. */
import { rootCertificates } from "node:tls";
import type { Endpoint, ProbeDeps } from "@hardcheck/core";
import sql from "mssql";
import { abortedError } from "../support/socket-errors.js";
import type { TdsEncryptionMode } from "./tds-prelogin.probe.js";

/** Credential names the authenticated check reads from the target's `credentials` (a SQL login). */
export const MSSQL_CREDENTIALS = { username: "mssql.username", password: "mssql.password" } as const;

/** `mssql.sessions`: what a login with the configured account sees; every field null where it could not see. */
export type MssqlSessionsFact = {
  /** `checked` after a login; `not-configured` when the target has no mssql credentials. */
  outcome: "checked" | "rejected" | "tls-failed" | "error" | "not-configured";
  /** Short reason without any credential; null when checked or not configured. */
  detail: string | null;
  /** encrypt_option of the check's own connection (always TLS: credentials are never sent otherwise). */
  ownSessionEncrypted: boolean | null;
  /** Every connection in sys.dm_exec_connections (needs VIEW SERVER STATE); null when not readable. */
  sessions: { total: number; encrypted: number; unencrypted: number } | null;
  /** The instance's ForceEncryption registry value (xp_instance_regread, needs sysadmin); null when not readable. */
  forceEncryption: boolean | null;
};

const OWN_SESSION = "SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID";
const ALL_SESSIONS = "SELECT COUNT(*) AS total, SUM(CASE WHEN encrypt_option = 'TRUE' THEN 1 ELSE 0 END) AS encrypted FROM sys.dm_exec_connections";
const FORCE_ENCRYPTION =
  "EXEC master.dbo.xp_instance_regread N'HKEY_LOCAL_MACHINE', N'SOFTWARE\\Microsoft\\MSSQLServer\\MSSQLServer\\SuperSocketNetLib', N'ForceEncryption'";

const NOT_CHECKED = { ownSessionEncrypted: null, sessions: null, forceEncryption: null } as const;

/**
 * Logs in with the target's `mssql.username` / `mssql.password` through the mssql library — over
 * TLS with a trusted certificate only — and reads the encryption state. Failures become the fact's
 * outcome, never a thrown error, so the PRELOGIN facts stand on their own.
 *
 * `mode` is what the PRELOGIN probe found. The library's `encrypt: true` does not stop it from
 * sending LOGIN7 in clear text to a server that answers ENCRYPT_NOT_SUP, so no login is tried
 * against such a server; a strict-only server gets TDS 8.0 (`encrypt: "strict"`).
 */
export async function authenticatedCheck(endpoint: Endpoint, deps: ProbeDeps, mode: TdsEncryptionMode): Promise<MssqlSessionsFact> {
  const references = deps.target.credentials ?? {};
  const usernameRef = references[MSSQL_CREDENTIALS.username];
  const passwordRef = references[MSSQL_CREDENTIALS.password];
  if (!usernameRef || !passwordRef) return { outcome: "not-configured", detail: null, ...NOT_CHECKED };
  if (mode === "not-supported" || mode === "unknown") {
    return { outcome: "tls-failed", detail: "the server offers no TLS in PRELOGIN: credentials withheld", ...NOT_CHECKED };
  }
  const user = await deps.secrets.resolve(usernameRef);
  const password = await deps.secrets.resolve(passwordRef);
  const ca = deps.trust.useSystemRoots ? [...rootCertificates, ...deps.trust.caCertificates] : [...deps.trust.caCertificates];
  const timeoutMs = deps.limits.connectTimeoutMs;
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
      return { ...describeLoginFailure(error), ...NOT_CHECKED };
    }
    const own = await firstRow(pool, OWN_SESSION);
    const all = await firstRow(pool, ALL_SESSIONS);
    const registry = await firstRow(pool, FORCE_ENCRYPTION);
    const total = Number(all?.total);
    const encrypted = Number(all?.encrypted ?? 0);
    return {
      outcome: "checked",
      detail: null,
      ownSessionEncrypted: own ? own.encrypt_option === "TRUE" : null,
      sessions: all && Number.isInteger(total) ? { total, encrypted, unencrypted: total - encrypted } : null,
      forceEncryption: registry && typeof registry.Data === "number" ? registry.Data === 1 : null,
    };
  } finally {
    deps.signal.removeEventListener("abort", onAbort);
    await pool.close().catch(() => {});
  }
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

/** Classifies a failed login by the library's error code and the server's error number; the message, which may quote the user name, stays out. */
function describeLoginFailure(error: unknown): Pick<MssqlSessionsFact, "outcome" | "detail"> {
  const details = error as { code?: unknown; originalError?: { code?: unknown; cause?: { code?: unknown }; number?: unknown } };
  const code = typeof details.code === "string" ? details.code : "unknown";
  const number = typeof details.originalError?.number === "number" ? ` (error ${details.originalError.number})` : "";
  if (code === "ELOGIN") return { outcome: "rejected", detail: `login refused${number}` };
  const tlsCode = details.originalError?.cause?.code ?? details.originalError?.code;
  if (code === "EENCRYPT" || (typeof tlsCode === "string" && /CERT|SELF_SIGNED|VERIFY|ALTNAME|TLS|SSL/.test(tlsCode))) {
    return { outcome: "tls-failed", detail: `${code}${typeof tlsCode === "string" ? ` ${tlsCode}` : ""}` };
  }
  return { outcome: "error", detail: code };
}
