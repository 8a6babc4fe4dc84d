/** LDAP facts with ldapts: rootDSE, StartTLS, anonymous bind, and how a clear-text simple bind is answered. */
import { randomBytes } from "node:crypto";
import { defineFacts, defineProbe, type EndpointProbe, type FactsOf, type JsonObject, notApplicable, type ProbeDeps } from "@hardcheck/core";
import type { Client } from "ldapts";
import { z } from "zod";
import { LDAP_STARTTLS_OID } from "../codecs/ldap/start-tls.js";
import { describeSocketError } from "../connection/socket-errors.js";
import { withLdapClient } from "../support/ldap-client.js";

/** What the result code of a clear-text simple bind says about the directory. */
const OUTCOME_OF_CODE: Readonly<Record<number, "confidentiality-required" | "stronger-auth-required" | "invalid-credentials">> = {
  13: "confidentiality-required",
  8: "stronger-auth-required",
  49: "invalid-credentials",
};

/** The outcome of a clear-text simple bind that the server answered with `resultCode` (0 is handled as accepted). */
export function clearTextBindOutcome(resultCode: number): LdapClearTextBindFact["outcome"] {
  return OUTCOME_OF_CODE[resultCode] ?? "other";
}

/** OID of the StartTLS extended operation (RFC 4511 §4.14). */
export const START_TLS_OID = LDAP_STARTTLS_OID;
/** The entry a clear-text bind is tried against: it does not exist, so no real account is touched. */
const PROBE_RDN = "cn=hardcheck-probe-nonexistent";

/** `ldap.rootDse`: what the server says about itself before any bind; null fields when it refuses to say. */
export type LdapRootDseFact = {
  readable: boolean;
  namingContexts: string[];
  supportedLdapVersions: string[];
  saslMechanisms: string[];
  extensions: string[];
  error: string | null;
};

/** `ldap.startTls`: StartTLS advertised in the rootDSE, and whether the extended operation plus handshake worked. */
export type LdapStartTlsFact = { advertised: boolean; works: boolean; error: string | null };

/** `ldap.anonymousBind`: an empty-name simple bind, and how many entries an anonymous subtree search returned (up to 5). */
export type LdapAnonymousBindFact = { accepted: boolean; resultCode: number | null; entriesReturned: number | null };

/** `ldap.clearTextSimpleBind`: a simple bind of a non-existent DN with a random password, before TLS. */
export type LdapClearTextBindFact = {
  /**
   * 13 confidentialityRequired (refused in clear, OpenLDAP), 8 strongerAuthRequired (refused in
   * clear, Active Directory requiring signing), 49 invalidCredentials (credentials were read in clear), 0 accepted.
   */
  resultCode: number | null;
  outcome: "confidentiality-required" | "stronger-auth-required" | "invalid-credentials" | "accepted" | "other";
  dn: string;
};

/** A clear-text simple bind's answer, tied to `LdapClearTextBindFact`. */
const clearTextBindSchema = z.object({
  resultCode: z.number().nullable(),
  outcome: z.enum(["confidentiality-required", "stronger-auth-required", "invalid-credentials", "accepted", "other"]),
  dn: z.string(),
}) satisfies z.ZodType<LdapClearTextBindFact>;

/** The facts `ldap` produces, each with its schema and meaning. */
export const ldapFacts = defineFacts({
  "ldap.implicitTls": {
    description: "true for ldaps://.",
    schema: z.boolean(),
  },
  "ldap.rootDse": {
    description: "rootDSE before bind: { readable, namingContexts, supportedLdapVersions, saslMechanisms, extensions, error }.",
    schema: z.object({
      readable: z.boolean(),
      namingContexts: z.array(z.string()),
      supportedLdapVersions: z.array(z.string()),
      saslMechanisms: z.array(z.string()),
      extensions: z.array(z.string()),
      error: z.string().nullable(),
    }) satisfies z.ZodType<LdapRootDseFact>,
  },
  "ldap.startTls": {
    description: "{ advertised, works, error } for ldap://; null for ldaps://.",
    schema: (z.object({ advertised: z.boolean(), works: z.boolean(), error: z.string().nullable() }) satisfies z.ZodType<LdapStartTlsFact>).nullable(),
  },
  "ldap.anonymousBind": {
    description: "`{ accepted, resultCode, entriesReturned }` (48 inappropriateAuthentication when refused by `disallow bind_anon`).",
    schema: z.object({
      accepted: z.boolean(),
      resultCode: z.number().nullable(),
      entriesReturned: z.number().nullable(),
    }) satisfies z.ZodType<LdapAnonymousBindFact>,
  },
  "ldap.clearTextSimpleBind": {
    description:
      "`{ resultCode, outcome, dn }`: `confidentiality-required` (13, refused in clear), `stronger-auth-required` (8, refused in clear by Active Directory requiring signing), `invalid-credentials` (49, read in clear), `accepted`, `other`.",
    schema: clearTextBindSchema.nullable(),
  },
  "ldap.saslMechanisms": {
    description: "SASL mechanisms from the rootDSE, sorted.",
    schema: z.array(z.string()),
  },
});
/** The facts `ldap` produces, as the collector checks them. */
export type LdapFacts = FactsOf<typeof ldapFacts>;

/** LDAP and LDAPS posture. */
export const ldapProbe: EndpointProbe = defineProbe({
  meta: {
    id: "ldap",
    description: "Reads the rootDSE, tries StartTLS, an anonymous bind and a clear-text simple bind of a non-existent DN.",
    schemes: ["ldap", "ldaps"],
    facts: ldapFacts,
  },
  async collect(endpoint, _params: JsonObject, deps) {
    if (endpoint.scheme !== "ldap" && endpoint.scheme !== "ldaps") return notApplicable(`${endpoint.scheme} is not LDAP`);
    const implicitTls = endpoint.scheme === "ldaps";
    const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
    const url = `${endpoint.scheme}://${host}:${endpoint.port}`;
    const rootDse = await withClient(url, implicitTls, deps, readRootDse, true);
    if (!rootDse.readable && rootDse.error !== null && /connect|ECONN|timeout|closed/i.test(rootDse.error)) {
      throw new Error(`LDAP rootDSE: ${rootDse.error} (${url})`);
    }
    const base = rootDse.namingContexts[0] ?? "";
    const startTls = implicitTls ? null : await tryStartTls(url, rootDse, deps);
    const anonymousBind = await withClient(url, implicitTls, deps, (client) => tryAnonymousBind(client, base), false);
    const clearTextSimpleBind = implicitTls ? null : await withClient(url, false, deps, (client) => tryClearTextBind(client, base), false);
    const facts: LdapFacts = {
      "ldap.implicitTls": implicitTls,
      "ldap.rootDse": rootDse,
      "ldap.startTls": startTls,
      "ldap.anonymousBind": anonymousBind,
      "ldap.clearTextSimpleBind": clearTextSimpleBind,
      "ldap.saslMechanisms": rootDse.saslMechanisms,
    };
    return { facts };
  },
});

/** Runs one step on a fresh connection; `swallow` turns a failure into the step's own error fact. */
async function withClient<T>(url: string, implicitTls: boolean, deps: ProbeDeps, step: (client: Client) => Promise<T>, swallow: boolean): Promise<T> {
  try {
    return await withLdapClient(url, implicitTls, deps, step);
  } catch (error) {
    if (swallow)
      return { readable: false, namingContexts: [], supportedLdapVersions: [], saslMechanisms: [], extensions: [], error: describeSocketError(error) } as T;
    throw new Error(`LDAP: ${describeSocketError(error)} (${url})`, { cause: error });
  }
}

async function readRootDse(client: Client): Promise<LdapRootDseFact> {
  const { searchEntries } = await client.search("", {
    scope: "base",
    filter: "(objectClass=*)",
    attributes: ["namingContexts", "supportedLDAPVersion", "supportedSASLMechanisms", "supportedExtension"],
  });
  const entry: Record<string, unknown> = searchEntries[0] ?? {};
  const values = (name: string): string[] => {
    const key = Object.keys(entry).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? [] : entry[key];
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return list.map((item) => (Buffer.isBuffer(item) ? item.toString("utf8") : String(item))).sort();
  };
  return {
    readable: searchEntries.length > 0,
    namingContexts: values("namingContexts"),
    supportedLdapVersions: values("supportedLDAPVersion"),
    saslMechanisms: values("supportedSASLMechanisms"),
    extensions: values("supportedExtension"),
    error: null,
  };
}

async function tryStartTls(url: string, rootDse: LdapRootDseFact, deps: ProbeDeps): Promise<LdapStartTlsFact> {
  const advertised = rootDse.extensions.includes(START_TLS_OID);
  try {
    await withClient(url, false, deps, (client) => client.startTLS({ rejectUnauthorized: false }), false);
    return { advertised, works: true, error: null };
  } catch (error) {
    return { advertised, works: false, error: (error as Error).message };
  }
}

function resultCodeOf(error: unknown): number | null {
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : null;
}

async function tryAnonymousBind(client: Client, base: string): Promise<LdapAnonymousBindFact> {
  try {
    await client.bind("", "");
  } catch (error) {
    const resultCode = resultCodeOf(error);
    if (resultCode === null) throw error;
    return { accepted: false, resultCode, entriesReturned: null };
  }
  if (base === "") return { accepted: true, resultCode: 0, entriesReturned: null };
  try {
    const { searchEntries } = await client.search(base, { scope: "sub", filter: "(objectClass=*)", sizeLimit: 5, attributes: ["1.1"] });
    return { accepted: true, resultCode: 0, entriesReturned: searchEntries.length };
  } catch (error) {
    // Size limit exceeded still proves entries came back; ldapts drops them, so the limit is the floor.
    if (resultCodeOf(error) === 4) return { accepted: true, resultCode: 0, entriesReturned: 5 };
    if (resultCodeOf(error) !== null) return { accepted: true, resultCode: 0, entriesReturned: 0 };
    throw error;
  }
}

async function tryClearTextBind(client: Client, base: string): Promise<LdapClearTextBindFact> {
  const dn = base === "" ? `${PROBE_RDN}` : `${PROBE_RDN},${base}`;
  // A random password: nothing the server could ever accept, and nothing worth protecting.
  const password = randomBytes(12).toString("hex");
  try {
    await client.bind(dn, password);
    return { resultCode: 0, outcome: "accepted", dn };
  } catch (error) {
    const resultCode = resultCodeOf(error);
    if (resultCode === null) throw error;
    const outcome = clearTextBindOutcome(resultCode);
    return { resultCode, outcome, dn };
  }
}
