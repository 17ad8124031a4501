/**
 * The app description the browser runs from (see `shared/contract.ts`): the solution package's
 * forms, controls and web resources with the addresses the form host serves them at, the
 * platform libraries each control needs (in load order), the signed-in user, and the SCM entities
 * for the admin page.
 */
import { mapForScmCollection, scmEntities } from "@fsi/core";
import type { SolutionPackage } from "./package/solution-package";
import type { PlatformLibraries, PlatformLibrary } from "./platform-libraries";
import type {
  AppDescription,
  ControlDescription,
  PlatformLibraryDescription,
  SandboxUser,
  ScmCollectionDescription,
} from "./shared/contract";

export const formHostPaths = {
  app: "/formhost/app.js",
  styles: "/formhost/formhost.css",
  appJson: "/formhost/api/app",
  platform: "/formhost/platform",
  controls: "/formhost/controls",
  webResources: "/WebResources",
} as const;

export function platformLibraryUrl(library: PlatformLibrary): string {
  return `${formHostPaths.platform}/${library.tag}.js`;
}

/** A path segment per part, so names with `/` (web resources) stay readable. */
function pathOf(...parts: readonly string[]): string {
  return parts.map((part) => part.split("/").map(encodeURIComponent).join("/")).join("/");
}

/** React first, then ReactDOM (the platform ships them together), then the rest in manifest order. */
export function platformLibrariesFor(
  manifestLibraries: readonly { name: string; version: string }[],
  libraries: PlatformLibraries,
  where: string,
): PlatformLibrary[] {
  const resolved = manifestLibraries.map((library) => {
    const found = libraries.resolve(library.name, library.version);
    if (found === undefined) throw new Error(`${where}: the platform has no ${library.name} ${library.version}`);
    return found;
  });
  const react = resolved.filter((library) => library.name === "react");
  const reactDom = react.flatMap((library) => libraries.reactDomFor(library) ?? []);
  return [...react, ...reactDom, ...resolved.filter((library) => library.name !== "react")];
}

function describeControls(solution: SolutionPackage, libraries: PlatformLibraries): ControlDescription[] {
  return [...solution.controls.values()].map((control) => {
    const platformLibraries: PlatformLibraryDescription[] = platformLibrariesFor(
      control.manifest.platformLibraries,
      libraries,
      control.name,
    ).map((library) => ({
      name: library.name,
      version: library.platformVersion,
      global: library.global,
      url: platformLibraryUrl(library),
    }));
    return {
      name: control.name,
      registeredName: `${control.manifest.namespace}.${control.manifest.constructorName}`,
      controlType: control.manifest.controlType,
      version: control.manifest.version,
      bundleUrl: `${formHostPaths.controls}/${pathOf(control.name, control.manifest.codePath)}`,
      properties: control.manifest.properties,
      platformLibraries,
      strings: control.strings,
      features: control.manifest.features,
    };
  });
}

function describeScmCollections(): ScmCollectionDescription[] {
  return scmEntities.map((entity) => {
    const map = mapForScmCollection(entity.collection);
    return {
      collection: entity.collection,
      displayName: entity.displayName,
      keys: entity.keys,
      fields: entity.fields,
      ...(map === undefined
        ? {}
        : {
            dataverse: {
              table: map.dataverseTable,
              companyColumn: map.company.dataverse,
              companyKey: map.company.key,
              keys: map.keys.map((key) => ({ scm: key.scm, dataverse: key.dataverse })),
            },
          }),
    };
  });
}

export interface AppDescriptionOptions {
  readonly organizationUrl: string;
  readonly webApiPath: string;
  readonly webApiToken: string;
  readonly user: SandboxUser;
  readonly zipName: string;
  readonly scmPath: string;
}

/** Builds the description; controls and SCM entities once, the rest per request (the origin varies). */
export function appDescriber(
  solution: SolutionPackage,
  libraries: PlatformLibraries,
): (options: AppDescriptionOptions) => AppDescription {
  const controls = describeControls(solution, libraries);
  const scmCollections = describeScmCollections();
  const webResources = [...solution.webResources.values()].map((resource) => ({
    name: resource.name,
    type: resource.type,
    url: `${formHostPaths.webResources}/${pathOf(resource.name)}`,
  }));
  return (options) => ({
    solution: { uniqueName: solution.uniqueName, version: solution.version, zip: options.zipName },
    forms: solution.forms,
    choiceLabels: solution.choiceLabels,
    controls,
    webResources,
    organizationUrl: options.organizationUrl,
    webApiPath: options.webApiPath,
    webApiToken: options.webApiToken,
    user: options.user,
    scmPath: options.scmPath,
    scmCollections,
  });
}
