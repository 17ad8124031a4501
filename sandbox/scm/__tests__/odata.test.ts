import { type Collection, type ODataError, type RunningScm, call, startScm, fieldErrorsOf } from "./harness";

type Row = Record<string, string | number>;

describe("SCM OData data entities over HTTP", () => {
  let running: RunningScm;
  let data: string;

  beforeAll(async () => {
    running = await startScm({ maxPageSize: 50 });
    data = `${running.url}/scm/data`;
  });

  afterAll(async () => {
    await running.close();
  });

  const newWarehouse = (id: string, name = `Test warehouse ${id}`): Row => ({
    dataAreaId: "usmf",
    WarehouseId: id,
    WarehouseName: name,
    OperationalSiteId: "1",
    WarehouseType: "Default",
    TransitWarehouseId: "1990",
    PrimaryAddressCity: "Chicago",
    PrimaryAddressCountryRegionId: "USA",
    PrimaryAddressLatitude: 41.88,
    PrimaryAddressLongitude: -87.63,
  });

  it("lists the entity sets in the service document", async () => {
    const reply = await call<Collection<{ name: string }>>(`${data}/`, "GET");
    expect(reply.status).toBe(200);
    expect(reply.body.value.map((set) => set.name)).toEqual([
      "OperationalSites",
      "Warehouses",
      "MaintenanceAssetTypes",
      "MaintenanceAssets",
      "PaymentTerms",
      "ModesOfDelivery",
      "ReleasedProducts",
      "InventoryOnHand",
      "InventoryMovementJournalHeaders",
      "InventoryMovementJournalLines",
      "InventoryTransferJournalHeaders",
      "InventoryTransferJournalLines",
      "Projects",
      "SalesOrderHeaders",
      "SalesOrderLines",
    ]);
  });

  it("creates, reads, updates and deletes a warehouse by its composite key", async () => {
    const created = await call<Row>(`${data}/Warehouses`, "POST", newWarehouse("7001"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      dataAreaId: "usmf",
      WarehouseId: "7001",
      WarehouseName: "Test warehouse 7001",
      QuarantineWarehouseId: "",
    });
    expect(created.headers.get("location")).toBe(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7001')`);

    const key = `${data}/Warehouses(dataAreaId='usmf',WarehouseId='7001')`;
    const read = await call<Row>(key, "GET");
    expect(read.status).toBe(200);
    expect(read.body.PrimaryAddressLatitude).toBe(41.88);

    const patched = await call(key, "PATCH", { WarehouseName: "Renamed 7001", "@odata.etag": 'W/"1"' });
    expect(patched.status).toBe(204);
    expect((await call<Row>(key, "GET")).body.WarehouseName).toBe("Renamed 7001");

    expect((await call(key, "DELETE")).status).toBe(204);
    const gone = await call<ODataError>(key, "GET");
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain("WarehouseId='7001'");
  });

  it("addresses keys case-insensitively and decodes doubled quotes in key values", async () => {
    await call(`${data}/MaintenanceAssetTypes`, "POST", {
      dataAreaId: "demf",
      MaintenanceAssetTypeId: "O'NEIL",
      Name: "Quoted type",
    });
    const read = await call<Row>(
      `${data}/MaintenanceAssetTypes(dataAreaId='DEMF',MaintenanceAssetTypeId='o''neil')`,
      "GET",
    );
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ dataAreaId: "demf", MaintenanceAssetTypeId: "O'NEIL" });
    const encoded = await call<Row>(
      `${data}/MaintenanceAssetTypes(dataAreaId=%27demf%27,MaintenanceAssetTypeId=%27O%27%27NEIL%27)`,
      "GET",
    );
    expect(encoded.status).toBe(200);
  });

  it("refuses incomplete, unknown and unquoted keys with a clear 400", async () => {
    const missing = await call<ODataError>(`${data}/Warehouses(WarehouseId='1001')`, "GET");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("missing dataAreaId");
    const simple = await call<ODataError>(`${data}/Warehouses('1001')`, "GET");
    expect(simple.body.error.message).toContain("composite key");
    const unknown = await call<ODataError>(`${data}/Warehouses(dataAreaId='usmf',Id='1001')`, "GET");
    expect(unknown.body.error.message).toContain("'Id' is not a key field");
    const unquoted = await call<ODataError>(`${data}/Warehouses(dataAreaId='usmf',WarehouseId=1001)`, "GET");
    expect(unquoted.body.error.message).toContain("quoted string");
    const broken = await call<ODataError>(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='1001'`, "GET");
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("InvalidQuery.syntax");
  });

  it("scopes reads to the default company unless cross-company=true", async () => {
    const usmf = await call<Collection<Row>>(`${data}/Warehouses?$count=true&$top=0`, "GET");
    const all = await call<Collection<Row>>(`${data}/Warehouses?cross-company=true&$count=true&$top=0`, "GET");
    const demf = await call<Collection<Row>>(`${data}/Warehouses?company=demf&$count=true&$top=0`, "GET");
    expect(usmf.body["@odata.count"]).toBeGreaterThan(80);
    expect(demf.body["@odata.count"]).toBeGreaterThan(50);
    expect(all.body["@odata.count"]).toBeGreaterThan(
      (usmf.body["@odata.count"] ?? 0) + (demf.body["@odata.count"] ?? 0),
    );
    const germanInDefault = await call<Collection<Row>>(`${data}/Warehouses?$filter=dataAreaId eq 'demf'`, "GET");
    expect(germanInDefault.body.value).toEqual([]);
    const germanCrossCompany = await call<Collection<Row>>(
      `${data}/Warehouses?cross-company=true&$filter=dataAreaId eq 'demf'&$top=3`,
      "GET",
    );
    expect(germanCrossCompany.body.value.map((row) => row.dataAreaId)).toEqual(["demf", "demf", "demf"]);
    const bad = await call<ODataError>(`${data}/Warehouses?cross-company=yes`, "GET");
    expect(bad.status).toBe(400);
  });

  it("filters, selects, orders and pages", async () => {
    const chicago = await call<Collection<Row>>(
      `${data}/Warehouses?$filter=${encodeURIComponent("PrimaryAddressCity eq 'chicago' and WarehouseType eq 'Default'")}&$select=WarehouseId,WarehouseName&$orderby=WarehouseName desc&$count=true`,
      "GET",
    );
    expect(chicago.status).toBe(200);
    expect(chicago.body["@odata.context"]).toBe(`${data}/$metadata#Warehouses(WarehouseId,WarehouseName)`);
    expect(chicago.body["@odata.count"]).toBeGreaterThanOrEqual(5);
    expect(Object.keys(chicago.body.value[0] ?? {})).toEqual(["WarehouseId", "WarehouseName"]);
    const names = chicago.body.value.map((row) => String(row.WarehouseName));
    expect(names).toEqual([...names].sort().reverse());

    const box = await call<Collection<Row>>(
      `${data}/Warehouses?cross-company=true&$filter=${encodeURIComponent(
        "PrimaryAddressLatitude ge 51.2 and PrimaryAddressLatitude le 51.8 and PrimaryAddressLongitude ge -0.6 and PrimaryAddressLongitude le 0.3",
      )}`,
      "GET",
    );
    expect(box.body.value.length).toBeGreaterThan(3);
    expect(new Set(box.body.value.map((row) => row.dataAreaId))).toEqual(new Set(["gbsi"]));

    const functions = await call<Collection<Row>>(
      `${data}/Warehouses?company=gbsi&$filter=${encodeURIComponent("startswith(WarehouseName,'London') or endswith(WarehouseId,'900')")}&$select=WarehouseId`,
      "GET",
    );
    expect(functions.body.value.length).toBeGreaterThan(5);

    const enumFilter = await call<Collection<Row>>(
      `${data}/Warehouses?$filter=${encodeURIComponent("WarehouseType eq Microsoft.Dynamics.DataEntities.InventLocationType'Quarantine'")}`,
      "GET",
    );
    expect(enumFilter.body.value.every((row) => row.WarehouseType === "Quarantine")).toBe(true);
    expect(enumFilter.body.value).toHaveLength(5);

    const dates = await call<Collection<Row>>(
      `${data}/MaintenanceAssets?$filter=${encodeURIComponent("ActiveTo gt 1900-01-01T00:00:00Z and ActiveFrom lt ActiveTo")}&$count=true&$top=0`,
      "GET",
    );
    expect(dates.body["@odata.count"]).toBe(10);

    const page = await call<Collection<Row>>(
      `${data}/Warehouses?$orderby=WarehouseId&$skip=2&$top=3&$select=WarehouseId`,
      "GET",
    );
    expect(page.body.value.map((row) => row.WarehouseId)).toEqual(["1003", "1004", "1005"]);
  });

  it("pages large results with @odata.nextLink", async () => {
    const first = await call<Collection<Row>>(`${data}/Warehouses?cross-company=true&$select=WarehouseId`, "GET");
    expect(first.body.value).toHaveLength(50);
    const next = first.body["@odata.nextLink"];
    expect(next).toBeDefined();
    const seen = new Set(first.body.value.map((row) => row.WarehouseId));
    let link = next;
    while (link !== undefined) {
      const page = await call<Collection<Row>>(link, "GET");
      for (const row of page.body.value) seen.add(row.WarehouseId);
      link = page.body["@odata.nextLink"];
    }
    const count = await fetch(`${data}/Warehouses/$count?cross-company=true`);
    expect(Number(await count.text())).toBe(seen.size);
    expect(seen.size).toBeGreaterThanOrEqual(190);
  });

  it("counts with a filter through /$count", async () => {
    const response = await fetch(
      `${data}/Warehouses/$count?$filter=${encodeURIComponent("PrimaryAddressCity eq 'Chicago'")}`,
    );
    expect(response.status).toBe(200);
    expect(Number(await response.text())).toBeGreaterThanOrEqual(8);
  });

  it("answers unknown entity sets with 404 and wrong methods with 405", async () => {
    const unknown = await call<ODataError>(`${data}/Customers`, "GET");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("Resource not found for the segment 'Customers'.");
    const put = await call<ODataError>(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='1001')`, "PUT", {});
    expect(put.status).toBe(405);
    const postToKey = await call<ODataError>(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='1001')`, "POST", {});
    expect(postToKey.status).toBe(405);
    expect(postToKey.headers.get("allow")).toBe("GET, PATCH, DELETE");
  });

  it("refuses a PATCH that changes the key, and a PATCH or DELETE of a missing row", async () => {
    const key = `${data}/Warehouses(dataAreaId='usmf',WarehouseId='1001')`;
    const changed = await call<ODataError>(key, "PATCH", { WarehouseId: "1002" });
    expect(changed.status).toBe(400);
    expect(fieldErrorsOf(changed.body)[0]).toMatchObject({ target: "WarehouseId" });
    expect(
      (await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='0000')`, "PATCH", { WarehouseName: "x" })).status,
    ).toBe(404);
    expect((await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='0000')`, "DELETE")).status).toBe(404);
  });

  it("defaults the company of a create to the default company", async () => {
    const { dataAreaId: _company, ...withoutCompany } = newWarehouse("7002");
    const created = await call<Row>(`${data}/Warehouses`, "POST", withoutCompany);
    expect(created.status).toBe(201);
    expect(created.body.dataAreaId).toBe("usmf");
  });
});
