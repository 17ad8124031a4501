import { privilegeName } from "@fsi/core";
import { rolePrivileges, fsiTechnicianRole } from "@fsi/solution/components/security-roles";
import { stableId } from "../pipeline/registrations";
import { createCompany, createWarehouse, entityIdOf, startApi, TOKEN, type TestApi } from "./helpers";

const technician = {
  id: stableId("systemuser:test-technician"),
  fullname: "Test Technician",
  domainname: "tech@test.local",
};
const admin = { id: stableId("systemuser:test-admin"), fullname: "Test Admin", domainname: "admin@test.local" };
const TECHNICIAN_TOKEN = "technician-token";

describe("Dataverse emulator: privileges", () => {
  let api: TestApi;
  let company: string;
  let warehouse: string;
  const asTechnician = { authorization: `Bearer ${TECHNICIAN_TOKEN}` };

  beforeAll(async () => {
    api = await startApi({
      users: [admin, technician],
      tokens: { [TOKEN]: admin.id, [TECHNICIAN_TOKEN]: technician.id },
      privileges: { [technician.id]: rolePrivileges(fsiTechnicianRole) },
    });
    company = await createCompany(api);
    warehouse = entityIdOf(await createWarehouse(api, company, "P1"));
  });
  afterAll(() => api.close());
  afterEach(() => {
    api.server.emulator.setPrivileges(technician.id, rolePrivileges(fsiTechnicianRole));
  });

  it("lets a user read what the role grants, with $expand to a table it may read", async () => {
    const reply = await api.call(
      `msdyn_warehouses(${warehouse})?$select=msdyn_name&$expand=msdyn_company($select=cdm_companycode)`,
      { headers: asTechnician },
    );
    expect(reply.status).toBe(200);
    expect(reply.json.msdyn_name).toBe("Warehouse P1");
  });

  it("refuses a read once the privilege is removed, with PrivilegeDenied 0x80040220 naming the privilege", async () => {
    api.server.emulator.setPrivileges(
      technician.id,
      rolePrivileges(fsiTechnicianRole).filter((name) => name !== "prvReadmsdyn_warehouse"),
    );
    const reply = await api.call("msdyn_warehouses?$select=msdyn_name", { headers: asTechnician });
    expect(reply.status).toBe(403);
    expect(reply.json.error?.code).toBe("0x80040220");
    expect(reply.json.error?.message).toContain(`Principal user (Id=${technician.id}`);
    expect(reply.json.error?.message).toContain("is missing prvReadmsdyn_warehouse privilege");
  });

  it("refuses an $expand into a table the user may not read", async () => {
    api.server.emulator.setPrivileges(technician.id, [privilegeName("msdyn_warehouse", "Read")]);
    const reply = await api.call(`msdyn_warehouses(${warehouse})?$expand=msdyn_company($select=cdm_name)`, {
      headers: asTechnician,
    });
    expect(reply.status).toBe(403);
    expect(reply.json.error?.message).toContain("prvReadcdm_company");
  });

  it("refuses a create, an update and a delete the role does not grant, and writes nothing", async () => {
    const created = await createWarehouse(api, company, "P2", {});
    const id = entityIdOf(created);
    const body = {
      msdyn_name: "Tech's",
      msdyn_warehouseidentifier: "P3",
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    };
    const create = await api.call("msdyn_warehouses", { body, headers: asTechnician });
    expect(create.json.error?.message).toContain("prvCreatemsdyn_warehouse");
    const update = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: { msdyn_name: "Renamed" },
      headers: asTechnician,
    });
    expect(update.json.error?.message).toContain("prvWritemsdyn_warehouse");
    const remove = await api.call(`msdyn_warehouses(${id})`, { method: "DELETE", headers: asTechnician });
    expect(remove.json.error?.message).toContain("prvDeletemsdyn_warehouse");
    for (const reply of [create, update, remove]) expect(reply.status).toBe(403);
    const after = await api.call(`msdyn_warehouses(${id})?$select=msdyn_name`);
    expect(after.json.msdyn_name).toBe("Warehouse P2");
    const none = await api.call("msdyn_warehouses?$filter=msdyn_warehouseidentifier eq 'P3'");
    expect(none.json.value).toEqual([]);
  });

  it("needs Append on the row's table and AppendTo on the table a lookup points to", async () => {
    const write = ["Create", "Read", "Write"].map((action) => `prv${action}msdyn_warehouse`);
    api.server.emulator.setPrivileges(technician.id, write);
    const body = {
      msdyn_name: "Bound",
      msdyn_warehouseidentifier: "P4",
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    };
    const noAppend = await api.call("msdyn_warehouses", { body, headers: asTechnician });
    expect(noAppend.json.error?.message).toContain("prvAppendmsdyn_warehouse");
    api.server.emulator.setPrivileges(technician.id, [...write, "prvAppendmsdyn_warehouse"]);
    const noAppendTo = await api.call("msdyn_warehouses", { body, headers: asTechnician });
    expect(noAppendTo.json.error?.message).toContain("prvAppendTocdm_company");
    api.server.emulator.setPrivileges(technician.id, [...write, "prvAppendmsdyn_warehouse", "prvAppendTocdm_company"]);
    const allowed = await api.call("msdyn_warehouses", { body, headers: asTechnician });
    expect(allowed.status).toBe(204);
  });

  it("needs Create for an upsert that creates and Write for one that updates", async () => {
    api.server.emulator.setPrivileges(technician.id, ["prvWritecdm_company", "prvReadcdm_company"]);
    const creates = await api.call("cdm_companies(cdm_companycode='zz01')", {
      method: "PATCH",
      body: { cdm_name: "ZZ" },
      headers: asTechnician,
    });
    expect(creates.json.error?.message).toContain("prvCreatecdm_company");
    const updates = await api.call("cdm_companies(cdm_companycode='usmf')", {
      method: "PATCH",
      body: { cdm_name: "USMF renamed" },
      headers: asTechnician,
    });
    expect(updates.status).toBe(204);
  });

  it("checks RetrieveEnvironmentVariableValue against both environment variable tables", async () => {
    api.server.emulator.setPrivileges(technician.id, ["prvReadEnvironmentVariableDefinition"]);
    const reply = await api.call("RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_NearbyRadiusKm')", {
      headers: asTechnician,
    });
    expect(reply.status).toBe(403);
    expect(reply.json.error?.message).toContain("prvReadEnvironmentVariableValue");
  });

  it("checks bulk creates too", async () => {
    api.server.emulator.setPrivileges(technician.id, ["prvReadmsdyn_warehouse"]);
    const reply = await api.call("msdyn_warehouses/Microsoft.Dynamics.CRM.CreateMultiple", {
      body: {
        Targets: [
          {
            "@odata.type": "Microsoft.Dynamics.CRM.msdyn_warehouse",
            msdyn_name: "Bulk",
            msdyn_warehouseidentifier: "P9",
          },
        ],
      },
      headers: asTechnician,
    });
    expect(reply.json.error?.message).toContain("prvCreatemsdyn_warehouse");
  });

  it("lets a user without a privilege list (a System Administrator) do everything", async () => {
    const reply = await createWarehouse(api, company, "P5");
    expect(reply.status).toBe(204);
  });
});
