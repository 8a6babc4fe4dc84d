/** A ClientHello as the evidence file keeps it: names, classes and the highest version offered. */
import { cipherSuiteByCode } from "../codecs/tls/cipher-suites.js";
import { TLS_VERSIONS } from "../codecs/tls/client-hello.js";
import { type ClientHelloMessage, groupName, offeredSuiteName, offeredVersions, signatureSchemeName } from "../codecs/tls/client-hello-reader.js";
import type { ClientHello } from "./evidence.js";

/** The evidence record of a ClientHello the canary read. */
export function describeHello(hello: ClientHelloMessage): ClientHello {
  const versions = offeredVersions(hello);
  const known = versions.filter((version) => (TLS_VERSIONS as readonly string[]).includes(version));
  const maxVersion = known.reduce<string | null>(
    (best, version) =>
      best === null || TLS_VERSIONS.indexOf(version as (typeof TLS_VERSIONS)[number]) > TLS_VERSIONS.indexOf(best as (typeof TLS_VERSIONS)[number])
        ? version
        : best,
    null,
  );
  return {
    versions,
    maxVersion,
    suites: hello.cipherSuites.map(offeredSuiteName),
    suiteClasses: [...new Set(hello.cipherSuites.flatMap((code) => cipherSuiteByCode(code).classes))].sort(),
    sni: hello.serverName,
    signatureAlgorithms: hello.signatureAlgorithms.map(signatureSchemeName),
    groups: hello.groups.map(groupName),
  };
}
