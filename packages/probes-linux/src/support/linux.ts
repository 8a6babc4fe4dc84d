/** What every Linux probe declares about where it runs. */
import type { HostTransportKind } from "@hardcheck/core";

/** The host transports the Linux probes work over. */
export const LINUX_TRANSPORTS: readonly HostTransportKind[] = ["local", "root", "ssh"];
/** The operating systems the Linux probes understand. */
export const LINUX_OS: readonly string[] = ["linux"];
