/**
 * What the CustomerAssetPicker asks of the outside world: the work order's service account, and the
 * customer assets matching a search — from Field Service or synced from SCM alike.
 */
import type { AssetOrigin as AssetOriginValues } from "@fsi/core/dataverse/tables/integration-tables";
import { queryString } from "../../shared/services/odata";
import {
  formattedValue,
  lookupValueColumn,
  numberColumn,
  stringColumn,
  type WebApiEntity,
  type WebApiReader,
} from "../../shared/services/webApi";
import { assetColumns, assetQuery, matchesTerm, type AssetSearch } from "./assetQuery";

export type AssetOrigin = "fieldService" | "supplyChain";

type OriginValue = (typeof AssetOriginValues)[keyof typeof AssetOriginValues];

/** `fsi_origin` values (core's AssetOrigin; the type keeps them equal). */
const origins: Readonly<Record<OriginValue, AssetOrigin>> = {
  716900000: "fieldService",
  716900001: "supplyChain",
};

export interface CustomerAssetOption {
  readonly id: string;
  readonly name: string;
  readonly assetTag: string | null;
  readonly scmAssetId: string | null;
  readonly category: string | null;
  readonly account: string | null;
  readonly origin: AssetOrigin | null;
}

export interface AssetSearchResult {
  readonly assets: readonly CustomerAssetOption[];
  /** More assets match than were listed. */
  readonly more: boolean;
}

export interface CustomerAssetService {
  /** The work order's service account id, or null. */
  serviceAccountOf(workOrderId: string): Promise<string | null>;
  search(search: AssetSearch): Promise<AssetSearchResult>;
}

function toOption(row: WebApiEntity): CustomerAssetOption | null {
  const id = stringColumn(row, assetColumns.id);
  if (!id) return null;
  const originValue = numberColumn(row, assetColumns.origin);
  return {
    id,
    name: stringColumn(row, assetColumns.name) ?? "",
    assetTag: stringColumn(row, assetColumns.assetTag),
    scmAssetId: stringColumn(row, assetColumns.scmAssetId),
    category: formattedValue(row, lookupValueColumn(assetColumns.category)),
    account: formattedValue(row, lookupValueColumn(assetColumns.account)),
    origin:
      originValue !== null && Object.prototype.hasOwnProperty.call(origins, originValue)
        ? origins[originValue as OriginValue]
        : null,
  };
}

export async function searchAssets(webApi: WebApiReader, search: AssetSearch): Promise<AssetSearchResult> {
  const query = assetQuery(search);
  const response = await webApi.retrieveMultipleRecords(query.entityLogicalName, query.options);
  const rows = response.entities.map(toOption).filter((option) => option !== null);
  const more = rows.length > search.top;
  const assets = rows
    .slice(0, search.top)
    .filter((asset) => matchesTerm([asset.name, asset.assetTag, asset.scmAssetId], search.term));
  return { assets, more };
}

export function createCustomerAssetService(webApi: WebApiReader): CustomerAssetService {
  const accounts = new Map<string, Promise<string | null>>();
  return {
    serviceAccountOf(workOrderId) {
      let account = accounts.get(workOrderId);
      if (!account) {
        const column = lookupValueColumn("msdyn_serviceaccount");
        account = webApi
          .retrieveRecord("msdyn_workorder", workOrderId, queryString({ select: [column] }))
          .then((row) => stringColumn(row, column));
        accounts.set(workOrderId, account);
        account.catch(() => accounts.delete(workOrderId));
      }
      return account;
    },
    search: (search) => searchAssets(webApi, search),
  };
}
