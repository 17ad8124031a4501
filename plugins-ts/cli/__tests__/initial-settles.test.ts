/**
 * The initial sync settles: a second run right after the first changes 0 rows, both ways. Values
 * are compared at the precision both systems keep — SCM holds coordinates with 6 decimals,
 * Dataverse with 5, so a 6-decimal SCM coordinate written to Dataverse reads back rounded and is
 * not a difference — and names as SCM stores them (surrounding spaces trimmed). Rows without
 * coordinates (SCM's 0,0) stay null in Field Service.
 */
import { type Environment, dataverseRowByKey, startEnvironment } from "../../__tests__/support/environment";
import { warehouseRecordsOnBothSides } from "../../__tests__/support/reconcile";
import { type TempDir, TRANSIT, cliEnvironment, createFs, fsi, scmWithoutEvent, tempDir } from "./support";

let env: Environment;
let dir: TempDir;
let variables: Record<string, string>;

interface Report {
  readonly maps: { map: string; counts: Record<string, number> }[];
  readonly errors: unknown[];
}

beforeAll(async () => {
  dir = tempDir();
  const statePath = `${dir.path}/plugins.sqlite`;
  env = await startEnvironment({ statePath });
  variables = cliEnvironment(env, dir.path, statePath);
  await scmWithoutEvent(env, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  // Only in SCM: coordinates with 6 decimals, a name SCM holds trimmed, one without coordinates.
  for (let n = 0; n < 20; n += 1) {
    await scmWithoutEvent(env, "POST", "Warehouses", {
      dataAreaId: "usmf",
      WarehouseId: `${6100 + n}`,
      WarehouseName: `Seattle ${n}`,
      OperationalSiteId: "S1",
      WarehouseType: "Transit",
      PrimaryAddressLatitude: 47.606213 + n / 1000,
      PrimaryAddressLongitude: -122.332071 - n / 1000,
    });
  }
  await scmWithoutEvent(env, "POST", "Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "6199",
    WarehouseName: "Nowhere",
    OperationalSiteId: "S1",
    WarehouseType: "Transit",
  });
});

afterAll(async () => {
  await env.close();
  dir.remove();
});

async function initial(direction: "scm-to-fs" | "fs-to-scm"): Promise<Report> {
  const run = await fsi(
    variables,
    dir.path,
    "sync",
    "initial",
    "--map",
    "warehouses",
    "--direction",
    direction,
    "--json",
    "--restart",
  );
  expect([run.code, run.err, run.code === 0 ? "" : run.out]).toEqual([0, "", ""]);
  await env.dataverse.emulator.idle();
  await env.host.whenIdle();
  return JSON.parse(run.out) as Report;
}

const written = (report: Report) =>
  report.maps.reduce(
    (sum, { counts }) => sum + (counts.created ?? 0) + (counts.updated ?? 0) + (counts["written-back"] ?? 0),
    0,
  );

describe("the initial sync run twice", () => {
  it("SCM → Field Service: the first run writes every row, the second none", async () => {
    expect(written(await initial("scm-to-fs"))).toBe(22);
    expect(written(await initial("scm-to-fs"))).toBe(0);
    const sides = await warehouseRecordsOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.dataverse.find((row) => row.key === "usmf/6199")).toMatchObject({ latitude: null, longitude: null });
  });

  it("Field Service → SCM, with names Field Service keeps untrimmed: the second run writes nothing", async () => {
    const site = (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))
      ?.msdyn_operationalsiteid;
    for (let n = 0; n < 5; n += 1) {
      await createFs(env, "msdyn_warehouses", {
        msdyn_name: `${6200 + n}`,
        msdyn_description: `  Padded ${n}  `,
        msdyn_warehouseidentifier: `${6200 + n}`,
        msdyn_warehousetype: TRANSIT,
        msdyn_primaryaddresslatitude: 41.87811 + n / 1000,
        msdyn_primaryaddresslongitude: -87.6298,
        "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
        "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${String(site)})`,
      });
    }
    const first = await initial("fs-to-scm");
    expect(first.errors).toEqual([]);
    expect(written(first)).toBe(5);
    expect(written(await initial("fs-to-scm"))).toBe(0);
    expect(written(await initial("scm-to-fs"))).toBe(0);
    const sides = await warehouseRecordsOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
  });
});
