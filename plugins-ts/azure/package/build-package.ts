/**
 * Builds the Azure Functions package (Functions runtime 4.x, Node.js programming model v4) that a
 * Function App runs from its zip: a Flex Consumption app always runs from the package it was
 * deployed ("Function apps on the Flex Consumption hosting plan run from a package by default";
 * Learn `azure-functions/run-functions-from-deployment-package.md`), other plans with
 * WEBSITE_RUN_FROM_PACKAGE. Running from a package mounts the zip read-only as wwwroot, so
 * everything the app loads must be inside it and nothing is installed or built on the server.
 *
 * What the package holds, at the zip's root:
 * - `host.json`: the runtime's configuration (`plugins-ts/azure/host.json`), required at the root of
 *   the app folder (Learn `azure-functions/functions-reference.md`, "Folder structure");
 * - `package.json` with `main`: the file the Node.js worker loads to find the functions an app
 *   registers with `app.http` / `app.timer` (Learn `azure-functions/functions-reference-node.md`,
 *   v4 model, "Registering a function" and "Folder structure");
 * - `index.js`: `plugins-ts/azure/index.ts` and everything it imports (our code, @azure/functions,
 *   zod, jose, the Azure SDKs), bundled by esbuild into one CommonJS file, so there is no
 *   node_modules folder to ship. `@azure/functions-core` stays outside: it is not on npm, the Node.js
 *   worker provides it to the app at run time and @azure/functions requires it from there.
 *
 * SQLite is not in the package. better-sqlite3 is a native module, and the Function App's
 * instances share no disk: a SQLite state file would give every instance its own queue and
 * ledger. The package is built for FSI_STATE_STORE=azure (the Function App's storage account,
 * `infra/main.bicep`); `sqlite-refusal.ts` takes better-sqlite3's place and names that setting
 * if the app is configured for SQLite anyway.
 */
import { build, type Metafile, type Plugin } from "esbuild";
import JSZip from "jszip";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const repositoryRoot = path.resolve(__dirname, "../../..");

export const functionsEntry = path.join(repositoryRoot, "plugins-ts", "azure", "index.ts");
const hostJsonSource = path.join(repositoryRoot, "plugins-ts", "azure", "host.json");
const sqliteRefusal = path.join(repositoryRoot, "plugins-ts", "azure", "package", "sqlite-refusal.ts");

/** Where `npm run package:functions` writes (dist/ is not committed). */
export const defaultPackageFolder = path.join(repositoryRoot, "dist", "functions");
export const defaultPackageZip = path.join(repositoryRoot, "dist", "functions.zip");

/** The bundle's file name, which package.json's `main` names. */
export const PACKAGE_MAIN = "index.js";

/** Every zip entry's date: the earliest DOS date, so the build time never changes the package's bytes. */
export const PACKAGE_ENTRY_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Provided by the Node.js worker at run time (not an npm package). */
const WORKER_PROVIDED_MODULES = ["@azure/functions-core"];

/**
 * The Node.js version the bundle is compiled for: the oldest the package supports. Flex
 * Consumption runs Node.js 20 and 22 (`infra/main.bicep`, `nodeVersion`).
 */
const NODE_TARGET = "node20";

/** better-sqlite3 (a native module) is replaced by the refusal module; see the file comment. */
const sqliteOutOfPackage: Plugin = {
  name: "fsi-sqlite-out-of-package",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqliteRefusal }));
  },
};

export interface FunctionsPackageOptions {
  /** The folder the package's files are written to (emptied first). */
  readonly folder?: string;
  /** The zip to deploy; omit to write only the folder. */
  readonly zip?: string | null;
  /** Minify the bundle (default true; tests build faster without). */
  readonly minify?: boolean;
}

export interface FunctionsPackage {
  readonly folder: string;
  readonly zip: string | null;
  /** The package's files, relative to its root, sorted. */
  readonly files: readonly string[];
  /** Every source file bundled into `index.js`, relative to the repository root. */
  readonly bundledInputs: readonly string[];
  readonly bundleBytes: number;
  readonly zipBytes: number | null;
}

/** The package's package.json: what the Node.js worker reads to find `main`. */
export async function packageManifest(): Promise<Record<string, unknown>> {
  const root = JSON.parse(await readFile(path.join(repositoryRoot, "package.json"), "utf8")) as {
    name: string;
    version: string;
    description?: string;
    license?: string;
  };
  return {
    name: `${root.name}-functions`,
    version: root.version,
    private: true,
    description:
      "Azure Functions app of the Field Service ⇄ Supply Chain integration: the plug-in host and the inventory engine.",
    license: root.license,
    // CommonJS: the bundle is CommonJS and the worker loads a .js main with require().
    main: PACKAGE_MAIN,
    engines: { node: ">=20" },
  };
}

async function filesUnder(folder: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await filesUnder(path.join(folder, entry.name), relative)));
    else files.push(relative);
  }
  return files.sort();
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).sort();
}

/** Builds the package folder and (unless `zip: null`) its zip, with host.json at the zip's root. */
export async function buildFunctionsPackage(options: FunctionsPackageOptions = {}): Promise<FunctionsPackage> {
  const folder = options.folder ?? defaultPackageFolder;
  const zip = options.zip === undefined ? defaultPackageZip : options.zip;
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });

  const result = await build({
    absWorkingDir: repositoryRoot,
    entryPoints: [functionsEntry],
    outfile: path.join(folder, PACKAGE_MAIN),
    bundle: true,
    platform: "node",
    target: NODE_TARGET,
    format: "cjs",
    minify: options.minify ?? true,
    external: WORKER_PROVIDED_MODULES,
    plugins: [sqliteOutOfPackage],
    metafile: true,
    // Third-party licence comments stay in the bundle, as their licences ask.
    legalComments: "eof",
    logLevel: "silent",
  });

  await writeFile(path.join(folder, "host.json"), await readFile(hostJsonSource));
  await writeFile(path.join(folder, "package.json"), `${JSON.stringify(await packageManifest(), null, 2)}\n`);

  const files = await filesUnder(folder);
  let zipBytes: number | null = null;
  if (zip !== null) {
    const archive = new JSZip();
    for (const file of files)
      archive.file(file, await readFile(path.join(folder, ...file.split("/"))), {
        date: PACKAGE_ENTRY_DATE,
        createFolders: false,
      });
    const bytes = await archive.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" });
    await mkdir(path.dirname(zip), { recursive: true });
    await writeFile(zip, bytes);
    zipBytes = bytes.length;
  }
  const bundleBytes = (await readFile(path.join(folder, PACKAGE_MAIN))).length;
  return { folder, zip, files, bundledInputs: inputsOf(result.metafile), bundleBytes, zipBytes };
}
