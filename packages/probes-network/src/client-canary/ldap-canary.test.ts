// The LDAP canary against ldapsearch (OpenLDAP's client, GnuTLS underneath): StartTLS (-ZZ) or plain, LDAPTLS_REQCERT demand or never, ldaps.
// libldap checks "localhost" against the machine's own host name, so the clients connect to 127.0.0.1 (an IP entry of every trusted canary leaf).
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, type CanaryListenerSpec, startCanary } from "./canary.js";
import { type CanaryCertificate, clientFactsFrom } from "./evidence.js";
import { runPinned, writeCaFile } from "./run-client.test-helper.js";

const NOW = "2031-03-14 09:00:00";
const clock = fixedClock("2031-03-14T09:00:00Z");
const SECRET = "Ld4p-canary-Secret";
const BIND_DN = "cn=concierge,ou=services,dc=site,dc=example";

let canary: Canary | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await canary?.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function startLdapCanary(certificates: CanaryCertificate[], protocol: CanaryListenerSpec["protocol"] = "ldap") {
  const started = await startCanary({
    target: "concierge",
    listeners: [{ protocol, host: "127.0.0.1", port: 0 }],
    certificates,
    clock,
    sessionTimeoutMs: 10_000,
  });
  canary = started;
  const ca = writeCaFile(started.caPem);
  cleanups.push(ca.remove);
  return { canary: started, port: started.listeners[0]?.port ?? 0, caPath: ca.caPath };
}

/** ldapsearch with a simple bind, its clock pinned by faketime; `tls` options go to libldap through LDAPTLS_*. */
function ldapsearch(url: string, args: readonly string[], tls: { readonly reqcert: "demand" | "never"; readonly caPath: string }) {
  return runPinned(NOW, "ldapsearch", ["-x", "-H", url, "-D", BIND_DN, "-w", SECRET, "-b", "dc=site,dc=example", "-o", "nettimeout=10", ...args], {
    env: { TZ: "UTC", LDAPTLS_REQCERT: tls.reqcert, LDAPTLS_CACERT: tls.caPath, LDAPCONF: "/dev/null", LDAPRC: "/dev/null" },
    timeoutMs: 20_000,
  });
}

describe("LDAP canary with ldapsearch", { timeout: 90_000 }, () => {
  const rotation: CanaryCertificate[] = ["self-signed", "wrong-host", "expired", "site"];

  it("-ZZ with LDAPTLS_REQCERT=demand: StartTLS before the bind, every untrustworthy certificate refused", async () => {
    const { canary: started, port, caPath } = await startLdapCanary(rotation);
    for (const _ of rotation) await ldapsearch(`ldap://127.0.0.1:${port}`, ["-ZZ"], { reqcert: "demand", caPath });
    await started.close();

    const facts = clientFactsFrom(started.sessions);
    expect(facts["client.validation"]).toMatchObject({ accepted: ["site"], validates: true });
    expect(facts["client.upgrade"]).toMatchObject({ protocol: "ldap", tlsSessions: 4, plainSessions: 0, credentialsBeforeTls: false });
    const site = started.sessions.find((session) => session.certificate === "site");
    expect(site).toMatchObject({ upgraded: true, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(site?.transcript).toContain(`C: bind simple "${BIND_DN}" [secret]`);
    expect(JSON.stringify(started.sessions)).not.toContain(SECRET);
  });

  it("-ZZ with LDAPTLS_REQCERT=never: binds after any certificate, so it does not validate", async () => {
    const { canary: started, port, caPath } = await startLdapCanary(rotation);
    for (const _ of rotation) await ldapsearch(`ldap://127.0.0.1:${port}`, ["-ZZ"], { reqcert: "never", caPath });
    await started.close();

    const facts = clientFactsFrom(started.sessions);
    expect(facts["client.validation"].validates).toBe(false);
    expect([...facts["client.validation"].accepted].sort()).toEqual(["expired", "self-signed", "site", "wrong-host"]);
  });

  it("plain simple bind (no -ZZ): the password went in clear, the canary saw the mechanism and kept no secret", async () => {
    const { canary: started, port, caPath } = await startLdapCanary(["site"]);
    await ldapsearch(`ldap://127.0.0.1:${port}`, [], { reqcert: "demand", caPath });
    await started.close();

    const [session] = started.sessions;
    expect(session).toMatchObject({ upgraded: false, hello: null, credentialsBeforeTls: "simple bind", handshakeCompleted: false });
    expect(clientFactsFrom(started.sessions)["client.upgrade"]).toMatchObject({
      credentialsBeforeTls: true,
      mechanismsBeforeTls: ["simple bind"],
      plainSessions: 1,
    });
    expect(JSON.stringify(started.sessions)).not.toContain(SECRET);
  });

  it("ldaps:// with LDAPTLS_REQCERT=demand and never", async () => {
    const { canary: started, port, caPath } = await startLdapCanary(["self-signed", "self-signed"], "ldaps");
    const runs = [
      await ldapsearch(`ldaps://127.0.0.1:${port}`, [], { reqcert: "demand", caPath }),
      await ldapsearch(`ldaps://127.0.0.1:${port}`, [], { reqcert: "never", caPath }),
    ];
    await started.close();

    const [demand, never] = started.sessions;
    expect(started.sessions, runs.map((run) => `ldapsearch exit ${run.code}: ${run.output.trim()}`).join("\n")).toHaveLength(2);
    expect(demand).toMatchObject({ protocol: "ldaps", upgraded: null, continuedAfterHandshake: false });
    expect(never).toMatchObject({ protocol: "ldaps", handshakeCompleted: true, continuedAfterHandshake: true, credentialsBeforeTls: null });
    expect(clientFactsFrom(started.sessions)["client.validation"].validates).toBe(false);
  });
});
