/**
 * Packs an unpacked solution into an importable zip, the way SolutionPackager's pack does:
 * customizations.xml assembled from the folders, solution.xml with `<Managed>` set for the kind
 * of package, each component's files where customizations.xml says they are, and
 * `[Content_Types].xml` last, as Dataverse exports write it. Deterministic: the same tree always
 * gives the same bytes.
 */
import type { FileTree } from "../file-tree";
import { serializeXml, withChildren, withChildText, type XmlElement } from "../xml";
import { checkSolution } from "./checks";
import { contentTypesEntry, contentTypesXml } from "./content-types";
import { assembleCustomizations } from "./customizations";
import { readSolutionSource, type DescribePath } from "./source";
import { writeZip } from "../zip";

export interface PackOptions {
  readonly managed: boolean;
  /** How to name a tree path in error messages (where the file came from). */
  readonly describe?: DescribePath;
}

/** solution.xml with `<SolutionManifest><Managed>` set: the only difference between the two zips. */
export function withManaged(solution: XmlElement, managed: boolean): XmlElement {
  return withChildren(
    solution,
    solution.children.map((child) =>
      child.name === "SolutionManifest" ? withChildText(child, "Managed", managed ? "1" : "0") : child,
    ),
  );
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The zip entries of a package, before zipping. */
export function packageEntries(tree: FileTree, options: PackOptions): [string, Buffer][] {
  const source = readSolutionSource(tree, options.describe);
  checkSolution(source);
  const file = (path: string): Buffer => {
    const content = tree.get(path);
    if (content === undefined) throw new Error(`unreachable: ${path} was checked to exist`);
    return content;
  };
  const entries: [string, Buffer][] = [
    ["customizations.xml", Buffer.from(serializeXml(assembleCustomizations(source)), "utf8")],
    ["solution.xml", Buffer.from(serializeXml(withManaged(source.solution, options.managed)), "utf8")],
    ...source.controls.flatMap((control) => control.files.map((path): [string, Buffer] => [path, file(path)])),
    ...source.webResources.map((resource): [string, Buffer] => [resource.zipPath, file(resource.file)]),
    ...source.environmentVariables.map((variable): [string, Buffer] => [variable.file, file(variable.file)]),
  ];
  entries.sort(([a], [b]) => byteOrder(a, b));
  const contentTypes = serializeXml(contentTypesXml(entries.map(([name]) => name)));
  return [...entries, [contentTypesEntry, Buffer.from(contentTypes, "utf8")]];
}

export async function packSolution(tree: FileTree, options: PackOptions): Promise<Buffer> {
  return writeZip(packageEntries(tree, options));
}
