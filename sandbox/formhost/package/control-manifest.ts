/**
 * A built `ControlManifest.xml` → what the PCF host needs: the registered name, the properties
 * (with the types of a type group), the code and string resources, the platform libraries and
 * the device features. Names from Microsoft Learn, "Manifest schema reference".
 */
import { attribute, childElement, childElements, parseXml, type XmlElement } from "../../../solution/xml";
import type { ControlPropertyDescription } from "../shared/contract";
import { SolutionPackageError } from "./errors";

export interface ParsedManifest {
  readonly namespace: string;
  readonly constructorName: string;
  readonly version: string;
  readonly controlType: "standard" | "virtual";
  readonly properties: readonly ControlPropertyDescription[];
  /** The `code` resource: the bundle's path inside the control's folder. */
  readonly codePath: string;
  readonly platformLibraries: readonly { readonly name: string; readonly version: string }[];
  /** `resx` paths, relative to the control's folder. */
  readonly resx: readonly string[];
  readonly features: readonly { readonly name: string; readonly required: boolean }[];
}

function required(element: XmlElement, name: string, where: string): string {
  const value = attribute(element, name);
  if (value === undefined || value === "") throw new SolutionPackageError(`${where}: <${element.name}> has no ${name}`);
  return value;
}

function usageOf(value: string | undefined, where: string): ControlPropertyDescription["usage"] {
  if (value === "bound" || value === "input" || value === "output") return value;
  throw new SolutionPackageError(`${where}: property usage "${value ?? ""}" is not bound, input or output`);
}

export function parseControlManifest(text: string, where: string): ParsedManifest {
  const root = parseXml(text, where);
  const control = childElement(root, "control");
  if (root.name !== "manifest" || control === undefined) throw new SolutionPackageError(`${where}: not a control manifest (<manifest><control>)`);
  const typeGroups = new Map(
    childElements(control, "type-group").map((group) => [
      required(group, "name", where),
      childElements(group, "type").map((type) => type.text ?? ""),
    ]),
  );
  const properties = childElements(control, "property").map((property): ControlPropertyDescription => {
    const name = required(property, "name", where);
    const ofType = attribute(property, "of-type");
    const group = attribute(property, "of-type-group");
    const types = ofType !== undefined ? [ofType] : group !== undefined ? typeGroups.get(group) : undefined;
    if (types === undefined) throw new SolutionPackageError(`${where}: property ${name} names no of-type or a type-group that does not exist`);
    const defaultValue = attribute(property, "default-value");
    return {
      name,
      usage: usageOf(attribute(property, "usage"), where),
      types,
      required: attribute(property, "required") === "true",
      ...(defaultValue === undefined ? {} : { defaultValue }),
    };
  });
  const resources = childElement(control, "resources");
  const code = resources === undefined ? undefined : childElement(resources, "code");
  if (resources === undefined || code === undefined) throw new SolutionPackageError(`${where}: the manifest names no <code> resource`);
  const controlType = attribute(control, "control-type") ?? "standard";
  if (controlType !== "standard" && controlType !== "virtual") {
    throw new SolutionPackageError(`${where}: control-type "${controlType}" is not standard or virtual`);
  }
  return {
    namespace: required(control, "namespace", where),
    constructorName: required(control, "constructor", where),
    version: required(control, "version", where),
    controlType,
    properties,
    codePath: required(code, "path", where),
    platformLibraries: childElements(resources, "platform-library").map((library) => ({
      name: required(library, "name", where),
      version: required(library, "version", where),
    })),
    resx: childElements(resources, "resx").map((resx) => required(resx, "path", where)),
    features: childElements(childElement(control, "feature-usage") ?? control, "uses-feature").map((feature) => ({
      name: required(feature, "name", where),
      required: attribute(feature, "required") === "true",
    })),
  };
}

/** A `.resx` file's strings (`<data name="..."><value>...</value></data>`). */
export function parseResx(text: string, where: string): Record<string, string> {
  const root = parseXml(text, where);
  return Object.fromEntries(
    childElements(root, "data").flatMap((data) => {
      const name = attribute(data, "name");
      return name === undefined ? [] : [[name, childElement(data, "value")?.text ?? ""] as const];
    }),
  );
}

/** The LCID in a resx file name (`strings/NearbyWarehouses.1036.resx` → `1036`); 1033 when none. */
export function languageOfResx(path: string): string {
  return /\.(\d{4,5})\.resx$/i.exec(path)?.[1] ?? "1033";
}
