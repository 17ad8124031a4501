/** The Field Service-side filter of a template: parsed and checked against the table, evaluated on records. */
import { productInventory, project } from "@fsi/core/dataverse/tables";
import { RecordFilterError, compileRecordFilter } from "../templates/record-filter";

describe("a template's Field Service filter", () => {
  const warehouse = { id: "0A1B2C3D-0000-4000-8000-000000000001", logicalName: "msdyn_warehouse" };

  it("evaluates comparisons, and/or/not, parentheses, null and lookups by id", () => {
    const filter = compileRecordFilter(
      "(msdyn_qtyonhand gt 0 or msdyn_qtyonorder ge 10) and msdyn_name ne null and not (_msdyn_warehouse_value eq 0a1b2c3d-0000-4000-8000-000000000001)",
      productInventory,
    );
    expect(
      filter.matches({
        msdyn_qtyonhand: 5,
        msdyn_warehouse: { ...warehouse, id: "0a1b2c3d-0000-4000-8000-000000000002" },
        msdyn_name: "x",
      }),
    ).toBe(true);
    expect(filter.matches({ msdyn_qtyonhand: 5, msdyn_warehouse: warehouse, msdyn_name: "x" })).toBe(false);
    expect(filter.matches({ msdyn_qtyonhand: 0, msdyn_qtyonorder: 10, msdyn_name: "x" })).toBe(true);
    expect(filter.matches({ msdyn_qtyonhand: 0, msdyn_name: "x" })).toBe(false);
    expect(filter.matches({ msdyn_qtyonhand: 5 })).toBe(false);
  });

  it("compares text case-insensitively, a value on either side, and is false for an empty value in an ordering", () => {
    const filter = compileRecordFilter("'HVAC' eq fsi_name or 100 lt fsi_projecttype", project);
    expect(filter.matches({ fsi_name: "hvac" })).toBe(true);
    expect(filter.matches({ fsi_projecttype: 716900000 })).toBe(true);
    expect(filter.matches({ fsi_name: "Pumps", fsi_projecttype: 50 })).toBe(false);
    expect(compileRecordFilter("fsi_projecttype gt 0", project).matches({})).toBe(false);
    expect(
      compileRecordFilter("fsi_scmlastsyncedon ge 2025-01-01T00:00:00Z", project).matches({
        fsi_scmlastsyncedon: "2025-06-01T08:00:00.000Z",
      }),
    ).toBe(true);
  });

  it("refuses what it cannot check or evaluate, saying what is wrong", () => {
    const problem = (text: string) => {
      try {
        compileRecordFilter(text, project);
      } catch (error) {
        expect(error).toBeInstanceOf(RecordFilterError);
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(problem("fsi_nothing eq 1")).toBe("unknown column fsi_nothing of fsi_project");
    expect(problem("fsi_customer eq null")).toBe(
      "fsi_customer is a lookup; filter on _fsi_customer_value (the row's id), as the Web API does",
    );
    expect(problem("fsi_name eq 5")).toBe("'fsi_name eq 5': fsi_name holds text, but 5 is a number");
    expect(problem("contains(fsi_name,'x')")).toBe(
      "'contains(fsi_name,'x')' is not supported; use eq, ne, gt, ge, lt, le, and, or, not and parentheses",
    );
    expect(problem("1 eq 1")).toBe("'1 eq 1' compares two values; one side must be a column");
    expect(problem("fsi_name gt null")).toBe("'fsi_name gt null': null can only be compared with eq or ne");
    expect(problem("fsi_name eq")).toMatch(/^not a valid OData filter/);
  });
});
