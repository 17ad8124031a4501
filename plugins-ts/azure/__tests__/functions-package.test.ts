/**
 * `npm run package:functions`: the package's contents, and the package loaded from its zip the way
 * the Azure Functions Node.js worker loads an app (support/functions-worker-stand-in.cjs): the
 * worker's `@azure/functions-core` module, package.json's `main`, the functions @azure/functions
 * registers, and HTTP invocations through the library's own invocation model.
 */
import { execFileSync } from "node:child_process";
import { builtinModules } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { integrationFunctions } from "../functions";
import {
  type FunctionsPackage,
  PACKAGE_ENTRY_DATE,
  PACKAGE_MAIN,
  buildFunctionsPackage,
} from "../package/build-package";
import { SQLITE_NOT_IN_PACKAGE } from "../package/sqlite-refusal";

const workerStandIn = path.join(__dirname, "support", "functions-worker-stand-in.cjs");
const hostJsonSource = path.join(__dirname, "..", "host.json");

let workDir: string;
let built: FunctionsPackage;
let extracted: string;

interface RegisteredBinding {
  readonly type: string;
  readonly direction: string;
  readonly route?: string;
  readonly methods?: string[];
  readonly authLevel?: string;
  readonly schedule?: string;
}
interface WorkerReport {
  readonly programmingModel: { name: string; version: string } | null;
  readonly functions: { name: string; bindings: Record<string, RegisteredBinding> }[];
  readonly invocations: {
    function: string;
    error?: string;
    response?: { http?: { statusCode?: string; body?: { string?: string } } };
  }[];
}

/** Runs the extracted app in a fresh Node.js process with exactly these app settings. */
function runLikeTheWorker(settings: Record<string, string>, invocations: unknown[] = []): WorkerReport {
  const stdout = execFileSync(process.execPath, [workerStandIn, extracted], {
    input: JSON.stringify(invocations),
    env: { PATH: process.env.PATH ?? "", ...settings },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as WorkerReport;
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), "fsi-functions-package-"));
  built = await buildFunctionsPackage({
    folder: path.join(workDir, "functions"),
    zip: path.join(workDir, "functions.zip"),
  });
  // Run-from-package mounts the zip as the app's folder: what runs is what the zip holds.
  extracted = path.join(workDir, "wwwroot");
  const zip = await JSZip.loadAsync(readFileSync(path.join(workDir, "functions.zip")));
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    const target = path.join(extracted, ...name.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, await entry.async("nodebuffer"));
  }
}, 120_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe("the Functions package", () => {
  it("holds host.json, package.json and the bundle at the zip's root, and nothing else", async () => {
    const zip = await JSZip.loadAsync(readFileSync(path.join(workDir, "functions.zip")));
    const entries = Object.values(zip.files)
      .filter((entry) => !entry.dir)
      .map((entry) => entry.name)
      .sort();
    expect(entries).toEqual(["host.json", PACKAGE_MAIN, "package.json"]);
    expect(built.files).toEqual(entries);
    // Dated at the DOS epoch, not the build time: the same source gives the same zip.
    expect(Object.values(zip.files).map((entry) => entry.date.getTime())).toEqual(
      entries.map(() => PACKAGE_ENTRY_DATE.getTime()),
    );
    expect(JSON.parse(readFileSync(path.join(extracted, "host.json"), "utf8"))).toEqual(
      JSON.parse(readFileSync(hostJsonSource, "utf8")),
    );
    const manifest = JSON.parse(readFileSync(path.join(extracted, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.main).toBe(PACKAGE_MAIN);
    // Everything is in the bundle: nothing to install on a read-only, run-from-package app.
    expect(manifest.dependencies).toBeUndefined();
    // A CommonJS bundle: a "type": "module" package would make Node load index.js as ESM.
    expect(manifest.type).toBeUndefined();
  });

  it("bundles the product only: no tests, sandbox, bench, native module or local settings", () => {
    const ours = built.bundledInputs.filter((input) => !input.startsWith("node_modules/"));
    expect(ours).toContain("plugins-ts/azure/index.ts");
    expect(
      ours.filter((input) => /(^|\/)(__tests__|test|sandbox|bench)\//.test(input) || input.endsWith(".test.ts")),
    ).toEqual([]);
    expect(built.bundledInputs.filter((input) => input.includes("better-sqlite3") || input.endsWith(".node"))).toEqual(
      [],
    );
    expect(ours).toContain("plugins-ts/azure/package/sqlite-refusal.ts");
    expect(built.files.some((file) => /local\.settings\.json$|\.env$|\.pem$/.test(file))).toBe(false);
    // The only module left outside the bundle is the one the worker provides.
    const bundle = readFileSync(path.join(extracted, PACKAGE_MAIN), "utf8");
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1] ?? ""));
    const builtins = new Set(builtinModules);
    const nonBuiltin = [...required].filter(
      (name) =>
        !builtins.has(name.replace(/^node:/, "")) && !builtins.has(name.replace(/^node:/, "").split("/")[0] ?? ""),
    );
    // "encoding" is node-fetch's optional dependency, required inside a try/catch.
    expect(nonBuiltin.sort()).toEqual(["@azure/functions-core", "encoding"]);
    expect(bundle).toMatch(/try\{\w+\$?=require\("encoding"\)\.convert\}catch\{\}/);
  });

  it("loads like the Functions worker loads it, and registers every function with @azure/functions v4", () => {
    const report = runLikeTheWorker({});
    expect(report.programmingModel).toEqual({
      name: "@azure/functions",
      version: expect.stringMatching(/^4\./) as unknown as string,
    });
    const triggers = report.functions.map(({ name, bindings }) => {
      const trigger = Object.values(bindings).find((binding) => binding.direction === "in");
      return [name, trigger?.type, trigger?.route ?? trigger?.schedule, trigger?.methods, trigger?.authLevel];
    });
    // Exactly what the source registers (functions.ts), each HTTP function anonymous: the hosts
    // check the keys and bearer tokens themselves.
    const source = integrationFunctions({});
    expect(triggers).toEqual([
      ...source.http.map((fn) => [fn.name, "httpTrigger", fn.route, [...fn.methods], "anonymous"]),
      ...source.timers.map((fn) => [fn.name, "timerTrigger", fn.schedule, undefined, undefined]),
    ]);
    expect(triggers).toEqual(
      expect.arrayContaining([
        ["webhooks", "httpTrigger", "plugins/webhooks/{handler}", ["POST"], "anonymous"],
        ["scm-events", "httpTrigger", "plugins/scm-events", ["POST"], "anonymous"],
        ["validate", "httpTrigger", "plugins/validate", ["POST", "OPTIONS"], "anonymous"],
        ["inventory-schedule", "timerTrigger", "0 * * * * *", undefined, undefined],
      ]),
    );
    // Each HTTP function answers through an HTTP output binding (the library's `$return`).
    for (const { name, bindings } of report.functions.filter((fn) => fn.name !== "inventory-schedule")) {
      expect([name, bindings.$return?.type]).toEqual([name, "http"]);
    }
  });

  it("runs an HTTP invocation through the bundle: missing app settings are named", () => {
    const report = runLikeTheWorker({}, [
      { function: "health", method: "GET", url: "https://fsi.azurewebsites.net/plugins/health" },
    ]);
    const [health] = report.invocations;
    expect(health?.error).toMatch(/FSI_DATAVERSE_URL/);
    expect(health?.error).toMatch(/FSI_WEBHOOK_KEY/);
    expect(health?.error).toMatch(/FSI_VALIDATION_JWKS_URL/);
  });

  it("refuses a SQLite state store with the setting that fixes it", () => {
    const settings = {
      FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com",
      FSI_SCM_URL: "https://contoso.operations.dynamics.com",
      FSI_CREDENTIAL: "managed-identity",
      FSI_INTEGRATION_USER_ID: "00000000-0000-0000-0000-00000000abcd",
      FSI_WEBHOOK_KEY: "k".repeat(32),
      FSI_SCM_EVENTS_KEY: "e".repeat(32),
      FSI_VALIDATION_ISSUER: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
      FSI_VALIDATION_AUDIENCE: "22222222-2222-2222-2222-222222222222",
      FSI_VALIDATION_JWKS_URL:
        "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/discovery/v2.0/keys",
    };
    const report = runLikeTheWorker(settings, [
      { function: "health", method: "GET", url: "https://fsi.azurewebsites.net/plugins/health" },
    ]);
    expect(report.invocations[0]?.error).toBe(SQLITE_NOT_IN_PACKAGE);
  });
});
