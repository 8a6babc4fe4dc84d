/**
 * `@hardcheck/core/testing` — what a probe author needs to test a probe, as ESLint's `RuleTester`
 * is for rule authors: a {@link ProbeTester} that runs a probe the way a scan would and checks its
 * outcome against its declared facts, a fake host made from files and command outputs
 * ({@link fakeHost}), a fake endpoint that replays a scripted dialogue ({@link startScriptedServer}),
 * and the deps a probe receives, with a pinned clock ({@link testProbeDeps}, {@link PROBE_TEST_NOW}).
 * Only Node built-ins and core itself: nothing to install besides your test runner.
 *
 * @example
 * ```ts
 * import { ProbeTester, startScriptedServer } from "@hardcheck/core/testing";
 *
 * const server = await startScriptedServer([{ send: "SSH-2.0-OpenSSH_9.2\r\n" }]);
 * const facts = await new ProbeTester().facts(bannerProbe, server.endpoint("tcp"));
 * expect(facts["banner.greeting"]).toBe("SSH-2.0-OpenSSH_9.2");
 * await server.close();
 * ```
 *
 * @packageDocumentation
 */
export { checkDeclaredFacts, ProbeContractError } from "./declared-facts.js";
export { type FakeHost, type FakeHostContent, fakeHost } from "./fake-host.js";
export { PROBE_TEST_NOW, type TestProbeDepsOptions, testProbeDeps } from "./probe-deps.js";
export { type EndpointSubject, factsOf, type HostSubject, type ProbeTestCase, ProbeTester, type ProbeTesterOptions } from "./probe-tester.js";
export {
  type ScriptEnd,
  type ScriptedConnection,
  type ScriptedLine,
  type ScriptedServer,
  type ScriptedServerOptions,
  type ScriptStep,
  startScriptedServer,
} from "./scripted-server.js";
export { testEndpoint } from "./test-endpoint.js";
