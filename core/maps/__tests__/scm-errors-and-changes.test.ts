import { changedMappedColumns, filteringAttributes, mapByName, scmErrorsToDataverse, type EntityMap } from "../..";
import { site1, usmf } from "./fixtures";

function map(name: string): EntityMap {
  const found = mapByName(name);
  if (found === undefined) throw new Error(`no map ${name}`);
  return found;
}

describe("scmErrorsToDataverse", () => {
  const warehouses = map("warehouses");

  it("renames SCM fields to Dataverse columns, the company field to msdyn_company", () => {
    expect(
      scmErrorsToDataverse(
        [
          {
            field: "TransitWarehouseId",
            code: "required",
            message: "A default warehouse in usmf needs a transit warehouse.",
          },
          { field: "WarehouseId", code: "notUnique", message: "Warehouse 11 already exists in usmf." },
          { field: "dataAreaId", code: "referenceNotFound", message: "Company xx does not exist." },
          { field: "WarehouseName", code: "maxLength", message: "Name is longer than 60 characters." },
        ],
        warehouses,
      ),
    ).toEqual([
      {
        attribute: "msdyn_transitwarehouse",
        code: "required",
        message: "A default warehouse in usmf needs a transit warehouse.",
      },
      { attribute: "msdyn_warehouseidentifier", code: "notUnique", message: "Warehouse 11 already exists in usmf." },
      { attribute: "msdyn_company", code: "referenceNotFound", message: "Company xx does not exist." },
      // Microsoft's naming: the SCM name lives in msdyn_description.
      { attribute: "msdyn_description", code: "maxLength", message: "Name is longer than 60 characters." },
    ]);
  });

  it("keeps errors on unmapped fields and row-level errors, without an attribute", () => {
    expect(
      scmErrorsToDataverse(
        [
          { field: "InventSiteId", code: "crossField", message: "Site and warehouse disagree." },
          { code: "crossField", message: "A quarantine warehouse cannot have a quarantine warehouse." },
          { field: "WarehouseType", code: "SomeFoCode", message: "Rejected." },
        ],
        warehouses,
      ),
    ).toEqual([
      { code: "crossField", message: "InventSiteId: Site and warehouse disagree." },
      { code: "crossField", message: "A quarantine warehouse cannot have a quarantine warehouse." },
      { attribute: "msdyn_warehousetype", code: "invalidValue", message: "Rejected." },
    ]);
  });
});

describe("change detection", () => {
  const warehouses = map("warehouses");

  it("filters on the keys and the columns that go to SCM, not on SCM-owned or unmapped ones", () => {
    const attributes = filteringAttributes(warehouses);
    expect(attributes).toContain("msdyn_warehouseidentifier");
    expect(attributes).toContain("msdyn_operationalsite");
    expect(attributes).not.toContain("msdyn_formattedprimaryaddress");
    // msdyn_name only receives SCM's WarehouseId (Microsoft's naming): editing it in Field Service syncs nothing.
    expect(attributes).not.toContain("msdyn_name");
    expect(attributes).toContain("msdyn_description");
    expect(attributes).not.toContain("msdyn_company");
    expect(attributes).toEqual([...attributes].sort());
    expect(filteringAttributes(map("ship-vias"))).toEqual(["msdyn_description", "msdyn_name"]);
  });

  it("reports the mapped columns whose value differs from the pre-image", () => {
    const preImage = {
      msdyn_company: usmf,
      msdyn_name: "Main",
      msdyn_operationalsite: site1,
      msdyn_primaryaddresscity: "Seattle",
    };
    const target = {
      msdyn_operationalsite: { ...site1, id: site1.id.toUpperCase(), name: "renamed" },
      msdyn_primaryaddresscity: "Tacoma",
      msdyn_primaryaddresslatitude: 47.25,
      msdyn_name: "SCM-owned under Microsoft's naming",
      msdyn_formattedprimaryaddress: "SCM-owned",
    };
    expect(changedMappedColumns(warehouses, target, preImage)).toEqual([
      "msdyn_primaryaddresscity",
      "msdyn_primaryaddresslatitude",
    ]);
  });

  it("treats a column missing from the pre-image as null, and everything as changed without one", () => {
    expect(changedMappedColumns(warehouses, { msdyn_transitwarehouse: null }, {})).toEqual([]);
    expect(changedMappedColumns(warehouses, { msdyn_name: "Main", msdyn_description: "x" })).toEqual([
      "msdyn_description",
    ]);
  });
});
