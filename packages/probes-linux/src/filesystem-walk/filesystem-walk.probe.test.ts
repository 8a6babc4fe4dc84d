import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostTransport, JsonObject } from "@hardcheck/core";
import { SecretResolver, silentLogger } from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf, TEST_NOW } from "../../test/support/probe-test.js";
import { openLocalTransport } from "../transports/local.js";
import { openRootTransport } from "../transports/root.js";
import { filesystemWalkProbe, parseFindRecords } from "./filesystem-walk.probe.js";

describe("filesystem-walk records", () => {
  it("parses find's NUL-separated records; a numeric name means no account has the id", () => {
    const stdout = "f 4755 0 0 root root /usr/bin/su\0d 777 0 0 root root /srv/drop\0f 644 4242 4242 4242 4242 /opt/a file\nwith newline\0";
    expect(parseFindRecords(stdout)).toEqual([
      { type: "f", mode: 0o4755, path: "/usr/bin/su", unownedUser: false, unownedGroup: false },
      { type: "d", mode: 0o777, path: "/srv/drop", unownedUser: false, unownedGroup: false },
      { type: "f", mode: 0o644, path: "/opt/a file\nwith newline", unownedUser: true, unownedGroup: true },
    ]);
  });

  it("an offline walk stops at the findings cap and says so", async () => {
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/srv/f${i}`, "x"]));
    const owners = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/srv/f${i}`, { mode: 0o666 }]));
    const facts = factsOf(
      await collectOnFakeHost(
        filesystemWalkProbe,
        { files: { ...files, "/etc/passwd": "root:x:0:0::/:/bin/sh\n", "/etc/group": "root:x:0:\n" }, owners },
        { maxFindings: 3 },
      ),
    );
    expect(facts["filesystem.worldWritableFiles"]).toHaveLength(3);
    expect(facts["filesystem.walkComplete"]).toBe(false);
    expect(facts["filesystem.walkNote"]).toContain("3 findings");
  });
});

// A real tree on this machine, walked with find (local:) and entry by entry (root:): both must agree.
describe.runIf(process.getuid?.() === 0)("filesystem-walk on a real tree", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "hardcheck-walk-"));
    for (const dir of ["etc", "usr/bin", "srv/drop", "srv/shared", "proc/1"]) await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    await writeFile(join(root, "etc/group"), "root:x:0:\n");
    await writeFile(join(root, "etc/open.conf"), "x");
    await chmod(join(root, "etc/open.conf"), 0o666);
    await writeFile(join(root, "usr/bin/su"), "");
    await chmod(join(root, "usr/bin/su"), 0o4755);
    await writeFile(join(root, "usr/bin/helper"), "");
    await chmod(join(root, "usr/bin/helper"), 0o2755);
    await chmod(join(root, "srv/drop"), 0o777);
    await chmod(join(root, "srv/shared"), 0o1777);
    await writeFile(join(root, "srv/orphan"), "");
    await chown(join(root, "srv/orphan"), 4242, 4242);
    // Pseudo file systems are never entered, even when they hold matches.
    await writeFile(join(root, "proc/1/mem"), "");
    await chmod(join(root, "proc/1/mem"), 0o666);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const deps = (transport: HostTransport) =>
    ({
      transport,
      target: { id: "t", tags: [], endpoints: [] },
      signal: new AbortController().signal,
      limits: { concurrency: 1, perHost: 1, connectTimeoutMs: 1000, probeTimeoutMs: 30_000 },
      clock: { now: () => TEST_NOW },
      scanClock: { now: () => TEST_NOW },
      logger: silentLogger,
      secrets: new SecretResolver(),
    }) as never;

  it("finds world-writable, sticky-less, unowned and set-ID entries the same way over local: and root:", async () => {
    const offline = await openRootTransport(root);
    const viaRoot = factsOf(await filesystemWalkProbe.collect({ spec: `root:${root}`, kind: "root", location: root }, {}, deps(offline)));
    expect(viaRoot).toMatchObject({
      "filesystem.worldWritableFiles": ["/etc/open.conf"],
      "filesystem.worldWritableDirsWithoutSticky": ["/srv/drop"],
      "filesystem.unownedFiles": ["/srv/orphan"],
      "filesystem.setIdPrograms": ["/usr/bin/helper", "/usr/bin/su"],
      "filesystem.setIdDetails": ["/usr/bin/helper (2755)", "/usr/bin/su (4755)"],
      "filesystem.walkComplete": true,
      "filesystem.walkNote": null,
    });
    const local = openLocalTransport();
    const viaFind = factsOf(await filesystemWalkProbe.collect({ spec: "local:", kind: "local", location: "" }, { paths: [root] }, deps(local))) as JsonObject;
    const strip = (paths: unknown) => (paths as string[]).map((path) => path.slice(root.length));
    // Only the host's own /proc is pruned: a directory of that name under a walked path is ordinary.
    expect(strip(viaFind["filesystem.worldWritableFiles"])).toEqual(["/etc/open.conf", "/proc/1/mem"]);
    expect(strip(viaFind["filesystem.setIdPrograms"])).toEqual(viaRoot["filesystem.setIdPrograms"]);
    expect(strip(viaFind["filesystem.worldWritableDirsWithoutSticky"])).toEqual(["/srv/drop"]);
    expect(strip(viaFind["filesystem.unownedFiles"])).toEqual(["/srv/orphan"]);
    expect(viaFind["filesystem.walkComplete"]).toBe(true);
  });

  it("a walk that runs out of time says so and is not complete", async () => {
    const local = openLocalTransport();
    const facts = factsOf(
      await filesystemWalkProbe.collect(
        { spec: "local:", kind: "local", location: "" },
        { paths: ["/usr", "/usr", "/usr", "/usr"], timeLimitSeconds: 0.01 },
        deps(local),
      ),
    );
    expect(facts["filesystem.walkComplete"]).toBe(false);
    expect(facts["filesystem.walkNote"]).toContain("0.01 s");
  });
});
