/** One ldapts connection per step, always unbound afterwards — shared by the LDAP probes. */
import type { ProbeDeps } from "@hardcheck/core";
import type { Client } from "ldapts";

/**
 * Opens a fresh client for `url`, runs `step`, and unbinds whatever happened. Aborting the probe
 * unbinds at once, so a stalled server cannot hold it.
 */
export async function withLdapClient<T>(
  url: string,
  implicitTls: boolean,
  deps: Pick<ProbeDeps, "signal" | "limits">,
  step: (client: Client) => Promise<T>,
): Promise<T> {
  if (deps.signal.aborted) throw new Error("LDAP probe aborted");
  // Loaded on first use: a scan without LDAP endpoints never pays for ldapts.
  const { Client } = await import("ldapts");
  if (deps.signal.aborted) throw new Error("LDAP probe aborted");
  const client = new Client({
    url,
    timeout: deps.limits.connectTimeoutMs,
    connectTimeout: deps.limits.connectTimeoutMs,
    // TLS options on an ldap:// client would switch ldapts to implicit TLS: only ldaps gets them.
    ...(implicitTls ? { tlsOptions: { rejectUnauthorized: false } } : {}),
  });
  const onAbort = () => void client.unbind().catch(() => {});
  deps.signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await step(client);
  } finally {
    deps.signal.removeEventListener("abort", onAbort);
    await client.unbind().catch(() => {});
  }
}
