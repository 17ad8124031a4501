/**
 * Consistency checks over an unpacked solution, before it is zipped: what solution.xml declares
 * matches what the package holds, every file a manifest or form names is in the package, forms
 * bind controls to properties the controls declare, steps point at endpoints and columns that
 * exist. Problems name the file at fault.
 */
import { tableByLogicalName, type ColumnDefinition } from "@fsi/core";
import { ProblemList } from "../errors";
import { unbraced } from "../ids";
import { attribute, childElement, childElements, childText, descendants, type XmlElement } from "../xml";
import type { ManifestProperty } from "./control-manifest";
import type { ControlSource, EntitySource, FormSource, SolutionSource } from "./source";
import { solutionFile } from "./source";

/** Root component types the packer knows how to derive from the package's content. */
const componentTypeNames: Readonly<Record<number, string>> = {
  1: "table",
  20: "security role",
  60: "form",
  61: "web resource",
  66: "code component",
  92: "SDK message processing step",
  95: "service endpoint",
  380: "environment variable definition",
};

/** `environmentvariabledefinition.type` values and how a default of that type must look. */
const environmentVariableTypes: Readonly<
  Record<string, { readonly name: string; readonly accepts: (value: string) => boolean }>
> = {
  "100000000": { name: "String", accepts: () => true },
  "100000001": { name: "Number", accepts: (value) => value.trim() !== "" && Number.isFinite(Number(value)) },
  "100000002": {
    name: "Boolean",
    accepts: (value) => value === "true" || value === "false" || value === "yes" || value === "no",
  },
  "100000003": {
    name: "JSON",
    accepts: (value) => {
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
    },
  },
};

/** PCF data types a property may take for a column of each core type (Microsoft Learn, "property element": of-type). */
const pcfTypesForColumn: Readonly<Record<ColumnDefinition["type"], readonly string[]>> = {
  uniqueidentifier: ["SingleLine.Text"],
  string: [
    "SingleLine.Text",
    "SingleLine.Email",
    "SingleLine.Phone",
    "SingleLine.URL",
    "SingleLine.TextArea",
    "SingleLine.Ticker",
  ],
  memo: ["Multiple"],
  integer: ["Whole.None"],
  decimal: ["Decimal"],
  double: ["FP"],
  money: ["Currency"],
  boolean: ["TwoOptions"],
  datetime: ["DateAndTime.DateAndTime", "DateAndTime.DateOnly"],
  choice: ["OptionSet"],
  state: ["OptionSet"],
  status: ["OptionSet"],
  lookup: ["Lookup.Simple"],
};

function componentKey(type: number, identifier: string): string {
  return `${type}:${unbraced(identifier) ?? identifier.toLowerCase()}`;
}

/** The components the package holds, as `type:identifier` keys. */
export function packagedComponents(source: SolutionSource): Map<string, string> {
  const components = new Map<string, string>();
  const add = (type: number, identifier: string) =>
    components.set(componentKey(type, identifier), `${componentTypeNames[type] ?? type} ${identifier}`);
  for (const entity of source.entities) {
    add(1, entity.name);
    for (const form of entity.forms) add(60, form.id);
  }
  for (const resource of source.webResources) add(61, resource.name);
  for (const control of source.controls) add(66, control.name);
  for (const step of source.steps) add(92, step.id);
  for (const endpoint of serviceEndpoints(source)) add(95, attribute(endpoint, "ServiceEndpointId") ?? "");
  for (const variable of source.environmentVariables) add(380, variable.schemaName);
  for (const role of securityRoleElements(source)) add(20, attribute(role, "id") ?? "");
  return components;
}

function securityRoleElements(source: SolutionSource): readonly XmlElement[] {
  const section = childElement(source.customizations, "Roles");
  return section === undefined ? [] : childElements(section, "Role");
}

function serviceEndpoints(source: SolutionSource): readonly XmlElement[] {
  const section = childElement(source.customizations, "ServiceEndpoints");
  return section === undefined ? [] : childElements(section, "ServiceEndpoint");
}

function manifest(source: SolutionSource): XmlElement | undefined {
  return childElement(source.solution, "SolutionManifest");
}

function checkRootComponents(source: SolutionSource, problems: ProblemList): void {
  const file = source.describe(solutionFile);
  const rootComponents = childElement(manifest(source) ?? source.solution, "RootComponents");
  if (rootComponents === undefined) {
    problems.add("INVALID_SOURCE", file, "has no <SolutionManifest><RootComponents>");
    return;
  }
  const declared = new Map<string, string>();
  for (const component of childElements(rootComponents, "RootComponent")) {
    const type = Number(attribute(component, "type"));
    const identifier = attribute(component, "schemaName") ?? attribute(component, "id") ?? "";
    if (componentTypeNames[type] === undefined) {
      problems.add(
        "INVALID_SOURCE",
        file,
        `root component type ${attribute(component, "type") ?? "?"} (${identifier}) is not one the packer can find in a package`,
      );
      continue;
    }
    declared.set(componentKey(type, identifier), `${componentTypeNames[type] ?? type} ${identifier}`);
  }
  const packaged = packagedComponents(source);
  for (const [key, description] of packaged) {
    if (!declared.has(key))
      problems.add("INVALID_SOURCE", file, `does not list the packaged ${description} as a root component`);
  }
  for (const [key, description] of declared) {
    if (!packaged.has(key))
      problems.add("BROKEN_REFERENCE", file, `lists root component ${description}, which the package does not contain`);
  }
}

/** Columns of a table as far as we know them: core's definition plus the attributes the package adds. */
function knownColumns(entity: EntitySource): Map<string, ColumnDefinition | undefined> {
  const columns = new Map<string, ColumnDefinition | undefined>(
    Object.entries(tableByLogicalName(entity.name)?.columns ?? {}),
  );
  const entityInfo = childElement(childElement(entity.entity, "EntityInfo") ?? entity.entity, "entity");
  const attributes = entityInfo === undefined ? undefined : childElement(entityInfo, "attributes");
  for (const added of attributes === undefined ? [] : childElements(attributes, "attribute")) {
    const name = childText(added, "LogicalName") ?? attribute(added, "PhysicalName")?.toLowerCase();
    if (name !== undefined && !columns.has(name)) columns.set(name, undefined);
  }
  return columns;
}

function checkPlacement(
  tableName: string,
  file: string,
  customControl: XmlElement,
  control: ControlSource,
  columns: ReadonlyMap<string, ColumnDefinition | undefined>,
  problems: ProblemList,
): void {
  const properties = new Map<string, ManifestProperty>(
    control.manifest.properties.map((property) => [property.name, property]),
  );
  const parameters = childElement(customControl, "parameters")?.children ?? [];
  const declaredNames = [...properties.keys()].join(", ") || "none";
  for (const parameter of parameters) {
    const property = properties.get(parameter.name);
    if (property === undefined) {
      problems.add(
        "BROKEN_REFERENCE",
        file,
        `passes ${parameter.name} to ${control.name}, which declares no such property (it declares ${declaredNames})`,
      );
      continue;
    }
    const type = attribute(parameter, "type");
    if (type !== undefined && !property.types.includes(type)) {
      problems.add(
        "BROKEN_REFERENCE",
        file,
        `passes ${parameter.name} as ${type} to ${control.name}, whose property accepts ${property.types.join(", ")}`,
      );
    }
    if (attribute(parameter, "static") === "true") {
      if (property.usage !== "input")
        problems.add(
          "BROKEN_REFERENCE",
          file,
          `gives ${control.name}.${parameter.name} a fixed value, but it is a ${property.usage} property`,
        );
      continue;
    }
    const column = parameter.text ?? "";
    if (!columns.has(column)) {
      problems.add(
        "BROKEN_REFERENCE",
        file,
        `binds ${control.name}.${parameter.name} to ${column}, which is not a column of ${tableName}`,
      );
      continue;
    }
    const definition = columns.get(column);
    if (definition !== undefined && type !== undefined && !pcfTypesForColumn[definition.type].includes(type)) {
      problems.add(
        "BROKEN_REFERENCE",
        file,
        `binds ${control.name}.${parameter.name} as ${type} to ${column}, a ${definition.type} column`,
      );
    }
  }
  const passed = new Set(parameters.map((parameter) => parameter.name));
  for (const property of control.manifest.properties) {
    if (property.required && property.usage !== "output" && !property.hasDefault && !passed.has(property.name)) {
      problems.add("BROKEN_REFERENCE", file, `does not pass ${control.name}'s required property ${property.name}`);
    }
  }
}

function checkForm(source: SolutionSource, entity: EntitySource, form: FormSource, problems: ProblemList): void {
  const file = source.describe(form.file);
  const columns = knownColumns(entity);
  const formElement = childElement(form.systemForm, "form");
  if (formElement === undefined) {
    problems.add("INVALID_SOURCE", file, "<systemform> has no <form>");
    return;
  }
  const controls = descendants(
    formElement,
    (candidate) => candidate.name === "control" && attribute(candidate, "datafieldname") !== undefined,
  );
  for (const control of controls) {
    const column = attribute(control, "datafieldname") ?? "";
    if (!columns.has(column))
      problems.add("BROKEN_REFERENCE", file, `shows ${column}, which is not a column of ${entity.name}`);
  }
  const uniqueIds = new Set(controls.flatMap((control) => unbraced(attribute(control, "uniqueid") ?? "") ?? []));
  const webResourceNames = new Set(source.webResources.map((resource) => resource.name));
  const libraries = new Set<string>();
  for (const library of descendants(formElement, (candidate) => candidate.name === "Library")) {
    const name = attribute(library, "name") ?? "";
    libraries.add(name);
    if (!webResourceNames.has(name))
      problems.add("BROKEN_REFERENCE", file, `loads library ${name}, which the solution does not contain`);
  }
  for (const handler of descendants(formElement, (candidate) => candidate.name === "Handler")) {
    const library = attribute(handler, "libraryName") ?? "";
    if (!libraries.has(library)) {
      problems.add(
        "BROKEN_REFERENCE",
        file,
        `handler ${attribute(handler, "functionName") ?? "?"} uses library ${library}, which the form does not load`,
      );
    }
  }
  const controlsByName = new Map(source.controls.map((control) => [control.name, control]));
  for (const description of descendants(formElement, (candidate) => candidate.name === "controlDescription")) {
    const forControl = unbraced(attribute(description, "forControl") ?? "");
    if (forControl === undefined || !uniqueIds.has(forControl)) {
      problems.add(
        "BROKEN_REFERENCE",
        file,
        `controlDescription ${attribute(description, "forControl") ?? "?"} describes no control on the form`,
      );
    }
    for (const customControl of childElements(description, "customControl")) {
      const name = attribute(customControl, "name");
      // The first customControl (no name) is the platform's control for the column: nothing to find.
      if (name === undefined || name.startsWith("MscrmControls.")) continue;
      const control = controlsByName.get(name);
      if (control === undefined) {
        problems.add("BROKEN_REFERENCE", file, `uses code component ${name}, which the solution does not contain`);
        continue;
      }
      checkPlacement(entity.name, file, customControl, control, columns, problems);
    }
  }
}

function checkControl(
  source: SolutionSource,
  control: ControlSource,
  solutionVersion: string | undefined,
  problems: ProblemList,
): void {
  const file = source.describe(control.manifestFile);
  const prefix = childText(
    childElement(manifest(source) ?? source.solution, "Publisher") ?? source.solution,
    "CustomizationPrefix",
  );
  const expectedName = `${prefix ?? "?"}_${control.manifest.namespace}.${control.manifest.constructorName}`;
  if (expectedName !== control.name) {
    problems.add(
      "INVALID_SOURCE",
      file,
      `declares ${control.manifest.namespace}.${control.manifest.constructorName}, so its folder must be Controls/${expectedName}, not ${control.folder}`,
    );
  }
  const expectedVersion = solutionVersion?.split(".").slice(0, 3).join(".");
  if (expectedVersion !== undefined && control.manifest.version !== expectedVersion) {
    problems.add(
      "VERSION_MISMATCH",
      file,
      `control version is ${control.manifest.version}, but the solution is ${solutionVersion ?? "?"}; the control must be built as ${expectedVersion} (the platform caches controls by version)`,
    );
  }
  const named = new Set([
    control.manifestFile,
    ...control.manifest.resourceFiles.map((resource) => `${control.folder}/${resource}`),
  ]);
  for (const resource of control.manifest.resourceFiles) {
    if (!source.tree.has(`${control.folder}/${resource}`)) {
      problems.add(
        "MISSING_BUILD",
        source.describe(`${control.folder}/${resource}`),
        `is missing: ${control.manifestFile.split("/").pop() ?? ""} of ${control.name} names it`,
      );
    }
  }
  for (const path of control.files) {
    if (!named.has(path))
      problems.add(
        "INVALID_SOURCE",
        source.describe(path),
        `is in ${control.folder} but its manifest does not name it`,
      );
  }
}

function checkWebResources(source: SolutionSource, problems: ProblemList): void {
  const zipPaths = new Set<string>();
  for (const resource of source.webResources) {
    if (childText(resource.data, "WebResourceType") === "3" && !resource.name.endsWith(".js")) {
      problems.add(
        "INVALID_SOURCE",
        source.describe(resource.dataFile),
        `is a JavaScript web resource whose name does not end in .js`,
      );
    }
    if (zipPaths.has(resource.zipPath))
      problems.add(
        "INVALID_SOURCE",
        source.describe(resource.dataFile),
        `<FileName> ${resource.zipPath} is used twice`,
      );
    zipPaths.add(resource.zipPath);
  }
}

function checkSteps(source: SolutionSource, problems: ProblemList): void {
  const endpointIds = new Set(
    serviceEndpoints(source).flatMap((endpoint) => unbraced(attribute(endpoint, "ServiceEndpointId") ?? "") ?? []),
  );
  const entities = new Map(source.entities.map((entity) => [entity.name, entity]));
  for (const step of source.steps) {
    const file = source.describe(step.file);
    const handler = childText(step.step, "EventHandler");
    if (handler !== undefined && !endpointIds.has(unbraced(handler) ?? "")) {
      problems.add("BROKEN_REFERENCE", file, `EventHandler ${handler} is not a service endpoint of the solution`);
    }
    const table = childText(step.step, "PrimaryEntity") ?? "";
    const entity = entities.get(table);
    const columns =
      entity === undefined
        ? new Set(Object.keys(tableByLogicalName(table)?.columns ?? {}))
        : new Set(knownColumns(entity).keys());
    if (columns.size === 0) continue;
    const named = [
      ...(childText(step.step, "FilteringAttributes") ?? "").split(","),
      ...descendants(step.step, (candidate) => candidate.name === "Attributes").flatMap((element) =>
        (element.text ?? "").split(","),
      ),
    ].filter((column) => column !== "");
    for (const column of new Set(named)) {
      if (!columns.has(column))
        problems.add("BROKEN_REFERENCE", file, `names column ${column}, which ${table} does not have`);
    }
  }
}

function checkEnvironmentVariables(source: SolutionSource, problems: ProblemList): void {
  const prefix = childText(
    childElement(manifest(source) ?? source.solution, "Publisher") ?? source.solution,
    "CustomizationPrefix",
  );
  for (const variable of source.environmentVariables) {
    const file = source.describe(variable.file);
    if (attribute(variable.definition, "schemaname") !== variable.schemaName) {
      problems.add(
        "INVALID_SOURCE",
        file,
        `schemaname is "${attribute(variable.definition, "schemaname") ?? ""}", but the folder is ${variable.schemaName}`,
      );
    }
    if (prefix !== undefined && !variable.schemaName.startsWith(`${prefix}_`)) {
      problems.add(
        "INVALID_SOURCE",
        file,
        `schema name ${variable.schemaName} does not start with the publisher prefix ${prefix}_`,
      );
    }
    const typeCode = childText(variable.definition, "type") ?? "";
    const type = environmentVariableTypes[typeCode];
    if (type === undefined) {
      problems.add("INVALID_SOURCE", file, `<type> ${typeCode} is not String, Number, Boolean or JSON`);
      continue;
    }
    const defaultValue = childText(variable.definition, "defaultvalue");
    if (defaultValue !== undefined && !type.accepts(defaultValue)) {
      problems.add("INVALID_SOURCE", file, `default value "${defaultValue}" is not a valid ${type.name}`);
    }
  }
}

export function checkSolution(source: SolutionSource): void {
  const problems = new ProblemList();
  const solutionVersion = childText(manifest(source) ?? source.solution, "Version");
  if (solutionVersion === undefined || !/^\d+(\.\d+){3}$/.test(solutionVersion)) {
    problems.add(
      "INVALID_SOURCE",
      source.describe(solutionFile),
      `<Version> "${solutionVersion ?? ""}" is not major.minor.build.revision`,
    );
  }
  checkRootComponents(source, problems);
  for (const entity of source.entities) for (const form of entity.forms) checkForm(source, entity, form, problems);
  for (const control of source.controls) checkControl(source, control, solutionVersion, problems);
  checkWebResources(source, problems);
  checkSteps(source, problems);
  checkEnvironmentVariables(source, problems);
  problems.throwIfAny();
}
