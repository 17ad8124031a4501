/** Customer asset rows in the Web API's JSON shape, for the CustomerAssetPicker tests. */
import type { WebApiEntity } from "../shared/services/webApi";
import { guidFor } from "./warehouseRows";

const formatted = "@OData.Community.Display.V1.FormattedValue";
const lookupTable = "@Microsoft.Dynamics.CRM.lookuplogicalname";

export const assetIds = {
  contoso: guidFor(0xac, 1),
  fabrikam: guidFor(0xac, 2),
  usmf: guidFor(0xc0, 1),
  usrt: guidFor(0xc0, 2),
};

export interface AssetSpec {
  readonly n: number;
  readonly name: string;
  readonly tag?: string | null;
  readonly scmId?: string | null;
  readonly category?: string;
  readonly accountId?: string;
  readonly accountName?: string;
  readonly companyId?: string;
  readonly origin?: 716900000 | 716900001 | null;
  readonly active?: boolean;
}

export function assetRow(spec: AssetSpec): WebApiEntity {
  const origin = spec.origin === undefined ? 716900000 : spec.origin;
  return {
    msdyn_customerassetid: guidFor(0xa5, spec.n),
    msdyn_name: spec.name,
    msdyn_assettag: spec.tag ?? null,
    msdyn_maintenanceassetid: spec.scmId ?? null,
    _msdyn_customerassetcategory_value: spec.category ? guidFor(0xca, spec.category.length) : null,
    [`_msdyn_customerassetcategory_value${formatted}`]: spec.category ?? null,
    [`_msdyn_customerassetcategory_value${lookupTable}`]: "msdyn_customerassetcategory",
    _msdyn_account_value: spec.accountId ?? assetIds.contoso,
    [`_msdyn_account_value${formatted}`]:
      spec.accountName ?? (spec.accountId === assetIds.fabrikam ? "Fabrikam" : "Contoso"),
    [`_msdyn_account_value${lookupTable}`]: "account",
    _msdyn_company_value: spec.companyId ?? assetIds.usmf,
    fsi_origin: origin,
    [`fsi_origin${formatted}`]: origin === null ? null : origin === 716900000 ? "Field Service" : "Supply Chain",
    statecode: spec.active === false ? 1 : 0,
    msdyn_latitude: null,
    msdyn_longitude: null,
  };
}

/** A small estate: two customers, two companies, assets from both systems. */
export function assetEstate(): WebApiEntity[] {
  return [
    assetRow({ n: 1, name: "Pump 3000", tag: "PMP-0042", scmId: "MA-1001", category: "Pumps", origin: 716900001 }),
    assetRow({ n: 2, name: "Boiler A", tag: "BLR-7", scmId: null, category: "Boilers" }),
    assetRow({ n: 3, name: "pump housing", tag: null, scmId: "MA-1002", category: "Pumps", origin: 716900001 }),
    assetRow({ n: 4, name: "Air handler", tag: "AHU-1", category: "HVAC" }),
    assetRow({
      n: 5,
      name: "Pump station",
      tag: "PMP-0099",
      scmId: "MA-2001",
      category: "Pumps",
      accountId: assetIds.fabrikam,
    }),
    assetRow({ n: 6, name: "Pump retired", tag: "PMP-0001", category: "Pumps", active: false }),
    assetRow({ n: 7, name: "Pump in another company", tag: "PMP-0100", category: "Pumps", companyId: assetIds.usrt }),
    assetRow({ n: 8, name: "Compressor", tag: "CMP-9", scmId: "MA-3000", category: "Compressors", origin: null }),
  ];
}
