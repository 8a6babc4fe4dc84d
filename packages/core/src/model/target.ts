/** What is scanned: targets, their network endpoints and host transports. */
import type { JsonValue, SourceLocation } from "./values.js";

/**
 * Facts about an endpoint that were recorded elsewhere instead of probed by the scan, such as what a
 * canary listener saw when the target connected to it as a client. The probe that serves the
 * endpoint's scheme reads them; reports name the endpoint by its URL only.
 */
export interface RecordedEvidence {
  /** Where the facts were read, e.g. `client-evidence.json sessions[0]`. */
  readonly from: string;
  readonly facts: Readonly<Record<string, JsonValue>>;
}

/** A network endpoint to scan, parsed from a URL such as `smtp://mail.example:25`. */
export interface Endpoint {
  /** The URL as normalised by hardcheck (lower-case scheme and host, explicit port). */
  readonly url: string;
  /** URL scheme without the colon: `tls`, `https`, `smtp`, … */
  readonly scheme: string;
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** TCP/UDP port (the scheme's default when the URL has none). */
  readonly port: number;
  /** Path part of the URL, `/` when absent. */
  readonly path: string;
  /** Free-form labels used by rule scopes. */
  readonly tags: readonly string[];
  /** TLS server name to send (SNI), when it differs from `host`. */
  readonly servername?: string;
  /** Facts recorded for this endpoint elsewhere (a scan's `recordedEndpoints`), read instead of probing. */
  readonly recorded?: RecordedEvidence;
}

/** Kinds of host transport a target may name. */
export type HostTransportKind = "local" | "root" | "ssh" | "evidence";

/** How to reach a target's operating system (probes-linux and probes-windows use it). */
export interface HostSpec {
  /** The spec as written, e.g. `ssh://admin@10.0.0.5` or `root:/mnt/image`. */
  readonly spec: string;
  readonly kind: HostTransportKind;
  /** Path for `root:` and `evidence:`; host name for `ssh:`. */
  readonly location: string;
  readonly user?: string;
  readonly port?: number;
}

/** How an `ssh://` host is authenticated and verified (the target's `ssh:` config block). */
export interface SshOptions {
  /** Absolute path of the private key; absent means the SSH agent (`SSH_AUTH_SOCK`). */
  readonly identityFile?: string;
  /** Secret reference (`env:NAME`, `file:/path`) to the key's passphrase. */
  readonly passphrase?: string;
  /** Absolute path of the known_hosts file (default `~/.ssh/known_hosts`). */
  readonly knownHosts?: string;
  /** Refuse unknown host keys (default true); a changed key is always refused. */
  readonly strictHostKeyChecking?: boolean;
  /** Privileged commands and reads go through `sudo -n`. */
  readonly sudo?: boolean;
  /** Channels open at once on the one connection (default 4). */
  readonly maxChannels?: number;
  readonly connectTimeoutMs?: number;
}

/** One system under assessment: a host and/or some network endpoints. */
export interface Target {
  readonly id: string;
  readonly host?: HostSpec;
  /** SSH settings for an `ssh://` host. */
  readonly ssh?: SshOptions;
  /** Secret references (`env:NAME`, `file:/path`) by credential name, for authenticated endpoint checks; resolve with `deps.secrets.resolve`. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Whether probes may try a pack's vendor default credentials (one try per account per scan). */
  readonly allowCredentialTries?: boolean;
  /**
   * For an offline copy (`root:` image, `evidence:` export without a recorded time): when it was
   * taken (ISO-8601). Its host facts are judged as of this time instead of the scan's.
   */
  readonly asOf?: string;
  readonly os?: string;
  readonly tags: readonly string[];
  readonly endpoints: readonly Endpoint[];
  /** Where the config defines the target, so findings can point into the user's repository. */
  readonly source?: SourceLocation;
  /** The config line of each endpoint, by URL. */
  readonly endpointLines?: Readonly<Record<string, number>>;
}
