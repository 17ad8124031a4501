/**
 * `npm run build:solution`: packs dist/FieldServiceScmIntegration.zip and _managed.zip.
 *
 *   tsx solution/pack/cli.ts [--source DIR] [--controls DIR] [--webresources DIR] [--out DIR]
 *                            [--webhook-host-url URL] [--unpacked DIR]
 *   tsx solution/pack/cli.ts unpack <zip> <folder>
 *   tsx solution/pack/cli.ts pack <folder> [--out DIR]
 *
 * The plug-in host's URL (the webhook endpoints add their /plugins/... paths) comes from
 * --webhook-host-url, else FSI_WEBHOOK_HOST_URL, else the sandbox's http://127.0.0.1:8080.
 * --unpacked also writes the staged source (solution/src plus the built files) for `pac solution pack --folder DIR`. `unpack` and `pack`
 * are SolutionPackager's extract and pack without .NET: `pack` zips an unpacked folder as it is
 * (no stamping), so it refuses a folder whose parts disagree (a control of another version).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SolutionBuildError, fail } from "../errors";
import { readTree, writeTree, type FileTree } from "../file-tree";
import {
  controlBuildFolder,
  displayPath,
  distFolder,
  packageVersion,
  sourceFolder,
  webResourceBuildFolder,
} from "../paths";
import { unpackSolution } from "../unpack/unpack";
import { buildSolutionPackages, managedZipName, unmanagedZipName } from "./build";
import { packSolution } from "./pack";
import { checkWebhookHostUrl } from "./stage";

const usage = `Usage:
  tsx solution/pack/cli.ts [--source DIR] [--controls DIR] [--webresources DIR] [--out DIR] [--webhook-host-url URL] [--unpacked DIR]
  tsx solution/pack/cli.ts unpack <zip> <folder>
  tsx solution/pack/cli.ts pack <folder> [--out DIR]`;

const packOptions = ["--source", "--controls", "--webresources", "--out", "--webhook-host-url", "--unpacked"] as const;
type PackOption = (typeof packOptions)[number];

function parseOptions(argv: readonly string[]): Map<PackOption, string> {
  const options = new Map<PackOption, string>();
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = argv[index + 1];
    if (
      !(packOptions as readonly (string | undefined)[]).includes(name) ||
      value === undefined ||
      value.startsWith("--")
    ) {
      throw new UsageError(name === undefined ? "missing option" : `unknown option or missing value: ${name}`);
    }
    options.set(name as PackOption, value);
  }
  return options;
}

class UsageError extends Error {}

async function pack(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const resolve = (option: PackOption, fallback: string) => path.resolve(options.get(option) ?? fallback);
  const configuredUrl = options.get("--webhook-host-url") ?? process.env.FSI_WEBHOOK_HOST_URL;
  const webhookHostUrl =
    configuredUrl === undefined
      ? undefined
      : checkWebhookHostUrl(
          configuredUrl,
          options.has("--webhook-host-url") ? "--webhook-host-url" : "FSI_WEBHOOK_HOST_URL",
        );
  const packages = await buildSolutionPackages({
    sourceFolder: resolve("--source", sourceFolder),
    controlBuildFolder: resolve("--controls", controlBuildFolder),
    webResourceBuildFolder: resolve("--webresources", webResourceBuildFolder),
    packageVersion: packageVersion(),
    ...(webhookHostUrl === undefined ? {} : { webhookHostUrl }),
  });
  writePackages(resolve("--out", distFolder), packages.unmanaged, packages.managed);
  const unpacked = options.get("--unpacked");
  if (unpacked !== undefined) {
    replaceUnpackedFolder(unpacked, packages.staged.tree);
    console.log(`Wrote the unpacked solution to ${displayPath(path.resolve(unpacked))} (pac solution pack --folder).`);
  }
}

function writePackages(out: string, unmanaged: Buffer, managed: Buffer): void {
  mkdirSync(out, { recursive: true });
  for (const [name, content] of [
    [unmanagedZipName, unmanaged],
    [managedZipName, managed],
  ] as const) {
    writeFileSync(path.join(out, name), content);
    console.log(`Wrote ${displayPath(path.join(out, name))} (${content.length} bytes).`);
  }
}

async function packFolder(argv: readonly string[]): Promise<void> {
  const [folder, ...rest] = argv;
  if (folder === undefined || folder.startsWith("--")) throw new UsageError("pack needs <folder>");
  const options = parseOptions(rest);
  if ([...options.keys()].some((option) => option !== "--out")) throw new UsageError("pack takes only --out");
  const root = path.resolve(folder);
  if (!existsSync(root)) fail("INVALID_OPTION", displayPath(root), "does not exist");
  const tree = readTree(root);
  const describe = (treePath: string) => displayPath(path.join(root, ...treePath.split("/")));
  writePackages(
    path.resolve(options.get("--out") ?? distFolder),
    await packSolution(tree, { managed: false, describe }),
    await packSolution(tree, { managed: true, describe }),
  );
}

/**
 * Writing an unpacked solution replaces the folder; refuse a folder that holds something else, so
 * `unpack x.zip .` cannot wipe a working directory.
 */
function replaceUnpackedFolder(folder: string, tree: FileTree): void {
  const root = path.resolve(folder);
  if (existsSync(root) && readdirSync(root).length > 0 && !existsSync(path.join(root, "Other", "Solution.xml"))) {
    fail(
      "INVALID_OPTION",
      displayPath(root),
      "is not empty and holds no unpacked solution (Other/Solution.xml); choose an empty folder",
    );
  }
  writeTree(root, tree);
}

async function unpack(argv: readonly string[]): Promise<void> {
  const [zipPath, folder, ...rest] = argv;
  if (zipPath === undefined || folder === undefined || rest.length > 0)
    throw new UsageError("unpack needs <zip> <folder>");
  const tree = await unpackSolution(readFileSync(zipPath), displayPath(path.resolve(zipPath)));
  replaceUnpackedFolder(folder, tree);
  console.log(`Unpacked ${tree.size} files to ${displayPath(path.resolve(folder))}.`);
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === "unpack") await unpack(argv.slice(1));
    else if (argv[0] === "pack") await packFolder(argv.slice(1));
    else await pack(argv);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof SolutionBuildError) {
      console.error(`Solution build failed: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
