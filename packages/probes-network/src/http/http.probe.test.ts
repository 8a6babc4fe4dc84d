import { type Endpoint, factsFrom, parseEndpoint } from "@hardcheck/core";
import { type NginxLab, probeTestDeps, startNginxLab } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startRefusingPort, startResettingServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPageOf, type HttpFacts, htmlTitle, httpFacts, httpProbe } from "./http.probe.js";
import { authSchemes, parseHsts, parseSetCookie } from "./http-headers.js";

let nginx: NginxLab;
const hostile = new Map<string, LoopbackServer>();

beforeAll(async () => {
  nginx = await startNginxLab();
  hostile.set("refused", await startRefusingPort());
  hostile.set("reset", await startResettingServer());
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer("SSH-2.0-OpenSSH_9.6\r\n"));
  hostile.set("oversized", await startGarbageServer(`HTTP/1.1 200 OK\r\nX-Filler: ${"x".repeat(70_000)}\r\n\r\n`));
  // An HTML page whose title comes, then the body stalls forever; and one of 1 MB.
  hostile.set(
    "stalled-body",
    await startGarbageServer("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<title>Welcome to nginx!</title>"),
  );
  hostile.set(
    "huge-body",
    await startGarbageServer(
      `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n<title>IIS Windows Server</title>${"x".repeat(999_968)}`,
    ),
  );
}, 30_000);

afterAll(async () => {
  await nginx?.close();
  for (const server of hostile.values()) await server.close();
});

async function responseOf(endpoint: Endpoint, path?: string): Promise<HttpFacts["http.response"]> {
  const outcome = await httpProbe.collect(endpoint, path ? { path } : {}, probeTestDeps());
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(httpFacts, outcome)["http.response"];
}

describe("http against nginx", () => {
  it("sees the redirect to HTTPS", async () => {
    const response = await responseOf(parseEndpoint(`http://127.0.0.1:${nginx.ports.redirect}`), "/owa/");

    expect(response.status).toBe(301);
    expect(response.location).toBe(`https://localhost:${nginx.ports.tls}/owa/`);
    expect(response.redirectsToHttps).toBe(true);
    expect(response.server).toMatch(/^nginx\/\d/);
  });

  it("reports plain HTTP without redirect, a flagless cookie and no HSTS", async () => {
    const response = await responseOf(parseEndpoint(`http://127.0.0.1:${nginx.ports.plain}`));

    expect(response).toMatchObject({ listening: true, status: 200, location: null, redirectsToHttps: false, hsts: null, authSchemes: [] });
    expect(response.cookies).toEqual([{ name: "session", secure: false, httpOnly: false, sameSite: null }]);
    expect(response.cookiesWithoutSecure).toEqual(["session"]);
    expect(JSON.stringify(response)).not.toContain("lab1");
  });

  it("recognises the welcome page Debian's nginx ships, and no default page on a page of the site's own", async () => {
    const welcome = await responseOf(parseEndpoint(`http://127.0.0.1:${nginx.ports.welcome}`));
    const own = await responseOf(parseEndpoint(`http://127.0.0.1:${nginx.ports.plain}`));

    expect(welcome).toMatchObject({ status: 200, title: "Welcome to nginx!", defaultPage: "nginx" });
    expect(own).toMatchObject({ title: null, defaultPage: null });
  });

  it("reports Basic offered over clear HTTP", async () => {
    const response = await responseOf(parseEndpoint(`http://127.0.0.1:${nginx.ports.plain}`), "/ews/");

    expect(response.status).toBe(401);
    expect(response.authSchemes).toEqual(["basic"]);
    expect(response.headers["www-authenticate"]).toBe('Basic realm="Exchange"');
  });

  it("reads HSTS and each cookie's flags over HTTPS", async () => {
    const response = await responseOf(parseEndpoint(`https://127.0.0.1:${nginx.ports.tls}`));

    expect(response.redirectsToHttps).toBeNull();
    expect(response.hsts).toEqual({ maxAge: 31_536_000, includeSubDomains: true, preload: false });
    expect(response.cookies).toEqual([
      { name: "id", secure: true, httpOnly: true, sameSite: "strict" },
      { name: "theme", secure: false, httpOnly: false, sameSite: null },
    ]);
    expect(response.cookiesWithoutHttpOnly).toEqual(["theme"]);
  });

  it("reports a closed clear-text port as not listening", async () => {
    const response = await responseOf(parseEndpoint(`http://127.0.0.1:${hostile.get("refused")?.port}`));

    expect(response.listening).toBe(false);
    expect(response.redirectsToHttps).toBeNull();
  });
});

describe("http against hostile servers", () => {
  it.each([
    { scheme: "https", server: "refused", reason: /ECONNREFUSED/ },
    { scheme: "http", server: "reset", reason: /ECONNRESET|socket hang up/ },
    { scheme: "http", server: "tarpit", reason: /no answer within 300 ms/ },
    { scheme: "http", server: "garbage", reason: /Expected HTTP\/.*HPE_INVALID_CONSTANT/ },
    { scheme: "http", server: "oversized", reason: /Header overflow/ },
  ])("fails with a reason for a $server server ($scheme)", async ({ scheme, server, reason }) => {
    const port = hostile.get(server)?.port;
    const started = performance.now();
    await expect(httpProbe.collect(parseEndpoint(`${scheme}://127.0.0.1:${port}`), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } }))).rejects.toThrow(
      reason,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it.each([
    { server: "stalled-body", defaultPage: "nginx" },
    { server: "huge-body", defaultPage: "iis" },
  ])("reads the title of a $server page without waiting for or holding the rest", async ({ server, defaultPage }) => {
    const started = performance.now();
    const outcome = await httpProbe.collect(
      parseEndpoint(`http://127.0.0.1:${hostile.get(server)?.port}`),
      {},
      probeTestDeps({ limits: { connectTimeoutMs: 300 } }),
    );
    if (!("facts" in outcome)) throw new Error("expected facts");

    expect(factsFrom(httpFacts, outcome)["http.response"]).toMatchObject({ status: 200, defaultPage });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("stops when the scan aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("probe timeout")), 100);
    await expect(
      httpProbe.collect(parseEndpoint(`http://127.0.0.1:${hostile.get("tarpit")?.port}`), {}, probeTestDeps({ signal: controller.signal })),
    ).rejects.toThrow(/aborted: probe timeout/);
  });
});

describe("HTTP header readers", () => {
  it("finds every scheme of several challenges, quoted commas included", () => {
    expect(authSchemes(['Negotiate, NTLM, Basic realm="a, b=c", Bearer error="x", charset="UTF-8"', "Digest realm=x, qop=auth"])).toEqual([
      "negotiate",
      "ntlm",
      "basic",
      "bearer",
      "digest",
    ]);
  });

  it("reads HSTS directives in any case and ignores a broken max-age", () => {
    expect(parseHsts('MAX-AGE="600"; preload')).toEqual({ maxAge: 600, includeSubDomains: false, preload: true });
    expect(parseHsts("max-age=abc; includeSubdomains")).toEqual({ maxAge: null, includeSubDomains: true, preload: false });
  });

  it("keeps the cookie name and flags, never the value", () => {
    expect(parseSetCookie("sid=s3cr3t; secure; HTTPONLY; samesite=Lax")).toEqual({ name: "sid", secure: true, httpOnly: true, sameSite: "lax" });
  });

  it("reads titles and matches vendor default pages", () => {
    expect(htmlTitle("<html><head><TITLE lang=en>\n  IIS Windows Server\n</TITLE>")).toBe("IIS Windows Server");
    expect(htmlTitle("<p>no title</p>")).toBeNull();
    expect(["Apache2 Debian Default Page: It works", "IIS Windows Server", "Apache Tomcat/9.0.58", "Welcome to nginx!"].map(defaultPageOf)).toEqual([
      "apache",
      "iis",
      "tomcat",
      "nginx",
    ]);
    expect(defaultPageOf("OpenScape Concierge")).toBeNull();
  });

  it("never throws on arbitrary header text (fuzz)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 4 }), (values) => {
        const schemes = authSchemes(values);
        for (const scheme of schemes) expect(scheme).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
        for (const value of values) {
          parseHsts(value);
          expect(parseSetCookie(value).name.length).toBeLessThanOrEqual(128);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
