/**
 * Test-only: Debian nginx (nginx-light) from a generated config on three loopback ports —
 * `redirect` (plain HTTP answering 301 to HTTPS), `plain` (plain HTTP serving a page with a flagless
 * cookie and a Basic-protected `/ews/`), `tls` (HTTPS with HSTS, one hardened and one bare cookie,
 * and `/ews/` offering Basic over TLS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createLabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "./lab-process.js";

/** The three nginx servers. */
export type NginxSite = "redirect" | "plain" | "tls" | "welcome";

/** A running nginx. */
export type NginxLab = {
  readonly ports: Readonly<Record<NginxSite, number>>;
  readonly caPem: string;
  close(): Promise<void>;
};

/** Starts nginx; the caller closes it in afterAll. */
export async function startNginxLab(): Promise<NginxLab> {
  const lab = createLabDir("nginx");
  const ports = {
    redirect: await reserveLoopbackPort(),
    plain: await reserveLoopbackPort(),
    tls: await reserveLoopbackPort(),
    welcome: await reserveLoopbackPort(),
  };
  const htpasswd = lab.write("htpasswd", "lab:{PLAIN}lab-password\n");
  mkdirSync(join(lab.dir, "ews"), { mode: 0o755 });
  lab.write("ews/index.html", "ews\n");
  // A file, not `return`: `return` answers in the rewrite phase, before auth_basic would ever run.
  const ews = `location /ews/ { auth_basic "Exchange"; auth_basic_user_file ${htpasswd}; alias ${join(lab.dir, "ews")}/; }`;
  const conf = lab.write(
    "nginx.conf",
    [
      "worker_processes 1;",
      "events { worker_connections 64; }",
      "http {",
      `  access_log off;`,
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${join(lab.dir, `${kind}_temp`)};`),
      "  server_tokens on;",
      "  server {",
      `    listen 127.0.0.1:${ports.redirect};`,
      `    location / { return 301 https://localhost:${ports.tls}$request_uri; }`,
      "  }",
      "  server {",
      `    listen 127.0.0.1:${ports.plain};`,
      '    location = / { add_header Set-Cookie "session=lab1; Path=/"; return 200 "plain\\n"; }',
      `    ${ews}`,
      "  }",
      // The welcome page Debian's nginx package ships, left in place as on a freshly installed server.
      "  server {",
      `    listen 127.0.0.1:${ports.welcome};`,
      "    include /etc/nginx/mime.types;",
      "    root /usr/share/nginx/html;",
      "  }",
      "  server {",
      `    listen 127.0.0.1:${ports.tls} ssl;`,
      `    ssl_certificate ${lab.certPath};`,
      `    ssl_certificate_key ${lab.keyPath};`,
      '    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      "    location = / {",
      '      add_header Set-Cookie "id=lab2; Path=/; Secure; HttpOnly; SameSite=Strict";',
      '      add_header Set-Cookie "theme=dark; Path=/";',
      '      add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      '      return 200 "tls\\n";',
      "    }",
      `    ${ews}`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  let nginx: LabProcess;
  try {
    nginx = await startLabProcess(
      "/usr/sbin/nginx",
      ["-c", conf, "-p", lab.dir, "-e", "stderr", "-g", `daemon off; pid ${join(lab.dir, "nginx.pid")};`],
      async () => (await Promise.all(Object.values(ports).map((port) => tcpPortAnswers(port)))).every(Boolean),
    );
  } catch (error) {
    lab.remove();
    throw error;
  }
  return {
    ports,
    caPem: lab.caPem,
    async close() {
      await nginx.stop();
      lab.remove();
    },
  };
}

/**
 * One nginx TLS server on 127.0.0.1 with the given certificate files and extra `server` directives
 * (`ssl_dhparam`, `ssl_ciphers` …): for shapes `openssl s_server` cannot serve, such as a 512-bit DH
 * group, which nginx loads once its cipher string has lowered the security level.
 */
export async function startNginxTlsServer(options: {
  certPath: string;
  keyPath: string;
  directives: readonly string[];
}): Promise<{ port: number; close(): Promise<void> }> {
  const lab = createLabDir("nginx-tls");
  const port = await reserveLoopbackPort();
  const conf = lab.write(
    "nginx.conf",
    [
      "worker_processes 1;",
      "events { worker_connections 64; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${join(lab.dir, `${kind}_temp`)};`),
      "  server {",
      `    listen 127.0.0.1:${port} ssl;`,
      `    ssl_certificate ${options.certPath};`,
      `    ssl_certificate_key ${options.keyPath};`,
      ...options.directives.map((directive) => `    ${directive};`),
      '    location = / { return 200 "tls\\n"; }',
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  let nginx: LabProcess;
  try {
    nginx = await startLabProcess("/usr/sbin/nginx", ["-c", conf, "-p", lab.dir, "-e", "stderr", "-g", `daemon off; pid ${join(lab.dir, "nginx.pid")};`], () =>
      tcpPortAnswers(port),
    );
  } catch (error) {
    lab.remove();
    throw error;
  }
  return {
    port,
    async close() {
      await nginx.stop();
      lab.remove();
    },
  };
}
