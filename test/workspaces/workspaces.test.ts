/**
 * The parts' package.json files say which part may depend on which (README, "Architecture"). ESLint
 * (import-x/no-extraneous-dependencies) holds every import to these declarations; this suite holds
 * the declarations to the architecture, so a dependency cannot be made legal by declaring it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.join(__dirname, "..", "..");

interface Manifest {
  readonly name?: string;
  readonly private?: boolean;
  readonly workspaces?: readonly string[];
  readonly exports?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function manifest(folder: string): Manifest {
  return JSON.parse(readFileSync(path.join(root, folder, "package.json"), "utf8")) as Manifest;
}

const rootManifest = manifest(".");
const workspaceFolders = rootManifest.workspaces ?? [];
const parts = new Map(workspaceFolders.map((folder) => [folder, manifest(folder)]));
const names = (record: Readonly<Record<string, string>> | undefined) => Object.keys(record ?? {});
const part = (folder: string): Manifest => {
  const found = parts.get(folder);
  if (!found) throw new Error(`${folder} is not a workspace`);
  return found;
};

/** What gets deployed; it never depends on the emulators, the cross-part tests or the benchmarks. */
const product = ["core", "controls", "forms", "plugins-ts", "solution"];
const developmentOnly = ["@fsi/sandbox", "@fsi/test", "@fsi/bench"];
const browser = ["controls", "forms"];
const server = ["plugins-ts", "solution", "core"];
const browserOnlyPackages = /^(react|react-dom|@fluentui\/.*|@azure\/msal-browser|@testing-library\/react)$/;
const serverOnlyPackages = /^(better-sqlite3|@azure\/(data-tables|functions|identity|storage-.*))$/;

describe("the workspaces", () => {
  it("are every top-level folder with a package.json, each named @fsi/… and private", () => {
    const withManifest = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith("."))
      .filter((entry) => entry.name !== "tools" && existsSync(path.join(root, entry.name, "package.json")))
      .map((entry) => entry.name)
      .sort();
    expect([...workspaceFolders].sort()).toEqual(withManifest);
    expect(product.every((folder) => parts.has(folder))).toBe(true);
    for (const [folder, { name, private: isPrivate, exports }] of parts) {
      expect({ folder, name, isPrivate, pattern: exports?.["./*"] }).toEqual({
        folder,
        name: expect.stringMatching(/^@fsi\/[a-z-]+$/) as unknown,
        isPrivate: true,
        pattern: "./*.ts",
      });
    }
  });

  it("keep the product's dependencies free of the emulators, tests and benchmarks", () => {
    for (const folder of product) {
      const declared = names(part(folder).dependencies);
      expect({ folder, forbidden: declared.filter((name) => developmentOnly.includes(name)) }).toEqual({
        folder,
        forbidden: [],
      });
    }
  });

  it("let core depend on nothing of ours", () => {
    const core = part("core");
    expect(names(core.dependencies).filter((name) => name.startsWith("@fsi/"))).toEqual([]);
  });

  it("give React, Fluent and MSAL.js only to the browser parts, SQLite and the Azure SDKs only to the server", () => {
    for (const folder of server) {
      const declared = [...names(part(folder).dependencies), ...names(part(folder).devDependencies)];
      expect({ folder, browserOnly: declared.filter((name) => browserOnlyPackages.test(name)) }).toEqual({
        folder,
        browserOnly: [],
      });
    }
    for (const folder of browser) {
      const declared = [...names(part(folder).dependencies), ...names(part(folder).devDependencies)];
      expect({ folder, serverOnly: declared.filter((name) => serverOnlyPackages.test(name)) }).toEqual({
        folder,
        serverOnly: [],
      });
    }
    const rootDeclared = [...names(rootManifest.dependencies), ...names(rootManifest.devDependencies)];
    expect(rootDeclared.filter((name) => browserOnlyPackages.test(name) || serverOnlyPackages.test(name))).toEqual([]);
  });

  it("pin every outside package to one exact version, the same in every part", () => {
    const versions = new Map<string, Set<string>>();
    for (const declared of [rootManifest, ...parts.values()]) {
      for (const [name, version] of Object.entries({ ...declared.dependencies, ...declared.devDependencies })) {
        if (!versions.has(name)) versions.set(name, new Set());
        versions.get(name)?.add(version);
      }
    }
    const loose = [...versions]
      .filter(
        ([, found]) => found.size !== 1 || [...found].some((version) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)),
      )
      .map(([name, found]) => `${name}@${[...found].join("|")}`);
    expect(loose).toEqual([]);
  });
});
