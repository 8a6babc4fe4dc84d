/** RDP security negotiation facts: which protocol the server selects, whether NLA is required, TLS offered, legacy RDP security accepted. */
import { defineFacts, defineProbe, type Endpoint, type EndpointProbe, type FactsOf, type JsonObject, notApplicable, type ProbeDeps } from "@hardcheck/core";
import { z } from "zod";
import {
  type ConnectionConfirm,
  connectionRequest,
  frameTpkt,
  MAX_CONFIRM_BYTES,
  parseConnectionConfirm,
  RDP_FAILURE_NAMES,
  RDP_PROTOCOL,
  SELECTED_PROTOCOL_NAMES,
} from "../codecs/rdp/x224.js";
import { WireProtocolError, WireSession } from "../connection/wire-session.js";

/** One Connection Request and its answer. */
export type RdpAttempt = {
  /** requestedProtocols sent, as names. */
  requested: string[];
  /** `selected <protocol>`, `failure <CODE>` or `no negotiation data`. */
  answer: string;
};

/** `rdp.negotiation`. */
export type RdpNegotiationFact = {
  /** What the server picked when offered TLS, CredSSP and CredSSP with early user authorization; null when it refused. */
  selectedProtocol: string | null;
  /** The server refused TLS without CredSSP (HYBRID_REQUIRED_BY_SERVER): Network Level Authentication is enforced. */
  nlaRequired: boolean;
  /** Some answer selected a TLS-based protocol (TLS, CredSSP, RDSTLS). */
  tlsOffered: boolean;
  /** The server accepted standard RDP security (no TLS) when that was all the client offered. */
  legacyAccepted: boolean;
  /** failureCode name of the first request's RDP_NEG_FAILURE, or null. */
  failureCode: string | null;
  attempts: RdpAttempt[];
};

const ALL_MODERN = RDP_PROTOCOL.ssl | RDP_PROTOCOL.hybrid | RDP_PROTOCOL.hybridEx;
const TLS_BASED = new Set<number>([RDP_PROTOCOL.ssl, RDP_PROTOCOL.hybrid, RDP_PROTOCOL.rdstls, RDP_PROTOCOL.hybridEx]);
const HYBRID_REQUIRED = 5;

/** The facts `rdp-negotiation` produces, each with its schema and meaning. */
export const rdpNegotiationFacts = defineFacts({
  "rdp.negotiation": {
    description:
      "`{ selectedProtocol, nlaRequired, tlsOffered, legacyAccepted, failureCode, attempts }`: `selectedProtocol` (`tls`, `credssp`, `credssp-early-user-auth`, `rdstls`, `standard-rdp-security`, or `null` when refused) from request 1; `nlaRequired` when request 2 is refused with `HYBRID_REQUIRED_BY_SERVER` and request 3 is not accepted; `tlsOffered` when request 1 or 2 selected a TLS-based protocol; `legacyAccepted` when request 3 got standard RDP security; `failureCode` is request 1's RDP_NEG_FAILURE name or `null`; `attempts` lists `{ requested, answer }` per request.",
    schema: z.object({
      selectedProtocol: z.string().nullable(),
      nlaRequired: z.boolean(),
      tlsOffered: z.boolean(),
      legacyAccepted: z.boolean(),
      failureCode: z.string().nullable(),
      attempts: z.array(z.object({ requested: z.array(z.string()), answer: z.string() })),
    }) satisfies z.ZodType<RdpNegotiationFact>,
  },
});
/** The facts `rdp-negotiation` produces, as the collector checks them. */
export type RdpNegotiationFacts = FactsOf<typeof rdpNegotiationFacts>;

/** Three Connection Requests, each on a fresh connection, closed right after the Connection Confirm. */
export const rdpNegotiationProbe: EndpointProbe = defineProbe({
  meta: {
    id: "rdp-negotiation",
    description:
      "Sends X.224 Connection Requests with RDP_NEG_REQ (TLS|CredSSP|CredSSP-EX, then TLS only, then standard RDP security) and reads the servers' choices.",
    schemes: ["rdp"],
    facts: rdpNegotiationFacts,
  },
  async collect(endpoint, _params: JsonObject, deps) {
    if (endpoint.scheme !== "rdp") return notApplicable(`${endpoint.scheme} is not RDP`);
    const attempts: RdpAttempt[] = [];
    const ask = async (requested: number, step: string) => {
      const confirm = await negotiate(endpoint, deps, requested, step);
      attempts.push({ requested: protocolNames(requested), answer: describe(confirm) });
      return confirm;
    };
    // Sequential on purpose: a server may cap connections per client, and three short exchanges cost little.
    const preferred = await ask(ALL_MODERN, "Connection Request (TLS, CredSSP, CredSSP-EX)");
    const tlsOnly = await ask(RDP_PROTOCOL.ssl, "Connection Request (TLS only)");
    const legacy = await ask(RDP_PROTOCOL.rdp, "Connection Request (standard RDP security)");

    const selected = (confirm: ConnectionConfirm) => (confirm.kind === "response" ? confirm.selectedProtocol : confirm.kind === "no-negotiation" ? 0 : null);
    const preferredProtocol = selected(preferred);
    const legacyAccepted = selected(legacy) === RDP_PROTOCOL.rdp;
    const facts: RdpNegotiationFacts = {
      "rdp.negotiation": {
        selectedProtocol: preferredProtocol === null ? null : protocolName(preferredProtocol),
        nlaRequired: tlsOnly.kind === "failure" && tlsOnly.failureCode === HYBRID_REQUIRED && !legacyAccepted,
        tlsOffered: [preferred, tlsOnly].some((confirm) => TLS_BASED.has(selected(confirm) ?? -1)),
        legacyAccepted,
        failureCode: preferred.kind === "failure" ? failureName(preferred.failureCode) : null,
        attempts,
      },
    };
    return { facts };
  },
});

async function negotiate(endpoint: Endpoint, deps: ProbeDeps, requested: number, step: string): Promise<ConnectionConfirm> {
  const session = await WireSession.open(endpoint, deps, { maxReplyBytes: MAX_CONFIRM_BYTES });
  try {
    session.write(connectionRequest(requested));
    const packet = await session.read(frameTpkt, step);
    try {
      return parseConnectionConfirm(packet);
    } catch (error) {
      throw new WireProtocolError(`${step}: ${(error as Error).message} (${session.address})`, { cause: error });
    }
  } finally {
    session.close();
  }
}

function protocolNames(requested: number): string[] {
  if (requested === RDP_PROTOCOL.rdp) return [protocolName(RDP_PROTOCOL.rdp)];
  return Object.values(RDP_PROTOCOL)
    .filter((flag) => flag !== 0 && (requested & flag) !== 0)
    .map(protocolName);
}

function protocolName(value: number): string {
  return SELECTED_PROTOCOL_NAMES[value] ?? `unknown-0x${value.toString(16)}`;
}

function failureName(code: number): string {
  return RDP_FAILURE_NAMES[code] ?? `UNKNOWN_${code}`;
}

function describe(confirm: ConnectionConfirm): string {
  if (confirm.kind === "response") return `selected ${protocolName(confirm.selectedProtocol)}`;
  if (confirm.kind === "failure") return `failure ${failureName(confirm.failureCode)}`;
  return "no negotiation data";
}
