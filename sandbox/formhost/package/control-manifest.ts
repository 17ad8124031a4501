/**
 * A built `ControlManifest.xml` → what the PCF host needs: the registered name, the properties
 * (with the types of a type group), the code and string resources, the platform libraries and
 * the device features. The manifest is read by the solution packer's parser
 * (solution/pack/control-manifest.ts); this module only narrows it to what the host runs.
 */
import { parseControlManifest as parseManifest } from "@fsi/solution/pack/control-manifest";
import { SolutionBuildError } from "@fsi/solution/errors";
import { attribute, childElement, childElements, parseXml } from "@fsi/solution/xml";
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

export function parseControlManifest(text: string, where: string): ParsedManifest {
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(text, where);
  } catch (error) {
    if (error instanceof SolutionBuildError) throw new SolutionPackageError(error.message);
    throw error;
  }
  const { codePath, controlType } = manifest;
  if (codePath === undefined) throw new SolutionPackageError(`${where}: the manifest names no <code> resource`);
  if (controlType !== "standard" && controlType !== "virtual") {
    throw new SolutionPackageError(`${where}: control-type "${controlType}" is not standard or virtual`);
  }
  return {
    namespace: manifest.namespace,
    constructorName: manifest.constructorName,
    version: manifest.version,
    controlType,
    properties: manifest.properties.map(({ name, usage, types, required, defaultValue }) => ({
      name,
      usage,
      types,
      required,
      ...(defaultValue === undefined ? {} : { defaultValue }),
    })),
    codePath,
    platformLibraries: manifest.platformLibraries,
    resx: manifest.resx,
    features: manifest.features,
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
