// Unit tables for the transport helpers; the real servers and file systems are in ../../test.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { knownHostsName, parseKnownHosts, sha256Fingerprint, verifyHostKey } from "./known-hosts.js";
import { openLocalTransport } from "./local.js";
import { openRootTransport } from "./root.js";
import { quotePosixCommand } from "./shell-quote.js";

const scratch = mkdtempSync(join(tmpdir(), "hardcheck-transports-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("quotePosixCommand", () => {
  it.each([
    [["ls", "-l", "/etc"], "ls -l /etc"],
    [["echo", "a b"], "echo 'a b'"],
    [["echo", "it's"], "echo 'it'\\''s'"],
    [["echo", "$HOME", "`id`", "a;b", "*"], "echo '$HOME' '`id`' 'a;b' '*'"],
    [["echo", ""], "echo ''"],
  ])("%j", (argv, expected) => {
    expect(quotePosixCommand(argv)).toBe(expected);
  });

  it("survives a real shell unchanged", () => {
    const argv = ["printf", "%s\\n", "it's", "$(id)", "a\nb", "\\", '"'];
    expect(execFileSync("sh", ["-c", quotePosixCommand(argv)], { encoding: "utf8" })).toBe("it's\n$(id)\na\nb\n\\\n\"\n");
  });
});

describe("known_hosts", () => {
  const key = (name: string) => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(scratch, name)]);
    const [type, base64] = readFileSync(join(scratch, `${name}.pub`), "utf8").split(" ");
    return { type: type as string, base64: base64 as string, blob: Buffer.from(base64 as string, "base64") };
  };
  const good = key("good");
  const other = key("other");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(scratch, "hashed")]);
  // ssh-keygen -H writes the hashed form OpenSSH uses with HashKnownHosts yes.
  writeFileSync(join(scratch, "kh"), `[10.0.0.9]:2222 ${good.type} ${good.base64}\n`);
  execFileSync("ssh-keygen", ["-H", "-f", join(scratch, "kh")], { stdio: "ignore" });
  const hashed = readFileSync(join(scratch, "kh"), "utf8");

  it.each([
    { name: "listed key", text: `host.example ${good.type} ${good.base64}`, host: "host.example", presented: good.blob, verdict: "trusted" },
    { name: "other key listed", text: `host.example ${other.type} ${other.base64}`, host: "host.example", presented: good.blob, verdict: "changed" },
    { name: "host not listed", text: `else.example ${good.type} ${good.base64}`, host: "host.example", presented: good.blob, verdict: "unknown" },
    {
      name: "pattern list and wildcard",
      text: `a.example,*.lab.example ${good.type} ${good.base64}`,
      host: "h1.lab.example",
      presented: good.blob,
      verdict: "trusted",
    },
    {
      name: "negated pattern",
      text: `*.lab.example,!h1.lab.example ${good.type} ${good.base64}`,
      host: "h1.lab.example",
      presented: good.blob,
      verdict: "unknown",
    },
    {
      name: "revoked key",
      text: `@revoked * ${good.type} ${good.base64}\nhost.example ${good.type} ${good.base64}`,
      host: "host.example",
      presented: good.blob,
      verdict: "revoked",
    },
    { name: "hashed entry with port", text: hashed, host: knownHostsName("10.0.0.9", 2222), presented: good.blob, verdict: "trusted" },
    { name: "hashed entry, other port", text: hashed, host: knownHostsName("10.0.0.9", 22), presented: good.blob, verdict: "unknown" },
  ])("$name → $verdict", ({ text, host, presented, verdict }) => {
    expect(verifyHostKey(parseKnownHosts(text), host, presented)).toBe(verdict);
  });

  it("prints fingerprints as ssh-keygen does", () => {
    const printed = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(scratch, "good.pub")], { encoding: "utf8" }).split(" ")[1];
    expect(sha256Fingerprint(good.blob)).toBe(printed);
  });
});

describe("root: transport", () => {
  const root = join(scratch, "image");
  mkdirSync(join(root, "etc/ssh"), { recursive: true });
  mkdirSync(join(root, "usr/lib"), { recursive: true });
  writeFileSync(join(root, "usr/lib/os-release"), "ID=debian\n");
  symlinkSync("../usr/lib/os-release", join(root, "etc/os-release"));
  symlinkSync("/usr/lib/os-release", join(root, "etc/absolute-link"));
  // A link that points at the scanning machine's own /etc/hostname must resolve inside the image.
  symlinkSync("/etc/hostname", join(root, "etc/escape"));
  symlinkSync("loop", join(root, "etc/loop"));

  it("follows relative and absolute symlinks inside the root, never outside it", async () => {
    const transport = await openRootTransport(root);
    expect(await transport.readFile("/etc/os-release")).toBe("ID=debian\n");
    expect(await transport.readFile("/etc/absolute-link")).toBe("ID=debian\n");
    expect(await transport.readFile("/etc/escape")).toBeUndefined();
    expect(await transport.readFile("/etc/../../../etc/os-release")).toBe("ID=debian\n");
    expect(await transport.readFile("/etc/loop")).toBeUndefined();
    expect((await transport.stat("/etc/os-release"))?.type).toBe("symlink");
    expect(await transport.listDir("/etc")).toEqual(["absolute-link", "escape", "loop", "os-release", "ssh"]);
    expect(transport.canExec).toBe(false);
    await expect(transport.exec(["true"])).rejects.toThrow(/cannot run commands/);
  });

  it("refuses a root that is not a directory", async () => {
    await expect(openRootTransport(join(scratch, "missing"))).rejects.toThrow(/HC_ROOT_MISSING/);
  });
});

describe("local: transport", () => {
  it("reads this machine and runs argv without a shell", async () => {
    const transport = openLocalTransport();
    expect(await transport.readFile("/etc/os-release")).toContain("ID=");
    expect(await transport.readFile("/no/such/file")).toBeUndefined();
    expect(await transport.exec(["echo", "$HOME"])).toEqual({ exitCode: 0, stdout: "$HOME\n", stderr: "" });
    expect((await transport.exec(["sh", "-c", "exit 4"])).exitCode).toBe(4);
    expect((await transport.exec(["no-such-program-anywhere"])).exitCode).toBe(127);
    expect(await transport.exec(["cat"], { stdin: "piped" })).toMatchObject({ stdout: "piped" });
    await expect(transport.exec(["sleep", "5"], { timeoutMs: 100 })).rejects.toThrow(/HC_EXEC_TIMEOUT/);
  });
});
