/**
 * XML values by XPath 1.0, with maintained implementations: `@xmldom/xmldom` parses (no external
 * entities are fetched, no DTD entities expanded) and `xpath` evaluates. Selected nodes become their
 * XPath string-value, so an element with mixed content reads as all of its text.
 */
import type * as Xmldom from "@xmldom/xmldom";
import type { Document as XmlDocument } from "@xmldom/xmldom";
import type * as Xpath from "xpath";
import { loadParser } from "./load-parser.js";

export type { XmlDocument };

let libraries: { readonly xmldom: typeof Xmldom; readonly xpath: typeof Xpath } | undefined;

/** The parser and the XPath engine, loaded with the first XML read: most scans read no XML. */
function xml(): { readonly xmldom: typeof Xmldom; readonly xpath: typeof Xpath } {
  libraries ??= { xmldom: loadParser("@xmldom/xmldom") as typeof Xmldom, xpath: loadParser("xpath") as typeof Xpath };
  return libraries;
}

/** Parses an XML document; throws with the parser's reason (and position) when it is not well-formed. */
export function parseXmlDocument(text: string): XmlDocument {
  // Errors stop parsing: a half-read export would make absent values look like settings that are off.
  const { DOMParser, onErrorStopParsing } = xml().xmldom;
  const document = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, "text/xml");
  if (!document.documentElement) throw new Error("no root element");
  return document;
}

/**
 * What the XPath expression selects in `document`: for a node-set, every node's string-value in
 * document order (attribute values, all descendant text of an element); for an expression of
 * another type (`count(//port)`, `string(@a)`, `boolean(//g)`) that one number, string or boolean.
 * Throws with the reason when the expression is not XPath 1.0.
 *
 * @example
 * ```ts
 * readXmlPath(parseXmlDocument("<cfg><svc><port>1</port><port>2</port></svc></cfg>"), "/cfg/svc/port[1]"); // ["1"]
 * ```
 */
export function readXmlPath(document: XmlDocument, expression: string): string[] | string | number | boolean {
  const { xpath } = xml();
  let selected: Xpath.SelectReturnType;
  try {
    selected = xpath.select(expression, document as unknown as Node);
  } catch (error) {
    throw new Error(`XPath expression "${expression}" is not valid XPath 1.0: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (Array.isArray(selected)) return selected.map((node) => stringValue(node));
  if (selected === null || selected === undefined) return [];
  if (typeof selected === "object") return [stringValue(selected)];
  return selected;
}

/** XPath's string-value of a node: an attribute's value, all descendant text of an element. */
function stringValue(node: Node): string {
  return (xml().xpath.isAttribute(node) ? node.value : node.textContent) ?? "";
}

/**
 * True when the expression is written for several matches (`//`, `*`, an explicit axis, a union):
 * its value is then a list, even of one node, so a rule's comparison never changes shape with the
 * data. Any other path gives one value — the first, should the file repeat the element.
 */
export function xmlPathYieldsList(expression: string): boolean {
  return /\/\/|\*|::|\|/.test(expression);
}
