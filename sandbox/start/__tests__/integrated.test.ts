/**
 * `npm start`'s wiring without a browser: the solution's webhook steps registered in Dataverse
 * against the plug-in host, SCM's business events subscribed, the environment variables pointing
 * at this origin, and Dataverse seeded to match SCM — then a change flowing both ways.
 */
import { environmentVariableDefinition, mapForScmCollection, scmEntities } from "@fsi/core";
import { solutionServiceEndpoints, solutionWebhookSteps } from "@fsi/solution/steps";
import { fixtureZip, type FixtureZip } from "../../formhost/__tests__/fixture-zip";
import { startSandbox, type SandboxServer } from "../../server";
import { integratedMounts } from "../mounts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFsi } from "@fsi/plugins/cli/main";
import { writeSandboxConnection } from "@fsi/plugins/cli/sandbox-connection";
import { sandboxConnectionOf } from "../connection";

jest.setTimeout(300_000);

let zip: FixtureZip;
let sandbox: SandboxServer;
const progress: string[] = [];

async function json(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.url}${path}`, init);
  const text = await response.text();
  return text === ""
    ? { status: response.status }
    : { status: response.status, ...(JSON.parse(text) as Record<string, unknown>) };
}

async function count(path: string): Promise<number> {
  return Number((await json(`${path}${path.includes("?") ? "&" : "?"}$count=true&$top=1`))["@odata.count"]);
}

beforeAll(async () => {
  zip = await fixtureZip();
  sandbox = await startSandbox({
    port: 0,
    stateDir: null,
    mounts: integratedMounts({ solutionZip: zip.path, progress: (line) => progress.push(line) }),
  });
});

afterAll(async () => {
  await sandbox.close();
  zip.dispose();
});

describe("the integrated sandbox", () => {
  it("is set up as fsi doctor expects: nothing missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fsi-doctor-"));
    try {
      writeSandboxConnection(dir, sandboxConnectionOf(sandbox));
      const out: string[] = [];
      const code = await runFsi(["doctor", "--sandbox", dir], {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        env: {},
        cwd: dir,
      });
      expect([code, out.join("\n")]).toEqual([0, `fsi doctor: ${sandbox.url} (host ${sandbox.url})\nNothing missing.`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("registers the solution's webhook steps against the plug-in host on this origin", async () => {
    const steps = (await json("/api/data/v9.2/sdkmessageprocessingsteps?$select=name")).value as { name: string }[];
    expect(steps.map((step) => step.name).sort()).toEqual(
      solutionWebhookSteps()
        .map((step) => step.name)
        .sort(),
    );
    const endpoints = (await json("/api/data/v9.2/serviceendpoints?$select=url")).value as { url: string }[];
    expect(endpoints.map((endpoint) => endpoint.url).sort()).toEqual(
      solutionServiceEndpoints({ webhookHostUrl: sandbox.url })
        .map((endpoint) => endpoint.url)
        .sort(),
    );
    expect(endpoints.map((endpoint) => endpoint.url)).toContain(
      `${sandbox.url}/plugins/inventory/webhooks/inventory-posting-lock`,
    );
  });

  it("registers the host's one SCM events entrance for every map's entities, the inventory maps' included", async () => {
    const endpoints = (await json("/scm/admin/event-endpoints")).value as { url: string; entities: string[] }[];
    expect(endpoints).toEqual([
      expect.objectContaining({
        url: expect.stringMatching(new RegExp(`^${sandbox.url}/plugins/scm-events\\?code=`)) as unknown,
        entities: expect.arrayContaining(["Warehouses", "InventoryOnHand", "Projects"]) as unknown,
      }),
    ]);
    const retired = await fetch(`${sandbox.url}/plugins/inventory/scm-events`, { method: "POST", body: "{}" });
    expect(retired.status).toBe(404);
  });

  it("creates the solution's environment variables and points them at this origin", async () => {
    const definitions = (await json(`/api/data/v9.2/${environmentVariableDefinition.entitySetName}?$select=schemaname`))
      .value as { schemaname: string }[];
    expect(definitions.map((definition) => definition.schemaname).sort()).toEqual([
      "fsi_DefaultCompany",
      "fsi_EntraAuthority",
      "fsi_NearbyRadiusKm",
      "fsi_ScmUnavailablePolicy",
      "fsi_ValidationApiClientId",
      "fsi_ValidationApiScope",
      "fsi_ValidationApiUrl",
    ]);
    expect(
      await json("/api/data/v9.2/RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_ValidationApiUrl')"),
    ).toMatchObject({ Value: `${sandbox.url}/plugins/validate` });
    expect(
      await json("/api/data/v9.2/RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_DefaultCompany')"),
    ).toMatchObject({ Value: "usmf" });
  });

  it("fills Dataverse with every row of SCM's mapped entities, and work orders in Chicago", async () => {
    for (const entity of scmEntities) {
      const map = mapForScmCollection(entity.collection);
      if (map === undefined) continue;
      const table = (
        await json(`/api/data/v9.2/EntityDefinitions(LogicalName='${map.dataverseTable}')?$select=EntitySetName`)
      ).EntitySetName as string;
      expect([entity.collection, await count(`/api/data/v9.2/${table}?$select=createdon`)]).toEqual([
        entity.collection,
        await count(`/scm/data/${entity.collection}?cross-company=true`),
      ]);
    }
    expect(
      await count("/api/data/v9.2/msdyn_workorders?$select=msdyn_name&$filter=msdyn_city eq 'Chicago'"),
    ).toBeGreaterThanOrEqual(3);
    expect(progress).toContain("First run: filling Field Service (Dataverse) to match SCM...");
  });

  it("seeds work orders whose asset stands in the work order's city, and accounts told apart by company", async () => {
    const orders = (
      await json(
        "/api/data/v9.2/msdyn_workorders?$select=msdyn_name,msdyn_city&$expand=msdyn_customerasset($select=msdyn_name)",
      )
    ).value as { msdyn_name: string; msdyn_city: string; msdyn_customerasset: { msdyn_name: string } | null }[];
    const withAsset = orders.filter((order) => order.msdyn_customerasset !== null);
    expect(withAsset.length).toBeGreaterThanOrEqual(4);
    for (const order of withAsset)
      expect([order.msdyn_name, order.msdyn_customerasset?.msdyn_name.endsWith(` - ${order.msdyn_city}`)]).toEqual([
        order.msdyn_name,
        true,
      ]);
    const names = ((await json("/api/data/v9.2/accounts?$select=name")).value as { name: string }[]).map(
      (row) => row.name,
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it("loads SCM's on-hand into product inventory through journals, and its projects", async () => {
    const onHand = await count("/scm/data/InventoryOnHand?cross-company=true");
    expect(onHand).toBeGreaterThan(100);
    expect(await count("/api/data/v9.2/msdyn_productinventories?$select=msdyn_qtyonhand")).toBe(onHand);
    // Every quantity explained by the journal history: one journal per row that holds stock.
    const stocked = await count("/scm/data/InventoryOnHand?cross-company=true&$filter=PhysicalInventory ne 0");
    expect(
      await count(
        "/api/data/v9.2/msdyn_inventoryjournals?$select=msdyn_quantity&$filter=msdyn_journaltype eq 690970000",
      ),
    ).toBe(stocked);
    expect(await count("/api/data/v9.2/fsi_projects?$select=fsi_projectnumber")).toBeGreaterThan(0);
  });

  it("carries an SCM on-hand change into Field Service as a journal of the difference", async () => {
    const [scmRow] = (await json("/scm/data/InventoryOnHand?$filter=WarehouseId eq '1004' and ItemNumber eq 'A0001'"))
      .value as { PhysicalInventory: number }[];
    const before = scmRow?.PhysicalInventory ?? 0;
    const changed = await json("/scm/data/InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1004')", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ PhysicalInventory: before + 7 }),
    });
    expect(changed.status).toBe(204);
    const [warehouse] = (
      await json(
        "/api/data/v9.2/msdyn_warehouses?$select=msdyn_warehouseid&$filter=msdyn_warehouseidentifier eq '1004'",
      )
    ).value as { msdyn_warehouseid: string }[];
    const [item] = (await json("/api/data/v9.2/products?$select=productid&$filter=productnumber eq 'A0001'")).value as {
      productid: string;
    }[];
    const query = `/api/data/v9.2/msdyn_productinventories?$select=msdyn_qtyonhand&$filter=_msdyn_warehouse_value eq ${warehouse?.msdyn_warehouseid ?? ""} and _msdyn_product_value eq ${item?.productid ?? ""}`;
    const deadline = Date.now() + 15_000;
    let quantity: unknown;
    while (Date.now() < deadline) {
      const [row] = (await json(query)).value as { msdyn_qtyonhand: number }[];
      quantity = row?.msdyn_qtyonhand;
      if (quantity === before + 7) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(quantity).toBe(before + 7);
  });

  it("carries an SCM edit into Dataverse, and a Dataverse edit into SCM", async () => {
    await json("/scm/data/Warehouses(dataAreaId='usmf',WarehouseId='1004')", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ WarehouseName: "Chicago DC 04 (SCM)" }),
    });
    // SCM's data event arrives after its write returned.
    for (let tries = 0; tries < 1500 && ((await json("/scm/admin/outbox")).value as unknown[]).length > 0; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // Microsoft's naming (the warehouses map's default): SCM's id in msdyn_name, the name in msdyn_description.
    const [row] = (
      await json(
        "/api/data/v9.2/msdyn_warehouses?$select=msdyn_warehouseid,msdyn_name,msdyn_description&$filter=msdyn_warehouseidentifier eq '1004'",
      )
    ).value as { msdyn_warehouseid: string; msdyn_name: string; msdyn_description: string }[];
    expect([row?.msdyn_name, row?.msdyn_description]).toEqual(["1004", "Chicago DC 04 (SCM)"]);
    const updated = await json(`/api/data/v9.2/msdyn_warehouses(${row?.msdyn_warehouseid ?? ""})`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ msdyn_description: "Chicago DC 04 (FS)" }),
    });
    expect(updated.status).toBe(204);
    expect(await json("/scm/data/Warehouses(dataAreaId='usmf',WarehouseId='1004')")).toMatchObject({
      WarehouseName: "Chicago DC 04 (FS)",
    });
  });
});
