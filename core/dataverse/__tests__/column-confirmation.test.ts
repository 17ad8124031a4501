import { tables, workOrderProduct } from "../tables";
import { confirmedColumns } from "../tables/column-confirmation";

describe("column confirmation", () => {
  it("names only columns our table definitions have", () => {
    const known = new Set(
      Object.values(tables).flatMap((table) =>
        Object.keys(table.columns).map((column) => `${table.logicalName}.${column}`),
      ),
    );
    for (const key of Object.keys(confirmedColumns)) expect(known).toContain(key);
  });

  it("keeps the work order product's quantity a Double, as Field Service defines it", () => {
    expect(workOrderProduct.columns.msdyn_quantity).toMatchObject({ type: "double", precision: 2, min: 0 });
  });
});
