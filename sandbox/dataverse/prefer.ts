/**
 * The `Prefer` header preferences the Web API honours: `return=representation`,
 * `odata.maxpagesize=<n>`, `odata.include-annotations="<patterns>"` and
 * `odata.continue-on-error` (for `$batch`).
 */
import { badQuery } from "./errors";

export interface Preferences {
  readonly returnRepresentation: boolean;
  readonly maxPageSize: number | undefined;
  /** Annotation patterns (`*`, `OData.Community.Display.V1.FormattedValue`, `Microsoft.Dynamics.CRM.*`, `-x`). */
  readonly includeAnnotations: readonly string[];
  readonly continueOnError: boolean;
}

export function parsePreferences(header: string | undefined): Preferences {
  let returnRepresentation = false;
  let maxPageSize: number | undefined;
  let includeAnnotations: string[] = [];
  let continueOnError = false;
  for (const part of splitPreferences(header ?? "")) {
    const equals = part.indexOf("=");
    const name = (equals === -1 ? part : part.slice(0, equals)).trim().toLowerCase();
    const value =
      equals === -1
        ? ""
        : part
            .slice(equals + 1)
            .trim()
            .replace(/^"|"$/g, "");
    switch (name) {
      case "return":
        returnRepresentation = value === "representation";
        break;
      case "odata.maxpagesize": {
        const size = Number(value);
        if (!Number.isSafeInteger(size) || size <= 0) {
          throw badQuery(`The Prefer header's odata.maxpagesize must be a positive integer; got '${value}'.`);
        }
        maxPageSize = size;
        break;
      }
      case "odata.include-annotations":
        includeAnnotations = value
          .split(",")
          .map((pattern) => pattern.trim())
          .filter((pattern) => pattern !== "");
        break;
      case "odata.continue-on-error":
        continueOnError = true;
        break;
      default:
        break;
    }
  }
  return { returnRepresentation, maxPageSize, includeAnnotations, continueOnError };
}

/** Splits on commas outside double quotes (`odata.include-annotations="a,b",return=representation`). */
function splitPreferences(header: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    if (char === "," && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current.trim() !== "") parts.push(current);
  return parts;
}

/** Whether an annotation term (e.g. `Microsoft.Dynamics.CRM.lookuplogicalname`) was asked for. */
export function wantsAnnotation(patterns: readonly string[], term: string): boolean {
  let wanted = false;
  for (const pattern of patterns) {
    const excluded = pattern.startsWith("-");
    const body = excluded ? pattern.slice(1) : pattern;
    const matches = body === "*" || body === term || (body.endsWith(".*") && term.startsWith(body.slice(0, -1)));
    if (matches) {
      if (excluded) return false;
      wanted = true;
    }
  }
  return wanted;
}

export function preferenceApplied(preferences: Preferences, pageApplied: boolean): string | undefined {
  const applied: string[] = [];
  if (preferences.includeAnnotations.length > 0) {
    applied.push(`odata.include-annotations="${preferences.includeAnnotations.join(",")}"`);
  }
  if (pageApplied && preferences.maxPageSize !== undefined)
    applied.push(`odata.maxpagesize=${preferences.maxPageSize}`);
  if (preferences.returnRepresentation) applied.push("return=representation");
  return applied.length === 0 ? undefined : applied.join(",");
}
