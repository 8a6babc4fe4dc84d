/** The SMTP conversation facts: banner, EHLO before and after TLS, STARTTLS, AUTH in clear text, and an optional authenticated login over TLS. */
import { rootCertificates } from "node:tls";
import { defineFacts, defineProbe, type EndpointProbe, type FactsOf, type JsonObject, notApplicable, type ProbeDeps } from "@hardcheck/core";
import { z } from "zod";
import { type EhloCapabilities, ehloCapabilities, frameSmtpReply, parseSmtpReply, type SmtpReply } from "../codecs/smtp/reply.js";
import { printable } from "../connection/printable.js";
import { describeSocketError } from "../connection/socket-errors.js";
import { WireSession } from "../connection/wire-session.js";

/** Credential names the authenticated check reads from the target's `credentials`. */
export const SMTP_CREDENTIALS = { username: "smtp.username", password: "smtp.password" } as const;

/** `smtp.startTls`: whether STARTTLS was offered and what happened when it was used. */
export type SmtpStartTlsFact = {
  offered: boolean;
  /** Reply code to STARTTLS; null when not sent. */
  replyCode: number | null;
  /** The TLS handshake after `220` completed. */
  upgraded: boolean;
  /** Why the handshake failed, or null. */
  error: string | null;
};

/** `smtp.clearTextAuth`: the server's answer to `AUTH LOGIN` sent before TLS (no secret is sent; a 334 challenge is cancelled with `*`). */
export type SmtpClearTextAuthFact = {
  /** Reply code: 334 means the server would take credentials in clear text; 5xx means refused. */
  replyCode: number;
  accepted: boolean;
  reply: string;
};

/** `smtp.authentication`: the optional login with configured credentials over TLS (nodemailer, `requireTLS`). */
export type SmtpAuthenticationFact = {
  /** `not-configured` when the target has no smtp credentials. */
  outcome: "accepted" | "rejected" | "tls-failed" | "error" | "not-configured";
  /** Short reason without any credential; null when accepted or not configured. */
  detail: string | null;
};

const CLIENT_NAME = "hardcheck.invalid";

/** EHLO capabilities, tied to `EhloCapabilities`. */
const ehloSchema = z.object({
  extensions: z.array(z.string()),
  authMechanisms: z.array(z.string()),
  startTls: z.boolean(),
}) satisfies z.ZodType<EhloCapabilities>;

/** The facts `smtp-capabilities` produces, each with its schema and meaning. */
export const smtpCapabilitiesFacts = defineFacts({
  "smtp.banner": {
    description: "The 220 greeting: { code, text }.",
    schema: z.object({ code: z.number(), text: z.string() }),
  },
  "smtp.implicitTls": {
    description: "true for smtps:// (TLS from the first byte).",
    schema: z.boolean(),
  },
  "smtp.beforeTls": {
    description: "EHLO capabilities in clear text { extensions, authMechanisms, startTls }; null for smtps.",
    schema: ehloSchema.nullable(),
  },
  "smtp.authBeforeTls": {
    description: "AUTH advertised before TLS (credentials could travel in clear text).",
    schema: z.boolean(),
  },
  "smtp.clearTextAuth": {
    description: "Reply to AUTH LOGIN sent before TLS, without any secret { replyCode, accepted, reply }; null for smtps.",
    schema: (z.object({ replyCode: z.number(), accepted: z.boolean(), reply: z.string() }) satisfies z.ZodType<SmtpClearTextAuthFact>).nullable(),
  },
  "smtp.startTls": {
    description: "STARTTLS { offered, replyCode, upgraded, error }.",
    schema: z.object({
      offered: z.boolean(),
      replyCode: z.number().nullable(),
      upgraded: z.boolean(),
      error: z.string().nullable(),
    }) satisfies z.ZodType<SmtpStartTlsFact>,
  },
  "smtp.afterTls": {
    description: "EHLO capabilities over TLS; null when TLS was not reached.",
    schema: ehloSchema.nullable(),
  },
  "smtp.authentication": {
    description: "Login with the target's smtp.username/smtp.password over TLS: outcome accepted | rejected | tls-failed | error | not-configured.",
    schema: z.object({
      outcome: z.enum(["accepted", "rejected", "tls-failed", "error", "not-configured"]),
      detail: z.string().nullable(),
    }) satisfies z.ZodType<SmtpAuthenticationFact>,
  },
  "smtp.transcript": {
    description: "Commands sent (C:) and reply first lines received (S:), for evidence.",
    schema: z.array(z.string()),
  },
});
/** The facts `smtp-capabilities` produces, as the collector checks them. */
export type SmtpCapabilitiesFacts = FactsOf<typeof smtpCapabilitiesFacts>;

/** SMTP capabilities before and after TLS. */
export const smtpCapabilitiesProbe: EndpointProbe = defineProbe({
  meta: {
    id: "smtp-capabilities",
    description: "Talks SMTP: banner, EHLO before and after STARTTLS (or over implicit TLS), AUTH in clear text, optional authenticated login over TLS.",
    schemes: ["smtp", "smtps"],
    facts: smtpCapabilitiesFacts,
  },
  async collect(endpoint, _params: JsonObject, deps) {
    if (endpoint.scheme !== "smtp" && endpoint.scheme !== "smtps") return notApplicable(`${endpoint.scheme} is not SMTP`);
    const implicitTls = endpoint.scheme === "smtps";
    const transcript: string[] = [];
    const session = await WireSession.open(endpoint, deps, implicitTls ? { tls: { rejectUnauthorized: false } } : {});
    try {
      const exchange = async (command: string | null, step: string): Promise<SmtpReply> => {
        if (command !== null) {
          transcript.push(`C: ${command}`);
          session.write(`${command}\r\n`);
        }
        const reply = parseSmtpReply(await session.read(frameSmtpReply, step));
        transcript.push(`S: ${reply.code} ${printable(reply.lines[0] ?? "")}${reply.lines.length > 1 ? ` (+${reply.lines.length - 1} lines)` : ""}`);
        return reply;
      };
      const greeting = await exchange(null, "SMTP greeting");
      if (greeting.code !== 220) throw new Error(`SMTP greeting: server answered ${greeting.code} ${printable(greeting.lines[0] ?? "")}, expected 220`);
      const banner = { code: greeting.code, text: greeting.lines.join(" ") };
      const firstEhlo = await exchange(`EHLO ${CLIENT_NAME}`, "EHLO");
      if (firstEhlo.code !== 250) throw new Error(`EHLO: server answered ${firstEhlo.code}, expected 250`);
      const firstCapabilities = ehloCapabilities(firstEhlo);

      let beforeTls: EhloCapabilities | null = null;
      let clearTextAuth: SmtpClearTextAuthFact | null = null;
      let afterTls: EhloCapabilities | null = implicitTls ? firstCapabilities : null;
      const startTls: SmtpStartTlsFact = { offered: false, replyCode: null, upgraded: implicitTls, error: null };
      if (!implicitTls) {
        beforeTls = firstCapabilities;
        const authReply = await exchange("AUTH LOGIN", "AUTH before TLS");
        if (authReply.code === 334) await exchange("*", "AUTH cancel");
        clearTextAuth = { replyCode: authReply.code, accepted: authReply.code === 334, reply: printable(authReply.lines.join(" ")) };
        startTls.offered = firstCapabilities.startTls;
        if (startTls.offered) {
          const ready = await exchange("STARTTLS", "STARTTLS");
          startTls.replyCode = ready.code;
          if (ready.code === 220) {
            try {
              await session.upgradeToTls(endpoint, { rejectUnauthorized: false });
              startTls.upgraded = true;
              transcript.push("-- TLS established --");
            } catch (error) {
              startTls.error = describeSocketError(error);
            }
            if (startTls.upgraded) {
              const secondEhlo = await exchange(`EHLO ${CLIENT_NAME}`, "EHLO after STARTTLS");
              if (secondEhlo.code === 250) afterTls = ehloCapabilities(secondEhlo);
            }
          }
        }
      }
      if (startTls.upgraded || !startTls.error) {
        try {
          await exchange("QUIT", "QUIT");
        } catch {
          // A server that drops the line at QUIT has still answered everything that matters.
        }
      }
      const facts: SmtpCapabilitiesFacts = {
        "smtp.banner": banner,
        "smtp.implicitTls": implicitTls,
        "smtp.beforeTls": beforeTls,
        "smtp.authBeforeTls": beforeTls?.extensions.includes("AUTH") ?? false,
        "smtp.clearTextAuth": clearTextAuth,
        "smtp.startTls": startTls,
        "smtp.afterTls": afterTls,
        "smtp.authentication": await authenticatedCheck(endpoint.host, endpoint.port, implicitTls, deps),
        "smtp.transcript": transcript,
      };
      return { facts };
    } finally {
      session.close();
    }
  },
});

/** Logs in with the configured account through nodemailer, refusing to send credentials unless TLS is up and the certificate is trusted. */
async function authenticatedCheck(host: string, port: number, implicitTls: boolean, deps: ProbeDeps): Promise<SmtpAuthenticationFact> {
  const references = deps.target.credentials ?? {};
  const usernameRef = references[SMTP_CREDENTIALS.username];
  const passwordRef = references[SMTP_CREDENTIALS.password];
  if (!usernameRef || !passwordRef) return { outcome: "not-configured", detail: null };
  let user: string;
  let pass: string;
  try {
    user = await deps.secrets.resolve(usernameRef);
    pass = await deps.secrets.resolve(passwordRef);
  } catch (error) {
    // Only the login needs the account: an unset reference must not cost the other SMTP facts.
    return { outcome: "error", detail: error instanceof Error ? error.message : "credential reference cannot be resolved" };
  }
  const ca = deps.trust.useSystemRoots ? [...rootCertificates, ...deps.trust.caCertificates] : [...deps.trust.caCertificates];
  const timeoutMs = deps.limits.connectTimeoutMs;
  // Loaded on first login only: a scan without SMTP credentials never pays for nodemailer.
  const { createTransport } = await import("nodemailer");
  const transport = createTransport({
    host,
    port,
    secure: implicitTls,
    requireTLS: !implicitTls,
    auth: { user, pass },
    tls: { ca, rejectUnauthorized: true },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
  try {
    await transport.verify();
    return { outcome: "accepted", detail: null };
  } catch (error) {
    const details = error as { code?: unknown; responseCode?: unknown };
    const code = typeof details.code === "string" ? details.code : "unknown";
    const responseCode = typeof details.responseCode === "number" ? ` (reply ${details.responseCode})` : "";
    // Messages from the library may quote what was sent; only the code and reply number leave this function.
    if (code === "EAUTH") return { outcome: "rejected", detail: `login refused${responseCode}` };
    if (code === "ETLS" || code === "ESOCKET") return { outcome: "tls-failed", detail: `${code}${responseCode}` };
    return { outcome: "error", detail: `${code}${responseCode}` };
  } finally {
    transport.close();
  }
}
