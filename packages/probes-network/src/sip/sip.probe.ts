/** Plain (unencrypted) SIP facts: is the port open over TCP and UDP, and does it answer OPTIONS. */
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import { defineFacts, defineProbe, type Endpoint, type EndpointProbe, type FactsOf, type JsonObject, notApplicable, type ProbeDeps } from "@hardcheck/core";
import { z } from "zod";
import { addressOf } from "../connection/address.js";
import { abortedError, describeSocketError, errorCode } from "../connection/socket-errors.js";
import { WireProtocolError, WireSession } from "../connection/wire-session.js";
import { frameSipResponse, MAX_SIP_RESPONSE_BYTES, optionsRequest, parseSipResponse, type SipResponse } from "./sip-message.js";

/** What one transport showed. */
export type SipTransportFact = {
  /** TCP: `open`, `closed` (refused) or `filtered` (no answer to the connect). UDP: `answered`, `closed` (ICMP unreachable) or `no-answer`. */
  state: "open" | "closed" | "filtered" | "answered" | "no-answer";
  /** The server answered OPTIONS with a SIP response. */
  answered: boolean;
  status: number | null;
  reason: string | null;
  /** `Server` (or `User-Agent`) header; null when absent. */
  server: string | null;
  /** Methods listed in `Allow`. */
  allow: string[];
};

/** One transport's answer to OPTIONS, tied to `SipTransportFact`. */
const sipTransportSchema = z.object({
  state: z.enum(["open", "closed", "filtered", "answered", "no-answer"]),
  answered: z.boolean(),
  status: z.number().nullable(),
  reason: z.string().nullable(),
  server: z.string().nullable(),
  allow: z.array(z.string()),
}) satisfies z.ZodType<SipTransportFact>;

/** The facts `sip` produces, each with its schema and meaning. */
export const sipFacts = defineFacts({
  "sip.tcp": {
    description: "`{ state: open | closed | filtered, answered, status, reason, server, allow }` over TCP.",
    schema: sipTransportSchema,
  },
  "sip.udp": {
    description: "`{ state: answered | closed | no-answer, answered, status, reason, server, allow }` over UDP.",
    schema: sipTransportSchema,
  },
});
/** The facts `sip` produces, as the collector checks them. */
export type SipFacts = FactsOf<typeof sipFacts>;

/** OPTIONS over TCP and over UDP to a `sip://` endpoint. */
export const sipProbe: EndpointProbe = defineProbe({
  meta: {
    id: "sip",
    description: "Sends a SIP OPTIONS request over TCP and over UDP to a plain sip:// endpoint and records whether each is open and answered.",
    schemes: ["sip"],
    facts: sipFacts,
  },
  async collect(endpoint, _params: JsonObject, deps) {
    if (endpoint.scheme !== "sip") return notApplicable(`${endpoint.scheme} is not plain SIP`);
    const [tcp, udp] = await Promise.all([optionsOverTcp(endpoint, deps), optionsOverUdp(endpoint, deps)]);
    const facts: SipFacts = { "sip.tcp": tcp, "sip.udp": udp };
    return { facts };
  },
});

function silent(state: SipTransportFact["state"]): SipTransportFact {
  return { state, answered: false, status: null, reason: null, server: null, allow: [] };
}

function answered(state: SipTransportFact["state"], response: SipResponse): SipTransportFact {
  return {
    state,
    answered: true,
    status: response.status,
    reason: response.reason,
    server: response.headers.server ?? response.headers["user-agent"] ?? null,
    allow: (response.headers.allow ?? "")
      .split(",")
      .map((method) => method.trim().toUpperCase())
      .filter((method) => method.length > 0),
  };
}

/** TCP: a refused or unanswered connect is a fact; an open port that then stays silent or talks something else is a failure. */
async function optionsOverTcp(endpoint: Endpoint, deps: ProbeDeps): Promise<SipTransportFact> {
  let session: WireSession;
  try {
    session = await WireSession.open(endpoint, deps, { maxReplyBytes: MAX_SIP_RESPONSE_BYTES });
  } catch (error) {
    if (deps.signal.aborted) throw error;
    const cause = (error as Error).cause ?? error;
    if (errorCode(cause) === "ECONNREFUSED") return silent("closed");
    if (/no answer within/.test((error as Error).message)) return silent("filtered");
    throw error;
  }
  try {
    const local = session.socket;
    session.write(
      optionsRequest(endpoint.host, endpoint.port, { transport: "TCP", localAddress: local.localAddress ?? "127.0.0.1", localPort: local.localPort ?? 0 }),
    );
    const reply = await session.read(frameSipResponse, "SIP OPTIONS over TCP");
    try {
      return answered("open", parseSipResponse(reply));
    } catch (error) {
      throw new WireProtocolError(`SIP OPTIONS over TCP: ${(error as Error).message} (${session.address})`, { cause: error });
    }
  } finally {
    session.close();
  }
}

/** UDP: one datagram, the first answer read within the connect timeout; the socket is connected so ICMP unreachable surfaces. */
function optionsOverUdp(endpoint: Endpoint, deps: ProbeDeps): Promise<SipTransportFact> {
  const { signal } = deps;
  const timeoutMs = deps.limits.connectTimeoutMs;
  const address = addressOf(endpoint);
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError(`SIP OPTIONS over UDP to ${address}`, signal));
      return;
    }
    const socket = createSocket(isIPv6(endpoint.host) ? "udp6" : "udp4");
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.close();
      outcome();
    };
    const onAbort = () => finish(() => reject(abortedError(`SIP OPTIONS over UDP to ${address}`, signal)));
    const timer = setTimeout(() => finish(() => resolve(silent("no-answer"))), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("error", (error) => {
      if (errorCode(error) === "ECONNREFUSED") finish(() => resolve(silent("closed")));
      else finish(() => reject(new WireProtocolError(`SIP OPTIONS over UDP to ${address}: ${describeSocketError(error)}`, { cause: error })));
    });
    socket.on("message", (message: Buffer) => {
      if (message.length > MAX_SIP_RESPONSE_BYTES) {
        finish(() =>
          reject(new WireProtocolError(`SIP OPTIONS over UDP: answer of ${message.length} bytes is longer than ${MAX_SIP_RESPONSE_BYTES} (${address})`)),
        );
        return;
      }
      try {
        const response = parseSipResponse(message);
        finish(() => resolve(answered("answered", response)));
      } catch (error) {
        finish(() => reject(new WireProtocolError(`SIP OPTIONS over UDP: ${(error as Error).message} (${address})`, { cause: error })));
      }
    });
    socket.connect(endpoint.port, endpoint.host, () => {
      const local = socket.address();
      socket.send(optionsRequest(endpoint.host, endpoint.port, { transport: "UDP", localAddress: local.address, localPort: local.port }));
    });
  });
}
