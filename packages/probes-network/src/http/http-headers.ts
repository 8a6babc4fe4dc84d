/** Readers for the response headers the HTTP probe reports: Strict-Transport-Security, Set-Cookie, WWW-Authenticate. */

/** A Strict-Transport-Security policy as sent (RFC 6797 §6.1). */
export type HstsPolicy = {
  /** max-age in seconds; null when missing or not a number (browsers then ignore the header). */
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
};

/** The attributes of one Set-Cookie that decide how well the cookie is kept (RFC 6265 §4.1, SameSite from RFC 6265bis). */
export type CookieFlags = {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  /** SameSite value in lower case (`strict`, `lax`, `none`), or null when absent. */
  sameSite: string | null;
};

/** Reads the first Strict-Transport-Security header; directive names are case-insensitive. */
export function parseHsts(value: string): HstsPolicy {
  const policy: HstsPolicy = { maxAge: null, includeSubDomains: false, preload: false };
  for (const directive of value.split(";")) {
    const [rawName = "", ...rest] = directive.split("=");
    const name = rawName.trim().toLowerCase();
    const argument = rest
      .join("=")
      .trim()
      .replace(/^"(.*)"$/, "$1");
    if (name === "max-age" && /^\d+$/.test(argument)) policy.maxAge = Number(argument);
    else if (name === "includesubdomains") policy.includeSubDomains = true;
    else if (name === "preload") policy.preload = true;
  }
  return policy;
}

/** Reads one Set-Cookie header's name and security attributes; the value is never kept (it may be a session token). */
export function parseSetCookie(header: string): CookieFlags {
  const [pair = "", ...attributes] = header.split(";");
  const cookie: CookieFlags = { name: pair.split("=")[0]?.trim().slice(0, 128) ?? "", secure: false, httpOnly: false, sameSite: null };
  for (const attribute of attributes) {
    const [rawName = "", ...rest] = attribute.split("=");
    const name = rawName.trim().toLowerCase();
    if (name === "secure") cookie.secure = true;
    else if (name === "httponly") cookie.httpOnly = true;
    else if (name === "samesite") cookie.sameSite = rest.join("=").trim().toLowerCase().slice(0, 16) || null;
  }
  return cookie;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The authentication schemes of WWW-Authenticate header values (RFC 9110 §11.6.1), lower-cased and
 * de-duplicated: a comma starts a new challenge unless what follows is an auth-param (`name=`) or
 * sits inside a quoted string.
 */
export function authSchemes(headerValues: readonly string[]): string[] {
  const schemes: string[] = [];
  for (const value of headerValues) {
    for (const element of splitOutsideQuotes(value)) {
      const trimmed = element.trim();
      const firstWord = trimmed.split(/[\s=]/, 1)[0] ?? "";
      const isParameter = /^[^\s=]+\s*=/.test(trimmed) && !/^[^\s=]+\s+[^\s=]/.test(trimmed);
      if (firstWord.length === 0 || isParameter || !TOKEN.test(firstWord)) continue;
      const scheme = firstWord.toLowerCase();
      if (!schemes.includes(scheme)) schemes.push(scheme);
    }
  }
  return schemes;
}

function splitOutsideQuotes(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index];
    if (quoted && char === "\\") {
      current += value.slice(index, index + 2);
      index += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === "," && !quoted) {
      parts.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}
