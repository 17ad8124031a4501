/**
 * `fsi sync status` and the map modes: which maps the toolkit syncs here (`FSI_MAP_MODES`), and a
 * warning wherever Microsoft's dual-write maps and the toolkit would both write one table.
 */
import { join } from "node:path";
import { type Environment, dataverseRequest, startEnvironment } from "../../__tests__/support/environment";
import type { StatusReport } from "../commands/status";
import { cliEnvironment, fsi, tempDir } from "./support";

const dir = tempDir();
let env: Environment;
let variables: Record<string, string>;

beforeAll(async () => {
  const statePath = join(dir.path, "modes.sqlite");
  env = await startEnvironment({ statePath });
  variables = cliEnvironment(env, dir.path, statePath);
  // The environment has Microsoft's Supply Chain dual-write maps (warehouses, ship vias, sites).
  const installed = await dataverseRequest(env.dataverse.url, "POST", "solutions", {
    uniquename: "msdyn_Dynamics365SupplyChainExtendedMaps",
    friendlyname: "Dynamics 365 Supply Chain Management extended entity maps",
  });
  expect(installed.status).toBe(204);
});
afterAll(async () => {
  await env.close();
  dir.remove();
});

const status = async (extra: Record<string, string> = {}) => {
  const run = await fsi({ ...variables, ...extra }, dir.path, "sync", "status", "--json");
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as StatusReport;
};

describe("map modes in fsi sync status", () => {
  it("warns where Microsoft's maps and the toolkit would both write a table", async () => {
    const report = await status();
    expect(report.writers.maps.find((map) => map.map === "warehouses")).toEqual({
      map: "warehouses",
      mode: "fsi",
      microsoftMaps: "msdyn_Dynamics365SupplyChainExtendedMaps",
    });
    expect(report.writers.warnings.map((warning) => warning.split(":")[0]).sort()).toEqual(["ship-vias", "warehouses"]);
    const text = await fsi(variables, dir.path, "sync", "status");
    expect(text.out).toContain(
      "Warning: warehouses: Microsoft's dual-write maps (msdyn_Dynamics365SupplyChainExtendedMaps) are installed and this toolkit syncs the table too",
    );
  });

  it("is quiet once those maps are left to dual-write, and warns when a dual-write map has no one to sync it", async () => {
    const report = await status({
      FSI_MAP_MODES: "warehouses=dual-write,ship-vias=dual-write,payment-terms=dual-write",
    });
    expect(report.writers.maps.map((map) => [map.map, map.mode])).toContainEqual(["warehouses", "dual-write"]);
    expect(report.writers.warnings).toEqual([
      "payment-terms: set to dual-write, but Microsoft's dual-write maps for it are not installed: no one syncs this table.",
    ]);
  });

  it("refuses an unknown map or mode in FSI_MAP_MODES, naming what is allowed", async () => {
    const run = await fsi({ ...variables, FSI_MAP_MODES: "warehouse=dual-write" }, dir.path, "sync", "status");
    expect(run.code).toBe(2);
    expect(run.err).toContain("FSI_MAP_MODES: 'warehouse' is not a map; maps: ");
  });
});
