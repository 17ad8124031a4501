/**
 * The CLI's surface: usage and configuration errors (exit 2, saying what is wrong), the sandbox
 * defaults, flags over variables, and the inventory engine's batch maps wired into `run` and
 * `status`.
 */
import { join } from "node:path";
import { SANDBOX_INTEGRATION_TOKEN, SANDBOX_INTEGRATION_USER } from "../../../sandbox/auth/plugins-mount";
import { type Environment, startEnvironment } from "../../__tests__/support/environment";
import type { StatusReport } from "../commands/status";
import { SANDBOX_DATAVERSE_TOKEN, SANDBOX_INTEGRATION_USER_ID, cliSettings } from "../config";
import { type TempDir, cliEnvironment, fsi, tempDir } from "./support";

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
    const run = await fsi({}, dir.path, ...args);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });
});

describe("configuration", () => {
  it("defaults to the local sandbox, with the sandbox's integration user and token and the host's state file", () => {
    expect(SANDBOX_DATAVERSE_TOKEN).toBe(SANDBOX_INTEGRATION_TOKEN);
    expect(SANDBOX_INTEGRATION_USER_ID).toBe(SANDBOX_INTEGRATION_USER.id);
    const settings = cliSettings({}, {}, "/work/project");
    expect(settings).toMatchObject({ sandbox: true, statePath: "/work/project/.sandbox/plugins.sqlite" });
    expect(settings.connection.dataverse.url).toBe("http://127.0.0.1:8080");
    expect(settings.connection.scm.url).toBe("http://127.0.0.1:8080/scm");
    expect(settings.connection.integration).toMatchObject({
      integrationUserId: SANDBOX_INTEGRATION_USER.id,
      echoTag: "fsi-integration",
      scmIntegrationUser: "FSI-Integration",
    });
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
      "FSI_DATAVERSE_TOKEN: set FSI_DATAVERSE_TOKEN, or FSI_TENANT_ID, FSI_CLIENT_ID and FSI_CLIENT_SECRET",
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
      /Initial sync run 1 stopped: Dataverse GET .* no answer after 4 attempts .* run the same command again to resume\./,
    );
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
});
