/**
 * `[Content_Types].xml` (Open Packaging Conventions): a solution zip must declare a content type
 * for every part. Dataverse exports declare every part `application/octet-stream`, by extension
 * (`Default`) or, for the extension-less web resource files, by part name (`Override`).
 */
import { el, type XmlElement } from "../xml";

export const contentTypesEntry = "[Content_Types].xml";
const packageContentType = "application/octet-stream";
const contentTypesNamespace = "http://schemas.openxmlformats.org/package/2006/content-types";

/** The extension of a zip entry's last segment, lower-case; undefined when it has none. */
export function extensionOf(entry: string): string | undefined {
  const name = entry.slice(entry.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : undefined;
}

export function contentTypesXml(entries: readonly string[]): XmlElement {
  const extensions = [...new Set(["xml", ...entries.flatMap((entry) => extensionOf(entry) ?? [])])].sort();
  const extensionless = entries.filter((entry) => extensionOf(entry) === undefined).sort();
  return el("Types", { xmlns: contentTypesNamespace }, [
    ...extensions.map((extension) => el("Default", { Extension: extension, ContentType: packageContentType })),
    ...extensionless.map((entry) => el("Override", { PartName: `/${entry}`, ContentType: packageContentType })),
  ]);
}
