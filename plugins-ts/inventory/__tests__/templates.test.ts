/**
 * Customizable templates: a user's copy of a map (a file) changes what the map carries — added
 * columns, value maps, a Field Service filter — and a template that cannot work is refused when
 * the engine starts, with the file and every problem named.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { MapTemplateError } from "@fsi/core/maps/parse-template";
import { builtInFlowMap } from "@fsi/core/maps/flow-templates";
import { createInventoryEngine } from "../engine";
import { type InventorySettings, InventorySettingsError, readInventorySettingsFile } from "../templates/flow-catalog";
import { type InventoryEnvironment, dataverseRows, startInventoryEnvironment } from "./support/environment";

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "fsi-inventory-templates-"));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function engineWith(settings: InventorySettings) {
  return createInventoryEngine({
    dataverse: { url: "http://127.0.0.1:9", accessToken: () => Promise.resolve("unused") },
    scm: { url: "http://127.0.0.1:9/scm" },
    integration: {
      integrationUserId: "a0000000-0000-4000-8000-0000000000f5",
      echoTag: "fsi-integration",
      scmIntegrationUser: "FSI-Integration",
    },
    settings,
  });
}

function refusal(settings: InventorySettings): string {
  try {
    void engineWith(settings).close();
  } catch (error) {
    expect(error).toBeInstanceOf(MapTemplateError);
    return (error as Error).message;
  }
  throw new Error("the template was accepted");
}

describe("a user's template", () => {
  let env: InventoryEnvironment;

  afterAll(async () => {
    await env.close();
  });

  it("carries what the user's copy says: only time and material projects in process", async () => {
    const template = JSON.parse(JSON.stringify(builtInFlowMap("projects"))) as { filter?: string };
    template.filter = "fsi_projectstage eq 716900003 and fsi_projecttype eq 716900000";
    const file = path.join(folder, "projects.json");
    writeFileSync(file, JSON.stringify(template, null, 2));

    env = await startInventoryEnvironment({ settings: { maps: { projects: { template: file, mode: "batch" } } } });
    const status = (await env.engine.batchStatus()).find((map) => map.map === "projects");
    expect(status).toMatchObject({ template: file, mode: "batch", filter: template.filter });
    expect(await env.engine.runBatch("projects")).toMatchObject({ read: 4, changed: 2, filtered: 2 });
    const rows = await dataverseRows(env, "fsi_projects?$orderby=fsi_projectnumber");
    expect(rows.map((row) => row.fsi_projectnumber)).toEqual(["US-PRJ-0001", "US-PRJ-0002"]);
  });
});

describe("a bad template is refused, naming the problem", () => {
  it("a misspelt property", () => {
    const template = { ...builtInFlowMap("on-hand"), direciton: "toDataverse" };
    expect(refusal({ maps: { "on-hand": { template } } })).toBe(
      'maps.on-hand.template: $: Unrecognized key: "direciton"',
    );
  });

  it("a column that does not exist, a column the flow writes itself, and the wrong direction", () => {
    const base = builtInFlowMap("on-hand");
    const template = {
      ...base,
      columns: [
        ...base.columns,
        { dataverse: "msdyn_qtyavailable", scm: "AvailablePhysical", direction: "toDataverse" },
        { dataverse: "msdyn_bin", scm: "WarehouseId", direction: "toDataverse" },
        { dataverse: "msdyn_name", scm: "ItemNumber", direction: "both" },
      ],
    };
    expect(refusal({ maps: { "on-hand": { template } } }).split("\n")).toEqual([
      "maps.on-hand.template: $.columns[4].dataverse: msdyn_qtyavailable is written by the on-hand flow itself; it cannot be mapped",
      "maps.on-hand.template: $.columns[5].dataverse: unknown Dataverse column msdyn_bin of msdyn_productinventory",
      'maps.on-hand.template: $.columns[6].direction: the on-hand map runs one way (SCM → Field Service); set "direction": "toDataverse"',
    ]);
  });

  it("a value map to a value Field Service cannot store", () => {
    const base = builtInFlowMap("projects");
    const template = {
      ...base,
      columns: base.columns.map((pair) =>
        pair.dataverse === "fsi_projectstage"
          ? { ...pair, valueMap: { pairs: [{ dataverse: 42, scm: "InProcess" }] } }
          : pair,
      ),
    };
    expect(refusal({ maps: { projects: { template } } })).toBe(
      "maps.projects.template: $.columns[2].valueMap.pairs[0].dataverse: 42 is not a value of Dataverse fsi_projectstage (choice with options 716900000 (Created), 716900001 (Estimated), 716900002 (Scheduled), 716900003 (In process), 716900004 (Completed))",
    );
  });

  it("a filter on a column the table does not have, or that is not OData", () => {
    expect(
      refusal({ maps: { projects: { template: { ...builtInFlowMap("projects"), filter: "fsi_region eq 'West'" } } } }),
    ).toBe("maps.projects.template: $.filter: unknown column fsi_region of fsi_project");
    expect(
      refusal({ maps: { projects: { template: { ...builtInFlowMap("projects"), filter: "fsi_projecttype eq" } } } }),
    ).toMatch(/^maps\.projects\.template: \$\.filter: not a valid OData filter/);
    expect(
      refusal({
        maps: {
          projects: { template: { ...builtInFlowMap("projects"), filter: "fsi_projecttype eq 'TimeMaterial'" } },
        },
      }),
    ).toBe(
      "maps.projects.template: $.filter: 'fsi_projecttype eq 'TimeMaterial'': fsi_projecttype holds a number, but TimeMaterial is text",
    );
  });

  it("a template file that is not JSON, or is another map's", () => {
    const broken = path.join(folder, "broken.json");
    writeFileSync(broken, '{ "name": "on-hand", ');
    expect(refusal({ maps: { "on-hand": { template: broken } } })).toMatch(
      new RegExp(`^${broken.replaceAll("\\", "\\\\")}: \\$: not valid JSON`),
    );
    const other = path.join(folder, "other.json");
    writeFileSync(other, JSON.stringify(builtInFlowMap("projects")));
    expect(refusal({ maps: { "on-hand": { template: other } } })).toBe(
      `${other}: $.name: this template is for map projects; it is configured as map on-hand`,
    );
  });

  it("a settings file that names an unknown map or mode", () => {
    const file = path.join(folder, "settings.json");
    writeFileSync(file, JSON.stringify({ maps: { "on-hand": { mode: "nightly" }, warehouses: {} } }));
    expect(() => readInventorySettingsFile(file)).toThrow(InventorySettingsError);
    expect(() => readInventorySettingsFile(file)).toThrow(
      `${file}: $.maps["on-hand"].mode: Invalid option: expected one of "live"|"batch"\n${file}: $.maps: Unrecognized key: "warehouses"`,
    );
  });
});
