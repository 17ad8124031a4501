/**
 * Projects on work orders, live, over HTTP: SCM's time and material projects arrive in Field
 * Service, a work order accepts only such a project in process and keeps it once past In
 * Progress, and a completed work order goes to SCM as a sales order carrying the project id.
 */
import { ProjectStage, ProjectType, WorkOrderScmOrderStatus, WorkOrderSystemStatus } from "@fsi/core/dataverse/tables";
import {
  type InventoryEnvironment,
  createRow,
  dataverseRequest,
  dataverseRows,
  scmRequest,
  scmRows,
  startInventoryEnvironment,
} from "./support/environment";

let env: InventoryEnvironment;
const projectIds: Record<string, string> = {};

beforeAll(async () => {
  env = await startInventoryEnvironment();
  const loaded = await env.engine.runBatch("projects");
  // Four SCM projects; the template's filter keeps the three time and material ones.
  expect(loaded).toMatchObject({ status: "succeeded", read: 4, changed: 3, filtered: 1 });
  for (const row of await dataverseRows(env, "fsi_projects?$select=fsi_projectnumber"))
    projectIds[String(row.fsi_projectnumber)] = String(row.fsi_projectid);
});

afterAll(async () => {
  await env.close();
});

const bind = (set: string, id: string | undefined) => `/${set}(${id ?? ""})`;

async function workOrder(name: string, project?: string): Promise<{ status: number; id?: string }> {
  const created = await dataverseRequest(env, "POST", "msdyn_workorders", {
    msdyn_name: name,
    "msdyn_serviceaccount@odata.bind": bind("accounts", env.ids.accounts["US-001"]),
    "msdyn_company@odata.bind": bind("cdm_companies", env.ids.company),
    msdyn_systemstatus: WorkOrderSystemStatus.InProgress,
    ...(project === undefined ? {} : { "fsi_project@odata.bind": bind("fsi_projects", projectIds[project]) }),
  });
  const id = /\(([0-9a-f-]{36})\)/.exec(created.headers.get("odata-entityid") ?? "")?.[1];
  return { status: created.status, ...(id === undefined ? {} : { id }) };
}

describe("SCM projects → Field Service", () => {
  it("brings time and material projects with their stage and customer, and leaves the others out", async () => {
    const rows = await dataverseRows(env, "fsi_projects?$orderby=fsi_projectnumber");
    expect(
      rows.map((row) => [
        row.fsi_projectnumber,
        row.fsi_name,
        row.fsi_projecttype,
        row.fsi_projectstage,
        row._fsi_customer_value,
        row._fsi_company_value,
      ]),
    ).toEqual([
      [
        "US-PRJ-0001",
        "HVAC service contract",
        ProjectType.TimeAndMaterial,
        ProjectStage.InProcess,
        env.ids.accounts["US-001"],
        env.ids.company,
      ],
      [
        "US-PRJ-0002",
        "Pump maintenance",
        ProjectType.TimeAndMaterial,
        ProjectStage.InProcess,
        env.ids.accounts["US-001"],
        env.ids.company,
      ],
      [
        "US-PRJ-0005",
        "Dock door retrofit",
        ProjectType.TimeAndMaterial,
        ProjectStage.Completed,
        env.ids.accounts["US-001"],
        env.ids.company,
      ],
    ]);
  });

  it("follows SCM live: a project SCM completes stops being selectable", async () => {
    const patched = await scmRequest(env, "PATCH", "Projects(dataAreaId='usmf',ProjectId='US-PRJ-0002')", {
      ProjectStage: "Completed",
    });
    expect(patched.status).toBe(204);
    await env.settle();
    const [row] = await dataverseRows(env, "fsi_projects?$filter=fsi_projectnumber eq 'US-PRJ-0002'");
    expect(row?.fsi_projectstage).toBe(ProjectStage.Completed);
    const refused = await workOrder("WO-REFUSED-1", "US-PRJ-0002");
    expect(refused.status).toBe(400);
    expect(
      env.logs.some((entry) => String(entry.reason).includes("Project US-PRJ-0002 Pump maintenance is not in process")),
    ).toBe(true);
  });
});

describe("work orders with a project", () => {
  it("accepts a time and material project in process, refuses one that is completed", async () => {
    expect((await workOrder("WO-1000", "US-PRJ-0001")).status).toBe(204);
    expect((await workOrder("WO-REFUSED-2", "US-PRJ-0005")).status).toBe(400);
    expect(await dataverseRows(env, "msdyn_workorders?$filter=startswith(msdyn_name,'WO-REFUSED')")).toEqual([]);
  });

  it("sends a completed work order to SCM as one sales order with the project id, and locks its project", async () => {
    const { id } = await workOrder("WO-2000", "US-PRJ-0001");
    const order = id ?? "";
    await createRow(env, "msdyn_workorderproducts", {
      msdyn_name: "Filters",
      "msdyn_workorder@odata.bind": bind("msdyn_workorders", order),
      "msdyn_product@odata.bind": bind("products", env.ids.products.A0001),
      "msdyn_warehouse@odata.bind": bind("msdyn_warehouses", env.ids.warehouses["1001"]),
      "msdyn_unit@odata.bind": bind("uoms", env.ids.units.box12),
      msdyn_quantity: 1,
    });
    await createRow(env, "msdyn_workorderproducts", {
      msdyn_name: "Belt",
      "msdyn_workorder@odata.bind": bind("msdyn_workorders", order),
      "msdyn_product@odata.bind": bind("products", env.ids.products.A0002),
      msdyn_quantity: 2,
    });
    await createRow(env, "msdyn_workorderservices", {
      msdyn_name: "Install",
      "msdyn_workorder@odata.bind": bind("msdyn_workorders", order),
      "msdyn_service@odata.bind": bind("products", env.ids.products.S0001),
      msdyn_duration: 90,
    });
    const completed = await dataverseRequest(env, "PATCH", `msdyn_workorders(${order})`, {
      msdyn_systemstatus: WorkOrderSystemStatus.Completed,
    });
    expect(completed.status).toBe(204);
    await env.settle();

    const row = (await dataverseRequest(env, "GET", `msdyn_workorders(${order})`)).json as Record<string, unknown>;
    expect(row).toMatchObject({ fsi_scmorderstatus: WorkOrderScmOrderStatus.Sent, fsi_scmordererror: null });
    expect(String(row.fsi_scmsalesordernumber)).toMatch(/^SO-/);
    const headers = await scmRows(env, `SalesOrderHeaders?$filter=FsiExternalReference eq 'FS-WO-${order}'`);
    expect(headers).toEqual([
      expect.objectContaining({
        SalesOrderNumber: row.fsi_scmsalesordernumber,
        ProjectId: "US-PRJ-0001",
        CustomerAccount: "US-001",
        CustomerRequisitionNumber: "WO-2000",
      }),
    ]);
    const lines = await scmRows(
      env,
      `SalesOrderLines?$filter=SalesOrderNumber eq '${String(row.fsi_scmsalesordernumber)}'&$orderby=LineNumber`,
    );
    expect(
      lines.map((line) => [
        line.ItemNumber,
        line.Quantity,
        line.SalesUnitSymbol,
        line.ProjectId,
        line.WarehouseId,
        line.LineDescription,
      ]),
    ).toEqual([
      ["A0001", 12, "ea", "US-PRJ-0001", "1001", "Filters"],
      ["A0002", 2, "ea", "US-PRJ-0001", "", "Belt"],
      ["S0001", 1.5, "h", "US-PRJ-0001", "", "Install"],
    ]);

    const moved = await dataverseRequest(env, "PATCH", `msdyn_workorders(${order})`, {
      "fsi_project@odata.bind": bind("fsi_projects", projectIds["US-PRJ-0002"]),
    });
    expect(moved.status).toBe(400);
    expect(env.logs.some((entry) => String(entry.reason).includes("past In Progress is locked"))).toBe(true);
  });

  it("marks the work order Failed with SCM's reason when SCM refuses the order", async () => {
    const { id } = await workOrder("WO-3000", "US-PRJ-0001");
    const order = id ?? "";
    await createRow(env, "msdyn_workorderproducts", {
      msdyn_name: "Belt",
      "msdyn_workorder@odata.bind": bind("msdyn_workorders", order),
      "msdyn_product@odata.bind": bind("products", env.ids.products.A0002),
      msdyn_quantity: 1,
    });
    // SCM completes the project first: SCM takes no sales order on it any more.
    expect(
      (
        await scmRequest(env, "PATCH", "Projects(dataAreaId='usmf',ProjectId='US-PRJ-0001')", {
          ProjectStage: "Completed",
        })
      ).status,
    ).toBe(204);
    await env.settle();
    expect(
      (
        await dataverseRequest(env, "PATCH", `msdyn_workorders(${order})`, {
          msdyn_systemstatus: WorkOrderSystemStatus.Completed,
        })
      ).status,
    ).toBe(204);
    await env.settle();
    const row = (await dataverseRequest(env, "GET", `msdyn_workorders(${order})`)).json as Record<string, unknown>;
    expect(row.fsi_scmorderstatus).toBe(WorkOrderScmOrderStatus.Failed);
    expect(String(row.fsi_scmordererror)).toContain(
      "ProjectId: Project 'US-PRJ-0001' is Completed; only projects in process take sales orders.",
    );
    expect(await scmRows(env, `SalesOrderHeaders?$filter=FsiExternalReference eq 'FS-WO-${order}'`)).toEqual([]);
  });
});
