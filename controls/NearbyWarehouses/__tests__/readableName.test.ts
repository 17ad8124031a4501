import { readableName } from "../services/nearbyWarehouses";

describe("the warehouse name a technician reads", () => {
  it("is the description when msdyn_name holds SCM's warehouse id (Microsoft's dual-write naming)", () => {
    expect(readableName("SEA-01", "Seattle main", "SEA-01")).toBe("Seattle main");
  });

  it("is msdyn_name when it is the name, whatever the description says", () => {
    expect(readableName("Seattle main", "Dock 4, ask for Sam", "SEA-01")).toBe("Seattle main");
  });

  it("is msdyn_name (the id) when there is no description to show instead", () => {
    expect(readableName("SEA-01", null, "SEA-01")).toBe("SEA-01");
    expect(readableName("SEA-01", "  ", "SEA-01")).toBe("SEA-01");
    expect(readableName(null, null, null)).toBe("");
  });
});
