/**
 * The solution zip as the form host runs it — what an import into Dataverse would make available:
 * the main forms (FormXml), the web resources by name, the code components with their manifest,
 * bundle and strings, and the environment variable definitions. Everything is read from the zip
 * (customizations.xml names each file), never from the build folders, so the sandbox runs exactly
 * what a customer imports.
 */
import JSZip from "jszip";
import { attribute, childElement, childElements, childText, parseXml, type XmlElement } from "@fsi/solution/xml";
import type { ChoiceLabels, FormDescription } from "../shared/contract";
import { type ParsedManifest, languageOfResx, parseControlManifest, parseResx } from "./control-manifest";
import { SolutionPackageError } from "./errors";
import { choiceLabelsOf, mainFormsOf } from "./form-xml";

export interface PackagedWebResource {
  readonly name: string;
  /** `WebResourceType`: 1 HTML, 2 CSS, 3 JavaScript, ... */
  readonly type: number;
  readonly content: Buffer;
}

export interface PackagedControl {
  /** The solution name, `fsi_FieldServiceScm.NearbyWarehouses`. */
  readonly name: string;
  readonly manifest: ParsedManifest;
  /** Files of the control's folder by path relative to it (`bundle.js`, `strings/X.1033.resx`). */
  readonly files: ReadonlyMap<string, Buffer>;
  /** resx strings by LCID. */
  readonly strings: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PackagedEnvironmentVariable {
  readonly schemaName: string;
  readonly displayName: string;
  readonly type: number;
  readonly defaultValue: string | undefined;
}

export interface SolutionPackage {
  readonly uniqueName: string;
  readonly version: string;
  readonly forms: readonly FormDescription[];
  readonly choiceLabels: ChoiceLabels;
  readonly webResources: ReadonlyMap<string, PackagedWebResource>;
  readonly controls: ReadonlyMap<string, PackagedControl>;
  readonly environmentVariables: readonly PackagedEnvironmentVariable[];
}

async function entryBuffer(zip: JSZip, path: string, what: string): Promise<Buffer> {
  const entry = zip.file(path);
  if (entry === null) throw new SolutionPackageError(`${what}: the zip has no entry ${path}`);
  return entry.async("nodebuffer");
}

async function entryXml(zip: JSZip, path: string, what: string): Promise<XmlElement> {
  return parseXml((await entryBuffer(zip, path, what)).toString("utf8"), path);
}

/** `<FileName>/WebResources/x</FileName>` → `WebResources/x`. */
function zipPath(fileName: string | undefined, what: string): string {
  if (fileName === undefined || fileName === "") throw new SolutionPackageError(`${what} has no <FileName>`);
  return fileName.replace(/^\/+/, "");
}

async function readWebResources(zip: JSZip, customizations: XmlElement): Promise<Map<string, PackagedWebResource>> {
  const resources = new Map<string, PackagedWebResource>();
  for (const resource of childElements(childElement(customizations, "WebResources") ?? customizations, "WebResource")) {
    const name = childText(resource, "Name");
    if (name === undefined) throw new SolutionPackageError("customizations.xml: a <WebResource> has no <Name>");
    const content = await entryBuffer(
      zip,
      zipPath(childText(resource, "FileName"), `web resource ${name}`),
      `web resource ${name}`,
    );
    resources.set(name, { name, type: Number(childText(resource, "WebResourceType") ?? "0"), content });
  }
  return resources;
}

async function readControl(zip: JSZip, customControl: XmlElement): Promise<PackagedControl> {
  const name = childText(customControl, "Name");
  if (name === undefined) throw new SolutionPackageError("customizations.xml: a <CustomControl> has no <Name>");
  const manifestPath = zipPath(childText(customControl, "FileName"), `control ${name}`);
  const folder = manifestPath.slice(0, manifestPath.lastIndexOf("/") + 1);
  const manifest = parseControlManifest(
    (await entryBuffer(zip, manifestPath, `control ${name}`)).toString("utf8"),
    manifestPath,
  );
  const files = new Map<string, Buffer>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir && entry.name.startsWith(folder))
      files.set(entry.name.slice(folder.length), await entry.async("nodebuffer"));
  }
  if (!files.has(manifest.codePath))
    throw new SolutionPackageError(`control ${name}: the zip has no entry ${folder}${manifest.codePath}`);
  const strings: Record<string, Record<string, string>> = {};
  for (const resx of manifest.resx) {
    const text = files.get(resx);
    if (text === undefined) throw new SolutionPackageError(`control ${name}: the zip has no entry ${folder}${resx}`);
    strings[languageOfResx(resx)] = parseResx(text.toString("utf8"), `${folder}${resx}`);
  }
  return { name, manifest, files, strings };
}

function labelText(element: XmlElement | undefined): string | undefined {
  if (element === undefined) return undefined;
  return attribute(element, "default") ?? attribute(childElements(element, "label")[0] ?? element, "description");
}

async function readEnvironmentVariables(zip: JSZip): Promise<PackagedEnvironmentVariable[]> {
  const paths = Object.keys(zip.files).filter((path) =>
    /^environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/.test(path),
  );
  const variables: PackagedEnvironmentVariable[] = [];
  for (const path of paths.sort()) {
    const definition = await entryXml(zip, path, "environment variable");
    const schemaName = attribute(definition, "schemaname");
    if (schemaName === undefined) throw new SolutionPackageError(`${path}: no schemaname`);
    variables.push({
      schemaName,
      displayName: labelText(childElement(definition, "displayname")) ?? schemaName,
      type: Number(childText(definition, "type") ?? "100000000"),
      defaultValue: childText(definition, "defaultvalue"),
    });
  }
  return variables;
}

export async function readSolutionPackage(zipBytes: Buffer): Promise<SolutionPackage> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(zipBytes);
  } catch (error) {
    throw new SolutionPackageError(`not a readable zip: ${error instanceof Error ? error.message : String(error)}`);
  }
  const solution = await entryXml(zip, "solution.xml", "solution");
  const manifest = childElement(solution, "SolutionManifest");
  const customizations = await entryXml(zip, "customizations.xml", "solution");
  const controls = new Map<string, PackagedControl>();
  for (const customControl of childElements(
    childElement(customizations, "CustomControls") ?? customizations,
    "CustomControl",
  )) {
    const control = await readControl(zip, customControl);
    controls.set(control.name, control);
  }
  const webResources = await readWebResources(zip, customizations);
  const forms = mainFormsOf(customizations);
  for (const form of forms) {
    for (const library of form.libraries) {
      if (!webResources.has(library))
        throw new SolutionPackageError(
          `form ${form.name}: its library ${library} is not a web resource of the solution`,
        );
    }
  }
  return {
    uniqueName: (manifest === undefined ? undefined : childText(manifest, "UniqueName")) ?? "",
    version: (manifest === undefined ? undefined : childText(manifest, "Version")) ?? "",
    forms,
    choiceLabels: choiceLabelsOf(customizations),
    webResources,
    controls,
    environmentVariables: await readEnvironmentVariables(zip),
  };
}
