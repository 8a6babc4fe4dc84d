/** The HTTP response facts: redirect to HTTPS, HSTS, cookie flags, authentication schemes offered, server banner. */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { defineFacts, defineProbe, type EndpointProbe, type FactsOf, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { addressOf, serverNameOf } from "../connection/address.js";
import { abortedError, describeSocketError, errorCode } from "../connection/socket-errors.js";
import { WireProtocolError } from "../connection/wire-session.js";
import { authSchemes, type CookieFlags, type HstsPolicy, parseHsts, parseSetCookie } from "./http-headers.js";

/** Response headers copied into the facts (lower-cased); others are left out to keep reports small and free of tokens. */
export const REPORTED_HEADERS: readonly string[] = [
  "server",
  "x-powered-by",
  "x-aspnet-version",
  "location",
  "strict-transport-security",
  "www-authenticate",
  "content-type",
  "x-frame-options",
  "content-security-policy",
  "x-content-type-options",
];

/** Longest response head accepted (status line and headers); larger ones fail as hostile. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** `http.response`: what the server answered to one GET of the configured path. */
export type HttpResponseFact = {
  /** false only for `http://` when the connection was refused: the clear-text port is closed. */
  listening: boolean;
  status: number | null;
  location: string | null;
  /** A 3xx whose Location resolves to an `https:` URL; null for `https://` endpoints and closed ports. */
  redirectsToHttps: boolean | null;
  headers: Record<string, string>;
  /** Parsed Strict-Transport-Security; null when absent. */
  hsts: HstsPolicy | null;
  cookies: CookieFlags[];
  cookiesWithoutSecure: string[];
  cookiesWithoutHttpOnly: string[];
  cookiesWithoutSameSite: string[];
  /** WWW-Authenticate schemes, lower case (`basic`, `negotiate`, `ntlm`, `bearer`, …). */
  authSchemes: string[];
  /** The Server header, or null. */
  server: string | null;
  /** The HTML page's `<title>` (first 16 KB of a 200 text/html answer), or null. */
  title: string | null;
  /** The product whose untouched default or welcome page this is (`nginx`, `apache`, `iis`, `tomcat`, `lighttpd`), or null. */
  defaultPage: string | null;
};

/** Titles of the pages web servers and application servers show right after installation. */
const DEFAULT_PAGE_TITLES: ReadonlyArray<readonly [product: string, title: RegExp]> = [
  ["nginx", /^Welcome to nginx!?$/i],
  ["apache", /^(Apache2 (Debian|Ubuntu) Default Page|Test Page for the Apache HTTP Server|Apache HTTP Server Test Page)/i],
  ["iis", /^(IIS Windows( Server)?|Internet Information Services|IIS\d+)$/i],
  ["tomcat", /^Apache Tomcat(\/[\d.]+)?$/i],
  ["lighttpd", /^(Placeholder page|lighttpd .*Default Page)/i],
];

/** How much of an HTML body is read to find its title. */
const MAX_BODY_BYTES = 16 * 1024;

/** The facts `http` produces, each with its schema and meaning. */
export const httpFacts = defineFacts({
  "http.response": {
    description:
      "`{ listening, status, location, redirectsToHttps, headers, hsts, cookies, cookiesWithoutSecure, cookiesWithoutHttpOnly, cookiesWithoutSameSite, authSchemes, server, title, defaultPage }` of the answer to one `GET path`.",
    schema: z.object({
      listening: z.boolean(),
      status: z.number().nullable(),
      location: z.string().nullable(),
      redirectsToHttps: z.boolean().nullable(),
      headers: z.record(z.string(), z.string()),
      hsts: z.object({ maxAge: z.number().nullable(), includeSubDomains: z.boolean(), preload: z.boolean() }).nullable(),
      cookies: z.array(z.object({ name: z.string(), secure: z.boolean(), httpOnly: z.boolean(), sameSite: z.string().nullable() })),
      cookiesWithoutSecure: z.array(z.string()),
      cookiesWithoutHttpOnly: z.array(z.string()),
      cookiesWithoutSameSite: z.array(z.string()),
      authSchemes: z.array(z.string()),
      server: z.string().nullable(),
      title: z.string().nullable(),
      defaultPage: z.string().nullable(),
    }) satisfies z.ZodType<HttpResponseFact>,
  },
});
/** The facts `http` produces, as the collector checks them. */
export type HttpFacts = FactsOf<typeof httpFacts>;

/** One GET of a path (parameter `path`, default `/`): the head, and the first 16 KB of an HTML page for its title. */
export const httpProbe: EndpointProbe = defineProbe({
  meta: {
    id: "http",
    description:
      "Sends one GET (parameter path, default /) and reads the response head — redirect to HTTPS, HSTS, cookie flags, WWW-Authenticate schemes, Server banner — and an HTML page's title, recognising vendor default pages.",
    schemes: ["http", "https"],
    facts: httpFacts,
  },
  async collect(endpoint, params: JsonObject, deps) {
    if (endpoint.scheme !== "http" && endpoint.scheme !== "https") return notApplicable(`${endpoint.scheme} is not HTTP`);
    const path = typeof params.path === "string" && params.path.startsWith("/") ? params.path : "/";
    const address = addressOf(endpoint);
    let response: FetchedResponse;
    try {
      response = await fetchResponse(
        { tls: endpoint.scheme === "https", host: endpoint.host, port: endpoint.port, servername: serverNameOf(endpoint) ?? undefined, path },
        deps.limits.connectTimeoutMs,
        deps.signal,
      );
    } catch (error) {
      if (endpoint.scheme === "http" && errorCode(error) === "ECONNREFUSED") return { facts: { "http.response": closedPort() } };
      if (deps.signal.aborted) throw abortedError(`GET ${path} from ${address}`, deps.signal);
      throw new WireProtocolError(`GET ${path} from ${address}: ${describeSocketError(error)}`, { cause: error });
    }
    return { facts: { "http.response": describeResponse(response, endpoint.scheme === "https", `${endpoint.scheme}://${address}${path}`) } };
  },
});

type FetchedResponse = { status: number; rawHeaders: string[]; body: string | null };

function closedPort(): HttpResponseFact {
  return {
    listening: false,
    status: null,
    location: null,
    redirectsToHttps: null,
    headers: {},
    hsts: null,
    cookies: [],
    cookiesWithoutSecure: [],
    cookiesWithoutHttpOnly: [],
    cookiesWithoutSameSite: [],
    authSchemes: [],
    server: null,
    title: null,
    defaultPage: null,
  };
}

/** The `<title>` of an HTML page, whitespace collapsed and printable, or null. */
export function htmlTitle(body: string): string | null {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body);
  if (!match) return null;
  const title = (match[1] ?? "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/\s+/g, " ").trim();
  return title === "" ? null : printable(title);
}

/** The product whose default page has this title, or null. */
export function defaultPageOf(title: string | null): string | null {
  if (title === null) return null;
  return DEFAULT_PAGE_TITLES.find(([, pattern]) => pattern.test(title))?.[0] ?? null;
}

function describeResponse(response: FetchedResponse, overTls: boolean, requestUrl: string): HttpResponseFact {
  const valuesOf = (name: string): string[] => {
    const values: string[] = [];
    for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) {
      if (response.rawHeaders[index]?.toLowerCase() === name) values.push(response.rawHeaders[index + 1] ?? "");
    }
    return values;
  };
  const headers: Record<string, string> = {};
  for (const name of REPORTED_HEADERS) {
    const values = valuesOf(name);
    if (values.length > 0) headers[name] = printable(values.join(", "));
  }
  const location = valuesOf("location")[0] ?? null;
  let redirectsToHttps: boolean | null = null;
  if (!overTls) {
    const isRedirect = response.status >= 300 && response.status < 400 && location !== null;
    redirectsToHttps = isRedirect && resolvesToHttps(location, requestUrl);
  }
  const hstsValue = valuesOf("strict-transport-security")[0];
  const cookies = valuesOf("set-cookie").map(parseSetCookie);
  const server = valuesOf("server")[0];
  const title = response.body === null ? null : htmlTitle(response.body);
  return {
    listening: true,
    status: response.status,
    location: location === null ? null : printable(location),
    redirectsToHttps,
    headers,
    hsts: hstsValue === undefined ? null : parseHsts(hstsValue),
    cookies,
    cookiesWithoutSecure: cookies.filter((cookie) => !cookie.secure).map((cookie) => cookie.name),
    cookiesWithoutHttpOnly: cookies.filter((cookie) => !cookie.httpOnly).map((cookie) => cookie.name),
    cookiesWithoutSameSite: cookies.filter((cookie) => cookie.sameSite === null).map((cookie) => cookie.name),
    authSchemes: authSchemes(valuesOf("www-authenticate")),
    server: server === undefined ? null : printable(server),
    title,
    defaultPage: defaultPageOf(title),
  };
}

function resolvesToHttps(location: string, base: string): boolean {
  try {
    return new URL(location, base).protocol === "https:";
  } catch {
    return false;
  }
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 512);
}

type GetRequest = { tls: boolean; host: string; port: number; servername: string | undefined; path: string };

/**
 * GETs `path` and resolves with the response head (and up to 16 KB of a 200 HTML body), then drops the connection.
 * Each phase (connect, then every pause between bytes) gets `timeoutMs`, and the whole request at most twice that,
 * so neither a silent nor a byte-dripping server holds the probe.
 */
function fetchResponse(target: GetRequest, timeoutMs: number, signal: AbortSignal): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const options = {
      host: target.host,
      port: target.port,
      path: target.path,
      method: "GET",
      agent: false,
      signal,
      maxHeaderSize: MAX_HEADER_BYTES,
      timeout: timeoutMs,
      headers: { "user-agent": "hardcheck", accept: "*/*", connection: "close" },
    } as const;
    // Certificate trust is the TLS probes' fact; this probe must read headers even behind a lab or expired certificate.
    const request = target.tls ? httpsRequest({ ...options, servername: target.servername, rejectUnauthorized: false }) : httpRequest(options);
    // While the body is read, running out of time ends the read with what has come (a title, usually); before, it is an error.
    let endBody: (() => void) | null = null;
    const overall = setTimeout(() => (endBody ? endBody() : request.destroy(new Error(`no complete response head within ${2 * timeoutMs} ms`))), 2 * timeoutMs);
    request.on("timeout", () => (endBody ? endBody() : request.destroy(new Error(`no answer within ${timeoutMs} ms`))));
    request.on("error", (error) => {
      clearTimeout(overall);
      reject(error);
    });
    request.on("response", (response: IncomingMessage) => {
      const head = { status: response.statusCode ?? 0, rawHeaders: response.rawHeaders };
      response.on("error", () => {});
      const finish = (body: string | null) => {
        clearTimeout(overall);
        resolve({ ...head, body });
        request.destroy();
      };
      // Only a successful HTML answer can be a default page; everything else is judged on its head alone.
      if (head.status !== 200 || !/text\/html/i.test(String(response.headers["content-type"] ?? ""))) {
        finish(null);
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= MAX_BODY_BYTES) finish(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("latin1"));
      });
      // A body that ends, stops short or runs out of time still has the title it sent so far.
      endBody = () => finish(Buffer.concat(chunks).toString("latin1"));
      response.on("end", endBody);
      response.on("aborted", endBody);
    });
    request.end();
  });
}
