/**
 * XPath-lite: the part of XPath that configuration exports need. Steps separated by `/` (child) or
 * `//` (descendant), a name or `*` per step, predicates `[@attr='value']`, `[@attr]`,
 * `[child='value']` and `[n]` (1-based), and a final `@attr` or `text()`. Anything else is refused
 * with the reason, so a typo never reads as "value absent".
 */

/** One element of a parsed XML document. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text, trimmed. */
  readonly text: string;
}

type Predicate =
  | { readonly kind: "position"; readonly index: number }
  | { readonly kind: "attribute"; readonly name: string; readonly value?: string }
  | { readonly kind: "child"; readonly name: string; readonly value: string };

interface Step {
  readonly axis: "child" | "descendant";
  readonly name: string;
  readonly predicates: readonly Predicate[];
}

interface ParsedPath {
  readonly steps: readonly Step[];
  readonly select: { readonly kind: "text" } | { readonly kind: "attribute"; readonly name: string };
}

const STEP = /^(\*|[A-Za-z_][\w.:-]*)((?:\[[^\]]*\])*)$/;
const PREDICATE = /\[([^\]]*)\]/g;

/** Parses an XPath-lite expression; throws with the reason when it uses more than the subset. */
export function parseXmlPath(path: string): ParsedPath {
  if (!path.startsWith("/")) throw new Error(`XPath-lite path "${path}" must start with / or //`);
  const tokens: Array<{ axis: Step["axis"]; text: string }> = [];
  let rest = path;
  while (rest.length > 0) {
    const axis = rest.startsWith("//") ? "descendant" : "child";
    rest = rest.slice(axis === "descendant" ? 2 : 1);
    const end = nextSlash(rest);
    tokens.push({ axis, text: rest.slice(0, end) });
    rest = rest.slice(end);
  }
  let select: ParsedPath["select"] = { kind: "text" };
  const last = tokens[tokens.length - 1];
  if (last && last.axis === "child" && last.text.startsWith("@")) {
    select = { kind: "attribute", name: last.text.slice(1) };
    tokens.pop();
  } else if (last && last.axis === "child" && last.text === "text()") {
    tokens.pop();
  }
  if (tokens.length === 0) throw new Error(`XPath-lite path "${path}" names no element`);
  const steps = tokens.map(({ axis, text }) => {
    const match = STEP.exec(text);
    if (!match) throw new Error(`XPath-lite step "${text}" in "${path}" is not a name, * or name[predicate]`);
    const predicates: Predicate[] = [];
    for (const [, body] of (match[2] ?? "").matchAll(PREDICATE)) predicates.push(parsePredicate((body ?? "").trim(), path));
    return { axis, name: match[1] as string, predicates };
  });
  return { steps, select };
}

/** Every string the path selects in `root` (a document node whose child is the root element), in document order. */
export function readXmlPath(root: XmlElement, path: string): string[] {
  const { steps, select } = parseXmlPath(path);
  let current: XmlElement[] = [root];
  for (const step of steps) {
    const candidates = current.flatMap((node) => (step.axis === "child" ? node.children : descendants(node)));
    let matched = candidates.filter((element) => step.name === "*" || element.name === step.name);
    for (const predicate of step.predicates) matched = applyPredicate(matched, predicate);
    current = matched;
  }
  if (select.kind === "attribute")
    return current.flatMap((element) => (Object.hasOwn(element.attributes, select.name) ? [element.attributes[select.name] as string] : []));
  return current.map((element) => element.text);
}

function nextSlash(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "[") depth++;
    else if (char === "]") depth--;
    else if (char === "/" && depth === 0) return i;
  }
  return text.length;
}

function parsePredicate(body: string, path: string): Predicate {
  if (/^\d+$/.test(body) && Number(body) >= 1) return { kind: "position", index: Number(body) };
  const attribute = /^@([\w.:-]+)(?:\s*=\s*(['"])(.*)\2)?$/.exec(body);
  if (attribute) return { kind: "attribute", name: attribute[1] as string, ...(attribute[3] !== undefined ? { value: attribute[3] } : {}) };
  const child = /^([A-Za-z_][\w.:-]*)\s*=\s*(['"])(.*)\2$/.exec(body);
  if (child) return { kind: "child", name: child[1] as string, value: child[3] as string };
  throw new Error(`XPath-lite predicate [${body}] in "${path}" is not [n], [@attr], [@attr='v'] or [child='v']`);
}

function applyPredicate(elements: XmlElement[], predicate: Predicate): XmlElement[] {
  switch (predicate.kind) {
    case "position":
      return elements.slice(predicate.index - 1, predicate.index);
    case "attribute":
      return elements.filter(
        (element) =>
          Object.hasOwn(element.attributes, predicate.name) && (predicate.value === undefined || element.attributes[predicate.name] === predicate.value),
      );
    case "child":
      return elements.filter((element) => element.children.some((child) => child.name === predicate.name && child.text === predicate.value));
  }
}

function descendants(node: XmlElement): XmlElement[] {
  return node.children.flatMap((child) => [child, ...descendants(child)]);
}
