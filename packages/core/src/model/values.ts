/** Plain data shared by every part of the model: JSON values and places in files. */

/** Any value that survives a JSON round trip. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Where a rule was defined, for reports that link back to it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}
