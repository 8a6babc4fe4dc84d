/** One HTTP exchange for probes that fetch a document (OCSP answers, CRLs): timeout, abort and a size cap. */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ProbeDeps } from "@hardcheck/core";
import { abortedError, describeSocketError } from "./socket-errors.js";

/** What to send and how much to accept. */
export interface HttpFetch {
  readonly method: "GET" | "POST";
  /** The request body (POST). */
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string | number>>;
  /** Largest body read; a larger one (declared or received) ends the exchange with `tooLarge`. */
  readonly maxBytes: number;
  /** The reason given when the body exceeds `maxBytes`. */
  readonly tooLarge: string;
  /** Names the exchange in an abort message, e.g. `OCSP request`. */
  readonly what: string;
}

/**
 * Sends one request and resolves with the body of a 200 answer; rejects with a short reason: the
 * HTTP status, `no answer within N ms` (the connect timeout bounds the whole exchange), the socket
 * error, the abort, or `tooLarge`. No agent: a probe leaves no pooled keep-alive socket behind.
 */
export function fetchHttpBody(url: URL, options: HttpFetch, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (deps.signal.aborted) {
      reject(abortedError(options.what, deps.signal));
      return;
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const timeoutMs = deps.limits.connectTimeoutMs;
    const request = send(url, { method: options.method, agent: false, ...(options.headers ? { headers: { ...options.headers } } : {}) });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => request.destroy(abortedError(options.what, deps.signal));
    deps.signal.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      deps.signal.removeEventListener("abort", onAbort);
    };
    request.on("response", (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        done();
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        request.destroy(new Error(options.tooLarge));
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      response.on("data", (chunk: Buffer) => {
        length += chunk.length;
        if (length > options.maxBytes) request.destroy(new Error(options.tooLarge));
        else chunks.push(chunk);
      });
      response.on("end", () => {
        done();
        resolve(Buffer.concat(chunks));
      });
      response.on("error", (error) => {
        done();
        reject(error);
      });
    });
    request.on("error", (error) => {
      done();
      reject(new Error(describeSocketError(error), { cause: error }));
    });
    request.end(options.body);
  });
}
