import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MapOverrideFileError, loadMapCatalog } from "../map-catalog";

describe("loadMapCatalog", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "fsi-maps-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("runs with the built-in maps when there is no override file", () => {
    const catalog = loadMapCatalog();
    expect(catalog.forTable("msdyn_warehouse")?.scmCollection).toBe("Warehouses");
    expect(catalog.forScmCollection("ModesOfDelivery")?.dataverseTable).toBe("msdyn_shipvia");
  });

  it("applies a user's override file", () => {
    const path = file("override.json", JSON.stringify({ map: "warehouses", remove: ["msdyn_primaryaddressstreet"] }));
    const catalog = loadMapCatalog(path);
    const columns = catalog.forTable("msdyn_warehouse")?.columns.map((pair) => pair.dataverse);
    expect(columns).not.toContain("msdyn_primaryaddressstreet");
    expect(
      loadMapCatalog()
        .forTable("msdyn_warehouse")
        ?.columns.map((pair) => pair.dataverse),
    ).toContain("msdyn_primaryaddressstreet");
  });

  it.each([
    ["a file that does not exist", () => join(dir, "missing.json"), /missing\.json cannot be read/],
    ["a file that is not JSON", () => file("bad.json", "{ map: "), /bad\.json is not valid JSON/],
    [
      "an override of an unknown map",
      () => file("unknown.json", JSON.stringify({ map: "spaceships" })),
      /unknown\.json: \$\.map: must name a built-in map/,
    ],
    [
      "an override that removes a column the map does not have",
      () => file("column.json", JSON.stringify([{ map: "ship-vias", remove: ["msdyn_nothing"] }])),
      /column\.json \[0\]: \$\.remove\[0\]: msdyn_nothing is not a mapped column of ship-vias/,
    ],
  ])("refuses %s with the path and the problem", (_what, pathOf, message) => {
    const path = pathOf();
    expect(() => loadMapCatalog(path)).toThrow(MapOverrideFileError);
    expect(() => loadMapCatalog(path)).toThrow(message);
  });
});
