import { braced, nameBasedUuid, stableId, unbraced } from "../ids";

describe("stable ids", () => {
  it("computes RFC 9562 version 5 UUIDs (Python's uuid5 gives the same for python.org)", () => {
    expect(nameBasedUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org")).toBe(
      "886313e1-3b8a-5372-9b90-0c9aee199e5d",
    );
  });

  it("gives a component the same id every time and different components different ids", () => {
    expect(stableId("form", "msdyn_warehouse", "main")).toBe(stableId("form", "msdyn_warehouse", "main"));
    expect(stableId("form", "msdyn_warehouse", "main")).not.toBe(stableId("form", "msdyn_shipvia", "main"));
    expect(stableId("form", "msdyn_warehouse", "main")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("reads braced and bare guids in any case and refuses other text", () => {
    expect(unbraced("{AB8D5F2E-0000-4000-8000-00000000000A}")).toBe("ab8d5f2e-0000-4000-8000-00000000000a");
    expect(unbraced(braced("AB8D5F2E-0000-4000-8000-00000000000A"))).toBe("ab8d5f2e-0000-4000-8000-00000000000a");
    expect(unbraced("fsi_validate")).toBeUndefined();
  });
});
