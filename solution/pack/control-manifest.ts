/**
 * A built `ControlManifest.xml` (pcf-scripts output), read once for everyone who needs it: the
 * packer (the control's identity and version, its properties to check how forms bind it, the files
 * it names) and the sandbox's form host (the code resource, string resources, platform libraries
 * and device features it runs the control with).
 * Element and attribute names follow the PCF manifest schema (Microsoft Learn, "Manifest schema
 * reference": control, property, type-group, resources).
 */
import { fail } from "../errors";
import { attribute, childElement, childElements, parseXml, type XmlElement } from "../xml";

export interface ManifestProperty {
  readonly name: string;
  /** The data types the property accepts: its `of-type`, or the types of its `of-type-group`. */
  readonly types: readonly string[];
  readonly usage: "bound" | "input" | "output";
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue?: string;
}

export interface ControlManifest {
  readonly namespace: string;
  readonly constructorName: string;
  readonly version: string;
  readonly controlType: string;
  readonly properties: readonly ManifestProperty[];
  /** Paths of the files the manifest names (code, css, resx, img, html), relative to its folder. */
  readonly resourceFiles: readonly string[];
  /** The `code` resource's path (the bundle), when the manifest names one. */
  readonly codePath: string | undefined;
  /** The `resx` resources' paths. */
  readonly resx: readonly string[];
  readonly platformLibraries: readonly { readonly name: string; readonly version: string }[];
  /** Device features (`feature-usage/uses-feature`). */
  readonly features: readonly { readonly name: string; readonly required: boolean }[];
}

/** Resource elements that name a file in the control's folder. */
const fileResourceElements = new Set(["code", "css", "resx", "img", "html"]);

function requiredAttribute(element: XmlElement, name: string, file: string): string {
  const value = attribute(element, name);
  if (value === undefined || value === "") fail("INVALID_SOURCE", file, `<${element.name}> has no ${name} attribute`);
  return value;
}

function propertyOf(
  element: XmlElement,
  typeGroups: ReadonlyMap<string, readonly string[]>,
  file: string,
): ManifestProperty {
  const name = requiredAttribute(element, "name", file);
  const ofType = attribute(element, "of-type");
  const group = attribute(element, "of-type-group");
  let types: readonly string[];
  if (ofType !== undefined) types = [ofType];
  else if (group !== undefined) {
    const groupTypes = typeGroups.get(group);
    if (groupTypes === undefined)
      fail("INVALID_SOURCE", file, `property ${name} names type-group ${group}, which the manifest does not declare`);
    types = groupTypes;
  } else fail("INVALID_SOURCE", file, `property ${name} has neither of-type nor of-type-group`);
  const usage = attribute(element, "usage") ?? "input";
  if (usage !== "bound" && usage !== "input" && usage !== "output") {
    fail("INVALID_SOURCE", file, `property ${name} has usage "${usage}" (expected bound, input or output)`);
  }
  const defaultValue = attribute(element, "default-value");
  return {
    name,
    types,
    usage,
    required: attribute(element, "required") === "true",
    hasDefault: defaultValue !== undefined,
    ...(defaultValue === undefined ? {} : { defaultValue }),
  };
}

export function parseControlManifest(text: string, file: string): ControlManifest {
  const root = parseXml(text, file);
  const control = root.name === "manifest" ? childElement(root, "control") : undefined;
  if (control === undefined) fail("INVALID_SOURCE", file, "is not a control manifest (expected <manifest><control>)");
  const typeGroups = new Map(
    childElements(control, "type-group").map((group) => [
      requiredAttribute(group, "name", file),
      childElements(group, "type").map((type) => type.text ?? ""),
    ]),
  );
  const resources = childElement(control, "resources");
  if (resources === undefined) fail("INVALID_SOURCE", file, "has no <resources> element");
  const code = childElement(resources, "code");
  return {
    namespace: requiredAttribute(control, "namespace", file),
    constructorName: requiredAttribute(control, "constructor", file),
    version: requiredAttribute(control, "version", file),
    controlType: attribute(control, "control-type") ?? "standard",
    properties: childElements(control, "property").map((property) => propertyOf(property, typeGroups, file)),
    resourceFiles: resources.children
      .filter((resource) => fileResourceElements.has(resource.name))
      .map((resource) => requiredAttribute(resource, "path", file)),
    codePath: code === undefined ? undefined : requiredAttribute(code, "path", file),
    resx: childElements(resources, "resx").map((resx) => requiredAttribute(resx, "path", file)),
    platformLibraries: childElements(resources, "platform-library").map((library) => ({
      name: requiredAttribute(library, "name", file),
      version: requiredAttribute(library, "version", file),
    })),
    features: childElements(childElement(control, "feature-usage") ?? control, "uses-feature").map((feature) => ({
      name: requiredAttribute(feature, "name", file),
      required: attribute(feature, "required") === "true",
    })),
  };
}
