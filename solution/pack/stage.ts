/**
 * Staging: the committed source (`solution/src`) plus the built artifacts, as one unpacked
 * solution ready to pack (ours, or `pac solution pack`'s). The control bundles and the form
 * script library are copied in from their build folders, the package.json version is stamped
 * into Solution.xml and every control manifest, and the webhook endpoints get the URL configured
 * for this build.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ProblemList, fail } from "../errors";
import { byPath, readTree, type FileTree } from "../file-tree";
import { solutionVersion } from "../identity";
import { unbraced } from "../ids";
import { displayPath } from "../paths";
import { solutionServiceEndpoints } from "../steps";
import { attribute, parseXml, serializeXml, withAttribute, withChildren, withChildText, type XmlElement } from "../xml";
import { parseControlManifest, type ControlManifest } from "./control-manifest";
import { customizationsFile, solutionFile, type DescribePath } from "./source";

export interface StageOptions {
  /** The unpacked source: `solution/src`. */
  readonly sourceFolder: string;
  /** `out/controls`: one folder per control, named after its constructor. */
  readonly controlBuildFolder: string;
  /** `out/webresources`: files at their web resource names (`fsi_/scripts/forms.js`). */
  readonly webResourceBuildFolder: string;
  /** The root package.json version: the solution's and every control's. */
  readonly packageVersion: string;
  /** Base URL of the webhook receivers; defaults to the sandbox's. */
  readonly webhookHostUrl?: string;
}

export interface StagedSolution {
  readonly tree: FileTree;
  /** Names a tree path as the file the user knows (`solution/src/...`, `out/controls/...`). */
  readonly describe: DescribePath;
}

const controlDataPattern = /^Controls\/([^/]+)\/ControlManifest\.xml\.data\.xml$/;
const webResourceDataPattern = /^WebResources\/(.+)\.data\.xml$/;

/**
 * The plug-in host URL option, checked: an absolute http(s) URL of the host itself (the endpoints
 * add `/plugins/webhooks/<handler>` and `/plugins/inventory/webhooks/<handler>`), without query or
 * fragment. `source` names where it came from.
 */
export function checkWebhookHostUrl(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    fail("INVALID_OPTION", source, `"${value}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    fail("INVALID_OPTION", source, `"${value}" must be an http or https URL`);
  if (url.search !== "" || url.hash !== "")
    fail("INVALID_OPTION", source, `"${value}" must not carry a query or fragment`);
  if (/\/plugins(\/|$)/.test(url.pathname)) {
    fail(
      "INVALID_OPTION",
      source,
      `"${value}" must be the plug-in host's URL without /plugins/...: each endpoint adds its own path (https://fsi.contoso.com → https://fsi.contoso.com/plugins/webhooks/validate)`,
    );
  }
  return url.toString().replace(/\/+$/, "");
}

/**
 * The manifest with the package version: the control version is the platform's cache key for the
 * bundle, so every build of the solution ships its controls under the solution's version.
 */
function withControlVersion(manifest: XmlElement, version: string): XmlElement {
  return withChildren(
    manifest,
    manifest.children.map((child) => (child.name === "control" ? withAttribute(child, "version", version) : child)),
  );
}

function stampVersion(solution: XmlElement, version: string): XmlElement {
  return withChildren(
    solution,
    solution.children.map((child) =>
      child.name === "SolutionManifest" ? withChildText(child, "Version", version) : child,
    ),
  );
}

/** Sets each of our endpoints' `<Url>`; reports an endpoint the source does not hold. */
function configureEndpoints(
  customizations: XmlElement,
  webhookHostUrl: string | undefined,
  file: string,
  problems: ProblemList,
): XmlElement {
  const wanted = new Map(
    solutionServiceEndpoints(webhookHostUrl === undefined ? {} : { webhookHostUrl }).map((endpoint) => [
      endpoint.id,
      endpoint,
    ]),
  );
  const found = new Set<string>();
  const sections = customizations.children.map((section) => {
    if (section.name !== "ServiceEndpoints") return section;
    return withChildren(
      section,
      section.children.map((endpoint) => {
        const id = unbraced(attribute(endpoint, "ServiceEndpointId") ?? "");
        const configured = id === undefined ? undefined : wanted.get(id);
        if (configured === undefined) return endpoint;
        found.add(configured.id);
        return withChildText(endpoint, "Url", configured.url);
      }),
    );
  });
  for (const endpoint of wanted.values()) {
    if (!found.has(endpoint.id)) {
      problems.add(
        "INVALID_SOURCE",
        file,
        `has no service endpoint ${endpoint.name} ({${endpoint.id}}); regenerate the source (npx tsx solution/generate/cli.ts)`,
      );
    }
  }
  return withChildren(customizations, sections);
}

function stageControl(
  name: string,
  options: StageOptions,
  files: [string, Buffer][],
  origins: Map<string, string>,
  problems: ProblemList,
): void {
  const constructorName = name.slice(name.lastIndexOf(".") + 1);
  const buildFolder = path.join(options.controlBuildFolder, constructorName);
  const manifestPath = path.join(buildFolder, "ControlManifest.xml");
  if (!existsSync(manifestPath)) {
    problems.add(
      "MISSING_BUILD",
      displayPath(manifestPath),
      `is missing: control ${constructorName} has not been built (run npm run build:controls)`,
    );
    return;
  }
  const manifestContent = readFileSync(manifestPath);
  let manifest: ControlManifest | undefined;
  problems.collect(() => {
    manifest = parseControlManifest(manifestContent.toString("utf8"), displayPath(manifestPath));
  });
  if (manifest === undefined) return;
  const stampedManifest = serializeXml(
    withControlVersion(parseXml(manifestContent.toString("utf8"), displayPath(manifestPath)), options.packageVersion),
  );
  const manifestTreePath = `Controls/${name}/ControlManifest.xml`;
  files.push([manifestTreePath, Buffer.from(stampedManifest, "utf8")]);
  origins.set(manifestTreePath, displayPath(manifestPath));
  for (const relative of manifest.resourceFiles) {
    const absolute = path.join(buildFolder, ...relative.split("/"));
    if (!existsSync(absolute)) {
      problems.add(
        "MISSING_BUILD",
        displayPath(absolute),
        `is missing: ControlManifest.xml of ${constructorName} names it (run npm run build:controls)`,
      );
      continue;
    }
    const treePath = `Controls/${name}/${relative}`;
    files.push([treePath, readFileSync(absolute)]);
    origins.set(treePath, displayPath(absolute));
  }
}

export function stageSolution(options: StageOptions): StagedSolution {
  const problems = new ProblemList();
  const source = existsSync(options.sourceFolder) ? readTree(options.sourceFolder) : new Map<string, Buffer>();
  if (source.size === 0) problems.add("INVALID_SOURCE", displayPath(options.sourceFolder), "is missing or empty");
  const origins = new Map<string, string>();
  const files: [string, Buffer][] = [];
  for (const [treePath, content] of source) {
    origins.set(treePath, displayPath(path.join(options.sourceFolder, ...treePath.split("/"))));
    files.push([treePath, content]);
  }
  const describe: DescribePath = (treePath) =>
    origins.get(treePath) ?? displayPath(path.join(options.sourceFolder, ...treePath.split("/")));

  let version: string | undefined;
  try {
    version = solutionVersion(options.packageVersion);
  } catch (error) {
    problems.add("VERSION_MISMATCH", "package.json", error instanceof Error ? error.message : String(error));
  }

  for (const [index, [treePath, content]] of files.entries()) {
    if (treePath === solutionFile && version !== undefined) {
      const stampedVersion = version;
      problems.collect(() => {
        files[index] = [
          treePath,
          Buffer.from(
            serializeXml(stampVersion(parseXml(content.toString("utf8"), describe(treePath)), stampedVersion)),
            "utf8",
          ),
        ];
      });
    }
    if (treePath === customizationsFile) {
      problems.collect(() => {
        const configured = configureEndpoints(
          parseXml(content.toString("utf8"), describe(treePath)),
          options.webhookHostUrl,
          describe(treePath),
          problems,
        );
        files[index] = [treePath, Buffer.from(serializeXml(configured), "utf8")];
      });
    }
  }

  for (const treePath of source.keys()) {
    const control = controlDataPattern.exec(treePath)?.[1];
    if (control !== undefined) stageControl(control, options, files, origins, problems);
    const resource = webResourceDataPattern.exec(treePath)?.[1];
    if (resource !== undefined) {
      const absolute = path.join(options.webResourceBuildFolder, ...resource.split("/"));
      if (!existsSync(absolute)) {
        problems.add(
          "MISSING_BUILD",
          displayPath(absolute),
          `is missing: web resource ${resource} has not been built (run npm run build:forms)`,
        );
        continue;
      }
      files.push([`WebResources/${resource}`, readFileSync(absolute)]);
      origins.set(`WebResources/${resource}`, displayPath(absolute));
    }
  }
  const seen = new Set<string>();
  for (const [treePath] of files) {
    if (seen.has(treePath)) {
      problems.add(
        "INVALID_SOURCE",
        displayPath(path.join(options.sourceFolder, ...treePath.split("/"))),
        "is a built file: builds are copied in at pack time, so remove it from the source",
      );
    }
    seen.add(treePath);
  }
  problems.throwIfAny();
  return { tree: byPath(files), describe };
}
