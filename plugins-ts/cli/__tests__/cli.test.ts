/**
 * The CLI's surface: usage and configuration errors (exit 2, saying what is wrong), the sandbox
 * defaults, flags over variables, and the inventory engine's batch maps wired into `run` and
 * `status`.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_INTEGRATION_TOKEN, SANDBOX_INTEGRATION_USER } from "@fsi/sandbox/auth/plugins-mount";
import {
  INTEGRATION,
  INTEGRATION_TOKEN,
  type Environment,
  startEnvironment,
} from "../../__tests__/support/environment";
import type { StatusReport } from "../commands/status";
import { cliSettings } from "../config";
import { writeSandboxConnection } from "../sandbox-connection";
import { type TempDir, cliEnvironment, fsi, tempDir } from "./support";

/** A project folder whose `.sandbox/` holds what a running sandbox leaves there. */
function projectWithSandbox(
  root: string,
  name: string,
  url: string,
  scmUrl = `${url}/scm`,
  token = SANDBOX_INTEGRATION_TOKEN,
  userId = SANDBOX_INTEGRATION_USER.id,
): string {
  const project = join(root, name);
  mkdirSync(join(project, ".sandbox"), { recursive: true });
  writeSandboxConnection(join(project, ".sandbox"), {
    url,
    scmUrl,
    dataverseToken: token,
    integrationUserId: userId,
    statePath: "plugins.sqlite",
    inventoryStatePath: "inventory.sqlite",
  });
  return project;
}

let dir: TempDir;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => {
  dir.remove();
});

describe("usage", () => {
  it("prints the usage for --help, and exits 2 without a command", async () => {
    expect(await fsi({}, dir.path, "sync", "--help")).toMatchObject({
      code: 0,
      out: expect.stringContaining("Usage: fsi sync <command>") as unknown,
    });
    expect((await fsi({}, dir.path)).code).toBe(2);
  });

  it.each([
    [["sync", "initial", "--direction", "fs-to-scm"], "--map is required"],
    [["sync", "initial", "--map", "warehouses"], "--direction is required: fs-to-scm or scm-to-fs."],
    [
      ["sync", "initial", "--map", "warehouses", "--direction", "sideways"],
      "--direction must be fs-to-scm or scm-to-fs; got 'sideways'.",
    ],
    [
      ["sync", "initial", "--map", "warehouses", "--direction", "fs-to-scm", "--master", "both"],
      "--master must be fs or scm; got 'both'.",
    ],
    [
      ["sync", "initial", "--map", "warehouses", "--direction", "fs-to-scm", "--batch-size", "0"],
      "--batch-size must be a whole number from 1 to 1000.",
    ],
    [
      ["sync", "initial", "--map", "depots", "--direction", "fs-to-scm"],
      "There is no map 'depots'; maps: operational-sites, warehouses,",
    ],
    [["sync", "pause"], "Name a map: operational-sites, warehouses"],
    [["sync", "pause", "depots"], "There is no map 'depots'"],
    [["sync", "status", "--colour"], "Unknown option '--colour'"],
    [["sync", "teleport"], "Unknown command 'sync teleport'."],
    [["deploy"], "Unknown command 'deploy'"],
  ])("fsi %j exits 2 saying what is wrong", async (args, message) => {
    const run = await fsi({}, projectWithSandbox(dir.path, "usage", "http://127.0.0.1:9"), ...args);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });
});

describe("configuration", () => {
  it("finds the running sandbox through the connection file in its state folder: its port, token, user and both state files", () => {
    const project = projectWithSandbox(dir.path, "on-8085", "http://127.0.0.1:8085");
    expect(statSync(join(project, ".sandbox", "connection.json")).mode & 0o777).toBe(0o600);
    const settings = cliSettings({}, {}, project);
    expect(settings).toMatchObject({ sandbox: true, statePath: join(project, ".sandbox", "plugins.sqlite") });
    expect(settings.env.FSI_INVENTORY_STATE_PATH).toBe(join(project, ".sandbox", "inventory.sqlite"));
    expect(settings.connection.dataverse.url).toBe("http://127.0.0.1:8085");
    expect(settings.connection.scm.url).toBe("http://127.0.0.1:8085/scm");
    expect(settings.connection.integration).toMatchObject({
      integrationUserId: SANDBOX_INTEGRATION_USER.id,
      echoTag: "fsi-integration",
      scmIntegrationUser: "FSI-Integration",
    });
    // Naming the sandbox's own URL (as a user who set PORT would) still takes the rest from the file.
    const named = cliSettings({ dataverseUrl: "http://127.0.0.1:8085/" }, {}, project);
    expect(named).toMatchObject({ sandbox: true, statePath: join(project, ".sandbox", "plugins.sqlite") });
    // Another state folder: --sandbox or FSI_SANDBOX_DIR.
    const elsewhere = projectWithSandbox(dir.path, "elsewhere", "http://127.0.0.1:9001");
    expect(cliSettings({ sandbox: join(elsewhere, ".sandbox") }, {}, dir.path).connection.dataverse.url).toBe(
      "http://127.0.0.1:9001",
    );
    expect(cliSettings({}, { FSI_SANDBOX_DIR: join(elsewhere, ".sandbox") }, dir.path).connection.dataverse.url).toBe(
      "http://127.0.0.1:9001",
    );
  });

  it("without a sandbox or a Dataverse URL, says how to get one (exit 2)", async () => {
    const run = await fsi({}, join(dir.path), "sync", "status");
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "No Dataverse to talk to: give --dataverse-url (or FSI_DATAVERSE_URL), or start the sandbox (npm start)",
    );
    writeFileSync(
      join(projectWithSandbox(dir.path, "broken", "http://127.0.0.1:8085"), ".sandbox", "connection.json"),
      "{",
    );
    const broken = await fsi({}, join(dir.path, "broken"), "sync", "status");
    expect(broken.code).toBe(2);
    expect(broken.err).toContain("connection.json is not JSON");
  });

  it("names the flag or variable the user gave in its errors", async () => {
    const byFlags = await fsi(
      {},
      dir.path,
      "sync",
      "status",
      "--dataverse-url",
      "https://contoso.crm.dynamics.com",
      "--scm-url",
      "not a url",
      "--state",
      "x.db",
    );
    expect(byFlags.code).toBe(2);
    expect(byFlags.err).toContain("--scm-url:");
    expect(byFlags.err).toContain("--integration-user-id (or FSI_INTEGRATION_USER_ID):");
    expect(byFlags.err).not.toContain("environment:");
    const byVariables = await fsi(
      { FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com", FSI_SCM_URL: "nope", FSI_STATE_PATH: "x.db" },
      dir.path,
      "sync",
      "status",
    );
    expect(byVariables.err).toContain("FSI_SCM_URL:");
    expect(byVariables.err).not.toContain("--scm-url");
  });

  it("takes FSI_* variables, with flags over them", () => {
    const env = {
      FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com",
      FSI_DATAVERSE_TOKEN: "t",
      FSI_SCM_URL: "https://contoso.operations.dynamics.com",
      FSI_INTEGRATION_USER_ID: SANDBOX_INTEGRATION_USER.id,
      FSI_STATE_PATH: "/var/fsi/state.db",
    };
    const settings = cliSettings({ scmUrl: "https://other.operations.dynamics.com", state: "here.db" }, env, "/srv");
    expect(settings).toMatchObject({ sandbox: false, statePath: "/srv/here.db" });
    expect(settings.connection.scm.url).toBe("https://other.operations.dynamics.com");
    expect(settings.env.FSI_STATE_PATH).toBe("/srv/here.db");
  });

  it("refuses a real environment without the host's state file, or without credentials (exit 2)", async () => {
    const real = {
      FSI_DATAVERSE_URL: "https://contoso.crm.dynamics.com",
      FSI_SCM_URL: "https://contoso.operations.dynamics.com",
      FSI_INTEGRATION_USER_ID: SANDBOX_INTEGRATION_USER.id,
    };
    const noState = await fsi({ ...real, FSI_DATAVERSE_TOKEN: "t" }, dir.path, "sync", "status");
    expect(noState.code).toBe(2);
    expect(noState.err).toContain("--state <path> or FSI_STATE_PATH");
    const noToken = await fsi({ ...real, FSI_STATE_PATH: "x.db" }, dir.path, "sync", "status");
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain(
      "--dataverse-token (or FSI_DATAVERSE_TOKEN): set --dataverse-token (or FSI_DATAVERSE_TOKEN), or FSI_TENANT_ID, FSI_CLIENT_ID and FSI_CLIENT_SECRET",
    );
  });

  it("stops with exit 3 and a resumable message when Dataverse does not answer", async () => {
    const unreachable = {
      FSI_DATAVERSE_URL: "http://127.0.0.1:9",
      FSI_DATAVERSE_TOKEN: "t",
      FSI_SCM_URL: "http://127.0.0.1:9/scm",
      FSI_INTEGRATION_USER_ID: SANDBOX_INTEGRATION_USER.id,
      FSI_STATE_PATH: join(dir.path, "down.db"),
    };
    const run = await fsi(unreachable, dir.path, "sync", "initial", "--map", "ship-vias", "--direction", "scm-to-fs");
    expect(run.code).toBe(3);
    expect(run.err).toMatch(
      /Initial sync stopped before writing any row: Dataverse GET .* no answer after 4 attempts .* No run was kept/,
    );
    // Nothing half-finished stays behind: status shows no initial run.
    const status = JSON.parse((await fsi(unreachable, dir.path, "sync", "status", "--json")).out) as StatusReport;
    expect(status.maps.every((map) => map.lastInitialRun === null)).toBe(true);
  });
});

describe("batch maps of the inventory engine", () => {
  let env: Environment;
  let variables: Record<string, string>;
  beforeAll(async () => {
    const statePath = join(dir.path, "batch.sqlite");
    env = await startEnvironment({ statePath });
    variables = cliEnvironment(env, dir.path, statePath);
  });
  afterAll(async () => {
    await env.close();
  });

  it("runs one through `fsi sync run <map>` and shows its last run in `status`", async () => {
    const before = JSON.parse((await fsi(variables, dir.path, "sync", "status", "--json")).out) as StatusReport;
    expect(before.batchMaps).toBeNull();
    expect(before.batchNote).toContain("no inventory state file");

    const run = await fsi(variables, dir.path, "sync", "run", "on-hand");
    expect(run.err).toBe("");
    expect(run.out).toMatch(/^Batch run 1 of on-hand: succeeded; read 0/);
    expect(run.code).toBe(0);

    const after = JSON.parse((await fsi(variables, dir.path, "sync", "status", "--json")).out) as StatusReport;
    expect(after.batchMaps?.find((map) => map.map === "on-hand")?.lastRun).toMatchObject({
      id: 1,
      status: "succeeded",
    });
    expect((await fsi(variables, dir.path, "sync", "run", "no-such-map")).code).toBe(2);
  });

  it("finds the sandbox's inventory state in its state folder, with no variable set", async () => {
    const project = projectWithSandbox(
      dir.path,
      "batch-project",
      env.dataverse.url,
      env.scmUrl,
      INTEGRATION_TOKEN,
      INTEGRATION.id,
    );
    const before = JSON.parse((await fsi({}, project, "sync", "status", "--json")).out) as StatusReport;
    expect(before.batchNote).toContain(join(project, ".sandbox", "inventory.sqlite"));
    expect((await fsi({}, project, "sync", "run", "on-hand")).code).toBe(0);
    const after = JSON.parse((await fsi({}, project, "sync", "status", "--json")).out) as StatusReport;
    expect(after.stateFile).toBe(join(project, ".sandbox", "plugins.sqlite"));
    expect(after.batchMaps?.find((map) => map.map === "on-hand")?.lastRun).toMatchObject({ status: "succeeded" });
  });
});
