import type { InjectionToken } from "tsyringe";
import type { PackSource } from "../config/pack.js";
import type { EndpointScheme } from "../model/endpoint.js";
import type { Probe } from "./probe.js";
import type { Reporter } from "./reporter.js";
import type { TransportProvider } from "./transport.js";

/** Injection token under which every probe is registered (by value). */
export const PROBE: InjectionToken<Probe> = Symbol.for("hardcheck.probe");
/** Injection token under which every reporter is registered (by value). */
export const REPORTER: InjectionToken<Reporter> = Symbol.for("hardcheck.reporter");
/** Injection token under which every bundled or plugin-provided pack is registered. */
export const PACK_SOURCE: InjectionToken<PackSource> = Symbol.for("hardcheck.pack-source");
/** Injection token under which every endpoint URL scheme (built-in or a plugin's) is registered. */
export const ENDPOINT_SCHEME: InjectionToken<EndpointScheme> = Symbol.for("hardcheck.endpoint-scheme");
/** Injection token under which every host transport provider is registered (by value). */
export const TRANSPORT: InjectionToken<TransportProvider> = Symbol.for("hardcheck.transport");
