/**
 * A lab PKI made with the openssl command line, as an operator would make one: root, intermediate
 * (an `openssl ca` database, so `openssl ocsp` can answer from its index.txt), RSA and ECDSA leaves,
 * and the bad ones TLS checks must catch. Every file lives in one temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DAY_MS = 24 * 60 * 60 * 1000;

/** @param {string[]} args @param {string} cwd */
function openssl(args, cwd) {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
}

/** `openssl ca` wants dates as YYYYMMDDHHMMSSZ. @param {Date} date */
function caDate(date) {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

/**
 * @typedef {object} OpensslLeafSpec
 * @property {string} commonName
 * @property {string[]} [altNames] DNS names and IP literals.
 * @property {"rsa" | "ec" | "rsa1024" | "rsa512"} [key] Key type; default the shared RSA-2048 key.
 * @property {"sha256" | "sha1" | "md5"} [digest]
 * @property {Date} [notBefore]
 * @property {Date} [notAfter] Default: 90 days from now, beyond the usual 30-day expiry warning.
 * @property {boolean} [selfSigned]
 * @property {string} [extendedKeyUsage] e.g. `serverAuth` (default) or `clientAuth`.
 * @property {boolean} [revoke] Revoke it (keyCompromise) in the CA database after issuing.
 * @property {string | null} [ocspUrl] OCSP responder URL for this leaf instead of the lab responder's; null names none.
 * @property {string | null} [crlUrl] CRL distribution point instead of `http://127.0.0.1:<crlPort>/lab.crl`; null names none.
 */

/**
 * Creates the lab PKI. `ocspPort` goes into every leaf's authorityInfoAccess as
 * `http://127.0.0.1:<port>/`, so start the responder on that port.
 *
 * @param {{ ocspPort: number, crlPort?: number, leaves: Record<string, OpensslLeafSpec> }} options
 */
export function createOpensslPki(options) {
  const dir = mkdtempSync(join(tmpdir(), "hardcheck-pki-"));
  mkdirSync(join(dir, "newcerts"));
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "index.txt.attr"), "unique_subject = no\n");
  writeFileSync(join(dir, "serial"), "1000\n");
  const aia = `OCSP;URI:http://127.0.0.1:${options.ocspPort}/`;
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca = lab",
      "[lab]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "new_certs_dir = $dir/newcerts",
      "serial = $dir/serial",
      "certificate = $dir/intermediate.pem",
      "private_key = $dir/intermediate.key",
      "default_md = sha256",
      "default_days = 30",
      "policy = anything",
      "unique_subject = no",
      "copy_extensions = none",
      "[anything]",
      "organizationName = optional",
      "commonName = supplied",
      "[root_ext]",
      "basicConstraints = critical,CA:true",
      "keyUsage = critical,keyCertSign,cRLSign",
      "subjectKeyIdentifier = hash",
      "[intermediate_ext]",
      "basicConstraints = critical,CA:true,pathlen:0",
      "keyUsage = critical,keyCertSign,cRLSign",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "[ocsp_signer_ext]",
      "basicConstraints = CA:false",
      "keyUsage = critical,digitalSignature",
      "extendedKeyUsage = OCSPSigning",
      "noCheck = ignored",
      "",
    ].join("\n"),
  );
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "root.key",
      "-out",
      "root.pem",
      "-days",
      "3650",
      "-subj",
      "/O=hardcheck lab/CN=hardcheck lab root",
      "-config",
      "ca.cnf",
      "-extensions",
      "root_ext",
    ],
    dir,
  );
  openssl(
    [
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "intermediate.key",
      "-out",
      "intermediate.csr",
      "-subj",
      "/O=hardcheck lab/CN=hardcheck lab intermediate",
    ],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "intermediate.csr",
      "-CA",
      "root.pem",
      "-CAkey",
      "root.key",
      "-set_serial",
      "0x100",
      "-days",
      "3650",
      "-sha256",
      "-extfile",
      "ca.cnf",
      "-extensions",
      "intermediate_ext",
      "-out",
      "intermediate.pem",
    ],
    dir,
  );
  // One RSA key serves every RSA leaf: key generation is the slow part, and key reuse changes no verdict.
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.key"], dir);
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.key"], dir);
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa1024.key"], dir);
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", "rsa512.key"], dir);
  // An impostor: the intermediate's name on another key, for forged OCSP responses and chains.
  openssl(["req", "-x509", "-new", "-key", "rsa.key", "-out", "impostor.pem", "-subj", "/O=hardcheck lab/CN=hardcheck lab intermediate", "-days", "3650"], dir);
  issue("ocsp-signer", { commonName: "hardcheck lab OCSP signer" }, "ocsp_signer_ext");

  /** @type {Record<string, { certPath: string, keyPath: string, chainPath: string, certPem: string }>} */
  const leaves = {};
  for (const [name, spec] of Object.entries(options.leaves)) leaves[name] = issue(name, spec);

  /**
   * @param {string} name
   * @param {OpensslLeafSpec} spec
   * @param {string} [extensionSection]
   */
  function issue(name, spec, extensionSection) {
    const keyFile = `${spec.key ?? "rsa"}.key`;
    const names = (spec.altNames ?? []).map((alt) => (/^[\d.]+$|:/.test(alt) ? `IP:${alt}` : `DNS:${alt}`));
    const extFile = `${name}.ext`;
    writeFileSync(
      join(dir, extFile),
      extensionSection
        ? ""
        : [
            "[leaf]",
            "basicConstraints = CA:false",
            "keyUsage = critical,digitalSignature,keyEncipherment",
            `extendedKeyUsage = ${spec.extendedKeyUsage ?? "serverAuth"}`,
            "subjectKeyIdentifier = hash",
            ...(spec.selfSigned
              ? []
              : [
                  "authorityKeyIdentifier = keyid",
                  ...(spec.ocspUrl === null ? [] : [`authorityInfoAccess = ${spec.ocspUrl ? `OCSP;URI:${spec.ocspUrl}` : aia}`]),
                  ...(spec.crlUrl === null
                    ? []
                    : [`crlDistributionPoints = URI:${spec.crlUrl ?? `http://127.0.0.1:${options.crlPort ?? options.ocspPort}/lab.crl`}`]),
                ]),
            ...(names.length > 0 ? [`subjectAltName = ${names.join(",")}`] : []),
            "",
          ].join("\n"),
    );
    const certFile = `${name}.pem`;
    const subject = `/O=hardcheck lab/CN=${spec.commonName}`;
    const digest = `-${spec.digest ?? "sha256"}`;
    if (spec.selfSigned) {
      openssl(
        ["req", "-x509", "-new", "-key", keyFile, "-out", certFile, "-subj", subject, "-days", "90", digest, "-config", extFile, "-extensions", "leaf"],
        dir,
      );
    } else {
      openssl(["req", "-new", "-key", keyFile, "-out", `${name}.csr`, "-subj", subject], dir);
      const notBefore = spec.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
      const notAfter = spec.notAfter ?? new Date(Date.now() + 90 * DAY_MS);
      openssl(
        [
          "ca",
          "-batch",
          "-notext",
          "-config",
          "ca.cnf",
          "-in",
          `${name}.csr`,
          "-out",
          certFile,
          "-md",
          spec.digest ?? "sha256",
          "-startdate",
          caDate(notBefore),
          "-enddate",
          caDate(notAfter),
          ...(extensionSection ? ["-extensions", extensionSection] : ["-extfile", extFile, "-extensions", "leaf"]),
        ],
        dir,
      );
      if (spec.revoke) openssl(["ca", "-batch", "-config", "ca.cnf", "-revoke", certFile, "-crl_reason", "keyCompromise"], dir);
    }
    const certPem = readFileSync(join(dir, certFile), "utf8");
    const chainPath = join(dir, `${name}.chain.pem`);
    writeFileSync(chainPath, spec.selfSigned ? certPem : certPem + readFileSync(join(dir, "intermediate.pem"), "utf8"));
    return { certPath: join(dir, certFile), keyPath: join(dir, keyFile), chainPath, certPem };
  }

  /**
   * A DER OCSP response for a leaf, signed by the OCSP signer — what a server staples.
   * @param {string} leafName
   * @returns {string} path of the DER file
   */
  function makeOcspResponse(leafName) {
    const leaf = leaves[leafName];
    if (!leaf) throw new Error(`no leaf ${leafName}`);
    openssl(["ocsp", "-issuer", "intermediate.pem", "-cert", leaf.certPath, "-no_nonce", "-reqout", `${leafName}.ocsp-req.der`], dir);
    openssl(
      [
        "ocsp",
        "-index",
        "index.txt",
        "-CA",
        "intermediate.pem",
        "-rsigner",
        "ocsp-signer.pem",
        "-rkey",
        "rsa.key",
        "-reqin",
        `${leafName}.ocsp-req.der`,
        "-respout",
        `${leafName}.ocsp.der`,
        "-ndays",
        "1",
      ],
      dir,
    );
    return join(dir, `${leafName}.ocsp.der`);
  }

  /**
   * A DER CRL of the intermediate's database (`openssl ca -gencrl`), valid for `days` (default ten years,
   * so tests pass with the clock years ahead), signed by the intermediate or, with `signer: "impostor"`,
   * by another key under the intermediate's name.
   * @param {{ days?: number, signer?: "issuer" | "impostor" }} [crlOptions]
   * @returns {string} path of the DER file
   */
  function makeCrl(crlOptions = {}) {
    const signer = crlOptions.signer ?? "issuer";
    const name = `crl-${signer}-${crlCount++}`;
    openssl(
      [
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-gencrl",
        "-crldays",
        String(crlOptions.days ?? 3650),
        ...(signer === "impostor" ? ["-keyfile", "rsa.key", "-cert", "impostor.pem"] : []),
        "-out",
        `${name}.pem`,
      ],
      dir,
    );
    openssl(["crl", "-in", `${name}.pem`, "-outform", "DER", "-out", `${name}.der`], dir);
    return join(dir, `${name}.der`);
  }
  let crlCount = 0;

  return {
    dir,
    rootPath: join(dir, "root.pem"),
    rootPem: readFileSync(join(dir, "root.pem"), "utf8"),
    intermediatePath: join(dir, "intermediate.pem"),
    intermediatePem: readFileSync(join(dir, "intermediate.pem"), "utf8"),
    intermediateKeyPath: join(dir, "intermediate.key"),
    impostor: { certPath: join(dir, "impostor.pem"), keyPath: join(dir, "rsa.key") },
    indexPath: join(dir, "index.txt"),
    ocspSigner: { certPath: join(dir, "ocsp-signer.pem"), keyPath: join(dir, "rsa.key") },
    leaves,
    makeOcspResponse,
    makeCrl,
    /** Deletes the folder. */
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
