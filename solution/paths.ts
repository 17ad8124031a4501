/** Where things are: the repository, the committed source, the build inputs and outputs. */
import { readFileSync } from "node:fs";
import path from "node:path";

export const repositoryRoot = path.resolve(__dirname, "..");
export const sourceFolder = path.join(repositoryRoot, "solution", "src");
export const controlBuildFolder = path.join(repositoryRoot, "out", "controls");
export const webResourceBuildFolder = path.join(repositoryRoot, "out", "webresources");
export const distFolder = path.join(repositoryRoot, "dist");
/** The Dataverse XSDs the packed XML must validate against (their README says where they come from). */
export const schemaFolder = path.join(repositoryRoot, "solution", "schemas", "dataverse");

/** The version in the root package.json: the solution's and every control's version. */
export function packageVersion(root = repositoryRoot): string {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version?: unknown };
  if (typeof manifest.version !== "string") throw new Error(`${path.join(root, "package.json")} has no version`);
  return manifest.version;
}

/** A path as the user sees it: relative to the repository when inside it, `/`-separated. */
export function displayPath(absolute: string): string {
  const relative = path.relative(repositoryRoot, absolute);
  return (relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative).split(path.sep).join("/");
}
