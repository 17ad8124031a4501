/**
 * What the NearbyWarehouses component asks of the outside world, behind one small interface: where
 * the user is, the default radius, and the warehouses near a point (with stock when a product is
 * given). One request for the warehouses, at most one for stock, never one per row.
 */
import { nearest, type GeoPoint } from "../../../core/geo";
import { readEnvironmentVariable } from "../../shared/services/environmentVariables";
import { sameId } from "../../shared/services/ids";
import {
  numberColumn,
  stringColumn,
  lookupValueColumn,
  type WebApiEntity,
  type WebApiReader,
} from "../../shared/services/webApi";
import { locate, usablePoint, type DevicePosition, type PositionInputs, type PositionResult } from "./position";
import { inventoryColumns, stockQuery, warehouseColumns, warehouseQuery } from "./warehouseQuery";

export interface StockLevel {
  readonly onHand: number;
  readonly available: number;
}

export interface NearbyWarehouse {
  readonly id: string;
  readonly name: string;
  readonly identifier: string | null;
  readonly address: string | null;
  readonly position: GeoPoint;
  readonly distanceKm: number;
  /** Stock of the requested product; zero when the warehouse has no inventory row for it. */
  readonly stock: StockLevel | null;
}

export interface NearbySearch {
  readonly center: GeoPoint;
  readonly radiusKm: number;
  readonly companyId: string | null;
  readonly productId: string | null;
  readonly maxResults: number;
  /** Only these warehouse types (choice values); null or absent for every type. */
  readonly warehouseTypes?: readonly number[] | null;
}

export type StockState = "notRequested" | "loaded" | "unavailable";

export interface NearbySearchResult {
  /** Nearest first. With a product, more than `maxResults` so a "has stock" filter has rows to keep. */
  readonly warehouses: readonly NearbyWarehouse[];
  /** Warehouses within the radius (the list may show fewer). */
  readonly inRadius: number;
  /** The box held more warehouses than one page: some near ones may be missing. */
  readonly truncated: boolean;
  readonly stock: StockState;
}

export interface NearbyWarehousesService {
  locate(inputs: PositionInputs): Promise<PositionResult>;
  defaultRadiusKm(): Promise<number>;
  search(search: NearbySearch): Promise<NearbySearchResult>;
}

/** Used when neither the control's input nor `fsi_NearbyRadiusKm` gives a radius. */
export const fallbackRadiusKm = 25;

export const radiusEnvironmentVariable = "fsi_NearbyRadiusKm";

/**
 * How many of the nearest warehouses get a stock level. Bounded so the one stock request stays a
 * short URL (each warehouse adds an `eq` of about 60 characters).
 */
export const stockCandidates = 100;

/**
 * The name a technician reads. Under Microsoft's dual-write naming (the warehouses map's default
 * `naming`) msdyn_name holds SCM's warehouse id and msdyn_description the warehouse name: the row
 * then shows the description as its title, the id staying in the details line. Under the `name`
 * choice msdyn_name is the name.
 */
export function readableName(name: string | null, description: string | null, identifier: string | null): string {
  if (name !== null && name === identifier && description !== null && description.trim() !== "") return description;
  return name ?? "";
}

function toCandidate(row: WebApiEntity): Omit<NearbyWarehouse, "distanceKm" | "stock"> | null {
  const id = stringColumn(row, warehouseColumns.id);
  const position = usablePoint(
    numberColumn(row, warehouseColumns.latitude),
    numberColumn(row, warehouseColumns.longitude),
  );
  if (!id || !position) {
    return null;
  }
  const identifier = stringColumn(row, warehouseColumns.identifier);
  return {
    id,
    name: readableName(
      stringColumn(row, warehouseColumns.name),
      stringColumn(row, warehouseColumns.description),
      identifier,
    ),
    identifier,
    address: stringColumn(row, warehouseColumns.address),
    position,
  };
}

async function stockByWarehouse(
  webApi: WebApiReader,
  productId: string,
  warehouseIds: readonly string[],
): Promise<Map<string, StockLevel>> {
  const query = stockQuery(productId, warehouseIds);
  const response = await webApi.retrieveMultipleRecords(query.entityLogicalName, query.options, query.maxPageSize);
  const levels = new Map<string, StockLevel>();
  for (const row of response.entities) {
    const warehouseId = stringColumn(row, lookupValueColumn(inventoryColumns.warehouse));
    const id = warehouseId && warehouseIds.find((candidate) => sameId(candidate, warehouseId));
    if (!id) {
      continue;
    }
    const previous = levels.get(id) ?? { onHand: 0, available: 0 };
    levels.set(id, {
      onHand: previous.onHand + (numberColumn(row, inventoryColumns.onHand) ?? 0),
      available: previous.available + (numberColumn(row, inventoryColumns.available) ?? 0),
    });
  }
  return levels;
}

export async function searchNearby(webApi: WebApiReader, search: NearbySearch): Promise<NearbySearchResult> {
  const query = warehouseQuery(search);
  const response = await webApi.retrieveMultipleRecords(query.entityLogicalName, query.options, query.maxPageSize);
  const candidates = response.entities.map(toCandidate).filter((row) => row !== null);
  const inRadius = nearest(search.center, candidates, candidates.length, (row) => row.position, search.radiusKm);
  const keep = search.productId ? Math.max(search.maxResults, stockCandidates) : search.maxResults;
  const ranked = inRadius.slice(0, keep);
  let stock: StockState = "notRequested";
  let levels = new Map<string, StockLevel>();
  if (search.productId && ranked.length > 0) {
    try {
      levels = await stockByWarehouse(
        webApi,
        search.productId,
        ranked.map(({ row }) => row.id),
      );
      stock = "loaded";
    } catch {
      // Stock is a bonus: without it (say, inventory is not in the offline profile) the list still helps.
      stock = "unavailable";
    }
  }
  return {
    warehouses: ranked.map(({ row, distanceKm }) => ({
      ...row,
      distanceKm,
      stock: stock === "loaded" ? (levels.get(row.id) ?? { onHand: 0, available: 0 }) : null,
    })),
    inRadius: inRadius.length,
    truncated: response.nextLink !== undefined && response.nextLink !== "",
    stock,
  };
}

export async function readDefaultRadiusKm(webApi: WebApiReader): Promise<number> {
  try {
    const configured = Number(await readEnvironmentVariable(webApi, radiusEnvironmentVariable));
    return Number.isFinite(configured) && configured > 0 ? configured : fallbackRadiusKm;
  } catch {
    return fallbackRadiusKm;
  }
}

export function createNearbyWarehousesService(
  webApi: WebApiReader,
  device: DevicePosition | null,
): NearbyWarehousesService {
  let defaultRadius: Promise<number> | undefined;
  return {
    locate: (inputs) => locate(inputs, webApi, device),
    defaultRadiusKm: () => (defaultRadius ??= readDefaultRadiusKm(webApi)),
    search: (search) => searchNearby(webApi, search),
  };
}
