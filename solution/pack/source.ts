/**
 * Reads an unpacked solution (SolutionPackager's layout, held as a file tree) into its components.
 * Every XML file is parsed here, so a malformed one is reported with its name before anything is
 * written; a file the layout does not account for is reported too, because packing it silently
 * (or dropping it) would ship something nobody asked for.
 */
import { ProblemList } from "../errors";
import type { FileTree } from "../file-tree";
import { unbraced } from "../ids";
import { attribute, childElement, childElements, childText, parseXml, type XmlElement } from "../xml";
import { parseControlManifest, type ControlManifest } from "./control-manifest";

/** Turns a tree path into the path the user knows (`solution/src/...`, `out/controls/...`). */
export type DescribePath = (treePath: string) => string;

export interface EntitySource {
  readonly name: string;
  readonly file: string;
  readonly entity: XmlElement;
  readonly forms: readonly FormSource[];
}

export interface FormSource {
  readonly type: string;
  readonly file: string;
  readonly id: string;
  /** The `<systemform>` element. */
  readonly systemForm: XmlElement;
}

export interface WebResourceSource {
  readonly name: string;
  readonly dataFile: string;
  readonly data: XmlElement;
  /** The resource's file in the tree (`WebResources/<name>`). */
  readonly file: string;
  /** Where the file goes in the zip: the data file's FileName without its leading `/`. */
  readonly zipPath: string;
}

export interface ControlSource {
  readonly name: string;
  readonly folder: string;
  readonly dataFile: string;
  readonly data: XmlElement;
  readonly manifestFile: string;
  readonly manifest: ControlManifest;
  /** Every file of the control's folder except the data file, by tree path. */
  readonly files: readonly string[];
}

export interface StepSource {
  readonly file: string;
  readonly id: string;
  readonly step: XmlElement;
}

export interface RelationshipSource {
  readonly name: string;
  /** `Other/Relationships/<referenced table>.xml`, where the full definition is. */
  readonly file: string;
  readonly relationship: XmlElement;
}

export interface EnvironmentVariableSource {
  readonly schemaName: string;
  readonly file: string;
  readonly definition: XmlElement;
}

export interface SolutionSource {
  readonly tree: FileTree;
  readonly describe: DescribePath;
  readonly solution: XmlElement;
  readonly customizations: XmlElement;
  readonly entities: readonly EntitySource[];
  /** In `Other/Relationships.xml`'s order. */
  readonly relationships: readonly RelationshipSource[];
  readonly webResources: readonly WebResourceSource[];
  readonly controls: readonly ControlSource[];
  readonly steps: readonly StepSource[];
  readonly environmentVariables: readonly EnvironmentVariableSource[];
}

export const solutionFile = "Other/Solution.xml";
export const customizationsFile = "Other/Customizations.xml";
export const relationshipsFile = "Other/Relationships.xml";

const relationshipFilePattern = /^Other\/Relationships\/([^/]+)\.xml$/;
const formFilePattern = /^Entities\/([^/]+)\/FormXml\/([^/]+)\/([^/]+)\.xml$/;
const entityFilePattern = /^Entities\/([^/]+)\/Entity\.xml$/;
const stepFilePattern = /^SdkMessageProcessingSteps\/([^/]+)\.xml$/;
const environmentVariablePattern = /^environmentvariabledefinitions\/([^/]+)\/environmentvariabledefinition\.xml$/;
const controlDataPattern = /^Controls\/([^/]+)\/ControlManifest\.xml\.data\.xml$/;
const webResourceDataPattern = /^WebResources\/(.+)\.data\.xml$/;

export function readSolutionSource(tree: FileTree, describe: DescribePath = (file) => file): SolutionSource {
  const problems = new ProblemList();
  const accounted = new Set<string>();
  const xml = (file: string): XmlElement | undefined => {
    accounted.add(file);
    const content = tree.get(file);
    if (content === undefined) {
      problems.add("INVALID_SOURCE", describe(file), "is missing");
      return undefined;
    }
    let parsed: XmlElement | undefined;
    problems.collect(() => {
      parsed = parseXml(content.toString("utf8"), describe(file));
    });
    return parsed;
  };
  const expectRoot = (file: string, element: XmlElement | undefined, rootName: string): element is XmlElement => {
    if (element === undefined) return false;
    if (element.name === rootName) return true;
    problems.add("INVALID_SOURCE", describe(file), `root element is <${element.name}>, expected <${rootName}>`);
    return false;
  };

  const solution = xml(solutionFile);
  const customizations = xml(customizationsFile);
  const solutionRootIsRight = expectRoot(solutionFile, solution, "ImportExportXml");
  const customizationsRootIsRight = expectRoot(customizationsFile, customizations, "ImportExportXml");
  const paths = [...tree.keys()];

  // SolutionPackager's split: the index names each relationship, the file named after the
  // referenced table holds its definition.
  const definitions = new Map<string, RelationshipSource>();
  for (const file of paths) {
    const table = relationshipFilePattern.exec(file)?.[1];
    if (table === undefined) continue;
    const group = xml(file);
    if (!expectRoot(file, group, "EntityRelationships")) continue;
    for (const relationship of group.children) {
      const name = attribute(relationship, "Name") ?? "";
      if (relationship.name !== "EntityRelationship" || name === "") {
        problems.add("INVALID_SOURCE", describe(file), `<${relationship.name}> is not a named <EntityRelationship>`);
        continue;
      }
      const referenced = childText(relationship, "ReferencedEntityName") ?? "";
      if (referenced.toLowerCase() !== table.toLowerCase()) {
        problems.add(
          "INVALID_SOURCE",
          describe(file),
          `relationship ${name} points to ${referenced || "no table"}; it belongs in Other/Relationships/${referenced || "<table>"}.xml`,
        );
      }
      if (definitions.has(name)) problems.add("INVALID_SOURCE", describe(file), `defines relationship ${name} twice`);
      definitions.set(name, { name, file, relationship });
    }
  }
  const relationships: RelationshipSource[] = [];
  const index = tree.has(relationshipsFile) ? xml(relationshipsFile) : undefined;
  const indexed = new Set<string>();
  if (expectRoot(relationshipsFile, index, "EntityRelationships")) {
    for (const entry of childElements(index, "EntityRelationship")) {
      const name = attribute(entry, "Name") ?? "";
      indexed.add(name);
      const definition = definitions.get(name);
      if (definition === undefined) {
        problems.add(
          "INVALID_SOURCE",
          describe(relationshipsFile),
          `lists relationship ${name}, which no Other/Relationships/<table>.xml defines`,
        );
      } else relationships.push(definition);
    }
  }
  for (const definition of definitions.values()) {
    if (!indexed.has(definition.name)) {
      problems.add(
        "INVALID_SOURCE",
        describe(definition.file),
        `defines relationship ${definition.name}, which Other/Relationships.xml does not list`,
      );
    }
  }

  const entities: EntitySource[] = [];
  for (const file of paths) {
    const name = entityFilePattern.exec(file)?.[1];
    if (name === undefined) continue;
    const entity = xml(file);
    if (!expectRoot(file, entity, "Entity")) continue;
    if (childText(entity, "Name") !== name) {
      problems.add(
        "INVALID_SOURCE",
        describe(file),
        `<Name> is "${childText(entity, "Name") ?? ""}", but the folder is ${name}`,
      );
    }
    if (childElement(entity, "FormXml") !== undefined) {
      problems.add(
        "INVALID_SOURCE",
        describe(file),
        `holds <FormXml>; forms belong in Entities/${name}/FormXml/<type>/{id}.xml`,
      );
    }
    const forms: FormSource[] = [];
    for (const formFile of paths) {
      const match = formFilePattern.exec(formFile);
      if (match?.[1] !== name || match[2] === undefined || match[3] === undefined) continue;
      const document = xml(formFile);
      if (!expectRoot(formFile, document, "forms")) continue;
      const systemForm = childElement(document, "systemform");
      const id = systemForm === undefined ? undefined : unbraced(childText(systemForm, "formid") ?? "");
      if (systemForm === undefined || document.children.length !== 1 || id === undefined) {
        problems.add("INVALID_SOURCE", describe(formFile), "must hold exactly one <systemform> with a <formid>");
        continue;
      }
      if (unbraced(match[3]) !== id) {
        problems.add("INVALID_SOURCE", describe(formFile), `file name does not match its formid {${id}}`);
      }
      forms.push({ type: match[2], file: formFile, id, systemForm });
    }
    entities.push({ name, file, entity, forms });
  }
  for (const file of paths.filter((path) => formFilePattern.test(path) && !accounted.has(path))) {
    problems.add("INVALID_SOURCE", describe(file), "is a form of a table that has no Entity.xml");
    accounted.add(file);
  }

  const webResources: WebResourceSource[] = [];
  for (const dataFile of paths) {
    const name = webResourceDataPattern.exec(dataFile)?.[1];
    if (name === undefined) continue;
    const data = xml(dataFile);
    if (!expectRoot(dataFile, data, "WebResource")) continue;
    const file = `WebResources/${name}`;
    accounted.add(file);
    if (childText(data, "Name") !== name) {
      problems.add(
        "INVALID_SOURCE",
        describe(dataFile),
        `<Name> is "${childText(data, "Name") ?? ""}", but the file is ${file}`,
      );
    }
    if (!tree.has(file)) {
      problems.add(
        "MISSING_BUILD",
        describe(file),
        `is missing: web resource ${name} has no file (build it first: npm run build:forms)`,
      );
    }
    const fileName = childText(data, "FileName") ?? "";
    if (!fileName.startsWith("/WebResources/")) {
      problems.add("INVALID_SOURCE", describe(dataFile), `<FileName> "${fileName}" must start with /WebResources/`);
      continue;
    }
    webResources.push({ name, dataFile, data, file, zipPath: fileName.slice(1) });
  }

  const controls: ControlSource[] = [];
  for (const dataFile of paths) {
    const name = controlDataPattern.exec(dataFile)?.[1];
    if (name === undefined) continue;
    const data = xml(dataFile);
    if (!expectRoot(dataFile, data, "CustomControl")) continue;
    const folder = `Controls/${name}`;
    if (childText(data, "Name") !== name) {
      problems.add(
        "INVALID_SOURCE",
        describe(dataFile),
        `<Name> is "${childText(data, "Name") ?? ""}", but the folder is ${folder}`,
      );
    }
    if (childText(data, "FileName") !== `/${folder}/ControlManifest.xml`) {
      problems.add("INVALID_SOURCE", describe(dataFile), `<FileName> must be /${folder}/ControlManifest.xml`);
    }
    const manifestFile = `${folder}/ControlManifest.xml`;
    const files = paths.filter((path) => path.startsWith(`${folder}/`) && path !== dataFile);
    for (const path of files) accounted.add(path);
    const manifestContent = tree.get(manifestFile);
    if (manifestContent === undefined) {
      problems.add(
        "MISSING_BUILD",
        describe(manifestFile),
        `is missing: control ${name} has not been built (npm run build:controls)`,
      );
      continue;
    }
    let manifest: ControlManifest | undefined;
    problems.collect(() => {
      manifest = parseControlManifest(manifestContent.toString("utf8"), describe(manifestFile));
    });
    if (manifest !== undefined) controls.push({ name, folder, dataFile, data, manifestFile, manifest, files });
  }

  const steps: StepSource[] = [];
  for (const file of paths) {
    const fileId = stepFilePattern.exec(file)?.[1];
    if (fileId === undefined) continue;
    const step = xml(file);
    if (!expectRoot(file, step, "SdkMessageProcessingStep")) continue;
    const id = unbraced(attribute(step, "SdkMessageProcessingStepId") ?? "");
    if (id === undefined || unbraced(fileId) !== id) {
      problems.add("INVALID_SOURCE", describe(file), "file name does not match its SdkMessageProcessingStepId");
      continue;
    }
    steps.push({ file, id, step });
  }

  const environmentVariables: EnvironmentVariableSource[] = [];
  for (const file of paths) {
    const schemaName = environmentVariablePattern.exec(file)?.[1];
    if (schemaName === undefined) continue;
    const definition = xml(file);
    if (!expectRoot(file, definition, "environmentvariabledefinition")) continue;
    environmentVariables.push({ schemaName, file, definition });
  }

  for (const file of paths.filter((path) => !accounted.has(path))) {
    problems.add(
      "INVALID_SOURCE",
      describe(file),
      "is not part of a component this packer knows (unpacked solution layout)",
    );
  }
  problems.throwIfAny();
  if (!solutionRootIsRight || !customizationsRootIsRight) {
    throw new Error("unreachable: a missing or misnamed Other/ file was reported as a problem");
  }
  return {
    tree,
    describe,
    solution,
    customizations,
    entities,
    relationships,
    webResources,
    controls,
    steps,
    environmentVariables,
  };
}
