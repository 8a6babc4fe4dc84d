// The setting probe over a real directory on this machine: every format, wildcards, and the errors.
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostSpec } from "../../model/target.js";
import type { JsonObject } from "../../model/values.js";
import type { HostProbeDeps } from "../../plugin/probe.js";
import { createScanCache, SecretResolver, silentLogger, systemClock } from "../../plugin/services.js";
import type { HostTransport } from "../../plugin/transport.js";
import { readSettings, settingProbe } from "./setting.probe.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
let dir = "";

/** A transport that reads real files under `dir`, as a `root:` transport would. */
function directoryTransport(root: string): HostTransport {
  const within = (path: string) => join(root, path);
  return {
    kind: "root",
    canExec: false,
    readFile: async (path) => readFile(within(path), "utf8").catch(() => undefined),
    listDir: async (path) => readdir(within(path)).catch(() => undefined),
    stat: async () => undefined,
    exec: async () => {
      throw new Error("no exec");
    },
    close: async () => {},
  };
}

async function collect(params: JsonObject) {
  const host: HostSpec = { spec: `root:${dir}`, kind: "root", location: dir };
  const deps: HostProbeDeps = {
    target: { id: "t", tags: [], endpoints: [] },
    signal: new AbortController().signal,
    transport: directoryTransport(dir),
    logger: silentLogger,
    clock: systemClock,
    scanClock: systemClock,
    scanCache: createScanCache(),
    trust: { caCertificates: [], useSystemRoots: false },
    secrets: new SecretResolver(dir),
    limits: { connectTimeoutMs: 1000, probeTimeoutMs: 1000 },
  };
  return settingProbe.collect(host, params, deps);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hc-setting-"));
  for (const name of await readdir(fixtures)) if (name.startsWith("osxmp-export")) await copyFile(join(fixtures, name), join(dir, name));
  await writeFile(join(dir, "broken.json"), "{ not json");
  await writeFile(join(dir, "broken.xml"), "<a><b></a>");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("setting probe: one value in every format", () => {
  // Given the same two settings in five formats, when each is read by its format's path syntax,
  // then the values come out typed and equal.
  it.each([
    ["osxmp-export.json", { off: "security.masterPassword.enabled", mode: "security.sip.tlsAuthentication" }],
    ["osxmp-export.yaml", { off: "security.masterPassword.enabled", mode: "security.sip.tlsAuthentication" }],
    ["osxmp-export.ini", { off: "security.masterPassword.enabled", mode: "security.sip.tlsAuthentication" }],
    ["osxmp-export.xml", { off: "/export/security/masterPassword/@enabled", mode: "/export/security/sip/@tlsAuthentication" }],
    ["osxmp-export.properties", { off: "security.masterPassword.enabled", mode: "security.sip.tlsAuthentication" }],
  ])("%s", async (file, keys) => {
    const outcome = await collect({ file: `/${file}`, format: "auto", keys });
    expect(outcome).toEqual({
      facts: {
        "setting.values": { off: false, mode: "FULL" },
        "setting.missing": [],
        "setting.source": { file: `/${file}`, format: file.split(".").pop() },
      },
    });
  });
});

describe("setting probe: paths", () => {
  it("reads numbers typed from INI and XML element text", async () => {
    const ini = await collect({ file: "/osxmp-export.ini", format: "auto", keys: { port: "security.sip.port" } });
    const xml = await collect({
      file: "/osxmp-export.xml",
      format: "auto",
      keys: { port: "/export/security/sip/port", text: "/export/security/sip/port/text()" },
    });
    expect(ini).toMatchObject({ facts: { "setting.values": { port: 5061 } } });
    expect(xml).toMatchObject({ facts: { "setting.values": { port: 5061, text: 5061 } } });
  });

  it("returns every match as a list for wildcard paths, in document order", async () => {
    const json = await collect({ file: "/osxmp-export.json", format: "json", keys: { media: "mlcs.*.sip.mediaEncryption", first: "mlcs.0.name" } });
    const xml = await collect({
      file: "/osxmp-export.xml",
      format: "xml",
      keys: {
        all: "//voiceRecording/@sipTransport",
        floor: "/export/locations/location[@name='floor-2']/voiceRecording/@mediaEncryption",
        second: "/export/locations/*[2]/@name",
      },
    });
    expect(json).toMatchObject({ facts: { "setting.values": { media: ["SRTP", "RTP"], first: "mlc-1" } } });
    expect(xml).toMatchObject({ facts: { "setting.values": { all: ["TLS", "UDP"], floor: "RTP", second: ["floor-2"] } } });
  });

  it("reads properties keys literally, with continued lines joined", async () => {
    const outcome = await collect({
      file: "/osxmp-export.properties",
      format: "properties",
      keys: { url: "ldap.url", auth: "database.remoteUser.authentication" },
    });
    expect(outcome).toMatchObject({ facts: { "setting.values": { url: "ldaps://dir.example:636", auth: "gssapi" } } });
  });

  it("names the keys that match nothing, with null values (and an empty list for a wildcard)", async () => {
    const outcome = await collect({ file: "/osxmp-export.json", format: "json", keys: { gone: "security.nothing.here", none: "nothing.*.x" } });
    expect(outcome).toEqual({
      facts: {
        "setting.values": { gone: null, none: [] },
        "setting.missing": ["gone"],
        "setting.source": { file: "/osxmp-export.json", format: "json" },
      },
    });
  });
});

describe("setting probe: no file, bad files, bad parameters", () => {
  it("is not applicable when the rule names no file", async () => {
    expect(await collect({ file: "", format: "auto", keys: { a: "b" } })).toEqual({
      notApplicable: expect.stringContaining("no product configuration file named"),
    });
  });

  it.each([
    [{ file: "/missing.json", format: "auto", keys: { a: "b" } }, /does not exist on the host/],
    [{ file: "/broken.json", format: "auto", keys: { a: "b" } }, /is not valid json/],
    [{ file: "/broken.xml", format: "auto", keys: { a: "/a/b" } }, /is not valid xml/],
    [{ file: "/osxmp-export.xml", format: "auto", keys: { a: "/export/security/sip[" } }, /is not valid XPath 1.0/],
    [{ file: "/settings.txt", format: "auto", keys: { a: "b" } }, /cannot tell the format/],
    [{ file: "/osxmp-export.json", format: "toml", keys: { a: "b" } }, /format "toml" is not one of/],
    [{ file: "/osxmp-export.json", format: "auto", keys: {} }, /keys must map value names/],
    [{ file: "/osxmp-export.json", format: "auto", keys: { a: 3 } }, /needs a non-empty path string/],
  ])("%o fails with its reason", async (params, reason) => {
    await expect(collect(params as JsonObject)).rejects.toThrow(reason);
  });
});

describe("readSettings and parseXmlPath directly", () => {
  it("keeps YAML dates and nested objects as JSON", () => {
    expect(readSettings("a: { b: [1, 2], c: on }\n", "yaml", { whole: "a" })).toEqual({ whole: { b: [1, 2], c: "on" } });
  });

  it("reads XML by XPath 1.0: positions per parent, last(), mixed content, typed values", () => {
    const xml = "<cfg><svc><port>1</port><port>2</port></svc><svc><port>3</port></svc><note>on <b>and</b> off</note></cfg>";
    expect(
      readSettings(xml, "xml", {
        firstPorts: "//svc/port[1]",
        first: "/cfg/svc/port[1]",
        last: "/cfg/svc[1]/port[last()]",
        note: "/cfg/note",
        count: "count(//port)",
      }),
    ).toEqual({ firstPorts: [1, 3], first: 1, last: 2, note: "on and off", count: 3 });
  });
});
