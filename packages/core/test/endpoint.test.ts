import { describe, expect, it } from "vitest";
import { HardcheckError } from "../src/errors.js";
import { parseEndpoint, parseHostSpec } from "../src/model/endpoint.js";

describe("parseEndpoint", () => {
  it.each([
    ["tls://127.0.0.1:8443", { scheme: "tls", host: "127.0.0.1", port: 8443, url: "tls://127.0.0.1:8443" }],
    ["https://Portal.Example", { scheme: "https", host: "portal.example", port: 443, url: "https://portal.example:443" }],
    ["smtp://mail.example", { scheme: "smtp", host: "mail.example", port: 25 }],
    ["smtps://mail.example", { port: 465 }],
    ["ldap://dc1", { port: 389 }],
    ["ldaps://dc1", { port: 636 }],
    ["mssql://db:1433", { port: 1433 }],
    ["snmp://switch", { port: 161 }],
    ["rdp://jump", { port: 3389 }],
    ["sips://pbx", { port: 5061 }],
    ["sip://pbx", { port: 5060 }],
    ["http://web:8080/app", { port: 8080, path: "/app", url: "http://web:8080/app" }],
    ["tls://[::1]:8443", { host: "::1", port: 8443, url: "tls://[::1]:8443" }],
    ["TLS://host:80", { scheme: "tls", port: 80 }],
  ])("%s", (raw, expected) => {
    expect(parseEndpoint(raw)).toMatchObject(expected);
  });

  it.each([
    ["smtp//mail", /not a URL — expected e\.g\. smtp:\/\/mail\.example:25/],
    ["gopher://old", /unknown scheme "gopher" — expected one of .*smtp/],
    ["tcp://host", /needs a port — expected e\.g\. tcp:\/\/host:8080/],
    ["tls://host:70000", /not a URL|outside 1-65535/],
    ["ldap://admin:secret@dc1", /must not carry credentials/],
    ["", /not a URL/],
  ])("refuses %j", (raw, message) => {
    expect(() => parseEndpoint(raw)).toThrow(HardcheckError);
    expect(() => parseEndpoint(raw)).toThrow(message);
  });

  it("never echoes a password it refuses", () => {
    expect(() => parseHostSpec("ssh://root:hunter2@host")).toThrow(/must not carry a password/);
    try {
      parseHostSpec("ssh://root:hunter2@host");
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("hunter2");
    }
  });
});

describe("parseHostSpec", () => {
  it.each([
    ["local:", { kind: "local" }],
    ["root:/mnt/image", { kind: "root", location: "/mnt/image" }],
    ["evidence:./host.json", { kind: "evidence", location: "./host.json" }],
    ["ssh://admin@10.0.0.5:2222", { kind: "ssh", location: "10.0.0.5", user: "admin", port: 2222 }],
    ["ssh://admin@host", { kind: "ssh", port: 22 }],
  ])("%s", (raw, expected) => {
    expect(parseHostSpec(raw)).toMatchObject(expected);
  });

  it.each([["ssh://host"], ["winrm://host"], ["root:"]])("refuses %j", (raw) => {
    expect(() => parseHostSpec(raw)).toThrow(HardcheckError);
  });
});
