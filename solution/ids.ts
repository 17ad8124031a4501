/**
 * Stable component ids. Every id the solution ships (forms, steps, service endpoints, web
 * resources, the ids inside form XML) is a name-based UUID (RFC 9562 §5.5, version 5: SHA-1 of a
 * namespace and a name), so regenerating the source never changes an id and an upgrade updates
 * the same components instead of adding new ones.
 */
import { createHash } from "node:crypto";

/** Our namespace: the version 5 UUID of "FieldServiceScmIntegration" under the RFC's URL namespace. */
const rfcUrlNamespace = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
const solutionNamespace = nameBasedUuid(rfcUrlNamespace, "urn:fsi:FieldServiceScmIntegration");

export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of a component, from its kind and the parts of its name: `stableId("form", "msdyn_warehouse", "main")`. */
export function stableId(kind: string, ...nameParts: readonly string[]): string {
  return nameBasedUuid(solutionNamespace, [kind, ...nameParts].join("/"));
}

/** `{lower-case-guid}`, the form Dataverse solution files write ids in. */
export function braced(id: string): string {
  return `{${id.toLowerCase()}}`;
}

const guidPattern = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/** The bare lower-case guid of `{GUID}` or `guid`; undefined when the text is not a guid. */
export function unbraced(text: string): string | undefined {
  return guidPattern.exec(text.trim())?.[1]?.toLowerCase();
}
