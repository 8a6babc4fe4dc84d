/** LDAP StartTLS (RFC 4511 §4.14): the StartTLS extended operation, then TLS on the same socket. */
import type { Socket } from "node:net";
import { LDAP_STARTTLS_OID, type LdapExtendedResult, ldapStartTlsRequest, parseExtendedResponse, STARTTLS_MESSAGE_ID } from "../codecs/ldap/start-tls.js";
import { type NegotiationContext, NegotiationError, type PreTlsNegotiator, readNegotiationReply, TlsNotOfferedError } from "../connection/negotiation.js";

const ID = "ldap-starttls";
/** Reads the ExtendedResponse; bytes after it (the server's first TLS record) stay on the socket. */
function readExtendedResponse(socket: Socket, context: NegotiationContext): Promise<LdapExtendedResult> {
  return readNegotiationReply(socket, context, ID, "StartTLS", (buffered) => {
    let parsed: ReturnType<typeof parseExtendedResponse>;
    try {
      parsed = parseExtendedResponse(buffered);
    } catch (error) {
      throw new NegotiationError(ID, (error as Error).message, { cause: error });
    }
    return parsed && { value: parsed.result, length: parsed.length };
  });
}

/** Upgrades an LDAP connection to TLS; fails when the server answers the StartTLS request with anything but success (0). */
export const ldapStartTls: PreTlsNegotiator = {
  id: ID,
  description: `LDAP: sends the StartTLS extended request (${LDAP_STARTTLS_OID}) and expects resultCode 0 (success)`,
  async negotiate(socket, context) {
    socket.write(ldapStartTlsRequest());
    const result = await readExtendedResponse(socket, context);
    // messageID 0 is an unsolicited notification (notice of disconnection), never the answer to our request.
    if (result.messageId !== STARTTLS_MESSAGE_ID) {
      throw new NegotiationError(
        ID,
        `StartTLS: server sent an unsolicited notice (resultCode ${result.resultCode}${describeDiagnostic(result)}) instead of an answer`,
      );
    }
    if (result.resultCode !== 0) {
      throw new TlsNotOfferedError(
        ID,
        `StartTLS: server refused with resultCode ${result.resultCode}${describeDiagnostic(result)} — configure a certificate for StartTLS on the directory or scan its ldaps port`,
      );
    }
    return socket;
  },
};

function describeDiagnostic(result: LdapExtendedResult): string {
  return result.diagnosticMessage === "" ? "" : `: "${result.diagnosticMessage}"`;
}
