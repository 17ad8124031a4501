/**
 * SCM data entities the integration reads and writes (docs/design.md §3). Kept here and nowhere else.
 *
 * Confirmed: the warehouse and site field names (WarehouseId, WarehouseName, OperationalSiteId,
 * WarehouseType, TransitWarehouseId, QuarantineWarehouseId, MainRefillingWarehouseId,
 * PrimaryAddress*, FormattedPrimaryAddress, PrimaryAddressLatitude/Longitude; SiteId, SiteName) by
 * Microsoft's dual-write map of sites and warehouses (UO `articles/dev-itpro/data-entities/dual-write-sites-and-warehouses.md`,
 * which lists them in upper case: WAREHOUSEID, OPERATIONALSITEID, ...); `InventWarehouseEntity`,
 * `DlvDeliveryModeEntity`, `PaymentTermEntity` as physical names (docs/design.md, issue of record).
 * **Unconfirmed**: the OData collection names, the physical names of the site, asset, asset type
 * and inventory entities, and the asset, payment term and mode of delivery field names.
 */
import { inventoryEntities } from "./inventory-entities";
import { dataAreaId, noYes, str } from "./fields";
import type { ScmEntityDefinition } from "./schema";

export const WarehouseTypeValues = ["Default", "Quarantine", "Transit"] as const;
export const PaymentMethodTypeValues = [
  "Net",
  "CurrentMonth",
  "CurrentQuarter",
  "CurrentYear",
  "CurrentWeek",
  "COD",
] as const;

export const operationalSites: ScmEntityDefinition = {
  collection: "OperationalSites",
  entityName: "OperationalSite",
  physicalName: "InventOperationalSiteEntity",
  displayName: "Sites",
  keys: ["dataAreaId", "SiteId"],
  fields: { dataAreaId, SiteId: str(10, true), SiteName: str(60) },
};

export const warehouses: ScmEntityDefinition = {
  collection: "Warehouses",
  entityName: "Warehouse",
  physicalName: "InventWarehouseEntity",
  displayName: "Warehouses",
  keys: ["dataAreaId", "WarehouseId"],
  fields: {
    dataAreaId,
    WarehouseId: str(10, true),
    WarehouseName: str(60),
    OperationalSiteId: str(10),
    WarehouseType: { type: "Enum", enumName: "InventLocationType", values: WarehouseTypeValues },
    TransitWarehouseId: str(10),
    QuarantineWarehouseId: str(10),
    MainRefillingWarehouseId: str(10),
    PrimaryAddressStreet: str(250),
    PrimaryAddressCity: str(60),
    PrimaryAddressStateId: str(10),
    PrimaryAddressZipCode: str(10),
    PrimaryAddressCountryRegionId: str(10),
    FormattedPrimaryAddress: str(1000),
    PrimaryAddressLatitude: { type: "Real" },
    PrimaryAddressLongitude: { type: "Real" },
  },
};

export const maintenanceAssetTypes: ScmEntityDefinition = {
  collection: "MaintenanceAssetTypes",
  entityName: "MaintenanceAssetType",
  physicalName: "EntAssetObjectTypeEntity",
  displayName: "Asset types",
  keys: ["dataAreaId", "MaintenanceAssetTypeId"],
  fields: {
    dataAreaId,
    MaintenanceAssetTypeId: str(20, true),
    Name: str(60),
    LifecycleModelId: str(20),
    CalculateKPITotal: noYes,
  },
};

export const maintenanceAssets: ScmEntityDefinition = {
  collection: "MaintenanceAssets",
  entityName: "MaintenanceAsset",
  physicalName: "EntAssetObjectTableEntity",
  displayName: "Assets",
  keys: ["dataAreaId", "MaintenanceAssetId"],
  fields: {
    dataAreaId,
    MaintenanceAssetId: str(20, true),
    Name: str(60),
    MaintenanceAssetTypeId: str(20),
    FunctionalLocationId: str(20),
    ParentMaintenanceAssetId: str(20),
    CustomerAccount: str(20),
    ItemNumber: str(20),
    ActiveFrom: { type: "DateTime" },
    ActiveTo: { type: "DateTime" },
  },
};

export const paymentTerms: ScmEntityDefinition = {
  collection: "PaymentTerms",
  entityName: "PaymentTerm",
  physicalName: "PaymentTermEntity",
  displayName: "Terms of payment",
  keys: ["dataAreaId", "Name"],
  fields: {
    dataAreaId,
    Name: str(10, true),
    Description: str(60),
    NumberOfDays: { type: "Int" },
    NumberOfMonths: { type: "Int" },
    CutOffDayOfMonth: { type: "Int" },
    PaymentMethodType: { type: "Enum", enumName: "NetCurrent", values: PaymentMethodTypeValues },
    IsCashPayment: noYes,
    IsDefaultPaymentTerm: noYes,
  },
};

export const modesOfDelivery: ScmEntityDefinition = {
  collection: "ModesOfDelivery",
  entityName: "ModeOfDelivery",
  physicalName: "DlvDeliveryModeEntity",
  displayName: "Modes of delivery",
  keys: ["dataAreaId", "ModeCode"],
  fields: { dataAreaId, ModeCode: str(10, true), ModeDescription: str(60) },
};

export const scmEntities: readonly ScmEntityDefinition[] = [
  operationalSites,
  warehouses,
  maintenanceAssetTypes,
  maintenanceAssets,
  paymentTerms,
  modesOfDelivery,
  // Inventory and projects; defined in inventory-entities.ts.
  ...inventoryEntities,
];

export function scmEntityByCollection(collection: string): ScmEntityDefinition | undefined {
  return scmEntities.find((entity) => entity.collection === collection);
}
