/** Reads `secedit /export` files (.inf): the collector ships the same text in its account-policy section. */

/** True when the text looks like a secedit security template. */
export function looksLikeSeceditExport(text: string): boolean {
  return /^\s*\[(Unicode|System Access|Version)\]/im.test(text.replace(/^\uFEFF/, "")) && /\[System Access\]/i.test(text);
}

/** `[Section]` → key → raw value (quotes removed) of an .inf file. */
export function parseInf(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const rawLine of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const name = (header[1] as string).toLowerCase();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const equals = line.indexOf("=");
    if (!current || equals < 0) continue;
    const value = line.slice(equals + 1).trim();
    current.set(line.slice(0, equals).trim().toLowerCase(), value.replace(/^"(.*)"$/, "$1"));
  }
  return sections;
}
