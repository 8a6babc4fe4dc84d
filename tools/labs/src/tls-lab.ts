/**
 * Test-only: the TLS lab the TLS probe tests (and bench/tls) run against — a PKI made with the
 * openssl CLI and real servers on 127.0.0.1: openssl s_server per certificate problem, gnutls-serv
 * for 3DES + TLS 1.0, openssl ocsp as the responder, a loopback HTTP server publishing CRLs, and an SMTP
 * STARTTLS front.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { type Endpoint, parseEndpoint } from "@hardcheck/core";
import {
  createOpensslPki,
  type LoopbackServer,
  type OpensslLeafSpec,
  type OpensslPki,
  type ProcessServer,
  reserveLoopbackPort,
  startNamespacedServer,
  startOpensslServer,
  startSmtpStartTlsFront,
} from "@hardcheck/testkit";

const DAY_MS = 24 * 60 * 60 * 1000;
const LOOPBACK_NAMES = ["localhost", "127.0.0.1"];
/** Lets s_server load SHA-1 / RSA-1024 certificates and offer TLS 1.0/1.1, which Debian's default security level forbids. */
const LEGACY_LEVEL = ["-cipher", "ALL:@SECLEVEL=0"];
/** What a careful admin serves below TLS 1.3: ECDHE with AEAD only (OpenSSL's default list still has static RSA and CBC). */
export const CAREFUL_TLS12_SUITES = "ECDHE+AESGCM:ECDHE+CHACHA20";
/** Security level 0 for loading a weak certificate only: TLS 1.2+ and careful suites, so the certificate is the one defect. */
const WEAK_CERTIFICATE_LEVEL = ["-cipher", `${CAREFUL_TLS12_SUITES}:@SECLEVEL=0`, "-no_tls1", "-no_tls1_1"];

/** The lab's servers, each with one known defect (or none). */
export type LabServerName =
  | "modern"
  | "legacy"
  | "tls13-only"
  | "ecdsa"
  | "expired"
  | "sha1"
  | "wrong-host"
  | "revoked"
  | "self-signed"
  | "missing-intermediate"
  | "weak-key"
  | "client-auth-only"
  | "3des-tls10"
  | "smtp";

/** A running lab. */
export type TlsLab = {
  readonly pki: OpensslPki;
  /** What a scan must trust: the lab root. */
  readonly rootPem: string;
  /** The endpoint of a lab server (`tls://127.0.0.1:port`, `smtp://…` for the SMTP front). */
  endpoint(name: LabServerName): Endpoint;
  readonly ocspResponder: ProcessServer;
  /** Publishes the intermediate's CRL at the leaves' default distribution point. */
  readonly crlServer: LoopbackServer;
  /**
   * Starts one more `openssl ocsp` over the lab's CA database on `port` (reserved before the leaves
   * naming it were issued), signing with `signerArgs` (`-rsigner`, `-rkey`, `-resp_no_certs`, …).
   */
  startOcspResponder(signerArgs: readonly string[], port: number): Promise<ProcessServer>;
  /**
   * Publishes a CRL over HTTP on `port` (reserved before the leaves naming it were issued): every GET gets
   * the bytes of `crlPath` (e.g. from `pki.makeCrl()`), read at each request so a new CRL replaces the old.
   */
  startCrlServer(port: number, crlPath: string): Promise<LoopbackServer>;
  /** Starts one more s_server for a leaf (e.g. one of `extraLeaves`), presenting leaf + intermediate; careful suites unless `args` has a `-cipher`. */
  serveLeaf(leafName: string, args?: string[]): Promise<Endpoint>;
  close(): Promise<void>;
};

/** Starts the PKI, the OCSP responder, the CRL server and the named servers. */
export async function startTlsLab(names: readonly LabServerName[], options: { extraLeaves?: Record<string, OpensslLeafSpec> } = {}): Promise<TlsLab> {
  const ocspPort = await reserveLoopbackPort();
  const crlPort = await reserveLoopbackPort();
  const now = Date.now();
  const pki = createOpensslPki({
    ocspPort,
    crlPort,
    leaves: {
      good: { commonName: "localhost", altNames: LOOPBACK_NAMES },
      ecdsa: { commonName: "localhost", altNames: LOOPBACK_NAMES, key: "ec" },
      expired: { commonName: "localhost", altNames: LOOPBACK_NAMES, notBefore: new Date(now - 60 * DAY_MS), notAfter: new Date(now - DAY_MS) },
      sha1: { commonName: "localhost", altNames: LOOPBACK_NAMES, digest: "sha1" },
      wrongHost: { commonName: "wrong.example", altNames: ["wrong.example"] },
      revoked: { commonName: "localhost", altNames: LOOPBACK_NAMES, revoke: true },
      selfSigned: { commonName: "localhost", altNames: LOOPBACK_NAMES, selfSigned: true },
      weakKey: { commonName: "localhost", altNames: LOOPBACK_NAMES, key: "rsa1024" },
      clientAuthOnly: { commonName: "localhost", altNames: LOOPBACK_NAMES, extendedKeyUsage: "clientAuth" },
      ...options.extraLeaves,
    },
  });
  const started = new Map<LabServerName, LoopbackServer>();
  const servers: LoopbackServer[] = [];
  const leaf = (name: string) => {
    const found = pki.leaves[name];
    if (!found) throw new Error(`lab has no leaf ${name}`);
    return found;
  };
  /** s_server for a leaf; without a `-cipher` of its own it serves the careful suites, so its certificate or protocol is its one defect. */
  const openssl = (leafName: string, args: string[] = [], withChain = true) => {
    const issued = leaf(leafName);
    const suites = args.includes("-cipher") ? [] : ["-cipher", CAREFUL_TLS12_SUITES];
    return startOpensslServer({
      certPath: issued.certPath,
      keyPath: issued.keyPath,
      ...(withChain ? { chainPath: pki.intermediatePath } : {}),
      args: [...suites, ...args],
    });
  };
  const startResponder = (signerArgs: readonly string[], outerPort: number) =>
    startNamespacedServer({
      command: "openssl",
      args: ["ocsp", "-ignore_err", "-index", pki.indexPath, "-port", "2560", "-CA", pki.intermediatePath, ...signerArgs, "-ndays", "1"],
      innerPort: 2560,
      outerPort,
    });
  const ocspResponder = await startResponder(["-rsigner", pki.ocspSigner.certPath, "-rkey", pki.ocspSigner.keyPath], ocspPort);
  servers.push(ocspResponder);
  // The CRL every leaf names by default, issued after the leaves (so it lists the revoked ones), valid ten years.
  const crlServer = await startCrlHttpServer(crlPort, pki.makeCrl());
  servers.push(crlServer);
  const close = async () => {
    await Promise.all(servers.map((server) => server.close()));
    pki.remove();
  };
  try {
    const starters: Record<Exclude<LabServerName, "smtp">, () => Promise<LoopbackServer>> = {
      modern: () => openssl("good", ["-status_file", pki.makeOcspResponse("good")]),
      legacy: () => openssl("good", [...LEGACY_LEVEL, "-legacy_renegotiation", "-serverpref"]),
      "tls13-only": () => openssl("good", ["-tls1_3"]),
      ecdsa: () => openssl("ecdsa"),
      expired: () => openssl("expired"),
      sha1: () => openssl("sha1", WEAK_CERTIFICATE_LEVEL),
      "wrong-host": () => openssl("wrongHost"),
      revoked: () => openssl("revoked"),
      "self-signed": () => openssl("selfSigned", [], false),
      "missing-intermediate": () => openssl("good", [], false),
      "weak-key": () => openssl("weakKey", WEAK_CERTIFICATE_LEVEL),
      "client-auth-only": () => openssl("clientAuthOnly"),
      "3des-tls10": () =>
        startNamespacedServer({
          command: "gnutls-serv",
          args: [
            "-p",
            "4433",
            "--x509certfile",
            leaf("good").chainPath,
            "--x509keyfile",
            leaf("good").keyPath,
            "--priority",
            "NORMAL:+3DES-CBC:+VERS-TLS1.0:+VERS-TLS1.1",
          ],
          innerPort: 4433,
        }),
    };
    const wanted = names.includes("smtp") && !names.includes("modern") ? [...names, "modern" as const] : names;
    await Promise.all(
      wanted
        .filter((name): name is Exclude<LabServerName, "smtp"> => name !== "smtp")
        .map(async (name) => {
          const server = await starters[name]();
          servers.push(server);
          started.set(name, server);
        }),
    );
    if (names.includes("smtp")) {
      const front = await startSmtpStartTlsFront({ tlsPort: (started.get("modern") as LoopbackServer).port });
      servers.push(front);
      started.set("smtp", front);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    pki,
    rootPem: pki.rootPem,
    ocspResponder,
    crlServer,
    async startOcspResponder(signerArgs, port) {
      const responder = await startResponder(signerArgs, port);
      servers.push(responder);
      return responder;
    },
    async startCrlServer(port, crlPath) {
      const server = await startCrlHttpServer(port, crlPath);
      servers.push(server);
      return server;
    },
    async serveLeaf(leafName, args = []) {
      const server = await openssl(leafName, args);
      servers.push(server);
      return parseEndpoint(`tls://127.0.0.1:${server.port}`);
    },
    endpoint(name) {
      const server = started.get(name);
      if (!server) throw new Error(`lab server ${name} was not started`);
      return parseEndpoint(`${name === "smtp" ? "smtp" : "tls"}://127.0.0.1:${server.port}`);
    },
    close,
  };
}

/** A loopback HTTP server answering every request with the CRL file's bytes. */
async function startCrlHttpServer(port: number, crlPath: string): Promise<LoopbackServer> {
  const server = createServer((_request, response) => {
    const body = readFileSync(crlPath);
    response.writeHead(200, { "content-type": "application/pkix-crl", "content-length": body.length, connection: "close" });
    response.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port }, resolve);
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
