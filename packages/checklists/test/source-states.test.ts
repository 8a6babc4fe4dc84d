// Every multi-source rule of the bundled packs, with each of its sources in each of four states (pass,
// fail, not checked, verified absent), scanned by the real engine: the item never passes while a
// source that applies to the target was not checked. Each source's conditions are replaced by one
// condition on a stand-in fact of its kind, so the table exercises the rule's own sources, scope and
// prompt, and the engine's folding — not the facts, which the probe and pack tests cover.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  configFromObject,
  defineProbe,
  defineTransport,
  type EndpointProbe,
  fixedClock,
  Hardcheck,
  type HostProbe,
  type HostSpec,
  type JsonObject,
  loadPackFile,
  notApplicable,
  type Rule,
  type SourceName,
  verifiedAbsent,
} from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledPackFile, bundledPackIds } from "../src/index.js";

type State = "pass" | "fail" | "unchecked" | "absent";
const STATES: readonly State[] = ["pass", "fail", "unchecked", "absent"];

const factOf = (source: SourceName) => `standin.${source.replace("-", "")}`;
/** The state each source is in on a target, written into its host spec and endpoint names. */
const stateIn = (location: string, source: SourceName): State => (new RegExp(`(?:^|/)${source}=(\\w+)`).exec(location)?.[1] as State) ?? "unchecked";

function outcomeFor(state: State, source: SourceName) {
  if (state === "unchecked") return notApplicable(`the ${source} evidence cannot be read here`);
  if (state === "absent") return verifiedAbsent(`the ${source} subject is verified absent`);
  return { facts: { [factOf(source)]: state } };
}

const HOST_SOURCES: ReadonlyArray<{ source: SourceName; os?: string[] }> = [
  { source: "windows", os: ["windows"] },
  { source: "linux", os: ["linux"] },
  { source: "linux-live", os: ["linux"] },
  { source: "config" },
];
const hostProbes: HostProbe[] = HOST_SOURCES.map(({ source, os }) =>
  defineProbe<HostProbe>({
    meta: {
      id: `standin-${source}`,
      description: `stands in for the ${source} evidence`,
      transports: ["root"],
      ...(os ? { os } : {}),
      facts: [{ name: factOf(source), description: "pass or fail" }],
    },
    async collect(host: HostSpec) {
      return outcomeFor(stateIn(host.location, source), source);
    },
  }),
);
const SCHEMES = ["tls", "https", "http", "mssql", "ldap", "ldaps", "smtp", "smtps", "snmp", "rdp", "sips", "sip", "tcp"];
/** Client endpoints: a canary's listener, one scheme per protocol (the client-canary probe's). */
const CLIENT_SCHEMES = ["client-smtp", "client-smtps", "client-ldap", "client-ldaps", "client-https", "client-tds", "client-sips"];
const endpointProbes: EndpointProbe[] = (["network", "client"] as const).map((source) =>
  defineProbe<EndpointProbe>({
    meta: {
      id: `standin-${source}`,
      description: `stands in for the ${source} evidence`,
      schemes: source === "client" ? CLIENT_SCHEMES : SCHEMES,
      facts: [{ name: factOf(source), description: "pass or fail" }],
    },
    async collect(endpoint) {
      return outcomeFor(endpoint.host.split(".")[0] as State, source);
    },
  }),
);
const rootTransport = defineTransport({
  kind: "root",
  description: "nothing behind it",
  open: async () => ({
    kind: "root",
    canExec: false,
    readFile: async () => undefined,
    listDir: async () => undefined,
    stat: async () => undefined,
    exec: () => Promise.reject(new Error("no exec")),
    close: async () => {},
  }),
});

/** The verdict the checklist catalog defines for these source states. */
function expectedStatus(states: ReadonlyArray<{ source: SourceName; state: State }>, os: string): string {
  const applies = (source: SourceName) => !(source === "windows" && os !== "windows") && !((source === "linux" || source === "linux-live") && os !== "linux");
  const effective = states.map(({ source, state }) => (applies(source) ? state : "absent"));
  if (effective.includes("fail")) return "fail";
  if (effective.includes("unchecked")) return "manual";
  if (effective.includes("pass")) return "pass";
  return "not-applicable";
}

function combinations(length: number): State[][] {
  if (length === 0) return [[]];
  return combinations(length - 1).flatMap((rest) => STATES.map((state) => [state, ...rest]));
}

const multiSource: Rule[] = [];
for (const id of bundledPackIds) for (const rule of (await loadPackFile(bundledPackFile(id))).pack.rules) if (rule.sources) multiSource.push(rule);

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-source-states-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("multi-source rules in four source states", () => {
  it("covers every multi-source rule of the bundled packs", () => {
    expect(multiSource.map((rule) => rule.id).sort()).toEqual([
      "CL-CLEAN-DEPLOYMENT",
      "CL-CSTA-TLS",
      "CL-EWS1",
      "CL-LDAP1",
      "CL-OSC-SERVER1",
      "CL-OSC-TLS12",
      "CL-PW-POLICY",
      "CL-PWD1",
      "CL-SIP-CERTCHECK",
      "CL-SIP-TLS",
      "CL-SMTP1",
      "CL-SQLDB-CONN1",
      "CL-WEAK-CIPHERS",
      "CL-WINDOWS-NLA4RDP",
      "CL-WINDOWS-TLS-CIPHERS",
    ]);
  });

  it.each(multiSource.map((rule) => [rule.id, rule] as const))("%s never passes while a source that applies was not checked", async (_id, rule) => {
    const sources = (rule.sources ?? []).map((source) => source.name);
    const standIn: JsonObject = {
      id: rule.id,
      title: rule.title,
      severity: rule.severity,
      rationale: rule.rationale,
      remediation: rule.remediation,
      scope: rule.scope as JsonObject,
      ...(rule.prompt ? { prompt: rule.prompt } : {}),
      sources: sources.map((name) => ({ name, conditions: { all: [{ fact: factOf(name), operator: "equal", value: "pass" }] } })),
    };
    const packFile = join(workDir, `${rule.id}.json`);
    await writeFile(packFile, JSON.stringify({ id: `standin-${rule.id.toLowerCase()}`, title: "stand-in", version: "1", rules: [standIn] }));
    const scheme = rule.scope.schemes?.find((name) => !name.startsWith("client-")) ?? "tls";
    const clientScheme = rule.scope.schemes?.find((name) => name.startsWith("client-")) ?? "client-https";
    const cases = (rule.scope.os ?? ["windows", "linux"]).flatMap((os) =>
      combinations(sources.length).map((states) => ({ os, states: sources.map((source, i) => ({ source, state: states[i] as State })) })),
    );
    const targets = cases.map(({ os, states }, index) => {
      const network = states.find((entry) => entry.source === "network")?.state;
      const client = states.find((entry) => entry.source === "client")?.state;
      return {
        id: `case-${index}`,
        os,
        tags: rule.scope.targetTags ?? [],
        host: `root:/${states.map(({ source, state }) => `${source}=${state}`).join("/")}`,
        // A network source left unchecked is a target that lists no endpoint of that kind.
        // A client source left unchecked is a target no canary recorded.
        endpoints: [
          ...(network && network !== "unchecked" ? [{ url: `${scheme}://${network}.test:1`, tags: rule.scope.tags ?? [] }] : []),
          ...(client && client !== "unchecked" ? [{ url: `${clientScheme}://${client}.test:1`, tags: rule.scope.tags ?? [] }] : []),
        ],
      };
    });
    const hardcheck = await Hardcheck.create({
      plugins: [
        (context) => {
          for (const probe of [...hostProbes, ...endpointProbes]) context.registerProbe(probe);
          for (const name of CLIENT_SCHEMES) context.registerScheme({ name, defaultPort: -1 });
          context.registerTransport(rootTransport);
        },
      ],
    });
    const report = await hardcheck.scan(configFromObject({ packs: [packFile], targets }, { baseDir: workDir }), { clock: fixedClock("2026-06-01T00:00:00Z") });
    const table = cases.map(({ os, states }, index) => {
      const result = report.results.find((candidate) => candidate.target === `case-${index}`);
      return { os, states: states.map(({ source, state }) => `${source}=${state}`).join(" "), status: result?.status, message: result?.message ?? "" };
    });
    for (const [index, row] of table.entries()) {
      const expected = expectedStatus(cases[index]?.states ?? [], row.os);
      expect(`${row.os} ${row.states} → ${row.status}`).toBe(`${row.os} ${row.states} → ${expected}`);
      if (row.status === "manual") expect(row.message, row.states).toMatch(/not checked: /);
    }
    // The property the table is for, stated on its own.
    const unsafe = table.filter(
      (row, index) =>
        row.status === "pass" &&
        (cases[index]?.states ?? []).some(({ source, state }) => state === "unchecked" && expectedStatus([{ source, state }], row.os) === "manual"),
    );
    expect(unsafe).toEqual([]);
  });
});
