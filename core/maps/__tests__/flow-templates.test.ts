import {
  MapTemplateError,
  builtInFlowMap,
  builtInFlowMaps,
  flowContracts,
  flowDataverseLookups,
  flowNames,
  flowRecordToScm,
  flowRowToDataverse,
  flowScmLookups,
  inventoryOnHand,
  parseFlowTemplate,
  projects,
  salesOrderLines,
} from "../..";

function problems(template: unknown): string[] {
  try {
    parseFlowTemplate(template, "my.json");
  } catch (error) {
    expect(error).toBeInstanceOf(MapTemplateError);
    return (error as Error).message.split("\n");
  }
  throw new Error("the template was accepted");
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("flow templates", () => {
  it("ship one checked template per flow, on the flow's tables", () => {
    expect(builtInFlowMaps.map((map) => map.name)).toEqual([...flowNames]);
    for (const map of builtInFlowMaps) {
      expect([map.dataverseTable, map.scmCollection]).toEqual([
        flowContracts[map.name].dataverseTable,
        flowContracts[map.name].scmCollection,
      ]);
      expect(map.mode).toBe("live");
    }
    expect(builtInFlowMap("projects").filter).toBe("fsi_projecttype eq 716900000");
  });

  it("refuse a misspelt property, an unknown flow and a mode that does not exist", () => {
    expect(problems({ ...copy(builtInFlowMap("on-hand")), colums: [] })).toEqual([
      'my.json: $: Unrecognized key: "colums"',
    ]);
    expect(problems({ ...copy(builtInFlowMap("on-hand")), name: "stock" })[0]).toBe(
      "my.json: $.name: must name one of the flows: on-hand, projects, inventory-adjustments, inventory-transfers, work-order-sales-orders",
    );
    expect(problems({ ...copy(builtInFlowMap("on-hand")), mode: "hourly" })[0]).toMatch(
      /^my\.json: \$\.mode: Invalid option/,
    );
  });

  it("refuse retargeting a flow at other tables", () => {
    expect(
      problems({ ...copy(builtInFlowMap("on-hand")), dataverseTable: "msdyn_warehouse", scmCollection: "Warehouses" }),
    ).toEqual([
      "my.json: $.dataverseTable: this map works on msdyn_productinventory; it cannot be changed to msdyn_warehouse",
      "my.json: $.scmCollection: this map works on SCM InventoryOnHand; it cannot be changed to Warehouses",
    ]);
  });

  it("refuse what the on-hand flow owns or cannot journal", () => {
    const template = copy(builtInFlowMap("on-hand"));
    const onHand = template.columns[0];
    if (onHand !== undefined) onHand.valueMap = { pairs: [{ dataverse: 1, scm: 1 }] };
    template.columns.push({
      dataverse: "msdyn_product",
      scm: "ItemNumber",
      direction: "toDataverse",
      lookup: { table: "product", key: "productnumber" },
    });
    template.columns.push({ dataverse: "msdyn_qtyallocated", scm: "PhysicalInventory", direction: "toDataverse" });
    expect(problems(template)).toEqual([
      "my.json: $.columns[4].dataverse: msdyn_product is written by the on-hand flow itself; it cannot be mapped",
      "my.json: $.columns[5].dataverse: msdyn_qtyallocated is already mapped in $.columns[1]",
      "my.json: $.columns[0]: msdyn_qtyonhand changes through inventory journals by the difference; it takes the SCM quantity as it is (no valueMap, lookup or default)",
    ]);
    const base = copy(builtInFlowMap("on-hand"));
    const withoutOnHand = { ...base, columns: base.columns.filter((pair) => pair.dataverse !== "msdyn_qtyonhand") };
    expect(problems(withoutOnHand)).toEqual(["my.json: $.columns: the on-hand map must map msdyn_qtyonhand"]);
  });

  it("refuse fields SCM's service does not take, line tables of another flow, and a schedule in live mode", () => {
    const template = copy(builtInFlowMap("inventory-adjustments"));
    template.columns.push({ dataverse: "msdyn_adjustmenttime", scm: "PostedDateTime", direction: "toScm" });
    template.lines?.push({ dataverseTable: "msdyn_workorderproduct", scmCollection: "SalesOrderLines", columns: [] });
    expect(problems({ ...template, scheduleMinutes: 15 })).toEqual([
      "my.json: $.columns[1].scm: SCM InventoryMovementJournalHeaders.PostedDateTime is set by the inventory-adjustments flow or not taken by SCM's service; mappable fields: Description",
      "my.json: $.lines[1].dataverseTable: the inventory-adjustments map's lines come from msdyn_inventoryadjustmentproduct, not msdyn_workorderproduct",
      'my.json: $.scheduleMinutes: a schedule applies to batch mode only; set "mode": "batch" or remove it',
    ]);
  });

  it("accept a customised copy: batch on a schedule, a filter, another column", () => {
    const template = copy(builtInFlowMap("work-order-sales-orders"));
    template.columns.push({
      dataverse: "msdyn_city",
      scm: "Description",
      direction: "toScm",
      trim: true,
      default: { toScm: "Field service" },
    });
    const map = parseFlowTemplate(
      { ...template, mode: "batch", scheduleMinutes: 30, filter: "msdyn_city ne null" },
      "my.json",
    );
    expect(map).toMatchObject({ mode: "batch", scheduleMinutes: 30, filter: "msdyn_city ne null" });
  });
});

describe("flow mapping", () => {
  it("maps an SCM row's template columns to Field Service, lookups by natural key within the company", () => {
    const pairs = builtInFlowMap("projects").columns;
    const row = {
      dataAreaId: "usmf",
      ProjectId: "P-1",
      ProjectName: " HVAC ",
      ProjectType: "TimeMaterial",
      ProjectStage: "Scheduled",
      CustomerAccount: "US-001",
    };
    expect(flowDataverseLookups(pairs, row, "usmf")).toEqual([
      {
        column: "fsi_customer",
        scmField: "CustomerAccount",
        reference: { logicalName: "account", keys: { accountnumber: "US-001" } },
      },
    ]);
    const customer = { id: "a0000000-0000-4000-8000-000000000009", logicalName: "account" };
    expect(flowRowToDataverse(pairs, projects, row, { fsi_customer: customer }, "usmf")).toEqual({
      record: { fsi_name: "HVAC", fsi_projecttype: 716900000, fsi_projectstage: 716900002, fsi_customer: customer },
      unresolved: [],
      issues: [],
    });
    const unknownStage = flowRowToDataverse(pairs, projects, { ProjectStage: "Archived" });
    expect(unknownStage.issues).toEqual([
      expect.objectContaining({ attribute: "fsi_projectstage", code: "allowedValues" }),
    ]);
  });

  it("leaves an unanswered lookup out and reports it; an on-hand unit by name", () => {
    const result = flowRowToDataverse(
      builtInFlowMap("on-hand").columns,
      inventoryOnHand,
      { PhysicalInventory: 4, InventoryUnitSymbol: "ea" },
      {},
      "usmf",
    );
    expect(result.record).toEqual({ msdyn_qtyonhand: 4 });
    expect(result.unresolved.map((query) => query.reference)).toEqual([{ logicalName: "uom", keys: { name: "ea" } }]);
  });

  it("maps a Field Service record to an SCM document's fields, with lookups' natural keys and defaults", () => {
    const line = builtInFlowMap("work-order-sales-orders").lines?.[0]?.columns ?? [];
    const warehouse = { id: "a0000000-0000-4000-8000-000000000010", logicalName: "msdyn_warehouse" };
    expect(flowScmLookups(line, { msdyn_warehouse: warehouse })).toEqual([
      {
        column: "msdyn_warehouse",
        scmField: "WarehouseId",
        reference: warehouse,
        keyColumn: "msdyn_warehouseidentifier",
      },
    ]);
    expect(
      flowRecordToScm(
        line,
        salesOrderLines,
        { msdyn_name: " Belt ", msdyn_warehouse: warehouse },
        { msdyn_warehouse: "1001" },
      ),
    ).toEqual({
      row: { LineDescription: "Belt", WarehouseId: "1001" },
      unresolved: [],
      issues: [],
    });
    // A document is built whole: an empty column is SCM's empty text.
    expect(flowRecordToScm(line, salesOrderLines, {}).row).toEqual({ LineDescription: "", WarehouseId: "" });
  });
});
