// XPath over configuration exports, each case checked against libxml2's own XPath (xmllint) as the reference.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseXmlDocument, readXmlPath, xmlPathYieldsList } from "./xml-path.js";

const run = promisify(execFile);

const XML = `<?xml version="1.0"?>
<cfg>
  <svc name="a"><port>1</port><port>2</port></svc>
  <svc name="b"><port>3</port><port>4</port></svc>
  <g><k>x</k><g><k>y</k></g></g>
  <note>before <b>bold</b> after</note>
  <empty/>
</cfg>
`;

let dir = "";
let file = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hc-xpath-"));
  file = join(dir, "cfg.xml");
  await writeFile(file, XML);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** libxml2's answer: every selected node's string-value, or the value of a non-node-set expression. */
async function xmllint(expression: string, nodeSet: boolean): Promise<string[]> {
  const query = async (xpathExpression: string) => {
    const { stdout } = await run("xmllint", ["--xpath", xpathExpression, file], { timeout: 10_000 });
    return stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout;
  };
  if (!nodeSet) return [await query(`string(${expression})`)];
  const count = Number(await query(`count(${expression})`));
  const values: string[] = [];
  for (let i = 1; i <= count; i++) values.push(await query(`string((${expression})[${i}])`));
  return values;
}

describe("readXmlPath agrees with libxml2", () => {
  it.each([
    // The first port of each svc, not the first port overall.
    { expression: "/cfg/svc/port[1]", values: ["1", "3"] },
    { expression: "//port[2]", values: ["2", "4"] },
    { expression: "(//port)[2]", values: ["2"] },
    // Each k once, though two g ancestors lead to y.
    { expression: "//g//k", values: ["x", "y"] },
    // Mixed content: the element's string-value keeps all its text.
    { expression: "/cfg/note", values: ["before bold after"] },
    { expression: "/cfg/note/text()", values: ["before ", " after"] },
    { expression: "//svc[@name='b']/port[last()]", values: ["4"] },
    { expression: "/cfg/svc[port='3']/@name", values: ["b"] },
    { expression: "/cfg/empty", values: [""] },
    { expression: "/cfg/missing", values: [] },
  ])("$expression → $values", async ({ expression, values }) => {
    expect(readXmlPath(parseXmlDocument(XML), expression)).toEqual(values);
    expect(await xmllint(expression, true)).toEqual(values);
  });

  it.each([
    { expression: "count(//port)", value: 4, reference: "4" },
    { expression: "string(/cfg/svc[2]/@name)", value: "b", reference: "b" },
    { expression: "boolean(//g/g)", value: true, reference: "true" },
  ])("$expression → $value", async ({ expression, value, reference }) => {
    expect(readXmlPath(parseXmlDocument(XML), expression)).toEqual(value);
    expect(await xmllint(expression, false)).toEqual([reference]);
  });

  it("says why an expression is not XPath, and why a document is not XML", () => {
    expect(() => readXmlPath(parseXmlDocument(XML), "/cfg/svc[")).toThrow(/XPath expression "\/cfg\/svc\[" is not valid XPath 1.0/);
    expect(() => parseXmlDocument("<a><b></a>")).toThrow(/b|a/);
    expect(() => parseXmlDocument("")).toThrow();
  });

  it("refuses entities declared in the document instead of expanding them", () => {
    expect(() => parseXmlDocument('<!DOCTYPE a [<!ENTITY x "expanded">]><a>&x;</a>')).toThrow(/entity not found:&x;/);
    expect(() => parseXmlDocument('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')).toThrow(/entity not found:&x;/);
  });

  it.each([
    ["/cfg/svc/port[1]", false],
    ["//port | /cfg/g", true],
    ["/cfg/descendant::k", true],
    ["//port", true],
    ["/cfg/*", true],
    ["/cfg/svc[@name='a']/port[1]", false],
    ["/cfg/svc/@name", false],
  ])("%s yields a list: %s", (expression, multi) => {
    expect(xmlPathYieldsList(expression)).toBe(multi);
  });
});
