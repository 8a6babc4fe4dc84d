/** The negotiators this package brings: registered into every instance by the package's `register`. */
import type { NegotiatorTable } from "../connection/negotiation.js";
import { ldapStartTls } from "./ldap-starttls.js";
import { rdpTls } from "./rdp-tls.js";
import { type NegotiatorRegistration, negotiatorTable } from "./registry.js";
import { smtpStartTls } from "./smtp-starttls.js";
import { tdsPreloginTls } from "./tds-prelogin-tls.js";

/** SMTP STARTTLS, LDAP StartTLS, TDS PRELOGIN and RDP negotiation, in the order the TLS probes list their schemes. */
export const BUILTIN_NEGOTIATORS: readonly NegotiatorRegistration[] = [
  { scheme: "smtp", negotiator: smtpStartTls },
  { scheme: "ldap", negotiator: ldapStartTls },
  { scheme: "mssql", negotiator: tdsPreloginTls },
  { scheme: "rdp", negotiator: rdpTls },
];

/** The built-in negotiators by scheme: what the TLS probes exported as values run over. */
export const BUILTIN_NEGOTIATOR_TABLE: NegotiatorTable = negotiatorTable(BUILTIN_NEGOTIATORS);
