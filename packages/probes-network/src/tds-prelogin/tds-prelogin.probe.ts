/** SQL Server's network encryption stance: the server's answer to a PRELOGIN that asks for no encryption, and whether TDS 8.0 strict (TLS first) works. */
import { defineFacts, defineProbe, type EndpointProbe, type FactsOf, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import {
  clientPrelogin,
  ENCRYPTION_VALUES,
  type EncryptionName,
  frameTdsPacket,
  type PreloginResponse,
  parsePreloginResponse,
} from "../codecs/tds/prelogin.js";
import { describeSocketError } from "../connection/socket-errors.js";
import { WireSession } from "../connection/wire-session.js";

/**
 * What the ENCRYPTION answer to a client's ENCRYPT_OFF means (MS-TDS §2.2.6.5):
 * `forced` (ENCRYPT_REQ: the whole session is encrypted), `login-only` (ENCRYPT_OFF: only the login
 * packet is), `not-supported` (ENCRYPT_NOT_SUP: nothing is), `strict-only` (no clear PRELOGIN, TLS
 * first works), `unknown` (anything else).
 */
export type TdsEncryptionMode = "forced" | "login-only" | "not-supported" | "strict-only" | "unknown";

/** `mssql.prelogin`: the server's PRELOGIN response, or why there was none. */
export type TdsPreloginFact = { answered: boolean; response: PreloginResponse | null; error: string | null };

/** `mssql.strict`: a TLS handshake as the first bytes, offering ALPN `tds/8.0` (TDS 8.0 strict encryption). */
export type TdsStrictFact = { tls: boolean; protocol: string | null; alpn: string | null; error: string | null };

const MODE_OF: Partial<Record<EncryptionName, TdsEncryptionMode>> = { ENCRYPT_REQ: "forced", ENCRYPT_OFF: "login-only", ENCRYPT_NOT_SUP: "not-supported" };

/** The facts `tds-prelogin` produces, each with its schema and meaning. */
export const tdsPreloginFacts = defineFacts({
  "mssql.prelogin": {
    description: "{ answered, response: { version, encryption, instanceAccepted, mars, fedAuthRequired }, error }.",
    schema: z.object({
      answered: z.boolean(),
      response: z
        .object({
          version: z.string().nullable(),
          encryption: z.union([z.enum(Object.values(ENCRYPTION_VALUES)), z.templateLiteral(["0x", z.string()])]).nullable(),
          instanceAccepted: z.boolean().nullable(),
          mars: z.boolean().nullable(),
          fedAuthRequired: z.boolean().nullable(),
        })
        .nullable(),
      error: z.string().nullable(),
    }) satisfies z.ZodType<TdsPreloginFact>,
  },
  "mssql.encryptionMode": {
    description: "forced (ENCRYPT_REQ) | login-only (ENCRYPT_OFF) | not-supported (ENCRYPT_NOT_SUP) | strict-only | unknown.",
    schema: z.enum(["forced", "login-only", "not-supported", "strict-only", "unknown"]) satisfies z.ZodType<TdsEncryptionMode>,
  },
  "mssql.strict": {
    description: "TDS 8.0 strict: { tls, protocol, alpn, error } for a TLS handshake as the first bytes.",
    schema: z.object({
      tls: z.boolean(),
      protocol: z.string().nullable(),
      alpn: z.string().nullable(),
      error: z.string().nullable(),
    }) satisfies z.ZodType<TdsStrictFact>,
  },
});
/** The facts `tds-prelogin` produces, as the collector checks them. */
export type TdsPreloginFacts = FactsOf<typeof tdsPreloginFacts>;

/** TDS PRELOGIN encryption probe. */
export const tdsPreloginProbe: EndpointProbe = defineProbe({
  meta: {
    id: "tds-prelogin",
    description: "Sends a TDS PRELOGIN with ENCRYPTION = ENCRYPT_OFF and reads the server's answer; tries TDS 8.0 strict (TLS first, ALPN tds/8.0).",
    schemes: ["mssql"],
    facts: tdsPreloginFacts,
  },
  async collect(endpoint, _params: JsonObject, deps) {
    if (endpoint.scheme !== "mssql") return notApplicable(`${endpoint.scheme} is not SQL Server`);
    const { prelogin, strict, mode } = await readEncryptionStance(endpoint, deps);
    const facts: TdsPreloginFacts = { "mssql.prelogin": prelogin, "mssql.encryptionMode": mode, "mssql.strict": strict };
    return { facts };
  },
});

/** The server's PRELOGIN answer, the TDS 8.0 strict attempt and what they mean together; throws when neither got an answer. */
export async function readEncryptionStance(
  endpoint: Parameters<EndpointProbe["collect"]>[0],
  deps: Parameters<EndpointProbe["collect"]>[2],
): Promise<{ prelogin: TdsPreloginFact; strict: TdsStrictFact; mode: TdsEncryptionMode }> {
  const prelogin = await askPrelogin(endpoint, deps);
  const strict = await tryStrict(endpoint, deps);
  if (!prelogin.answered && !strict.tls) throw new Error(`TDS PRELOGIN: ${prelogin.error ?? "no answer"}; TDS 8.0 strict: ${strict.error ?? "no TLS"}`);
  const encryption = prelogin.response?.encryption ?? null;
  const mode: TdsEncryptionMode = prelogin.answered ? ((encryption && MODE_OF[encryption]) ?? "unknown") : "strict-only";
  return { prelogin, strict, mode };
}

async function askPrelogin(endpoint: Parameters<EndpointProbe["collect"]>[0], deps: Parameters<EndpointProbe["collect"]>[2]): Promise<TdsPreloginFact> {
  const session = await WireSession.open(endpoint, deps, { maxReplyBytes: 40_000 });
  try {
    session.write(clientPrelogin());
    const packet = await session.read(frameTdsPacket, "TDS PRELOGIN");
    return { answered: true, response: parsePreloginResponse(packet), error: null };
  } catch (error) {
    return { answered: false, response: null, error: describeSocketError(error) };
  } finally {
    session.close();
  }
}

async function tryStrict(endpoint: Parameters<EndpointProbe["collect"]>[0], deps: Parameters<EndpointProbe["collect"]>[2]): Promise<TdsStrictFact> {
  let session: WireSession | undefined;
  try {
    session = await WireSession.open(endpoint, deps, { tls: { rejectUnauthorized: false, ALPNProtocols: ["tds/8.0"] } });
    const socket = session.socket as import("node:tls").TLSSocket;
    const alpn = socket.alpnProtocol;
    return { tls: true, protocol: socket.getProtocol() ?? null, alpn: typeof alpn === "string" ? alpn : null, error: null };
  } catch (error) {
    return { tls: false, protocol: null, alpn: null, error: describeSocketError(error) };
  } finally {
    session?.close();
  }
}
