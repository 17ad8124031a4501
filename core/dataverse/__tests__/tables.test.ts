import { integrationTableNames, tableByEntitySetName, tableByLogicalName, tables } from "../tables";

describe("Dataverse table definitions", () => {
  const all = Object.values(tables);

  it("define every table docs/design.md lists", () => {
    for (const name of [
      ...integrationTableNames,
      "cdm_company",
      "msdyn_operationalsite",
      "account",
      "msdyn_workorder",
      "msdyn_productinventory",
      "msdyn_inventoryjournal",
      "msdyn_inventorytransfer",
      "msdyn_inventoryadjustment",
      "msdyn_inventoryadjustmentproduct",
    ]) {
      expect(tableByLogicalName(name)?.logicalName).toBe(name);
    }
  });

  it("give each table a unique entity set name that resolves back to it", () => {
    const sets = all.map((t) => t.entitySetName);
    expect(new Set(sets).size).toBe(sets.length);
    for (const table of all) expect(tableByEntitySetName(table.entitySetName)).toBe(table);
  });

  it("have a primary id and primary name column on every table", () => {
    for (const table of all) {
      expect(table.columns[table.primaryIdAttribute]?.type).toBe("uniqueidentifier");
      expect(table.columns[table.primaryNameAttribute]).toBeDefined();
    }
  });

  it("point every lookup at a defined table, with a navigation property", () => {
    for (const table of all) {
      for (const [name, column] of Object.entries(table.columns)) {
        if (column.type !== "lookup") continue;
        expect(column.navigationProperty).not.toBe("");
        for (const target of column.targets) {
          expect({ column: `${table.logicalName}.${name}`, target: tableByLogicalName(target)?.logicalName }).toEqual({
            column: `${table.logicalName}.${name}`,
            target,
          });
        }
      }
    }
  });

  it("key the five integration tables by a natural key plus a required, create-only company", () => {
    for (const name of integrationTableNames) {
      const table = tableByLogicalName(name)!;
      expect(table.companyScoped).toBe(true);
      expect(table.columns.msdyn_company).toMatchObject({ type: "lookup", required: true, createOnly: true });
      expect(table.alternateKeys[0]?.columns).toContain("msdyn_company");
      for (const column of ["fsi_scmsyncstatus", "fsi_scmlastsyncedon", "fsi_scmlasterror"]) {
        expect(table.columns[column]).toBeDefined();
      }
    }
  });

  it("let a table redefine a system column (system job states)", () => {
    const job = tableByLogicalName("asyncoperation")!;
    const state = job.columns.statecode;
    expect(state?.type === "state" && state.options.map((o) => o.label)).toEqual([
      "Ready",
      "Suspended",
      "Locked",
      "Completed",
    ]);
  });
});
