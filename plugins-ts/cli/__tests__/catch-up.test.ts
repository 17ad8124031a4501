/**
 * `fsi sync catch-up`: SCM changes whose data events were lost reach Field Service when an
 * administrator runs the catch-up pass from the shell; maps can be named; a second run finds
 * nothing to do; an unknown map is a usage error.
 */
import { type Environment, dataverseRowByKey, startEnvironment, settle } from "../../__tests__/support/environment";
import { type TempDir, cliEnvironment, fsi, scmWithoutEvent, tempDir } from "./support";

let env: Environment;
let dir: TempDir;
let variables: Record<string, string>;

beforeAll(async () => {
  dir = tempDir();
  const statePath = `${dir.path}/plugins.sqlite`;
  env = await startEnvironment({ statePath });
  variables = cliEnvironment(env, dir.path, statePath);
});

afterAll(async () => {
  await env.close();
  dir.remove();
});

interface CatchUpJson {
  maps: { map: string; read: number; applied: number; deleted: number; unchanged: number; queued: number }[];
}

it("brings SCM rows whose events were lost into Field Service, for the maps named, and then has nothing to do", async () => {
  await scmWithoutEvent(env, "POST", "OperationalSites", {
    dataAreaId: "usmf",
    SiteId: "CU1",
    SiteName: "Catch-up site",
  });
  await scmWithoutEvent(env, "POST", "ModesOfDelivery", {
    dataAreaId: "usmf",
    ModeCode: "CU-AIR",
    ModeDescription: "Air",
  });
  await settle(env);
  expect(await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'CU1'")).toBeUndefined();

  const run = await fsi(variables, dir.path, "sync", "catch-up", "--map", "operational-sites", "--json");
  expect([run.code, run.err]).toEqual([0, ""]);
  expect((JSON.parse(run.out) as CatchUpJson).maps).toEqual([
    expect.objectContaining({ map: "operational-sites", read: 1, applied: 1, deleted: 0, queued: 0 }),
  ]);
  expect(await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'CU1'")).toMatchObject({
    msdyn_name: "Catch-up site",
  });
  // Only the map named ran: the mode of delivery is still missing.
  expect(await dataverseRowByKey(env, "msdyn_shipvias", "msdyn_name eq 'CU-AIR'")).toBeUndefined();

  // Without --map: every map, as a table.
  const all = await fsi(variables, dir.path, "sync", "catch-up");
  expect(all.code).toBe(0);
  expect(all.out.split("\n")[0]).toMatch(/^map\s+read in SCM\s+written\s+deleted\s+unchanged\s+queued$/);
  expect(all.out).toMatch(/^operational-sites\s+1\s+0\s+0\s+1\s+0$/m);
  expect(all.out).toMatch(/^ship-vias\s+1\s+1\s+0\s+0\s+0$/m);
  expect(await dataverseRowByKey(env, "msdyn_shipvias", "msdyn_name eq 'CU-AIR'")).toMatchObject({
    msdyn_description: "Air",
  });
});

it("refuses a map that does not exist, and a positional argument, as usage errors", async () => {
  const unknown = await fsi(variables, dir.path, "sync", "catch-up", "--map", "warehouse");
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain("There is no map 'warehouse'");
  const positional = await fsi(variables, dir.path, "sync", "catch-up", "warehouses");
  expect(positional.code).toBe(2);
  expect(positional.err).toContain("Name maps with --map");
});
