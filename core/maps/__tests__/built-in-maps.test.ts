import {
  builtInMaps,
  lookupsToResolve,
  mapByName,
  mapForScmCollection,
  mapForTable,
  toDataverseRecord,
  toScmRow,
  type EntityMap,
} from "../..";
import { contoso, parentAsset, pumpProduct, pumps, site1, transit, usmf } from "./fixtures";

function map(name: string): EntityMap {
  const found = mapByName(name);
  if (found === undefined) throw new Error(`no map ${name}`);
  return found;
}

describe("built-in maps", () => {
  it("ship one map per table pair, found by table and by SCM collection", () => {
    expect(builtInMaps.map((m) => `${m.dataverseTable} ↔ ${m.scmCollection}`)).toEqual([
      "msdyn_operationalsite ↔ OperationalSites",
      "msdyn_warehouse ↔ Warehouses",
      "msdyn_customerassetcategory ↔ MaintenanceAssetTypes",
      "msdyn_customerasset ↔ MaintenanceAssets",
      "msdyn_paymentterm ↔ PaymentTerms",
      "msdyn_shipvia ↔ ModesOfDelivery",
    ]);
    expect(mapForTable("msdyn_warehouse")?.name).toBe("warehouses");
    expect(mapForScmCollection("ModesOfDelivery")?.name).toBe("ship-vias");
    expect(mapForTable("account")).toBeUndefined();
  });
});

describe("warehouses", () => {
  const warehouses = map("warehouses");
  const record = {
    msdyn_company: usmf,
    msdyn_warehouseidentifier: "11",
    msdyn_name: "typed in Field Service: SCM's WarehouseId overwrites it",
    msdyn_description: "  Main warehouse ",
    msdyn_warehousetype: 192350001,
    msdyn_operationalsite: site1,
    msdyn_transitwarehouse: transit,
    msdyn_quarantinewarehouse: null,
    msdyn_primaryaddresscity: "Seattle",
    msdyn_primaryaddresslatitude: 47.60621,
    msdyn_formattedprimaryaddress: "ignored: SCM owns it",
  };

  it("asks for the natural keys of the referenced site and transit warehouse", () => {
    expect(lookupsToResolve(warehouses, { record })).toEqual([
      { column: "msdyn_operationalsite", scmField: "OperationalSiteId", reference: site1, keyColumn: "msdyn_siteid" },
      {
        column: "msdyn_transitwarehouse",
        scmField: "TransitWarehouseId",
        reference: transit,
        keyColumn: "msdyn_warehouseidentifier",
      },
    ]);
  });

  it("maps to SCM: company, key, trimmed description as the name (not msdyn_name), enum symbol, lookups by natural key, cleared lookup as empty text", () => {
    const result = toScmRow(record, warehouses, "usmf", {
      msdyn_operationalsite: "1",
      msdyn_transitwarehouse: "TR-01",
    });
    expect(result).toEqual({
      row: {
        dataAreaId: "usmf",
        WarehouseId: "11",
        WarehouseName: "Main warehouse",
        WarehouseType: "Quarantine",
        OperationalSiteId: "1",
        TransitWarehouseId: "TR-01",
        QuarantineWarehouseId: "",
        PrimaryAddressCity: "Seattle",
        PrimaryAddressLatitude: 47.60621,
      },
      unresolved: [],
      issues: [],
    });
  });

  it("leaves unanswered lookups out of the payload and reports them", () => {
    const result = toScmRow(record, warehouses, "usmf", { msdyn_operationalsite: "1" });
    expect(result.row).not.toHaveProperty("TransitWarehouseId");
    expect(result.unresolved.map((q) => q.column)).toEqual(["msdyn_transitwarehouse"]);
  });

  it("maps from SCM as Microsoft's dual-write map does: WarehouseId to msdyn_name, WarehouseName to msdyn_description", () => {
    const row = {
      dataAreaId: "usmf",
      WarehouseId: "11",
      WarehouseName: "Main warehouse",
      WarehouseType: "Transit",
      OperationalSiteId: "1",
      TransitWarehouseId: "",
      FormattedPrimaryAddress: "1 Main St\nSeattle, WA",
      PrimaryAddressLongitude: -122.33207,
    };
    expect(lookupsToResolve(warehouses, { row })).toEqual([
      {
        column: "msdyn_company",
        scmField: "dataAreaId",
        reference: { logicalName: "cdm_company", keys: { cdm_companycode: "usmf" } },
      },
      {
        column: "msdyn_operationalsite",
        scmField: "OperationalSiteId",
        reference: { logicalName: "msdyn_operationalsite", keys: { msdyn_siteid: "1" }, companyCode: "usmf" },
      },
    ]);
    const result = toDataverseRecord(row, warehouses, { msdyn_company: usmf, msdyn_operationalsite: site1 });
    expect(result).toEqual({
      record: {
        msdyn_company: usmf,
        msdyn_warehouseidentifier: "11",
        msdyn_name: "11",
        msdyn_description: "Main warehouse",
        msdyn_warehousetype: 192350002,
        msdyn_operationalsite: site1,
        msdyn_transitwarehouse: null,
        msdyn_formattedprimaryaddress: "1 Main St\nSeattle, WA",
        msdyn_primaryaddresslongitude: -122.33207,
      },
      unresolved: [],
      issues: [],
    });
  });

  it("reports an enum value the value map does not list instead of guessing", () => {
    const result = toDataverseRecord(
      { dataAreaId: "usmf", WarehouseId: "11", WarehouseType: "Consignment" },
      warehouses,
      { msdyn_company: usmf },
    );
    expect(result.record).not.toHaveProperty("msdyn_warehousetype");
    expect(result.issues).toEqual([
      expect.objectContaining({ attribute: "msdyn_warehousetype", field: "WarehouseType", code: "allowedValues" }),
    ]);
    const toScm = toScmRow({ msdyn_warehousetype: 5 }, warehouses, "usmf");
    expect(toScm.issues[0]).toMatchObject({ attribute: "msdyn_warehousetype", code: "allowedValues" });
  });
});

describe("customer assets", () => {
  const assets = map("customer-assets");

  it("maps category, parent, account and product through their natural keys, both ways", () => {
    const record = {
      msdyn_company: usmf,
      msdyn_maintenanceassetid: "PUMP-001",
      msdyn_name: "Pump 1",
      msdyn_customerassetcategory: pumps,
      msdyn_parentasset: parentAsset,
      msdyn_account: contoso,
      msdyn_product: pumpProduct,
      fsi_activefrom: "2024-01-01T00:00:00Z",
      fsi_activeto: null,
      msdyn_assettag: "not mapped",
    };
    const answers = {
      msdyn_customerassetcategory: "PUMPS",
      msdyn_parentasset: "LINE-1",
      msdyn_account: "US-001",
      msdyn_product: "P-100",
    };
    const { row } = toScmRow(record, assets, "usmf", answers);
    expect(row).toEqual({
      dataAreaId: "usmf",
      MaintenanceAssetId: "PUMP-001",
      Name: "Pump 1",
      MaintenanceAssetTypeId: "PUMPS",
      ParentMaintenanceAssetId: "LINE-1",
      CustomerAccount: "US-001",
      ItemNumber: "P-100",
      ActiveFrom: "2024-01-01T00:00:00Z",
      ActiveTo: null,
    });

    // Accounts and products are not company-scoped: found by number alone.
    const references = lookupsToResolve(assets, { row }).map((q) => q.reference);
    expect(references).toContainEqual({ logicalName: "account", keys: { accountnumber: "US-001" } });
    expect(references).toContainEqual({ logicalName: "product", keys: { productnumber: "P-100" } });
    expect(references).toContainEqual({
      logicalName: "msdyn_customerasset",
      keys: { msdyn_maintenanceassetid: "LINE-1" },
      companyCode: "usmf",
    });

    const back = toDataverseRecord(row, assets, {
      msdyn_company: usmf,
      msdyn_customerassetcategory: pumps,
      msdyn_parentasset: parentAsset,
      msdyn_account: contoso,
      msdyn_product: pumpProduct,
    });
    const { msdyn_assettag: _notMapped, ...mapped } = record;
    expect(back).toEqual({ record: mapped, unresolved: [], issues: [] });
  });

  it("reads SCM's 1900-01-01 as no date", () => {
    const { record } = toDataverseRecord({ ActiveTo: "1900-01-01T00:00:00Z" }, assets);
    expect(record).toEqual({ fsi_activeto: null });
  });
});

describe("customer asset categories", () => {
  const categories = map("customer-asset-categories");

  it("maps the KPI flag to NoYes, null to the default No", () => {
    const base = {
      msdyn_company: usmf,
      msdyn_maintenanceassettypeid: "PUMPS",
      msdyn_name: "Pumps",
      msdyn_lifecyclemodel: { id: "5f2b7c1e-0000-4000-8000-000000000001", logicalName: "msdyn_assetlifecyclemodel" },
    };
    // The lifecycle model is a lookup: SCM gets the model's key, read from the row it points to.
    expect(
      toScmRow({ ...base, msdyn_calculatekpitotal: true }, categories, "demf", { msdyn_lifecyclemodel: "STD" }).row,
    ).toEqual({
      dataAreaId: "demf",
      MaintenanceAssetTypeId: "PUMPS",
      Name: "Pumps",
      LifecycleModelId: "STD",
      CalculateKPITotal: "Yes",
    });
    expect(toScmRow({ msdyn_calculatekpitotal: null }, categories, "demf").row.CalculateKPITotal).toBe("No");
    expect(toDataverseRecord({ CalculateKPITotal: "No", Name: "Pumps " }, categories).record).toEqual({
      msdyn_calculatekpitotal: false,
      msdyn_name: "Pumps",
    });
  });
});

describe("payment terms", () => {
  const terms = map("payment-terms");

  it("maps numbers as they are and yes/no flags to NoYes, both ways", () => {
    const record = {
      msdyn_company: usmf,
      msdyn_name: "Net30",
      msdyn_description: "Net 30 days",
      msdyn_days: 30,
      msdyn_numberofmonth: 0,
      msdyn_cutoffdayofmonth: 15,
      msdyn_iscashpayment: false,
      msdyn_isdefaultpaymentterm: true,
    };
    const { row } = toScmRow(record, terms, "usmf");
    expect(row).toEqual({
      dataAreaId: "usmf",
      Name: "Net30",
      Description: "Net 30 days",
      NumberOfDays: 30,
      NumberOfMonths: 0,
      CutOffDayOfMonth: 15,
      IsCashPayment: "No",
      IsDefaultPaymentTerm: "Yes",
    });
    expect(toDataverseRecord(row, terms, { msdyn_company: usmf }).record).toEqual(record);
  });
});

describe("operational sites and ship vias", () => {
  it("map their key and name or description, both ways", () => {
    const sites = map("operational-sites");
    const shipVias = map("ship-vias");
    expect(toScmRow({ msdyn_siteid: "1", msdyn_name: " North " }, sites, "usmf").row).toEqual({
      dataAreaId: "usmf",
      SiteId: "1",
      SiteName: "North",
    });
    expect(
      toDataverseRecord({ dataAreaId: "usmf", SiteId: "1", SiteName: "" }, sites, { msdyn_company: usmf }).record,
    ).toEqual({
      msdyn_company: usmf,
      msdyn_siteid: "1",
      msdyn_name: null,
    });
    expect(toScmRow({ msdyn_name: "AIR", msdyn_description: "Air freight" }, shipVias, "gbsi").row).toEqual({
      dataAreaId: "gbsi",
      ModeCode: "AIR",
      ModeDescription: "Air freight",
    });
    const back = toDataverseRecord({ dataAreaId: "gbsi", ModeCode: "AIR", ModeDescription: "Air freight" }, shipVias);
    expect(back.record).toEqual({ msdyn_name: "AIR", msdyn_description: "Air freight" });
    expect(back.unresolved).toEqual([
      {
        column: "msdyn_company",
        scmField: "dataAreaId",
        reference: { logicalName: "cdm_company", keys: { cdm_companycode: "gbsi" } },
      },
    ]);
  });

  it("refuses an empty key instead of sending it to SCM", () => {
    const result = toScmRow({ msdyn_name: null }, map("ship-vias"), "usmf");
    expect(result.row).toEqual({ dataAreaId: "usmf" });
    expect(result.issues).toEqual([
      expect.objectContaining({ attribute: "msdyn_name", field: "ModeCode", code: "required" }),
    ]);
  });
});
