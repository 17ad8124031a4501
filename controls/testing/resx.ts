/**
 * Reads a control's .resx strings the way the platform serves them to `context.resources.getString`,
 * so tests render the real English and French text rather than copies of it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";

interface ResxData {
  readonly "@_name": string;
  readonly value?: string | number;
}

export function readResx(file: string): Record<string, string> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === "data",
    parseTagValue: false,
    trimValues: false,
  });
  const document = parser.parse(readFileSync(file, "utf8")) as { root?: { data?: ResxData[] } };
  const strings: Record<string, string> = {};
  for (const entry of document.root?.data ?? []) {
    strings[entry["@_name"]] = String(entry.value ?? "");
  }
  return strings;
}

/** The strings of `controls/<control>/strings/<control>.<lcid>.resx`. */
export function controlStrings(control: string, lcid: 1033 | 1036): Record<string, string> {
  return readResx(path.join(__dirname, "..", control, "strings", `${control}.${lcid}.resx`));
}
