/**
 * Opt-in tries of vendor default credentials (LDAP simple bind, SNMP v2c community, HTTP Basic).
 * Runs only for targets with `allowCredentialTries: true`; tries each listed account once, and never
 * the same account twice in one scan, so that no lockout policy can trip. Passwords never enter the
 * facts: a try is recorded by its label and account name.
 */
import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  defineFacts,
  defineProbe,
  type Endpoint,
  type EndpointProbe,
  type FactsOf,
  HardcheckError,
  type JsonObject,
  type JsonValue,
  notApplicable,
  type ProbeDeps,
  type SecretResolver,
} from "@hardcheck/core";
import { z } from "zod";
import { describeSocketError } from "../connection/socket-errors.js";
import { communityRequest } from "../snmp/snmp.probe.js";
import { withLdapClient } from "../support/ldap-client.js";

/** The protocol families this probe can try credentials on. */
export type CredentialProtocol = "ldap" | "snmp" | "http";

/** One vendor default from the `accounts` parameter. */
export type DefaultAccount = {
  protocol: CredentialProtocol;
  /** Shown in the facts, e.g. "Acme appliance LDAP admin". */
  label: string;
  /** LDAP bind DN (`{base}` = the directory's first naming context) or HTTP user name; unused for SNMP. */
  user: string;
  /** The password, or the SNMP community. Never written to a fact. */
  password: string;
};

/** How one try ended. */
export type CredentialTryOutcome =
  /** The server let the account in. */
  | "accepted"
  /** The server refused the credentials. */
  | "refused"
  /** No answer in time (also how an SNMP agent refuses a community). */
  | "no-answer"
  /** Not sent: the same account was already tried in this scan, or the service gave no place to try it. */
  | "not-attempted"
  /** Something else went wrong; `detail` says what. */
  | "error";

/** One try, without the password. */
export type CredentialTry = {
  label: string;
  /** Bind DN or user name; `(community)` for SNMP, whose community is the secret itself. */
  account: string;
  outcome: CredentialTryOutcome;
  detail: string | null;
};

/** `defaultCredentials`: the tries on this endpoint, and the labels of the accounts that were accepted. */
export type DefaultCredentialsFact = {
  protocol: CredentialProtocol;
  tries: CredentialTry[];
  accepted: string[];
};

const PROTOCOL_OF_SCHEME: Readonly<Record<string, CredentialProtocol>> = { ldap: "ldap", ldaps: "ldap", snmp: "snmp", http: "http", https: "http" };

/**
 * Accounts already tried, per scan. The scan hands every probe the same SecretResolver, so it keys
 * the ledger; several rules or packs listing one account still cost the server a single try.
 */
const triedPerScan = new WeakMap<SecretResolver, Set<string>>();

/** The facts `default-credentials` produces, each with its schema and meaning. */
export const defaultCredentialsFacts = defineFacts({
  defaultCredentials: {
    description:
      "{ protocol, tries: [{ label, account, outcome: accepted | refused | no-answer | not-attempted | error, detail }], accepted: [label] } — no password is recorded.",
    schema: z.object({
      protocol: z.enum(["ldap", "snmp", "http"]),
      tries: z.array(
        z.object({
          label: z.string(),
          account: z.string(),
          outcome: z.enum(["accepted", "refused", "no-answer", "not-attempted", "error"]),
          detail: z.string().nullable(),
        }),
      ),
      accepted: z.array(z.string()),
    }) satisfies z.ZodType<DefaultCredentialsFact>,
  },
});
/** The facts `default-credentials` produces, as the collector checks them. */
export type DefaultCredentialsFacts = FactsOf<typeof defaultCredentialsFacts>;

/** Tries the vendor defaults of the `accounts` parameter that match the endpoint's protocol, once each. */
export const defaultCredentialsProbe: EndpointProbe = defineProbe({
  meta: {
    id: "default-credentials",
    description:
      "Only for targets with allowCredentialTries: true — tries each vendor default account of the accounts parameter once (LDAP simple bind, SNMP v2c community, HTTP Basic).",
    schemes: ["ldap", "ldaps", "snmp", "http", "https"],
    facts: defaultCredentialsFacts,
  },
  async collect(endpoint, params: JsonObject, deps) {
    const protocol = PROTOCOL_OF_SCHEME[endpoint.scheme];
    if (protocol === undefined) return notApplicable(`${endpoint.scheme} has no default-credential check`);
    if (deps.target.allowCredentialTries !== true) {
      return notApplicable("credential tries are off for this target (set allowCredentialTries: true to allow one try per vendor default account)");
    }
    const accounts = parseAccounts(params.accounts).filter((account) => account.protocol === protocol);
    const ledger = triedPerScan.get(deps.secrets) ?? new Set<string>();
    triedPerScan.set(deps.secrets, ledger);
    // Claims every account before any try, so that concurrent runs of this probe never both send one.
    const claimed = accounts.map((account) => {
      const key = ledgerKey(endpoint, account);
      const fresh = !ledger.has(key);
      ledger.add(key);
      return { account, fresh };
    });
    const fresh = claimed.filter((entry) => entry.fresh).map((entry) => entry.account);
    const results = new Map<DefaultAccount, CredentialTry>();
    const tried =
      protocol === "ldap"
        ? await tryLdap(endpoint, fresh, deps)
        : protocol === "snmp"
          ? await trySnmp(endpoint, fresh, deps)
          : await tryHttp(endpoint, fresh, params, deps);
    for (const [account, attempt] of tried) results.set(account, attempt);
    const tries = claimed.map(
      ({ account }): CredentialTry =>
        results.get(account) ?? {
          label: account.label,
          account: accountName(account),
          outcome: "not-attempted",
          detail: "this account was already tried in this scan",
        },
    );
    const fact: DefaultCredentialsFact = { protocol, tries, accepted: tries.filter((entry) => entry.outcome === "accepted").map((entry) => entry.label) };
    return { facts: { defaultCredentials: fact } satisfies DefaultCredentialsFacts };
  },
});

/** Validates the `accounts` parameter; a malformed entry is a configuration error, not a silent skip. */
export function parseAccounts(value: JsonValue | undefined): DefaultAccount[] {
  if (value === undefined || value === null) return [];
  const problem = (index: number | null, text: string) =>
    new HardcheckError(
      "HC_CONFIG_INVALID",
      `default-credentials accounts${index === null ? "" : `[${index}]`}: ${text} (expected { protocol: ldap|snmp|http, label, user, password })`,
    );
  if (!Array.isArray(value)) throw problem(null, "must be a list");
  return value.map((entry, index) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw problem(index, "must be an object");
    const { protocol, label, user, password } = entry as Record<string, JsonValue>;
    if (protocol !== "ldap" && protocol !== "snmp" && protocol !== "http") throw problem(index, "protocol must be ldap, snmp or http");
    if (typeof label !== "string" || label === "") throw problem(index, "label must be a non-empty string");
    if (typeof password !== "string") throw problem(index, "password must be a string");
    if (protocol !== "snmp" && (typeof user !== "string" || user === "")) throw problem(index, "user must be a non-empty string");
    return { protocol, label, user: typeof user === "string" ? user : "", password };
  });
}

/** The account as the facts show it: never the password, and for SNMP not the community either. */
function accountName(account: DefaultAccount): string {
  return account.protocol === "snmp" ? "(community)" : account.user;
}

/**
 * One account per host and protocol family, whatever the port: ldap:// and ldaps:// reach the same
 * directory accounts. For LDAP and HTTP the password is left out, so two vendor passwords for one
 * user still make a single try; for SNMP the community is the account (hashed, never kept).
 */
function ledgerKey(endpoint: Endpoint, account: DefaultAccount): string {
  const identity = account.protocol === "snmp" ? createHash("sha256").update(account.password).digest("hex") : account.user.toLowerCase();
  return `${endpoint.host.toLowerCase()}|${account.protocol}|${identity}`;
}

type Tried = Array<[DefaultAccount, CredentialTry]>;

async function tryLdap(endpoint: Endpoint, accounts: readonly DefaultAccount[], deps: ProbeDeps): Promise<Tried> {
  if (accounts.length === 0) return [];
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const url = `${endpoint.scheme}://${host}:${endpoint.port}`;
  const base = accounts.some((account) => account.user.includes("{base}")) ? await firstNamingContext(url, endpoint.scheme === "ldaps", deps) : null;
  const tried: Tried = [];
  // One at a time: each try is a separate connection, and a directory may rate-limit parallel binds.
  for (const account of accounts) {
    const record = (outcome: CredentialTryOutcome, detail: string | null, dn = account.user) =>
      tried.push([account, { label: account.label, account: dn, outcome, detail }]);
    if (account.user.includes("{base}") && base === null) {
      record("not-attempted", "the directory named no naming context to fill {base}");
      continue;
    }
    const dn = account.user.replaceAll("{base}", base ?? "");
    try {
      await withLdapClient(url, endpoint.scheme === "ldaps", deps, (client) => client.bind(dn, account.password));
      record("accepted", null, dn);
    } catch (error) {
      const code: unknown = (error as { code?: unknown }).code;
      if (code === 49) record("refused", "invalidCredentials (49)", dn);
      else if (typeof code === "number") record("error", `LDAP result code ${code}`, dn);
      // No LDAP answer at all: the endpoint's checks become `error`, never a pass built on silence.
      else throw new Error(`LDAP ${url}: ${describeSocketError(error)}`, { cause: error });
    }
  }
  return tried;
}

/** The rootDSE's first naming context; null when the directory will not say, an error when it does not answer. */
async function firstNamingContext(url: string, implicitTls: boolean, deps: ProbeDeps): Promise<string | null> {
  try {
    return await withLdapClient(url, implicitTls, deps, async (client) => {
      const { searchEntries } = await client.search("", { scope: "base", filter: "(objectClass=*)", attributes: ["namingContexts"] });
      const value = searchEntries[0]?.namingContexts;
      const first = Array.isArray(value) ? value[0] : value;
      return first === undefined ? null : String(first);
    });
  } catch (error) {
    if (typeof (error as { code?: unknown }).code === "number") return null;
    throw new Error(`LDAP ${url}: ${describeSocketError(error)}`, { cause: error });
  }
}

async function trySnmp(endpoint: Endpoint, accounts: readonly DefaultAccount[], deps: ProbeDeps): Promise<Tried> {
  const target = { host: endpoint.host, port: endpoint.port, timeoutMs: deps.limits.connectTimeoutMs, signal: deps.signal };
  // Side by side: a refused community is silence, so serial tries would cost one timeout each.
  return Promise.all(
    accounts.map(async (account): Promise<[DefaultAccount, CredentialTry]> => {
      const result = await communityRequest(target, account.password, "v2c");
      const detail =
        result.detail ?? (result.outcome === "no-answer" ? `no answer within ${target.timeoutMs} ms (agents drop unknown communities silently)` : null);
      return [account, { label: account.label, account: accountName(account), outcome: result.outcome, detail }];
    }),
  );
}

/** Where Basic is tried when the rule names no `httpPath`. */
const HTTP_PATH_DEFAULT = "/";

async function tryHttp(endpoint: Endpoint, accounts: readonly DefaultAccount[], params: JsonObject, deps: ProbeDeps): Promise<Tried> {
  if (accounts.length === 0) return [];
  const path = typeof params.httpPath === "string" && params.httpPath.startsWith("/") ? params.httpPath : HTTP_PATH_DEFAULT;
  // Ask first without credentials: a password goes only to a server that asks for Basic at this path.
  const challenge = await httpGet(endpoint, path, undefined, deps);
  const schemes = String(challenge.headers["www-authenticate"] ?? "").toLowerCase();
  if (challenge.statusCode !== 401 || !/(^|[\s,])basic(\s|$|,)/.test(schemes)) {
    const detail = `${path} asks for no Basic authentication (status ${challenge.statusCode ?? "none"})`;
    return accounts.map((account) => [account, { label: account.label, account: account.user, outcome: "not-attempted", detail }]);
  }
  const tried: Tried = [];
  for (const account of accounts) {
    const authorization = `Basic ${Buffer.from(`${account.user}:${account.password}`).toString("base64")}`;
    try {
      const { statusCode } = await httpGet(endpoint, path, authorization, deps);
      const outcome: CredentialTryOutcome =
        statusCode === 401 || statusCode === 403 ? "refused" : statusCode !== undefined && statusCode < 400 ? "accepted" : "error";
      tried.push([account, { label: account.label, account: account.user, outcome, detail: `status ${statusCode ?? "none"}` }]);
    } catch (error) {
      tried.push([account, { label: account.label, account: account.user, outcome: "error", detail: describeSocketError(error) }]);
    }
  }
  return tried;
}

/** One GET; resolves with the response head and discards the body. */
function httpGet(endpoint: Endpoint, path: string, authorization: string | undefined, deps: ProbeDeps): Promise<IncomingMessage> {
  const send = endpoint.scheme === "https" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send({
      host: endpoint.host,
      port: endpoint.port,
      path,
      method: "GET",
      headers: { "user-agent": "hardcheck", ...(authorization ? { authorization } : {}) },
      timeout: deps.limits.connectTimeoutMs,
      signal: deps.signal,
      // Tries public vendor defaults only; the TLS probes judge the certificate.
      rejectUnauthorized: false,
      ...(endpoint.servername ? { servername: endpoint.servername } : {}),
    });
    req.once("timeout", () => req.destroy(new Error(`no HTTP answer within ${deps.limits.connectTimeoutMs} ms`)));
    req.once("error", reject);
    req.once("response", (response) => {
      response.resume();
      resolve(response);
    });
    req.end();
  });
}
