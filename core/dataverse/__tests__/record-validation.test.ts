import { customerAsset, paymentTerm, validateRecord, warehouse } from "../..";

const companyRef = { id: "0f8fad5b-d9cb-469f-a165-70867728950e", logicalName: "cdm_company" };
const validWarehouse = { msdyn_name: "Main", msdyn_warehouseidentifier: "11", msdyn_company: companyRef };

const codes = (issues: ReturnType<typeof validateRecord>) => issues.map((i) => `${i.attribute}:${i.code}`);

describe("validateRecord", () => {
  it("accepts a valid record", () => {
    expect(
      validateRecord(
        warehouse,
        { ...validWarehouse, msdyn_warehousetype: 192350001, msdyn_primaryaddresslatitude: -33.5 },
        { operation: "create" },
      ),
    ).toEqual([]);
  });

  it("reports missing required columns on create, and required columns cleared on update", () => {
    expect(codes(validateRecord(warehouse, { msdyn_name: "Main" }, { operation: "create" }))).toEqual([
      "msdyn_company:required",
      "msdyn_warehouseidentifier:required",
    ]);
    expect(validateRecord(warehouse, { msdyn_description: "x" }, { operation: "update" })).toEqual([]);
    expect(codes(validateRecord(warehouse, { msdyn_name: null }, { operation: "update" }))).toEqual([
      "msdyn_name:required",
    ]);
  });

  it("checks text length, numeric range and choice options with the contract's codes", () => {
    const issues = validateRecord(
      warehouse,
      { ...validWarehouse, msdyn_name: "x".repeat(101), msdyn_primaryaddresslatitude: 91, msdyn_warehousetype: 5 },
      { operation: "create" },
    );
    expect(codes(issues)).toEqual([
      "msdyn_name:maxLength",
      "msdyn_primaryaddresslatitude:range",
      "msdyn_warehousetype:allowedValues",
    ]);
    expect(issues[0]?.message).toBe("Name (msdyn_name) is longer than 100 characters.");
    expect(issues[2]?.message).toContain("192350001 (Quarantine)");
    expect(
      codes(validateRecord(paymentTerm, { msdyn_days: -1, msdyn_cutoffdayofmonth: 32 }, { operation: "update" })),
    ).toEqual(["msdyn_days:range", "msdyn_cutoffdayofmonth:range"]);
  });

  it("reports values of the wrong type as invalidValue", () => {
    const issues = validateRecord(
      paymentTerm,
      {
        msdyn_days: 1.5,
        msdyn_iscashpayment: "yes",
        msdyn_description: 3,
        msdyn_company: { id: "nope", logicalName: "cdm_company" },
      },
      { operation: "update" },
    );
    expect(codes(issues)).toEqual([
      "msdyn_days:invalidValue",
      "msdyn_iscashpayment:invalidValue",
      "msdyn_description:invalidValue",
      "msdyn_company:invalidValue",
    ]);
    expect(
      codes(
        validateRecord(
          customerAsset,
          { fsi_activefrom: "yesterday", msdyn_account: { id: companyRef.id, logicalName: "contact" } },
          { operation: "update" },
        ),
      ),
    ).toEqual(["fsi_activefrom:invalidValue", "msdyn_account:invalidValue"]);
    expect(validateRecord(customerAsset, { fsi_activefrom: "2024-05-01T08:00:00Z" }, { operation: "update" })).toEqual(
      [],
    );
  });

  it("reports unknown columns and platform-set columns", () => {
    expect(
      codes(validateRecord(warehouse, { msdyn_nope: 1, createdon: "2024-01-01T00:00:00Z" }, { operation: "update" })),
    ).toEqual(["msdyn_nope:unknownColumn", "createdon:invalidValue"]);
  });

  it("refuses a change to a create-only column when the stored row is given", () => {
    const preImage = { ...validWarehouse };
    const otherCompany = { id: "1f8fad5b-d9cb-469f-a165-70867728950e", logicalName: "cdm_company" };
    expect(
      codes(validateRecord(warehouse, { msdyn_company: otherCompany }, { operation: "update", preImage })),
    ).toEqual(["msdyn_company:invalidValue"]);
    // Same company, GUID in upper case: not a change.
    const same = { ...companyRef, id: companyRef.id.toUpperCase(), name: "USMF" };
    expect(
      validateRecord(
        warehouse,
        { msdyn_company: same, msdyn_warehouseidentifier: "11" },
        { operation: "update", preImage },
      ),
    ).toEqual([]);
  });
});
