import {
  MapTemplateError,
  applyMapOverride,
  filteringAttributes,
  mapByName,
  toDataverseRecord,
  toScmRow,
  type EntityMap,
} from "../..";

function map(name: string): EntityMap {
  const found = mapByName(name);
  if (found === undefined) throw new Error(`no map ${name}`);
  return found;
}

function refusal(base: EntityMap, override: unknown): MapTemplateError {
  try {
    applyMapOverride(base, override, "overrides/warehouses.json");
  } catch (error) {
    if (error instanceof MapTemplateError) return error;
    throw error;
  }
  throw new Error("the override was accepted");
}

describe("applyMapOverride", () => {
  // Microsoft's naming by default, so msdyn_description is mapped (WarehouseName ↔ msdyn_description).
  const warehouses = map("warehouses");

  it("adds a column pair (a user keeps functional location ids in the asset tag)", () => {
    const assets = applyMapOverride(map("customer-assets"), {
      map: "customer-assets",
      add: [{ dataverse: "msdyn_assettag", scm: "FunctionalLocationId", direction: "toScm", trim: true }],
    });
    expect(toScmRow({ msdyn_assettag: " FL-7 " }, assets, "usmf").row).toEqual({
      dataAreaId: "usmf",
      FunctionalLocationId: "FL-7",
    });
    expect(filteringAttributes(assets)).toContain("msdyn_assettag");
    // toScm only: SCM's value does not come back.
    expect(toDataverseRecord({ FunctionalLocationId: "FL-7" }, assets).record).toEqual({});
    // The built-in map is unchanged.
    expect(toScmRow({ msdyn_assettag: "FL-7" }, map("customer-assets"), "usmf").row).toEqual({ dataAreaId: "usmf" });
  });

  it("changes a transform: no trimming, a different value map, a new default", () => {
    const changed = applyMapOverride(warehouses, {
      map: "warehouses",
      change: [
        { dataverse: "msdyn_description", trim: null },
        {
          dataverse: "msdyn_warehousetype",
          valueMap: {
            pairs: [{ dataverse: 192350001, scm: "Quarantine" }],
            unmappedToScm: "Default",
            unmappedToDataverse: 192350000,
          },
          default: { toScm: "Default" },
        },
      ],
    });
    expect(toScmRow({ msdyn_description: " Main ", msdyn_warehousetype: 192350002 }, changed, "usmf").row).toEqual({
      dataAreaId: "usmf",
      WarehouseName: " Main ",
      WarehouseType: "Default",
    });
    expect(toScmRow({ msdyn_warehousetype: null }, changed, "usmf").row.WarehouseType).toBe("Default");
    expect(toDataverseRecord({ WarehouseType: "Transit" }, changed).record).toEqual({ msdyn_warehousetype: 192350000 });
  });

  it("changes a direction", () => {
    const changed = applyMapOverride(warehouses, {
      map: "warehouses",
      change: [{ dataverse: "msdyn_primaryaddresslatitude", direction: "toDataverse" }],
    });
    expect(toScmRow({ msdyn_primaryaddresslatitude: 1 }, changed, "usmf").row).not.toHaveProperty(
      "PrimaryAddressLatitude",
    );
    expect(filteringAttributes(changed)).not.toContain("msdyn_primaryaddresslatitude");
  });

  it("removes a column pair, and remove + add replaces one", () => {
    const removed = applyMapOverride(
      warehouses,
      JSON.stringify({ map: "warehouses", remove: ["msdyn_formattedprimaryaddress"] }),
    );
    expect(toDataverseRecord({ FormattedPrimaryAddress: "x" }, removed).record).toEqual({});
    const replaced = applyMapOverride(warehouses, {
      map: "warehouses",
      remove: ["msdyn_description"],
      add: [{ dataverse: "msdyn_description", scm: "WarehouseName", direction: "toDataverse" }],
    });
    expect(toScmRow({ msdyn_description: "Main" }, replaced, "usmf").row).toEqual({ dataAreaId: "usmf" });
  });

  it("refuses an override for another map, or naming columns the map does not have", () => {
    expect(refusal(warehouses, { map: "ship-vias" }).message).toBe(
      "overrides/warehouses.json: $.map: this override is for map ship-vias, not warehouses",
    );
    expect(
      refusal(warehouses, {
        map: "warehouses",
        remove: ["msdyn_primaryaddresscountyid"],
        change: [{ dataverse: "msdyn_nope", trim: true }],
      }).problems,
    ).toEqual([
      { path: "$.remove[0]", message: "msdyn_primaryaddresscountyid is not a mapped column of warehouses" },
      { path: "$.change[0].dataverse", message: "msdyn_nope is not a mapped column of warehouses" },
    ]);
    expect(
      refusal(warehouses, {
        map: "warehouses",
        add: [{ dataverse: "msdyn_name", scm: "WarehouseName", direction: "both" }],
      }).problems[0]?.path,
    ).toBe("$.add[0].dataverse");
  });

  it("refuses what the merged map would get wrong, at the override's path", () => {
    const badAdd = refusal(map("customer-assets"), {
      map: "customer-assets",
      add: [
        {
          dataverse: "msdyn_functionallocation",
          scm: "FunctionalLocationId",
          direction: "both",
          lookup: { table: "msdyn_functionallocation", key: "msdyn_name" },
        },
      ],
    });
    expect(badAdd.problems).toEqual([
      {
        path: "$.add[0].lookup.key",
        message: "msdyn_functionallocation.msdyn_name is not part of an alternate key, so it cannot identify a row",
      },
    ]);
    const badChange = refusal(warehouses, {
      map: "warehouses",
      change: [{ dataverse: "msdyn_warehousetype", valueMap: { pairs: [{ dataverse: 192350000, scm: "Normal" }] } }],
    });
    expect(badChange.message).toContain(
      'overrides/warehouses.json: $.change[0].valueMap.pairs[0].scm: "Normal" is not a value of SCM WarehouseType',
    );
    expect(
      refusal(warehouses, { map: "warehouses", change: [{ dataverse: "msdyn_description", scm: "WarehouseNam" }] })
        .problems,
    ).toEqual([{ path: "$.change[0].scm", message: "unknown SCM field WarehouseNam of Warehouses" }]);
  });

  it("builds warehouses with Microsoft's naming by default, and the name naming when an override chooses it", () => {
    // Microsoft's dual-write map: WAREHOUSEID >> msdyn_name, WAREHOUSENAME >< msdyn_description.
    expect(warehouses.chosen).toEqual({ naming: "microsoft" });
    expect(toDataverseRecord({ WarehouseId: "11", WarehouseName: "Main" }, warehouses).record).toMatchObject({
      msdyn_name: "11",
      msdyn_description: "Main",
    });
    expect(toScmRow({ msdyn_name: "x", msdyn_description: "Main" }, warehouses, "usmf").row).toEqual({
      dataAreaId: "usmf",
      WarehouseName: "Main",
    });
    expect(filteringAttributes(warehouses)).not.toContain("msdyn_name");

    const byName = applyMapOverride(warehouses, { map: "warehouses", choose: { naming: "name" } });
    expect(byName.chosen).toEqual({ naming: "name" });
    expect(byName.columns.filter((pair) => pair.dataverse === "msdyn_name")).toEqual([
      { dataverse: "msdyn_name", scm: "WarehouseName", direction: "both", trim: true },
    ]);
    expect(byName.columns.some((pair) => pair.dataverse === "msdyn_description")).toBe(false);
    expect(toDataverseRecord({ WarehouseId: "11", WarehouseName: "Main" }, byName).record).toEqual({
      msdyn_warehouseidentifier: "11",
      msdyn_name: "Main",
    });
    expect(toScmRow({ msdyn_name: " Main " }, byName, "usmf").row).toEqual({
      dataAreaId: "usmf",
      WarehouseName: "Main",
    });
    expect(filteringAttributes(byName)).toContain("msdyn_name");

    // Choosing back returns the default pairs; the column edits apply after the choice.
    const back = applyMapOverride(byName, {
      map: "warehouses",
      choose: { naming: "microsoft" },
      change: [{ dataverse: "msdyn_description", trim: null }],
    });
    expect(back.columns.filter((pair) => ["msdyn_name", "msdyn_description"].includes(pair.dataverse))).toEqual([
      { dataverse: "msdyn_name", scm: "WarehouseId", direction: "toDataverse" },
      { dataverse: "msdyn_description", scm: "WarehouseName", direction: "both" },
    ]);
  });

  it("refuses a choice or an option the template does not offer", () => {
    expect(refusal(warehouses, { map: "warehouses", choose: { naming: "display-name" } }).problems).toEqual([
      { path: "$.choose.naming", message: "display-name is not an option of naming (options: microsoft, name)" },
    ]);
    expect(refusal(map("ship-vias"), { map: "ship-vias", choose: { naming: "name" } }).problems).toEqual([
      { path: "$.choose.naming", message: "map ship-vias has no choice naming" },
    ]);
  });

  it("refuses a misspelt property and unparsable text", () => {
    expect(
      refusal(warehouses, { map: "warehouses", change: [{ dataverse: "msdyn_name", direciton: "toScm" }] }).message,
    ).toBe('overrides/warehouses.json: $.change[0]: Unrecognized key: "direciton"');
    expect(refusal(warehouses, "{").message).toMatch(/^overrides\/warehouses\.json: \$: not valid JSON/);
  });
});
