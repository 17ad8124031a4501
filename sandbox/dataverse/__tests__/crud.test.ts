import { createCompany, createWarehouse, entityIdOf, startApi, type TestApi } from "./helpers";

describe("Dataverse emulator: rows over HTTP", () => {
  let api: TestApi;
  let company: string;

  beforeAll(async () => {
    api = await startApi();
    company = await createCompany(api);
  });
  afterAll(() => api.close());

  it("creates a row with 204 and OData-EntityId, and reads it back by id", async () => {
    const created = await createWarehouse(api, company, "11", {
      msdyn_warehousetype: 192350001,
      msdyn_primaryaddresslatitude: 47.641234567,
    });
    expect(created.status).toBe(204);
    expect(created.headers.get("odata-entityid")).toMatch(
      new RegExp(`^${api.server.apiUrl}msdyn_warehouses\\([0-9a-f-]{36}\\)$`),
    );
    const id = entityIdOf(created);

    const read = await api.call(`msdyn_warehouses(${id})`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      "@odata.context": `${api.server.apiUrl}$metadata#msdyn_warehouses/$entity`,
      msdyn_warehouseid: id,
      msdyn_name: "Warehouse 11",
      msdyn_warehousetype: 192350001,
      // Float columns keep their definition's precision (5 decimals for coordinates).
      msdyn_primaryaddresslatitude: 47.64123,
      _msdyn_company_value: company,
      statecode: 0,
      statuscode: 1,
    });
    expect(read.json["@odata.etag"]).toMatch(/^W\/"\d+"$/);
  });

  it("answers 201 with the row when Prefer: return=representation asks, honouring $select", async () => {
    const reply = await api.call("msdyn_warehouses?$select=msdyn_name,_msdyn_company_value", {
      body: {
        msdyn_name: "Represented",
        msdyn_warehouseidentifier: "R1",
        "msdyn_company@odata.bind": `cdm_companies(${company})`,
      },
      headers: { prefer: "return=representation" },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("preference-applied")).toBe("return=representation");
    expect(Object.keys(reply.json).filter((key) => !key.startsWith("@"))).toEqual([
      "msdyn_name",
      "_msdyn_company_value",
      "msdyn_warehouseid",
    ]);
  });

  it("binds a lookup to a row addressed by its alternate key", async () => {
    const id = entityIdOf(
      await createWarehouse(api, company, "BK1", {
        "msdyn_company@odata.bind": "/cdm_companies(cdm_companycode='usmf')",
      }),
    );
    expect((await api.call(`msdyn_warehouses(${id})`)).json._msdyn_company_value).toBe(company);
  });

  it("addresses a row by an alternate key that includes a lookup, as _<lookup>_value", async () => {
    await createWarehouse(api, company, "AK1");
    const byKey = await api.call(
      `msdyn_warehouses(msdyn_warehouseidentifier='AK1',_msdyn_company_value=${company})?$select=msdyn_name`,
    );
    expect(byKey.status).toBe(200);
    expect(byKey.json.msdyn_name).toBe("Warehouse AK1");

    const bareLookupName = await api.call(`msdyn_warehouses(msdyn_warehouseidentifier='AK1',msdyn_company=${company})`);
    expect(bareLookupName.status).toBe(400);
    expect(bareLookupName.json.error?.code).toBe("0x80060888");
    expect(bareLookupName.json.error?.message).toContain("The key in the request URI is not valid");

    const missing = await api.call(
      `msdyn_warehouses(msdyn_warehouseidentifier='nope',_msdyn_company_value=${company})`,
    );
    expect(missing.status).toBe(404);
    expect(missing.json.error).toEqual({
      code: "0x80040217",
      message: "A record with the specified key values does not exist in msdyn_warehouse entity",
    });
  });

  it("updates with PATCH and bumps the row version", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "U1"));
    const before = await api.call(`msdyn_warehouses(${id})`);
    const patched = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: { msdyn_description: "Updated" },
    });
    expect(patched.status).toBe(204);
    const after = await api.call(`msdyn_warehouses(${id})`);
    expect(after.json.msdyn_description).toBe("Updated");
    expect(after.json["@odata.etag"]).not.toBe(before.json["@odata.etag"]);
  });

  it("applies optimistic concurrency with If-Match and refuses a stale version with 412", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "C1"));
    const etag = String((await api.call(`msdyn_warehouses(${id})`)).json["@odata.etag"]);
    const first = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: { msdyn_description: "first" },
      headers: { "if-match": etag },
    });
    expect(first.status).toBe(204);
    const stale = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: { msdyn_description: "second" },
      headers: { "if-match": etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.json.error).toEqual({
      code: "0x80060882",
      message: "The version of the existing record doesn't match the RowVersion property provided.",
    });
    const staleDelete = await api.call(`msdyn_warehouses(${id})`, { method: "DELETE", headers: { "if-match": etag } });
    expect(staleDelete.status).toBe(412);
    expect((await api.call(`msdyn_warehouses(${id})`)).json.msdyn_description).toBe("first");
  });

  it("answers 304 to a GET whose If-None-Match still matches", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "N1"));
    const etag = String((await api.call(`msdyn_warehouses(${id})`)).json["@odata.etag"]);
    const unchanged = await api.call(`msdyn_warehouses(${id})`, { headers: { "if-none-match": etag } });
    expect(unchanged.status).toBe(304);
  });

  it("upserts with PATCH: creates a missing row by id or by alternate key, updates an existing one", async () => {
    const newId = "4a7e1c1e-7d43-4d6b-9d3f-0a1b2c3d4e5f";
    const created = await api.call(`msdyn_warehouses(${newId})`, {
      method: "PATCH",
      body: {
        msdyn_name: "Upserted",
        msdyn_warehouseidentifier: "UP1",
        "msdyn_company@odata.bind": `/cdm_companies(${company})`,
      },
    });
    expect(created.status).toBe(204);
    expect((await api.call(`msdyn_warehouses(${newId})`)).json.msdyn_name).toBe("Upserted");

    const keyPath = `msdyn_warehouses(msdyn_warehouseidentifier='UP2',_msdyn_company_value=${company})`;
    const byKey = await api.call(keyPath, {
      method: "PATCH",
      body: { msdyn_name: "By key" },
      headers: { prefer: "return=representation" },
    });
    expect(byKey.status).toBe(201);
    expect(byKey.json).toMatchObject({
      msdyn_name: "By key",
      msdyn_warehouseidentifier: "UP2",
      _msdyn_company_value: company,
    });

    const again = await api.call(keyPath, {
      method: "PATCH",
      body: { msdyn_name: "By key, again" },
      headers: { prefer: "return=representation" },
    });
    expect(again.status).toBe(200);
    expect(again.json.msdyn_warehouseid).toBe(byKey.json.msdyn_warehouseid);
  });

  it("follows If-Match: * (update only) and If-None-Match: * (create only) on PATCH", async () => {
    const missing = "0d0e0f10-1112-4314-9516-171819202122";
    const updateOnly = await api.call(`msdyn_warehouses(${missing})`, {
      method: "PATCH",
      body: { msdyn_name: "x" },
      headers: { "if-match": "*" },
    });
    expect(updateOnly.status).toBe(404);
    expect(updateOnly.json.error?.code).toBe("0x80040217");
    expect((await api.call(`msdyn_warehouses(${missing})`)).status).toBe(404);

    const existing = entityIdOf(await createWarehouse(api, company, "IM1"));
    const createOnly = await api.call(`msdyn_warehouses(${existing})`, {
      method: "PATCH",
      body: { msdyn_name: "x" },
      headers: { "if-none-match": "*" },
    });
    expect(createOnly.status).toBe(412);
    expect(createOnly.json.error?.code).toBe("0x80040237");
  });

  it("deletes a row and clears the lookups that pointed at it", async () => {
    const main = entityIdOf(await createWarehouse(api, company, "D1"));
    const transit = entityIdOf(
      await createWarehouse(api, company, "D2", { "msdyn_transitwarehouse@odata.bind": `/msdyn_warehouses(${main})` }),
    );
    expect((await api.call(`msdyn_warehouses(${main})`, { method: "DELETE" })).status).toBe(204);
    const gone = await api.call(`msdyn_warehouses(${main})`);
    expect(gone.status).toBe(404);
    expect(gone.json.error).toEqual({
      code: "0x80040217",
      message: `Entity 'msdyn_warehouse' With Id = ${main} Does Not Exist`,
    });
    expect((await api.call(`msdyn_warehouses(${transit})`)).json._msdyn_transitwarehouse_value).toBeNull();
  });

  it("refuses a duplicate alternate key with 412 DuplicateRecord", async () => {
    await createWarehouse(api, company, "DUP");
    const duplicate = await createWarehouse(api, company, "DUP");
    expect(duplicate.status).toBe(412);
    expect(duplicate.json.error?.code).toBe("0x80040237");
    expect(duplicate.json.error?.message).toContain(
      "The entity key msdyn_warehouseidentifiercompanykey requires that this set of attributes contains unique values",
    );
    const otherCompany = await createCompany(api, "demf");
    expect((await createWarehouse(api, otherCompany, "DUP")).status).toBe(204);
  });

  it("enforces required columns, maximum lengths, ranges and choice values", async () => {
    const noName = await api.call("msdyn_warehouses", {
      body: { msdyn_warehouseidentifier: "V1", "msdyn_company@odata.bind": `/cdm_companies(${company})` },
    });
    expect(noName.status).toBe(400);
    expect(noName.json.error?.code).toBe("0x80040203");
    expect(noName.json.error?.message).toContain("'msdyn_name'");

    const tooLong = await createWarehouse(api, company, "V2", { msdyn_name: "x".repeat(101) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toEqual({
      code: "0x80044331",
      message:
        "A validation error occurred. The length of the 'msdyn_name' attribute of the 'msdyn_warehouse' entity exceeded the maximum allowed length of '100'.",
    });

    const latitude = await createWarehouse(api, company, "V3", { msdyn_primaryaddresslatitude: 91 });
    expect(latitude.status).toBe(400);
    expect(latitude.json.error?.message).toContain("outside the valid range");

    const days = await api.call("msdyn_paymentterms", {
      body: { msdyn_name: "N30", msdyn_days: -1, "msdyn_company@odata.bind": `/cdm_companies(${company})` },
    });
    expect(days.status).toBe(400);
    expect(days.json.error?.code).toBe("0x8004432F");

    const choice = await createWarehouse(api, company, "V4", { msdyn_warehousetype: 5 });
    expect(choice.status).toBe(400);
    expect(choice.json.error?.message).toContain("The value 5 of 'msdyn_warehousetype'");
  });

  it("keeps a row's company once saved (create-only) and refuses platform columns", async () => {
    const id = entityIdOf(await createWarehouse(api, company, "CO1"));
    const other = await createCompany(api, "gbsi");
    const move = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: { "msdyn_company@odata.bind": `/cdm_companies(${other})` },
    });
    expect(move.status).toBe(400);
    expect(move.json.error?.message).toContain("can be set only when the row is created");
    const same = await api.call(`msdyn_warehouses(${id})`, {
      method: "PATCH",
      body: { "msdyn_company@odata.bind": `/cdm_companies(${company})` },
    });
    expect(same.status).toBe(204);
    const version = await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { versionnumber: 1 } });
    expect(version.status).toBe(400);
    expect(version.json.error?.message).toContain("set by the platform");
  });

  it("answers malformed requests with Dataverse errors and keeps serving", async () => {
    const unknownTable = await api.call("msdyn_warehouse");
    expect(unknownTable.status).toBe(404);
    expect(unknownTable.json.error).toEqual({
      code: "0x8006088a",
      message: "Resource not found for the segment 'msdyn_warehouse'.",
    });

    const unknownColumn = await createWarehouse(api, company, "M1", { msdyn_colour: "red" });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.json.error?.code).toBe("0x80048d19");
    expect(unknownColumn.json.error?.message).toContain(
      "The property 'msdyn_colour' does not exist on type 'Microsoft.Dynamics.CRM.msdyn_warehouse'",
    );

    const badJson = await api.call("msdyn_warehouses", { body: '{"msdyn_name": "x",' });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error?.code).toBe("0x80048d19");
    expect(badJson.json.error?.message).toMatch(/not valid JSON.*position/);

    const wrongType = await createWarehouse(api, company, "M2", { msdyn_warehousetype: "Default" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error?.message).toContain(
      "Cannot convert the literal 'Default' to the expected type 'Edm.Int32'",
    );

    const unknownNavigation = await createWarehouse(api, company, "M3", {
      "msdyn_site@odata.bind": "/msdyn_operationalsites(00000000-0000-0000-0000-000000000001)",
    });
    expect(unknownNavigation.status).toBe(400);
    expect(unknownNavigation.json.error?.message).toContain("An undeclared property 'msdyn_site'");

    const missingReference = await createWarehouse(api, company, "M4", {
      "msdyn_transitwarehouse@odata.bind": "/msdyn_warehouses(00000000-0000-0000-0000-000000000001)",
    });
    expect(missingReference.status).toBe(404);
    expect(missingReference.json.error?.code).toBe("0x80040217");

    const wrongTarget = await createWarehouse(api, company, "M5", {
      "msdyn_transitwarehouse@odata.bind": `/cdm_companies(${company})`,
    });
    expect(wrongTarget.status).toBe(400);

    const badKey = await api.call("msdyn_warehouses(not-a-guid)");
    expect(badKey.status).toBe(400);
    expect(badKey.json.error?.code).toBe("0x80060888");

    const oversize = await api.call("msdyn_warehouses", {
      body: JSON.stringify({ msdyn_name: "x".repeat(17 * 1024 * 1024) }),
    });
    expect(oversize.status).toBe(413);
    expect(oversize.json.error?.message).toContain("larger than the limit");

    expect((await createWarehouse(api, company, "M6")).status).toBe(204);
  });

  it("requires a bearer token, and runs as the user MSCRMCallerID names", async () => {
    const anonymous = await fetch(`${api.server.apiUrl}WhoAmI`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");

    const me = await api.call("WhoAmI");
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      UserId: api.server.emulator.defaultUserId,
      BusinessUnitId: api.server.emulator.businessUnitId,
    });

    const user = entityIdOf(
      await api.call("systemusers", { body: { fullname: "Integration", domainname: "integration@sandbox.local" } }),
    );
    const impersonated = await api.call("WhoAmI", { headers: { mscrmcallerid: user } });
    expect(impersonated.json.UserId).toBe(user);
    const unknown = await api.call("WhoAmI", { headers: { mscrmcallerid: "11111111-2222-4333-8444-555555555555" } });
    expect(unknown.status).toBe(400);
  });

  it("answers the function documented errors for a wrong method", async () => {
    const post = await api.call("WhoAmI", { method: "POST", body: {} });
    expect(post.status).toBe(404);
    expect(post.json.error).toEqual({
      code: "",
      message: `No HTTP resource was found that matches the request URI '${api.server.apiUrl}WhoAmI'.`,
    });
  });
});
