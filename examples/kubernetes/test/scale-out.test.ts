/**
 * The scale-out examples run as written: the Kubernetes Indexed Job's shard command and the merge
 * Job's command, and the GitHub Actions matrix's scan and merge steps, are taken from the files,
 * rendered for every index, and run here against synthetic loopback targets. The merged document
 * must equal an unsharded scan's, apart from timestamps.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseReport, type ReportDocument } from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const here = resolve(import.meta.dirname, "..");
const cli = resolve(here, "..", "..", "packages", "cli", "dist", "command", "bin.js");
const TARGETS = 12;
/** The GitHub Actions expression each matrix job sees as its shard number. */
const MATRIX_SHARD = ["$", "{{ matrix.shard }}"].join("");

let dir = "";
let config = "";
const servers: Server[] = [];

/** A port that nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hc-scale-out-"));
  const endpoints: string[] = [];
  for (let i = 0; i < TARGETS; i++) {
    if (i % 2 === 0) {
      const server = createServer((socket) => socket.destroy());
      await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
      servers.push(server);
      endpoints.push(`tcp://127.0.0.1:${(server.address() as { port: number }).port}`);
    } else endpoints.push(`tcp://127.0.0.1:${await closedPort()}`);
  }
  writeFileSync(
    join(dir, "site-rules.yaml"),
    [
      "id: scale-site",
      "title: Synthetic estate",
      'version: "1.0.0"',
      "rules:",
      "  - id: SCALE-PORT-CLOSED",
      "    title: The decommissioned service port is closed",
      "    severity: high",
      "    scope: { schemes: [tcp] }",
      "    rationale: A service that was switched off must not answer any more.",
      "    remediation: Stop the service and remove its firewall opening.",
      "    conditions:",
      "      all:",
      "        - { fact: tcp.state, operator: in, value: [closed, filtered] }",
      "",
    ].join("\n"),
  );
  config = join(dir, "hardcheck.yaml");
  writeFileSync(
    config,
    `packs: [./site-rules.yaml]\ntargets:\n${endpoints.map((url, i) => `  - { id: host-${String(i + 1).padStart(2, "0")}, endpoints: [${url}] }`).join("\n")}\n`,
  );
});

afterAll(async () => {
  for (const server of servers) await new Promise((closed) => server.close(closed));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a step's shell text with `npx --yes hardcheck@0` as this checkout's CLI, in `cwd`. */
function runStep(script: string, cwd: string, env: Record<string, string> = {}): number {
  const local = script.replace(/npx --yes hardcheck@0\b/g, `"${process.execPath}" "${cli}"`);
  try {
    execFileSync("/bin/sh", ["-c", local], { cwd, env: { ...process.env, ...env }, stdio: "pipe" });
    return 0;
  } catch (error) {
    const status = (error as { status?: number }).status ?? -1;
    if (status !== 1) throw new Error(`step failed (exit ${status}): ${local}\n${(error as { stderr?: Buffer }).stderr?.toString() ?? ""}`);
    return status;
  }
}

const readReport = (path: string) => parseReport(JSON.parse(readFileSync(path, "utf8")), "hardcheck.json");
const withoutTimes = (report: ReportDocument) => ({ ...report, startedAt: "", finishedAt: "", evaluatedAt: "" });

/** The same scan in one piece, with the config named as the shards named it (reports record the path). */
function unsharded(cwd: string, configArg: string): ReportDocument {
  const out = join(cwd, "whole");
  runStep(`npx --yes hardcheck@0 scan --config "${configArg}" --out "${out}" --format json --stdout none --fail-on none`, cwd);
  return readReport(join(out, "hardcheck.json"));
}

describe("scale-out examples", () => {
  it("Kubernetes: the Indexed Job's shards and the merge Job give the unsharded report", () => {
    type Container = { command: string[]; env?: Array<{ name: string; value: string }> };
    type Job = { kind: string; metadata: { name: string }; spec: Record<string, unknown> & { template: { spec: { containers: Container[] } } } };
    const load = (file: string) => parseAllDocuments(readFileSync(join(here, file), "utf8")).map((document) => document.toJS() as Job);
    const shardJob = load("hardcheck-sharded.yaml").find((document) => document.kind === "Job") as Job;
    const mergeJob = load("hardcheck-merge.yaml").find((document) => document.kind === "Job") as Job;

    expect(shardJob.spec.completionMode).toBe("Indexed");
    const container = shardJob.spec.template.spec.containers[0] as Container;
    const shards = Number(container.env?.find((variable) => variable.name === "SHARDS")?.value);
    expect(shardJob.spec.completions).toBe(shards);
    expect(shardJob.spec.parallelism).toBe(shards);
    expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);

    // The pod's mounts, here: the ConfigMap at /config and the shared volume at /reports.
    const reports = join(dir, "k8s-reports");
    mkdirSync(reports, { recursive: true });
    const local = (script: string) => script.replaceAll("/config/hardcheck.yaml", config).replaceAll("/reports/", `${reports}/`);
    // Each container's own environment (NODE_OPTIONS among it), as the pod would have it.
    const envOf = (of: Container) => Object.fromEntries((of.env ?? []).map((variable) => [variable.name, variable.value]));
    for (let index = 0; index < shards; index++) {
      expect(runStep(local(container.command[2] as string), dir, { ...envOf(container), JOB_COMPLETION_INDEX: String(index) })).toBe(0);
    }
    const shardReports = Array.from({ length: shards }, (_, index) => readReport(join(reports, `shard-${index}`, "hardcheck.json")));
    expect(shardReports.map((report) => report.shard)).toEqual(Array.from({ length: shards }, (_, index) => `${index + 1}/${shards}`));
    expect(shardReports.flatMap((report) => report.targets.map((target) => target.id)).sort()).toHaveLength(TARGETS);

    const merge = mergeJob.spec.template.spec.containers[0] as Container;
    expect(envOf(merge).NODE_OPTIONS).toBe("--max-semi-space-size=4");
    expect(runStep(local(merge.command[2] as string), dir, envOf(merge))).toBe(0);
    const merged = readReport(join(reports, "merged", "hardcheck.json"));
    const whole = unsharded(dir, config);
    expect(whole.summary).toEqual({ pass: TARGETS / 2, fail: TARGETS / 2, error: 0, manual: 0, waived: 0, notApplicable: 0 });
    expect(withoutTimes(merged)).toEqual(withoutTimes(whole));
  });

  it("GitHub Actions: the matrix's shard steps and the merge step give the unsharded report and gate on it", () => {
    type Step = { name?: string; run?: string; uses?: string; with?: Record<string, string> };
    const workflow = parseAllDocuments(readFileSync(resolve(here, "..", "ci", "github-actions-sharded.yml"), "utf8"))[0]?.toJS() as {
      jobs: { scan: { strategy: { matrix: { shard: number[] } }; steps: Step[] }; merge: { needs: string; steps: Step[] } };
    };
    const matrix = workflow.jobs.scan.strategy.matrix.shard;
    const scanStep = workflow.jobs.scan.steps.find((step) => step.run?.includes(" scan ")) as Step;
    const upload = workflow.jobs.scan.steps.find((step) => step.uses?.startsWith("actions/upload-artifact")) as Step;
    const download = workflow.jobs.merge.steps.find((step) => step.uses?.startsWith("actions/download-artifact")) as Step;
    const mergeStep = workflow.jobs.merge.steps.find((step) => step.run?.includes(" merge ")) as Step;
    expect(workflow.jobs.merge.needs).toBe("scan");
    expect(scanStep.run).toContain(`--shard ${MATRIX_SHARD}/${matrix.length}`);

    // Each matrix job in its own checkout; download-artifact puts each artifact in a folder of its name.
    const runner = join(dir, "gha");
    for (const shard of matrix) {
      const job = join(runner, `job-${shard}`);
      mkdirSync(job, { recursive: true });
      for (const file of ["hardcheck.yaml", "site-rules.yaml"]) writeFileSync(join(job, file), readFileSync(join(dir, file)));
      const render = (text: string) => text.replaceAll(MATRIX_SHARD, String(shard));
      expect(runStep(render(scanStep.run as string), job)).toBe(0);
      const artifact = join(runner, "merge", download.with?.path ?? "", render(upload.with?.name ?? ""));
      mkdirSync(artifact, { recursive: true });
      writeFileSync(join(artifact, "hardcheck.json"), readFileSync(join(job, render(upload.with?.path ?? ""))));
    }
    expect(download.with?.pattern).toBe("hardcheck-shard-*");
    // Half the synthetic ports are open: the merged report has high findings, so the gate fails the job.
    expect(runStep(mergeStep.run as string, join(runner, "merge"))).toBe(1);
    const merged = readReport(join(runner, "merge", "hardcheck-out", "hardcheck.json"));
    expect(withoutTimes(merged)).toEqual(withoutTimes(unsharded(join(runner, "job-1"), "hardcheck.yaml")));
  });
});
