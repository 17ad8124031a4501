import { DataverseRecordError, fromWebApiRow, operationalSite, toWebApiBody, warehouse, workOrderProduct } from "../..";
import { thrown } from "@fsi/test/support/thrown";

const siteId = "5b1b6e2c-0a4f-4d2e-9a53-1b2c3d4e5f60";
const companyId = "0f8fad5b-d9cb-469f-a165-70867728950e";

/** A warehouse as the Web API returns it with `Prefer: odata.include-annotations="*"`. */
const webApiWarehouse = {
  "@odata.etag": 'W/"12345"',
  msdyn_warehouseid: "c1d2e3f4-0000-4000-8000-000000000001",
  msdyn_name: "Main",
  msdyn_warehouseidentifier: "11",
  msdyn_warehousetype: 192350000,
  "msdyn_warehousetype@OData.Community.Display.V1.FormattedValue": "Default",
  msdyn_primaryaddresslatitude: 47.60621,
  msdyn_description: null,
  _msdyn_operationalsite_value: siteId,
  "_msdyn_operationalsite_value@Microsoft.Dynamics.CRM.lookuplogicalname": "msdyn_operationalsite",
  "_msdyn_operationalsite_value@OData.Community.Display.V1.FormattedValue": "Site 1",
  "_msdyn_operationalsite_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "msdyn_operationalsite",
  _msdyn_company_value: companyId,
  _msdyn_transitwarehouse_value: null,
};

describe("fromWebApiRow", () => {
  it("reads scalars by logical name and lookups from _x_value with their annotations", () => {
    expect(fromWebApiRow(warehouse, webApiWarehouse)).toEqual({
      msdyn_warehouseid: "c1d2e3f4-0000-4000-8000-000000000001",
      msdyn_name: "Main",
      msdyn_warehouseidentifier: "11",
      msdyn_warehousetype: 192350000,
      msdyn_primaryaddresslatitude: 47.60621,
      msdyn_description: null,
      msdyn_operationalsite: { id: siteId, logicalName: "msdyn_operationalsite", name: "Site 1" },
      // No annotation: a single-target lookup names its only target.
      msdyn_company: { id: companyId, logicalName: "cdm_company" },
      msdyn_transitwarehouse: null,
    });
  });

  it("leaves out columns the row does not carry", () => {
    expect(fromWebApiRow(operationalSite, { msdyn_name: "North" })).toEqual({ msdyn_name: "North" });
  });

  it("refuses a lookup id that is not a string and a scalar that is an object", () => {
    expect(() => fromWebApiRow(warehouse, { _msdyn_operationalsite_value: 42 })).toThrow(DataverseRecordError);
    expect(() => fromWebApiRow(warehouse, { msdyn_name: { text: "x" } })).toThrow(/msdyn_warehouse\.msdyn_name/);
  });
});

describe("toWebApiBody", () => {
  const record = {
    msdyn_name: "Main",
    msdyn_warehousetype: 192350001,
    msdyn_operationalsite: { id: siteId, logicalName: "msdyn_operationalsite", name: "Site 1" },
    msdyn_company: { id: companyId, logicalName: "cdm_company" },
    msdyn_transitwarehouse: null,
    createdon: "2024-01-01T00:00:00Z",
  };

  it("binds lookups to /<entity set>(<id>) and clears null lookups with a null binding on update", () => {
    expect(toWebApiBody(warehouse, record, "update")).toEqual({
      msdyn_name: "Main",
      msdyn_warehousetype: 192350001,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
      "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
      "msdyn_transitwarehouse@odata.bind": null,
    });
  });

  it("leaves null lookups out on create, and sends the primary id only on create", () => {
    const withId = { ...record, msdyn_warehouseid: "c1d2e3f4-0000-4000-8000-000000000001" };
    const create = toWebApiBody(warehouse, withId, "create");
    expect(create).not.toHaveProperty("msdyn_transitwarehouse@odata.bind");
    expect(create.msdyn_warehouseid).toBe("c1d2e3f4-0000-4000-8000-000000000001");
    expect(toWebApiBody(warehouse, withId, "update")).not.toHaveProperty("msdyn_warehouseid");
    expect(create).not.toHaveProperty("createdon");
  });

  it("uses the column's navigation property", () => {
    const body = toWebApiBody(workOrderProduct, { msdyn_product: { id: siteId, logicalName: "product" } }, "create");
    expect(body).toEqual({ "msdyn_product@odata.bind": `/products(${siteId})` });
  });

  it("refuses unknown columns, references to other tables and references in scalar columns", () => {
    expect(() => toWebApiBody(warehouse, { msdyn_nope: 1 }, "create")).toThrow(/has no column msdyn_nope/);
    expect(
      thrown(() =>
        toWebApiBody(warehouse, { msdyn_operationalsite: { id: siteId, logicalName: "account" } }, "create"),
      ),
    ).toMatchObject({
      code: "INVALID_RECORD",
      attribute: "msdyn_operationalsite",
    });
    expect(() => toWebApiBody(warehouse, { msdyn_name: { id: siteId, logicalName: "account" } }, "create")).toThrow(
      DataverseRecordError,
    );
    expect(() => toWebApiBody(warehouse, { msdyn_operationalsite: "Site 1" }, "create")).toThrow(DataverseRecordError);
  });

  it("round-trips a Web API row through the record shape into an equivalent update body", () => {
    const body = toWebApiBody(warehouse, fromWebApiRow(warehouse, webApiWarehouse), "update");
    expect(body["msdyn_operationalsite@odata.bind"]).toBe(`/msdyn_operationalsites(${siteId})`);
    expect(body["msdyn_transitwarehouse@odata.bind"]).toBeNull();
    expect(body.msdyn_name).toBe("Main");
  });
});
