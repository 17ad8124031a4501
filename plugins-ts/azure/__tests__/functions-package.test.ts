/**
 * `npm run package:functions`: the package's contents, and the package loaded from its zip the way
 * the Azure Functions Node.js worker loads an app (support/functions-worker-stand-in.cjs): the
 * worker's `@azure/functions-core` module, package.json's `main`, the functions @azure/functions
 * registers, and HTTP invocations through the library's own invocation model. On the Azure state
 * store (Azurite), the zip answers health, applies a keyed SCM data event to the Dataverse emulator
 * and a keyed webhook to the SCM emulator, its state in the shared store.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
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
import { type AzuriteServer, startAzurite } from "@fsi/test/support/azurite";
import { openStateStore } from "../../sync/open-state-store";
import { closeServer, listen } from "@fsi/sandbox/http";
import {
  INTEGRATION,
  INTEGRATION_TOKEN,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  startEnvironment,
} from "../../__tests__/support/environment";

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
    response?: { http?: { statusCode?: string; body?: { string?: string; bytes?: Record<string, number> } } };
  }[];
}

/** An HTTP reply's body as the worker hands it to the host (a string, or bytes serialised by index). */
function bodyOf(invocation: WorkerReport["invocations"][number] | undefined): unknown {
  const body = invocation?.response?.http?.body;
  const text = body?.string ?? Buffer.from(Object.values(body?.bytes ?? {})).toString("utf8");
  return JSON.parse(text) as unknown;
}

/** Runs the extracted app in a fresh Node.js process with exactly these app settings. */
async function runLikeTheWorker(settings: Record<string, string>, invocations: unknown[] = []): Promise<WorkerReport> {
  // Asynchronous: the emulators some invocations call run in this process.
  const worker = spawn(process.execPath, [workerStandIn, extracted], {
    env: { PATH: process.env.PATH ?? "", ...settings },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const stdout: Buffer[] = [];
  worker.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  worker.stdin.end(JSON.stringify(invocations));
  const code = await new Promise<number | null>((resolve, reject) => {
    worker.on("error", reject);
    worker.on("close", resolve);
  });
  if (code !== 0) throw new Error(`the worker stand-in exited with ${String(code)}`);
  // The report is the last line; the app's own log lines come before it.
  const lines = Buffer.concat(stdout).toString("utf8").trimEnd().split("\n");
  return JSON.parse(lines.at(-1) ?? "") as WorkerReport;
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

  it("loads like the Functions worker loads it, and registers every function with @azure/functions v4", async () => {
    const report = await runLikeTheWorker({});
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

  it("runs an HTTP invocation through the bundle: missing app settings are named", async () => {
    const report = await runLikeTheWorker({}, [
      { function: "health", method: "GET", url: "https://fsi.azurewebsites.net/plugins/health" },
    ]);
    const [health] = report.invocations;
    expect(health?.error).toMatch(/FSI_DATAVERSE_URL/);
    expect(health?.error).toMatch(/FSI_WEBHOOK_KEY/);
    expect(health?.error).toMatch(/FSI_VALIDATION_JWKS_URL/);
  });

  it("refuses a SQLite state store with the setting that fixes it", async () => {
    const settings = { ...deployedSettings };
    const report = await runLikeTheWorker(settings, [
      { function: "health", method: "GET", url: "https://fsi.azurewebsites.net/plugins/health" },
    ]);
    expect(report.invocations[0]?.error).toBe(SQLITE_NOT_IN_PACKAGE);
  });
});

describe("the Functions package on the Azure state store", () => {
  let azurite: AzuriteServer;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 60_000);
  afterAll(async () => {
    await azurite.stop();
  });

  it("answers health, the keyed probe and the inventory status from the zip with FSI_STATE_STORE=azure", async () => {
    const prefix = "fsipackage";
    const settings = {
      ...deployedSettings,
      FSI_STATE_STORE: "azure",
      FSI_STORAGE_CONNECTION_STRING: azurite.connectionString,
      FSI_STORAGE_PREFIX: prefix,
    };
    const report = await runLikeTheWorker(settings, [
      { function: "health", method: "GET", url: "https://fsi.azurewebsites.net/plugins/health" },
      {
        function: "probe",
        method: "GET",
        url: `https://fsi.azurewebsites.net/plugins/probe/webhooks`,
        params: { target: "webhooks" },
        headers: { "x-fsi-webhook-key": deployedSettings.FSI_WEBHOOK_KEY },
      },
      {
        function: "probe",
        method: "GET",
        url: `https://fsi.azurewebsites.net/plugins/probe/webhooks`,
        params: { target: "webhooks" },
        headers: { "x-fsi-webhook-key": "not-the-key-0123456789abcdef" },
      },
      {
        function: "inventory-status",
        method: "GET",
        url: "https://fsi.azurewebsites.net/plugins/inventory/status",
        headers: { "x-fsi-webhook-key": deployedSettings.FSI_WEBHOOK_KEY },
      },
    ]);
    const [health, probe, wrongKey, inventory] = report.invocations;
    expect([health?.error, health?.response?.http?.statusCode]).toEqual([undefined, "200"]);
    expect(bodyOf(health)).toEqual({ status: "ok", queueDepth: 0 });
    expect([probe?.error, probe?.response?.http?.statusCode]).toEqual([undefined, "200"]);
    expect(wrongKey?.response?.http?.statusCode).toBe("401");
    expect([inventory?.error, inventory?.response?.http?.statusCode]).toEqual([undefined, "200"]);
    expect(bodyOf(probe)).toEqual({ status: "ok", key: "accepted" });
    // The inventory engine reads its checkpoints from the same shared store (none yet).
    const { maps } = bodyOf(inventory) as { maps: { map: string; checkpoint: number }[] };
    expect(maps.map((map) => map.map)).toContain("on-hand");
    expect(maps.every((map) => map.checkpoint === 0)).toBe(true);
    // The package's instance created the shared store's tables: the ones `fsi` and other instances open.
    const store = await openStateStore({
      kind: "azure",
      access: { kind: "connection-string", connectionString: azurite.connectionString },
      prefix,
    });
    try {
      expect(await store.queue.depth()).toBe(0);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("applies a keyed SCM data event and a keyed webhook from the zip, each landing in the other system, state in the shared store", async () => {
    // SCM's data event endpoint and Dataverse's service endpoints point at a collector, not at a
    // host: the test hands what they send to the package. It accepts everything (the synchronous
    // validate step included), so Dataverse commits.
    const deliveries: { path: string; key: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const key = req.headers["x-fsi-webhook-key"];
        deliveries.push({
          path: new URL(req.url ?? "/", "http://collector").pathname,
          key: typeof key === "string" ? key : "",
          body: Buffer.concat(chunks).toString("utf8"),
        });
        res.writeHead(200).end();
      });
    });
    const collectorUrl = await listen(collector, 0);
    const delivered = async (path: string): Promise<string[]> => {
      // After commit, asynchronously: wait until it has come (bounded, no timed assertion).
      for (let tries = 0; tries < 2000 && !deliveries.some((delivery) => delivery.path === path); tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return deliveries.filter((delivery) => delivery.path === path).map((delivery) => delivery.body);
    };
    const env = await startEnvironment({ hostUrlForScm: () => collectorUrl, webhookOriginFor: () => collectorUrl });
    const prefix = "fsievents";
    const store = await openStateStore({
      kind: "azure",
      access: { kind: "connection-string", connectionString: azurite.connectionString },
      prefix,
    });
    try {
      const created = await scmRequest(env.scmUrl, "POST", "OperationalSites", {
        dataAreaId: "usmf",
        SiteId: "S9",
        SiteName: "Tacoma",
      });
      expect(created.status).toBe(201);
      const events = await delivered("/plugins/scm-events");
      expect(events).toHaveLength(1);

      const settings = {
        ...deployedSettings,
        FSI_DATAVERSE_URL: env.dataverse.url,
        FSI_DATAVERSE_TOKEN: INTEGRATION_TOKEN,
        FSI_SCM_URL: env.scmUrl,
        FSI_INTEGRATION_USER_ID: INTEGRATION.id,
        FSI_WEBHOOK_KEY: WEBHOOK_KEY,
        FSI_SCM_EVENTS_KEY: SCM_EVENTS_KEY,
        FSI_STATE_STORE: "azure",
        FSI_STORAGE_CONNECTION_STRING: azurite.connectionString,
        FSI_STORAGE_PREFIX: prefix,
      };
      const { FSI_CREDENTIAL: _managedIdentity, ...sandboxSettings } = settings;
      const event = (code: string) => ({
        function: "scm-events",
        method: "POST",
        url: `https://fsi.azurewebsites.net/plugins/scm-events?code=${code}`,
        headers: { "content-type": "application/json" },
        body: events[0],
      });
      const report = await runLikeTheWorker(sandboxSettings, [
        event("not-the-key-0123456789abcdef"),
        event(SCM_EVENTS_KEY),
      ]);
      const [wrongKey, applied] = report.invocations;
      expect(wrongKey?.response?.http?.statusCode).toBe("401");
      expect([applied?.error, applied?.response?.http?.statusCode]).toEqual([undefined, "200"]);

      expect(await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S9'")).toMatchObject({
        msdyn_name: "Tacoma",
      });
      expect(await store.ledger.summary("operational-sites")).toMatchObject({ synced: 1, failed: 0 });
      expect(await store.queue.depth()).toBe(0);

      // A person renames the site in Field Service: the asynchronous sync-to-scm webhook, keyed,
      // handed to the package, reaches SCM.
      deliveries.length = 0;
      const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S9'");
      const renamed = await dataverseRequest(
        env.dataverse.url,
        "PATCH",
        `msdyn_operationalsites(${String(site?.msdyn_operationalsiteid)})`,
        { msdyn_name: "Tacoma North" },
      );
      expect(renamed.status).toBe(204);
      const [syncToScm] = await delivered("/plugins/webhooks/sync-to-scm");
      expect(deliveries.find((delivery) => delivery.path === "/plugins/webhooks/sync-to-scm")?.key).toBe(WEBHOOK_KEY);
      const webhook = await runLikeTheWorker(sandboxSettings, [
        {
          function: "webhooks",
          method: "POST",
          url: "https://fsi.azurewebsites.net/plugins/webhooks/sync-to-scm",
          params: { handler: "sync-to-scm" },
          headers: { "content-type": "application/json", "x-fsi-webhook-key": WEBHOOK_KEY },
          body: syncToScm,
        },
      ]);
      expect([webhook.invocations[0]?.error, webhook.invocations[0]?.response?.http?.statusCode]).toEqual([
        undefined,
        "200",
      ]);
      const scmSite = await scmRequest(env.scmUrl, "GET", "OperationalSites(dataAreaId='usmf',SiteId='S9')");
      expect((scmSite.json as Record<string, unknown>).SiteName).toBe("Tacoma North");
      expect(await store.queue.depth()).toBe(0);
    } finally {
      await store.close();
      await env.close();
      await closeServer(collector);
    }
  }, 120_000);
});

const deployedSettings = {
  FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com",
  FSI_SCM_URL: "https://contoso.operations.dynamics.com",
  FSI_CREDENTIAL: "managed-identity",
  FSI_INTEGRATION_USER_ID: "00000000-0000-0000-0000-00000000abcd",
  FSI_WEBHOOK_KEY: "k".repeat(32),
  FSI_SCM_EVENTS_KEY: "e".repeat(32),
  FSI_VALIDATION_ISSUER: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
  FSI_VALIDATION_AUDIENCE: "22222222-2222-2222-2222-222222222222",
  FSI_VALIDATION_JWKS_URL: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/discovery/v2.0/keys",
};
