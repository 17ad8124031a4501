/**
 * Unpacks a solution zip into SolutionPackager's layout: the inverse of `packSolution`, so
 * `pack(unpack(zip))` gives the zip's bytes back. It reads only what the packer writes; anything
 * else in the zip is reported rather than dropped.
 */
import { ProblemList, fail } from "../errors";
import { byPath, type FileTree } from "../file-tree";
import { braced, unbraced } from "../ids";
import { contentTypesEntry, extensionOf } from "../pack/content-types";
import { splitCustomizations } from "../pack/customizations";
import { customizationsFile, relationshipsFile, solutionFile } from "../pack/source";
import {
  attribute,
  childElement,
  childElements,
  childText,
  el,
  parseXml,
  serializeXml,
  withAttribute,
  withChildren,
  xsiNamespace,
  type XmlElement,
} from "../xml";
import { readZip } from "../zip";

function asFile(root: XmlElement): Buffer {
  return Buffer.from(serializeXml(withAttribute(root, "xmlns:xsi", xsiNamespace)), "utf8");
}

function checkContentTypes(entries: ReadonlyMap<string, Buffer>, zipName: string, problems: ProblemList): void {
  const content = entries.get(contentTypesEntry);
  if (content === undefined) {
    problems.add("INVALID_PACKAGE", zipName, `has no ${contentTypesEntry}`);
    return;
  }
  const types = parseXml(content.toString("utf8"), `${zipName}/${contentTypesEntry}`);
  const extensions = new Set(
    childElements(types, "Default").map((entry) => (attribute(entry, "Extension") ?? "").toLowerCase()),
  );
  const parts = new Set(childElements(types, "Override").map((entry) => attribute(entry, "PartName") ?? ""));
  for (const entry of entries.keys()) {
    if (entry === contentTypesEntry) continue;
    const extension = extensionOf(entry);
    if (!(extension !== undefined && extensions.has(extension)) && !parts.has(`/${entry}`)) {
      problems.add("INVALID_PACKAGE", `${zipName}/${contentTypesEntry}`, `declares no content type for ${entry}`);
    }
  }
}

export async function unpackSolution(zip: Buffer, zipName = "solution zip"): Promise<FileTree> {
  const entries = await readZip(zip, zipName);
  const problems = new ProblemList();
  const consumed = new Set<string>([contentTypesEntry]);
  const take = (entry: string): Buffer | undefined => {
    consumed.add(entry);
    const content = entries.get(entry);
    if (content === undefined) problems.add("INVALID_PACKAGE", zipName, `has no ${entry}`);
    return content;
  };
  checkContentTypes(entries, zipName, problems);

  const files: [string, Buffer][] = [];
  const solutionXml = take("solution.xml");
  const customizationsXml = take("customizations.xml");
  if (solutionXml === undefined || customizationsXml === undefined) {
    problems.throwIfAny();
    fail("INVALID_PACKAGE", zipName, "has no solution.xml or customizations.xml");
  }
  const solution = parseXml(solutionXml.toString("utf8"), `${zipName}/solution.xml`);
  const split = splitCustomizations(parseXml(customizationsXml.toString("utf8"), `${zipName}/customizations.xml`));
  files.push([solutionFile, Buffer.from(serializeXml(solution), "utf8")]);
  files.push([customizationsFile, Buffer.from(serializeXml(split.other), "utf8")]);
  files.push([
    relationshipsFile,
    asFile(
      el(
        "EntityRelationships",
        {},
        split.relationships.map((relationship) => el("EntityRelationship", { Name: attribute(relationship, "Name") })),
      ),
    ),
  ]);
  const byReferencedTable = new Map<string, XmlElement[]>();
  for (const relationship of split.relationships) {
    const table = childText(relationship, "ReferencedEntityName") ?? "";
    byReferencedTable.set(table, [...(byReferencedTable.get(table) ?? []), relationship]);
  }
  for (const [table, group] of byReferencedTable) {
    files.push([`Other/Relationships/${table}.xml`, asFile(el("EntityRelationships", {}, group))]);
  }

  for (const entity of split.entities) {
    const name = childText(entity, "Name") ?? "";
    files.push([
      `Entities/${name}/Entity.xml`,
      asFile(
        withChildren(
          entity,
          entity.children.filter((child) => child.name !== "FormXml"),
        ),
      ),
    ]);
    for (const forms of childElements(childElement(entity, "FormXml") ?? entity, "forms")) {
      const type = attribute(forms, "type") ?? "main";
      for (const systemForm of childElements(forms, "systemform")) {
        const id = unbraced(childText(systemForm, "formid") ?? "");
        if (id === undefined) {
          problems.add(
            "INVALID_PACKAGE",
            `${zipName}/customizations.xml`,
            `a ${type} form of ${name} has no valid <formid>`,
          );
          continue;
        }
        files.push([
          `Entities/${name}/FormXml/${type}/${braced(id)}.xml`,
          asFile({ name: "forms", attributes: [], children: [systemForm] }),
        ]);
      }
    }
  }

  for (const resource of split.webResources) {
    const name = childText(resource, "Name") ?? "";
    files.push([`WebResources/${name}.data.xml`, asFile(resource)]);
    const content = take((childText(resource, "FileName") ?? "").replace(/^\//, ""));
    if (content !== undefined) files.push([`WebResources/${name}`, content]);
  }

  for (const control of split.customControls) {
    const name = childText(control, "Name") ?? "";
    const manifestPath = (childText(control, "FileName") ?? "").replace(/^\//, "");
    const folder = manifestPath.slice(0, manifestPath.lastIndexOf("/"));
    files.push([`${folder}/ControlManifest.xml.data.xml`, asFile(control)]);
    take(manifestPath);
    for (const [entry, content] of entries) {
      if (entry.startsWith(`${folder}/`)) {
        consumed.add(entry);
        files.push([entry, content]);
      }
    }
    if (folder !== `Controls/${name}`)
      problems.add("INVALID_PACKAGE", `${zipName}/customizations.xml`, `control ${name} has its manifest in ${folder}`);
  }

  for (const step of split.steps) {
    const id = unbraced(attribute(step, "SdkMessageProcessingStepId") ?? "");
    if (id === undefined) {
      problems.add(
        "INVALID_PACKAGE",
        `${zipName}/customizations.xml`,
        `step ${attribute(step, "Name") ?? "?"} has no valid SdkMessageProcessingStepId`,
      );
      continue;
    }
    files.push([`SdkMessageProcessingSteps/${braced(id)}.xml`, asFile(step)]);
  }

  for (const [entry, content] of entries) {
    if (entry.startsWith("environmentvariabledefinitions/")) {
      consumed.add(entry);
      files.push([entry, content]);
    }
  }
  for (const entry of entries.keys()) {
    if (!consumed.has(entry))
      problems.add("INVALID_PACKAGE", `${zipName}/${entry}`, "is not part of any component in customizations.xml");
  }
  problems.throwIfAny();
  return byPath(files);
}
